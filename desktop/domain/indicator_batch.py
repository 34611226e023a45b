"""Every indicator of a report at once (issue 8 benchmark): each record is judged once for
all the rows of its group instead of once per row.

``evaluate_all`` gives exactly what ``indicators.evaluate`` gives row by row (same
numbers, same ids in the same order, same villages); tests/domain/test_indicator_batch.py
compares both on random records and on a demo township. The definitions stay the rules of
desktop.domain.indicators: this module restates them for speed, per group:

* maternal rows: the parts of MATERNAL_PARTS are worked out once per episode;
* child rows: one walk through a child's checks (child_facts) gives the contacts of the
  look-back year, the newborn visit and the latest measures the prevalences and
  breastfeeding read; a row's children are then a run of the birth order (its birth range
  and the ages that depend on the birth date alone), less those its facts or presence
  leave out, for the area and for each village;
* vaccination rows: the dose age and the earliest counted day once per birth date.

A row this module does not know is evaluated by ``indicators.evaluate``.

``evaluate_columns`` gives the same from what a report reads without making records:
MaternalFacts per delivery and ChildColumns (the children as columns with their facts,
which the report works out from its reads as child_facts would); tested against
``evaluate_all`` on the same random records.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date, timedelta
from functools import lru_cache
from itertools import compress, filterfalse, groupby, repeat
from operator import and_, attrgetter, ge, is_not, itemgetter, le, not_, or_, sub
from typing import Any, NamedTuple

from desktop.domain import indicators as ind
from desktop.domain.child_health import ANAEMIA_AGE_MONTHS, ANAEMIA_BELOW_G_L, EXCLUSIVE_UNTIL_DAYS
from desktop.domain.child_health import EXCLUSIVE_BREASTFEEDING as EXCLUSIVE
from desktop.domain.child_schedule import NEWBORN, add_months
from desktop.domain.schedule import is_early_registration

Result = tuple[ind.Figure, dict[str, ind.Figure]]

# Child rows restated below, in the order of a child's judgement tuple.
CHILD_CODES = ("newborn_visit", "under3_system_mgmt", "under7_health_mgmt", "exclusive_bf",
               "underweight_u5", "stunting_u5", "wasting_u5", "anaemia_u5")
_HIGH = "high_risk"
_MANAGED = "high_risk_managed"
_SYSTEM = "maternal_system_mgmt"
_NEWBORN_DAYS = timedelta(days=ind.NEWBORN_VISIT_DAYS)
_EARLY = timedelta(days=ind.EARLY_DOSE_TOLERANCE_DAYS)
_ANAEMIA_FROM = ANAEMIA_AGE_MONTHS[0]
_ANAEMIA_BEFORE = min(ANAEMIA_AGE_MONTHS[1], ind.UNDER_5_MONTHS)
_ID = attrgetter("person_id")
_BIRTH = attrgetter("birth_date")
_EVENTS = attrgetter("died_on", "moved_out", "moved_in")


def evaluate_all(table: Sequence[ind.Indicator], episodes: Sequence[ind.Episode],
                 children: ind.Children, period: ind.Period) -> list[Result]:
    """[evaluate(i, episodes or children, period) for i in table], each record judged once
    per group. *episodes* and *children* are already limited to the area."""
    out: dict[int, Result] = {}
    maternal = [(n, i) for n, i in enumerate(table) if i.group == ind.MATERNAL]
    child = [(n, i) for n, i in enumerate(table) if i.code in CHILD_CODES and _persons(i)]
    doses = [(n, i) for n, i in enumerate(table) if _is_dose_row(i) and _persons(i)]
    parts_of = tuple(ind.MATERNAL_PARTS.items())
    out.update(_maternal(maternal, ((e, {name: rule(e) for name, rule in parts_of})
                                    for e in episodes if ind.maternal_in_period(e, period))))
    out.update(_children(child, children, period))
    out.update(_doses(doses, children, period))
    for n, indicator in enumerate(table):
        if n not in out:
            records = episodes if indicator.group == ind.MATERNAL else children
            out[n] = ind.evaluate(indicator, records, period)
    return [out[n] for n in range(len(table))]


def _persons(indicator: ind.Indicator) -> bool:
    return indicator.counts == indicator.numerator_counts == ind.PERSON


class _Tallies:
    """The records judged into each row's denominator and numerator, for the area and per
    village, filled in judging order (what ``indicators.tally`` groups afterwards). Flat
    lists, for the judging loops' sake: row k's denominator is list 2k, its numerator
    2k + 1."""

    def __init__(self, rows: int, ids: bool = False) -> None:
        """*ids*: the lists hold the persons' ids, not the records (rows counting persons:
        the ids are the figure)."""
        self.rows = rows
        self.ids = ids
        self.area: list[list[Any]] = [[] for _ in range(2 * rows)]
        self.villages: dict[str, list[list[Any]]] = {}

    def village(self, code: str) -> list[list[Any]]:
        lists = self.villages[code] = [[] for _ in range(2 * self.rows)]
        return lists

    def result(self, k: int, indicator: ind.Indicator) -> Result:
        den, num = 2 * k, 2 * k + 1
        figure = self._figure if self.ids else ind.figure_of
        return figure(indicator, self.area[den], self.area[num]), {
            key: figure(indicator, lists[den], lists[num])
            for key, lists in sorted(self.villages.items()) if lists[den]}

    @staticmethod
    def _figure(indicator: ind.Indicator, den: list[str], num: list[str]) -> ind.Figure:
        return ind.Figure(indicator.code, len(num), len(den), num, den, indicator.per)


# --- maternal ---------------------------------------------------------------------------------


def _maternal_judge(indicator: ind.Indicator
                    ) -> Callable[[dict[str, bool], frozenset[str]], bool] | None:
    """(parts, colours) → in the numerator, for the rows of indicators._MATERNAL whose
    denominator is every woman delivered; None for any other row."""
    code = indicator.code
    if code == _SYSTEM:
        return lambda parts, _c: all(parts[n] for n in ind.SYSTEM_MANAGEMENT_PARTS)
    if code in ind.MATERNAL_PARTS:
        return lambda parts, _c: parts[code]
    if code == _HIGH:
        return lambda _p, colours: bool(colours & ind.HIGH_RISK_COLOURS)
    if "colour" in indicator.params and code == f"risk_{indicator.params['colour']}":
        colour = indicator.params["colour"]
        return lambda _p, colours: colour in colours
    return None


def _maternal(rows: list[tuple[int, ind.Indicator]],
              judged_parts: Iterable[tuple[Any, Mapping[str, bool]]]) -> dict[int, Result]:
    """The maternal rows from the Episodes of the period with their MATERNAL_PARTS worked
    out."""
    judged = [(n, i, _maternal_judge(i)) for n, i in rows]
    judged = [(n, i, j) for n, i, j in judged if j is not None or i.code == _MANAGED]
    if not judged:
        return {}
    tallies = _Tallies(len(judged))
    judges = list(enumerate(j for _n, _i, j in judged))
    area = tallies.area
    villages = tallies.villages
    for e, parts in judged_parts:
        village = villages.get(e.area_code or "") or tallies.village(e.area_code or "")
        colours = e.risk_colours
        for k, judge in judges:
            if judge is None:  # high-risk management: only the high-risk women count
                if not colours & ind.HIGH_RISK_COLOURS:
                    continue
                in_num = e.case_managed
            else:
                in_num = judge(parts, colours)
            area[2 * k].append(e)
            village[2 * k].append(e)
            if in_num:
                area[2 * k + 1].append(e)
                village[2 * k + 1].append(e)
    return {n: tallies.result(k, i) for k, (n, i, _j) in enumerate(judged)}


# --- children ---------------------------------------------------------------------------------


def child_facts(c: ind.ChildRecord, period: ind.Period) -> ChildFacts:
    """What the child rows read from a child's checks, in one walk (the rules' conditions,
    ties to the later check of the list: a latest day starts at date.min, before any)."""
    b = c.birth_date
    first = max(ind.look_back(period), b)
    nb_last, five, hb_from, hb_before = _ages(b)
    start, end = period.start, period.end
    count = 0
    visited = False
    wz = lz = wl = hb = feeding = None
    wz_on = lz_on = wl_on = hb_on = bf_on = date.min
    for on, kind, age, waz, lhaz, wlhz, hb_g_l, feeds in c.checks:
        if kind == "birth":
            continue
        if first <= on <= end:
            count += 1
        if kind == NEWBORN and b <= on <= nb_last:
            visited = True
        if on < start or on > end:
            continue
        if on < five:
            if waz is not None and on >= wz_on:
                wz_on = on
                wz = waz
            if lhaz is not None and on >= lz_on:
                lz_on = on
                lz = lhaz
            if wlhz is not None and on >= wl_on:
                wl_on = on
                wl = wlhz
        if hb_g_l is not None and hb_from <= on < hb_before and on >= hb_on:
            hb_on = on
            hb = hb_g_l
        if feeds is not None and age < EXCLUSIVE_UNTIL_DAYS and on >= bf_on:
            bf_on = on
            feeding = feeds
    cut = ind.Z_CUT
    return ChildFacts(count, visited, None if wz is None else wz < cut,
                      None if lz is None else lz < cut, None if wl is None else wl < cut,
                      None if hb is None else hb < ANAEMIA_BELOW_G_L,
                      None if feeding is None else feeding == EXCLUSIVE)


@lru_cache(maxsize=1 << 14)  # children born on one day share them, and report after report
def _ages(birth: date) -> tuple[date, date, date, date]:
    """(last day of the newborn visit, first day at 5 years, first day of the anaemia age,
    first day past it) of a child born on *birth*."""
    return (birth + _NEWBORN_DAYS, add_months(birth, ind.UNDER_5_MONTHS),
            add_months(birth, _ANAEMIA_FROM), add_months(birth, _ANAEMIA_BEFORE))


class ChildFacts(NamedTuple):
    """What the child rows judge of one child: contacts in the look-back year (from the
    birth), a newborn visit within 28 days, and of the latest measure of the period (under
    5; haemoglobin from 6 months; feeding under EXCLUSIVE_UNTIL_DAYS old) whether it is
    below the cut (exclusive, for feeding); None: no such measure."""

    contacts: int
    visited: bool
    waz: bool | None
    lhaz: bool | None
    wlhz: bool | None
    hb: bool | None
    feeding: bool | None


class ChildColumns(NamedTuple):
    """The children of a report as columns in birth order, instead of a record each: ids,
    village keys (area code or ""), birth dates, the children with a death or a move as
    {index: (died_on, moved_in, moved_out)}, the facts of each child (ChildFacts as
    columns: one list per field) and, for the dose rows, {(vaccine, dose): the ordinal of
    each child's first dose, 0 for none, by index} (the doses of the period and its early
    tolerance only)."""

    ids: list[str]
    areas: list[str]
    births: list[date]
    events: dict[int, tuple[date | None, date | None, date | None]]
    facts: ChildFacts
    first_doses: Mapping[tuple[str, int], Sequence[int]] | None = None

    @classmethod
    def of(cls, children: ind.Children, period: ind.Period,
           born: tuple[date, date] | None = None) -> ChildColumns:
        """The columns of child records (their facts worked out by child_facts), of those
        born in *born* (first, last) only when given."""
        records = children.records if born is None else children.born_between(*born)
        events = {n: e for n, e in enumerate(map(_EVENTS_IN_ORDER, records)) if any(e)}
        facts = [child_facts(c, period) for c in records]
        return cls(list(map(_ID, records)), [c.area_code or "" for c in records],
                   list(map(_BIRTH, records)), events,
                   ChildFacts(*map(list, zip(*facts, strict=True))) if facts
                   else ChildFacts(*([] for _ in ChildFacts._fields)))


_EVENTS_IN_ORDER = attrgetter("died_on", "moved_in", "moved_out")


def _present(events: tuple[date | None, date | None, date | None], day: date) -> bool:
    """ChildRecord.present_on for a child born by *day*."""
    died, moved_in, moved_out = events
    return ((died is None or died > day) and (moved_out is None or moved_out > day)
            and (moved_in is None or moved_in <= day))


class _Scope(NamedTuple):
    """The children of the area or of one village: columns in birth order, their indexes
    in the area's columns, and their events by index in this scope."""

    ids: list[str]
    births: Sequence[date]
    facts: ChildFacts
    at: Sequence[int]
    events: dict[int, tuple[date | None, date | None, date | None]]


