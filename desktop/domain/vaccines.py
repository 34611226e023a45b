"""The national immunization schedule (国家免疫规划疫苗儿童免疫程序) as versioned data, and
which doses a child has had, is due, is overdue for, or needs as catch-up.

Source of the 2021 table: shared/domain.md §4 (国卫办疾控发〔2021〕10号 as implemented by
several independent programs, and the nxdpgc.com 2021 notice for the intervals marked [S]).
Rows marked UNCONFIRMED come from background knowledge of the 2021 text (its 补种原则 and
及时接种 paragraphs) and must be checked against the official PDF; they are data, so a
correction changes no code.

Vaccine codes: HepB, BCG, IPV, bOPV, DTaP, DT, MMR, JE-L, JE-I, MPSV-A, MPSV-AC, HepA-L,
HepA-I. Ages are calendar months from the birth date (see child_schedule.add_months).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from desktop.domain.child_schedule import add_months

VACCINE_CODES = ("HepB", "BCG", "IPV", "bOPV", "DTaP", "DT", "MMR", "JE-L", "JE-I",
                 "MPSV-A", "MPSV-AC", "HepA-L", "HepA-I")

# A product used instead of the default one: when any dose of the alternative has been
# given, the child follows the alternative's series and the default's is dropped.
ALTERNATIVES = {"JE-L": "JE-I", "HepA-L": "HepA-I"}

GIVEN = "given"
UPCOMING = "upcoming"
DUE = "due"
OVERDUE = "overdue"        # past its window and still allowed: give it as catch-up
TOO_LATE = "too_late"      # past the age up to which the vaccine is caught up
NOT_YET = "waiting"        # an earlier dose of the series is still missing

CATCH_UP_DEFAULT_MONTHS = 18 * 12  # [S-partial] 2021 补种原则 covers children under 18


@dataclass(frozen=True)
class Dose:
    """One dose of the schedule.

    *months*: recommended age. *min_days_after*: minimum days after the previous dose of
    the same vaccine. *after*: other (vaccine, dose, minimum days) that must come first
    when they were given. *due_days*: days after the recommended date by which the dose
    counts as given on time (default: the rest of that month of age).
    *catch_up_before_months*: no catch-up from this age on.
    """

    vaccine: str
    dose: int
    months: int
    min_days_after: int = 0
    after: tuple[tuple[str, int, int], ...] = ()
    due_days: int | None = None
    catch_up_before_months: int = CATCH_UP_DEFAULT_MONTHS
    confirmed: bool = True
    note: str = ""


@dataclass(frozen=True)
class ScheduleVersion:
    name: str
    effective_from: date
    effective_to: date | None
    doses: tuple[Dose, ...]
    confirmed: bool = True
    enabled_by_default: bool = True
    note: str = ""


_BCG_LIMIT = 48  # UNCONFIRMED: 3 months-3 years after a negative PPD test; from 4 years not given
_DTAP_LIMIT = 72  # UNCONFIRMED: DTaP caught up until 6 years; DT from then on

_COMMON: tuple[Dose, ...] = (
    # HepB dose 1 within 24 h of birth [S]; 1-2 >= 28 days [S]; 2-3 >= 60 days UNCONFIRMED.
    Dose("HepB", 1, 0, due_days=1),
    Dose("HepB", 2, 1, 28),
    Dose("HepB", 3, 6, 60, confirmed=False, note="2-3 interval UNCONFIRMED"),
    # BCG at birth [S]; on time before 3 months, catch-up rule UNCONFIRMED.
    Dose("BCG", 1, 0, due_days=89, catch_up_before_months=_BCG_LIMIT, confirmed=False,
         note="PPD test first from 3 months; limits UNCONFIRMED"),
    # IPV 2, 3 months; bOPV 4 months, 4 years [S]; 28-day intervals UNCONFIRMED.
    Dose("IPV", 1, 2),
    Dose("IPV", 2, 3, 28),
    Dose("bOPV", 1, 4, after=(("IPV", 2, 28),)),
    Dose("bOPV", 2, 48, 28),
    # MMR 8, 18 months [S]; 28-day interval UNCONFIRMED.
    Dose("MMR", 1, 8),
    Dose("MMR", 2, 18, 28),
    # JE-L 8 months, 2 years [S]; interval UNCONFIRMED. JE-I: 8 months x2 (7-10 days
    # apart), 2 years, 6 years [S]; intervals after dose 2 UNCONFIRMED.
    Dose("JE-L", 1, 8),
    Dose("JE-L", 2, 24, 365, confirmed=False),
    Dose("JE-I", 1, 8),
    Dose("JE-I", 2, 8, 7, due_days=40),
    Dose("JE-I", 3, 24, 365, confirmed=False),
    Dose("JE-I", 4, 72, 3 * 365, confirmed=False),
    # MPSV-A 6, 9 months, 3 months apart [S]. MPSV-AC 3, 6 years: >= 12 months after
    # MPSV-A dose 2 and >= 3 years between AC doses [S].
    Dose("MPSV-A", 1, 6),
    Dose("MPSV-A", 2, 9, 90),
    Dose("MPSV-AC", 1, 36, after=(("MPSV-A", 2, 365),)),
    Dose("MPSV-AC", 2, 72, 3 * 365),
    # HepA-L 18 months; HepA-I 18, 24 months [S]; 6-month interval UNCONFIRMED.
    Dose("HepA-L", 1, 18),
    Dose("HepA-I", 1, 18),
    Dose("HepA-I", 2, 24, 183, confirmed=False),
)

_DTAP_2021: tuple[Dose, ...] = (
    # DTaP 3, 4, 5, 18 months, >= 28 days apart [S]; 3-4 interval of 6 months UNCONFIRMED.
    Dose("DTaP", 1, 3, catch_up_before_months=_DTAP_LIMIT),
    Dose("DTaP", 2, 4, 28, catch_up_before_months=_DTAP_LIMIT),
    Dose("DTaP", 3, 5, 28, catch_up_before_months=_DTAP_LIMIT),
    Dose("DTaP", 4, 18, 183, catch_up_before_months=_DTAP_LIMIT, confirmed=False),
    # DT at 6 years [S].
    Dose("DT", 1, 72, after=(("DTaP", 4, 365),), confirmed=False,
         note="interval after DTaP 4 UNCONFIRMED"),
)

_DTAP_2025: tuple[Dose, ...] = (
    # UNCONFIRMED (domain.md §4): DTaP at 2, 4, 6, 18 months and 6 years; no DT at 6 years.
    Dose("DTaP", 1, 2, confirmed=False),
    Dose("DTaP", 2, 4, 28, confirmed=False),
    Dose("DTaP", 3, 6, 28, confirmed=False),
    Dose("DTaP", 4, 18, 183, confirmed=False),
    Dose("DTaP", 5, 72, 365, confirmed=False),
)

VERSIONS: tuple[ScheduleVersion, ...] = (
    ScheduleVersion("2021", date(2021, 2, 1), None, _COMMON + _DTAP_2021,
                    note="国卫办疾控发〔2021〕10号; start date UNCONFIRMED"),
    ScheduleVersion("2025-dtap", date(2025, 1, 1), None, _COMMON + _DTAP_2025,
                    confirmed=False, enabled_by_default=False,
                    note="2025 DTaP change, UNCONFIRMED: enable only once checked"),
)
DEFAULT_ENABLED = tuple(v.name for v in VERSIONS if v.enabled_by_default)


@dataclass(frozen=True)
class GivenDose:
    vaccine: str
    dose: int
    given_on: date


@dataclass(frozen=True)
class DoseStatus:
    """Where one dose stands on *today*.

    *recommended*: birth + recommended age. *earliest*: the first allowed day (age and
    intervals after the doses given or planned before it). *due_by*: last day counted as
    on time. *planned_on*: for a dose not given, the day to give it (earliest, or today for
    a catch-up); None when too late.
    """

    vaccine: str
    dose: int
    status: str
    recommended: date
    earliest: date
    due_by: date
    given_on: date | None = None
    planned_on: date | None = None
    confirmed: bool = True
    problems: tuple[str, ...] = field(default=())


def version_on(day: date, enabled: Sequence[str] = DEFAULT_ENABLED) -> ScheduleVersion:
    """The enabled schedule version in force on *day* (the one that started last).

    Before the first version starts, the first one is used (older records are judged by
    the oldest schedule we ship). Raises ValueError when no enabled version is known.
    """
    active = [v for v in VERSIONS if v.name in enabled]
    if not active:
        raise ValueError(f"no enabled schedule version among {list(enabled)}")
    in_force = [v for v in active if v.effective_from <= day
                and (v.effective_to is None or day <= v.effective_to)]
    if not in_force:
        return min(active, key=lambda v: v.effective_from)
    return max(in_force, key=lambda v: v.effective_from)


def _series(version: ScheduleVersion, given: Iterable[GivenDose]) -> list[Dose]:
    """The doses this child follows: alternatives swapped in when they were used."""
    used = {g.vaccine for g in given}
    dropped = set()
    for default, alternative in ALTERNATIVES.items():
        dropped.add(default if alternative in used and default not in used else alternative)
    return [d for d in version.doses if d.vaccine not in dropped]


def dose_statuses(birth: date, given: Iterable[GivenDose], today: date,
                  version: ScheduleVersion | None = None) -> list[DoseStatus]:
    """Every dose of the schedule for a child born on *birth*, in recommended-age order.

    A missing dose that is past its window is OVERDUE (catch-up planned for today, or
    later when an interval requires) until the vaccine's catch-up age limit, then
    TOO_LATE. A dose after a missing one of its series is planned after that one.
    *version* defaults to the one in force on *today*. Pure function.
    """
    given = list(given)
    version = version or version_on(today)
    by_key: dict[tuple[str, int], GivenDose] = {}
    for g in sorted(given, key=lambda g: g.given_on):
        by_key.setdefault((g.vaccine, g.dose), g)
    done: dict[tuple[str, int], date] = {}  # given or planned dates, for intervals
    result: list[DoseStatus] = []
    doses = sorted(_series(version, given), key=lambda d: (d.months, d.vaccine, d.dose))
    for d in doses:
        recommended = add_months(birth, d.months)
        due_by = (recommended + timedelta(days=d.due_days) if d.due_days is not None
                  else add_months(birth, d.months + 1) - timedelta(days=1))
        earliest = recommended
        previous = done.get((d.vaccine, d.dose - 1)) if d.dose > 1 else None
        if previous is not None:
            earliest = max(earliest, previous + timedelta(days=d.min_days_after))
        for other, other_dose, days in d.after:
            before = done.get((other, other_dose))
            if before is not None:
                earliest = max(earliest, before + timedelta(days=days))
        record = by_key.get((d.vaccine, d.dose))
        if record is not None:
            problems = []
            if record.given_on < earliest:
                problems.append("too_early")
            done[(d.vaccine, d.dose)] = record.given_on
            result.append(DoseStatus(d.vaccine, d.dose, GIVEN, recommended, earliest, due_by,
                                     given_on=record.given_on, confirmed=d.confirmed,
                                     problems=tuple(problems)))
            continue
        limit = add_months(birth, d.catch_up_before_months)
        waiting = d.dose > 1 and previous is None
        if today >= limit:
            status, planned = TOO_LATE, None
        elif today > due_by:
            status, planned = OVERDUE, max(today, earliest)
        elif today >= earliest:
            status, planned = DUE, today
        else:
            status, planned = UPCOMING, earliest
        if waiting and status in (DUE, UPCOMING):
            status = NOT_YET if today >= recommended else UPCOMING
        if planned is not None and planned >= limit:
            status, planned = TOO_LATE, None
        if planned is not None:
            done[(d.vaccine, d.dose)] = planned
        result.append(DoseStatus(d.vaccine, d.dose, status, recommended, earliest, due_by,
                                 planned_on=planned, confirmed=d.confirmed))
    return result


def next_change(birth: date, statuses: Iterable[DoseStatus], day: date,
                version: ScheduleVersion, ahead: Iterable[int] = ()) -> date | None:
    """The first day after *day* on which dose_statuses(birth, given, ·, version) may give
    another answer than *statuses* (its answer for *day*); None when it never will.

    Between a dose's boundaries (recommended age, earliest day, end of its window, catch-up
    limit) nothing moves, except a dose planned for *day* itself (due, or a catch-up):
    its plan, and the plans counted from it, move with the day, so the answer is the next
    day. *ahead*: days before a dose's earliest or planned day that the caller also watches
    (a list that shows a dose a week ahead). Versions starting or ending count too. Pure.
    """
    limits = {(d.vaccine, d.dose): d.catch_up_before_months for d in version.doses}
    days = [v.effective_from for v in VERSIONS if v.effective_from > day]
    days += [v.effective_to + timedelta(days=1) for v in VERSIONS
             if v.effective_to is not None and v.effective_to >= day]
    ahead = tuple(ahead)
    for s in statuses:
        if s.status == GIVEN:
            continue
        if s.planned_on == day:
            return day + timedelta(days=1)
        days += [s.recommended, s.earliest, s.due_by + timedelta(days=1),
                 add_months(birth, limits.get((s.vaccine, s.dose), CATCH_UP_DEFAULT_MONTHS))]
        for n in ahead:
            days.append(s.earliest - timedelta(days=n))
            if s.planned_on is not None:
                days.append(s.planned_on - timedelta(days=n))
    later = [d for d in days if d > day]
    return min(later) if later else None


def due(birth: date, given: Iterable[GivenDose], today: date,
        version: ScheduleVersion | None = None) -> list[DoseStatus]:
    """Doses whose window is open today and not yet given."""
    return [s for s in dose_statuses(birth, given, today, version) if s.status == DUE]


def overdue(birth: date, given: Iterable[GivenDose], today: date,
            version: ScheduleVersion | None = None) -> list[DoseStatus]:
    """Doses past their window, not given and still allowed as catch-up."""
    return [s for s in dose_statuses(birth, given, today, version) if s.status == OVERDUE]


def catch_up(birth: date, given: Iterable[GivenDose], today: date,
             version: ScheduleVersion | None = None) -> list[DoseStatus]:
    """The catch-up plan: every overdue dose, and the missing doses after it in its
    series, with the day each can be given (intervals respected), in date order."""
    statuses = dose_statuses(birth, given, today, version)
    late_series = {s.vaccine for s in statuses if s.status == OVERDUE}
    plan = [s for s in statuses if s.vaccine in late_series
            and s.status in (OVERDUE, NOT_YET, UPCOMING, DUE) and s.planned_on is not None]
    return sorted(plan, key=lambda s: (s.planned_on, s.vaccine, s.dose))
