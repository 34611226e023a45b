"""The worklist: what is due today, this week and overdue, grouped by village (issue 3
item 9; issue 4 adds child items).

Providers turn records into desktop.domain.worklist.WorkItems. A provider is a function
``(conn, today, areas) -> Iterable[WorkItem]`` where *areas* is the set of village codes the
user may see, or None for all; register one with ``register_provider``. The maternal
providers live in desktop.services.maternal_worklist; the child-health ones register
themselves the same way. The record-reading providers' items are also kept, per person,
in a stored table that every write refreshes in its own transaction
(desktop.services.worklist_due), so the list is read rather than computed; the provider
functions stay the reference that table is tested against.

A worker can mark an item "not reachable" (it leaves the list for ``SNOOZE_DAYS``) or
"moved away" (every item of that person leaves the list for good); each mark is a
worklist_outcomes event with the reason.
"""

from __future__ import annotations

import gc
import importlib
from collections.abc import Callable, Iterable
from datetime import date, timedelta

import sqlcipher3

from desktop.domain.issues import ValidationIssue
from desktop.domain.schedule import NEAR_DAYS
from desktop.domain.worklist import DUE_THIS_WEEK, UPCOMING, WorkItem
from desktop.services.access import visible_areas
from desktop.services.errors import ValidationError
from desktop.services.maternal_common import SavedChanges, person_for, saved
from desktop.services.worklist_rows import SECTIONS as SECTIONS  # the screens and tests use it
from desktop.services.worklist_rows import Worklist, WorklistRow, item_key
from desktop.store.database import Store, UserRecord

Provider = Callable[[sqlcipher3.Connection, date, "frozenset[str] | None"], Iterable[WorkItem]]

_PROVIDERS: list[Provider] = []
# Modules whose import registers providers; issue 4 adds its module here or registers itself.
PROVIDER_MODULES = ["desktop.services.maternal_worklist", "desktop.services.worklist_child"]

NOT_REACHABLE = "not_reachable"
MOVED_AWAY = "moved_away"
OUTCOMES = (NOT_REACHABLE, MOVED_AWAY)
SNOOZE_DAYS = 7  # a woman not reached comes back on the list a week later (ours)
STORED_SEQ, LIVE_SEQ = 0, 1  # called providers' rows sort after stored ones they tie with


def register_provider(provider: Provider) -> Provider:
    """Add *provider* (idempotent); usable as a decorator."""
    if provider not in _PROVIDERS:
        _PROVIDERS.append(provider)
    return provider


def providers() -> list[Provider]:
    for name in PROVIDER_MODULES:
        importlib.import_module(name)
    return list(_PROVIDERS)


def _hidden(conn: sqlcipher3.Connection, today: date
            ) -> tuple[set[str], set[str], set[str]]:
    """(item keys hidden for now, persons hidden for good, the persons of both)."""
    items: set[str] = set()
    people: set[str] = set()
    affected: set[str] = set()
    for person_id, item, outcome, until in conn.execute(
            "SELECT person_id, item, outcome, until FROM worklist_outcomes WHERE deleted = 0"):
        if outcome == MOVED_AWAY:
            people.add(person_id)
            affected.add(person_id)
        elif until is None or until >= today.isoformat():
            items.add(item)
            affected.add(person_id)
    return items, people, affected