def _scopes(cols: ChildColumns) -> tuple[_Scope, dict[str, _Scope]]:
    """The area's scope and each village's (columns copied once per report, so a row's
    village figures are slices of them)."""
    area = _Scope(cols.ids, cols.births, cols.facts, range(len(cols.ids)), cols.events)
    at = cols.areas.__getitem__
    villages = {}
    for key, group in groupby(sorted(range(len(cols.areas)), key=at), at):
        index = list(group)
        # itemgetter of many indexes: one tuple per column, made in one call.
        pick = itemgetter(*index) if len(index) > 1 else lambda c, i=index[0]: (c[i],)
        local = {i: n for n, i in enumerate(index)} if cols.events else {}
        villages[key] = _Scope(
            list(pick(cols.ids)), pick(cols.births), _VillageFacts(cols.facts, pick),  # type: ignore[arg-type]
            index, {local[i]: e for i, e in cols.events.items() if i in local})
    return area, villages


class _VillageFacts:
    """A village's ChildFacts columns, each taken from the area's when first read (a
    report's rows read them all; a trend's one row, one)."""

    def __init__(self, facts: ChildFacts, pick: Callable[[Sequence[Any]], Sequence[Any]]
                 ) -> None:
        self._facts = facts
        self._pick = pick

    def __getattr__(self, name: str) -> Sequence[Any]:  # a column not yet taken
        if name.startswith("_"):
            raise AttributeError(name)
        column = self._pick(getattr(self._facts, name))
        setattr(self, name, column)
        return column


