"""Opening the SQLCipher file in raw-key mode with the durability and speed settings of
design §7, and checking that the key really opens it."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import sqlcipher3

from desktop.store.errors import (
    StoreBusyError,
    StoreDamagedError,
    map_db_error,
    mapped_db_errors,
)

DB_FILE = "eke.db"
CACHE_KIB = 65536  # design §7: with the default 2 MB cache SQLCipher ran ~3x slower


def open_connection(path: Path, key: bytes, *, check: bool = True) -> sqlcipher3.Connection:
    """An open connection to the encrypted file at *path* with the raw 256-bit *key*.

    Autocommit mode: callers open transactions explicitly (store.transaction). Raises
    StoreDamagedError if the first page cannot be authenticated with the key.
    """
    if len(key) != 32:
        raise ValueError("data key must be 32 bytes")
    conn = sqlcipher3.connect(str(path), isolation_level=None, check_same_thread=False,
                              timeout=10.0)
    try:
        # Raw-key form with a key we made: a passphrase is never interpolated here.
        # SQLCipher's own log writes "hmac check failed" lines to stderr on a damaged page;
        # we report damage ourselves, in the user's language, and a command prints one line.
        conn.execute("PRAGMA cipher_log_level = NONE")
        conn.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
        if check:
            _check_key(conn)
        # Even these pragmas read the schema, i.e. page 1 and the sqlite_master tree, so a
        # damaged file can fail here as well as in the key check.
        with mapped_db_errors():
            conn.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
            conn.execute("PRAGMA temp_store = MEMORY")
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = FULL")
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute("PRAGMA busy_timeout = 10000")
    except BaseException:
        conn.close()
        raise
    return conn


@contextmanager
def immediate(conn: sqlcipher3.Connection) -> Iterator[None]:
    """One write transaction on *conn* (BEGIN IMMEDIATE ... COMMIT), rolled back on any
    exception."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
        conn.execute("COMMIT")
    except BaseException:
        rollback_if_open(conn)
        raise


def begin_snapshot(conns: Iterable[sqlcipher3.Connection], lock: sqlcipher3.Connection
                   ) -> None:
    """Begin a read transaction on each of *conns* at one moment: while *lock* holds the
    write lock, so no commit falls between them. The lock is let go at once (writers wait
    a millisecond, not for the reads)."""
    with mapped_db_errors():
        lock.execute("BEGIN IMMEDIATE")
        try:
            for conn in conns:
                conn.execute("BEGIN")
                # A read starts the transaction's snapshot (BEGIN alone does not).
                conn.execute("SELECT 1 FROM sqlite_master LIMIT 1").fetchall()
        except BaseException:
            for conn in conns:
                rollback_if_open(conn)
            raise
        finally:
            lock.execute("ROLLBACK")


@contextmanager
def one_snapshot(connect: Callable[[], sqlcipher3.Connection], n: int
                 ) -> Iterator[list[sqlcipher3.Connection]]:
    """*n* new connections (from *connect*) that read the store as it was at one moment
    (begin_snapshot, with one more connection for the lock). Rolled back and closed
    after."""
    with ExitStack() as stack:
        conns = []
        for _ in range(n + 1):
            conn = connect()
            stack.callback(conn.close)
            conns.append(conn)
        begin_snapshot(conns[:n], conns[n])
        for conn in conns[:n]:
            stack.callback(rollback_if_open, conn)
        yield conns[:n]


def rollback_if_open(conn: sqlcipher3.Connection) -> None:
    """Roll back the open transaction, if any.

    After a full disk or an I/O error SQLite has already rolled back by itself; a second
    ROLLBACK would fail with "no transaction is active" and hide the real reason.
    """
    if conn.in_transaction:
        conn.execute("ROLLBACK")


def _check_key(conn: sqlcipher3.Connection) -> None:
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlcipher3.DatabaseError as exc:
        mapped = map_db_error(exc)
        if isinstance(mapped, StoreBusyError):
            # A lock held by another program is no damage: "restore a backup" would be
            # the wrong advice and could lose the newest records.
            raise mapped from exc
        # SQLCipher cannot tell a wrong key from a damaged first page. Our keys come out of
        # AES-GCM key slots, which authenticate them, so a refusal here means damage.
        raise StoreDamagedError(str(exc)) from exc


def integrity_errors(conn: sqlcipher3.Connection) -> list[str]:
    """Every problem found by SQLCipher's page authentication and SQLite's integrity check.

    Reads every page: run it off the GUI thread on a large store.
    """
    problems: list[str] = []
    try:
        problems += [r[0] for r in conn.execute("PRAGMA cipher_integrity_check")]
        rows = [r[0] for r in conn.execute("PRAGMA integrity_check")]
        problems += [r for r in rows if r != "ok"]
    except sqlcipher3.DatabaseError as exc:
        problems.append(str(exc))
    return problems
