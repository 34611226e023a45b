"""The one write path (design §2, §3): rows, outbox and audit commit together or not at all."""

from __future__ import annotations

import json

import pytest
import sqlcipher3

from desktop.domain import hlc
from desktop.store import audit
from desktop.store.database import Store
from desktop.store.errors import RecordError, StoreDamagedError, StoreError

VISIT = {"person_id": "p", "pregnancy_id": "g", "visit_date": "2026-03-01", "sbp": 118}


def _count(store: Store, table: str) -> int:
    return store.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def _outbox(store: Store) -> list[tuple]:
    return store.conn.execute(
        "SELECT table_name, row_id, rev, fields, deleted FROM outbox ORDER BY seq").fetchall()


def test_an_event_saved_twice_with_the_same_id_is_refused(made):
    store, uid = made.store, made.admin.id
    with store.transaction(uid) as tx:
        first = tx.save("prenatal_visits", VISIT)
    outbox_before = _count(store, "outbox")

    with pytest.raises(RecordError), store.transaction(uid) as tx:
        tx.save("prenatal_visits", dict(VISIT, sbp=150), id=first["id"])

    assert store.conn.execute("SELECT sbp, rev FROM prenatal_visits WHERE id = ?",
                              (first["id"],)).fetchone() == (118, first["rev"])
    assert _count(store, "outbox") == outbox_before


def test_an_update_records_revs_and_sends_only_the_changed_fields(made):
    store, uid = made.store, made.admin.id
    with store.transaction(uid) as tx:
        first = tx.save("persons", {"kind": "woman", "name_zh": "娜仁", "phone": "13900000001"})
    with store.transaction(uid) as tx:
        second = tx.save("persons", {"name_zh": "娜仁", "phone": "13900000002",
                                     "address": "白音昌村"}, id=first["id"])

    assert second["rev"] > first["rev"]
    assert set(second["changed"]) == {"phone", "address"}
    field_revs = json.loads(store.conn.execute(
        "SELECT field_revs FROM persons WHERE id = ?", (first["id"],)).fetchone()[0])
    assert field_revs == {"kind": first["rev"], "name_zh": first["rev"],
                          "phone": second["rev"], "address": second["rev"]}
    table, row_id, rev, fields, deleted = _outbox(store)[-1]
    assert (table, row_id, rev, deleted) == ("persons", first["id"], second["rev"], 0)
    assert json.loads(fields) == {"phone": "13900000002", "address": "白音昌村"}


def test_saving_unchanged_values_writes_nothing(made):
    store, uid = made.store, made.admin.id
    with store.transaction(uid) as tx:
        first = tx.save("persons", {"kind": "woman", "name_zh": "娜仁"})
    before = (_count(store, "outbox"), _count(store, "audit"))
    with store.transaction(uid) as tx:
        again = tx.save("persons", {"name_zh": "娜仁"}, id=first["id"])
    assert again["changed"] == {} and again["rev"] == first["rev"]
    assert (_count(store, "outbox"), _count(store, "audit")) == before


def test_an_exception_inside_the_transaction_leaves_nothing_behind(made):
    store, uid = made.store, made.admin.id
    tables = ("persons", "prenatal_visits", "outbox", "audit")
    before = {t: _count(store, t) for t in tables}
    hlc_before = store.meta("hlc")

    with pytest.raises(ZeroDivisionError), store.transaction(uid) as tx:
        tx.save("persons", {"kind": "woman", "name_zh": "托娅"})
        tx.save("prenatal_visits", VISIT)
        tx.note("print", "persons")
        raise ZeroDivisionError

    assert {t: _count(store, t) for t in tables} == before
    assert store.meta("hlc") == hlc_before
    # And the connection is usable: the failed block did not leave a transaction open.
    with store.transaction(uid) as tx:
        tx.save("persons", {"kind": "woman", "name_zh": "托娅"})
    assert _count(store, "persons") == before["persons"] + 1


def test_unknown_and_system_fields_are_refused(made):
    with pytest.raises(RecordError), made.store.transaction(made.admin.id) as tx:
        tx.save("persons", {"kind": "woman", "rev": "9999999999999-0000-x"})
    with pytest.raises(RecordError), made.store.transaction(made.admin.id) as tx:
        tx.save("persons", {"kind": "woman", "favourite_colour": "blue"})
    assert _count(made.store, "persons") == 0


