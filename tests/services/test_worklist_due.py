"""The worklist's stored items (desktop.services.worklist_due) against the providers they
stand for: on a demo township, for many days, the stored list is the computed one; every
kind of write (the write path, a pulled sync page, a bulk demo) keeps it in step."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from maternal_helpers import TODAY, VILLAGE, admin_session, woman_fields

from desktop.services import worklist, worklist_due
from desktop.services.demo import create_demo
from desktop.store.database import Store
from desktop.store.keys import KdfParams
from desktop.store.repositories import due_items

PASSWORD = "demo-pass-1"


def _plain(wl: worklist.Worklist) -> tuple[list[tuple], list[tuple]]:
    """(the list's order as its sort fields, everything each row shows as a sorted list):
    rows equal in every sort field (two women of one name due the same day) may come in
    either order."""
    order = {s: n for n, s in enumerate(worklist.SECTIONS)}
    fields = [(r.area_code, order[r.section], not r.item.urgent, -r.days_overdue,
               r.item.due_from, r.name_zh or r.name_mn or "") for r in wl.rows]
    shown = [(r.item, r.section, r.key, r.name_zh, r.name_mn, r.phone, r.area_code, r.since,
              r.days_overdue, r.item.urgent, r.item.colours, r.item.ref_id,
              sorted(dict(r.item.details).items(), key=repr)) for r in wl.rows]
    return fields, sorted(shown, key=repr)


def _computed(conn, today, areas=None) -> worklist.Worklist:  # noqa: ANN001
    """The list as the providers compute it (the reference)."""
    return worklist.build(conn, today, areas, only=worklist.providers())


@pytest.fixture(scope="module")
def demo(tmp_path_factory):  # noqa: ANN001, ANN201
    path = tmp_path_factory.mktemp("due") / "demo"
    create_demo(path, persons=400, password=PASSWORD, today=TODAY, kdf=KdfParams.floor())
    store, user = Store.unlock(path, "admin", PASSWORD)
    yield store, user
    store.close()


def test_demo_fills_the_table_and_the_list_is_the_computed_one(demo):  # noqa: ANN001
    store, _ = demo
    conn = store.conn
    assert due_items.dirty(conn) == []
    assert due_items.read_meta(conn, worklist_due.BASIS_KEY) == TODAY.isoformat()
    stored = worklist.build(conn, TODAY, None)
    assert len(stored.rows) > 50
    kinds = {r.item.kind for r in stored.rows}
    assert "child_vaccination" in kinds and any(k.startswith("p") for k in kinds), kinds
    assert _plain(stored) == _plain(_computed(conn, TODAY))
    # Other days: forward (new basis day, pruning), back before the pruning (a rebuild),
    # and a village doctor's villages.
    for day in (TODAY + timedelta(days=1), TODAY + timedelta(days=9),
                TODAY + timedelta(days=45), TODAY - timedelta(days=30), TODAY):
        assert _plain(worklist.build(conn, day, None)) == _plain(_computed(conn, day)), day
    village = stored.rows[0].area_code
    assert (_plain(worklist.build(conn, TODAY, frozenset({village})))
            == _plain(_computed(conn, TODAY, frozenset({village}))))
    assert worklist.build(conn, TODAY, frozenset()).rows == ()


def test_the_list_is_read_from_the_covering_index_in_its_order(demo):  # noqa: ANN001
    """Each village's rows come from one range of due_items_list, the index holding all
    they show, in its order: no table lookups and no sort in SQLite."""
    store, _ = demo
    conn = store.conn
    statements: list[str] = []
    conn.set_trace_callback(statements.append)
    try:
        rows = worklist_due.stored_rows(conn, TODAY, None, set(), set(), set())
    finally:
        conn.set_trace_callback(None)
    reads = [q for q in statements if "FROM due_items" in q and "ORDER BY" in q]
    assert rows and len(reads) >= len({r.area_code for r in rows}) > 1
    for query in reads:
        plan = " ".join(r[3] for r in conn.execute("EXPLAIN QUERY PLAN " + query))
        assert "USING COVERING INDEX due_items_list" in plan, plan
        assert "TEMP B-TREE" not in plan, plan


def test_a_row_is_decoded_when_looked_at_and_names_cannot_break_it(made):  # noqa: ANN001
    s = admin_session(made)
    conn = made.store.conn
    child = s.register_child({"sex": "F", "birth_date": (TODAY - timedelta(days=3))
                              .isoformat(), "area_code": VILLAGE, "name_zh": "小花"},
                             today=TODAY).ids[0]
    # A name no form accepts (a control character, as a damaged sync page might bring),
    # written past the validation: the packed row must still split into its fields.
    conn.execute("BEGIN IMMEDIATE")
    conn.execute("UPDATE persons SET name_zh = ?, phone = ? WHERE id = ?",
                 ("小\x1f花", "138\x1f", child))
    conn.execute("COMMIT")
    row = next(r for r in s.worklist(today=TODAY).rows if r.item.person_id == child)
    assert (row.name_zh, row.phone, row.area_code) == ("小\ufffd花", "138\ufffd", VILLAGE)
    assert row.item is row.item and row.item.ref_id == child
    assert row.key == f"{row.item.kind}:{child}" and row.since == row.item.due_from
    assert row.item.details["birth_date"] == (TODAY - timedelta(days=3)).isoformat()
    assert _plain(s.worklist(today=TODAY))[0] == _plain(_computed(conn, TODAY))[0]


def test_a_save_refreshes_the_person_in_its_own_transaction(made):  # noqa: ANN001
    s = admin_session(made)
    conn = made.store.conn
    woman = s.register_woman(woman_fields(), today=TODAY).ids[0]
    lmp = TODAY - timedelta(days=175)
    preg = s.register_pregnancy(woman, {"registered_on": (lmp + timedelta(days=60))
                                        .isoformat(), "lmp": lmp.isoformat()},
                                today=TODAY).ids[0]
    # Saved through the write path with the services loaded: nothing is left marked and
    # the rows are already there, before any worklist is read.
    assert due_items.dirty(conn) == []
    kinds = {r[0] for r in conn.execute("SELECT kind FROM due_items WHERE person_id = ?",
                                        (woman,))}
    assert "prenatal_3" in kinds
    s.record_prenatal_visit(preg, {"visit_date": TODAY.isoformat()}, today=TODAY)
    assert due_items.dirty(conn) == []
    assert _plain(s.worklist(today=TODAY)) == _plain(_computed(conn, TODAY))
    # A name change reaches the stored row (names are kept with the items).
    with made.store.transaction(made.admin.id) as tx:
        tx.save("persons", {"phone": "13800009999"}, id=woman)
    items = [r[0] for r in conn.execute("SELECT item FROM due_items WHERE person_id = ?",
                                        (woman,))]
    assert items and {i.split(due_items.ITEM_SEP)[8] for i in items} == {"13800009999"}


def test_a_failed_write_leaves_the_rows_as_they_were(made):  # noqa: ANN001
    s = admin_session(made)
    conn = made.store.conn
    woman = s.register_woman(woman_fields(), today=TODAY).ids[0]
    before = conn.execute("SELECT * FROM due_items ORDER BY kind").fetchall()
    with pytest.raises(RuntimeError), made.store.transaction(made.admin.id) as tx:
        lmp = TODAY - timedelta(days=100)
        tx.save("pregnancies", {"person_id": woman, "area_code": VILLAGE, "lmp": lmp
                                .isoformat(), "edd": (lmp + timedelta(days=280)).isoformat()})
        raise RuntimeError("power cut")
    assert conn.execute("SELECT * FROM due_items ORDER BY kind").fetchall() == before
    assert due_items.dirty(conn) == []


def test_marks_left_outside_the_write_path_are_drained_before_a_read(made):  # noqa: ANN001
    s = admin_session(made)
    conn = made.store.conn
    woman = s.register_woman(woman_fields(), today=TODAY).ids[0]
    s.worklist(today=TODAY)
    lmp = TODAY - timedelta(days=112)
    # As a pulled sync page writes: plain SQL in its own transaction, no write-path hook.
    conn.execute("BEGIN IMMEDIATE")
    conn.execute("INSERT INTO pregnancies (id, rev, origin, person_id, area_code, lmp, edd,"
                 " status) VALUES ('p1', 'r', 'o', ?, ?, ?, ?, 'ongoing')",
                 (woman, VILLAGE, lmp.isoformat(), (lmp + timedelta(days=280)).isoformat()))
    conn.execute("COMMIT")
    assert due_items.dirty(conn) == [woman]
    rows = s.worklist(today=TODAY).rows
    assert ("prenatal_2", "today") in [(r.item.kind, r.section) for r in rows
                                       if r.item.person_id == woman]
    assert _plain(s.worklist(today=TODAY)) == _plain(_computed(conn, TODAY))
    assert due_items.dirty(conn) == []


def test_a_delivery_marks_the_mother_and_her_children(made):  # noqa: ANN001
    conn = made.store.conn
    with due_items.suspended(), made.store.transaction(made.admin.id) as tx:
        mother = tx.save("persons", {"kind": "woman", "name_zh": "王丽",
                                     "area_code": VILLAGE})["id"]
        baby = tx.save("persons", {"kind": "child", "sex": "F", "mother_id": mother,
                                   "birth_date": TODAY.isoformat(), "area_code": VILLAGE})["id"]
    conn.execute("DELETE FROM due_dirty")
    with due_items.suspended(), made.store.transaction(made.admin.id) as tx:
        tx.save("deliveries", {"person_id": mother, "pregnancy_id": "g1",
                               "delivery_date": TODAY.isoformat(),
                               "discharge_date": (TODAY + timedelta(days=2)).isoformat()})
    assert set(due_items.dirty(conn)) == {mother, baby}


def test_migration_marks_everyone_and_the_first_read_fills_the_table(made):  # noqa: ANN001
    s = admin_session(made)
    conn = made.store.conn
    s.register_woman(woman_fields(), today=TODAY)
    s.register_child({"sex": "F", "birth_date": (TODAY - timedelta(days=3)).isoformat(),
                      "area_code": VILLAGE}, today=TODAY)
    # As a file just migrated (0008 marked everyone, 0010 made the table anew): empty
    # table, never built.
    conn.execute("DELETE FROM due_items")
    conn.execute("INSERT OR IGNORE INTO due_dirty SELECT id FROM persons")
    conn.execute("DELETE FROM meta WHERE key IN (?, ?)",
                 (worklist_due.BASIS_KEY, worklist_due.PRUNED_KEY))
    assert _plain(s.worklist(today=TODAY)) == _plain(_computed(conn, TODAY))
    assert due_items.dirty(conn) == []


def test_stored_rows_carry_day_ranges_not_today(made):  # noqa: ANN001
    """A missed prenatal visit stays on the list until the next window opens, then
    leaves: the same stored row answers for every day, with no recomputation."""
    s = admin_session(made)
    conn = made.store.conn
    woman = s.register_woman(woman_fields(), today=TODAY).ids[0]
    lmp = TODAY - timedelta(days=175)  # 25+0 weeks: the 21–24 week window was missed
    preg = s.register_pregnancy(woman, {"registered_on": (lmp + timedelta(days=60))
                                        .isoformat(), "lmp": lmp.isoformat()},
                                today=TODAY).ids[0]
    s.record_prenatal_visit(preg, {"visit_date": (lmp + timedelta(days=60)).isoformat()},
                            today=TODAY)
    row = conn.execute("SELECT due_from, due_by, show_from, show_until FROM due_items"
                       " WHERE person_id = ? AND kind = 'prenatal_3'", (woman,)).fetchone()
    first, last = lmp + timedelta(days=147), lmp + timedelta(days=24 * 7 + 6)
    fourth = lmp + timedelta(days=28 * 7)
    assert row == (first.isoformat(), last.isoformat(), (first - timedelta(days=7))
                   .isoformat(), (fourth - timedelta(days=1)).isoformat())
    for day in (first - timedelta(days=8), first - timedelta(days=7), fourth
                - timedelta(days=1), fourth):
        assert _plain(s.worklist(today=day)) == _plain(_computed(conn, day)), day


def test_a_second_look_is_not_read_again_until_something_is_saved(made):  # noqa: ANN001
    s = admin_session(made)
    woman = s.register_woman(woman_fields(), today=TODAY).ids[0]
    lmp = TODAY - timedelta(days=175)
    s.register_pregnancy(woman, {"registered_on": (lmp + timedelta(days=60)).isoformat(),
                                 "lmp": lmp.isoformat()}, today=TODAY)
    first = s.worklist(today=TODAY)
    assert s.worklist(today=TODAY) is first
    assert s.worklist(today=TODAY + timedelta(days=1)) is not first
    again = s.worklist(today=TODAY)
    row = next(r for r in again.rows if r.item.person_id == woman)
    s.mark_work_item(row, "not_reachable", "phone switched off", today=TODAY)
    after = s.worklist(today=TODAY)
    assert after is not again and row.key not in {r.key for r in after.rows}
    # A change committed by another connection to the same file is seen too.
    other, _ = Store.unlock(made.data_dir, "admin", made.password)
    try:
        with other.transaction(made.admin.id) as tx:
            tx.save("persons", {"phone": "13800009999"}, id=woman)
    finally:
        other.close()
    latest = s.worklist(today=TODAY)
    assert latest is not after
    back = s.worklist(today=TODAY + timedelta(days=8)).rows  # the mark has run out
    assert {r.phone for r in back if r.item.person_id == woman} == {"13800009999"}


@pytest.mark.parametrize("first", ["maternal_worklist", "worklist_child", "worklist",
                                   "worklist_due"])
def test_any_worklist_module_imports_first_and_registers_the_refresher(first: str) -> None:
    """The providers' modules, the registry and the stored items import each other: each
    must load first in a fresh interpreter, and loading it hooks the write path."""
    import subprocess
    import sys

    code = (f"import desktop.services.{first}\n"
            "from desktop.store.repositories import due_items\n"
            "from desktop.services import worklist_due\n"
            "assert due_items._refresher == [worklist_due.refresh]\n"
            "assert len(worklist_due.stored_providers()) == 4\n"
            # The session imports the hook; none of these may import the session back.
            "import sys\n"
            "assert 'desktop.services.session' not in sys.modules\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=str(Path(__file__).resolve().parents[2]), timeout=120)
    assert done.returncode == 0, done.stderr


def test_a_session_hooks_the_write_path_when_it_opens(made):  # noqa: ANN001
    """In a fresh interpreter with no worklist module loaded, a save leaves its person
    marked for the first worklist read; once a session is open, a save refreshes the
    marked persons' rows in its own transaction (the schedules imported only then)."""
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from desktop.services.session import Session\n"
        "from desktop.store.database import Store\n"
        "from desktop.store.repositories import due_items\n"
        "store, user = Store.unlock(Path(sys.argv[1]), 'admin', sys.argv[2])\n"
        "def save(name):\n"
        "    with store.transaction(user.id) as tx:\n"
        "        return tx.save('persons', {'kind': 'child', 'sex': 'F', 'name_zh': name,\n"
        "            'birth_date': sys.argv[3], 'area_code': sys.argv[4]})['id']\n"
        "first = save('小花')\n"
        "assert due_items.dirty(store.conn) == [first]\n"
        "Session(store, user)\n"
        "assert 'desktop.services.worklist_due' not in sys.modules\n"
        "second = save('小草')\n"
        "assert due_items.dirty(store.conn) == []\n"  # the earlier mark is drained too
        "rows = {r[0] for r in store.conn.execute('SELECT person_id FROM due_items')}\n"
        "assert {first, second} <= rows\n"
        "store.close()\n")
    done = subprocess.run([sys.executable, "-c", code, str(made.data_dir), made.password,
                           TODAY.isoformat(), VILLAGE], capture_output=True, text=True,
                          cwd=str(Path(__file__).resolve().parents[2]), timeout=120)
    assert done.returncode == 0, done.stderr


