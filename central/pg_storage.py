"""Central's PostgreSQL backend (psycopg 3), for a banner's production server.

The statements are central/sql_storage.py's `SqlStorage` and `SqlTx`, shared with SQLite;
this module adds the pool, the transactions and the schema's types. The same semantics:

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

import queue
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from typing import Any

import psycopg
from psycopg.rows import dict_row

from central.errors import StorageError, Unavailable
from central.sql_storage import LATE_INDEXES, SCHEMA, SqlStorage, SqlTx

BATCH_LOCK = 0x45_4B_45_42  # "EKEB": the advisory lock key that serialises batches
SCHEMA_LOCK = 0x45_4B_45_53  # "EKES": held while creating tables, so two starts do not race
POOL_SIZE = 32

_IDENTITY = "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY"
_PG_TYPES = {"int": "BIGINT", "bool": "BOOLEAN", "false": "FALSE", "key": _IDENTITY,
             "counter": _IDENTITY}


def _pg_sql(sql: str) -> str:
    """*sql* with psycopg's placeholders for `?` (no statement here holds a literal ? or %)."""
    return sql.replace("?", "%s")


class PgTx(SqlTx):
    """SqlTx on one connection inside a transaction (holding BATCH_LOCK for a batch)."""

    dialect = staticmethod(_pg_sql)

    def insert_seq(self, sql: str, args: Sequence[Any]) -> int:
        return int(self.one(sql + " RETURNING seq", args)["seq"])


class PostgresStorage(SqlStorage):
    """Storage on a PostgreSQL database named by a libpq URL (postgresql://user@host/db)."""

    _FOR_UPDATE = " FOR UPDATE"

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
    def _tx(self, mode: str = "", lock: int | None = None) -> Iterator[PgTx]:
        with self._conn() as conn:
            conn.execute(f"BEGIN {mode}".strip())
            try:
                if lock is not None:
                    conn.execute("SELECT pg_advisory_xact_lock(%s)", (lock,))
                yield PgTx(conn)
            except BaseException:
                if not conn.closed:
                    conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    def _transaction(self, batch: bool = False) -> AbstractContextManager[PgTx]:
        return self._tx(lock=BATCH_LOCK if batch else None)

    def _query(self, sql: str, args: Sequence[Any] = ()) -> list[Any]:
        with self._conn() as conn:
            return conn.execute(_pg_sql(sql), args).fetchall()

    def _changes_after(self, since: int, exclude_device: str, prefixes: list[str], n: int
                       ) -> tuple[list[Any], int]:
        match = " OR ".join("starts_with(area, ?)" for _ in prefixes)
        with self._tx("ISOLATION LEVEL REPEATABLE READ READ ONLY") as tx:
            rows = tx.all(f"SELECT * FROM changes WHERE seq > ? AND device_id <> ? AND ({match})"
                          " ORDER BY seq LIMIT ?", [since, exclude_device, *prefixes, n])
            return rows, tx.max_seq()

    def init(self) -> None:
        try:
            with self._tx(lock=SCHEMA_LOCK) as tx:
                for statement in (SCHEMA.format(**_PG_TYPES) + LATE_INDEXES).split(";"):
                    if statement.strip():
                        tx.run(statement)
        except Unavailable as exc:
            raise StorageError(detail=str(exc)) from exc

    def close(self) -> None:
        while True:
            try:
                self._idle.get_nowait().close()
            except queue.Empty:
                return
