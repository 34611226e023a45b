"""Transaction.save_many keeps the invariants of save(): one rev and outbox change per row,
in order, field revs on mutable rows, an audit entry that names every row, and all or
nothing."""

from __future__ import annotations

import json

import pytest

from desktop.domain import hlc
from desktop.store.audit import BULK_INSERT, ids_digest, verify_chain
from desktop.store.errors import RecordError, StoreError, mapped_db_errors
from desktop.store.records import new_id


def _women(n: int) -> list[dict]:
    rows = []
    for i in range(n):
        row = {"kind": "woman", "name_zh": f"王{i}", "sex": "F", "area_code": "150525100201"}
        if i % 3 == 0:  # rows with different field sets go in one call
            row["phone"] = f"1390000{i:04d}"
        rows.append(row)
    return rows


def test_rows_outbox_and_audit_match_save(made):
    store, admin = made.store, made.admin
    with store.transaction(admin.id) as tx:
        single = tx.save("persons", {"kind": "woman", "name_zh": "李丽"})
        ids = tx.save_many("persons", _women(50))
        visits = tx.save_many("prenatal_visits", [
            {"person_id": ids[0], "pregnancy_id": "p1", "visit_date": "2026-01-05",
             "weight_kg": 55.5, "tests": {"hbsag": "neg"}}])
    conn = store.conn
    assert len(set(ids)) == 50
    rows = conn.execute("SELECT id, rev, origin, updated_by, field_revs, phone, name_zh"
                        " FROM persons ORDER BY rev").fetchall()
    assert [r[0] for r in rows] == [single["id"], *ids]  # revs increase in call order
    for _row_id, rev, origin, updated_by, field_revs, phone, _name in rows:
        hlc.parse(rev)
        assert origin == store.device_id and updated_by == admin.id
        revs = json.loads(field_revs)
        assert set(revs.values()) == {rev}
        assert ("phone" in revs) == (phone is not None)
    outbox = conn.execute("SELECT table_name, row_id, rev, fields FROM outbox ORDER BY seq"
                          ).fetchall()
    assert [o[1] for o in outbox] == [single["id"], *ids, *visits]
    assert [o[2] for o in outbox[:51]] == [r[1] for r in rows]
    assert json.loads(outbox[-1][3])["tests"] == json.dumps({"hbsag": "neg"})
    entries = conn.execute("SELECT action, table_name, row_id, rev, detail FROM audit"
                           " WHERE action IN ('insert', ?) ORDER BY seq", (BULK_INSERT,)
                           ).fetchall()
    assert [e[:3] for e in entries] == [("insert", "persons", single["id"]),
                                        (BULK_INSERT, "persons", ids[0]),
                                        (BULK_INSERT, "prenatal_visits", visits[0])]
    # One entry per call, binding its rows: their number, rev range and ids in order.
    revs = {r[0]: r[1] for r in rows}
    bulk = json.loads(entries[1][4])
    assert entries[1][3] == revs[ids[0]] and bulk["last_rev"] == revs[ids[-1]]
    assert bulk["rows"] == 50 and bulk["ids_sha256"] == ids_digest(ids)
    assert bulk["ids_sha256"] != ids_digest(ids[::-1])
    assert json.loads(entries[2][4])["ids_sha256"] == ids_digest(visits)
    assert verify_chain(conn) is None
    event = conn.execute("SELECT tests, supersedes FROM prenatal_visits").fetchone()
    assert event == ('{"hbsag": "neg"}', None)


def test_given_ids_link_rows_before_they_are_written(made):
    mother, child = new_id(), new_id()
    with made.store.transaction(made.admin.id) as tx:
        tx.save_many("persons", [{"kind": "woman"}, {"kind": "child", "mother_id": mother}],
                     ids=[mother, child])
    got = made.store.conn.execute("SELECT mother_id FROM persons WHERE id = ?", (child,))
    assert got.fetchone()[0] == mother


def test_bad_field_rolls_back_everything(made):
    conn = made.store.conn
    before = conn.execute("SELECT count(*) FROM audit").fetchone()[0]
    with pytest.raises(RecordError):
        with made.store.transaction(made.admin.id) as tx:
            tx.save_many("persons", _women(5))
            tx.save_many("persons", [{"kind": "woman"}, {"kind": "woman", "rev": "x"}])
    assert conn.execute("SELECT count(*) FROM persons").fetchone()[0] == 0
    assert conn.execute("SELECT count(*) FROM outbox").fetchone()[0] == 0
    assert conn.execute("SELECT count(*) FROM audit").fetchone()[0] == before


def test_existing_id_is_refused_not_updated(made):
    with made.store.transaction(made.admin.id) as tx:
        (row_id,) = tx.save_many("persons", [{"kind": "woman", "name_zh": "甲"}])
    with pytest.raises(StoreError), mapped_db_errors():
        with made.store.transaction(made.admin.id) as tx:
            tx.save_many("persons", [{"kind": "woman", "name_zh": "乙"}], ids=[row_id])
    name = made.store.conn.execute("SELECT name_zh FROM persons").fetchone()[0]
    assert name == "甲"


def test_ids_must_match_rows(made):
    with pytest.raises(RecordError):
        with made.store.transaction(made.admin.id) as tx:
            tx.save_many("persons", [{"kind": "woman"}], ids=[])


def _keys(conn, person_id: str) -> set[str]:
    return {r[0] for r in conn.execute("SELECT key FROM search_keys WHERE person_id = ?",
                                       (person_id,))}


def test_search_keys_given_by_the_caller_are_written_as_a_refresh_would(made):
    from desktop.store.repositories import search_index

    conn = made.store.conn
    a, b = new_id(), new_id()
    rows = [{"kind": "woman", "name_zh": "王丽", "phone": "13912345678"},
            {"kind": "woman", "name_zh": "李梅"}]
    given = search_index.key_rows([(a, "王丽", None, None, None, "13912345678")], {})
    with made.store.transaction(made.admin.id) as tx:
        tx.new_persons_keys([a], given)  # b's keys are not given: read back and keyed
        tx.save_many("persons", rows, ids=[a, b])
    written = {p: _keys(conn, p) for p in (a, b)}
    assert written[a] and written[b]
    conn.execute("BEGIN")
    search_index.refresh(conn, [a, b])
    assert {p: _keys(conn, p) for p in (a, b)} == written
    conn.execute("ROLLBACK")


def test_a_save_in_the_same_transaction_recomputes_given_keys(made):
    from desktop.store.repositories import search_index

    conn = made.store.conn
    a = new_id()
    stale = search_index.key_rows([(a, "王丽", None, None, None, None)], {})
    with made.store.transaction(made.admin.id) as tx:
        tx.new_persons_keys([a], stale)
        tx.save_many("persons", [{"kind": "woman", "name_zh": "王丽"}], ids=[a])
        tx.save("persons", {"name_zh": "赵敏"}, id=a)
    keys = _keys(conn, a)
    assert any("赵" in k or "敏" in k for k in keys)
    assert not any("丽" in k for k in keys)
