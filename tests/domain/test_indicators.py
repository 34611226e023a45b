"""Indicator definitions on plain records: periods, attribution rules and each rule's edge."""

from __future__ import annotations

from datetime import date

import pytest

from desktop.domain import indicators as ind

YEAR = ind.Period.year(2025)


def row(code: str) -> ind.Indicator:
    return next(i for i in ind.indicators(YEAR.end) if i.code == code)


def figure(code: str, records, period: ind.Period = YEAR) -> tuple[int, int]:
    f, _ = ind.evaluate(row(code), records, period)
    return f.numerator, f.denominator


@pytest.mark.parametrize(("text", "start", "end"), [
    ("2025-01..2025-12", date(2025, 1, 1), date(2025, 12, 31)),
    ("2024-02", date(2024, 2, 1), date(2024, 2, 29)),
    ("2025-10..2026-03", date(2025, 10, 1), date(2026, 3, 31)),
])
def test_period_parse(text, start, end):
    assert ind.Period.parse(text) == ind.Period(start, end)


@pytest.mark.parametrize("text", ["2025-13", "2025", "2025-03..2025-01", "x..y", "",
                                  "2025-01..2025-02..2025-03"])
def test_period_parse_refuses(text):
    with pytest.raises(ValueError):
        ind.Period.parse(text)


def test_statistical_year_quarter_and_months():
    assert ind.Period.statistical_year(2025) == ind.Period(date(2024, 10, 1),
                                                           date(2025, 9, 30))
    assert ind.Period.quarter(2025, 2) == ind.Period(date(2025, 4, 1), date(2025, 6, 30))
    assert [m.label for m in ind.Period.statistical_year(2025).months()][:3] == [
        "2024-10", "2024-11", "2024-12"]
    assert len(YEAR.months()) == 12


def episode(**over) -> ind.Episode:
    base = dict(person_id="w", pregnancy_id="p", area_code="150525100201",
                delivery_date=date(2025, 5, 1), registered_ga_days=70,
                prenatal_visits=tuple(date(2025, m, 1) for m in (1, 2, 3, 4, 4)),
                place_level="county", live_births=1, discharge_date=date(2025, 5, 3),
                postpartum_visits=(date(2025, 5, 8),), check_42d=date(2025, 6, 12))
    base.update(over)
    return ind.Episode(**base)


def test_twins_count_twice_below_and_once_above():
    twins = episode(live_births=2)
    assert figure("maternal_system_mgmt", [twins]) == (1, 2)
    assert figure("hospital_delivery", [twins]) == (2, 2)   # 住院分娩活产数
    assert figure("high_risk", [twins]) == (0, 1)           # 产妇数


def test_system_management_needs_every_part():
    assert figure("maternal_system_mgmt", [episode(registered_ga_days=91)]) == (0, 1)
    assert figure("maternal_system_mgmt", [episode(check_42d=None)]) == (0, 1)
    late_visit = episode(postpartum_visits=(date(2025, 6, 1),))  # 29 days after discharge
    assert figure("postpartum_visit", [late_visit]) == (0, 1)
    # A prenatal "visit" after the delivery is not a prenatal check.
    four = episode(prenatal_visits=(*episode().prenatal_visits[:4], date(2025, 5, 2)))
    assert figure("prenatal_5", [four]) == (0, 1)


def test_attribution_by_delivery_date_and_moves():
    span = episode(delivery_date=date(2024, 12, 30))
    assert figure("early_registration", [span]) == (0, 0)
    assert figure("early_registration", [span], ind.Period.parse("2024-12")) == (1, 1)
    gone_before = episode(moved_out=date(2025, 5, 1))
    gone_after = episode(moved_out=date(2025, 5, 2))
    died_after = episode(died_on=date(2025, 5, 5))
    assert figure("early_registration", [gone_before, gone_after, died_after]) == (2, 2)


def test_high_risk_colours_and_management():
    red = episode(person_id="r", risk_colours=frozenset({"yellow", "red"}), case_managed=True)
    orange = episode(person_id="o", risk_colours=frozenset({"orange"}))
    yellow = episode(person_id="y", risk_colours=frozenset({"yellow"}))
    records = [red, orange, yellow]
    assert figure("high_risk", records) == (2, 3)
    assert figure("risk_yellow", records) == (2, 3)
    assert figure("high_risk_managed", records) == (1, 2)
    total, villages = ind.evaluate(row("high_risk_managed"), records, YEAR)
    assert total.numerator_ids == ["r"] and total.denominator_ids == ["r", "o"]
    assert villages["150525100201"].rate == 50.0


