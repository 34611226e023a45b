"""The conflict inbox and per-record sync errors (design §5): both values of a field that two
sides changed since they last agreed, for a person to choose; nothing is dropped silently.

Choosing writes the chosen value through the one write path as a new local change (so it
syncs and wins everywhere, having the newest rev), marks the field's open conflicts resolved
and audits the choice, all in one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from desktop.services.sync_service import ConflictGoneError
from desktop.store.repositories import sync_state as repo
from desktop.store.schema import EVENT, spec

CHOICES = ("local", "remote")


@dataclass(frozen=True)
class ConflictView:
    id: int
    table: str
    row_id: str
    field: str
    record_label: str  # the person's name, so the user knows whose record this is
    local_value: Any
    remote_value: Any
    current_value: Any  # what the record holds now (the value with the larger rev)
    local_rev: str
    remote_rev: str
    detected_at: str


@dataclass(frozen=True)
class SyncErrorView:
    id: int
    table: str
    row_id: str
    direction: str
    code: str
    at: str
    record_label: str


def _label(conn: Any, table: str, row_id: str) -> str:
    person_id = row_id
    if table != "persons":
        r = conn.execute(f"SELECT person_id FROM {table} WHERE id = ?", (row_id,)).fetchone()
        person_id = r[0] if r else None
    if person_id is None:
        return ""
    r = conn.execute("SELECT coalesce(name_zh, name_mn, name_latin, '') FROM persons"
                     " WHERE id = ?", (person_id,)).fetchone()
    return r[0] if r else ""


def _current(conn: Any, table: str, row_id: str, field: str) -> Any:
    try:
        r = conn.execute(f"SELECT {field} FROM {table} WHERE id = ?", (row_id,)).fetchone()
    except Exception:  # noqa: BLE001 - a field this version does not have
        return None
    return r[0] if r else None


def list_conflicts(session: Any, limit: int = 500) -> list[ConflictView]:
    """Open conflicts, oldest first, with both values and the current one (own connection)."""
    conn = session.store.connect()
    try:
        return [ConflictView(c.id, c.table, c.row_id, c.field, _label(conn, c.table, c.row_id),
                             c.local_value, c.remote_value,
                             _current(conn, c.table, c.row_id, c.field), c.local_rev,
                             c.remote_rev, c.detected_at)
                for c in repo.open_conflicts(conn, limit)]
    finally:
        conn.close()


def resolve(session: Any, conflict_id: int, choice: str) -> dict[str, Any]:
    """Keep the *choice* ("local" or "remote") value of conflict *conflict_id*.

    Mutable records get the value written as a new change (it syncs); an event's conflict
    (the same event arriving with different contents) is marked reviewed, since events are
    never edited. Returns {table, id, field, changed}.
    """
    if choice not in CHOICES:
        raise ValueError(choice)
    store = session.store
    with session._lock:
        record = repo.conflict(store.conn, conflict_id)
        if record is None or record.resolved_at is not None:
            raise ConflictGoneError(str(conflict_id))
        value = record.local_value if choice == "local" else record.remote_value
        changed = False
        with store.transaction(session.user.id) as tx:
            if spec(record.table).kind != EVENT:
                saved = tx.save(record.table, {record.field: value}, id=record.row_id)
                changed = bool(saved["changed"])
            repo.mark_resolved(tx.conn, record, choice, session.user.id)
            tx.note("conflict_resolve", record.table, record.row_id,
                    f"{record.field}:{choice}")
    return {"table": record.table, "id": record.row_id, "field": record.field,
            "changed": changed}


def list_errors(session: Any, limit: int = 500) -> list[SyncErrorView]:
    conn = session.store.connect()
    try:
        return [SyncErrorView(e.id, e.table, e.row_id, e.direction, e.code, e.at,
                              _label(conn, e.table, e.row_id))
                for e in repo.open_errors(conn, limit)]
    finally:
        conn.close()


def retry_errors(session: Any) -> int:
    """Send refused changes again at the next sync (after central's cause was fixed)."""
    with session._lock:
        return repo.retry_pushes(session.store.conn, session.user.id)
