"""The national maternal schedule (domain.md §2.1) and case-management tables (§1.4)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from desktop.domain import schedule as s

EDD = date(2027, 5, 8)          # LMP-equivalent 2026-08-01
LMP = EDD - timedelta(days=280)


@pytest.mark.parametrize(("kind", "first_ga", "last_ga"), [
    ("prenatal_1", (0, 0), (12, 6)),     # before 13 weeks
    ("prenatal_2", (16, 0), (20, 6)),    # 16–20 weeks
    ("prenatal_3", (21, 0), (24, 6)),    # 21–24 weeks
    ("prenatal_4", (28, 0), (36, 6)),    # 28–36 weeks
    ("prenatal_5", (37, 0), (40, 6)),    # 37–40 weeks
])
def test_each_prenatal_window_in_gestational_weeks(kind, first_ga, last_ga):
    window = s.PRENATAL_BY_KIND[kind]
    assert divmod(window.first_day, 7) == first_ga
    assert divmod(window.last_day, 7) == last_ga
    due = {w.kind: w for w in s.prenatal_windows(EDD, [])}[kind]
    assert due.first == LMP + timedelta(days=window.first_day)
    assert due.last == LMP + timedelta(days=window.last_day)
    # One day either side of the window is outside it.
    assert not due.open_on(due.first - timedelta(days=1)) and due.open_on(due.first)
    assert due.open_on(due.last) and not due.open_on(due.last + timedelta(days=1))


def test_windows_follow_the_corrected_edd():
    later = EDD + timedelta(days=10)
    a = {w.kind: w.first for w in s.prenatal_windows(EDD, [])}
    b = {w.kind: w.first for w in s.prenatal_windows(later, [])}
    assert all(b[k] - a[k] == timedelta(days=10) for k in a)


def test_a_visit_inside_a_window_completes_it_and_one_outside_does_not():
    second_window = s.PRENATAL_BY_KIND["prenatal_2"]
    inside = LMP + timedelta(days=second_window.last_day)
    outside = LMP + timedelta(days=second_window.last_day + 1)   # 21+0: the third window
    done = {w.kind: w.done for w in s.prenatal_windows(EDD, [LMP + timedelta(days=60), inside])}
    assert done == {"prenatal_1": True, "prenatal_2": True, "prenatal_3": False,
                    "prenatal_4": False, "prenatal_5": False}
    done = {w.kind: w.done for w in s.prenatal_windows(EDD, [LMP + timedelta(days=60), outside])}
    assert done["prenatal_2"] is False and done["prenatal_3"] is True


def test_a_late_first_visit_still_counts_as_the_booking():
    late = LMP + timedelta(days=15 * 7)
    windows = s.prenatal_windows(EDD, [late])
    assert windows[0].done and windows[0].done_on == late


@pytest.mark.parametrize(("ga_days", "expected"), [
    (50, ["prenatal_1"]),                  # booking open, nothing done
    (90, ["prenatal_1"]),                  # 12+6: the last day of the booking window
    (16 * 7 - 8, []),                      # booked; second window 8 days away: not listed
    (16 * 7 - 7, ["prenatal_2"]),          # opens within a week: listed
    (21 * 7 - 1, ["prenatal_2", "prenatal_3"]),  # its last day; the 3rd opens tomorrow
    (21 * 7, ["prenatal_3"]),              # missed 2nd drops once the 3rd begins
    (25 * 7, ["prenatal_3"]),              # 3rd missed, 4th not begun: overdue stays
    (41 * 7, ["prenatal_5"]),              # last window missed: stays overdue
])
def test_pending_windows(ga_days, expected):
    today = LMP + timedelta(days=ga_days)
    # Women past the booking window were booked at 8+4 weeks.
    visits = [] if ga_days < 91 else [LMP + timedelta(days=60)]
    kinds = [w.kind for w in s.pending(s.prenatal_windows(EDD, visits), today)]
    assert kinds == expected


@pytest.mark.parametrize(("kind", "anchor", "first", "last"), [
    ("postpartum_7d", "discharge", 3, 7),
    ("postpartum_42d", "delivery", 42, 56),
])
def test_postpartum_windows(kind, anchor, first, last):
    delivered, discharged = date(2026, 10, 1), date(2026, 10, 4)
    due = {w.kind: w for w in s.postpartum_windows(delivered, discharged, {})}[kind]
    base = discharged if anchor == "discharge" else delivered
    assert due.first == base + timedelta(days=first)
    assert due.last == base + timedelta(days=last)


def test_postpartum_without_discharge_counts_from_delivery_and_done_visits_leave():
    delivered = date(2026, 10, 1)
    windows = s.postpartum_windows(delivered, None, {"postpartum_7d": date(2026, 10, 6)})
    assert windows[0].first == delivered + timedelta(days=3) and windows[0].done
    assert [w.kind for w in s.pending(windows, delivered + timedelta(days=40))] == [
        "postpartum_42d"]
    assert s.pending(windows, delivered + timedelta(days=30)) == []


@pytest.mark.parametrize(("colours", "level", "interval"), [
    ((), "township", None),
    (("green",), "township", None),
    (("yellow",), "secondary", 28),
    (("orange",), "county", 14),
    (("red",), "tertiary", 7),
    (("purple",), "county", 14),
    (("orange", "purple"), "county", 14),
    (("red", "purple"), "tertiary", 7),
])
def test_referral_level_and_followup_interval_by_colour(colours, level, interval):
    assert s.referral_level(colours) == level
    assert s.followup_interval(colours) == interval


@pytest.mark.parametrize(("ga_days", "early"), [
    (None, False), (0, True), (90, True), (91, False), (200, False), (-1, False)])
def test_early_registration_is_before_13_weeks(ga_days, early):
    assert s.is_early_registration(ga_days) is early


def test_tables_are_consistent():
    firsts = [w.first_day for w in s.PRENATAL_WINDOWS]
    assert firsts == sorted(firsts)
    assert all(w.first_day <= w.last_day for w in s.PRENATAL_WINDOWS)
    assert all(w.source for w in s.PRENATAL_WINDOWS + s.POSTPARTUM_WINDOWS)
    assert set(s.REFERRAL_LEVEL.values()) <= set(s.LEVEL_ORDER)
    assert s.ga_days_on(EDD, EDD) == 280 and s.date_at_ga(EDD, 280) == EDD
