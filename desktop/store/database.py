"""The encrypted store of one data folder: create, unlock, migrate, transact, close."""

from __future__ import annotations

import json
import secrets
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import sqlcipher3

from desktop.store import audit, backup, keys, migrations
from desktop.store.connection import (
    DB_FILE,
    begin_snapshot,
    integrity_errors,
    one_snapshot,
    open_connection,
    rollback_if_open,
)
from desktop.store.errors import (
    StoreExistsError,
    StoreNotFoundError,
    UnknownUserError,
    WrongPasswordError,
    mapped_db_errors,
)
from desktop.store.keys import KdfParams, KeySlots
from desktop.store.records import new_id, now_ms, utc_now_iso
from desktop.store.throttle import LoginThrottle, shared_throttle
from desktop.store.writer import Transaction, read_meta, write_meta

ROLES = ("village_doctor", "mch_worker", "admin")


@dataclass(frozen=True)
class UserRecord:
    id: str
    username: str
    display_name: str
    role: str
    areas: tuple[str, ...]
    language: str

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


def store_exists(data_dir: Path) -> bool:
    return (data_dir / keys.SLOTS_FILE).exists() and (data_dir / DB_FILE).exists()


def new_device_id() -> str:
    """A short random device id (lower-case base32), unique enough across a region."""
    alphabet = "abcdefghijklmnopqrstuvwxyz234567"
    return "".join(secrets.choice(alphabet) for _ in range(12))


