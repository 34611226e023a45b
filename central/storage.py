"""Central's storage: the `Storage` interface and its SQLite implementation.

The sync logic (central/batches.py) talks only to `Storage` and `BatchTx`, never to SQL;
central/pg_storage.py implements the same two interfaces on PostgreSQL. What both keep:

- a batch transaction is all-or-nothing and serialised against other batch transactions
  (SQLite: BEGIN IMMEDIATE; PostgreSQL: a transaction-level advisory lock), so that server
  sequences become visible in increasing order and a reader never skips a sequence that
  commits later;
- `read_changes` reads the page and the highest sequence in one snapshot;
- batch ids and (table, row id, rev) of every change are unique keys kept for ever.

SQLite runs in WAL mode with synchronous=FULL: a power cut never loses an answered batch.
Every call opens its own short-lived connection, so uvicorn's worker threads never share one.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from central.errors import StorageError
from desktop.sync.merge import RowState
from desktop.sync.protocol import SYNCED_TABLES, area_prefix

DEFAULT_DB_FILE = "eke-central.sqlite3"
DB_ENV = "EKE_CENTRAL_DB"


@dataclass(frozen=True)
class Device:
    id: str
    name: str
    areas: tuple[str, ...]
    enrolled_at: str
    revoked_at: str | None = None


@dataclass(frozen=True)
class StoredRow:
    """Central's merged state of one row, with the area it belongs to for scoping.

    `field_src` maps a field to (server sequence, device id) of the change that set its
    current value: what a pushing device had or had not seen (design §5 conflicts).
    """

    table: str
    id: str
    area: str | None
    person_id: str | None
    state: RowState
    field_src: dict[str, tuple[int, str]]
    seq: int


@dataclass(frozen=True)
class LoggedChange:
    """One accepted change as others will pull it; `rev` is the rev as sent."""

    table: str
    id: str
    rev: str
    stored_rev: str
    fields: dict[str, Any]
    deleted: bool
    device_id: str
    batch_id: str
    area: str | None
    flagged: bool
    seq: int = 0


class BatchTx(Protocol):
    """What applying one batch needs, inside one all-or-nothing transaction."""

    def stored_answer(self, batch_id: str) -> tuple[str, str] | None:
        """(device id, answer JSON) of a batch seen before, or None."""

    def clock(self) -> str | None: ...
    def set_clock(self, rev: str) -> None: ...
    def row(self, table: str, row_id: str) -> StoredRow | None: ...
    def put_row(self, row: StoredRow) -> None: ...
    def has_change(self, table: str, row_id: str, rev: str) -> bool: ...
    def log_change(self, change: LoggedChange) -> int:
        """Append *change* and return its server sequence (larger than any before)."""

    def set_change_area(self, seq: int, area: str | None) -> None: ...
    def add_conflicts(self, batch_id: str, conflicts: Sequence[dict[str, Any]]) -> None: ...
    def save_answer(self, batch_id: str, device_id: str, answer: str, at: str, seq: int
                    ) -> None: ...
    def max_seq(self) -> int: ...


class Storage(Protocol):
    def init(self) -> None: ...
    def add_code(self, code_hash: str, areas: Sequence[str], at: str) -> None: ...
    def enroll(self, code_hash: str, device: Device, token_hash: str, sealed_bundle_key: str
               ) -> Device | None:
        """Use the code and add *device* with the code's areas; None if unknown or used."""

    def device_exists(self, device_id: str) -> bool: ...
    def device(self, device_id: str) -> Device | None: ...
    def sealed_bundle_key(self, device_id: str) -> str | None:
        """The device's bundle key as stored (sealed under central's key file), or None."""

    def answers_since(self, device_id: str, since: int) -> list[str]:
        """Answer JSON of the device's batches taken at server sequence >= *since*."""

    def device_by_token(self, token_hash: str) -> Device | None: ...
    def list_devices(self) -> list[Device]: ...
    def revoke_device(self, device_id: str, at: str) -> bool: ...
    def batch_transaction(self) -> Any: ...
    def read_changes(self, since: int, limit: int, max_bytes: int, exclude_device: str,
                     scope: Sequence[str]) -> tuple[list[LoggedChange], int, bool]:
        """Others' changes after *since* in *scope*; (changes, next cursor, more)."""

    def clock(self) -> str | None: ...
    def live_rows(self) -> dict[str, int]: ...
    def close(self) -> None: ...


