"""Indicator reports (issue 8): every national MCH indicator for a period and an area, with
the persons behind each figure, a monthly trend, and what the Reports page, the export and
``python -m desktop report`` show.

Definitions and attribution rules are data in desktop.domain.indicators; this module reads
the records once (desktop.store.repositories.report_data: a few big queries) and evaluates
every indicator on them. compute() reads them as facts and columns (load_maternal_facts,
load_columns: packed texts, filed on arrays by report_arrays; no object per check or dose),
in worker threads on side connections when it has them, for
indicator_batch.evaluate_columns; the trend and the tests read records (load_episodes,
load_children). Reads only, at one snapshot: a report never changes the store. Long: call
it off the GUI thread (``run_report`` reads on the store's report connections, so saves go
on meanwhile).
"""

from __future__ import annotations

import gc
import json
import re
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from itertools import compress, groupby, repeat
from operator import itemgetter
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
from desktop.services import report_arrays as arrays
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


def _born_from(period: ind.Period) -> date:
    """The first birth date a child row of *period* can count (under 7 at its start)."""
    return add_months(period.start, -ind.UNDER_7_MONTHS) - timedelta(days=3)


def _checks_from(period: ind.Period) -> date:
    """The first day of the checks the child rows of *period* read (its look-back year,
    or its start if earlier)."""
    return min(period.start, ind.look_back(period))


def load_children(conn: sqlcipher3.Connection, period: ind.Period, area: str | None,
                  allowed: frozenset[str] | None = None, *, visits_from: date | None = None
                  ) -> ind.Children:
    """Children the period's child indicators can count (born up to 7 years before the
    period), with their checks from *visits_from* (default: one look-back year before the
    period end, or the period start if earlier) to the period end, and the first date of
    each dose given from EARLY_DOSE_TOLERANCE_DAYS before the period to its end. Four
    queries. A year of a township is some 250,000 rows: they are turned into records
    column by column (map, zip, itemgetter: no Python code runs per row)."""
    first_visit = visits_from or _checks_from(period)
    people = data.children(conn, _born_from(period), period.end, area)
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
    (area code or ""), birth dates, {id: index} and the same for many ids at once
    (report_arrays.IdIndex), the birth ordinals and those of batch._ages' four days of
    each (arrays), the ids of those marked dead and {id: date of death} from the death
    reports."""

    ids: list[str]
    areas: list[str]
    births: list[date]
    index: dict[str, int]
    finder: arrays.IdIndex
    birth_days: Any
    ages: tuple[Any, Any, Any, Any]
    dead: list[str]
    deaths: dict[str, str]


def read_children(conn: sqlcipher3.Connection, period: ind.Period, area: str | None,
                  allowed: frozenset[str] | None = None) -> ChildList:
    """The children of *area* (and of *allowed* villages) that *period*'s rows count, with
    the death reports; in a worker thread when compute is given side connections, where
    it is done before the checks are in."""
    days = _Days()
    ids: list[str] = []
    areas: list[str] = []
    births: list[date] = []
    dead: list[str] = []
    for birth, id_text, area_text, dead_text in data.children_by_birth(
            conn, _born_from(period), period.end, area):
        day_ids = id_text.split(",")
        ids += day_ids
        areas += area_text.split(",")
        births += repeat(days[birth], len(day_ids))
        if dead_text:
            dead += dead_text.split(",")
    if allowed is not None:
        keep = list(map(allowed.__contains__, areas))
        ids, areas, births = (list(compress(c, keep)) for c in (ids, areas, births))
    return ChildList(ids, areas, births, dict(zip(ids, range(len(ids)), strict=True)),
                     arrays.IdIndex(ids), arrays.ordinals(births), arrays.ages_of(births),
                     dead, data.deaths(conn, data.CHILD_DEATHS))


def read_visit_days(conn: sqlcipher3.Connection, period: ind.Period) -> list[tuple]:
    """The days of checks the children's facts are filed from."""
    return data.child_visit_days(conn, _checks_from(period), period.end, ind.Z_CUT, ANAEMIA_BELOW_G_L, EXCLUSIVE_BREASTFEEDING,
                                 EXCLUSIVE_UNTIL_DAYS)


