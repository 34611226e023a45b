"""connection.one_snapshot: connections that read the store as it was at one moment, taken
with the write lock held only while they begin, so writers go on meanwhile."""

from __future__ import annotations

import threading

import pytest

from desktop.store.connection import one_snapshot


def _count(conn) -> int:
    return conn.execute("SELECT count(*) FROM persons WHERE deleted = 0").fetchone()[0]


def _add(made, name: str) -> None:
    with made.store.transaction(made.admin.id) as tx:
        tx.save("persons", {"kind": "woman", "name_zh": name, "area_code": "150102001001"})


def test_both_read_one_moment_while_a_writer_commits_between_their_reads(made) -> None:
    _add(made, "甲")
    before = _count(made.store.conn)
    with one_snapshot(made.store.connect, 2) as (first, second):
        assert _count(first) == before
        _add(made, "乙")  # commits at once: the lock was let go
        assert _count(made.store.conn) == before + 1
        assert _count(second) == before  # begun before the commit, read after it
        assert _count(first) == before
        assert first.in_transaction and second.in_transaction
    after = made.store.connect()
    try:
        assert _count(after) == before + 1
    finally:
        after.close()


def test_waits_for_a_writer_and_never_reads_half_a_transaction(made) -> None:
    """Taken while another connection is inside a write transaction, the snapshot waits
    for its commit: it sees all of it or none."""
    _add(made, "丙")
    _add(made, "丁")
    before = _count(made.store.conn)
    writer = made.store.connect()
    try:
        writer.execute("BEGIN IMMEDIATE")
        writer.execute("UPDATE persons SET deleted = 1 WHERE name_zh = '丙'")
        taken = threading.Event()
        seen: list[int] = []

        def read() -> None:
            with one_snapshot(made.store.connect, 1) as (conn,):
                taken.set()
                seen.append(_count(conn))

        reader = threading.Thread(target=read)
        reader.start()
        assert not taken.wait(0.3)  # the lock is the writer's
        writer.execute("UPDATE persons SET deleted = 1 WHERE name_zh = '丁'")
        writer.execute("COMMIT")
        reader.join(10)
        assert seen == [before - 2]
    finally:
        writer.close()


def test_connections_are_closed_even_when_the_body_fails(made) -> None:
    kept = []
    with pytest.raises(RuntimeError), one_snapshot(made.store.connect, 2) as conns:
        kept.extend(conns)
        raise RuntimeError("boom")
    for conn in kept:
        with pytest.raises(Exception, match="closed"):
            conn.execute("SELECT 1")


def test_the_stores_readers_are_kept_between_uses_and_closed_with_the_store(made) -> None:
    store = made.store
    with store.snapshot_readers(2) as first:
        kept = list(first)
        # Taken: a second user (another report at the same time) gets connections of its
        # own, at a snapshot of its own.
        _add(made, "戊")
        with store.snapshot_readers(2) as other:
            assert not set(map(id, other)) & set(map(id, kept))
            assert _count(other[0]) == _count(first[0]) + 1
    with store.snapshot_readers(2) as again:
        assert list(map(id, again)) == list(map(id, kept))
        assert _count(again[0]) == _count(store.conn)  # a new snapshot: sees the commit
    assert not any(c.in_transaction for c in kept)
    store.close()
    for conn in kept:
        with pytest.raises(Exception, match="closed"):
            conn.execute("SELECT 1")


def test_closing_the_store_stops_a_report_still_reading(made) -> None:
    """Logging out while a report reads: its read is interrupted, and the store closes
    as soon as the report lets go of the connections (not after the whole read)."""
    import time

    import sqlcipher3

    store = made.store
    started = threading.Event()
    failed: list[BaseException] = []

    def report() -> None:
        try:
            with store.snapshot_readers(2) as (conn, _side):
                started.set()
                # A read that would take minutes.
                conn.execute("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n"
                             " WHERE i < 10000000000) SELECT count(*) FROM n").fetchone()
        except BaseException as exc:  # the test looks at it
            failed.append(exc)

    reader = threading.Thread(target=report)
    reader.start()
    assert started.wait(10)
    time.sleep(0.2)
    begun = time.monotonic()
    store.close()
    assert time.monotonic() - begun < 5
    reader.join(10)
    assert not reader.is_alive()
    assert failed and isinstance(failed[0], sqlcipher3.OperationalError)
    assert "interrupt" in str(failed[0])
    assert store.closed