def _judged(indicator: ind.Indicator, area: _Scope, villages: Mapping[str, _Scope],
            judge: Callable[[_Scope], tuple[list[str], list[str]]]) -> Result:
    """The row's figures: *judge* gives a scope's (denominator ids, numerator ids)."""
    def figure(scope: _Scope) -> ind.Figure:
        den, num = judge(scope)
        return ind.Figure(indicator.code, len(num), len(den), num, den, indicator.per)

    by_village = {}
    for key in sorted(villages):
        v = figure(villages[key])
        if v.denominator:
            by_village[key] = v
    return figure(area), by_village


def _absent(scope: _Scope, first: int, last: int, day_of: Callable[[date], date]
            ) -> list[bool] | None:
    """For the children first..last-1 of *scope*: present on their day (*day_of* their
    birth date); None when all are."""
    keep = None
    for i, e in scope.events.items():
        if first <= i < last and not _present(e, day_of(scope.births[i])):
            if keep is None:
                keep = [True] * (last - first)
            keep[i - first] = False
    return keep


def _child_judge(indicator: ind.Indicator, period: ind.Period
                 ) -> Callable[[_Scope], tuple[list[str], list[str]]]:
    """A scope's (denominator, numerator) ids of a row of CHILD_CODES: the row's children
    are a run of the birth order (its birth range and the ages that depend on the birth
    date alone), less those its facts or their presence leave out."""
    code = indicator.code
    start, end = period.start, period.end
    lo, hi = indicator.born(period) if indicator.born is not None else (date.min, date.max)
    if code == "newborn_visit":
        lo, hi = max(lo, start), min(hi, end)
    under = {"under3_system_mgmt": ind.UNDER_3_MONTHS,
             "under7_health_mgmt": ind.UNDER_7_MONTHS}.get(code)
    back = ind.look_back(period)
    needed: dict[date, int] = {}

    def judge(scope: _Scope) -> tuple[list[str], list[str]]:
        births = scope.births
        first = bisect_left(births, lo)
        last = bisect_right(births, hi, lo=first)
        facts = scope.facts
        if code == "newborn_visit":
            den = scope.ids[first:last]
            return den, list(compress(den, facts.visited[first:last]))
        if under is not None:
            # Under 3 (7) at the period end: add_months(birth, months) > end.
            first = bisect_right(births, end, lo=first, hi=last,
                                 key=lambda b: add_months(b, under))
            den = scope.ids[first:last]
            contacts = facts.contacts[first:last]
            run = births[first:last]
            keep = _absent(scope, first, last, lambda _b: end)
            if keep is not None:
                den, contacts, run = (list(compress(c, keep)) for c in (den, contacts, run))
            if under == ind.UNDER_7_MONTHS:
                return den, list(compress(den, contacts))
            for b in set(run).difference(needed):
                needed[b] = ind.required_contacts(b, max(back, b), end)
            return den, list(compress(den, map(le, map(needed.__getitem__, run), contacts)))
        values = getattr(facts, _FACT_OF[code])[first:last]
        ids = scope.ids[first:last]
        return list(compress(ids, map(is_not, values, repeat(None)))), list(compress(ids, values))

    return judge


