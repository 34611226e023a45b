"""sync_service against the real central server: push, pull, no echo, conflicts and their
resolution, urgent first, clocks years wrong, per-record errors, enrollment errors."""

from __future__ import annotations

from pathlib import Path

import pytest
import sync_world
from sync_world import Central, central_rows, laptop, rows_of, sync, township, woman

from desktop.errors import AppError
from desktop.services import sync_service
from desktop.store.errors import PermissionDeniedError
from desktop.store.repositories import sync_state

YEAR_MS = 365 * 24 * 3600 * 1000
DAY_MS = 24 * 3600 * 1000


def edit(session, table: str, row_id: str, **fields) -> None:  # noqa: ANN001
    with session.store.transaction(session.user.id) as tx:
        tx.save(table, fields, id=row_id)


def test_push_then_pull_converges_without_echo(pair, central: Central) -> None:
    a, b, village = pair
    pid = woman(a, village, phone="13900000001")
    with a.store.transaction(a.user.id) as tx:
        tx.save("prenatal_visits", {"person_id": pid, "pregnancy_id": pid,
                                    "visit_date": "2025-03-01", "sbp": 120, "weight_kg": 60})
    first = sync(a)
    assert (first.pushed, first.conflicts) == (2, 0)
    assert sync_state.pending_count(a.store.conn) == 0
    got = sync(b)
    assert got.pulled == 2 and got.cursor >= first.cursor
    assert sync_state.pending_count(b.store.conn) == 0  # pulled rows are not queued again
    mine = {k: v for k, v in rows_of(b).items()}
    assert mine == rows_of(a)
    again = sync(a)
    assert (again.pushed, again.pulled) == (0, 0)  # its own changes never come back
    assert rows_of(a) == {k: v for k, v in central_rows(central).items() if k in rows_of(a)}
    audit = [r[0] for r in b.store.conn.execute("SELECT action FROM audit")]
    assert "sync_pull" in audit and audit.count("sync_apply") == 2


def test_both_sides_edit_one_field_conflict_kept_and_resolved(pair) -> None:
    a, b, village = pair
    pid = woman(a, village)
    sync(a)
    sync(b)
    edit(a, "persons", pid, phone="13900000001")
    edit(b, "persons", pid, phone="13900000002", address="东村")
    sync(a)
    got = sync(b)  # b pushes after a: central sees b never saw a's phone
    assert got.conflicts == 1
    sync(a)
    assert rows_of(a) == rows_of(b)
    [c] = b.conflicts()
    assert (c.field, c.local_value, c.remote_value) == ("phone", "13900000002", "13900000001")
    assert c.record_label == "王丽" and c.current_value == "13900000002"  # b's rev is larger
    b.resolve_conflict(c.id, "remote")
    assert b.conflicts() == []
    with pytest.raises(sync_service.ConflictGoneError):
        b.resolve_conflict(c.id, "local")
    sync(b)
    sync(a)
    assert rows_of(a)[("persons", pid)][0]["phone"] == "13900000001"
    assert rows_of(a) == rows_of(b)
    audit = [r[0] for r in b.store.conn.execute("SELECT action FROM audit")]
    assert "conflict_resolve" in audit


def test_pending_local_edit_meets_a_pulled_one_conflict_recorded_on_pull(pair) -> None:
    a, b, village = pair
    pid = woman(a, village)
    sync(a)
    sync(b)
    edit(a, "persons", pid, address="北村")
    sync(a)
    edit(b, "persons", pid, address="南村")
    conn = b.store.conn
    # Pull only (as if the push had failed): b's edit is still pending.
    client = sync_world.quick_client(b)
    page = client.pull(sync_state.enrollment(conn).cursor)
    changes = [sync_state.PulledChange(c.table, c.id, c.rev, dict(c.fields), c.deleted,
                                       c.origin) for c in page.changes]
    result = sync_state.apply_page(conn, b.user.id, changes, sync_service.merge_pulled,
                                   page.next_cursor, page.server_hlc, b.store.clock_ms(),
                                   b.store.device_id)
    assert result.conflicts == 1
    [c] = b.conflicts()
    assert (c.local_value, c.remote_value) == ("南村", "北村")
    sync(b)
    sync(a)
    assert rows_of(a) == rows_of(b)


