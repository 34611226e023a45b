"""The Children page's list: each child 0–6 years with what a worker scans for at a glance
(age, mother, next check or dose, special management, HBIG, referral, latest nutrition).

Reads only, in a few bulk queries over the listed children, then pure domain rules per
child (the same schedule and vaccination rules as the child worklist provider), so a page
of a few hundred children costs a few hundred milliseconds at most: call it off the GUI
thread.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import sqlcipher3

from desktop.domain import child_schedule as sched
from desktop.domain import vaccines as vacc
from desktop.services.access import visible_areas
from desktop.services.search import search
from desktop.store.database import Store, UserRecord

DEFAULT_LIMIT = 300  # the youngest children first; a search finds the others
AGE_LIMIT_DAYS = 7 * 366


@dataclass(frozen=True)
class NextCheck:
    kind: str          # child_schedule kind ("newborn", "28d", "3m"… "special_14d"…)
    due_from: date
    due_by: date
    overdue: bool


@dataclass(frozen=True)
class NextDose:
    vaccine: str
    dose: int
    status: str        # vaccines.DUE / OVERDUE / UPCOMING
    planned_on: date | None


@dataclass(frozen=True)
class ChildSummary:
    id: str
    name_zh: str | None
    name_mn: str | None
    name_latin: str | None
    sex: str | None
    birth_date: date | None
    area_code: str | None
    mother_id: str | None
    mother_name: str | None
    status: str
    special_mgmt: tuple[str, ...]
    hbig_needed: bool
    referral: tuple[str, ...]          # reasons of the latest visit (empty: none)
    nutrition: tuple[str, ...]         # growth codes of the latest measured visit
    nutrition_on: date | None
    next_check: NextCheck | None
    next_dose: NextDose | None
    overdue_doses: int


def _loads(text: str | None) -> list:
    try:
        value = json.loads(text) if text else []
    except ValueError:
        return []
    return value if isinstance(value, list) else []


def _day(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def next_check(birth: date, discharge: date | None, special: bool, done: set[str],
               today: date) -> NextCheck | None:
    """The first contact still to do: a missed one that has not yet been overtaken by the
    next regular contact's window (as in the worklist), else the next one ahead."""
    windows = sched.schedule(birth, discharge, special)
    regular = [w for w in windows if not w.special]
    for w in windows:
        if w.kind in done:
            continue
        if w.due_by < today:
            later = [r.due_from for r in regular if r.nominal > w.nominal]
            if later and today >= min(later):
                continue
            return NextCheck(w.kind, w.due_from, w.due_by, True)
        return NextCheck(w.kind, w.due_from, w.due_by, False)
    return None


def next_dose(birth: date, given: list[vacc.GivenDose], today: date
              ) -> tuple[NextDose | None, int]:
    """(the most pressing dose: overdue, else due, else the next upcoming; overdue count)."""
    statuses = vacc.dose_statuses(birth, given, today)
    overdue = [s for s in statuses if s.status == vacc.OVERDUE]
    due = [s for s in statuses if s.status == vacc.DUE]
    ahead = [s for s in statuses if s.status == vacc.UPCOMING and s.planned_on is not None]
    for group in (overdue, due, ahead):
        if group:
            first = min(group, key=lambda s: (s.planned_on or s.recommended, s.vaccine))
            return NextDose(first.vaccine, first.dose, first.status, first.planned_on), len(
                overdue)
    return None, 0


def _chunks(ids: list[str], size: int = 500) -> Iterable[list[str]]:
    for lo in range(0, len(ids), size):
        yield ids[lo:lo + size]


def _rows(conn: sqlcipher3.Connection, sql: str, ids: list[str]) -> list[tuple]:
    out: list[tuple] = []
    for chunk in _chunks(ids):
        out += conn.execute(sql.format(marks=",".join("?" * len(chunk))), chunk).fetchall()
    return out


