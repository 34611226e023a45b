"""The SQL both of central's backends speak: the schema with its dialect words left open,
and `SqlStorage` / `SqlTx`, the Storage and BatchTx of central/storage.py written once with
`?` placeholders. central/sqlite_storage.py and central/pg_storage.py subclass them.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from contextlib import AbstractContextManager, closing
from typing import Any

from central.storage import Device, LoggedChange, StoredRow
from desktop.sync.merge import RowState
from desktop.sync.protocol import SYNCED_TABLES, area_prefix

# The tables of both backends; sqlite_storage's `_SQLITE_TYPES` and pg_storage's `_PG_TYPES`
# fill in the words on which the two dialects differ.
SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS enrollment_codes (code_hash TEXT PRIMARY KEY, areas TEXT NOT NULL,
    issued_at TEXT NOT NULL, used_at TEXT, device_id TEXT);
CREATE TABLE IF NOT EXISTS devices (id TEXT PRIMARY KEY, name TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE, areas TEXT NOT NULL, enrolled_at TEXT NOT NULL,
    revoked_at TEXT, bundle_key TEXT);
CREATE TABLE IF NOT EXISTS batches (batch_id TEXT PRIMARY KEY, device_id TEXT NOT NULL,
    answer TEXT NOT NULL, received_at TEXT NOT NULL, seq {int});
CREATE TABLE IF NOT EXISTS changes (seq {counter},
    table_name TEXT NOT NULL, row_id TEXT NOT NULL, rev TEXT NOT NULL, stored_rev TEXT NOT NULL,
    fields TEXT NOT NULL, deleted {bool} NOT NULL, device_id TEXT NOT NULL,
    batch_id TEXT NOT NULL, area TEXT, flagged {bool} NOT NULL DEFAULT {false},
    UNIQUE (table_name, row_id, rev));
CREATE TABLE IF NOT EXISTS rows (table_name TEXT NOT NULL, id TEXT NOT NULL, area TEXT,
    person_id TEXT, state TEXT NOT NULL, field_src TEXT NOT NULL, deleted {bool} NOT NULL,
    seq {int} NOT NULL, PRIMARY KEY (table_name, id));
CREATE INDEX IF NOT EXISTS rows_live ON rows(table_name, deleted);
CREATE TABLE IF NOT EXISTS conflicts (n {key}, batch_id TEXT NOT NULL,
    detail TEXT NOT NULL);
"""
# Created after SQLite's _ADDED_COLUMNS, which old pilot files lack.
LATE_INDEXES = "CREATE INDEX IF NOT EXISTS batches_device ON batches(device_id, seq);"


