"""The demo township: realistic, consistent records written through the one write path."""

from __future__ import annotations

import random
import unicodedata
from datetime import date
from pathlib import Path

import pytest

from desktop.domain import search_keys
from desktop.domain.gestation import trimester
from desktop.domain.ids import parse_resident_id
from desktop.services import demo_feed, worklist_due
from desktop.services.demo import DEFERRED_INDEXES, DemoAreaError, DemoPersonsError, create_demo
from desktop.services.demo_records import TABLE_ORDER, Batch, Generator, make_township
from desktop.store import migrations
from desktop.store.audit import BULK_INSERT, verify_chain
from desktop.store.database import Store
from desktop.store.errors import StoreExistsError
from desktop.store.keys import KdfParams
from desktop.store.repositories import due_items, search_index

TODAY = date(2026, 11, 24)
PASSWORD = "demo-pass"
MONGOLIAN = {chr(c) for c in range(0x1820, 0x1843)}
MONGOLIAN_JOINERS = {"\u180e", "\u202f", " "}  # MVS before a final a, NNBSP before suffixes


def _demo(path: Path, persons: int, **kw):
    return create_demo(path, persons=persons, password=PASSWORD, today=TODAY,
                       kdf=KdfParams.floor(), **kw)


@pytest.fixture(scope="module")
def township(tmp_path_factory):
    """A 300-person demo written in small chunks (several transactions), then unlocked."""
    path = tmp_path_factory.mktemp("demo") / "data"
    seen: list[tuple[int, int]] = []
    result = _demo(path, 300, chunk_rows=1500, progress=lambda d, t: seen.append((d, t)))
    store, _user = Store.unlock(path, "admin", PASSWORD)
    yield result, store, seen
    store.close()


def _generate(seed: int, persons: int) -> Batch:
    rng = random.Random(seed)
    gen = Generator(rng, make_township(rng, "150525100"), TODAY, "user")
    batch = Batch()
    done = 0
    while done < persons:
        done += gen.household(batch, persons - done)
    return batch


def test_empty_demo_opens_for_admin(tmp_path):
    result = _demo(tmp_path / "d", 0)
    assert result.persons == 0 and sum(result.rows.values()) == 0
    store, user = Store.unlock(tmp_path / "d", "admin", PASSWORD)
    try:
        assert user.is_admin
        assert store.conn.execute("SELECT count(*) FROM persons").fetchone()[0] == 0
        assert store.meta("township_code") == "150525100"
        assert verify_chain(store.conn) is None
    finally:
        store.close()


def test_women_and_children_in_villages_of_the_township(township):
    result, store, seen = township
    conn = store.conn
    kinds = dict(conn.execute("SELECT kind, count(*) FROM persons GROUP BY kind").fetchall())
    assert sum(kinds.values()) == result.persons == 300
    assert kinds["woman"] > 120 and kinds["child"] > 90
    villages = set(result.village_codes)
    assert 10 <= len(villages) <= 20
    assert all(v.startswith("150525100") and len(v) == 12 for v in villages)
    areas = {r[0] for r in conn.execute("SELECT DISTINCT area_code FROM persons")}
    assert areas <= villages
    assert seen[-1] == (300, 300) and len(seen) > 1


def test_mongolian_names_are_in_mongolian_script(township):
    conn = township[1].conn
    rows = conn.execute("SELECT name_zh, name_mn, ethnicity FROM persons"
                        " WHERE name_mn IS NOT NULL").fetchall()
    assert len(rows) > 30
    for name_zh, name_mn, ethnicity in rows:
        assert ethnicity == "mongol" and name_zh
        assert set(name_mn) <= MONGOLIAN | MONGOLIAN_JOINERS
        assert unicodedata.normalize("NFC", name_mn) == name_mn
    notes = [r[0] for r in conn.execute("SELECT notes FROM persons WHERE notes IS NOT NULL")]
    assert any("\u202f" in n for n in notes)  # stored exactly, suffix space kept