def list_children(store: Store, user: UserRecord, query: str, today: date,
                  limit: int = DEFAULT_LIMIT, ids: Iterable[str] | None = None,
                  conn: sqlcipher3.Connection | None = None) -> list[ChildSummary]:
    """Children matching *query* (anything the search understands: names, pinyin, ID…),
    or without a query the youngest *limit* living children under 7 in the user's areas;
    with *ids*, exactly those children the user may see. Newest births first for the
    plain list, search order for a query. Reads only, on *conn* (default: the store's)."""
    conn = conn or store.conn
    areas = visible_areas(user)
    text = (query or "").strip()
    if ids is not None:
        wanted = list(ids)
        ids = [r[0] for r in _rows(conn, (
            "SELECT id, area_code FROM persons WHERE kind = 'child' AND deleted = 0"
            " AND id IN ({marks})"), wanted) if areas is None or r[1] in areas]
    elif text:
        ids = [h.id for h in search(conn, text, areas, limit * 3) if h.kind == "child"][:limit]
    else:
        oldest = (today - timedelta(days=AGE_LIMIT_DAYS)).isoformat()
        sql = ("SELECT id, area_code FROM persons WHERE kind = 'child' AND deleted = 0"
               " AND (birth_date IS NULL OR birth_date >= ?) ORDER BY birth_date DESC, id")
        ids = [i for i, area in conn.execute(sql, (oldest,))
               if areas is None or area in areas][:limit]
    if not ids:
        return []
    people = {r[0]: r for r in _rows(conn, (
        "SELECT id, name_zh, name_mn, name_latin, sex, birth_date, area_code, mother_id,"
        " status, special_mgmt, hbig_needed, discharge_date FROM persons"
        " WHERE deleted = 0 AND id IN ({marks})"), ids)}
    mother_ids = sorted({r[7] for r in people.values() if r[7]})
    mothers = {r[0]: r[1] or r[2] or r[3] for r in _rows(conn, (
        "SELECT id, name_zh, name_mn, name_latin FROM persons WHERE id IN ({marks})"),
        mother_ids)} if mother_ids else {}
    visits: dict[str, list[tuple]] = defaultdict(list)
    for row in _rows(conn, (
            "SELECT v.person_id, v.kind, v.visit_date, v.growth_codes, v.referral,"
            " v.weight_kg, v.length_cm FROM child_visits v WHERE v.deleted = 0"
            " AND v.person_id IN ({marks}) AND NOT EXISTS (SELECT 1 FROM child_visits s"
            " WHERE s.supersedes = v.id AND s.deleted = 0) ORDER BY v.visit_date, v.rev"),
            ids):
        visits[row[0]].append(row)
    given: dict[str, list[vacc.GivenDose]] = defaultdict(list)
    for person_id, vaccine, dose, on in _rows(conn, (
            "SELECT v.person_id, v.vaccine, v.dose, v.given_on FROM vaccinations v"
            " WHERE v.deleted = 0 AND v.person_id IN ({marks}) AND NOT EXISTS (SELECT 1"
            " FROM vaccinations s WHERE s.supersedes = v.id AND s.deleted = 0)"), ids):
        day = _day(on)
        if day is not None:
            given[person_id].append(vacc.GivenDose(vaccine, int(dose), day))
    mother_births = [(p[7], p[5]) for p in people.values() if p[7] and p[5]]
    discharges: dict[tuple[str, str], str] = {}
    if mother_births:
        for m, d, x in _rows(conn, (
                "SELECT person_id, delivery_date, discharge_date FROM deliveries"
                " WHERE deleted = 0 AND discharge_date IS NOT NULL AND person_id IN ({marks})"),
                sorted({m for m, _d in mother_births})):
            discharges[(m, d)] = x
    return [_summary(people[i], mothers, visits[i], given[i], discharges, today)
            for i in ids if i in people]


def _summary(p: tuple, mothers: dict[str, Any], visits: list[tuple],
             given: list[vacc.GivenDose], discharges: dict[tuple[str, str], str],
             today: date) -> ChildSummary:
    (child_id, name_zh, name_mn, name_latin, sex, birth_text, area, mother_id, status,
     special_text, hbig, discharge_text) = p
    birth = _day(birth_text)
    special = tuple(_loads(special_text))
    measured = [v for v in visits if v[5] is not None or v[6] is not None]
    latest = measured[-1] if measured else None
    check = dose = None
    overdue = 0
    if birth is not None and (status or "active") == "active":
        discharge = _day(discharge_text or discharges.get((mother_id, birth_text)))
        check = next_check(birth, discharge, bool(special), {v[1] for v in visits}, today)
        dose, overdue = next_dose(birth, given, today)
    return ChildSummary(
        child_id, name_zh, name_mn, name_latin, sex, birth, area, mother_id,
        mothers.get(mother_id) if mother_id else None, status or "active", special,
        bool(hbig), tuple(_loads(visits[-1][4])) if visits else (),
        tuple(_loads(latest[3])) if latest else (), _day(latest[2]) if latest else None,
        check, dose, overdue)
