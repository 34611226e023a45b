"""The one facade the UI and the commands call (style.md example 2).

A Session is one user's unlocked store. Mutations check the user's role, write through the
store's one write path and return a summary of what changed so screens can redraw.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from desktop.domain import hlc
from desktop.services import backups, worklist_hook
from desktop.services.changes import Changes
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
from desktop.store.writer import read_meta, write_meta

MIN_PASSWORD = 6
USERNAME_RE = re.compile(r"^[A-Za-z0-9._-]{2,32}$")


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
    """One user's unlocked store.

    Threads: `self.store.conn` is one connection, used by the GUI thread and by background
    tasks alike, so every use of it holds `self._lock` (two threads in one connection would
    meet inside each other's transactions). Long reads and copies open a connection of
    their own instead (status, integrity_problems, backups, sync, reports, the high-risk
    register and the children list), so the GUI thread does not wait for them; close()
    waits for the lock before closing the store.
    """

    def __init__(self, store: Store, user: UserRecord) -> None:
        self.store = store
        self.user = user
        worklist_hook.install()  # saves refresh the worklist's stored items from now on
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

    @contextmanager
    def _own_connection(self) -> Iterator[Any]:
        """A connection for one long read off the GUI thread, without the session lock
        (a register of 100,000 persons took 1–2 s: saves and settings would wait)."""
        conn = self.store.connect()
        try:
            yield conn
        finally:
            conn.close()

    # -- status -----------------------------------------------------------------------
    def status(self) -> Status:
        """The status-bar figures. Counting a large outbox takes a moment, so this reads on
        a connection of its own and never holds up the session's writes: call it off the
        GUI thread."""
        with self._reader_lock:
            if self._reader is None:
                self._reader = self.store.connect()
            conn = self._reader
            # The largest HLC heard from central counts too: our own HLC may lag it.
            last = max(read_meta(conn, "hlc") or "", read_meta(conn, "hlc_max_seen") or "")
            largest = hlc.parse(last) if last else hlc.ZERO
            return Status(
                user_display_name=self.user.display_name,
                user_role=self.user.role,
                pending_changes=pending_count(conn),
                last_sync=read_meta(conn, "last_sync_at"),
                clock_wrong=hlc.clock_is_wrong(self.store.clock_ms(), largest),
                clinic_name=read_meta(conn, "clinic_name", "") or "",
            )

    def auto_lock_minutes(self) -> int:
        with self._lock:
            return int(self.store.meta("auto_lock_minutes", "10") or 10)

    def set_auto_lock_minutes(self, minutes: int) -> Changes:
        self._require_admin()
        with self._lock:
            self.store.set_meta(self.user.id, "auto_lock_minutes",
                                str(max(1, min(240, minutes))))
        return Changes(settings=True)

    def areas(self) -> tuple[str, list[str]]:
        import json

        with self._lock:
            return (self.store.meta("township_code", "") or "",
                    json.loads(self.store.meta("village_codes", "[]") or "[]"))

    # -- users ------------------------------------------------------------------------
    def users(self) -> list[UserRecord]:
        with self._lock:
            return self.store.users()

    def add_user(self, username: str, display_name: str, role: str, areas: list[str],
                 password: str, kdf: KdfParams | None = None) -> Changes:
        self._require_admin()
        check_username(username)
        check_password(password)
        if role not in ROLES:
            raise ValueError(role)
        with self._lock:
            if any(u.username == username for u in self.store.users()) or any(
                    s.username == username for s in self.store.slots.users()):
                raise UsernameTakenError(username)
            user = self.store.add_user(self.user.id, username, display_name.strip() or username,
                                       role, areas, password, language=self.user.language,
                                       kdf=kdf)
        return Changes(users=True, ids=(user.id,))

    def remove_user(self, user_id: str) -> Changes:
        self._require_admin()
        with self._lock:
            admins = [u for u in self.store.users() if u.is_admin]
            if len(admins) == 1 and admins[0].id == user_id:
                raise LastAdminError()
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

    def run_backup(self, should_stop: Callable[[], bool] | None = None
                   ) -> backups.BackupOutcome:
        """A backup now, in the data folder and the chosen extra folder (seconds per
        100 MB; own connection, saves go on): call it off the GUI thread."""
        return backups.run_backup(self.store, "manual", should_stop=should_stop,
                                  lock=self._lock)

    def run_daily_backup(self, should_stop: Callable[[], bool] | None = None
                         ) -> backups.BackupOutcome | None:
        """The day's automatic backup if none was made today, else None (off the GUI
        thread; any user's session makes it)."""
        return backups.run_daily_backup(self.store, should_stop=should_stop, lock=self._lock)

    def all_backups(self) -> list[backups.BackupEntry]:
        """Backups in the data folder and the extra folder (when present), newest first."""
        with self._lock:
            return backups.list_all(self.store)

    def backup_folder(self) -> str:
        with self._lock:
            folder = backups.extra_folder(self.store)
        return str(folder) if folder else ""

    def set_backup_folder(self, folder: str | None) -> Changes:
        """Administrators choose the extra backup folder (a USB drive); None forgets it."""
        self._require_admin()
        with self._lock:
            backups.set_extra_folder(self.store, self.user.id, folder)
        return Changes(settings=True)

    def restore_backup(self, path: Path) -> Path:
        """Administrators put a backup of this store in place of the data and the session
        ends (log in again). Returns where the replaced file was kept."""
        self._require_admin()
        with self._lock:
            with self._reader_lock:
                if self._reader is not None:
                    self._reader.close()
                    self._reader = None
            return backups.restore(self.store, self.user.id, path)

    def export_for_move(self, folder: Path) -> Path:
        """Administrators write the package that moves this store to another laptop
        (opens there with a user's password or the recovery key). Off the GUI thread."""
        from desktop import __version__

        self._require_admin()
        return backups.export_package(self.store, folder, __version__)

    # -- sync (desktop/services/sync_service.py, conflicts.py) ------------------------------
    def sync_now(self, endpoint: str | None = None, progress=None, cancelled=None):  # noqa: ANN001, ANN201
        """Sync once with central (see sync_service.sync_once); off the GUI thread."""
        from desktop.services import sync_service

        return sync_service.sync_once(self, endpoint, progress, cancelled)

    def auto_sync(self, cancelled=None, progress=None):  # noqa: ANN001, ANN201
        """Sync if enrolled, switched on, changes are pending and central answers, else None."""
        from desktop.services import sync_service

        return sync_service.auto_sync(self, cancelled, progress)

    def enroll(self, endpoint: str, code: str) -> dict:
        """Enrol this laptop with a one-time code (administrators only)."""
        from desktop.services import sync_service

        return sync_service.enroll(self, endpoint, code)

    def sync_overview(self):  # noqa: ANN201
        from desktop.services import sync_service

        return sync_service.overview(self)

    def set_auto_sync(self, enabled: bool, minutes: int | None = None) -> Changes:
        """Switch the background sync on or off, and how often it checks (1–240 minutes);
        one transaction, so no reader sees the switch without its interval."""
        values = {"auto_sync": "1" if enabled else "0"}
        if minutes is not None:
            values["auto_sync_minutes"] = str(max(1, min(240, int(minutes))))
        with self._lock, self.store.transaction(self.user.id) as tx:
            for key, value in values.items():
                write_meta(tx.conn, key, value)
                tx.note("setting", detail=key)
        return Changes(settings=True)

    def auto_sync_minutes(self) -> int:
        """How often the background sync checks (minutes; 5 unless set)."""
        with self._lock:
            try:
                return int(self.store.meta("auto_sync_minutes", "5") or 5)
            except ValueError:
                return 5

    def conflicts(self) -> list:
        from desktop.services import conflicts

        return conflicts.list_conflicts(self)

    def resolve_conflict(self, conflict_id: int, choice: str) -> Changes:
        """Keep the "local" or "remote" value of a conflict (written as a new change)."""
        from desktop.services import conflicts

        done = conflicts.resolve(self, conflict_id, choice)
        return Changes(tables=frozenset({done["table"]}), ids=(done["id"],))

    def sync_errors(self) -> list:
        from desktop.services import conflicts

        return conflicts.list_errors(self)

    def retry_sync_errors(self) -> int:
        from desktop.services import conflicts

        return conflicts.retry_errors(self)

    def _require_admin(self) -> None:
        if not self.user.is_admin:
            raise PermissionDeniedError(self.user.role)

    # -- child health (issue 4): thin wrappers over desktop/services/children.py --------
    # Dates default to today's local date; pass `today` to pin it (tests, back-entry).

    def register_child(self, fields: dict, today: date | None = None) -> Changes:
        """Register a child born elsewhere (fields: see children.register_child)."""
        from desktop.services import children

        with self._lock:
            saved = children.register_child(self.store, self.user, fields,
                                            today or date.today())
        return Changes(tables=frozenset({"persons"}), ids=(saved["id"],))

    def record_child_visit(self, child_id: str, kind: str, fields: dict,
                           confirmed: bool = False, today: date | None = None):
        """Save a newborn visit, 28-day check, regular or special-management check; returns
        children.VisitResult (ids, z-scores, findings, referral). InvalidFormError or
        ConfirmationNeededError (with .issues) when nothing was saved."""
        from desktop.services import children

        with self._lock:
            return children.record_visit(self.store, self.user, child_id, kind, fields,
                                         today or date.today(), confirmed)

    def record_newborn_visit(self, child_id: str, fields: dict, confirmed: bool = False,
                             today: date | None = None):
        return self.record_child_visit(child_id, "newborn", fields, confirmed, today)

    def record_month_check(self, child_id: str, fields: dict, confirmed: bool = False,
                           today: date | None = None):
        return self.record_child_visit(child_id, "28d", fields, confirmed, today)

    def check_child_visit(self, child_id: str, kind: str, fields: dict,
                          today: date | None = None) -> list:
        """The ValidationIssues a save of *fields* would meet, without saving."""
        from desktop.services import children

        with self._lock:
            return children.check_visit_form(self.store, self.user, child_id, kind, fields,
                                             today or date.today())

    def record_vaccination(self, child_id: str, dose: dict, confirmed: bool = False,
                           today: date | None = None) -> Changes:
        from desktop.services import children

        with self._lock:
            dose_id = children.record_vaccination(self.store, self.user, child_id, dose,
                                                  today or date.today(), confirmed)
        return Changes(tables=frozenset({"vaccinations"}), ids=(dose_id,))

    def vaccination_plan(self, child_id: str, today: date | None = None) -> list:
        """vaccines.DoseStatus for every dose: given, due, overdue (catch-up), upcoming…"""
        from desktop.services import children

        with self._lock:
            return children.vaccination_plan(self.store.conn, self.user, child_id,
                                             today or date.today())

    def child_growth(self, child_id: str, indicator: str) -> tuple:
        """(sex, [children.GrowthPoint]) for one chart: "waz", "lhaz", "wfl", "wfh", "hcz"."""
        from desktop.services import children

        with self._lock:
            return children.growth_data(self.store.conn, self.user, child_id, indicator)

    def child_record(self, child_id: str, today: date | None = None) -> dict:
        """Person, visits, doses, schedule windows and vaccination plan of one child."""
        from desktop.services import children

        with self._lock:
            return children.child_record(self.store.conn, self.user, child_id,
                                         today or date.today())

    def report_child_death(self, child_id: str, fields: dict,
                           today: date | None = None) -> Changes:
        from desktop.services import children

        with self._lock:
            saved = children.report_death(self.store, self.user, child_id, fields,
                                          today or date.today())
        return Changes(tables=frozenset({"case_reports", "persons"}),
                       ids=(saved["id"], child_id))

    def report_birth_defect(self, child_id: str, fields: dict,
                            today: date | None = None) -> Changes:
        from desktop.services import children

        with self._lock:
            saved = children.report_birth_defect(self.store, self.user, child_id, fields,
                                                 today or date.today())
        return Changes(tables=frozenset({"case_reports", "persons"}),
                       ids=(saved["id"], child_id))

    def children_list(self, query: str = "", today: date | None = None,
                      ids: list[str] | None = None) -> list:
        """child_list.ChildSummary rows for the Children page (a query, or the youngest
        children, or exactly *ids*); off the GUI thread."""
        from desktop.services import child_list

        with self._own_connection() as conn:
            return child_list.list_children(self.store, self.user, query,
                                            today or date.today(), ids=ids, conn=conn)


    # -- maternal care (issue 3): thin wrappers over registration, visits, cases,
    # worklist, search and records in desktop/services. Dates default to today's local
    # date; pass `today` to pin it. Mutations return SavedChanges (Changes + warnings);
    # bad input raises ValidationError (.issues) and writes nothing.

    def check_woman(self, fields: dict, today: date | None = None):
        """registration.WomanCheck (values, issues, possible duplicates) without saving."""
        from desktop.services import registration

        with self._lock:
            return registration.check_new_woman(self.store, fields, today=today or date.today())

    def register_woman(self, fields: dict, duplicates_seen: bool = False,
                       today: date | None = None) -> Changes:
        """New woman; PossibleDuplicateError (.duplicates) unless *duplicates_seen*."""
        from desktop.services import registration

        with self._lock:
            return registration.register_woman(self.store, self.user, fields,
                                               today=today or date.today(),
                                               duplicates_seen=duplicates_seen)

    def update_woman(self, person_id: str, fields: dict, today: date | None = None) -> Changes:
        from desktop.services import registration

        with self._lock:
            return registration.update_woman(self.store, self.user, person_id, fields,
                                             today=today or date.today())

    def register_pregnancy(self, person_id: str, fields: dict,
                           today: date | None = None) -> Changes:
        from desktop.services import registration

        with self._lock:
            return registration.register_pregnancy(self.store, self.user, person_id, fields,
                                                   today=today or date.today())

    def update_pregnancy(self, pregnancy_id: str, fields: dict,
                         today: date | None = None) -> Changes:
        from desktop.services import registration

        with self._lock:
            return registration.update_pregnancy(self.store, self.user, pregnancy_id, fields,
                                                 today=today or date.today())

    def record_prenatal_visit(self, pregnancy_id: str, fields: dict,
                              today: date | None = None) -> Changes:
        from desktop.services import visits

        with self._lock:
            return visits.record_prenatal_visit(self.store, self.user, pregnancy_id, fields,
                                                today=today or date.today())

    def record_delivery(self, pregnancy_id: str, fields: dict,
                        today: date | None = None) -> Changes:
        """Delivery; ids = (delivery id, child ids…)."""
        from desktop.services import visits

        with self._lock:
            return visits.record_delivery(self.store, self.user, pregnancy_id, fields,
                                          today=today or date.today())

    def record_postpartum_visit(self, pregnancy_id: str, fields: dict,
                                today: date | None = None) -> Changes:
        from desktop.services import visits

        with self._lock:
            return visits.record_postpartum_visit(self.store, self.user, pregnancy_id,
                                                  fields, today=today or date.today())

    def report_maternal_death(self, person_id: str, fields: dict,
                              today: date | None = None) -> Changes:
        from desktop.services import visits

        with self._lock:
            return visits.report_maternal_death(self.store, self.user, person_id, fields,
                                                today=today or date.today())

    def open_record(self, person_id: str):
        """records.PersonRecord of one person (an audited read)."""
        from desktop.services import records

        with self._lock:
            return records.open_record(self.store, self.user, person_id)

    def search(self, query: str, limit: int = 50) -> list:
        """search.PersonHit list for what the user typed (names, pinyin, ID, phone…)."""
        from desktop.services import search

        with self._lock:
            return search.search_persons(self.store, self.user, query, limit)

    def worklist(self, today: date | None = None):
        """worklist.Worklist (rows; by_village() groups them) of the user's villages."""
        from desktop.services import worklist

        with self._lock:
            return worklist.worklist(self.store, self.user, today=today or date.today())

    def mark_work_item(self, row, outcome: str, reason: str,
                       today: date | None = None) -> Changes:
        """outcome "not_reachable" (back in a week) or "moved_away" (gone for good)."""
        from desktop.services import worklist

        with self._lock:
            return worklist.mark(self.store, self.user, row, outcome, reason,
                                 today=today or date.today())

    def high_risk_register(self, include_closed: bool = False) -> list[dict]:
        from desktop.services.access import visible_areas
        from desktop.store.repositories import maternal

        with self._own_connection() as conn:
            return maternal.high_risk_register(conn, visible_areas(self.user), include_closed)

    def set_case_status(self, case_id: str, status: str, outcome: str | None = None,
                        referred_to: str | None = None, today: date | None = None) -> Changes:
        from desktop.services import cases

        with self._lock:
            return cases.set_status(self.store, self.user, case_id, status,
                                    on=today or date.today(), outcome=outcome,
                                    referred_to=referred_to)

    def record_case_followup(self, case_id: str, fields: dict,
                             today: date | None = None) -> Changes:
        from desktop.services import cases

        with self._lock:
            return cases.record_followup(self.store, self.user, case_id, fields,
                                         today=today or date.today())

    def ongoing_pregnancies(self, person_ids: list[str]) -> dict[str, dict]:
        """person id → {id, edd, risk_colours} of her ongoing pregnancy, for list rows (a
        list is not a record open, so this read is not audited; at most 500 ids)."""
        from desktop.store.repositories import maternal

        ids = list(dict.fromkeys(person_ids))[:500]
        if not ids:
            return {}
        with self._lock:
            found = maternal.rows(
                self.store.conn, "SELECT id, person_id, edd, risk_colours FROM pregnancies"
                " WHERE deleted = 0 AND status = 'ongoing' AND person_id IN"
                f" ({','.join('?' * len(ids))})", ids)
        return {r["person_id"]: r for r in found}

    # -- printing (issue 7): the data side of desktop/services/printing_service.py; the
    # Qt side (desktop/printing) lays it out. Every print is logged and audited.

    def handbook_data(self, person_id: str, today: date | None = None) -> dict:
        """Everything one person's printed handbook shows, as plain dicts (audited read)."""
        from desktop.services import printing_service

        with self._lock:
            return printing_service.handbook_data(self, person_id, today or date.today())

    def pages_changed_since_print(self, person_id: str, pages: list[tuple[str, str]]
                                  ) -> list[str]:
        """Keys of *pages* ((key, content hash)) not printed as they are now."""
        from desktop.services import printing_service

        return printing_service.changed_pages(self, person_id, pages)

    def record_print(self, person_id: str | None, pages: list[tuple[str, str]], target: str,
                     page_size: str) -> None:
        """Log printed pages in the print log and the audit (one transaction)."""
        from desktop.services import printing_service

        printing_service.record_print(self, person_id, pages, target, page_size)

    def visit_sheets_data(self, today: date | None = None) -> list[dict]:
        """One dict per visit due today or overdue on the user's worklist."""
        from desktop.services import printing_service

        return printing_service.visit_sheets_data(self, today or date.today())

    def record_sheets_print(self, person_ids: list[str], sheets: int, target: str,
                            page_size: str) -> None:
        from desktop.services import printing_service

        printing_service.record_batch_print(self, person_ids, sheets, target, page_size)

    # -- USB bundles (desktop/services/bundles.py) ------------------------------------------
    def export_bundle(self, target: Path, progress=None, cancelled=None):  # noqa: ANN001, ANN201
        """Write pending changes to encrypted bundle file(s) in the folder (or file)
        *target* for central; see bundles.export_bundle. Off the GUI thread."""
        from desktop.services import bundles

        return bundles.export_bundle(self, Path(target), progress, cancelled)

    def import_bundle(self, source: Path, progress=None, cancelled=None):  # noqa: ANN001, ANN201
        """Apply a bundle central wrote for this laptop; see bundles.import_bundle. Off the
        GUI thread."""
        from desktop.services import bundles

        return bundles.import_bundle(self, Path(source), progress, cancelled)


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


def install_package(data_dir: Path, source: Path) -> str:
    """First run on a new laptop: install a move package (or a backup with its key slot
    file beside it) into the empty *data_dir*; then log in as usual."""
    return backups.install_package(data_dir, source)
