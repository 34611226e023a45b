"""When a child 0–6 years is seen, and what each contact includes (shared/domain.md §2.2).

Source: 国家基本公共卫生服务规范（第三版）0–6岁儿童健康管理服务规范 as reposted at
http://bubsandbeans.com/paper/124778116.html, the 2011 edition at
https://m.wenke99.com/p-14859417.html and the eye-health schedule at
https://www.xrxxw.com/article/view/679923.html. Everything is data: a row whose window or
content is marked UNCONFIRMED can be corrected here without touching code.

Ages are counted in calendar months from the birth date (3 months after 31 Jan is 30 Apr);
years are 12 months. Windows are (first day, last day) inclusive.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

NEWBORN = "newborn"
MONTH_CHECK = "28d"

# Reasons for special management (高危儿/特殊管理). Codes, translated by the UI.
PRETERM = "preterm"          # < 37 completed weeks (< 259 days)
LOW_BIRTH_WEIGHT = "lbw"     # < 2,500 g
MULTIPLE_BIRTH = "multiple"  # twins or more
BIRTH_DEFECT = "birth_defect"

PRETERM_BELOW_DAYS = 37 * 7
LBW_BELOW_G = 2500


@dataclass(frozen=True)
class Check:
    """One contact of the schedule.

    *months* is the nominal age in calendar months (0 for the newborn visit, whose window
    counts from the discharge date instead); *before* / *after* widen the window in days
    around the nominal date. The booleans say what the contact must include.
    """

    kind: str
    months: int
    before: int
    after: int
    measure_head: bool
    haemoglobin: bool
    hearing: bool
    vision: bool
    development: bool
    confirmed: bool
    note: str = ""


# kind, months, days before, days after, head, Hb, hearing, vision, development, confirmed
_ROWS: tuple[tuple[str, int, int, int, bool, bool, bool, bool, bool, bool, str], ...] = (
    # [S] 新生儿家庭访视 within 1 week (7 days) of discharge; window counted from discharge.
    (NEWBORN, 0, 0, 7, True, False, True, True, False, True, ""),
    # [S] 满月 "after 28 days"; the 28-30 day window is UNCONFIRMED (domain.md §2.2).
    (MONTH_CHECK, 0, 0, 2, True, False, False, True, True, False, "28-30 days UNCONFIRMED"),
    # [S] 3, 6, 8, 12, 18, 24, 30, 36 months; windows (-7 / +30 days) UNCONFIRMED.
    # Hb at 6, 12, 24, 36 months (3rd edition) UNCONFIRMED; hearing at 6, 12, 24, 36
    # months UNCONFIRMED; vision at every contact [S] xrxxw.com (13 eye checks);
    # development warning signs at every contact [S] (预警征象).
    ("3m", 3, 7, 30, True, False, False, True, True, False, "window UNCONFIRMED"),
    ("6m", 6, 7, 30, True, True, True, True, True, False, "window, Hb, hearing UNCONFIRMED"),
    ("8m", 8, 7, 30, True, False, False, True, True, False, "window UNCONFIRMED"),
    ("12m", 12, 7, 30, True, True, True, True, True, False, "window, Hb, hearing UNCONFIRMED"),
    ("18m", 18, 7, 30, True, False, False, True, True, False, "window UNCONFIRMED"),
    ("24m", 24, 7, 30, True, True, True, True, True, False, "window, Hb, hearing UNCONFIRMED"),
    ("30m", 30, 7, 30, True, False, False, True, True, False, "window UNCONFIRMED"),
    ("36m", 36, 7, 30, True, True, True, True, True, False, "window, Hb, hearing UNCONFIRMED"),
    # [S] 4, 5, 6 years once a year with vision screening; head circumference after 3 years
    # is not measured (UNCONFIRMED); Hb once a year at 4-6 years UNCONFIRMED; windows
    # (-30 / +60 days) UNCONFIRMED.
    ("4y", 48, 30, 60, False, True, False, True, True, False, "window, Hb UNCONFIRMED"),
    ("5y", 60, 30, 60, False, True, False, True, True, False, "window, Hb UNCONFIRMED"),
    ("6y", 72, 30, 60, False, True, False, True, True, False, "window, Hb UNCONFIRMED"),
)

CHECKS: tuple[Check, ...] = tuple(Check(*row) for row in _ROWS)
CHECKS_BY_KIND: dict[str, Check] = {c.kind: c for c in CHECKS}

# Extra contacts for children in special management (preterm, LBW, multiples, birth
# defects). [S] domain.md §2.2 says "extra visits"; which and when is UNCONFIRMED. We
# follow the common 高危儿 practice: two more home visits in the neonatal period and a
# monthly check while the regular schedule has a gap in the first year.
# kind, months, day offset from the nominal month date, days before, days after
_SPECIAL_ROWS: tuple[tuple[str, int, int, int, int], ...] = (
    ("special_14d", 0, 14, 3, 3),
    ("special_21d", 0, 21, 3, 3),
    ("special_2m", 2, 0, 7, 21),
    ("special_4m", 4, 0, 7, 21),
    ("special_5m", 5, 0, 7, 21),
    ("special_10m", 10, 0, 7, 21),
)
SPECIAL_KINDS: tuple[str, ...] = tuple(r[0] for r in _SPECIAL_ROWS)
ALL_KINDS: tuple[str, ...] = tuple(c.kind for c in CHECKS) + SPECIAL_KINDS


@dataclass(frozen=True)
class Window:
    kind: str
    due_from: date
    due_by: date
    nominal: date
    special: bool = False


@lru_cache(maxsize=1 << 16)  # a township worklist asks for the same birth dates again and again
def add_months(start: date, months: int) -> date:
    """*start* plus calendar months, on the last day of the month when the day is missing."""
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    day = min(start.day, calendar.monthrange(year, month)[1])
    return date(year, month, day)


def window(kind: str, birth: date, discharge: date | None = None) -> Window:
    """The window of one contact for a child born on *birth*.

    The newborn home visit counts from *discharge* (the birth date when unknown or
    earlier than the birth). Raises KeyError for an unknown kind.
    """
    if kind in CHECKS_BY_KIND:
        check = CHECKS_BY_KIND[kind]
        if kind == NEWBORN:
            start = discharge if discharge is not None and discharge >= birth else birth
            return Window(kind, start, start + timedelta(days=check.after), start)
        if kind == MONTH_CHECK:
            nominal = birth + timedelta(days=28)
        else:
            nominal = add_months(birth, check.months)
        return Window(kind, nominal - timedelta(days=check.before),
                      nominal + timedelta(days=check.after), nominal)
    for name, months, offset, before, after in _SPECIAL_ROWS:
        if name == kind:
            nominal = add_months(birth, months) + timedelta(days=offset)
            return Window(kind, nominal - timedelta(days=before),
                          nominal + timedelta(days=after), nominal, special=True)
    raise KeyError(kind)


def schedule(birth: date, discharge: date | None = None, special: bool = False
             ) -> list[Window]:
    """Every contact from birth to 6 years in date order; with *special*, the extra
    contacts of special management too."""
    kinds: Iterable[str] = ALL_KINDS if special else (c.kind for c in CHECKS)
    return sorted((window(k, birth, discharge) for k in kinds), key=lambda w: w.nominal)


def current_check(birth: date, on: date, discharge: date | None = None) -> str | None:
    """The regular check whose window contains *on* (the nearest one when two overlap),
    else None: used to preselect the kind of a check recorded on that day."""
    open_windows = [w for w in schedule(birth, discharge) if w.due_from <= on <= w.due_by]
    if not open_windows:
        return None
    return min(open_windows, key=lambda w: abs((on - w.nominal).days)).kind


def special_management_reasons(ga_days: int | None, birth_weight_g: float | None,
                               multiple: bool = False, birth_defect: bool = False
                               ) -> tuple[str, ...]:
    """Why a newborn enters special management: preterm (< 37 weeks, i.e. < 259 days of
    gestation), low birth weight (< 2,500 g), twins or more, a birth defect. [S] issue 4 /
    domain.md §2.2. Empty when none applies; unknown values count as not applying."""
    reasons = []
    if ga_days is not None and ga_days < PRETERM_BELOW_DAYS:
        reasons.append(PRETERM)
    if birth_weight_g is not None and birth_weight_g < LBW_BELOW_G:
        reasons.append(LOW_BIRTH_WEIGHT)
    if multiple:
        reasons.append(MULTIPLE_BIRTH)
    if birth_defect:
        reasons.append(BIRTH_DEFECT)
    return tuple(reasons)