def test_revs_keep_increasing_when_the_wall_clock_goes_backwards(made, tmp_path):
    store, uid = made.store, made.admin.id
    times = iter([1_780_000_000_000, 1_780_000_000_000, 1_779_000_000_000,
                  1_240_000_000_000,  # a dead CMOS battery: 2009
                  1_240_000_000_000, 1_000, 1_779_999_999_999, 0, 1_240_000_000_001,
                  1_780_000_000_000])
    store.clock_ms = lambda: next(times)
    revs = []
    for _ in range(5):
        with store.transaction(uid) as tx:
            revs.append(tx.save("persons", {"kind": "woman"})["rev"])
            revs.append(tx.save("prenatal_visits", VISIT)["rev"])
    assert revs == sorted(revs) and len(set(revs)) == len(revs)
    assert all(hlc.parse(r).wall == 1_780_000_000_000 for r in revs)

    # The clock state is in the file: after reopening, a 2009 clock still writes later revs.
    made.store.close()
    store, user = Store.unlock(made.data_dir, made.admin.username, made.password)
    try:
        store.clock_ms = lambda: 1_240_000_000_000
        with store.transaction(user.id) as tx:
            assert tx.save("persons", {"kind": "child"})["rev"] > revs[-1]
    finally:
        store.close()


def test_a_tombstone_is_a_change_with_a_new_rev(made):
    store, uid = made.store, made.admin.id
    with store.transaction(uid) as tx:
        first = tx.save("persons", {"kind": "woman"})
    with store.transaction(uid) as tx:
        gone = tx.delete("persons", first["id"])
    assert gone["rev"] > first["rev"]
    assert store.conn.execute("SELECT deleted FROM persons WHERE id = ?",
                              (first["id"],)).fetchone() == (1,)
    assert _outbox(store)[-1] == ("persons", first["id"], gone["rev"], "{}", 1)


def _audit_writes(made, n: int = 3) -> list[int]:
    with made.store.transaction(made.admin.id) as tx:
        for _ in range(n):
            tx.save("persons", {"kind": "woman"})
    return [r[0] for r in made.store.conn.execute("SELECT seq FROM audit ORDER BY seq")]


def test_the_audit_log_refuses_update_and_delete(made):
    seqs = _audit_writes(made)
    conn = made.store.conn
    with pytest.raises(sqlcipher3.Error, match="append-only"):
        conn.execute("UPDATE audit SET action = 'read' WHERE seq = ?", (seqs[1],))
    with pytest.raises(sqlcipher3.Error, match="append-only"):
        conn.execute("DELETE FROM audit WHERE seq = ?", (seqs[1],))
    assert audit.verify_chain(conn) is None


def test_verify_chain_finds_an_entry_altered_behind_the_triggers(made):
    seqs = _audit_writes(made)
    conn = made.store.conn
    conn.execute("DROP TRIGGER audit_no_update")
    conn.execute("UPDATE audit SET row_id = 'someone-else' WHERE seq = ?", (seqs[2],))
    assert audit.verify_chain(conn) == seqs[2]


def test_verify_chain_finds_an_entry_removed_behind_the_triggers(made):
    seqs = _audit_writes(made)
    conn = made.store.conn
    conn.execute("DROP TRIGGER audit_no_delete")
    conn.execute("DELETE FROM audit WHERE seq = ?", (seqs[1],))
    assert audit.verify_chain(conn) == seqs[2]


def test_every_row_write_has_its_audit_entry(made):
    store, uid = made.store, made.admin.id
    with store.transaction(uid) as tx:
        person = tx.save("persons", {"kind": "woman"})
        visit = tx.save("prenatal_visits", VISIT)
    entries = store.conn.execute(
        "SELECT user_id, action, table_name, row_id, rev FROM audit"
        " WHERE action = 'insert' ORDER BY seq").fetchall()
    assert entries == [(uid, "insert", "persons", person["id"], person["rev"]),
                       (uid, "insert", "prenatal_visits", visit["id"], visit["rev"])]


def test_a_full_disk_is_reported_as_a_store_error_and_saves_nothing(made):
    # SQLite rolls the transaction back by itself on a full disk; the write path's own
    # ROLLBACK then failed and its "no transaction is active" hid the real reason.
    store, uid = made.store, made.admin.id
    pages = store.conn.execute("PRAGMA page_count").fetchone()[0]
    store.conn.execute(f"PRAGMA max_page_count = {pages + 3}")
    before = {t: _count(store, t) for t in ("persons", "outbox", "audit")}

    with pytest.raises(StoreError, match="full") as caught, store.transaction(uid) as tx:
        for _ in range(50):
            tx.save("persons", {"kind": "woman", "notes": "记录" * 1000})
    assert not isinstance(caught.value, StoreDamagedError)

    assert {t: _count(store, t) for t in before} == before
    store.conn.execute("PRAGMA max_page_count = 1073741823")
    with store.transaction(uid) as tx:
        tx.save("persons", {"kind": "woman"})
    assert _count(store, "persons") == before["persons"] + 1
