"""Backups at the store level: a copy restores the data as it was, an older schema
restores and upgrades, another store's backup is refused, stopped copies leave nothing,
retention prunes, and a move package installs only into an empty folder."""

from __future__ import annotations

import json
import shutil
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from desktop.store import backup, migrations
from desktop.store.backup import BackupForeignError, BackupStoppedError, PackageInvalidError
from desktop.store.connection import DB_FILE
from desktop.store.database import Store
from desktop.store.errors import StoreExistsError, StoreTooNewError
from desktop.store.keys import SLOTS_FILE

GOLDEN_V1 = Path(__file__).resolve().parents[1] / "fixtures" / "v1_store"
V1_PASSWORD = "golden-v1-pass"  # see tests/fixtures/make_v1_store.py


def _clinic(store: Store) -> str | None:
    return store.meta("clinic_name")


def test_backup_then_change_then_restore_gives_the_data_as_at_the_backup(made):
    store = made.store
    store.set_meta(made.admin.id, "clinic_name", "before")
    copy = store.backup("manual")
    store.set_meta(made.admin.id, "clinic_name", "after")
    assert store.check_backup(copy) == migrations.LATEST
    store.close()

    aside = backup.restore_file(made.data_dir, copy)

    assert (aside / DB_FILE).exists()  # the replaced file is kept, not deleted
    reopened, _user = Store.unlock(made.data_dir, "admin", made.password)
    try:
        assert _clinic(reopened) == "before"
    finally:
        reopened.close()
    assert copy.exists()  # restoring copies: the backup stays in the list


def test_a_backup_of_another_store_is_refused_with_its_code(tmp_path, make_store):
    ours = make_store(tmp_path, "ours")
    theirs = make_store(tmp_path, "theirs")
    try:
        foreign = theirs.store.backup("manual")
        with pytest.raises(BackupForeignError) as caught:
            ours.store.check_backup(foreign)
        assert caught.value.code == "store.backup_foreign"
    finally:
        ours.store.close()
        theirs.store.close()


def test_a_file_that_is_no_database_is_refused_as_foreign(made, tmp_path):
    junk = tmp_path / "eke-20260101T000000000000Z-daily.db"
    junk.write_bytes(b"\x00\x13not an encrypted database" * 200)
    with pytest.raises(BackupForeignError):
        made.store.check_backup(junk)
    with pytest.raises(PackageInvalidError):
        made.store.check_backup(tmp_path / "missing.db")


def test_a_backup_from_a_newer_program_is_refused(made):
    copy = made.store.backup("manual")
    from desktop.store.connection import open_connection

    conn = open_connection(copy, made.store._key)
    conn.execute(f"PRAGMA user_version = {migrations.LATEST + 1}")
    conn.close()
    with pytest.raises(StoreTooNewError):
        made.store.check_backup(copy)


def test_a_version_1_backup_restores_and_upgrades_on_the_next_login(tmp_path):
    data_dir = tmp_path / "v1"
    data_dir.mkdir()
    for name in (DB_FILE, SLOTS_FILE):
        shutil.copyfile(GOLDEN_V1 / name, data_dir / name)
    # A backup made under schema 1: the golden file itself, as an old program left it.
    old_backup = tmp_path / "eke-20250101T000000000000Z-daily.db"
    shutil.copyfile(GOLDEN_V1 / DB_FILE, old_backup)

    store, _user = Store.unlock(data_dir, "admin", V1_PASSWORD)  # upgrades the live file
    assert store.check_backup(old_backup) == 1
    store.close()
    backup.restore_file(data_dir, old_backup)

    store, _user = Store.unlock(data_dir, "admin", V1_PASSWORD)
    try:
        assert store.conn.execute("PRAGMA user_version").fetchone()[0] == migrations.LATEST
        names = {r[0] for r in store.conn.execute("SELECT name_zh FROM persons")}
        assert names == {"斯琴高娃", "王秀兰"}
    finally:
        store.close()
    # Upgrading the restored file made its own migration backup first.
    reasons = [b.reason for b in backup.list_backups(backup.backup_dir(data_dir))]
    assert "migration" in reasons


