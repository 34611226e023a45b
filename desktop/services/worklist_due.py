"""The worklist's stored items (desktop.store.repositories.due_items): what each person's
records make due, and on which days, computed once per change instead of on every look.

For every provider that reads records (maternal_worklist's prenatal, delivery, postpartum
and case follow-up items; worklist_child's checks and vaccinations) this module computes,
per person, the same WorkItems the provider yields, with the range of days on which
worklist.build would show each one: a window is listed from 7 days before it opens
(worklist.build drops items further ahead) until a later visit's window replaces it, the
EDD passes for "record the delivery", the 120-day postpartum look-back ends, the child
turns 7. So a day's list is the rows whose range contains the day: no schedule is
computed when the page opens.

Vaccinations are the one truly day-relative item (a catch-up dose is planned "today", a
dose turns overdue or too late as the child ages): their rows hold the item for one day,
the *basis day* (meta ``due_items_day``). The first worklist of a new day recomputes every
child's vaccination row for that day (in the worklist page's background task; a few
seconds for a 100,000-person township, once a day) and drops rows whose range ended.
Asking for a day before the last such pruning rebuilds the whole table (tests, clock
changes).

Layering choice: the store cannot import the services, so the services register
``refresh`` with the store (due_items.register_refresher) when this module is imported;
the one write path calls it before COMMIT with the persons that migration 0008's triggers
marked. Marks left by other paths (a pulled sync page, writes before this module was
loaded) are drained by ``ensure_fresh`` before every stored read.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, timedelta
from functools import partial
from operator import itemgetter

import sqlcipher3

from desktop.domain import child_schedule as sched
from desktop.domain import vaccines as vacc
from desktop.domain.schedule import NEAR_DAYS, DueWindow, postpartum_windows, prenatal_windows
from desktop.domain.worklist import UPCOMING, WorkItem
from desktop.services import maternal_worklist as mw
from desktop.services import worklist_child as wc
from desktop.services.worklist_rows import WorklistRow
from desktop.store.connection import rollback_if_open
from desktop.store.repositories import due_items
from desktop.store.repositories.due_items import FOREVER

ALWAYS = "0001-01-01"       # urgent_from of an item urgent from the start
BASIS_KEY = "due_items_day"
PRUNED_KEY = "due_items_pruned"
CHUNK = 500



def stored_providers() -> frozenset:
    """The providers whose items worklist.build reads from the table instead of calling
    them (a function: this module and the providers' modules import each other)."""
    return frozenset({mw.prenatal_items, mw.postpartum_items, mw.case_followup_items,
                      wc.child_items})


# Provider order of the live registry, kept as the last sort key for equal rows.
_SEQ = {"prenatal": 0, "postpartum": 1, "case": 2, "child": 3, "vaccination": 4}

_ONE = timedelta(days=1)
_NEAR = timedelta(days=NEAR_DAYS)


def _in(column: str, ids: Sequence[str] | None) -> tuple[str, list[str]]:
    if ids is None:
        return "", []
    return f" AND {column} IN ({','.join('?' * len(ids))})", list(ids)


def _no(ids: Sequence[str] | None) -> str:
    """"+" before a column when reading a few persons: SQLite would otherwise pick the
    status or kind index and scan a whole township instead of the person index."""
    return "" if ids is None else "+"


def _chunks(ids: Sequence[str] | None) -> Iterator[Sequence[str] | None]:
    if ids is None:
        yield None
        return
    for lo in range(0, len(ids), CHUNK):
        yield ids[lo:lo + CHUNK]


def _iso(day: date) -> str:
    return day.isoformat()


def _active(conn: sqlcipher3.Connection, ids: Sequence[str] | None) -> dict[str, tuple]:
    """{person id: (name_zh, name_mn, phone)} of the active persons (worklist.build shows
    no one else)."""
    clause, args = _in("id", ids)
    return {r[0]: r[1:] for r in conn.execute(
        "SELECT id, name_zh, name_mn, phone FROM persons WHERE deleted = 0"
        " AND status = 'active'" + clause, args)}


def _row(people: dict[str, tuple], person_id: str, kind: str, ref_id: str | None,
         due_from: date, due_by: date, show_from: date | str, show_until: date | str,
         area: str, colours: Iterable[str], urgent_from: str | None, details: str | None,
         seq: int) -> tuple | None:
    """A due_items row (due_items.COLUMNS) of an active person, None otherwise or when it
    is never listed."""
    person = people.get(person_id)
    if person is None:
        return None
    start = show_from if isinstance(show_from, str) else _iso(show_from)
    until = show_until if isinstance(show_until, str) else _iso(show_until)
    if start > until:
        return None
    first, last = _iso(due_from), _iso(due_by)
    return (person_id, kind, first, last, start, until, area or "", urgent_from,
            person[0] or person[1] or "", seq,
            due_items.pack_item(kind, ref_id, first, last, colours, details, *person,
                                person_id=person_id))


def _until(windows: Sequence[DueWindow], i: int) -> date | str:
    """The last day schedule.pending lists window *i* when it is not done: to its end
    when a later window is done, else until the next later window opens, else for good."""
    window, later = windows[i], windows[i + 1:]
    if any(w.done for w in later):
        return window.last
    if later:
        return max(window.last, min(w.first for w in later) - _ONE)
    return FOREVER


def _pending_rows(people, person_id, preg_id, area, colours, windows, seq,
                  limit: date | None = None) -> Iterator[tuple]:
    urgent = ALWAYS if mw._urgent(colours) else None
    for i, window in enumerate(windows):
        if window.done:
            continue
        until = _until(windows, i)
        if limit is not None:
            until = limit if until == FOREVER else min(until, limit)  # type: ignore[type-var]
        row = _row(people, person_id, window.kind, preg_id, window.first, window.last,
                   window.first - _NEAR, until, area, colours, urgent, None, seq)
        if row is not None:
            yield row


def prenatal_rows(conn, people, ids) -> Iterator[tuple]:
    """maternal_worklist.prenatal_items as rows (visits and "record the delivery")."""
    clause, args = _in("g.person_id", ids)
    for preg_id, person_id, area, edd_text, colours_text, dates in conn.execute(
            "SELECT g.id, g.person_id, g.area_code, g.edd, g.risk_colours,"
            " (SELECT group_concat(v.visit_date) FROM prenatal_visits v"
            "  WHERE v.pregnancy_id = g.id AND v.deleted = 0)"
            f" FROM pregnancies g WHERE {_no(ids)}g.status = 'ongoing' AND g.deleted = 0"
            f" AND {_no(ids)}g.edd IS NOT NULL" + clause, args):
        edd = date.fromisoformat(edd_text)
        colours = mw._colours(colours_text)
        visits = [date.fromisoformat(d) for d in dates.split(",")] if dates else []
        yield from _pending_rows(people, person_id, preg_id, area, colours,
                                 prenatal_windows(edd, visits), _SEQ["prenatal"])
        row = _row(people, person_id, "delivery_record", preg_id, edd,
                   edd + timedelta(days=mw.DELIVERY_GRACE_DAYS), edd, FOREVER, area, colours,
                   ALWAYS if mw._urgent(colours) else None, None, _SEQ["prenatal"])
        if row is not None:
            yield row


def postpartum_rows(conn, people, ids) -> Iterator[tuple]:
    """maternal_worklist.postpartum_items as rows, listed up to 120 days after the end."""
    clause, args = _in("g.person_id", ids)
    lookback = timedelta(days=mw.POSTPARTUM_LOOKBACK_DAYS)
    for preg_id, person_id, area, colours_text, delivered, discharged, ended, done in (
            conn.execute(
                "SELECT g.id, g.person_id, g.area_code, g.risk_colours, d.delivery_date,"
                " d.discharge_date, g.ended_on, (SELECT group_concat(p.kind || '=' ||"
                " p.visit_date) FROM postpartum_visits p WHERE p.pregnancy_id = g.id"
                " AND p.deleted = 0) FROM pregnancies g JOIN deliveries d ON d.pregnancy_id"
                f" = g.id AND d.deleted = 0 WHERE {_no(ids)}g.status = 'delivered'"
                f" AND g.deleted = 0 AND {_no(ids)}g.ended_on IS NOT NULL" + clause, args)):
        visits: dict[str, date] = {}
        for part in (done or "").split(","):
            if "=" in part:
                kind, day = part.split("=", 1)
                visits.setdefault(kind, date.fromisoformat(day))
        colours = mw._colours(colours_text)
        windows = postpartum_windows(date.fromisoformat(delivered),
                                     date.fromisoformat(discharged) if discharged else None,
                                     visits)
        yield from _pending_rows(people, person_id, preg_id, area, colours, windows,
                                 _SEQ["postpartum"],
                                 limit=date.fromisoformat(ended) + lookback)


def case_rows(conn, people, ids) -> Iterator[tuple]:
    """maternal_worklist.case_followup_items as rows: listed from a week before the
    follow-up day until the case's next follow-up date changes."""
    clause, args = _in("c.person_id", ids)
    marks = ",".join("?" * len(mw.OPEN_CASE_STATUSES))
    for case_id, person_id, area, colour, colours_text, due in conn.execute(
            "SELECT c.id, c.person_id, p.area_code, c.colour, c.colours, c.next_followup"
            " FROM cases c JOIN persons p ON p.id = c.person_id"
            f" WHERE {_no(ids)}c.status IN ({marks}) AND c.deleted = 0"
            f" AND {_no(ids)}c.next_followup IS NOT NULL" + clause, [*mw.OPEN_CASE_STATUSES, *args]):
        colours = mw._colours(colours_text) or ((colour,) if colour else ())
        day = date.fromisoformat(due)
        row = _row(people, person_id, "case_followup", case_id, day, day, day - _NEAR,
                   FOREVER, area, colours, ALWAYS, None, _SEQ["case"])
        if row is not None:
            yield row


def _children(conn, ids) -> list[tuple]:
    clause, args = _in("id", ids)
    return conn.execute(
        "SELECT id, birth_date, area_code, mother_id, special_mgmt, discharge_date,"
        f" hbig_needed FROM persons WHERE {_no(ids)}kind = 'child' AND deleted = 0"
        f" AND status = 'active' AND {_no(ids)}birth_date IS NOT NULL" + clause,
        args).fetchall()


def _discharges(conn, children) -> dict[tuple[str, str], str]:
    mothers = sorted({c[3] for c in children if c[3] and not c[5]})
    out: dict[tuple[str, str], str] = {}
    for chunk in _chunks(mothers):
        clause, args = _in("person_id", chunk)
        for m, d, x in conn.execute(
                "SELECT person_id, delivery_date, discharge_date FROM deliveries"
                " WHERE deleted = 0 AND discharge_date IS NOT NULL" + clause, args):
            out[(m, d)] = x
    return out


def child_rows(conn, people, ids, basis: date | None, checks: bool = True,
               nexts: dict[str, str] | None = None) -> Iterator[tuple]:
    """worklist_child.child_items as rows: checks with their day ranges; vaccinations from
    the basis day until the day before their next change (none without a basis day), that
    day put in *nexts* for every active child ({child id: ISO day}, FOREVER for never)."""
    children = _children(conn, ids)
    if not children:
        return
    child_ids = None if ids is None else [c[0] for c in children]
    clause, args = _in("person_id", child_ids)
    done: dict[str, set[str]] = defaultdict(set)
    if checks:
        for person_id, kind in conn.execute(
                "SELECT person_id, kind FROM child_visits WHERE deleted = 0" + clause, args):
            done[person_id].add(kind)
    discharges = _discharges(conn, children) if checks else {}
    given = _given(conn, child_ids) if basis is not None else {}
    version = vacc.version_on(basis) if basis is not None else None
    for child_id, birth_text, area, mother_id, special_text, discharge_text, hbig in children:
        if child_id not in people:
            continue
        birth = date.fromisoformat(birth_text)
        last_day = birth + timedelta(days=wc.AGE_LIMIT_DAYS)
        discharge_text = discharge_text or discharges.get((mother_id, birth_text))
        discharge = date.fromisoformat(discharge_text) if discharge_text else None

        special = wc._loads(special_text)
        windows = sched.schedule(birth, discharge, bool(special)) if checks else []
        regular = [w for w in windows if not w.special]
        for w in windows:
            if w.kind in done[child_id]:
                continue
            later = [r.due_from for r in regular if r.nominal > w.nominal]
            expires = min(later) if later else last_day
            until = min(max(expires - _ONE, w.due_by), last_day)
            urgent = _iso(w.due_by + _ONE) if special or w.kind == sched.NEWBORN else None
            details = json.dumps({"check": w.kind, "special": w.special,
                                  "special_mgmt": list(special), "birth_date": birth_text},
                                 ensure_ascii=False)
            row = _row(people, child_id, wc.KIND_PREFIX + w.kind, child_id, w.due_from,
                       w.due_by, max(w.due_from - _NEAR, birth), until, area, (), urgent,
                       details, _SEQ["child"])
            if row is not None:
                yield row
        if basis is None or version is None:
            continue
        if not birth <= basis <= last_day:
            if nexts is not None:
                nexts[child_id] = _iso(birth) if basis < birth else FOREVER
            continue
        item, after = wc.vaccination_item(child_id, birth, area, given.get(child_id, []),
                                          basis, version, bool(hbig), NEAR_DAYS)
        after = min(after or last_day + _ONE, last_day + _ONE)
        if nexts is not None:
            nexts[child_id] = _iso(after)
        if item is None or not _listed(item, basis):
            continue
        row = _row(people, child_id, item.kind, item.ref_id, item.due_from, item.due_by,
                   basis, after - _ONE, area, (), ALWAYS if item.urgent else None,
                   json.dumps(item.details, ensure_ascii=False), _SEQ["vaccination"])
        if row is not None:
            yield row


def _listed(item: WorkItem, today: date) -> bool:
    return not (item.status(today) == UPCOMING and (item.due_from - today) > _NEAR)


def _given(conn, child_ids) -> dict[str, list[vacc.GivenDose]]:
    """Doses given per child, corrections applied (a superseded dose is dropped)."""
    out: dict[str, list[vacc.GivenDose]] = defaultdict(list)
    for chunk in _chunks(child_ids):
        clause, args = _in("person_id", chunk)
        rows = conn.execute("SELECT id, supersedes, person_id, vaccine, dose, given_on"
                            " FROM vaccinations WHERE deleted = 0" + clause, args).fetchall()
        superseded = {r[1] for r in rows if r[1]}
        for dose_id, _, person_id, vaccine, dose, given_on in rows:
            if dose_id not in superseded:
                out[person_id].append(vacc.GivenDose(vaccine, int(dose),
                                                     date.fromisoformat(given_on)))
    return out


def compute(conn: sqlcipher3.Connection, ids: Sequence[str] | None, basis: date | None,
            nexts: dict[str, str] | None = None) -> list[tuple]:
    """Every stored row of *ids* (None: of everyone); vaccinations from *basis* (their
    next change days put in *nexts*)."""
    rows: list[tuple] = []
    for chunk in _chunks(ids):
        people = _active(conn, chunk)
        for part in (prenatal_rows(conn, people, chunk), postpartum_rows(conn, people, chunk),
                     case_rows(conn, people, chunk),
                     child_rows(conn, people, chunk, basis, nexts=nexts)):
            rows.extend(part)
    return rows


def _basis(conn: sqlcipher3.Connection) -> date | None:
    text = due_items.read_meta(conn, BASIS_KEY)
    return date.fromisoformat(text) if text else None


def refresh(conn: sqlcipher3.Connection, person_ids: Sequence[str]) -> None:
    """Recompute the rows of *person_ids* inside the caller's transaction (the write
    path's hook; also drains marks)."""
    ids = list(dict.fromkeys(person_ids))
    nexts: dict[str, str] = {}
    due_items.replace(conn, ids, compute(conn, ids, _basis(conn), nexts))
    due_items.set_next(conn, ids, nexts)


def rebuild(conn: sqlcipher3.Connection, basis: date) -> int:
    """Recompute every row for *basis* inside the caller's transaction (demo generator,
    a day before the last pruning). Returns the number of rows."""
    due_items.clear(conn)
    rows, nexts = built_rows(conn, None, basis)
    store_built(conn, rows, nexts)
    finish_build(conn, basis)
    return len(rows)


def built_rows(conn: sqlcipher3.Connection, ids: Sequence[str] | None, basis: date
               ) -> tuple[list[tuple], dict[str, str]]:
    """What a rebuild for *basis* stores for the persons *ids* (None: everyone): their rows
    and next change days. Reads only: a second process may work it out (demo) for
    store_built to write; a rebuild in parts is complete once every person's part is
    stored and finish_build has run."""
    day = basis.isoformat()
    nexts: dict[str, str] = {}
    # Rows that left the list before the basis day are not kept (see _new_day).
    return [r for r in compute(conn, ids, basis, nexts) if r[5] >= day], nexts


def store_built(conn: sqlcipher3.Connection, rows: list[tuple], nexts: dict[str, str]
                ) -> None:
    """Write built_rows of persons that have no rows yet (inside the caller's
    transaction). Sorted in place first: in the list index's order, filling an empty
    table appends instead of splitting pages (a list read then reads packed pages)."""
    rows.sort(key=itemgetter(6, 2, 8, 9))
    due_items.insert(conn, rows)
    due_items.set_next(conn, [], nexts)


def finish_build(conn: sqlcipher3.Connection, basis: date) -> None:
    """The table now holds every person's rows for *basis*: no person is left marked."""
    due_items.clear_marks(conn)
    due_items.write_meta(conn, BASIS_KEY, basis.isoformat())
    due_items.write_meta(conn, PRUNED_KEY, basis.isoformat())


def _new_day(conn: sqlcipher3.Connection, today: date) -> None:
    """Vaccination rows for *today* of the children whose item may have changed since the
    basis day (due_next); rows that left the list before it dropped. Every other child's
    row holds for *today* as it is (its range runs to the day before its next change)."""
    due_items.write_meta(conn, BASIS_KEY, today.isoformat())
    pruned = due_items.read_meta(conn, PRUNED_KEY)
    if pruned is None or pruned < today.isoformat():
        due_items.prune(conn, today)
        due_items.write_meta(conn, PRUNED_KEY, today.isoformat())
    marked = set(due_items.dirty(conn))
    # Marked persons are recomputed whole just after this; the others whose day has come
    # get the new day's vaccination row only.
    ids = [i for i in due_items.changing(conn, today) if i not in marked]
    due_items.drop_kind(conn, ids, wc.VACCINATION_KIND)
    rows: list[tuple] = []
    nexts: dict[str, str] = {}
    for chunk in _chunks(ids):
        rows += child_rows(conn, _active(conn, chunk), chunk, today, checks=False,
                           nexts=nexts)
    due_items.insert(conn, rows)
    due_items.set_next(conn, [], nexts)


def ensure_fresh(conn: sqlcipher3.Connection, today: date) -> None:
    """Make the table right for *today* before a read: drain marks left outside the write
    path, move to a new basis day, or rebuild for a day before the last pruning. One
    transaction; nothing is written when the table is already right."""
    basis = due_items.read_meta(conn, BASIS_KEY)
    pending = due_items.dirty(conn, 1)
    day = today.isoformat()
    if basis == day and not pending:
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        pruned = due_items.read_meta(conn, PRUNED_KEY)
        if pruned is None or day < pruned:  # never built (migration 0008), or the past
            rebuild(conn, today)
        else:
            if due_items.read_meta(conn, BASIS_KEY) != day:
                _new_day(conn, today)
            marked = due_items.dirty(conn)
            if marked:
                refresh(conn, marked)
        conn.execute("COMMIT")
    except BaseException:
        rollback_if_open(conn)
        raise


def stored_rows(conn: sqlcipher3.Connection, today: date, areas: frozenset[str] | None,
                hidden_items: set[str], hidden_people: set[str], affected: set[str]
                ) -> list[WorklistRow]:
    """The WorklistRows of every stored row on the list on *today* in *areas*, in the
    list's order (call ensure_fresh first): read in index order village by village, each
    village's rows put in section order by a stable sort on their rank (an int). Without
    the hidden ones: *affected* are the persons any of *hidden_items* and *hidden_people*
    belong to, so only their rows are looked into."""
    rows: list[WorklistRow] = []
    for cursor in due_items.listed(conn, today, areas, NEAR_DAYS):
        village = list(map(_make, cursor))
        village.sort(key=_rank)
        rows += village
    if affected:
        rows = [r for r in rows if r[2] not in affected or not (
            r[2] in hidden_people or r.key in hidden_items)]
    return rows


_make = partial(tuple.__new__, WorklistRow)  # a row from the values read, no Python code
_rank = itemgetter(0)


due_items.register_refresher(refresh)