def test_clocks_ten_years_behind_and_three_days_ahead(pair, central: Central) -> None:
    a, b, village = pair
    real = a.store.clock_ms
    a.store.clock_ms = lambda: real() - 10 * YEAR_MS
    b.store.clock_ms = lambda: real() + 3 * DAY_MS
    pid = woman(a, village, phone="1")
    sync(a)  # a's HLC now follows central, not its 10-year-old wall clock
    assert a.status().clock_wrong
    sync(b)
    edit(b, "persons", pid, phone="2", address="b-first")  # 3 days ahead: clamped at central
    sync(b)
    sync(a)
    assert rows_of(a)[("persons", pid)][0]["phone"] == "2"
    edit(a, "persons", pid, phone="3")  # later in real time: must win despite the clocks
    edit(b, "persons", pid, address="b-second")
    sync(a)
    sync(b)
    sync(a)
    final = rows_of(a)[("persons", pid)][0]
    assert final["phone"] == "3" and final["address"] == "b-second"
    assert rows_of(a) == rows_of(b)
    assert central_rows(central)[("persons", pid)][0]["phone"] == "3"
    # Concurrent edits of one field with these clocks: the conflict is recorded, nothing lost.
    edit(a, "persons", pid, name_zh="王丽A")
    edit(b, "persons", pid, name_zh="王丽B")
    sync(a)
    sync(b)
    sync(a)
    assert rows_of(a) == rows_of(b)
    values = {(c.local_value, c.remote_value) for c in a.conflicts() + b.conflicts()}
    assert values & {("王丽A", "王丽B"), ("王丽B", "王丽A")}


def test_urgent_rows_go_first_with_their_person(pair, central: Central) -> None:
    a, b, village = pair
    for i in range(3):
        woman(a, village, name_zh=f"普通{i}")
    pid = woman(a, village, name_zh="高危")
    with a.store.transaction(a.user.id) as tx:
        tx.save("cases", {"person_id": pid, "colour": "red", "status": "open"})
    conn = a.store.connect()
    try:
        batch = sync_state.next_batch(conn, "00000000-0000-4000-8000-000000000001",
                                      lambda c: 100, 2, 10_000)
    finally:
        conn.close()
    assert batch is not None
    assert [(c.table, c.id) for c in batch.changes][-1][0] == "cases"
    assert [c.table for c in batch.changes] == ["persons", "cases"]
    assert batch.changes[0].id == pid
    result = sync(a)  # the stamped batch goes first, with its own id
    assert result.pushed == 5
    sync(b)
    assert rows_of(a) == rows_of(b)


def test_refused_record_is_parked_as_a_sync_error_and_the_rest_goes(pair) -> None:
    a, b, village = pair
    woman(a, village, name_zh="本乡")
    _, other_village = township()
    stranger = woman(a, other_village, name_zh="外乡")  # outside a's areas: central says 403
    woman(a, village, name_zh="本乡2")
    result = sync(a)
    assert result.pushed == 2 and result.errors == 1
    [error] = a.sync_errors()
    assert (error.row_id, error.direction, error.code) == (stranger, "push",
                                                           "central.scope.out_of_area")
    assert sync_state.pending_count(a.store.conn) == 0
    assert a.store.conn.execute("SELECT count(*) FROM outbox").fetchone()[0] == 1  # kept
    assert sync(b).pulled == 2


def test_enrollment_errors(tmp_path: Path, central: Central) -> None:
    area, village = township()
    s = laptop(tmp_path, "c", area, [village])
    try:
        with pytest.raises(sync_service.NotEnrolledError):
            sync_service.sync_once(s)
        with pytest.raises(sync_service.BadEndpointError):
            s.enroll("ftp://x", central.issue_code(area))
        with pytest.raises(sync_service.BadCodeError):
            s.enroll(central.url, "not a code")
        with pytest.raises(sync_service.BadCodeError):
            s.enroll(central.url, "ABCD-EFGH-JKLM-NPQR")  # well formed, never issued
        user = s.store.add_user(s.user.id, "doctor", "医生", "village_doctor", [], "pw-123456",
                                kdf=sync_world.KdfParams.floor())
        worker = sync_world.Session(s.store, user)
        with pytest.raises(PermissionDeniedError):
            worker.enroll(central.url, central.issue_code(area))
        done = s.enroll(central.url, central.issue_code(area))
        assert done["areas"] == [area] and done["device_id"] == s.store.device_id
        token = s.store.conn.execute("SELECT token FROM sync_state").fetchone()[0]
        assert token and not any(token in (r[0] or "") for r in s.store.conn.execute(
            "SELECT detail FROM audit"))
        view = s.sync_overview()
        assert view.enrolled and view.endpoint == central.url and view.auto_sync
    finally:
        s.close()


def test_sync_error_is_saved_as_last_result(pair) -> None:
    a, _b, village = pair
    woman(a, village)
    dead = sync_world.quick_client(a, endpoint=f"http://127.0.0.1:{sync_world.free_port()}")
    with pytest.raises(AppError) as caught:
        sync_service.sync_once(a, client=dead)
    assert caught.value.code == "sync.offline"
    view = a.sync_overview()
    assert view.last_result == {"ok": False, "at": view.last_result["at"],
                                "code": "sync.offline"}
    assert view.pending == 1 and view.last_sync_at is None
