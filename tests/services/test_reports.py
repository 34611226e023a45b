"""Indicator reports on a hand-built township written through the real services: every
figure below is counted by hand from the records made here (year 2025, village 201 unless
said). Includes a woman who moved away before delivering, one who moved in late, a
pregnancy that spans 2024/2025, twins, a maternal death after delivery, a child death,
children who turn 3 and 7 in the year."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest
from maternal_helpers import OTHER_VILLAGE, VILLAGE, resident_id, woman_fields

from desktop.domain import indicators as ind
from desktop.services import report_export, reports
from desktop.services.session import Session

YEAR = ind.Period.year(2025)
ROOT = Path(__file__).resolve().parents[2]


def _woman(s: Session, name: str, born: date, seq: int, village: str = VILLAGE) -> str:
    return s.register_woman(woman_fields(
        name_zh=name, birth_date=born.isoformat(), resident_id=resident_id(born, seq),
        phone=f"1380000{seq:04d}", area_code=village), duplicates_seen=True,
        today=date(2024, 6, 1)).ids[0]


def _pregnancy(s: Session, woman: str, lmp: date, registered: date) -> str:
    return s.register_pregnancy(woman, {"registered_on": registered.isoformat(),
                                        "lmp": lmp.isoformat()}, today=registered).ids[0]


def _visits(s: Session, preg: str, days: list[date]) -> None:
    for day in days:
        s.record_prenatal_visit(preg, {"visit_date": day.isoformat(), "sbp": 110, "dbp": 70},
                                today=day)


def _deliver(s: Session, preg: str, day: date, level: str, babies: int = 1) -> list[str]:
    later = day + timedelta(days=2)
    ids = s.record_delivery(preg, {
        "delivery_date": day.isoformat(), "discharge_date": later.isoformat(),
        "place_level": level, "mode": "vaginal", "outcome": "live_birth",
        "babies": [{"sex": "F", "birth_weight_kg": 3.1, "birth_length_cm": 50}] * babies},
        today=later).ids
    return ids[1:]


def _postpartum(s: Session, preg: str, kind: str, day: date) -> None:
    s.record_postpartum_visit(preg, {"kind": kind, "visit_date": day.isoformat()}, today=day)


@pytest.fixture
def township(made):
    """The hand-built township; returns (session, ids by name)."""
    s = Session(made.store, made.admin)
    ids: dict[str, object] = {}
    # A: booked at 9 weeks, 5 checks, hospital, home visit, 42-day check: managed.
    a = _woman(s, "甲", date(1995, 1, 1), 11)
    pa = _pregnancy(s, a, date(2024, 6, 1), date(2024, 8, 1))
    _visits(s, pa, [date(2024, 8, 1), date(2024, 9, 25), date(2024, 11, 5),
                    date(2025, 1, 5), date(2025, 2, 20)])
    ids["A_child"] = _deliver(s, pa, date(2025, 3, 8), "county")[0]
    _postpartum(s, pa, "postpartum_7d", date(2025, 3, 14))
    _postpartum(s, pa, "postpartum_42d", date(2025, 4, 19))
    # B: twins at home, booked at 20 weeks, 2 checks, nothing after delivery.
    b = _woman(s, "乙", date(1993, 2, 2), 12)
    pb = _pregnancy(s, b, date(2024, 9, 1), date(2025, 1, 19))
    _visits(s, pb, [date(2025, 1, 19), date(2025, 3, 1)])
    ids["B_twins"] = _deliver(s, pb, date(2025, 6, 1), "home", babies=2)
    # C: delivered 28 Dec 2024, home visit in January 2025: a 2024 pregnancy.
    c = _woman(s, "丙", date(1994, 3, 3), 13)
    pc = _pregnancy(s, c, date(2024, 3, 25), date(2024, 6, 1))
    ids["C_child"] = _deliver(s, pc, date(2024, 12, 28), "township")[0]
    _postpartum(s, pc, "postpartum_7d", date(2025, 1, 3))
    # D: booked early, moved away on 1 Feb 2025, delivery recorded later anyway.
    d = _woman(s, "丁", date(1996, 4, 4), 14)
    pd = _pregnancy(s, d, date(2024, 7, 1), date(2024, 8, 20))
    with made.store.transaction(made.admin.id) as tx:
        tx.save("worklist_outcomes", {"person_id": d, "item": f"prenatal:{pd}",
                                      "outcome": "moved_away", "reason": "去了呼和浩特",
                                      "recorded_on": "2025-02-01"})
    _deliver(s, pd, date(2025, 4, 1), "city")
    # E: 41 years old (orange), moved in to village 202 at 25 weeks; case followed up.
    e = _woman(s, "戊", date(1983, 5, 5), 15, OTHER_VILLAGE)
    pe = _pregnancy(s, e, date(2025, 1, 1), date(2025, 6, 25))
    case = s.high_risk_register()[0]
    assert case["pregnancy_id"] == pe
    s.record_case_followup(case["id"], {"followup_date": "2025-07-01"},
                           today=date(2025, 7, 1))
    ids["E_child"] = _deliver(s, pe, date(2025, 10, 1), "tertiary")[0]
    _postpartum(s, pe, "postpartum_7d", date(2025, 10, 6))
    # F: delivered in hospital, died 5 days later (maternal death report).
    f = _woman(s, "己", date(1990, 6, 6), 16)
    pf = _pregnancy(s, f, date(2024, 11, 1), date(2025, 1, 10))
    ids["F_child"] = _deliver(s, pf, date(2025, 8, 1), "county")[0]
    s.report_maternal_death(f, {"event_date": "2025-08-06", "cause": "产后出血"},
                            today=date(2025, 8, 6))
    # Children: newborn visit for A's baby; doses at birth for A's baby and one twin.
    s.record_child_visit(ids["A_child"], "newborn", {"visit_date": "2025-03-14",
                                                     "weight_kg": 3.3, "length_cm": 51},
                         today=date(2025, 3, 14))
    for child in (ids["A_child"], ids["B_twins"][0]):
        born = date(2025, 3, 8) if child == ids["A_child"] else date(2025, 6, 1)
        s.record_vaccination(child, {"vaccine": "HepB", "dose": 1,
                                     "given_on": born.isoformat()}, today=born)
    # G: turns 3 on 15 Jun 2025, checked at 36 months; H: turns 7 in September 2025,
    # checked in March; K: died in May 2025 aged 16 months; U: 2 years old, underweight
    # and anaemic at her February check.
    def child(name: str, born: date, sex: str = "M") -> str:
        return s.register_child({"name_zh": name, "sex": sex, "birth_date": born.isoformat(),
                                 "area_code": VILLAGE}, today=date(2025, 1, 2)).ids[0]
    ids["G"] = child("小庚", date(2022, 6, 15))
    s.record_child_visit(ids["G"], "36m", {"visit_date": "2025-06-20", "weight_kg": 14.3,
                                           "length_cm": 96.0}, today=date(2025, 6, 20))
    ids["H"] = child("小辛", date(2018, 9, 1))
    s.record_child_visit(ids["H"], "6y", {"visit_date": "2025-03-01", "weight_kg": 20.0,
                                          "length_cm": 116.0}, today=date(2025, 3, 1))
    ids["K"] = child("小壬", date(2024, 1, 10))
    s.report_child_death(ids["K"], {"death_date": "2025-05-01", "cause": "肺炎"},
                         today=date(2025, 5, 1))
    ids["U"] = child("小癸", date(2023, 1, 20), "F")
    s.record_child_visit(ids["U"], "24m", {"visit_date": "2025-02-01", "weight_kg": 8.6,
                                           "length_cm": 86.0, "hb_g_l": 98},
                         today=date(2025, 2, 1), confirmed=True)
    ids.update(a=a, b=b, c=c, d=d, e=e, f=f)
    return s, ids


def _fig(report: reports.Report, code: str) -> tuple[int, int]:
    row = report.row(code)
    return row.figure.numerator, row.figure.denominator


def test_every_indicator_has_its_hand_counted_figures(township):
    s, ids = township
    report = reports.compute(s.store.conn, YEAR)
    # Women delivered in 2025 here: A (1 live birth), B (twins), E (1), F (1) → 5 live
    # births, 4 women. C delivered in 2024; D moved away before delivering.
    assert _fig(report, "maternal_system_mgmt") == (1, 5)          # A only
    assert _fig(report, "early_registration") == (2, 5)            # A, F (10 weeks)
    assert _fig(report, "prenatal_5") == (1, 5)                    # A
    assert _fig(report, "postpartum_visit") == (2, 5)              # A, E
    assert _fig(report, "hospital_delivery") == (3, 5)             # A, E, F (live births)
    assert _fig(report, "high_risk") == (1, 4)                     # E (orange)
    assert _fig(report, "risk_orange") == (1, 4)
    assert _fig(report, "risk_red") == (0, 4)
    assert _fig(report, "high_risk_managed") == (1, 1)
    den = report.row("maternal_system_mgmt").figure.denominator_ids
    assert set(den) == {ids["a"], ids["b"], ids["e"], ids["f"]}
    assert ids["d"] not in den and ids["c"] not in den
    # Newborns of 2025 registered here: A's, the twins, E's, F's and D's (her delivery
    # was recorded here, so her baby's record is in this village) → 6; only A's visited.
    assert _fig(report, "newborn_visit") == (1, 6)
    # Under 3 at 31 Dec 2025 and alive: the 6 babies of 2025, C's baby (born 28 Dec
    # 2024) and U (2 y) → 8; G turned 3, K died. Required: every contact whose window
    # closed in 2025 (A's baby: newborn, 3, 6, 8 months; U: 24 and 30 months…).
    num3, den3 = _fig(report, "under3_system_mgmt")
    assert den3 == 8
    assert ids["G"] not in report.row("under3_system_mgmt").figure.denominator_ids
    assert ids["K"] not in report.row("under3_system_mgmt").figure.denominator_ids
    assert num3 == 0  # A's baby has the newborn visit but missed 3, 6 and 8 months
    # Under 7 at year end: the 7 babies, U, G → 9 (H turned 7, K died); checked in the
    # 12 months: A's baby, U, G.
    assert _fig(report, "under7_health_mgmt") == (3, 9)
    assert ids["H"] not in report.row("under7_health_mgmt").figure.denominator_ids
    # Measured under 5 in 2025: A's baby (newborn visit) and U and G; U is underweight.
    under = report.row("underweight_u5").figure
    assert ids["U"] in under.numerator_ids and under.numerator == 1
    assert under.denominator == 3
    assert _fig(report, "anaemia_u5") == (1, 1)                    # U: 98 g/L
    # HepB 1 is due at birth: 6 children born in 2025 reached it; 2 had it.
    assert _fig(report, "vacc_HepB_1") == (2, 6)
    assert _fig(report, "vacc_BCG_1") == (0, 6)


def test_villages_and_area_filter(township):
    s, ids = township
    report = reports.compute(s.store.conn, YEAR)
    row = report.row("maternal_system_mgmt")
    assert row.by_village[VILLAGE].denominator == 4
    assert row.by_village[OTHER_VILLAGE].denominator == 1
    only = reports.compute(s.store.conn, YEAR, OTHER_VILLAGE)
    assert _fig(only, "high_risk") == (1, 1)
    assert _fig(only, "newborn_visit") == (0, 1)
    assert ids["e"] in only.row("high_risk").figure.numerator_ids


def test_spanning_pregnancy_belongs_to_its_delivery_period(township):
    s, ids = township
    report = reports.compute(s.store.conn, ind.Period.parse("2024-12"))
    assert report.row("postpartum_visit").figure.denominator_ids == [ids["c"]]
    assert _fig(report, "postpartum_visit") == (1, 1)


def test_trend_months_add_up(township):
    s, _ids = township
    months = reports.trend(s.store.conn, YEAR, "newborn_visit")
    assert [m.label for m, _ in months][:2] == ["2025-01", "2025-02"]
    assert sum(f.denominator for _, f in months) == 6
    assert sum(f.numerator for _, f in months) == 1


def test_exports_read_back(township, tmp_path):
    s, _ids = township
    report = reports.compute(s.store.conn, YEAR)
    path = report_export.to_csv(report, tmp_path / "r.csv", label=lambda c: "指标" + c)
    with path.open(encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    whole = next(r for r in rows if r["code"] == "hospital_delivery" and r["area"] == "")
    assert (whole["numerator"], whole["denominator"], whole["rate"]) == ("3", "5", "60.0")
    assert whole["indicator"] == "指标hospital_delivery"
    from openpyxl import load_workbook

    book = load_workbook(report_export.to_xlsx(report, tmp_path / "r.xlsx"))
    lines = list(book.active.iter_rows(values_only=True))
    assert lines[0] == report_export.HEADER
    found = next(line for line in lines if line[0] == "vacc_HepB_1" and not line[2])
    assert (found[3], found[4]) == (2, 6)


def test_report_command_prints_every_indicator(township, made):
    s, _ids = township
    made.store.close()
    env = {**os.environ, "EKE_PASSWORD": made.password, "PYTHONPATH": str(ROOT)}
    out = subprocess.run([sys.executable, "-m", "desktop", "report", "--data-dir",
                          str(made.data_dir), "--period", "2025-01..2025-12", "--json"],
                         capture_output=True, text=True, env=env, cwd=ROOT, timeout=120)
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)
    assert result["period"] == {"from": "2025-01-01", "to": "2025-12-31",
                                "label": "2025-01..2025-12"}
    codes = {r["code"] for r in result["indicators"]}
    assert codes == {i.code for i in ind.indicators(YEAR.end)}
    row = next(r for r in result["indicators"] if r["code"] == "maternal_system_mgmt")
    assert (row["numerator"], row["denominator"], row["rate"]) == (1, 5, 20.0)
    assert set(row["by_village"]) == {VILLAGE, OTHER_VILLAGE}
    bad = subprocess.run([sys.executable, "-m", "desktop", "report", "--data-dir",
                          str(made.data_dir), "--period", "2025-12..2025-01", "--json"],
                         capture_output=True, text=True, env=env, cwd=ROOT, timeout=120)
    assert bad.returncode == 2 and bad.stdout == "" and "Traceback" not in bad.stderr


def test_checks_saved_without_z_scores_are_scored_by_the_report(township):
    """Older or generated checks may hold a weight and length but no z-scores: the report
    scores them (their measures read apart), with the figures of the scored checks."""
    s, ids = township
    want = reports.compute(s.store.conn, YEAR)
    s.store.conn.execute("UPDATE child_visits SET waz = NULL, lhaz = NULL, wlhz = NULL")
    assert s.store.conn.execute("SELECT count(*) FROM child_visits WHERE waz IS NOT NULL"
                                ).fetchone()[0] == 0
    got = reports.compute(s.store.conn, YEAR)
    for code in ("underweight_u5", "stunting_u5", "wasting_u5"):
        assert got.row(code).figure == want.row(code).figure, code
    assert ids["U"] in got.row("underweight_u5").figure.numerator_ids


def test_corrected_visits_count_as_corrected(township, made):
    """A prenatal and a postpartum visit corrected to later days: the report counts the
    corrections (read again for those pregnancies), as each rule does on the episodes."""
    s, ids = township
    conn = s.store.conn
    pregnancy = conn.execute("SELECT pregnancy_id FROM deliveries WHERE person_id = ?",
                             (ids["a"],)).fetchone()[0]
    before = reports.compute(conn, YEAR)
    assert ids["a"] in before.row("prenatal_5").figure.numerator_ids
    assert ids["a"] in before.row("postpartum_visit").figure.numerator_ids
    visit = conn.execute("SELECT id FROM prenatal_visits WHERE pregnancy_id = ? ORDER BY"
                         " visit_date DESC", (pregnancy,)).fetchone()[0]
    home = conn.execute("SELECT id FROM postpartum_visits WHERE pregnancy_id = ? AND kind ="
                        " 'postpartum_7d'", (pregnancy,)).fetchone()[0]
    with made.store.transaction(made.admin.id) as tx:
        tx.save("prenatal_visits", {"person_id": ids["a"], "pregnancy_id": pregnancy,
                                    "visit_date": "2025-03-20", "supersedes": visit})
        tx.save("postpartum_visits", {"person_id": ids["a"], "pregnancy_id": pregnancy,
                                      "kind": "postpartum_7d", "visit_date": "2025-05-30",
                                      "supersedes": home})
    after = reports.compute(conn, YEAR)
    for code in ("prenatal_5", "postpartum_visit", "maternal_system_mgmt"):
        assert ids["a"] not in after.row(code).figure.numerator_ids, code
    episodes = reports.load_episodes(conn, YEAR, None)
    for row in after.rows:
        if row.indicator.group == ind.MATERNAL:
            assert (row.figure, row.by_village) == ind.evaluate(row.indicator, episodes, YEAR)


def test_a_check_dated_before_the_birth_is_judged_as_the_rules_do(township, made):
    """A newborn visit filed before the child's birth (a wrong date): the report works that
    child out from its checks, as each rule does on the records."""
    s, ids = township
    conn = s.store.conn
    twin = s.register_child({"name_zh": "小早", "sex": "F", "birth_date": "2025-06-01",
                             "area_code": VILLAGE}, today=date(2025, 6, 2)).ids[0]
    with made.store.transaction(made.admin.id) as tx:
        tx.save("child_visits", {"person_id": twin, "kind": "newborn",
                                 "visit_date": "2025-05-20", "age_days": 0})
    got = reports.compute(conn, YEAR)
    kids = reports.load_children(conn, YEAR, None)
    for row in got.rows:
        if row.indicator.group != ind.MATERNAL:
            assert (row.figure, row.by_village) == ind.evaluate(row.indicator, kids, YEAR)
    newborn = got.row("newborn_visit").figure
    assert twin in newborn.denominator_ids and twin not in newborn.numerator_ids
