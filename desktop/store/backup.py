"""Encrypted backups: whole-store copies under the same data key, so every key slot and
the recovery key open them. File names carry a time and a reason, never personal data.

Also the move package (a backup copy and the key slot file in one zip) that carries a
whole store to another laptop: the data key inside stays wrapped under the users'
passwords and the recovery key, so the package opens only with one of them.
"""

from __future__ import annotations

import json
import os
import shutil
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import sqlcipher3

from desktop.store import keys, migrations
from desktop.store.connection import DB_FILE
from desktop.store.errors import (
    StoreError,
    StoreExistsError,
    StoreTooNewError,
    mapped_db_errors,
)

BACKUP_DIR = "backups"
# "restore": the current file, copied just before a backup replaces it (undo a restore).
KEEP = {"daily": 14, "migration": 5, "manual": 10, "restore": 5}
PACKAGE_FORMAT = 1
PACKAGE_MANIFEST = "eke-package.json"
# sqlcipher_export checks the stop flag every this many virtual machine steps.
STOP_CHECK_STEPS = 1_000


class BackupForeignError(StoreError):
    """The backup does not open with this store's key: another store's, or damaged."""

    code = "store.backup_foreign"


class BackupStoppedError(StoreError):
    """The backup was stopped before it was complete (lock or quit); nothing was kept."""

    code = "store.backup_stopped"


class PackageInvalidError(StoreError):
    """The chosen file is not an Eke move package or backup that can be installed."""

    code = "store.package_invalid"


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    made_at: datetime
    reason: str
    size: int


def backup_dir(data_dir: Path) -> Path:
    return data_dir / BACKUP_DIR


def make_backup(conn: sqlcipher3.Connection, key: bytes, target_dir: Path, reason: str,
                now: datetime | None = None,
                should_stop: Callable[[], bool] | None = None) -> Path:
    """Copy the open store into *target_dir* (encrypted with *key*) and prune old copies.

    The copy is written to a temporary name and renamed when complete, so a power cut never
    leaves a half backup that looks whole. When *should_stop* returns True the copy is
    abandoned and BackupStoppedError raised. Reads in one read transaction: on a
    connection of its own it never holds up writers (WAL).
    """
    if reason not in KEEP:
        raise ValueError(f"unknown backup reason {reason}")
    target_dir.mkdir(parents=True, exist_ok=True)
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%S%fZ")
    final = target_dir / f"eke-{stamp}-{reason}.db"
    partial = final.with_suffix(".partial")
    if should_stop is not None:
        if should_stop():
            raise BackupStoppedError(str(target_dir))
        conn.set_progress_handler(lambda: 1 if should_stop() else 0, STOP_CHECK_STEPS)
    try:
        with mapped_db_errors():
            conn.execute(f"ATTACH DATABASE ? AS backup KEY \"x'{key.hex()}'\"", (str(partial),))
            try:
                conn.execute("SELECT sqlcipher_export('backup')")
                version = conn.execute("PRAGMA main.user_version").fetchone()[0]
                conn.execute(f"PRAGMA backup.user_version = {int(version)}")
            finally:
                if should_stop is not None:
                    conn.set_progress_handler(None, 0)
                conn.execute("DETACH DATABASE backup")
        with open(partial, "rb+") as fh:
            os.fsync(fh.fileno())
    except BaseException as exc:
        partial.unlink(missing_ok=True)  # a full disk must not also fill up with halves
        if should_stop is not None and should_stop() and isinstance(exc, StoreError):
            raise BackupStoppedError(str(target_dir)) from exc
        raise
    os.replace(partial, final)
    prune(target_dir, reason)
    return final


def list_backups(target_dir: Path) -> list[BackupInfo]:
    """Backups in *target_dir*, newest first."""
    found = []
    for path in target_dir.glob("eke-*.db"):
        parts = path.stem.split("-")
        if len(parts) != 3:
            continue
        try:
            made = datetime.strptime(parts[1], "%Y%m%dT%H%M%S%fZ").replace(tzinfo=UTC)
        except ValueError:
            continue
        found.append(BackupInfo(path, made, parts[2], path.stat().st_size))
    return sorted(found, key=lambda b: b.made_at, reverse=True)


def prune(target_dir: Path, reason: str) -> None:
    for old in [b for b in list_backups(target_dir) if b.reason == reason][KEEP[reason]:]:
        old.path.unlink(missing_ok=True)


def check_backup(path: Path, key: bytes, store_id: str) -> int:
    """The schema version of the backup at *path*, after checking that it belongs here.

    Raises BackupForeignError when *key* does not open it or it holds another store (a
    backup of another clinic's laptop, or a damaged file: SQLCipher cannot tell them
    apart), StoreTooNewError when a newer program wrote it. Reads only; never migrates.
    """
    if not path.is_file():
        raise PackageInvalidError(path.name)
    try:
        conn = sqlcipher3.connect(f"file:{path.as_posix()}?mode=ro", uri=True,
                                  isolation_level=None, check_same_thread=False)
    except sqlcipher3.Error as exc:
        raise PackageInvalidError(path.name) from exc
    try:
        conn.execute("PRAGMA cipher_log_level = NONE")
        conn.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
        try:
            version = int(conn.execute("PRAGMA user_version").fetchone()[0])
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
            row = conn.execute("SELECT value FROM meta WHERE key = 'store_id'").fetchone()
        except sqlcipher3.DatabaseError as exc:
            raise BackupForeignError(path.name) from exc
        if row is None or row[0] != store_id:
            raise BackupForeignError(path.name)
        if version > migrations.LATEST:
            raise StoreTooNewError(path.name, version=version)
        return version
    finally:
        conn.close()