_FACT_OF = {"exclusive_bf": "feeding", "underweight_u5": "waz", "stunting_u5": "lhaz",
            "wasting_u5": "wlhz", "anaemia_u5": "hb"}


def _child_rows(rows: list[tuple[int, ind.Indicator]], cols: ChildColumns,
                period: ind.Period, scopes: tuple[_Scope, dict[str, _Scope]]
                ) -> dict[int, Result]:
    """The rows of CHILD_CODES from the children's columns."""
    return {n: _judged(indicator, *scopes, _child_judge(indicator, period))
            for n, indicator in rows}


def _children(rows: list[tuple[int, ind.Indicator]], children: ind.Children,
              period: ind.Period) -> dict[int, Result]:
    if not rows:
        return {}
    # Only the children some row can count are walked (a month's trend of one row walks
    # the children of its birth range alone).
    ranges = [i.born(period) if i.born is not None else None for _n, i in rows]
    born = (None if None in ranges else
            (min(r[0] for r in ranges if r), max(r[1] for r in ranges if r)))
    cols = ChildColumns.of(children, period, born)
    return _child_rows(rows, cols, period, _scopes(cols))


# --- vaccination ------------------------------------------------------------------------------


def _is_dose_row(indicator: ind.Indicator) -> bool:
    params = indicator.params
    return (indicator.group == ind.VACCINATION and indicator.born is not None
            and {"vaccine", "dose", "months"} <= set(params))