def child(pid: str, born: date, checks=(), doses=(), **over) -> ind.ChildRecord:
    return ind.ChildRecord(pid, "150525100201", "M", born, tuple(checks), tuple(doses), **over)


def check(on: date, born: date, kind: str = "12m", **values) -> ind.ChildCheck:
    return ind.ChildCheck(on, kind, (on - born).days, **values)


def test_children_turning_3_and_7_and_deaths_and_moves():
    b3 = date(2022, 12, 31)   # turns 3 on the last day: out
    b3b = date(2023, 1, 1)    # turns 3 the day after: in
    b7 = date(2018, 6, 1)
    kids = ind.Children([
        child("t3", b3, [check(date(2025, 6, 1), b3, "30m")]),
        child("u3", b3b, [check(date(2025, 1, 5), b3b, "24m"),
                          check(date(2025, 7, 3), b3b, "30m")]),
        child("t7", b7, [check(date(2025, 3, 1), b7, "6y")]),
        child("dead", date(2024, 2, 1), died_on=date(2025, 3, 1)),
        child("gone", date(2024, 2, 1), moved_out=date(2025, 12, 31)),
        child("later", date(2024, 2, 1), moved_in=date(2026, 1, 5)),
    ])
    f, _ = ind.evaluate(row("under3_system_mgmt"), kids, YEAR)
    assert f.denominator_ids == ["u3"] and f.numerator == 1  # 24m and 30m both done
    f, _ = ind.evaluate(row("under7_health_mgmt"), kids, YEAR)
    assert sorted(f.denominator_ids) == ["t3", "u3"]


def test_prevalences_use_the_latest_measure_under_5():
    born = date(2022, 1, 1)
    kid = child("k", born, [check(date(2025, 2, 1), born, waz=-2.5, hb_g_l=105),
                            check(date(2025, 8, 1), born, waz=-1.0)])
    old = date(2019, 12, 1)  # 5 years old before the check
    five = child("o", old, [check(date(2025, 3, 1), old, "5y", waz=-3.0, hb_g_l=90)])
    kids = ind.Children([kid, five])
    assert figure("underweight_u5", kids) == (0, 1)
    assert figure("anaemia_u5", kids) == (1, 1)
    young = date(2025, 3, 1)
    baby = child("b", young, [check(date(2025, 4, 1), young, "28d", feeding="mixed"),
                              check(date(2025, 6, 5), young, "3m",
                                    feeding="exclusive_breastfeeding")])
    assert figure("exclusive_bf", ind.Children([baby])) == (1, 1)


def test_vaccination_dose_age_in_period_and_tolerance():
    born = date(2024, 11, 10)   # MMR 1 at 8 months: 10 Jul 2025
    early = date(2024, 11, 20)
    kids = ind.Children([
        child("ok", born, doses=[("MMR", 1, date(2025, 7, 20))]),
        child("late", early, doses=[("MMR", 1, date(2026, 1, 3))]),   # after the period
        child("too_early", early, doses=[("MMR", 1, date(2025, 5, 1))]),
        child("old", date(2023, 1, 1), doses=[("MMR", 1, date(2023, 9, 1))]),  # 2023 age
    ])
    f, _ = ind.evaluate(row("vacc_MMR_1"), kids, YEAR)
    assert sorted(f.denominator_ids) == ["late", "ok", "too_early"]
    assert f.numerator_ids == ["ok"]
    je = ind.Children([child("je", born, doses=[("JE-I", 1, date(2025, 7, 10))])])
    assert figure("vacc_JE-L_1", je) == (1, 1)


def test_every_row_is_documented():
    for i in ind.indicators(YEAR.end):
        assert i.source and i.status in (ind.CONFIRMED, ind.PARTIAL, ind.UNCONFIRMED)
        assert i.title and i.numerator_text and i.denominator_text
    assert len({i.code for i in ind.INDICATORS}) == len(ind.INDICATORS)
