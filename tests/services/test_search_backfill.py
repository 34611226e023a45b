"""Migration 0004 gives every person already stored their search keys (older stores, and
demo stores made before the write path kept keys, had none)."""

from __future__ import annotations

from maternal_helpers import VILLAGE

from desktop.services.session import Session
from desktop.store import migrations
from desktop.store.database import Store


def test_migration_backfills_search_keys(make_store, tmp_path):
    before_0004 = [m.name for m in migrations.MIGRATIONS].index("0004_maternal")
    made = make_store(tmp_path, migrate_to=before_0004)
    with made.store.transaction(made.admin.id) as tx:
        woman = tx.save("persons", {"kind": "woman", "name_zh": "王丽", "phone": "13800001111",
                                    "area_code": VILLAGE})["id"]
        tx.save("pregnancies", {"person_id": woman, "handbook_no": "H-2026-00042"})
    made.store.conn.execute("DELETE FROM search_keys")
    made.store.close()
    store, admin = Store.unlock(made.data_dir, "admin", made.password)
    try:
        assert "0004_maternal" in migrations.applied(store.conn)
        s = Session(store, admin)
        for query in ("丽", "wl", "1111", "H202600042", "00042"):
            assert [h.id for h in s.search(query)] == [woman], query
    finally:
        store.close()
