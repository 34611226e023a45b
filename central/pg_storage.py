"""Central's PostgreSQL backend (psycopg 3), for a banner's production server.

The same semantics as the SQLite backend (central/storage.py):

- A batch is one transaction: all of it or nothing.
- Batch transactions are serialised by a transaction-level advisory lock taken first thing
  (`pg_advisory_xact_lock(BATCH_LOCK)`). Why: sequence numbers come from an identity column,
  and without the lock two overlapping batches could commit out of sequence order; a reader
  that saw the later one commit first would move its cursor past a sequence number that
  becomes visible only afterwards, and skip that change for ever. PostgreSQL releases
  transaction locks only after the commit is visible to new snapshots, so with the lock the
  committed sequences are always a prefix of the allocated ones (gaps from rolled-back
  batches are harmless). The price is one batch at a time, as with SQLite's write lock;
  pulls, enrolment and the admin commands are not held up by it.
- `read_changes` reads its page and the highest sequence in one REPEATABLE READ snapshot.
- Batch ids and (table, row id, rev) are unique keys, kept for ever.

Connections come from a small pool; a connection that fails is dropped, never reused, and
the failure is reported as `Unavailable` (503 with Retry-After): the client retries.
"""

from __future__ import annotations

import json
import queue
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import psycopg
from psycopg.rows import dict_row

from central.errors import StorageError, Unavailable
from central.storage import (
    Device,
    LoggedChange,
    StoredRow,
    _dump,
    _state_json,
    _state_of,
)
from desktop.sync.protocol import SYNCED_TABLES, area_prefix

BATCH_LOCK = 0x45_4B_45_42  # "EKEB": the advisory lock key that serialises batches
SCHEMA_LOCK = 0x45_4B_45_53  # "EKES": held while creating tables, so two starts do not race
POOL_SIZE = 32

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS enrollment_codes (code_hash TEXT PRIMARY KEY, areas TEXT NOT NULL,
    issued_at TEXT NOT NULL, used_at TEXT, device_id TEXT);
CREATE TABLE IF NOT EXISTS devices (id TEXT PRIMARY KEY, name TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE, areas TEXT NOT NULL, enrolled_at TEXT NOT NULL,
    revoked_at TEXT, bundle_key TEXT);
CREATE TABLE IF NOT EXISTS batches (batch_id TEXT PRIMARY KEY, device_id TEXT NOT NULL,
    answer TEXT NOT NULL, received_at TEXT NOT NULL, seq BIGINT);
CREATE INDEX IF NOT EXISTS batches_device ON batches(device_id, seq);
CREATE TABLE IF NOT EXISTS changes (seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    table_name TEXT NOT NULL, row_id TEXT NOT NULL, rev TEXT NOT NULL, stored_rev TEXT NOT NULL,
    fields TEXT NOT NULL, deleted BOOLEAN NOT NULL, device_id TEXT NOT NULL,
    batch_id TEXT NOT NULL, area TEXT, flagged BOOLEAN NOT NULL DEFAULT FALSE,
    UNIQUE (table_name, row_id, rev));
CREATE TABLE IF NOT EXISTS rows (table_name TEXT NOT NULL, id TEXT NOT NULL, area TEXT,
    person_id TEXT, state TEXT NOT NULL, field_src TEXT NOT NULL, deleted BOOLEAN NOT NULL,
    seq BIGINT NOT NULL, PRIMARY KEY (table_name, id));
