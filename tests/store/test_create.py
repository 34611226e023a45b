"""Creating a store: all or nothing, and never over an existing one."""

from __future__ import annotations

import pytest

from desktop.store.connection import DB_FILE
from desktop.store.database import Store, store_exists
from desktop.store.errors import StoreExistsError
from desktop.store.keys import SLOTS_FILE


def test_a_failed_set_up_leaves_no_half_store_and_can_be_retried(tmp_path, make_store):
    data_dir = tmp_path / "data"
    # A directory where the key slot file's temporary copy must go: writing the slots
    # fails after the database file was already made.
    (data_dir / "keyslots.tmp").mkdir(parents=True)
    with pytest.raises(OSError):
        make_store(tmp_path)
    assert not store_exists(data_dir)
    assert not (data_dir / DB_FILE).exists() and not (data_dir / SLOTS_FILE).exists()

    (data_dir / "keyslots.tmp").rmdir()
    made = make_store(tmp_path)
    made.store.close()
    store, _ = Store.unlock(data_dir, made.admin.username, made.password)
    store.close()


def test_set_up_refuses_a_folder_with_a_store_and_leaves_it_alone(made, make_store,
                                                                  tmp_path):
    with made.store.transaction(made.admin.id) as tx:
        tx.save("persons", {"kind": "woman", "name_zh": "其其格"})
    made.store.close()
    with pytest.raises(StoreExistsError):
        make_store(tmp_path)
    store, _ = Store.unlock(made.data_dir, made.admin.username, made.password)
    try:
        assert store.conn.execute("SELECT name_zh FROM persons").fetchall() == [("其其格",)]
    finally:
        store.close()