def _dump(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _state_json(state: RowState) -> str:
    return _dump({"fields": dict(state.fields), "field_revs": dict(state.field_revs),
                  "deleted": state.deleted, "rev": state.rev})


def _state_of(text: str) -> RowState:
    obj = json.loads(text)
    return RowState(obj["fields"], obj["field_revs"], obj["deleted"], obj["rev"])


# Rows below are sqlite3.Row or psycopg's dict rows: both are read by column name.
def _device(r: Any) -> Device:
    return Device(r["id"], r["name"], tuple(json.loads(r["areas"])), r["enrolled_at"],
                  r["revoked_at"])


def _logged_change(r: Any) -> LoggedChange:
    return LoggedChange(r["table_name"], r["row_id"], r["rev"], r["stored_rev"],
                        json.loads(r["fields"]), bool(r["deleted"]), r["device_id"],
                        r["batch_id"], r["area"], bool(r["flagged"]), int(r["seq"]))


def _page(rows: Sequence[Any], limit: int, max_bytes: int, since: int, top: int
          ) -> tuple[list[LoggedChange], int, bool]:
    """`read_changes`' answer from up to limit + 1 *rows* after *since* and the highest
    sequence *top*, both read in one snapshot."""
    out: list[LoggedChange] = []
    size = 0
    for r in rows[:limit]:
        size += len(r["fields"]) + 200
        if out and size > max_bytes:
            break
        out.append(_logged_change(r))
    more = len(out) < len(rows)
    # With nothing more to send, skip past the changes the device may not see.
    return out, (out[-1].seq if more else max(top, since)), more


class SqlTx:
    """BatchTx in the SQL both backends speak, on one connection inside a transaction.

    Statements are written with `?` placeholders; a backend whose driver wants others says
    so in `dialect`. Booleans are passed as Python bools: SQLite stores them as 0 and 1.
    """

    def __init__(self, conn: Any) -> None:
        self.conn = conn

    @staticmethod
    def dialect(sql: str) -> str:
        return sql

    def one(self, sql: str, args: Sequence[Any] = ()) -> Any:
        return self.conn.execute(self.dialect(sql), args).fetchone()

    def all(self, sql: str, args: Sequence[Any] = ()) -> list[Any]:
        return self.conn.execute(self.dialect(sql), args).fetchall()

    def run(self, sql: str, args: Sequence[Any] = ()) -> int:
        """Run a statement; the number of rows it changed."""
        return int(self.conn.execute(self.dialect(sql), args).rowcount)

    def insert_seq(self, sql: str, args: Sequence[Any]) -> int:
        """Run an INSERT into `changes`; the sequence it got."""
        raise NotImplementedError

    def stored_answer(self, batch_id: str) -> tuple[str, str] | None:
        r = self.one("SELECT device_id, answer FROM batches WHERE batch_id = ?", (batch_id,))
        return (r["device_id"], r["answer"]) if r else None

    def clock(self) -> str | None:
        r = self.one("SELECT value FROM meta WHERE key = 'hlc'")
        return r["value"] if r else None

    def set_clock(self, rev: str) -> None:
        self.run("INSERT INTO meta(key, value) VALUES ('hlc', ?) ON CONFLICT (key)"
                 " DO UPDATE SET value = excluded.value", (rev,))

    def row(self, table: str, row_id: str) -> StoredRow | None:
        r = self.one("SELECT * FROM rows WHERE table_name = ? AND id = ?", (table, row_id))
        if r is None:
            return None
        src = {k: (int(v[0]), str(v[1])) for k, v in json.loads(r["field_src"]).items()}
        return StoredRow(table, row_id, r["area"], r["person_id"], _state_of(r["state"]), src,
                         int(r["seq"]))

    def put_row(self, row: StoredRow) -> None:
        self.run(
            "INSERT INTO rows(table_name, id, area, person_id, state, field_src, deleted, seq)"
            " VALUES (?,?,?,?,?,?,?,?) ON CONFLICT (table_name, id) DO UPDATE SET"
            " area = excluded.area, person_id = excluded.person_id, state = excluded.state,"
            " field_src = excluded.field_src, deleted = excluded.deleted, seq = excluded.seq",
            (row.table, row.id, row.area, row.person_id, _state_json(row.state),
             _dump({k: list(v) for k, v in row.field_src.items()}), row.state.deleted,
             row.seq))

    def has_change(self, table: str, row_id: str, rev: str) -> bool:
        return self.one("SELECT 1 AS x FROM changes WHERE table_name = ? AND row_id = ?"
                        " AND rev = ?", (table, row_id, rev)) is not None

    def log_change(self, change: LoggedChange) -> int:
        return self.insert_seq(
            "INSERT INTO changes(table_name, row_id, rev, stored_rev, fields, deleted,"
            " device_id, batch_id, area, flagged) VALUES (?,?,?,?,?,?,?,?,?,?)",
            (change.table, change.id, change.rev, change.stored_rev, _dump(change.fields),
             change.deleted, change.device_id, change.batch_id, change.area, change.flagged))

    def set_change_area(self, seq: int, area: str | None) -> None:
        self.run("UPDATE changes SET area = ? WHERE seq = ?", (area, seq))

    def add_conflicts(self, batch_id: str, conflicts: Sequence[dict[str, Any]]) -> None:
        if conflicts:
            with closing(self.conn.cursor()) as cur:
                cur.executemany(self.dialect("INSERT INTO conflicts(batch_id, detail)"
                                             " VALUES (?, ?)"),
                                [(batch_id, _dump(c)) for c in conflicts])

    def save_answer(self, batch_id: str, device_id: str, answer: str, at: str, seq: int
                    ) -> None:
        self.run("INSERT INTO batches(batch_id, device_id, answer, received_at, seq)"
                 " VALUES (?,?,?,?,?)", (batch_id, device_id, answer, at, seq))

    def max_seq(self) -> int:
        return int(self.one("SELECT coalesce(max(seq), 0) AS m FROM changes")["m"])


class SqlStorage:
    """Storage in the SQL both backends speak; a backend supplies the connections.

    `_transaction` is a write transaction (serialised against batches when *batch*),
    `_query` one read outside any, `_changes_after` the page of `read_changes` and the
    highest sequence in one snapshot.
    """

    _FOR_UPDATE = ""  # what locks a selected row until commit, where the backend needs it

    def _transaction(self, batch: bool = False) -> AbstractContextManager[SqlTx]:
        raise NotImplementedError

    def _query(self, sql: str, args: Sequence[Any] = ()) -> list[Any]:
        raise NotImplementedError

    def _changes_after(self, since: int, exclude_device: str, prefixes: list[str], n: int
                       ) -> tuple[list[Any], int]:
        raise NotImplementedError

    def add_code(self, code_hash: str, areas: Sequence[str], at: str) -> None:
        with self._transaction() as tx:
            tx.run("INSERT INTO enrollment_codes(code_hash, areas, issued_at) VALUES (?,?,?)",
                   (code_hash, _dump(list(areas)), at))

    def enroll(self, code_hash: str, device: Device, token_hash: str, sealed_bundle_key: str
               ) -> Device | None:
        with self._transaction() as tx:
            # Two devices racing for one code cannot both use it (SQLite: the write lock).
            r = tx.one("SELECT areas FROM enrollment_codes WHERE code_hash = ?"
                       " AND used_at IS NULL" + self._FOR_UPDATE, (code_hash,))
            if r is None:
                return None
            tx.run("UPDATE enrollment_codes SET used_at = ?, device_id = ? WHERE code_hash = ?",
                   (device.enrolled_at, device.id, code_hash))
            areas = tuple(json.loads(r["areas"]))
            tx.run("INSERT INTO devices(id, name, token_hash, areas, enrolled_at, bundle_key)"
                   " VALUES (?,?,?,?,?,?)", (device.id, device.name, token_hash,
                                             _dump(list(areas)), device.enrolled_at,
                                             sealed_bundle_key))
        return Device(device.id, device.name, areas, device.enrolled_at)

    def device_exists(self, device_id: str) -> bool:
        return bool(self._query("SELECT 1 AS x FROM devices WHERE id = ?", (device_id,)))

    def device(self, device_id: str) -> Device | None:
        rows = self._query("SELECT * FROM devices WHERE id = ?", (device_id,))
        return _device(rows[0]) if rows else None

    def device_by_token(self, token_hash: str) -> Device | None:
        rows = self._query("SELECT * FROM devices WHERE token_hash = ?", (token_hash,))
        return _device(rows[0]) if rows else None

    def sealed_bundle_key(self, device_id: str) -> str | None:
        rows = self._query("SELECT bundle_key FROM devices WHERE id = ?", (device_id,))
        return rows[0]["bundle_key"] if rows else None

    def answers_since(self, device_id: str, since: int) -> list[str]:
        return [r["answer"] for r in self._query(
            "SELECT answer FROM batches WHERE device_id = ? AND seq >= ? ORDER BY seq",
            (device_id, since))]

    def list_devices(self) -> list[Device]:
        return [_device(r) for r in self._query("SELECT * FROM devices ORDER BY enrolled_at")]

    def revoke_device(self, device_id: str, at: str) -> bool:
        with self._transaction() as tx:
            return tx.run("UPDATE devices SET revoked_at = coalesce(revoked_at, ?)"
                          " WHERE id = ?", (at, device_id)) == 1

    def batch_transaction(self) -> AbstractContextManager[SqlTx]:
        return self._transaction(batch=True)

    def read_changes(self, since: int, limit: int, max_bytes: int, exclude_device: str,
                     scope: Sequence[str]) -> tuple[list[LoggedChange], int, bool]:
        prefixes = [area_prefix(a) for a in scope]
        if not prefixes:
            return [], since, False
        rows, top = self._changes_after(since, exclude_device, prefixes, limit + 1)
        return _page(rows, limit, max_bytes, since, top)

    def clock(self) -> str | None:
        rows = self._query("SELECT value FROM meta WHERE key = 'hlc'")
        return rows[0]["value"] if rows else None

    def live_rows(self) -> dict[str, int]:
        counts = dict.fromkeys(SYNCED_TABLES, 0)
        for r in self._query("SELECT table_name, count(*) AS n FROM rows WHERE NOT deleted"
                             " GROUP BY table_name"):
            counts[r["table_name"]] = int(r["n"])
        return counts