class Store:
    """An unlocked store. Holds the data key in memory until close()."""

    def __init__(self, data_dir: Path, key: bytes, conn: sqlcipher3.Connection,
                 slots: KeySlots) -> None:
        self.data_dir = data_dir
        self._key = key
        self.conn = conn
        self.slots = slots
        self.device_id = read_meta(conn, "device_id") or ""
        self.store_id = slots.store_id
        self.clock_ms = now_ms
        self._columns: dict[str, frozenset[str]] = {}
        self._readers: list[sqlcipher3.Connection] = []
        self._readers_free = threading.Lock()

    # -- opening --------------------------------------------------------------------
    @classmethod
    def create(cls, data_dir: Path, *, clinic_name: str, township_code: str,
               village_codes: list[str], admin_username: str, admin_display_name: str,
               admin_password: str, language: str = "zh_Hans_CN",
               kdf: KdfParams | None = None, migrate_to: int = migrations.LATEST
               ) -> tuple[Store, UserRecord, str]:
        """Make a new store; returns it, the first administrator and the recovery key."""
        data_dir.mkdir(parents=True, exist_ok=True)
        if (data_dir / keys.SLOTS_FILE).exists() or (data_dir / DB_FILE).exists():
            raise StoreExistsError(str(data_dir))
        data_key = keys.new_data_key()
        recovery_key = keys.new_recovery_key()
        conn = open_connection(data_dir / DB_FILE, data_key)
        try:
            migrations.migrate(conn, migrate_to)
            store_id = new_id()
            slots = KeySlots.create(data_dir, store_id, data_key, recovery_key)
            with mapped_db_errors():
                conn.execute("BEGIN IMMEDIATE")
                for k, v in {"store_id": store_id, "device_id": new_device_id(),
                             "clinic_name": clinic_name, "township_code": township_code,
                             "village_codes": json.dumps(village_codes),
                             "created_at": utc_now_iso(), "auto_lock_minutes": "10"}.items():
                    write_meta(conn, k, v)
                conn.execute("COMMIT")
            store = cls(data_dir, data_key, conn, slots)
            admin = store.add_user(None, admin_username, admin_display_name, "admin", [],
                                   admin_password, language=language, kdf=kdf)
        except BaseException:
            # A half-made store has no administrator, so nobody could ever open it, and
            # its files would make every retry fail with StoreExistsError. Only files
            # this call created are removed (both were checked absent above).
            conn.close()
            for name in (DB_FILE, DB_FILE + "-wal", DB_FILE + "-shm", keys.SLOTS_FILE):
                (data_dir / name).unlink(missing_ok=True)
            raise
        return store, admin, recovery_key

    @classmethod
    def unlock(cls, data_dir: Path, username: str, password: str,
               throttle: LoginThrottle | None = None) -> tuple[Store, UserRecord]:
        """Open the store as *username*; counts failures for the growing login delay."""
        slots = cls._slots(data_dir)
        throttle = throttle or shared_throttle(data_dir)
        throttle.check(username)
        try:
            data_key, slot = slots.unlock(username, password)
        except UnknownUserError:
            # No slot, nothing to guess at; and people type their password into the
            # user name field, so what they typed is neither counted in the throttle
            # file nor carried in the error (both could end up in plain text).
            raise WrongPasswordError() from None
        except WrongPasswordError:
            throttle.failed(username)
            raise WrongPasswordError(username) from None
        store = cls._open(data_dir, data_key, slots)
        try:
            with mapped_db_errors():
                user = store.user(slot.user_id)
            if user is None:
                # A slot without a live user row: removed elsewhere, or a restored backup.
                raise UnknownUserError(username)
            if user.username != slot.username:
                # The slot file is only authenticated per user id: a slot copied under
                # another user's name would otherwise log "admin" in as someone else.
                throttle.failed(username)
                raise WrongPasswordError(username)
            throttle.succeeded(username)
            with mapped_db_errors():
                audit.record(store.conn, user.id, "login")
        except BaseException:
            store.close()
            raise
        return store, user

    @classmethod
    def unlock_recovery(cls, data_dir: Path, recovery_key: str) -> Store:
        slots = cls._slots(data_dir)
        data_key = slots.unlock_recovery(recovery_key)
        store = cls._open(data_dir, data_key, slots)
        try:
            with mapped_db_errors():
                audit.record(store.conn, None, "recovery_unlock")
        except BaseException:
            store.close()
            raise
        return store

    @staticmethod
    def _slots(data_dir: Path) -> KeySlots:
        if not store_exists(data_dir):
            raise StoreNotFoundError(str(data_dir))
        return KeySlots.load(data_dir)

    @classmethod
    def _open(cls, data_dir: Path, data_key: bytes, slots: KeySlots) -> Store:
        conn = open_connection(data_dir / DB_FILE, data_key)
        try:
            # Every page read here can meet damage; the caller must only ever see it as
            # StoreDamagedError, never as sqlcipher3's own exceptions.
            with mapped_db_errors():
                todo = migrations.pending(conn)
                if todo and migrations.applied(conn):
                    backup.make_backup(conn, data_key, backup.backup_dir(data_dir),
                                       "migration")
                migrations.migrate(conn)
                # What a demo stopped while it filled left out.
                migrations.ensure_due_triggers(conn)
                migrations.restore_indexes(conn)
                return cls(data_dir, data_key, conn, slots)
        except BaseException:
            conn.close()
            raise

    # -- working --------------------------------------------------------------------
    def transaction(self, user_id: str | None) -> Transaction:
        """The one write path: `with store.transaction(user.id) as tx: tx.save(...)`."""
        return Transaction(self.conn, self.device_id, user_id, clock_ms=self.clock_ms,
                           columns=self._columns)

    def connect(self) -> sqlcipher3.Connection:
        """Another connection to the same file, for a worker thread (one per thread)."""
        return open_connection(self.data_dir / DB_FILE, self._key, check=False)

    @contextmanager
    def snapshot_readers(self, n: int) -> Iterator[list[sqlcipher3.Connection]]:
        """*n* connections reading the store at one snapshot (connection.begin_snapshot),
        for a report's worker threads. Kept open from one use to the next, so their page
        caches spare a second report the decrypting of pages that nothing has changed
        since (SQLite drops a connection's cache when another one commits); closed with
        the store. One user at a time: a caller that finds them taken gets new ones."""
        if not self._readers_free.acquire(blocking=False):
            with one_snapshot(self.connect, n) as conns:
                yield conns
            return
        try:
            while len(self._readers) < n + 1:
                self._readers.append(self.connect())
            conns, lock = self._readers[:n], self._readers[n]
            begin_snapshot(conns, lock)
            try:
                yield conns
            finally:
                for conn in conns:
                    rollback_if_open(conn)
        finally:
            self._readers_free.release()

    def secret_for_worker(self) -> tuple[Path, bytes]:
        """The file and data key, for a helper process this one forked before any store
        was opened (the demo's worklist worker) to open its own connection with
        connection.open_connection. Handed over a pipe only: never logged or written."""
        return self.data_dir / DB_FILE, self._key

    def meta(self, key: str, default: str | None = None) -> str | None:
        return read_meta(self.conn, key, default)

    def set_meta(self, user_id: str | None, key: str, value: str) -> None:
        with self.transaction(user_id) as tx:
            write_meta(self.conn, key, value)
            tx.note("setting", detail=key)

    def backup(self, reason: str = "manual", target_dir: Path | None = None,
               should_stop: Callable[[], bool] | None = None,
               now: datetime | None = None) -> Path:
        """A backup copy in *target_dir* (default: the data folder's backups). Copies on a
        connection of its own, so saves go on while it runs (seconds per 100 MB)."""
        conn = self.connect()
        try:
            return backup.make_backup(conn, self._key,
                                      target_dir or backup.backup_dir(self.data_dir), reason,
                                      now=now, should_stop=should_stop)
        finally:
            conn.close()

    def check_backup(self, path: Path) -> int:
        """The schema version of the backup at *path*; BackupForeignError if it is not a
        backup of this store (see backup.check_backup)."""
        return backup.check_backup(path, self._key, self.store_id)

    def integrity_errors(self) -> list[str]:
        return integrity_errors(self.conn)

    def close(self) -> None:
        # A report still reading is stopped (its reads fail as interrupted) and its
        # connections closed once it has let go of them.
        free = self._readers_free.acquire(blocking=False)
        if not free:
            for conn in list(self._readers):
                conn.interrupt()
            free = self._readers_free.acquire(timeout=30)
        if free:
            try:
                while self._readers:
                    self._readers.pop().close()
            finally:
                self._readers_free.release()
        if self.conn is not None:
            try:
                self.conn.close()
            finally:
                self.conn = None  # type: ignore[assignment]
                self._key = b""

    @property
    def closed(self) -> bool:
        return self.conn is None

    # -- users ----------------------------------------------------------------------
    def user(self, user_id: str) -> UserRecord | None:
        row = self.conn.execute(
            "SELECT id, username, display_name, role, areas, language FROM users"
            " WHERE id = ? AND removed_at IS NULL", (user_id,)).fetchone()
        return _user(row) if row else None

    def users(self) -> list[UserRecord]:
        rows = self.conn.execute(
            "SELECT id, username, display_name, role, areas, language FROM users"
            " WHERE removed_at IS NULL ORDER BY created_at, username").fetchall()
        return [_user(r) for r in rows]

    def add_user(self, by: str | None, username: str, display_name: str, role: str,
                 areas: list[str], password: str, *, language: str = "zh_Hans_CN",
                 kdf: KdfParams | None = None) -> UserRecord:
        if role not in ROLES:
            raise ValueError(f"unknown role {role}")
        user_id = new_id()
        params = kdf or keys.calibrate()
        with self.transaction(by) as tx:
            self.conn.execute(
                "INSERT INTO users(id, username, display_name, role, areas, language,"
                " created_at) VALUES (?,?,?,?,?,?,?)",
                (user_id, username, display_name, role, json.dumps(areas), language,
                 utc_now_iso()))
            tx.note("user_add", "users", user_id, role)
            # The slot is written inside the transaction: if it fails, the row rolls back.
            self.slots.set_user(self._key, user_id, username, display_name, password, params)
        return UserRecord(user_id, username, display_name, role, tuple(areas), language)

    def update_user(self, by: str | None, user_id: str, *, role: str | None = None,
                    areas: list[str] | None = None, language: str | None = None,
                    display_name: str | None = None) -> None:
        with self.transaction(by) as tx:
            for column, value in (("role", role), ("display_name", display_name),
                                  ("language", language),
                                  ("areas", None if areas is None else json.dumps(areas))):
                if value is not None:
                    if column == "role" and value not in ROLES:
                        raise ValueError(f"unknown role {value}")
                    self.conn.execute(f"UPDATE users SET {column} = ? WHERE id = ?",
                                      (value, user_id))
            tx.note("user_update", "users", user_id)

    def change_password(self, by: str | None, user_id: str, new_password: str,
                        kdf: KdfParams | None = None) -> None:
        """Rewrap the user's slot under *new_password*; the data itself is untouched."""
        user = self.user(user_id)
        if user is None:
            raise UnknownUserError(user_id)
        params = kdf or keys.calibrate()  # ~1 s: not while holding the write lock
        with self.transaction(by) as tx:
            tx.note("password_change", "users", user_id)
            self.slots.set_user(self._key, user.id, user.username, user.display_name,
                                new_password, params)

    def remove_user(self, by: str | None, user_id: str) -> None:
        """Remove the user's key slot (they can no longer unlock) and mark them removed."""
        with self.transaction(by) as tx:
            self.conn.execute("UPDATE users SET removed_at = ? WHERE id = ?",
                              (utc_now_iso(), user_id))
            tx.note("user_remove", "users", user_id)
            self.slots.remove_user(user_id)


def _user(row: tuple) -> UserRecord:
    return UserRecord(row[0], row[1], row[2], row[3], tuple(json.loads(row[4] or "[]")), row[5])