def test_resident_ids_are_valid_and_match_the_person(township):
    conn = township[1].conn
    rows = conn.execute("SELECT resident_id, birth_date, sex FROM persons").fetchall()
    with_id = [r for r in rows if r[0]]
    assert len(with_id) > 0.8 * len(rows)
    assert len({r[0] for r in with_id}) == len(with_id)
    for text, birth, sex in with_id:
        parsed = parse_resident_id(text)
        assert parsed is not None, text
        assert parsed.birth_date.isoformat() == birth and parsed.sex == sex
        assert text.startswith("15") or text.startswith("21")
    assert sum(r[0].startswith("150525") for r in with_id) > 0.7 * len(with_id)


def test_children_were_born_from_their_mothers_deliveries(township):
    conn = township[1].conn
    unmatched = conn.execute(
        "SELECT count(*) FROM persons c WHERE c.kind = 'child' AND NOT EXISTS ("
        " SELECT 1 FROM deliveries d JOIN pregnancies p ON p.id = d.pregnancy_id"
        " WHERE d.person_id = c.mother_id AND p.person_id = c.mother_id"
        " AND d.delivery_date = c.birth_date AND p.ended_on = c.birth_date)").fetchone()[0]
    assert unmatched == 0
    oldest = conn.execute("SELECT min(birth_date) FROM persons WHERE kind = 'child'"
                          ).fetchone()[0]
    assert (TODAY - date.fromisoformat(oldest)).days < 7 * 365


def test_every_live_row_is_in_the_outbox_and_the_audit_chain_holds(township):
    result, store, _ = township
    conn = store.conn
    for table in TABLE_ORDER:
        missing = conn.execute(
            f"SELECT count(*) FROM {table} t WHERE t.deleted = 0 AND NOT EXISTS ("
            " SELECT 1 FROM outbox o WHERE o.table_name = ? AND o.row_id = t.id"
            " AND o.rev = t.rev)", (table,)).fetchone()[0]
        assert missing == 0, table
        assert conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == \
            result.rows[table]
    # Every row is named by the audit entry of the bulk write that made it.
    covered = conn.execute("SELECT sum(json_extract(detail, '$.rows')) FROM audit"
                           " WHERE action = ?", (BULK_INSERT,)).fetchone()[0]
    assert covered == sum(result.rows.values())
    assert verify_chain(conn) is None


def test_free_text_reads_as_a_worker_wrote_it_and_follow_ups_name_who(township):
    conn = township[1].conn
    admin = conn.execute("SELECT id FROM users WHERE username = 'admin'").fetchone()[0]
    advice = {r[0] for r in conn.execute("SELECT DISTINCT advice FROM prenatal_visits")}
    assert advice and all(text and not text.isascii() for text in advice)
    recorders = {r[0] for r in conn.execute("SELECT DISTINCT recorded_by FROM case_followups")}
    assert recorders == {admin}


def test_search_keys_are_those_a_rebuild_from_the_rows_gives(township):
    conn = township[1].conn
    stored = set(conn.execute("SELECT key, person_id FROM search_keys"))
    search_keys._name_keys.cache_clear()  # the rebuild keys every name afresh
    conn.execute("BEGIN")
    try:
        search_index.backfill(conn)
        rebuilt = set(conn.execute("SELECT key, person_id FROM search_keys"))
    finally:
        conn.execute("ROLLBACK")
    assert stored == rebuilt
    assert {p for _, p in stored} == {r[0] for r in conn.execute("SELECT id FROM persons")}


def test_nothing_is_dated_after_today(township):
    conn = township[1].conn
    for table, column in (("prenatal_visits", "visit_date"), ("child_visits", "visit_date"),
                          ("vaccinations", "given_on"), ("postpartum_visits", "visit_date"),
                          ("deliveries", "delivery_date"), ("case_followups", "followup_date"),
                          ("risk_assessments", "assessed_on")):
        latest = conn.execute(f"SELECT max({column}) FROM {table}").fetchone()[0]
        assert latest <= TODAY.isoformat(), table
    early = conn.execute("SELECT count(*) FROM vaccinations v JOIN persons p"
                         " ON p.id = v.person_id WHERE v.given_on < p.birth_date").fetchone()[0]
    assert early == 0


