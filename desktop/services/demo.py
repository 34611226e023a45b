"""Create an encrypted store filled with a demo township (python -m desktop demo).

Rows go through the one write path (Transaction.save_many): every row has its rev, origin,
field revs and outbox change, and every bulk write its audit entry. Households are written
in transactions of about `chunk_rows` rows, so an interrupted demo leaves whole households
and a valid store (its worklist is built on the first read).

A large demo on Linux uses three processes (demo_feed): a forked child makes the records,
with their search keys, one chunk ahead; this one writes them; a second forked child works
out the worklist rows of each chunk once it is committed, which this one writes at the
end in the list's order.
"""

from __future__ import annotations

import gc
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from desktop.domain import demo_data
from desktop.services import demo_feed
from desktop.services.demo_records import TABLE_ORDER, Batch, Generator, make_township
from desktop.services.errors import ServiceError
from desktop.store import migrations
from desktop.store.connection import immediate
from desktop.store.database import Store, store_exists
from desktop.store.errors import StoreExistsError
from desktop.store.keys import KdfParams

ADMIN_USERNAME = "admin"
ADMIN_DISPLAY_NAME = "管理员"
CHUNK_ROWS = 100_000
# While it is filled, a 100k-person demo's random-order indexes (search keys, the report
# indexes by date) outgrow the normal 64 MiB cache: every insert then reads and decrypts a
# page, and every commit re-encrypts pages the last one wrote. So the fill's connection
# gets a larger cache (the store is closed when it is done). SQLite takes pages as it
# needs them: a small demo stays small; a 100k one peaks at about 2 GB of memory (1.4 GB
# with 512 MiB, which took 10 s longer).
FILL_CACHE_KIB = 1024 * 1024
FORK_FROM = 5_000  # persons; smaller demos are quick enough in one process
# Indexes in date order that the fill would write in random order (households of every
# year in turn, where a working store adds today's visits at the end): made after the
# fill instead, they cost less to make and come out packed, as in a store in use; the
# worklist worker does not read them. (100k demo, idle machine: 97 s instead of 108, and a
# year's report on it 760 ms instead of 1,100–1,250.)
DEFERRED_INDEXES = ("report_doses", "report_vaccinations", "report_child_visits",
                    "report_children", "report_deliveries_cover")

Progress = Callable[[int, int], None]
_DuePart = tuple[list[tuple], dict[str, str]]  # worklist_due.built_rows of some persons


class DemoPersonsError(ServiceError):
    """The number of demo persons is negative."""

    code = "service.demo_persons"


class DemoAreaError(ServiceError):
    """The demo area is not a 6-digit county or 9-digit township code."""

    code = "service.demo_area"


@dataclass(frozen=True)
class DemoResult:
    persons: int
    rows: dict[str, int]
    township_code: str
    township_name: str
    village_codes: list[str]
    seconds: float


def township_code(area: str) -> str:
    """The township of *area*: a 9-digit code itself, or the first town of a 6-digit county."""
    area = (area or "").strip()
    if area.isdigit() and len(area) == 9:
        return area
    if area.isdigit() and len(area) == 6:
        return demo_data.DEFAULT_TOWNSHIP if area == demo_data.DEFAULT_COUNTY else area + "100"
    raise DemoAreaError(area, code=area)


def create_demo(data_dir: Path, *, persons: int, password: str, area: str = "150525",
                seed: int = 20261124, today: date, kdf: KdfParams | None = None,
                progress: Progress | None = None, chunk_rows: int = CHUNK_ROWS,
                fork: bool | None = None) -> DemoResult:
    """Create a store in *data_dir* that user "admin" opens with *password*, holding
    *persons* demo persons (women and children) of one township, dated up to *today*.

    *kdf* None calibrates Argon2id on this machine (~0.5 s per unlock). *progress* is called
    with (persons written, persons) after each committed chunk. *fork* makes the records in
    a child process where that is safe (demo_feed): None does so from FORK_FROM persons.
    Raises StoreExistsError if the folder already holds a store, before any work is done.
    """
    if persons < 0:
        raise DemoPersonsError(str(persons))
    code = township_code(area)
    if store_exists(data_dir):
        raise StoreExistsError(str(data_dir))
    started = time.perf_counter()
    rng = random.Random(seed)
    township = make_township(rng, code)
    # The fill makes millions of short-lived dicts and no reference cycles; the cyclic
    # collector would walk the growing heap again and again (a tenth of the run). Off
    # before the fork, so the child runs without it too.
    collecting = gc.isenabled()
    gc.disable()
    feed = worker = None
    if (persons >= FORK_FROM if fork is None else fork) and demo_feed.can_fork():
        feed = demo_feed.ForkedFeed(rng, township, today, persons, chunk_rows)
        worker = demo_feed.DueWorker()
    try:
        store, admin, _recovery = Store.create(
            data_dir, clinic_name=f"{township.name}卫生院", township_code=code,
            village_codes=[v.code for v in township.villages], admin_username=ADMIN_USERNAME,
            admin_display_name=ADMIN_DISPLAY_NAME, admin_password=password, kdf=kdf)
        try:
            source = feed.begin(admin.id) if feed is not None else demo_feed.chunks(
                Generator(rng, township, today, admin.id), persons, chunk_rows)
            done, counts = _fill(store, admin.id, source, persons, today, progress, worker)
        finally:
            store.close()
    finally:
        if feed is not None:
            feed.close()
        if worker is not None:
            worker.close()
        if collecting:
            gc.enable()
    return DemoResult(done, counts, code, township.name, [v.code for v in township.villages],
                      round(time.perf_counter() - started, 2))


