"""The national maternal visit schedule and the follow-up intervals of case management.

Everything here is data first (tables a reviewer can check line by line against the source)
and small pure functions over it. Gestational windows are counted back from the EDD in use
(the ultrasound-corrected one when there is one, shared/domain.md §9 "recompute the visit
windows from the corrected EDD"); no clock is read: callers pass ``today``.

Sources (restated in shared/domain.md §2.1): 国家基本公共卫生服务规范（第三版，2017）孕产妇健康管理
服务规范: [S] http://henanlong.com/c/062XU4352022.html ; https://www.doczj.com/doc/7d19139259.html .
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from types import MappingProxyType

from desktop.domain.gestation import TERM_DAYS


@dataclass(frozen=True)
class PrenatalWindow:
    """One scheduled prenatal visit: gestational days first_day..last_day, both inclusive."""

    kind: str
    number: int
    first_day: int
    last_day: int
    source: str


def _weeks(first: int, last: int) -> tuple[int, int]:
    """Completed weeks *first* to *last* as inclusive gestational days (16–20 w = 16+0..20+6)."""
    return first * 7, last * 7 + 6


_SRC = "服务规范第三版 孕产妇健康管理 (domain.md §2.1) [S]"

PRENATAL_WINDOWS: tuple[PrenatalWindow, ...] = (
    # "孕13周前": booking (建册) and the first prenatal examination, before 13+0 weeks.
    PrenatalWindow("prenatal_1", 1, 0, 13 * 7 - 1, _SRC + " 孕13周前"),
    PrenatalWindow("prenatal_2", 2, *_weeks(16, 20), _SRC + " 孕16–20周"),
    PrenatalWindow("prenatal_3", 3, *_weeks(21, 24), _SRC + " 孕21–24周"),
    PrenatalWindow("prenatal_4", 4, *_weeks(28, 36), _SRC + " 孕28–36周"),
    # The source says 37–40 weeks; "37–41" in some reposts is UNCONFIRMED.
    PrenatalWindow("prenatal_5", 5, *_weeks(37, 40), _SRC + " 孕37–40周"),
)
"""The five visits of the national schedule (one early, two mid, two late pregnancy)."""

PRENATAL_BY_KIND: Mapping[str, PrenatalWindow] = MappingProxyType(
    {w.kind: w for w in PRENATAL_WINDOWS})


@dataclass(frozen=True)
class PostpartumWindow:
    """A postpartum visit due *first_day*..*last_day* days after its anchor (both inclusive)."""

    kind: str
    anchor: str          # "discharge" or "delivery"
    first_day: int
    last_day: int
    source: str


POSTPARTUM_WINDOWS: tuple[PostpartumWindow, ...] = (
    # "出院后1周内" (within a week of discharge); "3–7 days after discharge" is the common
    # wording, the exact official text is UNCONFIRMED (domain.md §2.1).
    PostpartumWindow("postpartum_7d", "discharge", 3, 7,
                     "服务规范第三版 产后访视: 出院后3–7天 (UNCONFIRMED exact wording)"),
    # "产后42天健康检查". The 14-day tolerance after day 42 is ours (UNCONFIRMED): the
    # source names the day, not a window.
    PostpartumWindow("postpartum_42d", "delivery", 42, 56,
                     "服务规范第三版 产后42天健康检查 (tolerance to day 56 ours, UNCONFIRMED)"),
)
POSTPARTUM_BY_KIND: Mapping[str, PostpartumWindow] = MappingProxyType(
    {w.kind: w for w in POSTPARTUM_WINDOWS})
POSTPARTUM_KINDS: tuple[str, ...] = tuple(w.kind for w in POSTPARTUM_WINDOWS)

CASE_FOLLOWUP_DAYS: Mapping[str, int] = MappingProxyType({
    # UNCONFIRMED: domain.md §1.4 names 专案管理 for orange/red/purple but gives no interval.
    # Chosen so that the sickest women are seen most often; correct here, not in code.
    "yellow": 28,
    "orange": 14,
    "red": 7,
    "purple": 14,
})
"""Days between case follow-ups by risk colour (the most frequent applicable one wins)."""

REFERRAL_LEVEL: Mapping[str, str] = MappingProxyType({
    # domain.md §1.4 "Management by colour".
    "green": "township",   # routine care; township facilities may do routine checks [S-partial]
    "yellow": "secondary",  # care and delivery at secondary level or above [S]
    "orange": "county",    # county-level or higher 危重孕产妇救治中心 [S]
    "red": "tertiary",     # tertiary hospital as soon as possible (wording UNCONFIRMED)
    "purple": "county",    # infectious-disease rules + PMTCT; level UNCONFIRMED (ours)
})
"""The lowest level of care each colour requires (referral target of a case)."""

LEVEL_ORDER: tuple[str, ...] = ("township", "secondary", "county", "tertiary")

NEAR_DAYS = 7  # a window opening within this many days is "this week" on the worklist
LATEST_GA_DAYS = 44 * 7  # a pregnancy still open after 44 weeks is a record to check


def referral_level(colours: Iterable[str]) -> str:
    """The highest level any of *colours* requires ("township" for none)."""
    levels = [REFERRAL_LEVEL[c] for c in colours if c in REFERRAL_LEVEL]
    return max(levels, key=LEVEL_ORDER.index, default="township")


def followup_interval(colours: Iterable[str]) -> int | None:
    """Days to the next case follow-up for *colours*; None when no colour has an interval."""
    days = [CASE_FOLLOWUP_DAYS[c] for c in colours if c in CASE_FOLLOWUP_DAYS]
    return min(days) if days else None


def ga_days_on(edd: date, on: date) -> int:
    """Gestational age in days on *on* counted back from *edd* (LMP-equivalent = EDD − 280)."""
    return TERM_DAYS - (edd - on).days


def date_at_ga(edd: date, ga_days: int) -> date:
    return edd - timedelta(days=TERM_DAYS - ga_days)


@dataclass(frozen=True)
class DueWindow:
    """A scheduled visit of one pregnancy with its calendar dates and whether it was done."""

    kind: str
    first: date
    last: date
    done: bool
    done_on: date | None = None

    def open_on(self, day: date) -> bool:
        return self.first <= day <= self.last


_WINDOW_OFFSETS = tuple((w.kind, w.number, timedelta(days=TERM_DAYS - w.first_day),
                        timedelta(days=TERM_DAYS - w.last_day)) for w in PRENATAL_WINDOWS)


def prenatal_windows(edd: date, visit_dates: Sequence[date]) -> list[DueWindow]:
    """The five scheduled prenatal visits of a pregnancy with EDD *edd*.

    A window is done when a visit fell inside it. The first (booking) visit is done by the
    first visit whenever it happened: a late booking is still a booking (it is flagged as
    late registration elsewhere, not asked for again).
    """
    # Called for every ongoing pregnancy of a township on each worklist: offsets are
    # precomputed so that this stays a few microseconds per pregnancy.
    ordered = sorted(visit_dates)
    out = []
    for kind, number, to_first, to_last in _WINDOW_OFFSETS:
        first, last = edd - to_first, edd - to_last
        if number == 1:
            hit = ordered[0] if ordered else None
        else:
            hit = next((d for d in ordered if first <= d <= last), None)
        out.append(DueWindow(kind, first, last, hit is not None, hit))
    return out


def postpartum_windows(delivery_date: date, discharge_date: date | None,
                       visits: Mapping[str, date]) -> list[DueWindow]:
    """The postpartum home visit and the 42-day check after a delivery.

    *visits* maps a postpartum kind to the date it was done (any date counts: a late visit is
    still the visit). Without a discharge date the delivery date stands in for it.
    """
    discharge = discharge_date or delivery_date
    out = []
    for window in POSTPARTUM_WINDOWS:
        anchor = discharge if window.anchor == "discharge" else delivery_date
        done = visits.get(window.kind)
        out.append(DueWindow(window.kind, anchor + timedelta(days=window.first_day),
                             anchor + timedelta(days=window.last_day), done is not None, done))
    return out


def pending(windows: Sequence[DueWindow], today: date,
            near_days: int = NEAR_DAYS) -> list[DueWindow]:
    """The windows a worker should act on: not done, opening within *near_days*, and either
    still open or missed with no later window begun (a missed visit stays overdue until
    the next scheduled one takes its place)."""
    out = []
    for i, window in enumerate(windows):
        if window.done or (window.first - today).days > near_days:
            continue
        later = windows[i + 1:]
        if today > window.last and any(w.first <= today or w.done for w in later):
            continue
        out.append(window)
    return out


def is_early_registration(registered_ga_days: int | None) -> bool:
    """Booked before 13+0 weeks (早孕建册, domain.md §2.1 and §6)."""
    return registered_ga_days is not None and 0 <= registered_ga_days < 13 * 7