_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS enrollment_codes (code_hash TEXT PRIMARY KEY, areas TEXT NOT NULL,
    issued_at TEXT NOT NULL, used_at TEXT, device_id TEXT);
CREATE TABLE IF NOT EXISTS devices (id TEXT PRIMARY KEY, name TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE, areas TEXT NOT NULL, enrolled_at TEXT NOT NULL,
    revoked_at TEXT, bundle_key TEXT);
CREATE TABLE IF NOT EXISTS batches (batch_id TEXT PRIMARY KEY, device_id TEXT NOT NULL,
    answer TEXT NOT NULL, received_at TEXT NOT NULL, seq INTEGER);
CREATE TABLE IF NOT EXISTS changes (seq INTEGER PRIMARY KEY AUTOINCREMENT,
    table_name TEXT NOT NULL, row_id TEXT NOT NULL, rev TEXT NOT NULL, stored_rev TEXT NOT NULL,
    fields TEXT NOT NULL, deleted INTEGER NOT NULL, device_id TEXT NOT NULL,
    batch_id TEXT NOT NULL, area TEXT, flagged INTEGER NOT NULL DEFAULT 0,
    UNIQUE (table_name, row_id, rev));
CREATE TABLE IF NOT EXISTS rows (table_name TEXT NOT NULL, id TEXT NOT NULL, area TEXT,
    person_id TEXT, state TEXT NOT NULL, field_src TEXT NOT NULL, deleted INTEGER NOT NULL,
    seq INTEGER NOT NULL, PRIMARY KEY (table_name, id));
CREATE INDEX IF NOT EXISTS rows_live ON rows(table_name, deleted);
CREATE TABLE IF NOT EXISTS conflicts (n INTEGER PRIMARY KEY, batch_id TEXT NOT NULL,
    detail TEXT NOT NULL);