def copy_slots(slots_file: Path, target_dir: Path) -> Path:
    """Put a copy of the key slot file beside backups in *target_dir* (atomically), so a
    backup folder on a USB drive can be opened on another laptop with a password."""
    target = target_dir / keys.SLOTS_FILE
    tmp = target.with_suffix(".partial")
    shutil.copyfile(slots_file, tmp)
    with open(tmp, "rb+") as fh:
        os.fsync(fh.fileno())
    os.replace(tmp, target)
    return target


def write_package(backup_file: Path, slots_file: Path, target: Path, store_id: str,
                  schema_version: int, made_at: datetime, program_version: str) -> Path:
    """Zip *backup_file* and *slots_file* with a manifest into *target* (written under a
    temporary name, then renamed). Stored, not compressed: encrypted pages do not shrink."""
    partial = target.with_name(target.name + ".partial")
    manifest = {"format": PACKAGE_FORMAT, "store_id": store_id,
                "made_at": made_at.astimezone(UTC).isoformat(),
                "program_version": program_version, "schema_version": schema_version}
    try:
        with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_STORED) as zf:
            zf.writestr(PACKAGE_MANIFEST, json.dumps(manifest, indent=1))
            zf.write(slots_file, keys.SLOTS_FILE)
            zf.write(backup_file, DB_FILE)
        with open(partial, "rb+") as fh:
            os.fsync(fh.fileno())
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    os.replace(partial, target)
    return target


def install_package(data_dir: Path, source: Path) -> str:
    """Put a move package, or a backup that has a key slot file beside it (in its folder
    or the folder above), into the empty *data_dir* as its store; returns the store id.

    Nothing is unlocked here: the next login (a user's password or the recovery key)
    proves the key and upgrades an older schema. On any failure nothing is left behind.
    """
    if (data_dir / keys.SLOTS_FILE).exists() or (data_dir / DB_FILE).exists():
        raise StoreExistsError(str(data_dir))
    if not source.is_file():
        raise PackageInvalidError(source.name)
    data_dir.mkdir(parents=True, exist_ok=True)
    made: list[Path] = []
    try:
        if zipfile.is_zipfile(source):
            store_id = _install_zip(data_dir, source, made)
        else:
            store_id = _install_backup(data_dir, source, made)
        _fsync_dir(data_dir)
        return store_id
    except BaseException:
        for path in made:
            path.unlink(missing_ok=True)
        raise


def _install_zip(data_dir: Path, source: Path, made: list[Path]) -> str:
    try:
        with zipfile.ZipFile(source) as zf:
            names = set(zf.namelist())
            if not {PACKAGE_MANIFEST, keys.SLOTS_FILE, DB_FILE} <= names:
                raise PackageInvalidError(source.name)
            manifest = json.loads(zf.read(PACKAGE_MANIFEST))
            slots = json.loads(zf.read(keys.SLOTS_FILE))
            if manifest.get("format") != PACKAGE_FORMAT or slots.get("format") != keys.FORMAT \
                    or manifest.get("store_id") != slots.get("store_id"):
                raise PackageInvalidError(source.name)
            for name in (DB_FILE, keys.SLOTS_FILE):  # the slots last: they mark a store
                target = data_dir / name
                made.append(target)
                with zf.open(name) as src, open(target, "wb") as dst:
                    shutil.copyfileobj(src, dst, 1024 * 1024)
                    dst.flush()
                    os.fsync(dst.fileno())
    except (zipfile.BadZipFile, ValueError, KeyError, UnicodeDecodeError) as exc:
        raise PackageInvalidError(source.name) from exc
    return str(slots["store_id"])


def _install_backup(data_dir: Path, source: Path, made: list[Path]) -> str:
    slots_file = next((folder / keys.SLOTS_FILE for folder in (source.parent,
                       source.parent.parent) if (folder / keys.SLOTS_FILE).is_file()), None)
    with open(source, "rb") as fh:
        head = fh.read(16)
    # A plain SQLite file starts with this text; ours are encrypted from the first byte.
    if slots_file is None or head.startswith(b"SQLite format 3") or len(head) < 16:
        raise PackageInvalidError(source.name)
    try:
        slots = json.loads(slots_file.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise PackageInvalidError(source.name) from exc
    if slots.get("format") != keys.FORMAT or not slots.get("store_id"):
        raise PackageInvalidError(source.name)
    db = data_dir / DB_FILE
    made.append(db)
    shutil.copyfile(source, db)
    with open(db, "rb+") as fh:
        os.fsync(fh.fileno())
    made.append(copy_slots(slots_file, data_dir))
    return str(slots["store_id"])


def _fsync_dir(folder: Path) -> None:
    if os.name == "posix":
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def restore_file(data_dir: Path, backup: Path, now: datetime | None = None) -> Path:
    """Put *backup* in place of the store file; the replaced file is kept aside, not deleted.

    The store must be closed. Returns where the replaced file was moved.
    """
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")
    aside = data_dir / "replaced" / stamp
    aside.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        current = data_dir / (DB_FILE + suffix)
        if current.exists():
            os.replace(current, aside / current.name)
    tmp = data_dir / (DB_FILE + ".restoring")
    shutil.copyfile(backup, tmp)
    with open(tmp, "rb+") as fh:
        os.fsync(fh.fileno())
    os.replace(tmp, data_dir / DB_FILE)
    return aside