def _doses(rows: list[tuple[int, ind.Indicator]], children: ind.Children,
           period: ind.Period) -> dict[int, Result]:
    """indicators.dose_rule for the dose rows, with whole runs of children at a time. The
    dose age grows with the birth date, so the children whose dose age falls in the period
    are one run of the birth-ordered records: that run, less the few who died, moved away
    or moved in around their dose age, is the denominator, and the numerator is judged by
    looking up each child's first dose in the table the records share."""
    table = children.dose_table
    if not rows or table is None:
        return {}
    latest = (table.latest if isinstance(table, ind.DoseTable)
              else max(table.values(), default=date.min))
    runs = _Runs(children, latest)
    return {n: _dose_row(indicator, runs, table, period) for n, indicator in rows}


class _Runs:
    """The birth-ordered children with their ids, and where each village's children are
    in that order (for cutting a run of children into villages)."""

    def __init__(self, children: ind.Children, latest: date) -> None:
        """*latest*: the last date of the dose table."""
        self.records = records = children.records
        self.births = children.births
        self.ids = list(map(_ID, records))
        self.latest = latest
        areas = [c.area_code or "" for c in records]
        at = areas.__getitem__
        self.villages: dict[str, list[int]] = {
            key: list(group) for key, group in groupby(sorted(range(len(areas)), key=at), at)}
        # Children whose presence on a day is not simply "born by then".
        self.unsettled = list(compress(range(len(records)), map(any, map(_EVENTS, records))))

    def figures(self, indicator: ind.Indicator, first: int, last: int, hits: list[bool],
                absent: set[int]) -> Result:
        """The figures of the run first..last-1 (numerator where *hits*, from *first*),
        without the *absent* children."""
        ids = self.ids

        def figure(at: list[int]) -> ind.Figure:
            if absent:
                at = list(filterfalse(absent.__contains__, at))
            den = list(map(ids.__getitem__, at))
            num = list(compress(den, map(hits.__getitem__, map(sub, at, repeat(first)))))
            return ind.Figure(indicator.code, len(num), len(den), num, den, indicator.per)

        villages = {}
        for key in sorted(self.villages):
            at = self.villages[key]
            v = figure(at[bisect_left(at, first):bisect_left(at, last)])
            if v.denominator:
                villages[key] = v
        if absent:
            return figure(list(range(first, last))), villages
        den = ids[first:last]
        num = list(compress(den, hits))
        return ind.Figure(indicator.code, len(num), len(den), num, den, indicator.per), villages


