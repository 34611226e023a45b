"""The one facade the UI and the commands call (style.md example 2).

A Session is one user's unlocked store. Mutations check the user's role, write through the
store's one write path and return a summary of what changed so screens can redraw.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from desktop.domain import hlc
from desktop.services.errors import (
    AreaCodeError,
    LastAdminError,
    PasswordEmptyError,
    PasswordShortError,
    UsernameInvalidError,
    UsernameTakenError,
)
from desktop.store import audit, backup, keys
from desktop.store.connection import integrity_errors
from desktop.store.database import ROLES, Store, UserRecord, store_exists
from desktop.store.errors import PermissionDeniedError
from desktop.store.keys import KdfParams, KeySlots
from desktop.store.outbox import pending_count
from desktop.store.records import now_ms
from desktop.store.writer import read_meta

MIN_PASSWORD = 6
USERNAME_RE = re.compile(r"^[A-Za-z0-9._-]{2,32}$")


@dataclass(frozen=True)
class Changes:
    """What a mutation changed, for screens to redraw (tables touched, rows affected)."""

    tables: frozenset[str] = frozenset()
    ids: tuple[str, ...] = ()
    users: bool = False
    settings: bool = False


@dataclass(frozen=True)
class Status:
    user_display_name: str
    user_role: str
    pending_changes: int
    last_sync: str | None
    clock_wrong: bool
    clinic_name: str


@dataclass
class LoginUser:
    username: str
    display_name: str


@dataclass
class SetupInfo:
    clinic_name: str
    township_code: str
    village_codes: list[str]
    admin_username: str
    admin_display_name: str
    admin_password: str
    language: str = "zh_Hans_CN"
    kdf: KdfParams | None = field(default=None)


def check_password(password: str) -> None:
    if not password:
        raise PasswordEmptyError()
    if len(password) < MIN_PASSWORD:
        raise PasswordShortError(length=MIN_PASSWORD)


def check_username(username: str) -> None:
    if not USERNAME_RE.match(username or ""):
        raise UsernameInvalidError(username)


def check_area_codes(township_code: str, village_codes: list[str]) -> None:
    if not (len(township_code) == 9 and township_code.isdigit()):
        raise AreaCodeError(code=township_code, digits=9)
    for code in village_codes:
        if not (len(code) == 12 and code.isdigit() and code.startswith(township_code)):
            raise AreaCodeError(code=code, digits=12)


def login_users(data_dir: Path) -> list[LoginUser]:
    """The users listed on the login screen (read from the key slots, before unlocking)."""
    if not store_exists(data_dir):
        return []
    return [LoginUser(s.username, s.display_name) for s in KeySlots.load(data_dir).users()]


def has_store(data_dir: Path) -> bool:
    return store_exists(data_dir)


class Session:
    def __init__(self, store: Store, user: UserRecord) -> None:
        self.store = store
        self.user = user
        self._lock = threading.RLock()
        self._reader_lock = threading.Lock()
        self._reader = None  # a second connection for background reads (status)

    # -- opening ----------------------------------------------------------------------
    @classmethod
    def setup(cls, data_dir: Path, info: SetupInfo) -> tuple[Session, str]:
        """Create the store with its first administrator; returns the session and the
        recovery key (show it once)."""
        check_username(info.admin_username)
        check_password(info.admin_password)
        check_area_codes(info.township_code, info.village_codes)
        store, admin, recovery = Store.create(
            data_dir, clinic_name=info.clinic_name.strip(), township_code=info.township_code,
            village_codes=info.village_codes, admin_username=info.admin_username,
            admin_display_name=info.admin_display_name.strip() or info.admin_username,
            admin_password=info.admin_password, language=info.language, kdf=info.kdf)
        return cls(store, admin), recovery

    @classmethod
    def login(cls, data_dir: Path, username: str, password: str) -> Session:
        store, user = Store.unlock(data_dir, username, password)
        return cls(store, user)

    @classmethod
    def recover(cls, data_dir: Path, recovery_key: str, username: str, new_password: str,
                kdf: KdfParams | None = None) -> Session:
        """Open with the recovery key and give *username* a new password."""
        check_password(new_password)
        store = Store.unlock_recovery(data_dir, recovery_key)
        try:
            user = next((u for u in store.users() if u.username == username), None)
            if user is None:
                raise UsernameInvalidError(username)
            store.change_password(None, user.id, new_password, kdf)
        except BaseException:
            store.close()
            raise
        return cls(store, user)

    def close(self) -> None:
        """Close the store and forget the key (lock, log out, quit)."""
        with self._lock:
            with self._reader_lock:
                if self._reader is not None:
                    self._reader.close()
                    self._reader = None
            if not self.store.closed:
                audit.record(self.store.conn, self.user.id, "logout")
                self.store.close()

    @property
    def closed(self) -> bool:
        return self.store.closed

    # -- status -----------------------------------------------------------------------
    def status(self) -> Status:
        """The status-bar figures. Counting a large outbox takes a moment, so this reads on
        a connection of its own and never holds up the session's writes: call it off the
        GUI thread."""
        with self._reader_lock:
            if self._reader is None:
                self._reader = self.store.connect()
            conn = self._reader
            last = read_meta(conn, "hlc")
            largest = hlc.parse(last) if last else hlc.ZERO
            return Status(
                user_display_name=self.user.display_name,
                user_role=self.user.role,
                pending_changes=pending_count(conn),
                last_sync=read_meta(conn, "last_sync_at"),
                clock_wrong=hlc.clock_is_wrong(now_ms(), largest),
                clinic_name=read_meta(conn, "clinic_name", "") or "",
            )

    def auto_lock_minutes(self) -> int:
        return int(self.store.meta("auto_lock_minutes", "10") or 10)

    def set_auto_lock_minutes(self, minutes: int) -> Changes:
        self._require_admin()
        self.store.set_meta(self.user.id, "auto_lock_minutes", str(max(1, min(240, minutes))))
        return Changes(settings=True)

    def areas(self) -> tuple[str, list[str]]:
        import json

        return (self.store.meta("township_code", "") or "",
                json.loads(self.store.meta("village_codes", "[]") or "[]"))

    # -- users ------------------------------------------------------------------------
    def users(self) -> list[UserRecord]:
        return self.store.users()

    def add_user(self, username: str, display_name: str, role: str, areas: list[str],
                 password: str, kdf: KdfParams | None = None) -> Changes:
        self._require_admin()
        check_username(username)
        check_password(password)
        if role not in ROLES:
            raise ValueError(role)
        if any(u.username == username for u in self.store.users()) or any(
                s.username == username for s in self.store.slots.users()):
            raise UsernameTakenError(username)
        with self._lock:
            user = self.store.add_user(self.user.id, username, display_name.strip() or username,
                                       role, areas, password, language=self.user.language,
                                       kdf=kdf)
        return Changes(users=True, ids=(user.id,))

    def remove_user(self, user_id: str) -> Changes:
        self._require_admin()
        admins = [u for u in self.store.users() if u.is_admin]
        if len(admins) == 1 and admins[0].id == user_id:
            raise LastAdminError()
        with self._lock:
            self.store.remove_user(self.user.id, user_id)
        return Changes(users=True, ids=(user_id,))

    def change_password(self, new_password: str, user_id: str | None = None,
                        kdf: KdfParams | None = None) -> Changes:
        """Change the own password, or (administrators) another user's."""
        target = user_id or self.user.id
        if target != self.user.id:
            self._require_admin()
        check_password(new_password)
        with self._lock:
            self.store.change_password(self.user.id, target, new_password, kdf)
        return Changes(users=True, ids=(target,))

    def set_language(self, language: str) -> Changes:
        with self._lock:
            self.store.update_user(self.user.id, self.user.id, language=language)
            self.user = self.store.user(self.user.id) or self.user
        return Changes(users=True, ids=(self.user.id,))

    def integrity_problems(self, should_stop: Callable[[], bool] | None = None
                           ) -> list[str] | None:
        """Damaged pages and broken structure found by reading the whole file, on a
        connection of its own (so the GUI's reads are not held up); empty when healthy,
        None when *should_stop* returned True before the end. Reads every page (about
        20 s for a 2 GB store): run it off the GUI thread."""
        conn = self.store.connect()
        try:
            if should_stop is not None:
                conn.set_progress_handler(lambda: 1 if should_stop() else 0, 10_000)
            problems = integrity_errors(conn)
            return None if should_stop is not None and should_stop() else problems
        finally:
            conn.close()

    # -- backups ----------------------------------------------------------------------
    def backup_now(self, target_dir: Path | None = None) -> Path:
        with self._lock:
            return self.store.backup("manual", target_dir)

    def backups(self) -> list[backup.BackupInfo]:
        return backup.list_backups(backup.backup_dir(self.store.data_dir))

    def _require_admin(self) -> None:
        if not self.user.is_admin:
            raise PermissionDeniedError(self.user.role)


def restore_backup(data_dir: Path, backup_path: Path) -> Path:
    """Replace a (damaged) store file with *backup_path*; the store must be closed."""
    return backup.restore_file(data_dir, backup_path)


def list_backups(data_dir: Path) -> list[backup.BackupInfo]:
    return backup.list_backups(backup.backup_dir(data_dir))


def calibrated_kdf() -> KdfParams:
    return keys.calibrate()


def versions() -> dict[str, str]:
    """Versions of Eke and of the libraries below the UI, for Help → About."""
    import platform

    import sqlcipher3

    from desktop import __version__

    conn = sqlcipher3.connect(":memory:")
    try:
        cipher = conn.execute("PRAGMA cipher_version").fetchone()[0]
    finally:
        conn.close()
    return {"eke": __version__, "python": platform.python_version(),
            "sqlcipher": str(cipher), "sqlite": sqlcipher3.sqlite_version}
