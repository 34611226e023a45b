"""Encrypted backups: whole-store copies under the same data key, so every key slot and
the recovery key open them. File names carry a time and a reason, never personal data."""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import sqlcipher3

from desktop.store.connection import DB_FILE
from desktop.store.errors import mapped_db_errors

BACKUP_DIR = "backups"
KEEP = {"daily": 14, "migration": 5, "manual": 10, "restore": 5}


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    made_at: datetime
    reason: str
    size: int


def backup_dir(data_dir: Path) -> Path:
    return data_dir / BACKUP_DIR


def make_backup(conn: sqlcipher3.Connection, key: bytes, target_dir: Path, reason: str,
                now: datetime | None = None) -> Path:
    """Copy the open store into *target_dir* (encrypted with *key*) and prune old copies.

    The copy is written to a temporary name and renamed when complete, so a power cut never
    leaves a half backup that looks whole.
    """
    if reason not in KEEP:
        raise ValueError(f"unknown backup reason {reason}")
    target_dir.mkdir(parents=True, exist_ok=True)
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%S%fZ")
    final = target_dir / f"eke-{stamp}-{reason}.db"
    partial = final.with_suffix(".partial")
    try:
        with mapped_db_errors():
            conn.execute(f"ATTACH DATABASE ? AS backup KEY \"x'{key.hex()}'\"", (str(partial),))
            try:
                conn.execute("SELECT sqlcipher_export('backup')")
                version = conn.execute("PRAGMA main.user_version").fetchone()[0]
                conn.execute(f"PRAGMA backup.user_version = {int(version)}")
            finally:
                conn.execute("DETACH DATABASE backup")
        with open(partial, "rb+") as fh:
            os.fsync(fh.fileno())
    except BaseException:
        partial.unlink(missing_ok=True)  # a full disk must not also fill up with halves
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
