"""Indicator reports (issue 8): every national MCH indicator for a period and an area, with
the persons behind each figure, a monthly trend, and what the Reports page, the export and
``python -m desktop report`` show.

Definitions and attribution rules are data in desktop.domain.indicators; this module reads
the records once (desktop.store.repositories.report_data: a few big queries) and evaluates
every indicator on them. compute() reads them as facts and columns (load_maternal_facts,
load_columns: a row per delivery, per day of checks or doses, per birth date; no object per
check or dose) for indicator_batch.evaluate_columns; the trend and the tests read records
(load_episodes, load_children). Reads only: nothing is written, so
a report never changes the store. Long: call it off the GUI thread (``run_report`` opens a
connection of its own, so saves go on meanwhile).
"""

from __future__ import annotations

import gc
import json
import re
import time
from bisect import bisect_left, bisect_right
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from itertools import chain, compress, groupby, repeat
from operator import and_, eq, ge, itemgetter, le, lt, ne, not_
from typing import Any, NamedTuple

import sqlcipher3

from desktop.domain import growth
from desktop.domain import indicator_batch as batch
from desktop.domain import indicators as ind
from desktop.domain.child_health import (
    ANAEMIA_BELOW_G_L,
    EXCLUSIVE_BREASTFEEDING,
    EXCLUSIVE_UNTIL_DAYS,
)
from desktop.domain.child_schedule import add_months
from desktop.services.errors import ServiceError
from desktop.store.connection import rollback_if_open
from desktop.store.repositories import report_data as data

Progress = Callable[[int, int], None]
Cancelled = Callable[[], bool]


class ReportPeriodError(ServiceError):
    """The period is not YYYY-MM or YYYY-MM..YYYY-MM, or ends before it starts."""

    code = "report.period_invalid"


class ReportAreaError(ServiceError):
    """The area is not a 6-, 9- or 12-digit code, or is outside the user's villages."""

    code = "report.area_invalid"


class ReportStoppedError(ServiceError):
    """The user stopped the report."""

    code = "report.stopped"


_AREA = re.compile(r"^\d{6}(\d{3}(\d{3})?)?$")


def parse_period(text: str) -> ind.Period:
    try:
        return ind.Period.parse(text)
    except ValueError as exc:
        raise ReportPeriodError(str(exc), period=text) from None


def check_area(area: str | None) -> str | None:
    area = (area or "").strip() or None
    if area is not None and not _AREA.match(area):
        raise ReportAreaError(area, area=area)
    return area


# --- results ---------------------------------------------------------------------------


@dataclass
class ReportRow:
    """One indicator's figures for the area and for each of its villages."""

    indicator: ind.Indicator
    figure: ind.Figure
    by_village: dict[str, ind.Figure]

    @property
    def code(self) -> str:
        return self.indicator.code

    def to_json(self, with_ids: bool = False) -> dict[str, Any]:
        out: dict[str, Any] = {
            "code": self.code, "group": self.indicator.group,
            "numerator": self.figure.numerator, "denominator": self.figure.denominator,
            "rate": self.figure.rate, "per": self.indicator.per,
            "denominator_counts": self.indicator.counts, "status": self.indicator.status,
            "source": self.indicator.source,
            "by_village": {v: {"numerator": f.numerator, "denominator": f.denominator,
                               "rate": f.rate} for v, f in self.by_village.items()}}
        if self.indicator.params:
            out["params"] = {k: list(v) if isinstance(v, tuple) else v
                             for k, v in self.indicator.params.items()}
        if with_ids:
            out["numerator_ids"] = list(self.figure.numerator_ids)
            out["denominator_ids"] = list(self.figure.denominator_ids)
        return out


@dataclass
class Report:
    period: ind.Period
    area: str | None
    rows: list[ReportRow]
    villages: list[str]
    seconds: float = 0.0
    counts: dict[str, int] = field(default_factory=dict)

    def row(self, code: str) -> ReportRow:
        for r in self.rows:
            if r.code == code:
                return r
        raise KeyError(code)

    def to_json(self, with_ids: bool = False) -> dict[str, Any]:
        return {"period": {"from": self.period.start.isoformat(),
                           "to": self.period.end.isoformat(), "label": self.period.label},
                "area": self.area, "villages": self.villages, "records": self.counts,
                "indicators": [r.to_json(with_ids) for r in self.rows]}


# --- reading the records ------------------------------------------------------------------