def test_retention_keeps_the_newest_of_each_reason(made):
    start = datetime(2026, 1, 1, tzinfo=UTC)
    target = made.data_dir / "backups"
    for day in range(backup.KEEP["daily"] + 3):
        made.store.backup("daily", now=start + timedelta(days=day))
    made.store.backup("manual", now=start)
    kept = backup.list_backups(target)
    daily = [b for b in kept if b.reason == "daily"]
    assert len(daily) == backup.KEEP["daily"]
    assert min(b.made_at for b in daily) == start + timedelta(days=3)
    assert [b.reason for b in kept].count("manual") == 1


@pytest.mark.parametrize("checks_before_stop", [0, 3])
def test_a_stopped_backup_leaves_no_file(made, tmp_path, checks_before_stop):
    with made.store.transaction(made.admin.id) as tx:
        for i in range(300):
            tx.save("persons", {"kind": "woman", "name_zh": f"测试{i}",
                                "birth_date": "1995-01-01", "area_code": "150525100201"})
    target = tmp_path / "stopped"
    asked = []

    def stop() -> bool:  # stop before the copy starts, or part-way through it
        asked.append(1)
        return len(asked) > checks_before_stop

    with pytest.raises(BackupStoppedError):
        made.store.backup("manual", target, should_stop=stop)
    assert len(asked) > checks_before_stop
    assert list(target.iterdir()) == []
    # The store's own connection is untouched and the next backup works.
    assert made.store.backup("manual", target).exists()


def _package(made, tmp_path) -> Path:
    copy = made.store.backup("manual", tmp_path / "tmp")
    return backup.write_package(copy, made.data_dir / SLOTS_FILE, tmp_path / "move.zip",
                                made.store.store_id, migrations.LATEST,
                                datetime.now(UTC), "test")


def test_a_move_package_installs_into_an_empty_folder_and_opens_with_the_password(
        made, tmp_path):
    made.store.set_meta(made.admin.id, "clinic_name", "moved")
    package = _package(made, tmp_path)
    with zipfile.ZipFile(package) as zf:
        manifest = json.loads(zf.read(backup.PACKAGE_MANIFEST))
    assert manifest["store_id"] == made.store.store_id

    new_dir = tmp_path / "new-laptop"
    assert backup.install_package(new_dir, package) == made.store.store_id
    store, _user = Store.unlock(new_dir, "admin", made.password)
    try:
        assert _clinic(store) == "moved"
    finally:
        store.close()
    with pytest.raises(StoreExistsError):
        backup.install_package(new_dir, package)  # never over an existing store


@pytest.mark.parametrize("damage", ["not a zip", "no slots", "other store"])
def test_a_bad_package_is_refused_and_leaves_nothing(made, tmp_path, damage):
    package = _package(made, tmp_path)
    bad = tmp_path / "bad.zip"
    if damage == "not a zip":
        bad.write_bytes(b"PK\x03\x04 truncated")
    else:
        with zipfile.ZipFile(package) as src, zipfile.ZipFile(bad, "w") as dst:
            for name in src.namelist():
                data = src.read(name)
                if name == SLOTS_FILE and damage == "no slots":
                    continue
                if name == backup.PACKAGE_MANIFEST and damage == "other store":
                    data = json.dumps({**json.loads(data), "store_id": "x"}).encode()
                dst.writestr(name, data)
    new_dir = tmp_path / "new"
    with pytest.raises(PackageInvalidError):
        backup.install_package(new_dir, bad)
    assert not any(new_dir.iterdir())


def test_a_backup_with_its_slot_file_beside_it_installs(made, tmp_path):
    usb = tmp_path / "usb" / f"eke-{made.store.store_id}"
    copy = made.store.backup("daily", usb)
    backup.copy_slots(made.data_dir / SLOTS_FILE, usb)
    new_dir = tmp_path / "new"
    backup.install_package(new_dir, copy)
    store = Store.unlock_recovery(new_dir, made.recovery_key)
    store.close()
    # Without a slot file nearby a lone backup cannot be opened anywhere: refused.
    lone = tmp_path / "lone" / copy.name
    lone.parent.mkdir()
    shutil.copyfile(copy, lone)
    with pytest.raises(PackageInvalidError):
        backup.install_package(tmp_path / "other", lone)