CREATE INDEX IF NOT EXISTS rows_live ON rows(table_name, deleted);
CREATE TABLE IF NOT EXISTS conflicts (n BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    batch_id TEXT NOT NULL, detail TEXT NOT NULL);
"""


def _device(r: dict[str, Any]) -> Device:
    return Device(r["id"], r["name"], tuple(json.loads(r["areas"])), r["enrolled_at"],
                  r["revoked_at"])


class PgBatchTx:
    """BatchTx on one connection inside a transaction holding BATCH_LOCK."""

    def __init__(self, conn: psycopg.Connection[Any]) -> None:
        self.conn = conn

    def _one(self, sql: str, args: Sequence[Any] = ()) -> Any:
        return self.conn.execute(sql, args).fetchone()

    def stored_answer(self, batch_id: str) -> tuple[str, str] | None:
        r = self._one("SELECT device_id, answer FROM batches WHERE batch_id = %s", (batch_id,))
        return (r["device_id"], r["answer"]) if r else None

    def clock(self) -> str | None:
        r = self._one("SELECT value FROM meta WHERE key = 'hlc'")
        return r["value"] if r else None

    def set_clock(self, rev: str) -> None:
        self.conn.execute("INSERT INTO meta(key, value) VALUES ('hlc', %s) ON CONFLICT (key)"
                          " DO UPDATE SET value = excluded.value", (rev,))

    def row(self, table: str, row_id: str) -> StoredRow | None:
        r = self._one("SELECT * FROM rows WHERE table_name = %s AND id = %s", (table, row_id))
        if r is None:
            return None
        src = {k: (int(v[0]), str(v[1])) for k, v in json.loads(r["field_src"]).items()}
        return StoredRow(table, row_id, r["area"], r["person_id"], _state_of(r["state"]), src,
                         int(r["seq"]))

    def put_row(self, row: StoredRow) -> None:
        self.conn.execute(
            "INSERT INTO rows(table_name, id, area, person_id, state, field_src, deleted, seq)"
            " VALUES (%s,%s,%s,%s,%s,%s,%s,%s) ON CONFLICT (table_name, id) DO UPDATE SET"
            " area = excluded.area, person_id = excluded.person_id, state = excluded.state,"
            " field_src = excluded.field_src, deleted = excluded.deleted, seq = excluded.seq",
            (row.table, row.id, row.area, row.person_id, _state_json(row.state),
             _dump({k: list(v) for k, v in row.field_src.items()}), row.state.deleted,
             row.seq))

    def has_change(self, table: str, row_id: str, rev: str) -> bool:
        return self._one("SELECT 1 AS x FROM changes WHERE table_name = %s AND row_id = %s"
                         " AND rev = %s", (table, row_id, rev)) is not None

    def log_change(self, change: LoggedChange) -> int:
        r = self._one(
            "INSERT INTO changes(table_name, row_id, rev, stored_rev, fields, deleted,"
            " device_id, batch_id, area, flagged) VALUES (%s,%s,%s,%s,%s,%s,%s,%s,%s,%s)"
            " RETURNING seq",
            (change.table, change.id, change.rev, change.stored_rev, _dump(change.fields),
             change.deleted, change.device_id, change.batch_id, change.area, change.flagged))
        return int(r["seq"])

    def set_change_area(self, seq: int, area: str | None) -> None:
        self.conn.execute("UPDATE changes SET area = %s WHERE seq = %s", (area, seq))

    def add_conflicts(self, batch_id: str, conflicts: Sequence[dict[str, Any]]) -> None:
        if conflicts:
            with self.conn.cursor() as cur:
                cur.executemany("INSERT INTO conflicts(batch_id, detail) VALUES (%s, %s)",
                                [(batch_id, _dump(c)) for c in conflicts])

    def save_answer(self, batch_id: str, device_id: str, answer: str, at: str, seq: int
                    ) -> None:
        self.conn.execute("INSERT INTO batches(batch_id, device_id, answer, received_at, seq)"
                          " VALUES (%s,%s,%s,%s,%s)", (batch_id, device_id, answer, at, seq))

    def max_seq(self) -> int:
        return int(self._one("SELECT coalesce(max(seq), 0) AS m FROM changes")["m"])


class PostgresStorage:
    """Storage on a PostgreSQL database named by a libpq URL (postgresql://user@host/db)."""

    def __init__(self, url: str, pool_size: int = POOL_SIZE) -> None:
        self.url = url
        self._idle: queue.LifoQueue[psycopg.Connection[Any]] = queue.LifoQueue()
        self._pool_size = pool_size

    def _new_connection(self) -> psycopg.Connection[Any]:
        try:
            return psycopg.connect(self.url, autocommit=True, row_factory=dict_row,
                                   connect_timeout=10, application_name="eke-central")
        except psycopg.Error as exc:
            # The URL may carry a password: name the failure's kind only.
            raise Unavailable(detail=f"cannot connect to PostgreSQL ({type(exc).__name__})"
                              ) from exc

    @contextmanager
    def _conn(self) -> Iterator[psycopg.Connection[Any]]:
        """A pooled connection in autocommit mode; callers BEGIN/COMMIT themselves."""
        try:
            conn = self._idle.get_nowait()
        except queue.Empty:
            conn = self._new_connection()
        try:
            yield conn
        except psycopg.OperationalError as exc:
            raise Unavailable(detail=f"PostgreSQL failed ({type(exc).__name__})") from exc
        finally:
            # Only a connection back at rest outside any transaction is lent out again.
            idle = (not conn.closed and conn.info.transaction_status
                    == psycopg.pq.TransactionStatus.IDLE)
            if idle and self._idle.qsize() < self._pool_size:
                self._idle.put(conn)
            else:
                conn.close()

    @contextmanager
    def _tx(self, mode: str = "", lock: int | None = None
            ) -> Iterator[psycopg.Connection[Any]]:
        with self._conn() as conn:
            conn.execute(f"BEGIN {mode}".strip())
            try:
                if lock is not None:
                    conn.execute("SELECT pg_advisory_xact_lock(%s)", (lock,))
                yield conn
            except BaseException:
                if not conn.closed:
                    conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    def init(self) -> None:
        try:
            with self._tx(lock=SCHEMA_LOCK) as conn:
                for statement in _SCHEMA.split(";"):
                    if statement.strip():
                        conn.execute(statement)
        except Unavailable as exc:
            raise StorageError(detail=str(exc)) from exc

    def close(self) -> None:
        while True:
            try:
                self._idle.get_nowait().close()
            except queue.Empty:
                return

    def add_code(self, code_hash: str, areas: Sequence[str], at: str) -> None:
        with self._tx() as conn:
            conn.execute("INSERT INTO enrollment_codes(code_hash, areas, issued_at)"
                         " VALUES (%s,%s,%s)", (code_hash, _dump(list(areas)), at))

    def enroll(self, code_hash: str, device: Device, token_hash: str, sealed_bundle_key: str
               ) -> Device | None:
        with self._tx() as conn:
            # FOR UPDATE: two devices racing for one code cannot both use it.
            r = conn.execute("SELECT areas FROM enrollment_codes WHERE code_hash = %s"
                             " AND used_at IS NULL FOR UPDATE", (code_hash,)).fetchone()
            if r is None:
                return None
            conn.execute("UPDATE enrollment_codes SET used_at = %s, device_id = %s"
                         " WHERE code_hash = %s", (device.enrolled_at, device.id, code_hash))
            areas = tuple(json.loads(r["areas"]))
            conn.execute("INSERT INTO devices(id, name, token_hash, areas, enrolled_at,"
                         " bundle_key) VALUES (%s,%s,%s,%s,%s,%s)",
                         (device.id, device.name, token_hash, _dump(list(areas)),
                          device.enrolled_at, sealed_bundle_key))
        return Device(device.id, device.name, areas, device.enrolled_at)

    def _query(self, sql: str, args: Sequence[Any] = ()) -> list[dict[str, Any]]:
        with self._conn() as conn:
            return conn.execute(sql, args).fetchall()

    def device_exists(self, device_id: str) -> bool:
        return bool(self._query("SELECT 1 AS x FROM devices WHERE id = %s", (device_id,)))

    def device(self, device_id: str) -> Device | None:
        rows = self._query("SELECT * FROM devices WHERE id = %s", (device_id,))
        return _device(rows[0]) if rows else None

    def device_by_token(self, token_hash: str) -> Device | None:
        rows = self._query("SELECT * FROM devices WHERE token_hash = %s", (token_hash,))
        return _device(rows[0]) if rows else None

    def sealed_bundle_key(self, device_id: str) -> str | None:
        rows = self._query("SELECT bundle_key FROM devices WHERE id = %s", (device_id,))
        return rows[0]["bundle_key"] if rows else None

    def answers_since(self, device_id: str, since: int) -> list[str]:
        return [r["answer"] for r in self._query(
            "SELECT answer FROM batches WHERE device_id = %s AND seq >= %s ORDER BY seq",
            (device_id, since))]

    def list_devices(self) -> list[Device]:
        return [_device(r) for r in self._query("SELECT * FROM devices ORDER BY enrolled_at")]

    def revoke_device(self, device_id: str, at: str) -> bool:
        with self._tx() as conn:
            cur = conn.execute("UPDATE devices SET revoked_at = coalesce(revoked_at, %s)"
                               " WHERE id = %s", (at, device_id))
            return cur.rowcount == 1

    @contextmanager
    def batch_transaction(self) -> Iterator[PgBatchTx]:
        with self._tx(lock=BATCH_LOCK) as conn:
            yield PgBatchTx(conn)

    def read_changes(self, since: int, limit: int, max_bytes: int, exclude_device: str,
                     scope: Sequence[str]) -> tuple[list[LoggedChange], int, bool]:
        prefixes = [area_prefix(a) for a in scope]
        if not prefixes:
            return [], since, False
        match = " OR ".join("starts_with(area, %s)" for _ in prefixes)
        with self._tx("ISOLATION LEVEL REPEATABLE READ READ ONLY") as conn:
            rows = conn.execute(
                f"SELECT * FROM changes WHERE seq > %s AND device_id <> %s AND ({match})"
                " ORDER BY seq LIMIT %s", [since, exclude_device, *prefixes, limit + 1]
            ).fetchall()
            top = int(conn.execute("SELECT coalesce(max(seq), 0) AS m FROM changes"
                                   ).fetchone()["m"])
        out: list[LoggedChange] = []
        size = 0
        for r in rows[:limit]:
            size += len(r["fields"]) + 200
            if out and size > max_bytes:
                break
            out.append(LoggedChange(r["table_name"], r["row_id"], r["rev"], r["stored_rev"],
                                    json.loads(r["fields"]), bool(r["deleted"]),
                                    r["device_id"], r["batch_id"], r["area"], bool(r["flagged"]),
                                    int(r["seq"])))
        more = len(out) < len(rows)
        return out, (out[-1].seq if more else max(top, since)), more

    def clock(self) -> str | None:
        rows = self._query("SELECT value FROM meta WHERE key = 'hlc'")
        return rows[0]["value"] if rows else None

    def live_rows(self) -> dict[str, int]:
        counts = dict.fromkeys(SYNCED_TABLES, 0)
        for r in self._query("SELECT table_name, count(*) AS n FROM rows WHERE NOT deleted"
                             " GROUP BY table_name"):
            counts[r["table_name"]] = int(r["n"])
        return counts
