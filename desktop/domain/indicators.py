"""National MCH indicators (issue 8): who is counted above and below the line.

Everything a reviewer must check against the official text is DATA in this module:
``INDICATORS`` is a table of rows (code, title, numerator and denominator in words, what
the denominator counts, source, status); the rules each row points at are small pure
functions over plain per-person records (``Episode`` for a woman's pregnancy that ended
in a delivery, ``ChildRecord`` for a child). Rows marked ``UNCONFIRMED`` follow
shared/domain.md §6 where it says so and are corrected here, without touching the
services or the screens. No SQL, no clock: the caller passes the period.

Attribution rules (the same for every screen, the command and the export):

* Maternal indicators are counted for the women who DELIVERED in the period (a pregnancy
  that spans periods belongs to the period of its delivery date; ongoing pregnancies are
  in no maternal denominator). Denominators are live births (活产数, 妇幼年报 definitions,
  domain.md §6) except the high-risk rows, whose denominator is women delivered (产妇数):
  twins are two live births and one woman. Numerators count women, except hospital
  delivery, whose numerator counts live births (住院分娩活产数).
* A woman who moved away on or before her delivery date is reported by the area she moved
  to and is left out here; one who moved away after delivering stays (she delivered here).
  A woman who moved in is counted where she delivered; care she had before moving in
  counts only when it was recorded here (from her handbook).
* A woman who died after delivering stays in the denominators (her live births happened);
  one who died before delivering has no delivery and is in none of them.
* The area of a record is the person's village code (12 digits); a township (9 digits)
  or county (6 digits) code takes every village that starts with it.
* Child management rates (3-year system management, 7-year health management) are annual
  indicators: they are judged over the 12 months that end on the period's last day, for
  the children under 3 (under 7) on that day who live in the area and are alive then. A
  child who turns 3 (7) on or before the period end is no longer counted; a child who
  died or moved away on or before the period end is not counted.
* Prevalences under 5 and exclusive breastfeeding count the children measured in the
  period (their latest check in the period with that measure), whatever happened later.
* Newborn visits: children born in the period (each twin counts), visited within 28 days.
* Vaccination coverage per dose: children who reached the dose's age (birth + months) in
  the period, alive and living here on that day; the dose counts when given by the
  period's end and no more than ``EARLY_DOSE_TOLERANCE_DAYS`` before that age.
* Statistical year ``Period.statistical_year(Y)``: 1 Oct of Y−1 to 30 Sep of Y
  (妇幼卫生年报, domain.md §6).
"""

from __future__ import annotations

import calendar
import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from operator import attrgetter
from typing import Any, NamedTuple

from desktop.domain import vaccines
from desktop.domain.child_health import ANAEMIA_AGE_MONTHS, ANAEMIA_BELOW_G_L, EXCLUSIVE_UNTIL_DAYS
from desktop.domain.child_health import EXCLUSIVE_BREASTFEEDING as EXCLUSIVE
from desktop.domain.child_schedule import NEWBORN, add_months, window
from desktop.domain.schedule import is_early_registration

# --- periods -------------------------------------------------------------------------

_MONTH = re.compile(r"^\s*(\d{4})-(\d{1,2})\s*$")