def _dose_row(indicator: ind.Indicator, runs: _Runs, table: Mapping[tuple[str, str, int], date],
              period: ind.Period) -> Result:
    params = indicator.params
    vaccine, dose, months = params["vaccine"], params["dose"], params["months"]
    other = ind.ALTERNATIVE_DOSES.get((vaccine, dose))
    start, end = period.start, period.end
    assert indicator.born is not None
    lo, hi = indicator.born(period)
    births = runs.births
    # The run: born in the row's range, dose age in the period (it grows with the birth
    # date; "born by the dose age" always holds, the age being months after the birth).
    first = bisect_left(births, lo)
    last = bisect_right(births, hi, lo=first)

    def due(birth: date) -> date:
        return add_months(birth, months)

    first = bisect_left(births, start, lo=first, hi=last, key=due)
    last = bisect_right(births, end, lo=first, hi=last, key=due)
    run = births[first:last]
    earliest_of = {b: due(b) - _EARLY for b in set(run)}
    earliest = list(map(earliest_of.__getitem__, run))
    ids = runs.ids[first:last]
    hits = _given(table, ids, vaccine, dose, earliest, end, runs.latest)
    if other is not None:
        hits = list(map(or_, hits, _given(table, ids, *other, earliest, end, runs.latest)))
    records = runs.records
    absent = {i for i in runs.unsettled[bisect_left(runs.unsettled, first):
                                        bisect_left(runs.unsettled, last)]
              if not records[i].present_on(due(records[i].birth_date))}
    return runs.figures(indicator, first, last, hits, absent)


def _given(table: Mapping[tuple[str, str, int], date], ids: list[str], vaccine: str,
           dose: int, earliest: list[date], end: date, latest: date) -> list[bool]:
    """For each child of *ids*: was the first dose given between its earliest day and
    *end* (*latest*: the last date in the table)."""
    # A dose never given reads as date.min: before any earliest day.
    if isinstance(table, ind.DoseTable):
        on = map(table.by_dose.get((vaccine, dose), {}).get, ids, repeat(date.min))
    else:
        on = map(table.get, zip(ids, repeat(vaccine), repeat(dose)), repeat(date.min))
    if latest <= end:  # as in a report, which reads no dose after the period
        return list(map(le, earliest, on))
    given = list(on)
    return list(map(and_, map(le, earliest, given), map(le, given, repeat(end))))


