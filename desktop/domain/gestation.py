"""Gestational age and expected date of delivery.

Naegele's rule implemented as LMP + 280 days (shared/domain.md §9): the month arithmetic
version differs by 1–3 days depending on month lengths, the day count does not.
"""

from __future__ import annotations

from datetime import date, timedelta

TERM_DAYS = 280
OVULATION_TO_BIRTH_DAYS = 266
EARLY_REGISTRATION_WEEKS = 13  # booking "before 13 weeks" (孕13周前)
# If early ultrasound and LMP disagree by more than this, the ultrasound date is used.
# shared/domain.md §9: "more than about 1 week" (Chinese wording UNCONFIRMED).
ULTRASOUND_OVERRIDE_DAYS = 7


def edd(lmp: date, cycle_days: int = 28) -> date:
    """Expected date of delivery from the first day of the last menstrual period.

    A cycle longer or shorter than 28 days shifts the date by the difference.
    """
    return lmp + timedelta(days=TERM_DAYS + (cycle_days - 28))


def gestational_age(lmp: date, on: date) -> tuple[int, int]:
    """Completed (weeks, days) of gestation on *on*; raises ValueError if *on* precedes *lmp*."""
    days = (on - lmp).days
    if days < 0:
        raise ValueError("date before LMP")
    return divmod(days, 7)


def gestational_days_from_edd(edd_date: date, on: date) -> int:
    """Gestational age in days on *on*, counted back from an (possibly corrected) EDD."""
    return TERM_DAYS - (edd_date - on).days


def lmp_from_edd(edd_date: date) -> date:
    """The LMP-equivalent date implied by an EDD."""
    return edd_date - timedelta(days=TERM_DAYS)


def edd_from_ultrasound(scan_date: date, ga_days_at_scan: int) -> date:
    """EDD implied by an early ultrasound that measured *ga_days_at_scan* on *scan_date*."""
    return scan_date + timedelta(days=TERM_DAYS - ga_days_at_scan)


def corrected_edd(lmp: date | None, scan_date: date | None, ga_days_at_scan: int | None
                  ) -> tuple[date | None, str]:
    """The EDD to use and the method that set it: "lmp", "ultrasound" or "" when unknown."""
    by_lmp = edd(lmp) if lmp else None
    if scan_date is None or ga_days_at_scan is None:
        return by_lmp, "lmp" if by_lmp else ""
    by_scan = edd_from_ultrasound(scan_date, ga_days_at_scan)
    if by_lmp is None or abs((by_scan - by_lmp).days) > ULTRASOUND_OVERRIDE_DAYS:
        return by_scan, "ultrasound"
    return by_lmp, "lmp"


def trimester(ga_days: int) -> int:
    """1 up to 12+6 weeks, 2 from 13 to 27+6, 3 from 28 weeks (孕产期保健 norms)."""
    if ga_days < 13 * 7:
        return 1
    if ga_days < 28 * 7:
        return 2
    return 3


def format_ga(weeks: int, days: int) -> str:
    """The handbook's "W+D" notation, e.g. 12+6."""
    return f"{weeks}+{days}"