@dataclass(frozen=True, order=True)
class Period:
    """Calendar dates *start*..*end*, both inclusive."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"period ends before it starts: {self.start}..{self.end}")

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        return cls(date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1]))

    @classmethod
    def quarter(cls, year: int, quarter: int) -> Period:
        if not 1 <= quarter <= 4:
            raise ValueError(f"no quarter {quarter}")
        first = 3 * quarter - 2
        return cls(cls.month(year, first).start, cls.month(year, first + 2).end)

    @classmethod
    def year(cls, year: int) -> Period:
        return cls(date(year, 1, 1), date(year, 12, 31))

    @classmethod
    def statistical_year(cls, year: int) -> Period:
        """妇幼卫生年报 year *year*: 1 Oct of the year before to 30 Sep (domain.md §6)."""
        return cls(date(year - 1, 10, 1), date(year, 9, 30))

    @classmethod
    def parse(cls, text: str) -> Period:
        """"YYYY-MM..YYYY-MM" (whole months, both included) or a single "YYYY-MM".
        ValueError for anything else."""
        parts = (text or "").split("..")
        if len(parts) > 2:
            raise ValueError(f"not a period: {text!r}")
        bounds = []
        for part in parts:
            m = _MONTH.match(part)
            if not m or not 1 <= int(m.group(2)) <= 12 or int(m.group(1)) < 1900:
                raise ValueError(f"not a month: {part!r}")
            bounds.append((int(m.group(1)), int(m.group(2))))
        first, last = bounds[0], bounds[-1]
        return cls(cls.month(*first).start, cls.month(*last).end)

    def months(self) -> list[Period]:
        """The calendar months the period touches, each clipped to the period."""
        out = []
        year, month = self.start.year, self.start.month
        while date(year, month, 1) <= self.end:
            m = Period.month(year, month)
            out.append(Period(max(m.start, self.start), min(m.end, self.end)))
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return out

    def contains(self, day: date | None) -> bool:
        return day is not None and self.start <= day <= self.end

    @property
    def label(self) -> str:
        """"2025-01..2025-12" style (whole months), else ISO dates."""
        whole = self.start.day == 1 and self.end == Period.month(self.end.year,
                                                                  self.end.month).end
        if whole:
            first, last = f"{self.start:%Y-%m}", f"{self.end:%Y-%m}"
            return first if first == last else f"{first}..{last}"
        return f"{self.start.isoformat()}..{self.end.isoformat()}"


def in_area(area_code: str | None, area: str | None) -> bool:
    """Whether a record of village *area_code* belongs to *area* (None: everywhere); a
    shorter code (township 9 digits, county 6) takes every village that starts with it."""
    if not area:
        return True
    return area_code is not None and area_code.startswith(area)


# --- records -------------------------------------------------------------------------


@dataclass(frozen=True)
class Episode:
    """A woman's pregnancy that ended in a delivery recorded here.

    *live_births*: live-born babies of the delivery (twins 2). *prenatal_visits*: dates of
    the prenatal checks of this pregnancy. *postpartum_visits*: dates of the postpartum
    home visits (产后访视); *check_42d*: date of the 42-day check, if done. *discharge_date*
    anchors the postpartum window (the delivery date when unknown). *risk_colours*: every
    colour the pregnancy was graded at any time. *case_managed*: a high-risk case of this
    pregnancy was followed up (专案管理). *moved_out*/*died_on*: dates, when known.
    """

    person_id: str
    pregnancy_id: str
    area_code: str | None
    delivery_date: date
    registered_ga_days: int | None = None
    prenatal_visits: tuple[date, ...] = ()
    place_level: str | None = None
    live_births: int = 1
    discharge_date: date | None = None
    postpartum_visits: tuple[date, ...] = ()
    check_42d: date | None = None
    risk_colours: frozenset[str] = frozenset()
    case_managed: bool = False
    moved_out: date | None = None
    died_on: date | None = None

    @property
    def id(self) -> str:
        return self.person_id


class ChildCheck(NamedTuple):
    """One health contact of a child: date, kind (child_schedule kinds; "birth" is the
    delivery record, not a contact), age in days, z-scores (None: not measured or
    implausible), haemoglobin g/L and the feeding code. A tuple: a year of checks of a
    township is built in a blink."""

    on: date
    kind: str
    age_days: int
    waz: float | None = None
    lhaz: float | None = None
    wlhz: float | None = None
    hb_g_l: float | None = None
    feeding: str | None = None


class ChildRecord(NamedTuple):
    """A child of the area: birth date, checks (dates ascending), vaccinations as
    (vaccine, dose, given_on), and the dates of death, moving in and moving away.

    *dose_table*: {(person id, vaccine, dose): the first date given} for this child and
    others, when the reader has them for all at once (the report builds it straight from
    its query); the rules read only ``doses``, so *vaccinations* may then be left empty. A
    tuple, like ChildCheck: a report makes one for every child under 7 of the township."""

    person_id: str
    area_code: str | None
    sex: str | None
    birth_date: date
    checks: tuple[ChildCheck, ...] = ()
    vaccinations: tuple[tuple[str, int, date], ...] = ()
    died_on: date | None = None
    moved_in: date | None = None
    moved_out: date | None = None
    dose_table: Mapping[tuple[str, str, int], date] | None = None

    @property
    def id(self) -> str:
        return self.person_id

    @property
    def doses(self) -> Mapping[tuple[str, int], date]:
        """{(vaccine, dose): the first date it was given}: read from *dose_table*, else
        worked out from *vaccinations* (at each read: give a *dose_table* where it is read
        often)."""
        if self.dose_table is not None:
            return PersonDoses(self.dose_table, self.person_id)
        out: dict[tuple[str, int], date] = {}
        for vaccine, dose, on in self.vaccinations:
            if (vaccine, dose) not in out or on < out[(vaccine, dose)]:
                out[(vaccine, dose)] = on
        return out

    def present_on(self, day: date) -> bool:
        """Born, alive, not yet moved away and already moved in on *day*."""
        return (self.birth_date <= day
                and (self.died_on is None or self.died_on > day)
                and (self.moved_out is None or self.moved_out > day)
                and (self.moved_in is None or self.moved_in <= day))


class PersonDoses(Mapping[tuple[str, int], date]):
    """One person's {(vaccine, dose): first date} in a table of many persons'."""

    __slots__ = ("person", "table")

    def __init__(self, table: Mapping[tuple[str, str, int], date], person: str) -> None:
        self.table = table
        self.person = person

    def __getitem__(self, key: tuple[str, int]) -> date:
        return self.table[(self.person, *key)]

    def get(self, key: tuple[str, int], default: Any = None) -> Any:
        return self.table.get((self.person, *key), default)

    def __iter__(self) -> Iterator[tuple[str, int]]:
        return (k[1:] for k in self.table if k[0] == self.person)

    def __len__(self) -> int:
        return sum(1 for _ in self)


class DoseTable(Mapping[tuple[str, str, int], date]):
    """{(person id, vaccine, dose): first date given} kept as {(vaccine, dose): {person id:
    date}}: a dose row looks each child of its run up by id alone (no key tuple to make
    and hash per child), and the report fills it without making those tuples either."""

    __slots__ = ("by_dose", "latest")

    def __init__(self, by_dose: Mapping[tuple[str, int], Mapping[str, date]]) -> None:
        self.by_dose = by_dose
        self.latest = max((max(d.values()) for d in by_dose.values() if d), default=date.min)
        """The last date of the table."""

    def __getitem__(self, key: tuple[str, str, int]) -> date:
        person, vaccine, dose = key
        return self.by_dose[(vaccine, dose)][person]

    def get(self, key: tuple[str, str, int], default: Any = None) -> Any:
        person, vaccine, dose = key
        doses = self.by_dose.get((vaccine, dose))
        return default if doses is None else doses.get(person, default)

    def __iter__(self) -> Iterator[tuple[str, str, int]]:
        return ((person, *key) for key, doses in self.by_dose.items() for person in doses)

    def __len__(self) -> int:
        return sum(map(len, self.by_dose.values()))


# --- rules (data a reviewer checks) ----------------------------------------------------

HOSPITAL_LEVELS = frozenset({"township", "county", "city", "tertiary"})
"""Places counted as 住院分娩 (a medical institution with midwifery; village clinics and
homes are not). desktop.domain.validation.PLACE_LEVELS lists every place level."""

PRENATAL_VISITS_REQUIRED = 5  # [S] ≥5 prenatal checks (服务规范, domain.md §2.1)
POSTPARTUM_VISIT_DAYS = 28    # within 28 days of discharge: UNCONFIRMED qualifier (§6)
NEWBORN_VISIT_DAYS = 28       # [S] daumloan: ≥1 visit within 28 days (§6)
HIGH_RISK_COLOURS = frozenset({"orange", "red", "purple"})
"""高危 for the management rate: the colours that need 专案管理 (domain.md §1.4;
UNCONFIRMED whether yellow counts as 高危 in the report)."""
RISK_COLOURS = ("yellow", "orange", "red", "purple")
SYSTEM_MANAGEMENT_PARTS = ("early_registration", "prenatal_5", "postpartum_visit",
                           "check_42d")
"""孕产妇系统管理 requires all of these (domain.md §6: UNCONFIRMED exact list)."""
UNDER_3_CONTACTS = ("newborn", "3m", "6m", "8m", "12m", "18m", "24m", "30m", "36m")
"""4:2:2 contacts (3, 6, 8, 12 | 18, 24 | 30, 36 months) plus the newborn visit, judged
by their windows in desktop.domain.child_schedule. The newborn visit is ours
(UNCONFIRMED): without it a child under 3 months would need nothing."""
LOOK_BACK_MONTHS = 12  # child management rates look back one year from the period end
UNDER_5_MONTHS = 60
UNDER_3_MONTHS = 36
UNDER_7_MONTHS = 84
Z_CUT = -2.0  # [S] < −2 SD (domain.md §5.2)
EARLY_DOSE_TOLERANCE_DAYS = 31  # a dose a month early still counts: UNCONFIRMED (ours)
ALTERNATIVE_DOSES: Mapping[tuple[str, int], tuple[str, int]] = {
    # The other product's dose that stands for the default one (domain.md §4).
    ("JE-L", 1): ("JE-I", 1), ("JE-L", 2): ("JE-I", 3), ("HepA-L", 1): ("HepA-I", 1),
}

PERSON = "person"
LIVE_BIRTH = "live_birth"
MATERNAL = "maternal"
CHILD = "child"
VACCINATION = "vaccination"
CONFIRMED, PARTIAL, UNCONFIRMED = "confirmed", "partial", "UNCONFIRMED"

Rule = Callable[[Any, Period], tuple[bool, bool]]
"""(in the denominator, in the numerator) of one record for a period (already in area)."""


@dataclass(frozen=True)
class Indicator:
    """One row of the table. *title*, *numerator_text*, *denominator_text* are English
    msgids (desktop.i18n translates them where shown). *counts* / *numerator_counts*:
    what one record adds (PERSON: 1; LIVE_BIRTH: its live births). *per*: 100 for
    percentages."""

    code: str
    group: str
    title: str
    numerator_text: str
    denominator_text: str
    rule: Rule
    counts: str = PERSON
    numerator_counts: str = PERSON
    source: str = ""
    status: str = UNCONFIRMED
    per: int = 100
    params: Mapping[str, Any] = field(default_factory=dict)
    born: Callable[[Period], tuple[date, date]] | None = None
    """Child rows only: birth dates outside this range can never be counted (a fast
    pre-selection; the rule still decides)."""


def N_(text: str) -> str:  # noqa: N802 - marks msgids for extraction (desktop.i18n.N_)
    """The domain may not import desktop.i18n (Babel): same marker, same extraction."""
    return text


# maternal rules: every record given here delivered in the period and lives in the area


def _postpartum_ok(e: Episode) -> bool:
    anchor = e.discharge_date or e.delivery_date
    last = anchor + timedelta(days=POSTPARTUM_VISIT_DAYS)
    return any(e.delivery_date <= d <= last for d in e.postpartum_visits)


def _prenatal_count(e: Episode) -> int:
    return sum(1 for d in e.prenatal_visits if d <= e.delivery_date)


MATERNAL_PARTS: Mapping[str, Callable[[Episode], bool]] = {
    "early_registration": lambda e: is_early_registration(e.registered_ga_days),
    "prenatal_5": lambda e: _prenatal_count(e) >= PRENATAL_VISITS_REQUIRED,
    "postpartum_visit": _postpartum_ok,
    "check_42d": lambda e: e.check_42d is not None,
    "hospital_delivery": lambda e: e.place_level in HOSPITAL_LEVELS,
}


def _part(name: str) -> Rule:
    return lambda e, _p: (True, MATERNAL_PARTS[name](e))


def _system_management(e: Episode, _p: Period) -> tuple[bool, bool]:
    return True, all(MATERNAL_PARTS[p](e) for p in SYSTEM_MANAGEMENT_PARTS)


def _colour(colour: str) -> Rule:
    return lambda e, _p: (True, colour in e.risk_colours)


def _high_risk(e: Episode, _p: Period) -> tuple[bool, bool]:
    return True, bool(e.risk_colours & HIGH_RISK_COLOURS)


def _high_risk_managed(e: Episode, _p: Period) -> tuple[bool, bool]:
    high = bool(e.risk_colours & HIGH_RISK_COLOURS)
    return high, high and e.case_managed


# child rules


def _age_months_on(birth: date, day: date, months: int) -> bool:
    """Younger than *months* calendar months on *day*."""
    return add_months(birth, months) > day


@lru_cache(maxsize=256)
def look_back(p: Period) -> date:
    return add_months(p.end + timedelta(days=1), -LOOK_BACK_MONTHS)


def _contacts(c: ChildRecord, first: date, last: date) -> list[ChildCheck]:
    return [k for k in c.checks if k.kind != "birth" and first <= k.on <= last]


def _count_contacts(c: ChildRecord, first: date, last: date) -> int:
    return sum(1 for k in c.checks if k.kind != "birth" and first <= k.on <= last)


def _any_contact(c: ChildRecord, first: date, last: date) -> bool:
    for k in c.checks:
        if first <= k.on <= last and k.kind != "birth":
            return True
    return False


def months_completed(birth: date, day: date) -> int:
    """Completed calendar months of age on *day* (add_months(birth, n) <= day)."""
    n = (day.year - birth.year) * 12 + day.month - birth.month
    if n > 0 and add_months(birth, n) > day:
        n -= 1
    return n


_UNDER_3_MONTHS_OF = {kind: (0 if kind == NEWBORN else int(kind[:-1])) for kind in
                      UNDER_3_CONTACTS}


@lru_cache(maxsize=1 << 14)  # children born on the same day need the same contacts
def required_contacts(birth: date, first: date, last: date) -> int:
    """How many UNDER_3_CONTACTS have their window's last day in *first*..*last*."""
    required = 0
    # Windows' last days move with the birth date; only contacts near the range are
    # worth the exact computation.
    lo = months_completed(birth, first) - 2
    hi = months_completed(birth, last) + 1
    for kind in UNDER_3_CONTACTS:
        months = _UNDER_3_MONTHS_OF[kind]
        if lo <= months <= hi and first <= window(kind, birth).due_by <= last:
            required += 1
    return required


def _under_3_managed(c: ChildRecord, p: Period) -> tuple[bool, bool]:
    if not (c.present_on(p.end) and _age_months_on(c.birth_date, p.end, UNDER_3_MONTHS)):
        return False, False
    first = max(look_back(p), c.birth_date)
    # Contacts whose window closed inside the look-back year are required; any contact
    # (regular, special, 28-day) counts towards the number: 4:2:2 is a frequency.
    required = required_contacts(c.birth_date, first, p.end)
    return True, _count_contacts(c, first, p.end) >= required


def _under_7_managed(c: ChildRecord, p: Period) -> tuple[bool, bool]:
    if not (c.present_on(p.end) and _age_months_on(c.birth_date, p.end, UNDER_7_MONTHS)):
        return False, False
    return True, _any_contact(c, max(look_back(p), c.birth_date), p.end)


def _newborn_visit(c: ChildRecord, p: Period) -> tuple[bool, bool]:
    if not p.contains(c.birth_date):
        return False, False
    last = c.birth_date + timedelta(days=NEWBORN_VISIT_DAYS)
    return True, any(k.kind == NEWBORN and c.birth_date <= k.on <= last for k in c.checks)


def _latest(c: ChildRecord, p: Period, has: Callable[[ChildCheck], bool]
            ) -> ChildCheck | None:
    found = None
    for k in c.checks:
        if k.kind != "birth" and p.contains(k.on) and has(k):
            if found is None or k.on >= found.on:
                found = k
    return found


def _latest_value(c: ChildRecord, p: Period, index: int, from_day: date | None,
                  before: date) -> Any:
    """The value at *index* of the latest check in *p* (not the birth record) that has
    one and was made on or after *from_day* (None: any day) and before *before*: what
    ``_latest`` finds with an age test, written out because every child of the area goes
    through it for each prevalence. Ties on a date go to the later check in the list."""
    found_on: date | None = None
    value = None
    start, end = p.start, p.end
    for k in c.checks:
        v = k[index]
        on = k[0]
        if (v is not None and start <= on <= end and on < before
                and (from_day is None or on >= from_day) and k[1] != "birth"
                and (found_on is None or on >= found_on)):
            found_on, value = on, v
    return value


def _below(key: str) -> Rule:
    index = ChildCheck._fields.index(key)

    def rule(c: ChildRecord, p: Period) -> tuple[bool, bool]:
        # Under 5 on the day of the check: add_months(birth, 60) > check day.
        value = _latest_value(c, p, index, None, add_months(c.birth_date, UNDER_5_MONTHS))
        if value is None:
            return False, False
        return True, value < Z_CUT
    return rule


_HB = ChildCheck._fields.index("hb_g_l")


def _anaemia(c: ChildRecord, p: Period) -> tuple[bool, bool]:
    low, high = ANAEMIA_AGE_MONTHS[0], min(ANAEMIA_AGE_MONTHS[1], UNDER_5_MONTHS)
    # At least *low* months old (add_months(birth, low) <= day) and under *high*.
    value = _latest_value(c, p, _HB, add_months(c.birth_date, low),
                          add_months(c.birth_date, high))
    if value is None:
        return False, False
    return True, value < ANAEMIA_BELOW_G_L


def _exclusive_bf(c: ChildRecord, p: Period) -> tuple[bool, bool]:
    k = _latest(c, p, lambda k: k.feeding is not None and k.age_days < EXCLUSIVE_UNTIL_DAYS)
    if k is None:
        return False, False
    return True, k.feeding == EXCLUSIVE


_SLACK = timedelta(days=3)


def _born_since(months: int, anchor: str = "end") -> Callable[[Period], tuple[date, date]]:
    def born(p: Period) -> tuple[date, date]:
        return add_months(getattr(p, anchor), -months) - _SLACK, p.end
    return born


def _born_for_dose(months: int) -> Callable[[Period], tuple[date, date]]:
    def born(p: Period) -> tuple[date, date]:
        return add_months(p.start, -months) - _SLACK, add_months(p.end, -months) + _SLACK
    return born


def dose_rule(vaccine: str, dose: int, months: int) -> Rule:
    """Coverage of one dose: children reaching *months* of age in the period (alive and
    here that day); numerator: given (this product or its alternative) by the period end
    and not more than EARLY_DOSE_TOLERANCE_DAYS before that age."""
    other = ALTERNATIVE_DOSES.get((vaccine, dose))

    def rule(c: ChildRecord, p: Period) -> tuple[bool, bool]:
        due = add_months(c.birth_date, months)
        if not p.contains(due) or not c.present_on(due):
            return False, False
        earliest = due - timedelta(days=EARLY_DOSE_TOLERANCE_DAYS)
        doses = c.doses
        for key in ((vaccine, dose), other):
            on = doses.get(key) if key is not None else None
            if on is not None and earliest <= on <= p.end:
                return True, True
        return True, False
    return rule


_S_ANNUAL = "360docs ef7300975 (妇幼年报, 活产数); domain.md §6"
_S_EMP = "empfolio (textbook); domain.md §6"
_S_DAUM = "daumloan (基本公卫考核); domain.md §6"

_MATERNAL: tuple[Indicator, ...] = (
    Indicator("maternal_system_mgmt", MATERNAL, N_("Maternal system management rate"),
              N_("Women delivered who booked before 13 weeks, had at least 5 prenatal"
                 " checks, a postpartum visit and the 42-day check"),
              N_("Live births"), _system_management, LIVE_BIRTH, PERSON, _S_ANNUAL,
              UNCONFIRMED, params={"parts": SYSTEM_MANAGEMENT_PARTS}),
    Indicator("early_registration", MATERNAL, N_("Early registration rate (before 13 weeks)"),
              N_("Women delivered who booked before 13 weeks"), N_("Live births"),
              _part("early_registration"), LIVE_BIRTH, PERSON,
              "基本公卫 (from memory); domain.md §6", UNCONFIRMED),
    Indicator("prenatal_5", MATERNAL, N_("Rate of 5 or more prenatal checks"),
              N_("Women delivered with at least 5 prenatal checks"), N_("Live births"),
              _part("prenatal_5"), LIVE_BIRTH, PERSON, "服务规范 ≥5 checks; " + _S_ANNUAL,
              PARTIAL),
    Indicator("postpartum_visit", MATERNAL, N_("Postpartum visit rate"),
              N_("Women delivered with a postpartum home visit within 28 days of discharge"),
              N_("Live births"), _part("postpartum_visit"), LIVE_BIRTH, PERSON, _S_ANNUAL,
              PARTIAL, params={"days": POSTPARTUM_VISIT_DAYS}),
    Indicator("hospital_delivery", MATERNAL, N_("Hospital delivery rate"),
              N_("Live births delivered in a township or higher-level hospital"),
              N_("Live births"), _part("hospital_delivery"), LIVE_BIRTH, LIVE_BIRTH, _S_EMP,
              PARTIAL),
    Indicator("high_risk", MATERNAL, N_("High-risk proportion (orange, red, purple)"),
              N_("Women delivered who were graded orange, red or purple"),
              N_("Women delivered"), _high_risk, PERSON, PERSON,
              "bubsandbeans list; domain.md §6", UNCONFIRMED),
    *(Indicator(f"risk_{c}", MATERNAL, title, N_("Women delivered ever graded this colour"),
                N_("Women delivered"), _colour(c), PERSON, PERSON,
                "bubsandbeans list; 35号 five colours; domain.md §6", PARTIAL,
                params={"colour": c})
      for c, title in (("yellow", N_("Proportion graded yellow")),
                       ("orange", N_("Proportion graded orange")),
                       ("red", N_("Proportion graded red")),
                       ("purple", N_("Proportion graded purple")))),
    Indicator("high_risk_managed", MATERNAL, N_("High-risk management rate"),
              N_("High-risk women delivered whose case was followed up"),
              N_("High-risk women delivered"), _high_risk_managed, PERSON, PERSON,
              "bubsandbeans list (高危管理); domain.md §6", UNCONFIRMED),
)

_CHILD: tuple[Indicator, ...] = (
    Indicator("newborn_visit", CHILD, N_("Newborn visit rate"),
              N_("Children born in the period visited at home within 28 days"),
              N_("Live births (children born in the period)"), _newborn_visit, PERSON, PERSON,
              _S_DAUM, CONFIRMED, born=lambda p: (p.start, p.end)),
    Indicator("under3_system_mgmt", CHILD, N_("System management rate under 3 (4:2:2)"),
              N_("Children under 3 with the checks the 4:2:2 frequency requires in the last"
                 " 12 months"),
              N_("Children under 3 living in the area at the period end"), _under_3_managed,
              PERSON, PERSON, "search-result excerpt; nntiku 4:2:2; domain.md §2.2, §6",
              UNCONFIRMED, born=_born_since(UNDER_3_MONTHS)),
    Indicator("under7_health_mgmt", CHILD, N_("Health management rate under 7"),
              N_("Children under 7 with at least one check in the last 12 months"),
              N_("Children under 7 living in the area at the period end"), _under_7_managed,
              PERSON, PERSON, _S_DAUM, PARTIAL, born=_born_since(UNDER_7_MONTHS)),
    Indicator("exclusive_bf", CHILD, N_("Exclusive breastfeeding under 6 months"),
              N_("Infants under 6 months exclusively breastfed at their latest check"),
              N_("Infants under 6 months with feeding recorded in the period"), _exclusive_bf,
              PERSON, PERSON, "WHO 24-hour recall convention; domain.md §6", UNCONFIRMED,
              born=_born_since(7, "start")),
    Indicator("underweight_u5", CHILD, N_("Underweight prevalence under 5"),
              N_("Children under 5 with weight-for-age below −2 SD"),
              N_("Children under 5 weighed in the period"), _below("waz"), PERSON, PERSON,
              "WS/T 423, WHO 2006; domain.md §5.2, §6", UNCONFIRMED,
              born=_born_since(UNDER_5_MONTHS, "start")),
    Indicator("stunting_u5", CHILD, N_("Stunting prevalence under 5"),
              N_("Children under 5 with length/height-for-age below −2 SD"),
              N_("Children under 5 measured in the period"), _below("lhaz"), PERSON, PERSON,
              "WS/T 423, WHO 2006; domain.md §5.2, §6", UNCONFIRMED,
              born=_born_since(UNDER_5_MONTHS, "start")),
    Indicator("wasting_u5", CHILD, N_("Wasting prevalence under 5"),
              N_("Children under 5 with weight-for-length/height below −2 SD"),
              N_("Children under 5 weighed and measured in the period"), _below("wlhz"),
              PERSON, PERSON, "WS/T 423, WHO 2006; domain.md §5.2, §6", UNCONFIRMED,
              born=_born_since(UNDER_5_MONTHS, "start")),
    Indicator("anaemia_u5", CHILD, N_("Anaemia prevalence under 5"),
              N_("Children 6–59 months with haemoglobin below 110 g/L"),
              N_("Children 6–59 months with haemoglobin measured in the period"), _anaemia,
              PERSON, PERSON, "mfk.com <110 g/L; domain.md §5.3, §6", UNCONFIRMED,
              born=_born_since(UNDER_5_MONTHS, "start")),
)


def _vaccination_rows(version: vaccines.ScheduleVersion) -> tuple[Indicator, ...]:
    rows = []
    alternatives = set(vaccines.ALTERNATIVES.values())
    for d in sorted(version.doses, key=lambda d: (d.months, d.vaccine, d.dose)):
        if d.vaccine in alternatives:
            continue
        rows.append(Indicator(
            f"vacc_{d.vaccine}_{d.dose}", VACCINATION, N_("Vaccination coverage"),
            N_("Children who had the dose by the period end"),
            N_("Children who reached the dose age in the period"),
            dose_rule(d.vaccine, d.dose, d.months), PERSON, PERSON,
            f"免疫程序 {version.name} (domain.md §4)",
            CONFIRMED if d.confirmed and version.confirmed else PARTIAL,
            params={"vaccine": d.vaccine, "dose": d.dose, "months": d.months},
            born=_born_for_dose(d.months)))
    return tuple(rows)


def indicators(schedule_on: date | None = None,
               enabled: Sequence[str] = vaccines.DEFAULT_ENABLED) -> tuple[Indicator, ...]:
    """Every indicator: maternal, child, then one coverage row per dose of the schedule
    version in force on *schedule_on* (default: the first version)."""
    version = (vaccines.version_on(schedule_on, enabled) if schedule_on
               else vaccines.VERSIONS[0])
    return _MATERNAL + _CHILD + _vaccination_rows(version)


INDICATORS: tuple[Indicator, ...] = indicators()
"""The table with the 2021 immunisation schedule (reports use ``indicators(period.end)``)."""


# --- evaluation ----------------------------------------------------------------------


@dataclass
class Figure:
    """Numerator and denominator of one indicator for one area, with the persons behind
    them (ids; a woman with twins is one id that counts twice in a live-birth count)."""

    code: str
    numerator: int = 0
    denominator: int = 0
    numerator_ids: list[str] = field(default_factory=list)
    denominator_ids: list[str] = field(default_factory=list)
    per: int = 100

    @property
    def rate(self) -> float | None:
        """numerator / denominator × per, rounded to 2 decimals; None without a
        denominator."""
        if not self.denominator:
            return None
        return round(self.numerator * self.per / self.denominator, 2)

    def add(self, record: Any, in_den: bool, in_num: bool, counts: str,
            numerator_counts: str) -> None:
        if in_den:
            self.denominator += record.live_births if counts == LIVE_BIRTH else 1
            self.denominator_ids.append(record.id)
        if in_num:
            self.numerator += record.live_births if numerator_counts == LIVE_BIRTH else 1
            self.numerator_ids.append(record.id)


def maternal_in_period(e: Any, p: Period) -> bool:
    """The episode (or indicator_batch.MaternalFacts: anything with its delivery_date and
    moved_out) belongs to the period: delivered in it, not moved away first."""
    return p.contains(e.delivery_date) and not (
        e.moved_out is not None and e.moved_out <= e.delivery_date)


_BIRTH = attrgetter("birth_date")
_DOSE_TABLE = attrgetter("dose_table")


class Children:
    """Child records sorted by birth date, for the indicators' birth-date pre-selection."""

    def __init__(self, records: Iterable[ChildRecord]) -> None:
        self.records = sorted(records, key=_BIRTH)
        self._births = list(map(_BIRTH, self.records))
        tables = {id(t): t for t in map(_DOSE_TABLE, self.records)}
        self.dose_table: Mapping[tuple[str, str, int], date] | None = (
            next(iter(tables.values())) if len(tables) == 1 else None)
        """The *dose_table* every record reads its doses from, if they share one."""

    @property
    def births(self) -> list[date]:
        """The records' birth dates, in their order."""
        return self._births

    def born_between(self, first: date, last: date) -> list[ChildRecord]:
        return self.records[bisect_left(self._births, first):bisect_right(self._births, last)]

    def __iter__(self) -> Iterator[ChildRecord]:
        return iter(self.records)

    def __len__(self) -> int:
        return len(self.records)


def candidates(indicator: Indicator, records: Iterable[Any], period: Period) -> Iterable[Any]:
    """The records an indicator has to look at for *period*."""
    if indicator.born is not None and isinstance(records, Children):
        return records.born_between(*indicator.born(period))
    return records


def evaluate(indicator: Indicator, records: Iterable[Any], period: Period
             ) -> tuple[Figure, dict[str, Figure]]:
    """(figure for all *records*, {village code: figure}). *records* are Episodes for
    maternal indicators, ChildRecords (best as a ``Children``) otherwise, already limited
    to the area. desktop.domain.indicator_batch gives the same for every row at once."""
    maternal = indicator.group == MATERNAL
    rule = indicator.rule
    # Judge first, count after.
    den: list[Any] = []
    num: list[Any] = []
    for r in candidates(indicator, records, period):
        if maternal and not maternal_in_period(r, period):
            continue
        in_den, in_num = rule(r, period)
        if not in_den:
            continue
        den.append(r)
        if in_num:
            num.append(r)
    return tally(indicator, den, num)


_PERSON_ID = attrgetter("person_id")


def tally(indicator: Indicator, den: list[Any], num: list[Any]
          ) -> tuple[Figure, dict[str, Figure]]:
    """The figures of *indicator* from the records judged to be in its denominator and in
    its numerator (a part of them), each list in the order the records were judged: the
    area's id lists keep that order, not village order."""
    groups: dict[str, tuple[list[Any], list[Any]]] = {}
    for r in den:
        lists = groups.get(r.area_code or "")
        if lists is None:
            groups[r.area_code or ""] = ([r], [])
        else:
            lists[0].append(r)
    for r in num:
        groups[r.area_code or ""][1].append(r)
    return figure_of(indicator, den, num), {key: figure_of(indicator, *groups[key])
                                            for key in sorted(groups)}


def figure_of(indicator: Indicator, den: list[Any], num: list[Any]) -> Figure:
    """One figure of *indicator*: what the records of *den* and *num* count (persons or
    live births), with their ids in the order given."""
    return Figure(indicator.code,
                  sum(r.live_births for r in num) if indicator.numerator_counts == LIVE_BIRTH
                  else len(num),
                  sum(r.live_births for r in den) if indicator.counts == LIVE_BIRTH
                  else len(den),
                  list(map(_PERSON_ID, num)), list(map(_PERSON_ID, den)), indicator.per)