def _dose_rows(rows: list[tuple[int, ind.Indicator]], cols: ChildColumns, period: ind.Period,
               scopes: tuple[_Scope, dict[str, _Scope]]) -> dict[int, Result]:
    """The dose rows from the children's columns and their first doses (_dose_row's
    runs, the first doses taken by index and compared as ordinals)."""
    doses = cols.first_doses or {}
    start, end = period.start, period.end
    area = scopes[0]
    out = {}
    for n, indicator in rows:
        params = indicator.params
        vaccine, dose, months = params["vaccine"], params["dose"], params["months"]
        other = ind.ALTERNATIVE_DOSES.get((vaccine, dose))
        assert indicator.born is not None
        lo, hi = indicator.born(period)

        def due(birth: date, months: int = months) -> date:
            return add_months(birth, months)

        def run(births: list[date], lo: date = lo, hi: date = hi, due: Callable = due
                ) -> tuple[int, int]:
            first = bisect_left(births, lo)
            last = bisect_right(births, hi, lo=first)
            first = bisect_left(births, start, lo=first, hi=last, key=due)
            return first, bisect_right(births, end, lo=first, hi=last, key=due)

        # Hits judged once, over the area's run; a village's children find theirs by index.
        first, last = run(area.births)
        births = area.births[first:last]
        earliest_of = {b: (due(b) - _EARLY).toordinal() for b in set(births)}
        earliest = list(map(earliest_of.__getitem__, births))
        hits = _first_on_time(doses.get((vaccine, dose)), first, last, earliest)
        if other is not None:
            hits = list(map(or_, hits, _first_on_time(doses.get(other), first, last,
                                                      earliest)))

        def judge(scope: _Scope, run: Callable = run, hits: list[bool] = hits,
                  offset: int = first, due: Callable = due) -> tuple[list[str], list[str]]:
            first, last = run(scope.births)
            den = scope.ids[first:last]
            got = (hits if scope is area else
                   list(map(hits.__getitem__, map(sub, scope.at[first:last], repeat(offset)))))
            keep = _absent(scope, first, last, due)
            if keep is not None:
                den, got = list(compress(den, keep)), list(compress(got, keep))
            return den, list(compress(den, got))

        out[n] = _judged(indicator, *scopes, judge)
    return out


def _first_on_time(given: Sequence[int] | None, first: int, last: int, earliest: list[int]
                   ) -> list[bool]:
    """For the children first..last-1: was the first dose (*given*: the ordinal of each
    child's first day, 0 for none, by index) given on or after its earliest day (the
    doses read end with the period)."""
    if given is None:
        return [False] * (last - first)
    # A dose never given reads as 0: before any earliest day.
    return list(map(le, earliest, given[first:last]))


def dose_products(table: Sequence[ind.Indicator]) -> list[tuple[str, int]]:
    """The (vaccine, dose) whose first doses the dose rows of *table* look up (their own
    and the other product's that stands for it)."""
    out: dict[tuple[str, int], None] = {}
    for i in table:
        if _is_dose_row(i):
            key = (i.params["vaccine"], i.params["dose"])
            out[key] = None
            other = ind.ALTERNATIVE_DOSES.get(key)
            if other is not None:
                out[other] = None
    return list(out)


# --- a report's columns -------------------------------------------------------------------


class MaternalFacts(NamedTuple):
    """What the maternal rows judge of one delivery, as the report reads it without
    making an Episode: the counts and flags MATERNAL_PARTS works out from an Episode's
    visits."""

    person_id: str
    area_code: str | None
    delivery_date: date
    live_births: int
    moved_out: date | None
    registered_ga_days: int | None
    prenatal_by_delivery: int
    """Prenatal checks on or before the delivery date."""
    postpartum_visit: bool
    """A postpartum home visit from the delivery to POSTPARTUM_VISIT_DAYS after the
    discharge (the delivery when unknown)."""
    check_42d: bool
    place_level: str | None
    risk_colours: frozenset[str]
    case_managed: bool


# MATERNAL_PARTS as columns over all the deliveries at once (no Python per delivery).
_PART_COLUMNS: Mapping[str, Callable[[list[MaternalFacts]], list[bool]]] = {
    "early_registration": lambda facts: list(map(is_early_registration, map(
        attrgetter("registered_ga_days"), facts))),
    "prenatal_5": lambda facts: list(map(ge, map(attrgetter("prenatal_by_delivery"), facts),
                                         repeat(ind.PRENATAL_VISITS_REQUIRED))),
    "postpartum_visit": lambda facts: list(map(attrgetter("postpartum_visit"), facts)),
    "check_42d": lambda facts: list(map(attrgetter("check_42d"), facts)),
    "hospital_delivery": lambda facts: list(map(ind.HOSPITAL_LEVELS.__contains__, map(
        attrgetter("place_level"), facts))),
}
assert _PART_COLUMNS.keys() == ind.MATERNAL_PARTS.keys()


