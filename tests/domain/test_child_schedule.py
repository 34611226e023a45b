"""Child contact windows and contents (shared/domain.md §2.2)."""

from __future__ import annotations

from datetime import date

import pytest

from desktop.domain import child_schedule as cs


def test_the_national_ages() -> None:
    regular = [c.kind for c in cs.CHECKS]
    assert regular == ["newborn", "28d", "3m", "6m", "8m", "12m", "18m", "24m", "30m", "36m",
                       "4y", "5y", "6y"]
    assert [c.months for c in cs.CHECKS[2:]] == [3, 6, 8, 12, 18, 24, 30, 36, 48, 60, 72]


def test_newborn_visit_within_7_days_of_discharge() -> None:
    w = cs.window("newborn", date(2024, 3, 1), discharge=date(2024, 3, 4))
    assert (w.due_from, w.due_by) == (date(2024, 3, 4), date(2024, 3, 11))
    w = cs.window("newborn", date(2024, 3, 1))
    assert (w.due_from, w.due_by) == (date(2024, 3, 1), date(2024, 3, 8))
    # A discharge date before the birth (typo) falls back to the birth.
    assert cs.window("newborn", date(2024, 3, 1), date(2024, 2, 1)).due_from == date(2024, 3, 1)


def test_month_check_28_to_30_days() -> None:
    w = cs.window("28d", date(2024, 3, 1))
    assert (w.due_from, w.due_by) == (date(2024, 3, 29), date(2024, 3, 31))
    assert not cs.CHECKS_BY_KIND["28d"].confirmed


@pytest.mark.parametrize(("kind", "nominal"), [
    ("3m", date(2024, 4, 30)), ("6m", date(2024, 7, 31)), ("12m", date(2025, 1, 31)),
    ("30m", date(2026, 7, 31)), ("4y", date(2028, 1, 31)), ("6y", date(2030, 1, 31))])
def test_calendar_month_ages(kind: str, nominal: date) -> None:
    w = cs.window(kind, date(2024, 1, 31))
    assert w.nominal == nominal
    check = cs.CHECKS_BY_KIND[kind]
    assert (w.nominal - w.due_from).days == check.before
    assert (w.due_by - w.nominal).days == check.after


def test_contents_as_data() -> None:
    hb = [c.kind for c in cs.CHECKS if c.haemoglobin]
    assert hb == ["6m", "12m", "24m", "36m", "4y", "5y", "6y"]
    assert all(c.vision for c in cs.CHECKS)  # 13 eye checks [S]
    assert [c.kind for c in cs.CHECKS if c.hearing] == ["newborn", "6m", "12m", "24m", "36m"]
    assert not cs.CHECKS_BY_KIND["4y"].measure_head
    assert all(not c.confirmed for c in cs.CHECKS if c.kind != "newborn")


def test_special_management_adds_contacts() -> None:
    plain = [w.kind for w in cs.schedule(date(2024, 1, 1))]
    special = [w.kind for w in cs.schedule(date(2024, 1, 1), special=True)]
    assert len(plain) == 13
    assert set(special) - set(plain) == set(cs.SPECIAL_KINDS)
    assert special.index("special_14d") < special.index("28d")
    assert cs.window("special_14d", date(2024, 1, 1)).nominal == date(2024, 1, 15)


def test_special_management_reasons() -> None:
    assert cs.special_management_reasons(258, 2499) == ("preterm", "lbw")
    assert cs.special_management_reasons(259, 2500) == ()
    assert cs.special_management_reasons(None, None, multiple=True, birth_defect=True) == (
        "multiple", "birth_defect")


def test_current_check() -> None:
    birth = date(2024, 1, 1)
    assert cs.current_check(birth, date(2024, 4, 5)) == "3m"
    assert cs.current_check(birth, date(2024, 3, 15)) is None
    with pytest.raises(KeyError):
        cs.window("9m", birth)