def read_first_doses(conn: sqlcipher3.Connection, period: ind.Period,
                     products: Iterable[tuple[str, int]], kids: Callable[[], ChildList]
                     ) -> dict[tuple[str, int], Sequence[int]]:
    """{(vaccine, dose): the ordinal of each child's first dose (0: none) by index} for
    *products*, the doses of the period and its early tolerance. *kids*: read_children's
    list, asked for once the doses are read (another thread may be reading it)."""
    products = list(products)
    texts = data.dose_days(conn, products, period.start - timedelta(
        days=ind.EARLY_DOSE_TOLERANCE_DAYS), period.end)
    children = kids()
    return dict(zip(products, arrays.first_doses(texts, children.finder, len(children.ids)),
                    strict=True))


def load_columns(conn: sqlcipher3.Connection, period: ind.Period, kids: ChildList,
                 visit_days: list[tuple], moved: Mapping[str, str]) -> batch.ChildColumns:
    """The children load_children gives, as columns (batch.ChildColumns), with their
    facts and first doses, from *kids* (read_children) and their days of checks
    (read_visit_days). The checks come packed one row per day and are filed on arrays
    (report_arrays.file_checks), no Python per check; a child whose facts hang on its own
    birth date within the checks read (a check before its birth, a measure on both sides
    of its 5th birthday, haemoglobin around 6 months or 5 years) or who has checks to
    score is worked out from its checks (batch.child_facts), as load_children would.
    *moved*: data.moved_away. Without first doses (read_first_doses gives them)."""
    days = _Days()
    ids, births, at = kids.ids, kids.births, kids.index
    facts, edge = arrays.file_checks(visit_days, kids.finder, len(ids), kids.birth_days,
                                     kids.ages, ind.look_back(period), period.start,
                                     period.end)
    if edge:
        _edge_facts(conn, period, _checks_from(period), ids, births, sorted(edge), facts,
                    days)
    moved_on = {pid: days[day] for pid, day in moved.items() if pid in at}
    died = {pid: days[day] for pid, day in kids.deaths.items() if pid in at}
    for pid in kids.dead:
        # Marked dead without a report: the date is unknown, so the child is counted in no
        # period after the birth (never as living).
        if pid in at and pid not in died:
            died[pid] = births[at[pid]]
    events = {at[pid]: (died.get(pid), None, moved_on.get(pid)) for pid in {*died, *moved_on}}
    return batch.ChildColumns(ids, kids.areas, births, dict(sorted(events.items())),
                              batch.ChildFacts(*facts))


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
        # What the report keeps (its figures, with their long id lists) goes straight to
        # the oldest generation (freeze, then unfreeze): the young collection that the
        # next allocation would start walks every id of every figure (some 30 ms on a
        # township's year) only to find no cycle. The program's other young objects go
        # with them: a cycle among them waits for the next full collection.
        gc.freeze()
        gc.unfreeze()
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
    (connection.begin_snapshot). The checks and then the first doses are read on the first,
    the children and then the maternal facts on the second (with one side, the children
    on it too and the maternal facts on *conn*), each in a worker thread, while this
    thread files and judges what has come: SQLite and numpy let go of the GIL, so the
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
            # The checks (the longest read) on one side and the children beside them on
            # the other, then the doses and the maternal facts; this thread files the
            # checks and judges each group of rows when its facts are in.
            if child:
                visits = reads.start(0, read_visit_days, period)
                kids = reads.start(1 if len(reads.readers) > 1 else 0, read_children, period,
                                   area, allowed)
            moved = data.moved_away(conn)
            if child:
                doses = reads.start(0, read_first_doses, period, batch.dose_products(table),
                                    kids)
            mothers = reads.start(1, load_maternal_facts, period, area, allowed, moved
                                  ) if maternal else (lambda: [])
            if child:
                children = kids()
                checks = visits()
                step(1)
                cols = load_columns(conn, period, children, checks, moved)
            else:
                cols = batch.ChildColumns([], [], [], {}, batch.ChildFacts(
                    *([] for _ in batch.ChildFacts._fields)))
                doses = None
            step(2)
            results = batch.evaluate_columns(table, mothers, cols, period, doses)
            facts = mothers()
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
