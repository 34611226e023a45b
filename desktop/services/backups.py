"""Backups as the user sees them: a daily copy, copies on a chosen extra folder (a USB
drive), the list to restore from, restoring, and the package that moves a whole store to
another laptop. The Session facade calls these; the commands `backup` and `restore` too.

Every copy is encrypted under the store's data key (store/backup.py), so a lost USB stick
reveals nothing without a user's password or the recovery key.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from desktop.store import audit, backup
from desktop.store.database import Store
from desktop.store.writer import read_meta, write_meta

FOLDER_META = "backup_folder"  # the administrator's extra folder (this laptop only)
TOLD_META = "backup_folder_missing_told"  # "1" once the user heard the folder was absent
LOCATION_DATA = "data"
LOCATION_EXTRA = "extra"

# One automatic backup at a time per process: the start-up check and the timer can meet.
_daily_lock = threading.Lock()


@dataclass(frozen=True)
class BackupEntry:
    """One backup file as the Backups list shows it (made_at in UTC, size in bytes)."""

    path: Path
    made_at: datetime
    reason: str
    size: int
    location: str  # LOCATION_DATA or LOCATION_EXTRA


@dataclass(frozen=True)
class BackupOutcome:
    """What one backup run made.

    extra_missing: a folder is chosen but the copy could not go there (USB stick not
    plugged in, full or read-only); the data-folder copy was still made.
    tell_user: extra_missing, and the user has not been told since the folder last worked
    (tell once, not at every daily backup).
    """

    made: tuple[Path, ...]
    extra_folder: Path | None
    extra_missing: bool = False
    tell_user: bool = False


def extra_folder(store: Store) -> Path | None:
    """The chosen extra folder, or None when none is chosen."""
    folder = read_meta(store.conn, FOLDER_META, "") or ""
    return Path(folder) if folder else None


def extra_target(store: Store, folder: Path) -> Path:
    """Where this store's copies go inside *folder*: one sub-folder per store, so laptops
    sharing one USB stick never mix their backups or key slot files."""
    return folder / f"eke-{store.store_id}"


def set_extra_folder(store: Store, user_id: str, folder: str | None) -> None:
    """Choose (or with None/"" forget) the extra folder; resets the told-once flag."""
    with store.transaction(user_id) as tx:
        write_meta(store.conn, FOLDER_META, str(Path(folder)) if folder else "")
        write_meta(store.conn, TOLD_META, "")
        tx.note("setting", detail=FOLDER_META)


def run_backup(store: Store, reason: str = "manual", now: datetime | None = None,
               should_stop: Callable[[], bool] | None = None,
               lock: threading.RLock | None = None) -> BackupOutcome:
    """Back up into the data folder, then copy to the extra folder when it is there.

    The copy is made on a connection of its own (saves go on meanwhile); *lock* guards
    the session connection for the small meta reads and writes (the extra folder, the
    told-once flag). Raises BackupStoppedError when *should_stop* turns True; an absent
    or failing extra folder is reported in the outcome, never raised.
    """
    now = now or datetime.now(UTC)
    first = store.backup(reason, None, should_stop=should_stop, now=now)
    made = [first]
    with lock or threading.RLock():
        folder = extra_folder(store)
    if folder is None:
        return BackupOutcome(tuple(made), None)
    missing = False
    if folder.is_dir():
        try:
            made.append(_copy_to(first, extra_target(store, folder), reason, store))
        except OSError:
            missing = True  # full or read-only drive: the data-folder copy still stands
    else:
        missing = True
    tell = False
    with lock or threading.RLock():
        told = (read_meta(store.conn, TOLD_META, "") or "") == "1"
        if missing and not told:
            tell = True
            _write_flag(store, "1")
        elif not missing and told:
            _write_flag(store, "")
    return BackupOutcome(tuple(made), folder, missing, tell)


def _write_flag(store: Store, value: str) -> None:
    with store.transaction(None) as tx:
        write_meta(store.conn, TOLD_META, value)
        tx.note("setting", detail=TOLD_META)


def _copy_to(source: Path, target_dir: Path, reason: str, store: Store) -> Path:
    """Copy a finished backup file into *target_dir* (temporary name, then rename), with
    the key slot file beside it, and prune old copies there."""
    target_dir.mkdir(parents=True, exist_ok=True)
    final = target_dir / source.name
    partial = final.with_suffix(".partial")
    try:
        shutil.copyfile(source, partial)
        with open(partial, "rb+") as fh:
            os.fsync(fh.fileno())
        partial.replace(final)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    backup.copy_slots(store.slots.path, target_dir)
    backup.prune(target_dir, reason)
    return final


def daily_due(store: Store, now: datetime | None = None) -> bool:
    """True when no daily backup was made on this local calendar day (first unlock of a
    day; the program's timer asks again while it runs)."""
    now = now or datetime.now(UTC)
    today = now.astimezone().date()
    return not any(b.reason == "daily" and b.made_at.astimezone().date() == today
                   for b in backup.list_backups(backup.backup_dir(store.data_dir)))


def run_daily_backup(store: Store, now: datetime | None = None,
                     should_stop: Callable[[], bool] | None = None,
                     lock: threading.RLock | None = None) -> BackupOutcome | None:
    """The daily backup if it is due and no other automatic backup is running; None when
    nothing was to do. Takes seconds per 100 MB: call it off the GUI thread."""
    if not _daily_lock.acquire(blocking=False):
        return None
    try:
        if not daily_due(store, now):
            return None
        return run_backup(store, "daily", now, should_stop, lock)
    finally:
        _daily_lock.release()


def list_all(store: Store) -> list[BackupEntry]:
    """Backups in the data folder and, when it is plugged in, the extra folder; newest
    first."""
    entries = [BackupEntry(b.path, b.made_at, b.reason, b.size, LOCATION_DATA)
               for b in backup.list_backups(backup.backup_dir(store.data_dir))]
    folder = extra_folder(store)
    if folder is not None and folder.is_dir():
        entries += [BackupEntry(b.path, b.made_at, b.reason, b.size, LOCATION_EXTRA)
                    for b in backup.list_backups(extra_target(store, folder))]
    return sorted(entries, key=lambda e: (e.made_at, e.location), reverse=True)


def restore(store: Store, user_id: str, path: Path, now: datetime | None = None) -> Path:
    """Put the backup at *path* in place of the store and close the store.

    Checks first that the backup belongs to this store (BackupForeignError otherwise) and
    is not from a newer program; copies the current file as a "restore" backup (so the
    restore can be undone from the list) and moves it aside (data/replaced/<time>/).
    Returns where it was moved. The caller must log in again: an older backup is upgraded
    then, after a migration backup.
    """
    store.check_backup(path)
    store.backup("restore")
    audit.record(store.conn, user_id, "restore_backup", detail=path.name)
    data_dir = store.data_dir
    store.close()
    return backup.restore_file(data_dir, path, now)


def export_package(store: Store, folder: Path, program_version: str,
                   now: datetime | None = None) -> Path:
    """Write the move package (a backup copy and the key slot file, zipped) into *folder*
    as eke-move-<time>.zip; returns its path. It opens only with a user's password or the
    recovery key of this store."""
    now = now or datetime.now(UTC)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"eke-move-{now.astimezone().strftime('%Y%m%d-%H%M%S')}.zip"
    with tempfile.TemporaryDirectory(dir=store.data_dir) as tmp:
        copy = store.backup("manual", Path(tmp))
        version = store.check_backup(copy)
        return backup.write_package(copy, store.slots.path, target, store.store_id,
                                    version, now, program_version)


def install_package(data_dir: Path, source: Path) -> str:
    """Install a move package or a backup (with its key slot file beside it) into the
    empty *data_dir*; returns the store id. Log in afterwards to open it."""
    return backup.install_package(data_dir, source)



def copy_to_folder(store: Store, source: Path, folder: Path) -> Path:
    """Copy the finished backup *source* into *folder* (this store's sub-folder there,
    with the key slot file beside it); for `python -m desktop backup --to FOLDER`."""
    reason = source.stem.split("-")[-1]
    return _copy_to(source, extra_target(store, folder), reason, store)


def remove_installed(data_dir: Path) -> None:
    """Undo install_package in *data_dir* (which was empty before): the installed store
    did not open, so nothing of it may stay to block a second try."""
    for name in ("eke.db", "eke.db-wal", "eke.db-shm", "keyslots.json"):
        (data_dir / name).unlink(missing_ok=True)
