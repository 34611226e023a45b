"""Central's reference backend: one SQLite file (stdlib sqlite3) behind central/sql_storage.py.

SQLite runs in WAL mode with synchronous=FULL: a power cut never loses an answered batch.
Every call opens its own short-lived connection, so uvicorn's worker threads never share one.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any

from central.errors import StorageError
from central.sql_storage import LATE_INDEXES, SCHEMA, SqlStorage, SqlTx

_SQLITE_TYPES = {"int": "INTEGER", "bool": "INTEGER", "false": "0", "key": "INTEGER PRIMARY KEY",
                 "counter": "INTEGER PRIMARY KEY AUTOINCREMENT"}
# Columns added after the first pilot files were made: (table, column, declaration).
_ADDED_COLUMNS = (("devices", "bundle_key", "TEXT"), ("batches", "seq", "INTEGER"))


class SqliteTx(SqlTx):
    def insert_seq(self, sql: str, args: Sequence[Any]) -> int:
        return int(self.conn.execute(sql, args).lastrowid or 0)


class SqliteStorage(SqlStorage):
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
    def _transaction(self, batch: bool = False) -> Iterator[SqliteTx]:
        # BEGIN IMMEDIATE takes the write lock at once: every write, batch or not, is serial.
        with closing(self._connect()) as conn:
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield SqliteTx(conn)
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    def _query(self, sql: str, args: Sequence[Any] = ()) -> list[Any]:
        with closing(self._connect()) as conn:
            return conn.execute(sql, args).fetchall()

    def _changes_after(self, since: int, exclude_device: str, prefixes: list[str], n: int
                       ) -> tuple[list[Any], int]:
        match = " OR ".join("substr(area, 1, ?) = ?" for _ in prefixes)
        args: list[Any] = [since, exclude_device]
        for p in prefixes:
            args += [len(p), p]
        with closing(self._connect()) as conn:
            conn.execute("BEGIN")  # one snapshot for the page and the highest sequence
            tx = SqliteTx(conn)
            rows = tx.all(f"SELECT * FROM changes WHERE seq > ? AND device_id != ? AND ({match})"
                          " ORDER BY seq LIMIT ?", [*args, n])
            top = tx.max_seq()
            conn.execute("COMMIT")
        return rows, top

    def init(self) -> None:
        with closing(self._connect()) as conn:
            conn.executescript(SCHEMA.format(**_SQLITE_TYPES))
            for table, column, decl in _ADDED_COLUMNS:
                have = {r[1] for r in conn.execute(f"PRAGMA table_info({table})")}
                if column not in have:
                    conn.execute(f"ALTER TABLE {table} ADD COLUMN {column} {decl}")
            conn.executescript(LATE_INDEXES)

    def close(self) -> None:
        """Nothing to release: every call opens and closes its own connection."""