def test_a_persons_refresh_reads_through_the_person_indexes(made):  # noqa: ANN001
    """A save refreshes one person inside its transaction: every read must go through
    that person's rows, never a scan of the township by status or kind (a save took
    200 ms on the 100k store when SQLite chose the status index)."""
    s = admin_session(made)
    conn = made.store.conn
    woman = s.register_woman(woman_fields(), today=TODAY).ids[0]
    child = s.register_child({"sex": "F", "birth_date": TODAY.isoformat(),
                              "area_code": VILLAGE, "mother_id": woman}, today=TODAY).ids[0]
    statements: list[str] = []
    conn.set_trace_callback(statements.append)
    try:
        conn.execute("BEGIN")
        worklist_due.refresh(conn, [woman, child])
        conn.execute("ROLLBACK")
    finally:
        conn.set_trace_callback(None)
    reads = [q for q in statements if q.lstrip().upper().startswith("SELECT")
             and "FROM meta" not in q]
    assert len(reads) >= 6
    for query in reads:
        plan = " ".join(r[3] for r in conn.execute("EXPLAIN QUERY PLAN " + query))
        assert "pregnancies_status" not in plan and "pregnancies_ended" not in plan, plan
        assert "cases_status" not in plan and "report_children" not in plan, plan
        assert "SCAN" not in plan.replace("SCAN CONSTANT ROW", ""), (query, plan)