def _fill(store: Store, user_id: str, source: Iterator[demo_feed.Chunk], persons: int,
          today: date, progress: Progress | None, worker: demo_feed.DueWorker | None
          ) -> tuple[int, dict[str, int]]:
    """Write the chunks of *source*, then the worklist; returns persons and rows written.
    With a *worker*, each chunk's worklist rows are worked out by it once the chunk is
    committed, and all are written at the end in one sorted pass; without, they are built
    at the end."""
    # synchronous=OFF skips the sync at each commit. That is only safe because the store
    # is new and disposable: a power cut during the fill could damage it, and the remedy
    # is to make the demo again (a crash of this process alone cannot: the WAL stays
    # consistent). Real stores never run with it.
    store.conn.execute("PRAGMA synchronous = OFF")
    store.conn.execute(f"PRAGMA cache_size = -{FILL_CACHE_KIB}")
    counts = dict.fromkeys(TABLE_ORDER, 0)
    done = 0
    parts: list[_DuePart] = []
    # The worklist's stored items are written once at the end, in bulk, not household by
    # household at each chunk's commit.
    if worker is not None:
        worker.begin(*store.secret_for_worker(), today)
    # Every person's worklist rows are built here (by the worker as chunks commit, or at
    # the end), so the triggers that mark each written person for it would mark for
    # nothing (a sixth of the writing). They come back whatever happens: after a failure
    # with every person marked, so the first worklist read builds what is missing (and a
    # store opened after a kill puts them back the same way).
    # (With no marks, the write path's worklist hook has nothing to do either.)
    with immediate(store.conn):
        migrations.drop_due_triggers(store.conn)
        migrations.defer_indexes(store.conn, DEFERRED_INDEXES)
    try:
        for batch, done in source:
            _write(store, user_id, batch, counts)
            if worker is not None:
                parts += worker.take()
                worker.submit()
            if progress is not None:
                progress(done, persons)
    finally:
        migrations.ensure_due_triggers(store.conn)
        # While the worker works out the last chunk's worklist rows.
        migrations.restore_indexes(store.conn)
    # Durable before it is handed over: the worklist fill commits with synchronous=FULL
    # and its pages are checkpointed with a sync of the database file, which then holds
    # every page the unsynced fill wrote.
    store.conn.execute("PRAGMA synchronous = FULL")
    if worker is not None:
        parts += worker.take(wait=True)
    _fill_worklist(store, today, parts if worker is not None else None)
    store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    if progress is not None and persons == 0:
        progress(0, 0)
    return done, counts


def _fill_worklist(store: Store, today: date, parts: list[_DuePart] | None) -> None:
    """Every person's stored worklist items for *today*, one transaction: the worker's
    *parts*, or a whole worklist_due.rebuild."""
    from desktop.services import worklist_due

    with immediate(store.conn):
        if parts is None:
            worklist_due.rebuild(store.conn, today)
        else:
            rows = [row for part_rows, _nexts in parts for row in part_rows]
            nexts = {k: v for _rows, part_nexts in parts for k, v in part_nexts.items()}
            parts.clear()
            worklist_due.store_built(store.conn, rows, nexts)
            worklist_due.finish_build(store.conn, today)


def _write(store: Store, user_id: str, batch: Batch, counts: dict[str, int]) -> None:
    with store.transaction(user_id) as tx:
        tx.new_persons_keys(batch.ids["persons"], batch.keys)
        for table in TABLE_ORDER:
            rows = batch.rows[table]
            if rows:
                tx.save_many(table, rows, batch.ids[table])
                counts[table] += len(rows)