"""
# Columns added after the first pilot files were made: (table, column, declaration).
_ADDED_COLUMNS = (("devices", "bundle_key", "TEXT"), ("batches", "seq", "INTEGER"))
_LATE_INDEXES = "CREATE INDEX IF NOT EXISTS batches_device ON batches(device_id, seq);"


def _dump(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _state_json(state: RowState) -> str:
    return _dump({"fields": dict(state.fields), "field_revs": dict(state.field_revs),
                  "deleted": state.deleted, "rev": state.rev})


def _state_of(text: str) -> RowState:
    obj = json.loads(text)
    return RowState(obj["fields"], obj["field_revs"], obj["deleted"], obj["rev"])


def _device(r: sqlite3.Row) -> Device:
    return Device(r["id"], r["name"], tuple(json.loads(r["areas"])), r["enrolled_at"],
                  r["revoked_at"])


class SqliteBatchTx:
    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def stored_answer(self, batch_id: str) -> tuple[str, str] | None:
        r = self.conn.execute("SELECT device_id, answer FROM batches WHERE batch_id = ?",
                              (batch_id,)).fetchone()
        return (r[0], r[1]) if r else None

    def clock(self) -> str | None:
        r = self.conn.execute("SELECT value FROM meta WHERE key = 'hlc'").fetchone()
        return r[0] if r else None

    def set_clock(self, rev: str) -> None:
        self.conn.execute("INSERT INTO meta(key, value) VALUES ('hlc', ?) ON CONFLICT(key)"
                          " DO UPDATE SET value = excluded.value", (rev,))

    def row(self, table: str, row_id: str) -> StoredRow | None:
        r = self.conn.execute("SELECT * FROM rows WHERE table_name = ? AND id = ?",
                              (table, row_id)).fetchone()
        if r is None:
            return None
        src = {k: (int(v[0]), str(v[1])) for k, v in json.loads(r["field_src"]).items()}
        return StoredRow(table, row_id, r["area"], r["person_id"], _state_of(r["state"]), src,
                         r["seq"])

    def put_row(self, row: StoredRow) -> None:
        self.conn.execute(
            "INSERT INTO rows(table_name, id, area, person_id, state, field_src, deleted, seq)"
            " VALUES (?,?,?,?,?,?,?,?) ON CONFLICT(table_name, id) DO UPDATE SET"
            " area = excluded.area, person_id = excluded.person_id, state = excluded.state,"
            " field_src = excluded.field_src, deleted = excluded.deleted, seq = excluded.seq",
            (row.table, row.id, row.area, row.person_id, _state_json(row.state),
             _dump({k: list(v) for k, v in row.field_src.items()}), int(row.state.deleted),
             row.seq))

    def has_change(self, table: str, row_id: str, rev: str) -> bool:
        return self.conn.execute(
            "SELECT 1 FROM changes WHERE table_name = ? AND row_id = ? AND rev = ?",
            (table, row_id, rev)).fetchone() is not None

    def log_change(self, change: LoggedChange) -> int:
        cur = self.conn.execute(
            "INSERT INTO changes(table_name, row_id, rev, stored_rev, fields, deleted,"
            " device_id, batch_id, area, flagged) VALUES (?,?,?,?,?,?,?,?,?,?)",
            (change.table, change.id, change.rev, change.stored_rev, _dump(change.fields),
             int(change.deleted), change.device_id, change.batch_id, change.area,
             int(change.flagged)))
        return int(cur.lastrowid or 0)

    def set_change_area(self, seq: int, area: str | None) -> None:
        self.conn.execute("UPDATE changes SET area = ? WHERE seq = ?", (area, seq))

    def add_conflicts(self, batch_id: str, conflicts: Sequence[dict[str, Any]]) -> None:
        self.conn.executemany("INSERT INTO conflicts(batch_id, detail) VALUES (?, ?)",
                              [(batch_id, _dump(c)) for c in conflicts])

    def save_answer(self, batch_id: str, device_id: str, answer: str, at: str, seq: int
                    ) -> None:
        self.conn.execute("INSERT INTO batches(batch_id, device_id, answer, received_at, seq)"
                          " VALUES (?,?,?,?,?)", (batch_id, device_id, answer, at, seq))

    def max_seq(self) -> int:
        return int(self.conn.execute("SELECT coalesce(max(seq), 0) FROM changes").fetchone()[0])


class SqliteStorage:
    """The reference backend: one SQLite file (stdlib sqlite3), WAL, synchronous=FULL."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def _connect(self) -> sqlite3.Connection:
        try:
            conn = sqlite3.connect(self.path, timeout=30, isolation_level=None,
                                   check_same_thread=False)
        except sqlite3.Error as exc:
            raise StorageError(detail=f"cannot open {self.path}: {exc}") from exc
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=FULL")
        conn.execute("PRAGMA foreign_keys=ON")
        return conn

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        with closing(self._connect()) as conn:
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    def init(self) -> None:
        with closing(self._connect()) as conn:
            conn.executescript(_SCHEMA)
            for table, column, decl in _ADDED_COLUMNS:
                have = {r[1] for r in conn.execute(f"PRAGMA table_info({table})")}
                if column not in have:
                    conn.execute(f"ALTER TABLE {table} ADD COLUMN {column} {decl}")
            conn.executescript(_LATE_INDEXES)

    def close(self) -> None:
        """Nothing to release: every call opens and closes its own connection."""

    def add_code(self, code_hash: str, areas: Sequence[str], at: str) -> None:
        with self._write() as conn:
            conn.execute("INSERT INTO enrollment_codes(code_hash, areas, issued_at)"
                         " VALUES (?,?,?)", (code_hash, _dump(list(areas)), at))

    def enroll(self, code_hash: str, device: Device, token_hash: str, sealed_bundle_key: str
               ) -> Device | None:
        with self._write() as conn:
            r = conn.execute("SELECT areas FROM enrollment_codes WHERE code_hash = ?"
                             " AND used_at IS NULL", (code_hash,)).fetchone()
            if r is None:
                return None
            conn.execute("UPDATE enrollment_codes SET used_at = ?, device_id = ?"
                         " WHERE code_hash = ?", (device.enrolled_at, device.id, code_hash))
            areas = tuple(json.loads(r[0]))
            conn.execute("INSERT INTO devices(id, name, token_hash, areas, enrolled_at,"
                         " bundle_key) VALUES (?,?,?,?,?,?)",
                         (device.id, device.name, token_hash, _dump(list(areas)),
                          device.enrolled_at, sealed_bundle_key))
        return Device(device.id, device.name, areas, device.enrolled_at)

    def device(self, device_id: str) -> Device | None:
        with closing(self._connect()) as conn:
            r = conn.execute("SELECT * FROM devices WHERE id = ?", (device_id,)).fetchone()
        return _device(r) if r else None

    def sealed_bundle_key(self, device_id: str) -> str | None:
        with closing(self._connect()) as conn:
            r = conn.execute("SELECT bundle_key FROM devices WHERE id = ?",
                             (device_id,)).fetchone()
        return r[0] if r else None

    def answers_since(self, device_id: str, since: int) -> list[str]:
        with closing(self._connect()) as conn:
            return [r[0] for r in conn.execute(
                "SELECT answer FROM batches WHERE device_id = ? AND seq >= ? ORDER BY seq",
                (device_id, since))]

    def device_exists(self, device_id: str) -> bool:
        with closing(self._connect()) as conn:
            return conn.execute("SELECT 1 FROM devices WHERE id = ?",
                                (device_id,)).fetchone() is not None

    def device_by_token(self, token_hash: str) -> Device | None:
        with closing(self._connect()) as conn:
            r = conn.execute("SELECT * FROM devices WHERE token_hash = ?",
                             (token_hash,)).fetchone()
        return _device(r) if r else None

    def list_devices(self) -> list[Device]:
        with closing(self._connect()) as conn:
            return [_device(r) for r in conn.execute("SELECT * FROM devices ORDER BY enrolled_at")]

    def revoke_device(self, device_id: str, at: str) -> bool:
        with self._write() as conn:
            cur = conn.execute("UPDATE devices SET revoked_at = coalesce(revoked_at, ?)"
                               " WHERE id = ?", (at, device_id))
            return cur.rowcount == 1

    @contextmanager
    def batch_transaction(self) -> Iterator[SqliteBatchTx]:
        with self._write() as conn:
            yield SqliteBatchTx(conn)

    def read_changes(self, since: int, limit: int, max_bytes: int, exclude_device: str,
                     scope: Sequence[str]) -> tuple[list[LoggedChange], int, bool]:
        prefixes = [area_prefix(a) for a in scope]
        if not prefixes:
            return [], since, False
        match = " OR ".join("substr(area, 1, ?) = ?" for _ in prefixes)
        args: list[Any] = [since, exclude_device]
        for p in prefixes:
            args += [len(p), p]
        with closing(self._connect()) as conn:
            conn.execute("BEGIN")  # one snapshot for the page and the highest sequence
            rows = conn.execute(
                f"SELECT * FROM changes WHERE seq > ? AND device_id != ? AND ({match})"
                " ORDER BY seq LIMIT ?", [*args, limit + 1]).fetchall()
            top = int(conn.execute("SELECT coalesce(max(seq), 0) FROM changes").fetchone()[0])
            conn.execute("COMMIT")
        out: list[LoggedChange] = []
        size = 0
        for r in rows[:limit]:
            size += len(r["fields"]) + 200
            if out and size > max_bytes:
                break
            out.append(LoggedChange(r["table_name"], r["row_id"], r["rev"], r["stored_rev"],
                                    json.loads(r["fields"]), bool(r["deleted"]), r["device_id"],
                                    r["batch_id"], r["area"], bool(r["flagged"]), r["seq"]))
        more = len(out) < len(rows)
        # With nothing more to send, skip past the changes the device may not see.
        return out, (out[-1].seq if more else max(top, since)), more

    def clock(self) -> str | None:
        with closing(self._connect()) as conn:
            r = conn.execute("SELECT value FROM meta WHERE key = 'hlc'").fetchone()
        return r[0] if r else None

    def live_rows(self) -> dict[str, int]:
        counts = dict.fromkeys(SYNCED_TABLES, 0)
        with closing(self._connect()) as conn:
            for r in conn.execute("SELECT table_name, count(*) FROM rows WHERE deleted = 0"
                                  " GROUP BY table_name"):
                counts[r[0]] = int(r[1])
        return counts


def open_storage(url: str | None = None) -> Storage:
    """The storage a database URL names: `postgresql://…`, `sqlite:///file`, a plain path,
    or the default.

    The default is $EKE_CENTRAL_DB, else eke-central.sqlite3 in the current folder.
    """
    url = url or os.environ.get(DB_ENV) or DEFAULT_DB_FILE
    if url.startswith(("postgresql:", "postgres:")):
        from central.pg_storage import PostgresStorage  # psycopg only when asked for

        pg = PostgresStorage(url)
        pg.init()
        return pg
    if url.startswith("sqlite:///"):
        url = url[len("sqlite:///"):]
    elif "://" in url:
        raise StorageError(detail="unknown database URL scheme")
    storage = SqliteStorage(Path(url))
    storage.init()
    return storage
