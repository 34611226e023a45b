"""Named, transactional migrations (style.md examples 3–5): a golden file of the previous
schema opens with today's code, a newer file is refused, a failed migration changes
nothing."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from desktop.store import backup, migrations
from desktop.store.connection import DB_FILE, open_connection
from desktop.store.database import Store
from desktop.store.errors import StoreError, StoreTooNewError
from desktop.store.keys import SLOTS_FILE, KeySlots

GOLDEN_V1 = Path(__file__).resolve().parents[1] / "fixtures" / "v1_store"
V1_PASSWORD = "golden-v1-pass"  # see tests/fixtures/make_v1_store.py


@pytest.fixture
def v1_copy(tmp_path) -> Path:
    target = tmp_path / "v1"
    target.mkdir()
    for name in (DB_FILE, SLOTS_FILE):
        shutil.copyfile(GOLDEN_V1 / name, target / name)
    return target


def _applied(path: Path, data_dir: Path, password: str) -> tuple[list[str], int]:
    """The migrations recorded in the file at *path*, opened with the data key."""
    key, _slot = KeySlots.load(data_dir).unlock("admin", password)
    conn = open_connection(path, key)
    try:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        return migrations.applied(conn), version
    finally:
        conn.close()


def test_the_golden_file_is_really_version_1(v1_copy):
    assert _applied(v1_copy / DB_FILE, v1_copy, V1_PASSWORD) == (["0001_base"], 1)


def test_a_version_1_file_upgrades_after_a_backup_and_keeps_its_rows(v1_copy):
    store, user = Store.unlock(v1_copy, "admin", V1_PASSWORD)
    try:
        assert migrations.applied(store.conn) == [m.name for m in migrations.MIGRATIONS]
        assert store.conn.execute("PRAGMA user_version").fetchone()[0] == migrations.LATEST
        persons = {r[0]: r[1:] for r in store.conn.execute(
            "SELECT name_zh, resident_id, phone, name_mn, deleted FROM persons")}
        assert persons == {
            "斯琴高娃": ("150525199203154021", "13904750002", None, 0),
            "王秀兰": (None, None, "ᠸᠠᠩ ᠰᠢᠦ ᠯᠠᠨ", 0),
        }
        field_revs = json.loads(store.conn.execute(
            "SELECT field_revs FROM persons WHERE name_zh = '斯琴高娃'").fetchone()[0])
        assert field_revs["phone"] > field_revs["name_zh"]
        assert store.conn.execute("SELECT sbp, dbp FROM prenatal_visits").fetchall() == [
            (112, 72)]
        assert store.conn.execute("SELECT count(*) FROM outbox").fetchone()[0] == 4
        assert store.integrity_errors() == []
        # The new schema is usable: the table of migration 0002 takes rows.
        with store.transaction(user.id):
            store.conn.execute("INSERT INTO search_keys(key, person_id, kind)"
                               " VALUES ('sqgw', 'p', 'initials')")
    finally:
        store.close()

    saved = [b for b in backup.list_backups(backup.backup_dir(v1_copy))
             if b.reason == "migration"]
    assert len(saved) == 1
    # The backup was taken before migrating: it is still the version 1 file.
    assert _applied(saved[0].path, v1_copy, V1_PASSWORD) == (["0001_base"], 1)

    # A second open has nothing to migrate and makes no further backup.
    store, _ = Store.unlock(v1_copy, "admin", V1_PASSWORD)
    store.close()
    assert len(backup.list_backups(backup.backup_dir(v1_copy))) == 1


def test_a_file_from_a_newer_program_is_refused(made):
    made.store.conn.execute("INSERT INTO _migrations(name) VALUES ('0099_from_the_future')")
    made.store.close()
    with pytest.raises(StoreTooNewError):
        Store.unlock(made.data_dir, made.admin.username, made.password)
    # Refused before anything was written: no migration backup either.
    assert not backup.backup_dir(made.data_dir).exists()


def _failing_0002(conn) -> None:
    conn.execute("CREATE TABLE search_keys (key TEXT, person_id TEXT)")
    conn.execute("ALTER TABLE persons ADD COLUMN half_done TEXT")
    conn.execute("INSERT INTO no_such_table VALUES (1)")  # fails half-way


def test_a_migration_that_fails_half_way_leaves_the_previous_version(
        v1_copy, monkeypatch):
    broken = (migrations.MIGRATIONS[0],
              migrations.Migration(migrations.MIGRATIONS[1].name, _failing_0002),
              *migrations.MIGRATIONS[2:])
    monkeypatch.setattr(migrations, "MIGRATIONS", broken)
    with pytest.raises(StoreError):
        Store.unlock(v1_copy, "admin", V1_PASSWORD)
    monkeypatch.undo()

    assert _applied(v1_copy / DB_FILE, v1_copy, V1_PASSWORD) == (["0001_base"], 1)
    key, _slot = KeySlots.load(v1_copy).unlock("admin", V1_PASSWORD)
    conn = open_connection(v1_copy / DB_FILE, key)
    try:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
        columns = {r[1] for r in conn.execute("PRAGMA table_info(persons)")}
    finally:
        conn.close()
    assert "search_keys" not in tables
    assert "half_done" not in columns

    # With the real migrations the same file then upgrades normally.
    store, _ = Store.unlock(v1_copy, "admin", V1_PASSWORD)
    try:
        assert migrations.applied(store.conn) == [m.name for m in migrations.MIGRATIONS]
    finally:
        store.close()