def build(conn: sqlcipher3.Connection, today: date, areas: frozenset[str] | None,
          *, near_days: int = NEAR_DAYS, only: Iterable[Provider] | None = None) -> Worklist:
    """Every due item of every provider (or of *only*) for *areas* (None: all), without
    the ones marked.

    The record-reading providers' items come from the stored table (worklist_due: one
    index range per village; the first call of a day also moves vaccinations to that day,
    see there); other registered providers, and every provider named in *only*, are
    called.
    """
    from desktop.store.repositories import due_items

    stored: list = []
    called: Iterable[Provider]
    stored_path = only is None and near_days == NEAR_DAYS and due_items.has_table(conn)
    if stored_path:
        worklist_due.ensure_fresh(conn, today)
        called = [p for p in providers() if p not in worklist_due.stored_providers()]
        version = (today, areas, conn.total_changes,
                   conn.execute("PRAGMA data_version").fetchone()[0])
        last = _last  # one read: another thread may replace it
        if not called and last[0] is conn and last[1] == version:
            return last[2]
    hidden_items, hidden_people, affected = _hidden(conn, today)
    if stored_path:
        collecting = gc.isenabled()
        gc.disable()  # thousands of rows: no collection half-way through reading them
        try:
            stored = worklist_due.stored_rows(conn, today, areas, hidden_items,
                                              hidden_people, affected)
        finally:
            if collecting:
                gc.enable()
    else:
        called = providers() if only is None else only
    items = []
    for provider in called:
        for item in provider(conn, today, areas):
            if areas is not None and item.area_code not in areas:
                continue
            status = item.status(today)
            if status == UPCOMING and (item.due_from - today).days > near_days:
                continue
            if status == UPCOMING:
                status = DUE_THIS_WEEK
            if item.person_id in hidden_people or item_key(item) in hidden_items:
                continue
            items.append((item, status))
    if not items:
        result = Worklist(today, tuple(stored))
        if stored_path and not called:
            _remember(conn, version, result)
        return result
    people = _people(conn, {i.person_id for i, _ in items})
    rows = [(row, STORED_SEQ) for row in stored]
    for item, status in items:
        person = people.get(item.person_id)
        if person is None or person[3] != "active":
            continue
        rows.append((WorklistRow.of(item, status, person[0], person[1], person[2],
                                    item.days_overdue(today)), LIVE_SEQ))
    rows.sort(key=lambda rs: (rs[0].area_code, rs[0].rank, rs[0].item.due_from,
                              rs[0].name_zh or rs[0].name_mn or "", rs[1]))
    return Worklist(today, tuple(r for r, _ in rows))


# The last stored list: (connection, (day, areas, the connection's change count, the
# file's data version), Worklist). Any committed change, by this connection or another,
# changes the key, so a second look with nothing saved in between is not read again.
# Worklists are immutable; the connection is held (not its id) so an id reused by a later
# connection can never match.
_last: tuple = (None, None, None)


def _remember(conn: sqlcipher3.Connection, version: tuple, result: Worklist) -> None:
    global _last
    _last = (conn, version, result)


def _people(conn: sqlcipher3.Connection, ids: set[str]) -> dict[str, tuple]:
    out: dict[str, tuple] = {}
    ids_list = sorted(ids)
    for lo in range(0, len(ids_list), 500):
        chunk = ids_list[lo:lo + 500]
        for row in conn.execute(
                "SELECT id, name_zh, name_mn, phone, status FROM persons WHERE deleted = 0 AND"
                f" id IN ({','.join('?' * len(chunk))})", chunk):
            out[row[0]] = row[1:]
    return out


def worklist(store: Store, user: UserRecord, *, today: date) -> Worklist:
    return build(store.conn, today, visible_areas(user))


def mark(store: Store, user: UserRecord, row: WorklistRow, outcome: str, reason: str, *,
         today: date) -> SavedChanges:
    """Record that the person of *row* was not reachable or moved away (with a reason)."""
    issues = []
    if outcome not in OUTCOMES:
        issues.append(ValidationIssue("outcome", "validation.choice_invalid",
                                      {"value": outcome}))
    if not (reason or "").strip():
        issues.append(ValidationIssue("reason", "validation.required"))
    elif len(reason) > 500:
        issues.append(ValidationIssue("reason", "validation.text_too_long",
                                      {"maximum": 500, "length": len(reason)}))
    if issues:
        raise ValidationError(issues)
    person_for(store.conn, user, row.item.person_id)
    until = None if outcome == MOVED_AWAY else (today + timedelta(days=SNOOZE_DAYS)).isoformat()
    with store.transaction(user.id) as tx:
        event = tx.save("worklist_outcomes", {
            "person_id": row.item.person_id, "item": row.key, "outcome": outcome,
            "reason": reason.strip(), "recorded_on": today.isoformat(),
            "ref_id": row.item.ref_id, "until": until})
    return saved({"worklist_outcomes"}, (event["id"],))


# Imported here so that loading the worklist registers the stored items' refresher with
# the write path (after this module's names exist: worklist_due imports the providers).
from desktop.services import worklist_due  # noqa: E402, F401