def _maternal_columns(rows: list[tuple[int, ind.Indicator]], facts: list[MaternalFacts]
                      ) -> dict[int, Result]:
    """_maternal's figures with each part worked out once per delivery as a column, and
    each row's numerator picked by compress (the deliveries of the period, in order)."""
    if not rows:
        return {}
    parts = {name: column(facts) for name, column in _PART_COLUMNS.items()}
    person = list(map(attrgetter("person_id"), facts))
    live = list(map(attrgetter("live_births"), facts))
    colours = list(map(attrgetter("risk_colours"), facts))
    high = list(map(not_, map(ind.HIGH_RISK_COLOURS.isdisjoint, colours)))
    at = [f.area_code or "" for f in facts]
    villages = {key: list(group) for key, group in
                groupby(sorted(range(len(facts)), key=at.__getitem__), at.__getitem__)}
    out = {}
    for n, indicator in rows:
        code = indicator.code
        den: list[bool] | None = None
        if code == _SYSTEM:
            num = list(map(all, zip(*(parts[p] for p in ind.SYSTEM_MANAGEMENT_PARTS),
                                    strict=True)))
        elif code in parts:
            num = parts[code]
        elif code == _HIGH:
            num = high
        elif code == _MANAGED:
            den = high
            num = list(map(and_, high, map(attrgetter("case_managed"), facts)))
        else:
            colour = indicator.params["colour"]
            num = [colour in c for c in colours]

        def figure(index: Sequence[int], den: list[bool] | None = den, num: list[bool] = num,
                   indicator: ind.Indicator = indicator) -> ind.Figure:
            """ind.figure_of of the deliveries at *index* (in the denominator) and those of
            them in the numerator, from the columns (no record list, no Python per
            delivery)."""
            if den is not None:
                index = list(compress(index, map(den.__getitem__, index)))
            hits = list(compress(index, map(num.__getitem__, index)))
            return ind.Figure(
                indicator.code,
                (sum(map(live.__getitem__, hits)) if indicator.numerator_counts == ind.LIVE_BIRTH
                 else len(hits)),
                (sum(map(live.__getitem__, index)) if indicator.counts == ind.LIVE_BIRTH
                 else len(index)),
                list(map(person.__getitem__, hits)), list(map(person.__getitem__, index)),
                indicator.per)

        by_village = {}
        for key in sorted(villages):
            v = figure(villages[key])
            if v.denominator_ids:
                by_village[key] = v
        out[n] = (figure(range(len(facts))), by_village)
    return out


def handled(table: Sequence[ind.Indicator]) -> bool:
    """Whether evaluate_columns judges every row of *table*."""
    return all((i.group == ind.MATERNAL and (_maternal_judge(i) is not None
                                             or i.code == _MANAGED))
               or (i.code in CHILD_CODES and _persons(i)) or (_is_dose_row(i) and _persons(i))
               for i in table)


def evaluate_columns(table: Sequence[ind.Indicator],
                     maternal: Sequence[MaternalFacts] | Callable[[], Sequence[MaternalFacts]],
                     cols: ChildColumns, period: ind.Period,
                     first_doses: Callable[[], Mapping[tuple[str, int], Sequence[int]]]
                     | None = None) -> list[Result]:
    """evaluate_all's figures from what a report reads as facts and columns (*maternal*:
    the deliveries of the period, in reading order; *cols*: the children), for a table
    whose every row is handled().

    *maternal*, and the children's first doses (*first_doses*, instead of cols'), may be
    calls that wait for them while other threads read them: the children's rows are
    judged first, then the dose rows, then the maternal rows."""
    if not handled(table):
        raise ValueError("a row of the table has no judgement from columns")
    scopes = _scopes(cols)
    out = _child_rows([(n, i) for n, i in enumerate(table) if i.code in CHILD_CODES],
                      cols, period, scopes)
    if first_doses is not None:
        cols = cols._replace(first_doses=first_doses())
    out.update(_dose_rows([(n, i) for n, i in enumerate(table) if _is_dose_row(i)], cols,
                          period, scopes))
    deliveries = maternal() if callable(maternal) else maternal
    in_period = [f for f in deliveries if ind.maternal_in_period(f, period)]
    out.update(_maternal_columns([(n, i) for n, i in enumerate(table)
                                  if i.group == ind.MATERNAL], in_period))
    return [out[n] for n in range(len(table))]
