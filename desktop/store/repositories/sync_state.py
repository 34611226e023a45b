"""The store's side of sync (design §5): enrollment, cursor, outbox batches, pulled pages,
conflicts and per-record sync errors.

This module knows nothing of the wire format or the merge rules (desktop/sync): callers pass
plain dataclasses in and, for pulled pages, a `merge` callable that decides each row inside
the same transaction that writes it (search keys too, when the store has them), so a save made meanwhile on another connection can
never be overwritten by a decision taken on a stale read.

Every function that writes runs exactly one transaction (BEGIN IMMEDIATE … COMMIT) on the
connection it is given and appends its audit entries in it. Pulled rows are written directly,
never through Transaction.save, so they are not queued to the outbox again (no echo).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import Any

import sqlcipher3

from desktop.domain import hlc
from desktop.errors import AppError
from desktop.store import audit
from desktop.store.audit import AuditEntry
from desktop.store.connection import rollback_if_open
from desktop.store.errors import mapped_db_errors
from desktop.store.records import utc_now_iso
from desktop.store.schema import EVENT, SYSTEM_COLUMNS, TABLES, spec
from desktop.store.writer import read_meta, table_columns, write_meta

PARKED = "!parked"  # outbox.batch_id of a change central refused: kept, listed, not resent
MAX_SEEN_KEY = "hlc_max_seen"  # the largest HLC ever heard from central (wrong-clock check)
AUTO_SYNC_KEY = "auto_sync"
AUTO_SYNC_MINUTES_KEY = "auto_sync_minutes"


# -- plain data crossing the layer boundary ----------------------------------------------


@dataclass(frozen=True)
class Enrollment:
    endpoint: str | None
    device_id: str | None
    token: str | None
    areas: tuple[str, ...]
    enrolled_at: str | None
    cursor: int
    last_result: dict[str, Any] | None

    @property
    def enrolled(self) -> bool:
        return bool(self.endpoint and self.token and self.device_id)


@dataclass(frozen=True)
class OutboxChange:
    seq: int
    table: str
    id: str
    rev: str
    fields: dict[str, Any]
    deleted: bool
    urgent: bool


@dataclass(frozen=True)
class OutboxBatch:
    batch_id: str
    base_cursor: int
    changes: tuple[OutboxChange, ...]
    attempts: int  # sends before this one (a retry after a crash has attempts > 0)


@dataclass(frozen=True)
class PulledChange:
    table: str
    id: str
    rev: str
    fields: dict[str, Any]
    deleted: bool
    origin: str | None


@dataclass(frozen=True)
class LocalRow:
    """What this laptop holds of a row, as the merge needs it."""

    fields: dict[str, Any]
    field_revs: dict[str, str]
    deleted: bool
    rev: str
    pending_fields: frozenset[str]  # fields with a local change central has not acknowledged


@dataclass(frozen=True)
class RowMerge:
    """The merge's decision for one pulled change: the row's new state and what to record."""

    fields: dict[str, Any]
    field_revs: dict[str, str]
    deleted: bool
    rev: str
    changed_fields: tuple[str, ...]
    deleted_changed: bool
    conflicts: tuple[dict[str, Any], ...] = ()  # ConflictRecord-shaped dicts


@dataclass(frozen=True)
class PageResult:
    applied: int
    conflicts: int
    errors: int


@dataclass(frozen=True)
class ConflictRecord:
    id: int
    table: str
    row_id: str
    field: str
    local_value: Any
    local_rev: str
    remote_value: Any
    remote_rev: str
    source: str
    detected_at: str
    resolved_at: str | None = None
    resolution: str | None = None
    resolved_by: str | None = None


@dataclass(frozen=True)
class SyncErrorRecord:
    id: int
    table: str
    row_id: str
    direction: str  # "push" (central refused our change) or "pull" (we could not apply)
    code: str
    at: str
    change: dict[str, Any] | None = field(default=None, repr=False)


Merge = Callable[[str, PulledChange, LocalRow | None], RowMerge]
Inspect = Callable[[OutboxChange], int]


# -- transactions -----------------------------------------------------------------------


@contextmanager
def _write(conn: sqlcipher3.Connection) -> Iterator[list[AuditEntry]]:
    """One write transaction; the audit entries the block appends to the list commit with it."""
    entries: list[AuditEntry] = []
    with mapped_db_errors():
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield entries
            if entries:
                audit.append(conn, entries)
            conn.execute("COMMIT")
        except BaseException:
            rollback_if_open(conn)
            raise


def _entry(user_id: str | None, action: str, table: str | None = None,
           row_id: str | None = None, rev: str | None = None,
           detail: str | None = None) -> AuditEntry:
    return AuditEntry(utc_now_iso(), user_id, action, table, row_id, rev, detail)


# -- enrollment and settings --------------------------------------------------------------


def enrollment(conn: sqlcipher3.Connection) -> Enrollment:
    with mapped_db_errors():
        r = conn.execute("SELECT endpoint, device_id, token, areas, enrolled_at, cursor,"
                         " last_result FROM sync_state WHERE id = 1").fetchone()
    return Enrollment(r[0], r[1], r[2], tuple(json.loads(r[3] or "[]")), r[4], int(r[5]),
                      json.loads(r[6]) if r[6] else None)


def save_enrollment(conn: sqlcipher3.Connection, user_id: str | None, endpoint: str,
                    device_id: str, token: str, areas: Iterable[str], server_rev: str,
                    now_ms: int, local_device: str) -> None:
    """Store what central answered to an enrollment; a new endpoint starts from cursor 0.

    The token is stored only here, inside the encrypted file; the audit entry names the
    endpoint and device, never the token.
    """
    with _write(conn) as entries:
        old = conn.execute("SELECT endpoint FROM sync_state WHERE id = 1").fetchone()[0]
        conn.execute("UPDATE sync_state SET endpoint = ?, device_id = ?, token = ?, areas = ?,"
                     " enrolled_at = ?, cursor = CASE WHEN endpoint IS ? THEN cursor ELSE 0 END"
                     " WHERE id = 1",
                     (endpoint, device_id, token, json.dumps(list(areas)), utc_now_iso(),
                      old if old == endpoint else None))
        _receive_clock(conn, server_rev, now_ms, local_device)
        entries.append(_entry(user_id, "sync_enroll", detail=f"{endpoint} device={device_id}"))


def _receive_clock(conn: sqlcipher3.Connection, remote_text: str, now_ms: int,
                   device: str) -> None:
    """Merge central's HLC into ours and remember the largest one heard.

    No 24 h clamp here, on purpose: central's clock is itself clamped against devices that
    run ahead, and clamping it against this laptop's wall clock would undo design §4 for a
    laptop set years behind (its later edits would sort before older ones).
    """
    remote = hlc.parse(remote_text)
    last = read_meta(conn, "hlc")
    local = hlc.parse(last) if last else hlc.ZERO
    write_meta(conn, "hlc", str(hlc.receive(local, remote, now_ms, device)))
    seen = read_meta(conn, MAX_SEEN_KEY)
    if not seen or remote_text > seen:
        write_meta(conn, MAX_SEEN_KEY, remote_text)


def receive_clock(conn: sqlcipher3.Connection, remote_text: str, now_ms: int,
                  device: str) -> None:
    """_receive_clock in a transaction of its own (answers that write nothing else)."""
    with _write(conn):
        _receive_clock(conn, remote_text, now_ms, device)


def save_result(conn: sqlcipher3.Connection, result: dict[str, Any], success: bool) -> None:
    """The outcome of the last sync for the Sync page; a success also stamps last_sync_at."""
    with _write(conn):
        conn.execute("UPDATE sync_state SET last_result = ? WHERE id = 1",
                     (json.dumps(result, ensure_ascii=False),))
        if success:
            write_meta(conn, "last_sync_at", result.get("at") or utc_now_iso())


# -- push ---------------------------------------------------------------------------------


def pending_count(conn: sqlcipher3.Connection) -> int:
    """Changes still to send (parked ones, which central refused, not counted)."""
    with mapped_db_errors():
        return int(conn.execute("SELECT count(*) FROM outbox WHERE batch_id IS NULL"
                                " OR batch_id != ?", (PARKED,)).fetchone()[0])


def _change(r: tuple) -> OutboxChange:
    return OutboxChange(int(r[0]), r[1], r[2], r[3], json.loads(r[4]), bool(r[5]), bool(r[6]))


_OUTBOX_COLS = "seq, table_name, row_id, rev, fields, deleted, urgent"


def next_batch(conn: sqlcipher3.Connection, new_batch_id: str, inspect: Inspect,
               max_changes: int, max_bytes: int, resume: bool = True) -> OutboxBatch | None:
    """The batch to send next, stamped in the outbox before it is sent; None when none is left.

    A batch stamped earlier and not yet acknowledged (a crash, a dropped answer) comes first,
    with its own id. Otherwise up to *max_changes* changes whose `inspect` costs add up to at
    most *max_bytes* are stamped with *new_batch_id*, urgent ones first (oldest first within
    each), together with the pending person rows those urgent rows refer to, so that central
    can place them in an area. `inspect` returns a change's encoded size in bytes or raises
    an AppError for a change that can never be sent: that change is parked with a sync error
    (kept in the outbox, listed for a person) instead of blocking the rest. Reads at most
    about *max_changes* rows, whatever the length of the outbox. With *resume* False the
    batches stamped earlier are left alone (a bundle export takes them with held_batches).
    """
    with _write(conn) as entries:
        old = conn.execute("SELECT batch_id, base_cursor, attempts FROM sync_batches"
                           " ORDER BY rowid LIMIT 1").fetchone() if resume else None
        if old is not None:
            rows = conn.execute(f"SELECT {_OUTBOX_COLS} FROM outbox WHERE batch_id = ?"
                                " ORDER BY seq", (old[0],)).fetchall()
            if rows:
                conn.execute("UPDATE sync_batches SET attempts = attempts + 1,"
                             " last_attempt_at = ? WHERE batch_id = ?", (utc_now_iso(), old[0]))
                return OutboxBatch(old[0], int(old[1]), _as_held(conn, map(_change, rows)),
                                   int(old[2]))
            conn.execute("DELETE FROM sync_batches WHERE batch_id = ?", (old[0],))
        cursor = int(conn.execute("SELECT cursor FROM sync_state WHERE id = 1").fetchone()[0])
        chosen: list[OutboxChange] = []
        size = 0
        taken: set[int] = set()

        def take(change: OutboxChange) -> bool:
            nonlocal size
            if change.seq in taken:
                return True
            try:
                cost = inspect(change)
            except AppError as exc:
                _park(conn, change, exc.code, entries)
                taken.add(change.seq)
                return True
            if cost > max_bytes:
                _park(conn, change, "sync.record_too_large", entries)
                taken.add(change.seq)
                return True
            if len(chosen) >= max_changes or size + cost > max_bytes:
                return False
            chosen.append(change)
            taken.add(change.seq)
            size += cost
            return True

        candidates = conn.execute(
            f"SELECT {_OUTBOX_COLS} FROM outbox WHERE batch_id IS NULL"
            " ORDER BY urgent DESC, seq LIMIT ?", (max_changes,)).fetchall()
        for r in candidates:
            change = _change(r)
            if change.urgent:
                if not _take_with_parents(conn, change, take):
                    break
            elif not take(change):
                break
        if not chosen:
            return None
        conn.executemany("UPDATE outbox SET batch_id = ? WHERE seq = ?",
                         [(new_batch_id, c.seq) for c in chosen])
        conn.execute("INSERT INTO sync_batches(batch_id, base_cursor, changes, created_at,"
                     " attempts, last_attempt_at) VALUES (?,?,?,?,1,?)",
                     (new_batch_id, cursor, len(chosen), utc_now_iso(), utc_now_iso()))
        chosen.sort(key=lambda c: c.seq)
        return OutboxBatch(new_batch_id, cursor, _as_held(conn, chosen), 0)


def held_batches(conn: sqlcipher3.Connection) -> list[OutboxBatch]:
    """Every batch stamped earlier and not yet acknowledged, oldest first, with its own id
    and base cursor (a bundle carries them exactly as an online retry would send them).
    Stamps left without outbox rows are dropped on the way."""
    out: list[OutboxBatch] = []
    with _write(conn):
        for batch_id, base, attempts in conn.execute(
                "SELECT batch_id, base_cursor, attempts FROM sync_batches ORDER BY rowid"
                ).fetchall():
            rows = conn.execute(f"SELECT {_OUTBOX_COLS} FROM outbox WHERE batch_id = ?"
                                " ORDER BY seq", (batch_id,)).fetchall()
            if not rows:
                conn.execute("DELETE FROM sync_batches WHERE batch_id = ?", (batch_id,))
                continue
            out.append(OutboxBatch(batch_id, int(base), _as_held(conn, map(_change, rows)),
                                   int(attempts)))
    return out


def held_batch_ids(conn: sqlcipher3.Connection) -> set[str]:
    """Ids of the batches stamped and not yet acknowledged (answers for others are old)."""
    with mapped_db_errors():
        return {r[0] for r in conn.execute("SELECT batch_id FROM sync_batches")}


def note(conn: sqlcipher3.Connection, user_id: str | None, action: str, detail: str) -> None:
    """An audit entry of its own (e.g. a bundle written to a USB stick: which batches left)."""
    with _write(conn) as entries:
        entries.append(_entry(user_id, action, detail=detail))


def _as_held(conn: sqlcipher3.Connection, changes: Iterable[OutboxChange]
             ) -> tuple[OutboxChange, ...]:
    """The changes as this laptop holds their rows: an edit saved on a tombstoned row leaves
    it deleted here (the write path does not revive it), so it travels as deleted too;
    otherwise the merge would revive it everywhere else and the sides would differ."""
    out = []
    for c in changes:
        if not c.deleted:
            r = conn.execute(f"SELECT deleted FROM {c.table} WHERE id = ?", (c.id,)).fetchone()
            if r is not None and r[0]:
                c = replace(c, deleted=True)
        out.append(c)
    return tuple(out)


def _take_with_parents(conn: sqlcipher3.Connection, change: OutboxChange,
                       take: Callable[[OutboxChange], bool]) -> bool:
    person_id = change.fields.get("person_id")
    if isinstance(person_id, str) and change.table != "persons":
        parents = [_change(r) for r in conn.execute(
            f"SELECT {_OUTBOX_COLS} FROM outbox WHERE table_name = 'persons' AND row_id = ?"
            " AND batch_id IS NULL ORDER BY seq", (person_id,))]
        for parent in parents:
            if not take(parent):
                # The parents do not fit with what is chosen: the urgent row waits for the
                # next batch rather than go without them (central could not place it).
                return False
    return take(change)


def _park(conn: sqlcipher3.Connection, change: OutboxChange, code: str,
          entries: list[AuditEntry]) -> None:
    conn.execute("UPDATE outbox SET batch_id = ? WHERE seq = ?", (PARKED, change.seq))
    conn.execute("INSERT INTO sync_errors(table_name, row_id, direction, code, outbox_seq, at)"
                 " VALUES (?,?,?,?,?,?)",
                 (change.table, change.id, "push", code, change.seq, utc_now_iso()))
    entries.append(_entry(None, "sync_park", change.table, change.id, change.rev, code))


def park_batch_change(conn: sqlcipher3.Connection, batch_id: str, code: str) -> None:
    """Central refused a one-change batch: park that change with *code* (a sync error)."""
    with _write(conn) as entries:
        for r in conn.execute(f"SELECT {_OUTBOX_COLS} FROM outbox WHERE batch_id = ?",
                              (batch_id,)).fetchall():
            _park(conn, _change(r), code, entries)
        conn.execute("DELETE FROM sync_batches WHERE batch_id = ?", (batch_id,))


def unstamp(conn: sqlcipher3.Connection, batch_id: str) -> int:
    """Give a refused batch's changes back to the outbox (central applied none of them:
    batches are whole or nothing, and a refused one leaves no stored answer). Returns how many."""
    with _write(conn):
        n = conn.execute("UPDATE outbox SET batch_id = NULL WHERE batch_id = ?",
                         (batch_id,)).rowcount
        conn.execute("DELETE FROM sync_batches WHERE batch_id = ?", (batch_id,))
    return int(n)


def acknowledge(conn: sqlcipher3.Connection, user_id: str | None, batch_id: str,
                conflicts: Iterable[dict[str, Any]], clamps: Iterable[tuple[str, str, str, str]],
                server_rev: str, now_ms: int, device: str) -> int:
    """Central took batch *batch_id*: drop its outbox rows, keep the conflicts it reported,
    adopt the revs it clamped (table, id, rev, stored_rev) so both sides order the same way,
    and merge its clock; one transaction. Returns the changes acknowledged (0 if done before).
    """
    with _write(conn) as entries:
        n = conn.execute("DELETE FROM outbox WHERE batch_id = ?", (batch_id,)).rowcount
        conn.execute("DELETE FROM sync_batches WHERE batch_id = ?", (batch_id,))
        for table, row_id, rev, stored in clamps:
            _adopt_rev(conn, table, row_id, rev, stored)
        found = _add_conflicts(conn, conflicts, "push")
        _receive_clock(conn, server_rev, now_ms, device)
        entries.append(_entry(user_id, "sync_push", detail=f"batch {batch_id}: {n} changes,"
                                                          f" {found} conflicts"))
    return int(n)


def _adopt_rev(conn: sqlcipher3.Connection, table: str, row_id: str, rev: str,
               stored: str) -> None:
    if table not in TABLES:
        return
    r = conn.execute(f"SELECT rev, {'field_revs' if spec(table).kind != EVENT else 'NULL'}"
                     f" FROM {table} WHERE id = ?", (row_id,)).fetchone()
    if r is None:
        return
    if r[1] is not None:
        revs = {k: (stored if v == rev else v) for k, v in json.loads(r[1] or "{}").items()}
        conn.execute(f"UPDATE {table} SET field_revs = ? WHERE id = ?",
                     (json.dumps(revs, sort_keys=True), row_id))
    if r[0] == rev:
        conn.execute(f"UPDATE {table} SET rev = ? WHERE id = ?", (stored, row_id))


def _add_conflicts(conn: sqlcipher3.Connection, conflicts: Iterable[dict[str, Any]],
                   source: str) -> int:
    rows = [(c["table"], c["id"], c["field"], json.dumps(c["local_value"], ensure_ascii=False),
             c["local_rev"], json.dumps(c["remote_value"], ensure_ascii=False), c["remote_rev"],
             source, utc_now_iso()) for c in conflicts]
    before = conn.total_changes
    conn.executemany("INSERT OR IGNORE INTO conflicts(table_name, row_id, field, local_value,"
                     " local_rev, remote_value, remote_rev, source, detected_at)"
                     " VALUES (?,?,?,?,?,?,?,?,?)", rows)
    return conn.total_changes - before


# -- pull ---------------------------------------------------------------------------------


def _local_row(conn: sqlcipher3.Connection, table: str, row_id: str) -> LocalRow | None:
    cur = conn.execute(f"SELECT * FROM {table} WHERE id = ?", (row_id,))
    r = cur.fetchone()
    if r is None:
        return None
    row = {d[0]: v for d, v in zip(cur.description, r, strict=True)}
    if spec(table).kind == EVENT:
        fields = {k: v for k, v in row.items()
                  if k not in SYSTEM_COLUMNS and v is not None}
        revs = dict.fromkeys(fields, row["rev"])
    else:
        revs = json.loads(row["field_revs"] or "{}")
        fields = {k: row.get(k) for k in revs}
    pending: set[str] = set()
    for (text,) in conn.execute("SELECT fields FROM outbox WHERE table_name = ? AND row_id = ?"
                                " AND (batch_id IS NULL OR batch_id != ?)",
                                (table, row_id, PARKED)):
        pending.update(json.loads(text))
    return LocalRow(fields, revs, bool(row["deleted"]), row["rev"], frozenset(pending))


def _apply_one(conn: sqlcipher3.Connection, user_id: str | None, change: PulledChange,
               merge: Merge, columns: dict[str, frozenset[str]], entries: list[AuditEntry],
               keyed: set[str] | None = None) -> tuple[bool, int, str | None]:
    """(applied, conflicts kept, error code) for one pulled change."""
    if change.table not in TABLES:
        return False, 0, "sync.unknown_table"
    cols = table_columns(conn, change.table, columns)
    unknown = [k for k in change.fields if k not in cols or k in SYSTEM_COLUMNS]
    if unknown:
        # Written by a newer program: nothing of it is applied rather than half of it.
        return False, 0, "sync.unknown_field"
    kind = spec(change.table).kind
    local = _local_row(conn, change.table, change.id)
    decision = merge(kind, change, local)
    found = _add_conflicts(conn, decision.conflicts, "pull")
    if local is not None and not (decision.changed_fields or decision.deleted_changed
                                  or decision.rev != local.rev):
        return True, found, None
    values = {k: decision.fields[k] for k in decision.changed_fields}
    try:
        if local is None:
            row: dict[str, Any] = dict(values, id=change.id, rev=decision.rev,
                                       origin=change.origin or "central",
                                       deleted=int(decision.deleted), updated_by=None)
            if kind != EVENT:
                row["field_revs"] = json.dumps(decision.field_revs, sort_keys=True)
            conn.execute(f"INSERT INTO {change.table} ({', '.join(row)})"
                         f" VALUES ({', '.join('?' for _ in row)})", list(row.values()))
        else:
            sets = dict(values, rev=decision.rev, deleted=int(decision.deleted))
            if kind != EVENT:
                sets["field_revs"] = json.dumps(decision.field_revs, sort_keys=True)
            conn.execute(f"UPDATE {change.table} SET {', '.join(f'{k} = ?' for k in sets)}"
                         " WHERE id = ?", [*sets.values(), change.id])
    except sqlcipher3.IntegrityError:
        # e.g. a partial change for a row whose first version has not arrived: kept as a
        # sync error with the change itself, and tried again after later pulls.
        return False, found, "sync.apply_failed"
    if keyed is not None:
        person = _keyed_person(change, decision)
        if person is not None:
            keyed.add(person)
    entries.append(_entry(user_id, "sync_apply", change.table, change.id, change.rev,
                          ",".join(sorted(values)) + (",deleted" if decision.deleted_changed
                                                      else "")))
    return True, found, None


def _keyed_person(change: PulledChange, decision: RowMerge) -> str | None:
    """The person whose search keys this applied change may alter (None: nobody's)."""
    if change.table == "persons":
        return change.id
    if change.table == "pregnancies":
        person = decision.fields.get("person_id")
        return person if isinstance(person, str) else None
    return None


def _refresh_search_keys(conn: sqlcipher3.Connection, person_ids: set[str]) -> None:
    # The search-key index is optional here: stores and builds without it sync all the same.
    try:
        from desktop.store.repositories import search_index
    except ImportError:
        return
    if person_ids and search_index.has_index(conn):
        search_index.refresh(conn, person_ids)


def _pull_error(conn: sqlcipher3.Connection, change: PulledChange, code: str) -> None:
    conn.execute("INSERT INTO sync_errors(table_name, row_id, direction, code, change, at)"
                 " VALUES (?,?,?,?,?,?)",
                 (change.table, change.id, "pull", code,
                  json.dumps({"table": change.table, "id": change.id, "rev": change.rev,
                              "fields": change.fields, "deleted": change.deleted,
                              "origin": change.origin}, ensure_ascii=False), utc_now_iso()))


def apply_page(conn: sqlcipher3.Connection, user_id: str | None,
               changes: Iterable[PulledChange], merge: Merge, next_cursor: int,
               server_rev: str, now_ms: int, device: str,
               columns: dict[str, frozenset[str]] | None = None) -> PageResult:
    """Apply one pulled page and store *next_cursor* with it, in ONE transaction.

    Each row is merged by *merge* (called inside the transaction with the local state);
    conflicts it returns are kept; a change that cannot be applied is kept as a per-record
    sync error (with the change, to be retried) instead of stopping the page. Nothing is
    queued to the outbox. Central's clock (*server_rev*) is merged into ours.
    """
    columns = {} if columns is None else columns
    applied = conflicts = errors = 0
    keyed: set[str] = set()
    with _write(conn) as entries:
        for change in changes:
            ok, found, code = _apply_one(conn, user_id, change, merge, columns, entries, keyed)
            applied += ok
            conflicts += found
            if code is not None:
                errors += 1
                _pull_error(conn, change, code)
        _refresh_search_keys(conn, keyed)
        conn.execute("UPDATE sync_state SET cursor = ? WHERE id = 1", (next_cursor,))
        _receive_clock(conn, server_rev, now_ms, device)
        entries.append(_entry(user_id, "sync_pull", detail=f"cursor {next_cursor}:"
                              f" {applied} applied, {conflicts} conflicts, {errors} errors"))
    return PageResult(applied, conflicts, errors)


def retry_parked_pulls(conn: sqlcipher3.Connection, user_id: str | None, merge: Merge,
                       limit: int = 1000) -> int:
    """Try again the pulled changes kept as sync errors; returns how many now applied."""
    done = 0
    keyed: set[str] = set()
    with _write(conn) as entries:
        rows = conn.execute("SELECT id, change FROM sync_errors WHERE direction = 'pull'"
                            " AND resolved_at IS NULL AND change IS NOT NULL ORDER BY id"
                            " LIMIT ?", (limit,)).fetchall()
        for error_id, text in rows:
            c = json.loads(text)
            change = PulledChange(c["table"], c["id"], c["rev"], c["fields"], c["deleted"],
                                  c.get("origin"))
            ok, _found, _code = _apply_one(conn, user_id, change, merge, {}, entries, keyed)
            if ok:
                conn.execute("UPDATE sync_errors SET resolved_at = ? WHERE id = ?",
                             (utc_now_iso(), error_id))
                done += 1
        _refresh_search_keys(conn, keyed)
    return done


# -- conflicts and errors -----------------------------------------------------------------


def _conflict(r: tuple) -> ConflictRecord:
    return ConflictRecord(int(r[0]), r[1], r[2], r[3], json.loads(r[4]), r[5],
                          json.loads(r[6]), r[7], r[8], r[9], r[10], r[11], r[12])


_CONFLICT_COLS = ("id, table_name, row_id, field, local_value, local_rev, remote_value,"
                  " remote_rev, source, detected_at, resolved_at, resolution, resolved_by")


def open_conflicts(conn: sqlcipher3.Connection, limit: int = 500) -> list[ConflictRecord]:
    with mapped_db_errors():
        return [_conflict(r) for r in conn.execute(
            f"SELECT {_CONFLICT_COLS} FROM conflicts WHERE resolved_at IS NULL"
            " ORDER BY detected_at, id LIMIT ?", (limit,))]


def conflict(conn: sqlcipher3.Connection, conflict_id: int) -> ConflictRecord | None:
    with mapped_db_errors():
        r = conn.execute(f"SELECT {_CONFLICT_COLS} FROM conflicts WHERE id = ?",
                         (conflict_id,)).fetchone()
    return _conflict(r) if r else None


def count_open_conflicts(conn: sqlcipher3.Connection) -> int:
    with mapped_db_errors():
        return int(conn.execute("SELECT count(*) FROM conflicts WHERE resolved_at IS NULL"
                                ).fetchone()[0])


def mark_resolved(conn: sqlcipher3.Connection, record: ConflictRecord, resolution: str,
                  user_id: str | None) -> int:
    """Mark every open conflict of the same field resolved; call inside the transaction that
    writes the chosen value (Transaction.conn). Returns how many were closed."""
    return int(conn.execute(
        "UPDATE conflicts SET resolved_at = ?, resolution = ?, resolved_by = ?"
        " WHERE table_name = ? AND row_id = ? AND field = ? AND resolved_at IS NULL",
        (utc_now_iso(), resolution, user_id, record.table, record.row_id, record.field)
    ).rowcount)


def open_errors(conn: sqlcipher3.Connection, limit: int = 500) -> list[SyncErrorRecord]:
    with mapped_db_errors():
        return [SyncErrorRecord(int(r[0]), r[1], r[2], r[3], r[4], r[5],
                                json.loads(r[6]) if r[6] else None)
                for r in conn.execute(
                    "SELECT id, table_name, row_id, direction, code, at, change FROM sync_errors"
                    " WHERE resolved_at IS NULL ORDER BY at, id LIMIT ?", (limit,))]


def retry_pushes(conn: sqlcipher3.Connection, user_id: str | None) -> int:
    """Put parked changes back in the outbox (after the cause was fixed at central)."""
    with _write(conn) as entries:
        n = conn.execute("UPDATE outbox SET batch_id = NULL WHERE batch_id = ?",
                         (PARKED,)).rowcount
        conn.execute("UPDATE sync_errors SET resolved_at = ? WHERE direction = 'push'"
                     " AND resolved_at IS NULL", (utc_now_iso(),))
        entries.append(_entry(user_id, "sync_retry", detail=f"{n} changes"))
    return int(n)