def test_risk_colour_follows_the_latest_assessment_and_cases_follow_colour(township):
    conn = township[1].conn
    mismatched = conn.execute(
        "SELECT count(*) FROM pregnancies p WHERE p.risk_colour != (SELECT r.colour FROM"
        " risk_assessments r WHERE r.pregnancy_id = p.id"
        " ORDER BY r.assessed_on DESC, r.rev DESC LIMIT 1)").fetchone()[0]
    assert mismatched == 0
    no_case = conn.execute(
        "SELECT count(*) FROM pregnancies p WHERE (p.risk_colour IN ('orange', 'red')"
        " OR p.risk_colours LIKE '%purple%') AND NOT EXISTS"
        " (SELECT 1 FROM cases c WHERE c.pregnancy_id = p.id)").fetchone()[0]
    assert no_case == 0


def test_pregnancies_in_every_trimester_with_scheduled_visits():
    batch = _generate(7, 4000)
    ongoing = [p for p in batch.rows["pregnancies"] if "status" not in p]
    women = sum(1 for p in batch.rows["persons"] if p["kind"] == "woman")
    assert 0.02 < len(ongoing) / women < 0.07
    ga = [(TODAY - date.fromisoformat(p["lmp"])).days for p in ongoing]
    assert {trimester(d) for d in ga} == {1, 2, 3}
    colours = [p["risk_colour"] for p in batch.rows["pregnancies"]]
    share = {c: colours.count(c) / len(colours) for c in set(colours)}
    assert 0.6 < share["green"] < 0.85 and 0.1 < share["yellow"] < 0.3
    weeks = [v["ga_days"] // 7 for v in batch.rows["prenatal_visits"]]
    assert min(weeks) >= 6 and max(weeks) <= 42
    kinds = {v["kind"] for v in batch.rows["postpartum_visits"]}
    assert kinds == {"postpartum_7d", "postpartum_42d"}
    recent = [d for d in batch.rows["deliveries"]
              if (TODAY - date.fromisoformat(d["delivery_date"])).days <= 60]
    assert recent


def test_same_seed_same_records_other_seed_other_records():
    def content(batch: Batch) -> list[tuple]:
        return [tuple(sorted((k, str(v)) for k, v in row.items() if not k.endswith("_id")))
                for table in TABLE_ORDER for row in batch.rows[table]]

    first, again, other = _generate(11, 500), _generate(11, 500), _generate(12, 500)
    assert content(first) == content(again)
    assert content(first) != content(other)
    assert first.ids["persons"] != again.ids["persons"]  # ids are fresh UUIDv7s each run


def _content(path: Path) -> dict[str, list[tuple]]:
    """Every row in write order without what differs between two stores (ids, revs, the
    device and the administrator's id)."""
    store, _ = Store.unlock(path, "admin", PASSWORD)
    try:
        out = {}
        for table in TABLE_ORDER:
            cur = store.conn.execute(f"SELECT * FROM {table} ORDER BY rev")
            names = [d[0] for d in cur.description]
            keep = [i for i, n in enumerate(names) if not (n == "id" or n.endswith("_id") or n in {
                "rev", "field_revs", "origin", "updated_by", "confirmed_by", "responsible_user",
                "recorded_by"})]
            out[table] = [tuple(row[i] for i in keep) for row in cur]
        return out
    finally:
        store.close()


def test_records_made_in_a_child_process_are_those_made_here(tmp_path):
    if not demo_feed.can_fork():
        pytest.skip("no fork here (not Linux, or other threads are running)")
    seen: list[tuple[int, int]] = []
    forked = _demo(tmp_path / "forked", 400, chunk_rows=2000, fork=True,
                   progress=lambda d, t: seen.append((d, t)))
    here = _demo(tmp_path / "here", 400, chunk_rows=2000, fork=False)
    assert forked.rows == here.rows and forked.persons == here.persons == 400
    assert len(seen) > 1 and seen[-1] == (400, 400)
    assert _content(tmp_path / "forked") == _content(tmp_path / "here")


def _worklist_state(conn) -> tuple:
    return (sorted(conn.execute("SELECT * FROM due_items")),
            sorted(conn.execute("SELECT * FROM due_next")),
            conn.execute("SELECT count(*) FROM due_dirty").fetchone()[0],
            [due_items.read_meta(conn, k) for k in (worklist_due.BASIS_KEY,
                                                     worklist_due.PRUNED_KEY)])


def test_worklist_made_in_parts_by_a_child_process_equals_a_rebuild(tmp_path):
    if not demo_feed.can_fork():
        pytest.skip("no fork here (not Linux, or other threads are running)")
    _demo(tmp_path / "forked", 600, chunk_rows=1500, fork=True)
    store, _ = Store.unlock(tmp_path / "forked", "admin", PASSWORD)
    try:
        conn = store.conn
        parts = _worklist_state(conn)
        assert len(parts[0]) > 100 and parts[2] == 0 and parts[3] == [TODAY.isoformat()] * 2
        conn.execute("BEGIN IMMEDIATE")
        try:
            worklist_due.rebuild(conn, TODAY)
            assert _worklist_state(conn) == parts
        finally:
            conn.execute("ROLLBACK")
    finally:
        store.close()


def _indexes(conn) -> dict[str, str]:
    return dict(conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index'"
                             " AND sql IS NOT NULL"))


