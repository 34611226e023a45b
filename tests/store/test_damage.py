"""A damaged file is reported as StoreDamagedError, never as another exception or a crash,
and a backup made before the damage brings the data back (design §6, §7)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from desktop.services.session import restore_backup
from desktop.store.connection import DB_FILE
from desktop.store.database import Store
from desktop.store.errors import StoreDamagedError, mapped_db_errors

PAGE = 4096  # SQLCipher 4's default page size
SALT = 16  # page 1 starts with the file's salt instead of "SQLite format 3"


def _fill(made, persons: int = 40) -> list[str]:
    ids = []
    with made.store.transaction(made.admin.id) as tx:
        for i in range(persons):
            ids.append(tx.save("persons", {"kind": "woman", "name_zh": f"其其格{i}",
                                           "notes": "产检" * 200})["id"])
    return ids


def _flip(path: Path, offset: int) -> None:
    with open(path, "r+b") as fh:
        fh.seek(offset)
        byte = fh.read(1)[0]
        fh.seek(offset)
        fh.write(bytes([byte ^ 0x5A]))


def _full_read(store: Store) -> None:
    with mapped_db_errors():
        tables = [r[0] for r in store.conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'")]
        for table in tables:
            store.conn.execute(f"SELECT * FROM {table}").fetchall()


def _assert_reported(data_dir: Path, password: str) -> None:
    """Opening and checking *data_dir* shows the damage, and only as StoreDamagedError."""
    try:
        store, _ = Store.unlock(data_dir, "admin", password)
    except StoreDamagedError:
        return
    try:
        assert store.integrity_errors(), "damage went unnoticed by the integrity check"
        try:
            _full_read(store)
        except StoreDamagedError:
            pass
    finally:
        store.close()


@pytest.fixture(scope="module")
def pristine(tmp_path_factory, make_store):
    """A closed store (WAL checkpointed into eke.db), its page count and password."""
    tmp = tmp_path_factory.mktemp("pristine")
    made = make_store(tmp)
    _fill(made)
    made.store.close()
    size = (made.data_dir / DB_FILE).stat().st_size
    assert size % PAGE == 0
    return made.data_dir, size // PAGE, made.password


def _damaged_copy(tmp_path: Path, source: Path, offset: int) -> Path:
    target = tmp_path / f"damaged-{offset}"
    shutil.copytree(source, target)
    _flip(target / DB_FILE, offset)
    return target


@pytest.mark.parametrize("offset", [0, SALT - 1, SALT, 100, PAGE // 2, PAGE - 1])
def test_damaged_first_page_is_refused_as_damage(pristine, tmp_path, offset):
    source, _, password = pristine
    with pytest.raises(StoreDamagedError):
        Store.unlock(_damaged_copy(tmp_path, source, offset), "admin", password)


def test_a_flipped_byte_in_any_other_page_is_reported_as_damage(pristine, tmp_path):
    source, pages, password = pristine
    for page in range(1, pages):
        # Alternate where in the page the byte goes: content, middle, IV/HMAC reserve.
        offset = page * PAGE + (64, PAGE // 2, PAGE - 1)[page % 3]
        _assert_reported(_damaged_copy(tmp_path, source, offset), password)


def test_backup_from_before_the_damage_restores_the_data(tmp_path, make_store):
    made = make_store(tmp_path)
    ids = _fill(made)
    saved = made.store.backup("manual")
    made.store.close()
    data_dir = made.data_dir
    _flip(data_dir / DB_FILE, 100)
    with pytest.raises(StoreDamagedError):
        Store.unlock(data_dir, "admin", made.password)

    aside = restore_backup(data_dir, saved)

    store, _ = Store.unlock(data_dir, "admin", made.password)
    try:
        assert store.integrity_errors() == []
        found = {r[0] for r in store.conn.execute("SELECT id FROM persons")}
        assert found == set(ids)
    finally:
        store.close()
    # The damaged file is kept aside, not deleted: someone may still want to rescue it.
    assert (aside / DB_FILE).exists()
