"""The 2021 national immunization schedule: every dose's age, intervals, due, overdue,
catch-up, alternatives and the disabled-by-default 2025 DTaP version."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from desktop.domain import vaccines as v
from desktop.domain.child_schedule import add_months

BIRTH = date(2023, 1, 15)

# (vaccine, dose, months) as in shared/domain.md §4
EXPECTED_2021 = [
    ("HepB", 1, 0), ("HepB", 2, 1), ("HepB", 3, 6), ("BCG", 1, 0), ("IPV", 1, 2),
    ("IPV", 2, 3), ("bOPV", 1, 4), ("bOPV", 2, 48), ("DTaP", 1, 3), ("DTaP", 2, 4),
    ("DTaP", 3, 5), ("DTaP", 4, 18), ("DT", 1, 72), ("MMR", 1, 8), ("MMR", 2, 18),
    ("JE-L", 1, 8), ("JE-L", 2, 24), ("MPSV-A", 1, 6), ("MPSV-A", 2, 9),
    ("MPSV-AC", 1, 36), ("MPSV-AC", 2, 72), ("HepA-L", 1, 18),
]


def version_2021() -> v.ScheduleVersion:
    return next(x for x in v.VERSIONS if x.name == "2021")


def all_given_on_time(birth: date, version: v.ScheduleVersion) -> list[v.GivenDose]:
    return [v.GivenDose(d.vaccine, d.dose, add_months(birth, d.months)) for d in version.doses
            if d.vaccine not in ("JE-I", "HepA-I")]


@pytest.mark.parametrize(("vaccine", "dose", "months"), EXPECTED_2021)
def test_every_dose_age_in_2021(vaccine: str, dose: int, months: int) -> None:
    doses = {(d.vaccine, d.dose): d for d in version_2021().doses}
    assert doses[(vaccine, dose)].months == months
    statuses = {(s.vaccine, s.dose): s for s in v.dose_statuses(BIRTH, [], BIRTH)}
    assert statuses[(vaccine, dose)].recommended == add_months(BIRTH, months)


def test_the_2021_schedule_has_exactly_these_default_doses() -> None:
    statuses = v.dose_statuses(BIRTH, [], BIRTH)
    assert sorted((s.vaccine, s.dose) for s in statuses) == sorted(
        (a, b) for a, b, _ in EXPECTED_2021)


def test_sourced_minimum_intervals() -> None:
    doses = {(d.vaccine, d.dose): d for d in version_2021().doses}
    assert doses[("HepB", 2)].min_days_after == 28
    assert [doses[("DTaP", n)].min_days_after for n in (2, 3)] == [28, 28]
    assert doses[("MPSV-A", 2)].min_days_after == 90
    assert doses[("MPSV-AC", 2)].min_days_after == 3 * 365
    assert ("MPSV-A", 2, 365) in doses[("MPSV-AC", 1)].after


def test_on_time_child_has_everything_given_and_nothing_due() -> None:
    given = all_given_on_time(BIRTH, version_2021())
    statuses = v.dose_statuses(BIRTH, given, date(2030, 1, 1))
    assert {s.status for s in statuses} == {v.GIVEN}
    assert not any(s.problems for s in statuses)


def test_due_window_and_overdue() -> None:
    # IPV 1 at 2 months (15 Mar 2023): due in that month of age, overdue after 14 Apr.
    for today, status in ((date(2023, 3, 14), v.UPCOMING), (date(2023, 3, 15), v.DUE),
                          (date(2023, 4, 14), v.DUE), (date(2023, 4, 15), v.OVERDUE)):
        s = next(x for x in v.dose_statuses(BIRTH, [], today) if x.vaccine == "IPV")
        assert s.status == status, today
    due = {(s.vaccine, s.dose) for s in v.due(BIRTH, [], date(2023, 3, 20))}
    assert ("IPV", 1) in due and ("IPV", 2) not in due and ("HepB", 1) not in due


def test_hepb_dose_1_is_overdue_after_24_hours() -> None:
    assert next(s for s in v.dose_statuses(BIRTH, [], BIRTH) if s.vaccine == "HepB").status \
        == v.DUE
    later = date(2023, 1, 17)
    overdue = {(s.vaccine, s.dose) for s in v.overdue(BIRTH, [], later)}
    assert ("HepB", 1) in overdue and ("BCG", 1) not in overdue


def test_catch_up_respects_intervals() -> None:
    # Nothing given; seen at 7 months: HepB 1 today, HepB 2 28 days later, HepB 3 60 after.
    today = date(2023, 8, 20)
    plan = {(s.vaccine, s.dose): s.planned_on for s in v.catch_up(BIRTH, [], today)}
    assert plan[("HepB", 1)] == today
    assert plan[("HepB", 2)] == date(2023, 9, 17)
    assert plan[("HepB", 3)] == date(2023, 11, 16)
    assert plan[("DTaP", 2)] == date(2023, 9, 17)
    assert plan[("MPSV-A", 2)] >= date(2023, 11, 18)
    assert ("MMR", 1) not in plan  # not late yet: 8 months is in September


def test_too_late_vaccines_are_not_caught_up() -> None:
    # BCG is not caught up from 4 years; DTaP not from 6 years (DT instead).
    statuses = {(s.vaccine, s.dose): s.status for s in
                v.dose_statuses(BIRTH, [], date(2029, 3, 1))}
    assert statuses[("BCG", 1)] == v.TOO_LATE
    assert statuses[("DTaP", 1)] == v.TOO_LATE
    assert statuses[("HepB", 1)] == v.OVERDUE


def test_dose_too_early_is_reported() -> None:
    given = [v.GivenDose("HepB", 1, BIRTH), v.GivenDose("HepB", 2, date(2023, 2, 1))]
    hepb2 = next(s for s in v.dose_statuses(BIRTH, given, date(2023, 3, 1))
                 if (s.vaccine, s.dose) == ("HepB", 2))
    assert hepb2.problems == ("too_early",)


def test_alternative_products_replace_the_default_series() -> None:
    given = [v.GivenDose("JE-I", 1, add_months(BIRTH, 8))]
    names = {(s.vaccine, s.dose) for s in v.dose_statuses(BIRTH, given, date(2023, 9, 20))}
    assert ("JE-I", 2) in names and ("JE-L", 1) not in names


def test_versions_by_date_and_2025_disabled_by_default() -> None:
    assert v.version_on(date(2026, 1, 1)).name == "2021"
    assert v.version_on(date(2026, 1, 1), ("2021", "2025-dtap")).name == "2025-dtap"
    assert v.version_on(date(2024, 6, 1), ("2021", "2025-dtap")).name == "2021"
    new = v.version_on(date(2026, 1, 1), ("2021", "2025-dtap"))
    assert not new.confirmed and not new.enabled_by_default
    dtap = [(d.dose, d.months) for d in new.doses if d.vaccine == "DTaP"]
    assert dtap == [(1, 2), (2, 4), (3, 6), (4, 18), (5, 72)]
    assert not any(d.vaccine == "DT" for d in new.doses)
    with pytest.raises(ValueError):
        v.version_on(date(2026, 1, 1), ())


@pytest.mark.parametrize(("given", "skips"), [
    ((("HepB", 1, 0), ("BCG", 1, 0), ("HepB", 2, 31), ("IPV", 1, 61), ("IPV", 2, 92),
      ("DTaP", 1, 92), ("DTaP", 2, 122), ("bOPV", 1, 122), ("DTaP", 3, 153),
      ("HepB", 3, 183), ("MPSV-A", 1, 183)), True),
    ((("HepB", 1, 0), ("BCG", 1, 0)), True),
    # Doses missed for good: something is overdue, so planned for the day, every day.
    ((("HepB", 1, 0), ("HepB", 2, 35), ("IPV", 1, 70), ("JE-I", 1, 250)), False),
])
def test_next_change_is_the_first_day_the_statuses_may_differ(given, skips) -> None:
    """Day by day over seven years, dose_statuses gives the same answer on every day
    before next_change, and next_change from any of those days is the same day."""
    birth = date(2022, 3, 31)
    doses = [v.GivenDose(code, n, birth + timedelta(days=d)) for code, n, d in given]
    version = v.version_on(birth)
    day = birth
    changes = 0
    while day < birth + timedelta(days=7 * 366):
        statuses = v.dose_statuses(birth, doses, day, version)
        after = v.next_change(birth, statuses, day, version, ahead=(7,))
        assert after is None or after > day
        if after is None:
            break
        between = day + timedelta(days=1)
        while between < after:
            later = v.dose_statuses(birth, doses, between, version)
            assert later == statuses, (day, between)
            assert v.next_change(birth, later, between, version, ahead=(7,)) == after
            between += timedelta(days=1)
        changes += after > day + timedelta(days=1)
        day = after
    assert (changes > 0) == skips