def test_a_store_left_without_triggers_and_indexes_gets_them_back_on_open(tmp_path):
    # What a demo killed while it filled leaves: triggers and some indexes dropped,
    # worklist rows missing.
    _demo(tmp_path / "d", 60)
    store, _ = Store.unlock(tmp_path / "d", "admin", PASSWORD)
    conn = store.conn
    indexes = _indexes(conn)
    assert set(DEFERRED_INDEXES) <= set(indexes)  # the demo made them again
    conn.execute("BEGIN IMMEDIATE")
    migrations.drop_due_triggers(conn)
    migrations.defer_indexes(conn, DEFERRED_INDEXES)
    conn.execute("DELETE FROM due_items")
    conn.execute("COMMIT")
    assert not set(DEFERRED_INDEXES) & set(_indexes(conn))
    store.close()
    store, _ = Store.unlock(tmp_path / "d", "admin", PASSWORD)
    try:
        conn = store.conn
        names = {r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'due_%'")}
        assert len(names) == 18  # insert and update, on persons and the 8 source tables
        persons = conn.execute("SELECT count(*) FROM persons").fetchone()[0]
        assert len(due_items.dirty(conn)) == persons  # everyone rebuilt on the next read
        assert not migrations.ensure_due_triggers(conn)  # nothing missing any more
        assert _indexes(conn) == indexes and not migrations.restore_indexes(conn)
    finally:
        store.close()


@pytest.mark.parametrize("process", ["generator", "worklist"])
def test_a_failing_child_process_fails_the_demo(tmp_path, monkeypatch, process):
    if not demo_feed.can_fork():
        pytest.skip("no fork here (not Linux, or other threads are running)")

    def broken(*_args):
        raise ValueError(f"no {process} today")

    # The children are forked with the broken function in place.
    if process == "generator":
        monkeypatch.setattr(Generator, "household", broken)
    else:
        monkeypatch.setattr(worklist_due, "built_rows", broken)
    with pytest.raises(RuntimeError, match=f"no {process} today"):
        _demo(tmp_path / "d", 50, fork=True)


def test_refusals(tmp_path):
    with pytest.raises(DemoPersonsError):
        _demo(tmp_path / "a", -1)
    with pytest.raises(DemoAreaError):
        _demo(tmp_path / "a", 1, area="15052")
    assert not (tmp_path / "a").exists()
    _demo(tmp_path / "b", 1, area="150524")
    with pytest.raises(StoreExistsError):
        _demo(tmp_path / "b", 1)
    store, _ = Store.unlock(tmp_path / "b", "admin", PASSWORD)
    try:
        assert store.meta("township_code") == "150524100"
        area = store.conn.execute("SELECT area_code FROM persons").fetchone()[0]
        assert area.startswith("150524100") and len(area) == 12
    finally:
        store.close()