def _iso(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


@lru_cache(maxsize=256)  # a few distinct grade lists among thousands of assessments
def _colours(text: str | None) -> frozenset[str]:
    if not text:
        return frozenset()
    try:
        value = json.loads(text)
    except ValueError:
        return frozenset()
    return frozenset(str(c) for c in value) if isinstance(value, list) else frozenset(
        (str(value),))


MANAGED_STATUSES = frozenset({"managed", "referred", "treated"})


def load_episodes(conn: sqlcipher3.Connection, period: ind.Period, area: str | None,
                  allowed: frozenset[str] | None = None) -> list[ind.Episode]:
    """The pregnancies delivered in *period* by women of *area* (and of *allowed*
    villages), as domain Episodes. Five queries whatever the size of the area."""
    rows = [r for r in data.deliveries(conn, period.start, period.end, area)
            if allowed is None or r[7] in allowed]
    if not rows:
        return []
    ids = [r[1] for r in rows]
    days = _Days()
    prenatal: dict[str, list[date]] = defaultdict(list)
    for pid, day in data.prenatal_visits(conn, ids):  # each pregnancy's in date order
        prenatal[pid].append(days[day])
    home: dict[str, list[date]] = defaultdict(list)
    check42: dict[str, date] = {}
    for pid, kind, day in data.postpartum_visits(conn, ids):
        on = days[day]
        if kind == "postpartum_42d":
            check42[pid] = min(on, check42.get(pid, on))
        else:
            home[pid].append(on)
    colours: dict[str, frozenset[str]] = {}
    for pid, text in data.assessment_colours(conn, ids):
        colours[pid] = colours.get(pid, frozenset()) | _colours(text)
    managed: set[str] = set()
    for pid, status, followups, _outcome, _closed in data.cases(conn, ids):
        if status in MANAGED_STATUSES or followups:
            managed.add(pid)
    births = data.live_births(conn, period.start, period.end)
    moved = data.moved_away(conn)
    died = data.deaths(conn, data.MATERNAL_DEATHS)
    out = []
    for (person, pid, day, level, outcome, babies, discharge, area_code, ga_days, risk,
         _status) in rows:
        live = births.get((person, day))
        if live is None:  # a delivery whose children were not registered here
            live = (babies or 0) if (outcome or "live_birth") == "live_birth" else 0
        graded = colours.get(pid)
        out.append(ind.Episode(
            person_id=person, pregnancy_id=pid, area_code=area_code,
            delivery_date=days[day], registered_ga_days=ga_days,
            prenatal_visits=tuple(prenatal.get(pid, ())), place_level=level,
            live_births=int(live), discharge_date=_iso(discharge),
            postpartum_visits=tuple(sorted(home.get(pid, ()))), check_42d=check42.get(pid),
            risk_colours=_colours(risk) if graded is None else graded | _colours(risk),
            case_managed=pid in managed, moved_out=_iso(moved.get(person)),
            died_on=_iso(died.get(person))))
    return out


_Z_KEYS = ("waz", "lhaz", "wlhz")
_Z_MAX_DAYS = growth.WHO2006_MAX_DAYS
_PERSON = itemgetter(0)


class _Days(dict):
    """ISO date text → date, each distinct text parsed once (a year of checks and doses
    has a few hundred distinct days and a few hundred thousand rows)."""

    def __missing__(self, text: str) -> date:
        day = self[text] = date.fromisoformat(text)
        return day


def _scored_checks(rows: list[tuple], sex: str | None, z_from: date, days: _Days
                   ) -> tuple[ind.ChildCheck, ...]:
    """A child's checks (rows of data.child_visits with their measures in place of the
    rowid, oldest first) when some came without z-scores (older or generated records):
    those are scored here with the WHO function record_visit uses, only as far back as the
    indicators look (the latest measured check of the period for each z-score): scoring is
    the costly part of a report."""
    need = set(_Z_KEYS)
    out: list[ind.ChildCheck] = []
    for row in reversed(rows):
        (_pid, day, kind, age0, waz, lhaz, wlhz, hb, feeding, weight, length, lying,
         age) = row
        on = days[day]
        if need and on >= z_from and kind != "birth":
            if (waz is None and lhaz is None and wlhz is None and (weight or length)
                    and sex in growth.SEXES and age is not None and 0 <= age <= _Z_MAX_DAYS):
                z = growth.zscores(sex, int(age), weight, length, None,
                                   None if lying is None else bool(lying))
                flagged = growth.implausible(z)
                waz, lhaz, wlhz = (None if k in flagged else z[k] for k in _Z_KEYS)
            for key, value in zip(_Z_KEYS, (waz, lhaz, wlhz), strict=True):
                if value is not None:
                    need.discard(key)
        out.append(ind.ChildCheck(on, kind, age0, waz, lhaz, wlhz, hb, feeding))
    out.reverse()
    return tuple(out)


def load_children(conn: sqlcipher3.Connection, period: ind.Period, area: str | None,
                  allowed: frozenset[str] | None = None, *, visits_from: date | None = None
                  ) -> ind.Children:
    """Children the period's child indicators can count (born up to 7 years before the
    period), with their checks from *visits_from* (default: one look-back year before the
    period end, or the period start if earlier) to the period end, and the first date of
    each dose given from EARLY_DOSE_TOLERANCE_DAYS before the period to its end. Four
    queries. A year of a township is some 250,000 rows: they are turned into records
    column by column (map, zip, itemgetter: no Python code runs per row)."""
    born_from = add_months(period.start, -ind.UNDER_7_MONTHS) - timedelta(days=3)
    first_visit = visits_from or min(period.start,
                                     add_months(period.end + timedelta(days=1),
                                                -ind.LOOK_BACK_MONTHS))
    people = data.children(conn, born_from, period.end, area)
    if allowed is not None:
        people = [r for r in people if r[1] in allowed]
    days = _Days()
    sexes = {r[0]: r[2] for r in people}
    checks = _checks(data.child_visits(conn, first_visit, period.end), sexes, period.start,
                     days, lambda rowids: data.child_measures(conn, rowids))
    ids = list(map(_PERSON, people))
    table = _first_doses(data.vaccinations(
        conn, period.start - timedelta(days=ind.EARLY_DOSE_TOLERANCE_DAYS), period.end), days,
        ids)
    moved = {pid: days[day] for pid, day in data.moved_away(conn).items()}
    died = {pid: days[day] for pid, day in data.deaths(conn, data.CHILD_DEATHS).items()}
    for pid, _area, _sex, birth, status in people:
        if status == "dead" and pid not in died:
            # Marked dead without a report: the date is unknown, so the child is counted
            # in no period after the birth (never as living).
            died[pid] = days[birth]
    fields = zip(ids, map(itemgetter(1), people), map(itemgetter(2), people),
                 map(days.__getitem__, map(itemgetter(3), people)),
                 map(checks.get, ids, repeat(())), repeat(()), map(died.get, ids),
                 repeat(None), map(moved.get, ids), repeat(table))
    # ChildRecord is a NamedTuple: tuple.__new__ skips its Python-level __new__.
    return ind.Children(map(tuple.__new__, repeat(ind.ChildRecord), fields))


def _checks(rows: list[tuple], sexes: Mapping[str, str | None], z_from: date, days: _Days,
            measures_of: Callable[[list[int]], Mapping[int, tuple]]
            ) -> dict[str, tuple[ind.ChildCheck, ...]]:
    """{child id: its checks, oldest first} from data.child_visits rows (oldest first);
    *measures_of*: data.child_measures of the rows to score."""
    rows.sort(key=_PERSON)  # stable: each child's rows stay oldest first
    fields = zip(map(days.__getitem__, map(itemgetter(1), rows)),
                 *(map(itemgetter(i), rows) for i in range(2, 9)), strict=True)
    made = map(tuple.__new__, repeat(ind.ChildCheck), fields)
    pairs = zip(map(_PERSON, rows), made, strict=True)
    out = {pid: tuple(map(itemgetter(1), group)) for pid, group in groupby(pairs, _PERSON)}
    # Rows that came without z-scores but with a weight or length are scored (rare).
    flagged = list(filter(None, map(itemgetter(9), rows)))
    if flagged:
        measures = measures_of(flagged)
        unscored = {r[0] for r in rows if r[9]}
        none = (None, None, None, None)
        for pid, group in groupby(rows, _PERSON):
            if pid in unscored and pid in sexes:
                out[pid] = _scored_checks([r[:9] + measures.get(r[9], none) for r in group],
                                          sexes[pid], z_from, days)
    return out


def _first_doses(rows: list[tuple], days: _Days, ids: list[str]) -> ind.DoseTable:
    """The first date of the doses of the children of *ids* from data.vaccinations rows
    (the latest first: the first date is the last one filed)."""
    # Filed under the children's own id strings: a dose row's look-up of a child then
    # finds its key by identity, without comparing the texts.
    own = dict(zip(ids, ids, strict=True)).get
    by_text: defaultdict[str, dict[str, str]] = defaultdict(dict)
    for key, pid, day in rows:
        pid = own(pid)
        if pid is not None:
            by_text[key][pid] = day
    by_dose = {}
    for key, doses in by_text.items():
        vaccine, _, dose = key.rpartition(" ")
        by_dose[(vaccine, int(dose))] = dict(zip(doses, map(days.__getitem__, doses.values()),
                                                 strict=True))
    return ind.DoseTable(by_dose)


# --- reading the records as columns (compute) --------------------------------------------


@lru_cache(maxsize=256)
def _colours_of(texts: str | None) -> frozenset[str]:
    """The colours of a pregnancy's assessments (data.delivery_facts' joined texts)."""
    if texts is None:
        return frozenset()
    return frozenset().union(*map(_colours, texts.split(data.COLOURS_SEP)))


def load_maternal_facts(conn: sqlcipher3.Connection, period: ind.Period, area: str | None,
                        allowed: frozenset[str] | None = None,
                        moved: Mapping[str, str] | None = None) -> list[batch.MaternalFacts]:
    """What load_episodes gives, as the facts the maternal rows judge (the counts and
    flags worked out in SQL: one row per delivery, not one per visit). *moved*:
    data.moved_away when already read."""
    rows = [r for r in data.delivery_facts(
                conn, period.start, period.end, area, ind.POSTPARTUM_VISIT_DAYS,
                POSTPARTUM_42D, MANAGED_STATUSES)
            if allowed is None or r[7] in allowed]
    if not rows:
        return []
    births = data.live_births(conn, period.start, period.end)
    moved = data.moved_away(conn) if moved is None else moved
    days = _Days()
    corrected = _corrected_visits(conn, rows, days)
    out = []
    for (person, pid, day, level, outcome, babies, _discharge, area_code, ga_days, risk,
         prenatal, postpartum, graded, managed) in rows:
        live = births.get((person, day))
        if live is None:  # a delivery whose children were not registered here
            live = (babies or 0) if (outcome or "live_birth") == "live_birth" else 0
        if pid in corrected:
            prenatal, postpartum = corrected[pid]
        out.append(batch.MaternalFacts(
            person, area_code, days[day], int(live), _iso(moved.get(person)), ga_days,
            prenatal, bool(postpartum & 1), bool(postpartum & 2), level,
            _colours(risk) | _colours_of(graded), bool(managed)))
    return out


POSTPARTUM_42D = "postpartum_42d"


def _corrected_visits(conn: sqlcipher3.Connection, rows: list[tuple], days: _Days
                      ) -> dict[str, tuple[int, int]]:
    """{pregnancy: (prenatal, postpartum) as data.delivery_facts gives them} for the
    pregnancies with a corrected visit, from their visits read with the corrected ones left
    out (as load_episodes reads them)."""
    found = {r[1]: r for r in rows if r[10] >= data.CORRECTED or r[11] >= data.CORRECTED}
    if not found:
        return {}
    ids = list(found)
    prenatal: dict[str, list[date]] = defaultdict(list)
    for pid, day in data.prenatal_visits(conn, ids):
        prenatal[pid].append(days[day])
    home: dict[str, list[date]] = defaultdict(list)
    check42: set[str] = set()
    for pid, kind, day in data.postpartum_visits(conn, ids):
        if kind == POSTPARTUM_42D:
            check42.add(pid)
        else:
            home[pid].append(days[day])
    out = {}
    for pid, r in found.items():
        delivered = days[r[2]]
        episode = ind.Episode(r[0], pid, r[7], delivered, prenatal_visits=tuple(prenatal[pid]),
                              discharge_date=_iso(r[6]), postpartum_visits=tuple(home[pid]),
                              check_42d=delivered if pid in check42 else None)
        parts = ind.MATERNAL_PARTS
        out[pid] = (sum(1 for d in episode.prenatal_visits if d <= delivered),
                    int(parts["postpartum_visit"](episode)) | 2 * int(parts["check_42d"](
                        episode)))
    return out


class ChildList(NamedTuple):
    """The children a report counts, in birth order (read_children): ids, village keys
    (area code or ""), birth dates, batch._ages of each, {id: index}, the ids of those
    marked dead and {id: date of death} from the death reports."""

    ids: list[str]
    areas: list[str]
    births: list[date]
    ages: list[tuple[date, date, date, date]]
    index: dict[str, int]
    dead: list[str]
    deaths: dict[str, str]


def read_children(conn: sqlcipher3.Connection, period: ind.Period, area: str | None,
                  allowed: frozenset[str] | None = None) -> ChildList:
    """The children of *area* (and of *allowed* villages) that *period*'s rows count, with
    the death reports; in a worker thread when compute is given side connections, where
    it is done before the checks are in."""
    born_from = add_months(period.start, -ind.UNDER_7_MONTHS) - timedelta(days=3)
    days = _Days()
    ids: list[str] = []
    areas: list[str] = []
    births: list[date] = []
    dead: list[str] = []
    for birth, id_text, area_text, dead_text in data.children_by_birth(
            conn, born_from, period.end, area):
        day_ids = id_text.split(",")
        ids += day_ids
        areas += area_text.split(",")
        births += repeat(days[birth], len(day_ids))
        if dead_text:
            dead += dead_text.split(",")
    if allowed is not None:
        keep = list(map(allowed.__contains__, areas))
        ids, areas, births = (list(compress(c, keep)) for c in (ids, areas, births))
    ages = {b: batch._ages(b) for b in set(births)}
    return ChildList(ids, areas, births, list(map(ages.__getitem__, births)),
                     dict(zip(ids, range(len(ids)), strict=True)), dead,
                     data.deaths(conn, data.CHILD_DEATHS))


def read_visit_days(conn: sqlcipher3.Connection, period: ind.Period) -> list[tuple]:
    """The days of checks the children's facts are filed from."""
    return data.child_visit_days(conn, min(period.start, ind.look_back(period)), period.end,
                                 ind.Z_CUT, ANAEMIA_BELOW_G_L, EXCLUSIVE_BREASTFEEDING,
                                 EXCLUSIVE_UNTIL_DAYS)


def read_first_doses(conn: sqlcipher3.Connection, period: ind.Period,
                     products: Iterable[tuple[str, int]]
                     ) -> dict[tuple[str, int], dict[str, str]]:
    """The first doses of *products* that the dose rows of *period* look up."""
    products = list(products)
    return data.first_doses(conn, products, period.start - timedelta(
        days=ind.EARLY_DOSE_TOLERANCE_DAYS), period.end) if products else {}


def load_columns(conn: sqlcipher3.Connection, period: ind.Period, kids: ChildList,
                 visit_days: list[tuple], moved: Callable[[], Mapping[str, str]],
                 first_doses: Callable[[], Mapping[tuple[str, int], Mapping[str, str]]]
                 ) -> batch.ChildColumns:
    """The children load_children gives, as columns (batch.ChildColumns), with their
    facts and first doses, from *kids* (read_children) and their days of checks
    (read_visit_days). The checks come packed one row per day and are filed with
    str.split, map and compress, no Python per check; a child whose facts hang on its own
    birth date within the checks read (a check before its birth, a measure on both sides
    of its 5th birthday, haemoglobin around 6 months or 5 years) or who has checks to
    score is worked out from its checks (batch.child_facts), as load_children would.
    *moved* (data.moved_away) and *first_doses* (read_first_doses) are asked for only once
    the checks are filed: other threads may still be reading them."""
    first_visit = min(period.start, ind.look_back(period))
    days = _Days()
    ids, births, at = kids.ids, kids.births, kids.index
    facts, edge = _column_facts(visit_days, period, kids, days)
    if edge:
        _edge_facts(conn, period, first_visit, ids, births, sorted(edge), facts, days)
    moved_on = {pid: days[day] for pid, day in moved().items() if pid in at}
    died = {pid: days[day] for pid, day in kids.deaths.items() if pid in at}
    for pid in kids.dead:
        # Marked dead without a report: the date is unknown, so the child is counted in no
        # period after the birth (never as living).
        if pid in at and pid not in died:
            died[pid] = births[at[pid]]
    events = {at[pid]: (died.get(pid), None, moved_on.get(pid)) for pid in {*died, *moved_on}}
    return batch.ChildColumns(ids, kids.areas, births, dict(sorted(events.items())),
                              batch.ChildFacts(*facts), first_doses())


_MEASURES = ("waz", "lhaz", "wlhz", "hb", "feeding")


def _column_facts(visit_days: list[tuple], period: ind.Period, kids: ChildList,
                  days: _Days) -> tuple[list[list[Any]], set[int]]:
    """The ChildFacts columns of the children *kids* from the days of checks
    (data.child_visit_days), and the indexes of the children to work out from their
    checks instead.

    The days are joined into one run of checks (ids, days, and per fact one character per
    check), the ids turned into the children's indexes at once (a child not read here
    takes the spare last one, -1), and each fact filed into a list by index over the whole
    run (later checks overwrite earlier ones: the latest check wins, ties going to the
    later row in index order, as in the rules): no Python per day or per check."""
    back, start, end = ind.look_back(period), period.start, period.end
    births, age_of, n = kids.births, kids.ages, len(kids.ids)
    index = kids.index.get
    at = list(map(index, ",".join(map(itemgetter(1), visit_days)).split(","), repeat(-1)))
    on = list(chain.from_iterable(map(repeat, map(days.__getitem__, map(
        itemgetter(0), visit_days)), map(len, map(itemgetter(2), visit_days)))))
    kinds, *codes, unscored_codes = ("".join(map(itemgetter(k), visit_days))
                                     for k in range(2, 9))
    seen = list(map(ne, kinds, repeat("b")))
    # Children with a contact before their birth (wrong dates): what counts from the birth
    # would change. The spare index is born on date.min: never later than a check.
    born = [*births, date.min].__getitem__
    early = set(compress(at, map(and_, seen, map(lt, on, map(born, at)))))
    from_back = bisect_left(on, back)
    contacts = Counter(compress(at[from_back:], seen[from_back:]))
    newborn = list(map(eq, kinds, repeat("n")))
    first_newborn = [date.max] * (n + 1)
    _file(first_newborn, reversed(list(compress(at, newborn))),
          reversed(list(compress(on, newborn))))
    unscored = set(compress(at, map(eq, unscored_codes, repeat("u"))))
    # By index: the day and flag of each child's latest check of the period with each
    # measure (date.min and None: none), and the day of its first (date.max: none).
    from_start = bisect_left(on, start)
    at, on = at[from_start:], on[from_start:]
    latest_day: list[list[date]] = []
    latest_flag: list[list[bool | None]] = []
    first_day: list[list[date]] = []
    for code in codes:
        code = code[from_start:]
        has = list(map(ne, code, repeat("-")))
        who, when = list(compress(at, has)), list(compress(on, has))
        day_of: list[date] = [date.min] * (n + 1)
        flag_of: list[bool | None] = [None] * (n + 1)
        for i, day, flag in zip(who, when, map(_FLAG, code.replace("-", "")), strict=True):
            day_of[i] = day
            flag_of[i] = flag
        latest_day.append(day_of)
        latest_flag.append(flag_of)
        first_day.append([date.max] * (n + 1))
        _file(first_day[-1], reversed(who), reversed(when))
    unscored.discard(-1)
    edge = unscored | early
    visited = list(map(le, first_newborn[:n], map(itemgetter(0), age_of)))
    columns: list[list[Any]] = [
        list(map(contacts.__getitem__, range(n))), visited,
        *(flags[:n] for flags in latest_flag)]

    def latest_on(k: int, children: range) -> list[date]:
        """The day of the latest check with measure k of these children (date.min: none,
        before any age)."""
        return latest_day[k][children.start:children.stop]

    # Measures whose window ends at 5 years (z-scores, haemoglobin) or starts at 6 months
    # (haemoglobin), for the children who reach those ages by the period end: the latest
    # measure decides when it is inside the window; one before 6 months means none inside;
    # past 5 years, the first one of the period says whether any is inside (none, or the
    # checks are walked). Every child's facts hold, whichever birth range a row asks for.
    five_by_end = bisect_right(age_of, end, key=itemgetter(1))
    six_after_start = bisect_right(age_of, start, key=itemgetter(2))
    cohort = range(five_by_end)
    fives = list(map(itemgetter(1), age_of[:five_by_end]))
    young = range(max(six_after_start, five_by_end), n)
    hb = columns[5]
    sixes = map(itemgetter(2), age_of[young.start:])
    _file(hb, compress(young, map(lt, latest_on(3, young), sixes)), repeat(None))
    for k in range(4):
        past = list(compress(cohort, map(ge, latest_on(k, cohort), fives)))
        if past:
            # Its first measure of the period at 5 or later (five is also the end of the
            # anaemia age): none inside the window; else the checks are walked.
            inside = list(map(lt, map(first_day[k].__getitem__, past),
                              map(fives.__getitem__, past)))
            _file(columns[2 + k], compress(past, map(not_, inside)), repeat(None))
            edge.update(compress(past, inside))
    return columns, edge


_FLAG = {"1": True, "0": False}.__getitem__


def _file(column: list[Any], at: Iterable[int], values: Iterable[Any]) -> None:
    """column[i] = value for each index of *at* with its value, in order."""
    # A plain loop: Python 3.11 specialises a list store by int (STORE_SUBSCR_LIST_INT),
    # which beats calling list.__setitem__ from map by about a third.
    for i, value in zip(at, values, strict=False):  # values may be repeat(v)
        column[i] = value


def _first_days(day_lists: list[tuple[date, Iterable[int]]], n: int) -> list[date]:
    """For each of n children: the first day it is listed in (day, indexes) in date
    order, date.max if never."""
    first = [date.max] * (n + 1)
    for day, at in reversed(day_lists):
        _file(first, at, repeat(day))
    return first[:n]


def _edge_facts(conn: sqlcipher3.Connection, period: ind.Period, first_visit: date,
                ids: list[str], births: list[date], edge: list[int],
                facts: list[list[Any]], days: _Days) -> None:
    """The facts of the children at *edge* (indexes) from their checks, in place."""
    who = [ids[i] for i in edge]
    sexes = data.sexes(conn, who)
    checks = _checks(data.child_visits_of(conn, who, first_visit, period.end), sexes,
                     period.start, days, lambda rowids: data.child_measures(conn, rowids))
    for i, pid in zip(edge, who, strict=True):
        record = ind.ChildRecord(pid, None, sexes.get(pid), births[i], checks.get(pid, ()))
        for column, value in zip(facts, batch.child_facts(record, period), strict=True):
            column[i] = value


# --- computing -----------------------------------------------------------------------------


@contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """A report makes some half a million small objects and no reference cycles; the
    cycle collector would walk all of them again and again as they pile up (a sixth of
    the report's time), for nothing. It is switched back on after, whatever happens."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def compute(conn: sqlcipher3.Connection, period: ind.Period, area: str | None = None,
            allowed: frozenset[str] | None = None, progress: Progress | None = None,
            cancelled: Cancelled | None = None,
            codes: Iterable[str] | None = None,
            sides: Sequence[sqlcipher3.Connection] = ()) -> Report:
    """Every indicator (or those of *codes*) for *period* and *area* (None: the whole
    store; *allowed*: the villages the user may see, None for all). Reads only, at one
    snapshot.

    *sides*: one or two more connections to the store reading at *conn*'s snapshot
    (connection.one_snapshot). The children's rows and first doses are then read on the
    first, the maternal facts on the second (or on *conn*), each in a worker thread, while
    this thread files what has come: SQLite lets go of the GIL while it steps, so the
    reads share the machine's cores. The figures are the same either way."""
    with ExitStack() as stack:
        if not sides:
            stack.enter_context(_one_read(conn))
        readers = [(side, stack.enter_context(
            ThreadPoolExecutor(1, thread_name_prefix="report-read"))) for side in sides[:2]]
        try:
            return _compute(conn, period, area, allowed, progress, cancelled, codes,
                            _Reads(conn, readers))
        except BaseException:
            # The pools wait for their threads on the way out: let them stop now.
            for side, pool in readers:
                pool.shutdown(wait=False, cancel_futures=True)
                side.interrupt()
            raise


@contextmanager
def _one_read(conn: sqlcipher3.Connection) -> Iterator[None]:
    """Every read on *conn* at one snapshot (a read transaction), unless *conn* is in a
    transaction already."""
    if conn.in_transaction:
        yield
        return
    conn.execute("BEGIN")
    try:
        yield
    finally:
        rollback_if_open(conn)


class _Reads:
    """Where compute's reads run: read k on the kth side connection's worker thread, or
    at once on the report's own connection when there is no such side."""

    def __init__(self, conn: sqlcipher3.Connection,
                 readers: list[tuple[sqlcipher3.Connection, ThreadPoolExecutor]]) -> None:
        self.conn = conn
        self.readers = readers

    def start(self, k: int, read: Callable[..., Any], *args: Any) -> Callable[[], Any]:
        """read(connection, *args) begun; the call returned gives its value (waiting for
        it if need be)."""
        if k < len(self.readers):
            side, pool = self.readers[k]
            return pool.submit(read, side, *args).result
        value = read(self.conn, *args)
        return lambda: value


def _maternal_reads(conn: sqlcipher3.Connection, period: ind.Period, area: str | None,
                    allowed: frozenset[str] | None, maternal: bool
                    ) -> tuple[dict[str, str], list[batch.MaternalFacts]]:
    moved = data.moved_away(conn)
    return moved, (load_maternal_facts(conn, period, area, allowed, moved) if maternal
                   else [])


def _compute(conn: sqlcipher3.Connection, period: ind.Period, area: str | None,
             allowed: frozenset[str] | None, progress: Progress | None,
             cancelled: Cancelled | None, codes: Iterable[str] | None, reads: _Reads
             ) -> Report:
    started = time.perf_counter()
    wanted = set(codes) if codes is not None else None
    table = [i for i in ind.indicators(period.end)
             if wanted is None or i.code in wanted]
    steps = len(table) + 2

    def step(n: int) -> None:
        if cancelled is not None and cancelled():
            raise ReportStoppedError()
        if progress is not None:
            progress(n, steps)

    step(0)
    maternal = any(i.group == ind.MATERNAL for i in table)
    child = any(i.group != ind.MATERNAL for i in table)
    with _no_cycle_collection():
        if batch.handled(table):  # every row judged from facts and columns
            # The checks (the longest read) on one side, the children beside them on the
            # other: the filing starts when both are in; the doses and the maternal facts
            # are read while it runs.
            if child:
                visits = reads.start(0, read_visit_days, period)
                kids = reads.start(1 if len(reads.readers) > 1 else 0, read_children, period,
                                   area, allowed)
                doses = reads.start(0, read_first_doses, period, batch.dose_products(table))
            mothers = reads.start(1, _maternal_reads, period, area, allowed, maternal)
            if child:
                children = kids()
                checks = visits()
                step(1)
                cols = load_columns(conn, period, children, checks, lambda: mothers()[0],
                                    doses)
            else:
                cols = batch.ChildColumns([], [], [], {}, batch.ChildFacts(
                    *([] for _ in batch.ChildFacts._fields)))
            facts = mothers()[1]
            step(2)
            results = batch.evaluate_columns(table, facts, cols, period)
            counts = {"deliveries": len(facts), "children": len(cols.ids)}
            del facts, cols
        else:
            episodes = load_episodes(conn, period, area, allowed) if maternal else []
            step(1)
            kids = (load_children(conn, period, area, allowed) if child
                    else ind.Children(()))
            step(2)
            results = batch.evaluate_all(table, episodes, kids, period)
            counts = {"deliveries": len(episodes), "children": len(kids)}
            # Freed before the collector is back: it would first walk every record made.
            del episodes, kids
        rows = [ReportRow(indicator, figure, villages) for indicator, (figure, villages)
                in zip(table, results, strict=True)]
    step(steps)
    villages = sorted({v for r in rows for v in r.by_village if v})
    return Report(period, area, rows, villages, round(time.perf_counter() - started, 3),
                  counts)


def trend(conn: sqlcipher3.Connection, period: ind.Period, code: str,
          area: str | None = None, allowed: frozenset[str] | None = None,
          cancelled: Cancelled | None = None) -> list[tuple[ind.Period, ind.Figure]]:
    """The indicator *code* for each month of *period* (records read once for the whole
    period, each month judged by its own rules)."""
    indicator = next((i for i in ind.indicators(period.end) if i.code == code), None)
    if indicator is None:
        raise KeyError(code)
    months = period.months()
    episodes: list[ind.Episode] = []
    kids = ind.Children(())
    out = []
    with _no_cycle_collection(), _one_read(conn):
        if indicator.group == ind.MATERNAL:
            episodes = load_episodes(conn, period, area, allowed)
        else:
            first = min(period.start, add_months(months[0].end + timedelta(days=1),
                                                  -ind.LOOK_BACK_MONTHS))
            kids = load_children(conn, period, area, allowed, visits_from=first)
        for month in months:
            if cancelled is not None and cancelled():
                raise ReportStoppedError()
            out.append((month, batch.evaluate_all([indicator], episodes, kids, month)[0][0]))
        del episodes, kids
    return out


@dataclass(frozen=True)
class PersonLine:
    """One line of a drill-down list."""

    id: str
    kind: str
    name_zh: str | None
    name_mn: str | None
    sex: str | None
    birth_date: str | None
    area_code: str | None
    phone: str | None
    status: str | None


def persons(conn: sqlcipher3.Connection, ids: list[str]) -> list[PersonLine]:
    """Who is behind a figure, in the figure's order (a list, not a record open)."""
    return [PersonLine(*r) for r in data.persons_brief(conn, ids)]


# --- the session's way in (UI) ------------------------------------------------------------


def _allowed(session: Any, area: str | None) -> frozenset[str] | None:
    from desktop.services.access import visible_areas

    allowed = visible_areas(session.user)
    if allowed is not None and area is not None and not any(
            a.startswith(area) or area.startswith(a) for a in allowed):
        raise ReportAreaError(area, area=area)
    return allowed


READERS = 2
"""The side connections a report reads on (compute's *sides*)."""


def run_report(session: Any, period: ind.Period, area: str | None,
               progress: Progress | None = None, cancelled: Cancelled | None = None
               ) -> Report:
    """compute() on the store's report connections, at one snapshot (saves go on
    meanwhile); village doctors get their own villages only. Call it off the GUI
    thread."""
    area = check_area(area)
    allowed = _allowed(session, area)
    with session.store.snapshot_readers(1 + READERS) as (conn, *sides):
        return compute(conn, period, area, allowed, progress, cancelled, sides=sides)


def run_trend(session: Any, period: ind.Period, code: str, area: str | None,
              cancelled: Cancelled | None = None) -> list[tuple[ind.Period, ind.Figure]]:
    area = check_area(area)
    allowed = _allowed(session, area)
    conn = session.store.connect()
    try:
        return trend(conn, period, code, area, allowed, cancelled)
    finally:
        conn.close()


def run_persons(session: Any, ids: list[str]) -> list[PersonLine]:
    conn = session.store.connect()
    try:
        return persons(conn, ids)
    finally:
        conn.close()


def area_names(session: Any) -> tuple[str, list[str]]:
    """(township code, village codes) of the store."""
    township, villages = session.areas()
    return township, list(villages)


def report_command(session: Any, period_text: str, area: str | None) -> dict[str, Any]:
    """What ``python -m desktop report --json`` prints: the period, the area and every
    indicator with numerator, denominator, rate and the figures per village."""
    period = parse_period(period_text)
    report = run_report(session, period, area)
    return report.to_json()


def by_code(report: Report) -> Mapping[str, ReportRow]:
    return {r.code: r for r in report.rows}
