"""Encryption at rest (design §6): nothing in the data folder gives away a record."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from desktop.i18n import _
from desktop.i18n.messages import ERROR_TEXTS, error_text
from desktop.store.connection import DB_FILE
from desktop.store.database import Store
from desktop.store.errors import WrongPasswordError
from desktop.store.keys import SLOTS_FILE as KEYSLOTS
from desktop.store.throttle import THROTTLE_FILE

RESIDENT_ID = "15052519880612402X"
NAME_ZH = "乌云其木格"
SQLITE_MAGIC = b"SQLite format 3"


def _needles() -> list[bytes]:
    forms = []
    for text in (RESIDENT_ID, NAME_ZH):
        for encoding in ("utf-8", "utf-16-le", "utf-16-be"):
            forms.append(text.encode(encoding))
    return forms


def _files(data_dir: Path) -> list[Path]:
    return sorted(p for p in data_dir.rglob("*") if p.is_file())


def _plaintext_hits(data_dir: Path) -> list[tuple[str, bytes]]:
    hits = []
    for path in _files(data_dir):
        data = path.read_bytes()
        hits += [(path.name, n) for n in _needles() if n in data]
        if data.startswith(SQLITE_MAGIC):
            hits.append((path.name, SQLITE_MAGIC))
    return hits


def _save_person(made) -> str:
    with made.store.transaction(made.admin.id) as tx:
        return tx.save("persons", {"kind": "woman", "name_zh": NAME_ZH,
                                   "resident_id": RESIDENT_ID, "sex": "F"})["id"]


def test_the_scan_finds_plaintext_in_an_unencrypted_file(tmp_path):
    # The scan below must be able to fail: an ordinary SQLite file with the same row trips it.
    plain = tmp_path / "plain"
    plain.mkdir()
    conn = sqlite3.connect(plain / "plain.db")
    conn.execute("CREATE TABLE persons (name_zh TEXT, resident_id TEXT)")
    conn.execute("INSERT INTO persons VALUES (?, ?)", (NAME_ZH, RESIDENT_ID))
    conn.commit()
    conn.close()
    found = {n for _, n in _plaintext_hits(plain)}
    assert SQLITE_MAGIC in found
    assert NAME_ZH.encode("utf-8") in found
    assert RESIDENT_ID.encode("utf-8") in found


def test_wrong_password_is_refused_with_a_clear_message(made):
    made.store.close()
    with pytest.raises(WrongPasswordError) as caught:
        Store.unlock(made.data_dir, made.admin.username, made.password + "x")
    text = error_text(caught.value)
    assert text == _(ERROR_TEXTS["store.wrong_password"])
    assert text != _(ERROR_TEXTS["error.unexpected"])


def test_no_file_of_the_data_folder_is_plaintext(made):
    _save_person(made)
    # Leave a failed login behind so the throttle file exists too.
    with pytest.raises(WrongPasswordError):
        Store.unlock(made.data_dir, made.admin.username, "not-the-password")
    wal = made.data_dir / (DB_FILE + "-wal")
    # The row must still sit in the WAL only, or the test would not cover the WAL.
    assert wal.exists() and wal.stat().st_size > 0
    assert (made.data_dir / THROTTLE_FILE).exists()
    assert (made.data_dir / (DB_FILE + "-shm")).exists()

    assert _plaintext_hits(made.data_dir) == []


def test_backups_are_not_plaintext_either(made, tmp_path):
    _save_person(made)
    saved = made.store.backup("manual")
    made.store.close()

    assert _plaintext_hits(made.data_dir) == []
    # The backup does hold the row, for whoever has a key slot: it is not just empty.
    other = tmp_path / "from-backup"
    other.mkdir()
    shutil.copyfile(saved, other / DB_FILE)
    shutil.copyfile(made.data_dir / KEYSLOTS, other / KEYSLOTS)
    store, _user = Store.unlock(other, made.admin.username, made.password)
    try:
        assert store.conn.execute("SELECT count(*) FROM persons WHERE resident_id = ?",
                                  (RESIDENT_ID,)).fetchone()[0] == 1
    finally:
        store.close()
