"""The demo's households in chunks, made here or in a second process, and the worklist
worker (see demo.py).

Making the records (and their search keys) needs nothing from the store, so on Linux a
large demo makes them in a forked child process while this one writes the last chunk: the
child draws from the same random.Random in the same order, so the records are the ones
this process would have made (ids are fresh UUIDv7s either way). Both children are forked
before the store is opened (a SQLite connection must not cross a fork; the worklist worker
opens its own once it is given the key). The generator is one chunk ahead at most,
because sending a chunk waits until the writer takes it.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import random
import sys
import threading
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

from desktop.services.demo_records import Batch, Generator, Township
from desktop.store.repositories.search_index import key_rows
from desktop.store.writer import stored_row

Chunk = tuple[Batch, int]  # the rows of whole households, persons made so far
_KEYED = ("name_zh", "name_mn", "name_latin", "resident_id", "phone")


def chunks(gen: Generator, persons: int, chunk_rows: int) -> Iterator[Chunk]:
    """Households until *persons* persons, in batches of about *chunk_rows* rows, each with
    its persons' search keys. The rows hold the values the write path stores (JSON text
    for lists and dicts, normalised text): worked out here, in the generator's process,
    they are taken as they are by the writer's."""
    batch = Batch()
    done = 0
    while done < persons:
        done += gen.household(batch, persons - done)
        if batch.count >= chunk_rows or done >= persons:
            for rows in batch.rows.values():
                rows[:] = map(stored_row, rows)
            batch.keys = search_keys(batch)
            yield batch, done
            batch = Batch()


def search_keys(batch: Batch) -> list[tuple]:
    """The search_keys rows of the batch's persons (Transaction.new_persons_keys), from
    rows that already hold the values the write path stores: what search_index.refresh
    would read back and key."""
    handbooks: dict[str, list[str]] = {}
    for row in batch.rows["pregnancies"]:
        if row.get("handbook_no") is not None and not row.get("deleted"):
            handbooks.setdefault(row["person_id"], []).append(row["handbook_no"])
    people = [(person_id, *map(row.get, _KEYED))
              for person_id, row in zip(batch.ids["persons"], batch.rows["persons"],
                                        strict=True) if not row.get("deleted")]
    return key_rows(people, handbooks)


def can_fork() -> bool:
    """A child can be forked safely: Linux (fork is the default there and needs no
    re-import), and no other thread whose locks the child could inherit held."""
    return (sys.platform.startswith("linux") and threading.active_count() == 1
            and "fork" in multiprocessing.get_all_start_methods())


class ForkedFeed:
    """Chunks made by a forked child. Start before the store is opened, then `begin` with
    the user id the records name, iterate, and `close` (also after an error)."""

    def __init__(self, rng: random.Random, township: Township, today: date, persons: int,
                 chunk_rows: int) -> None:
        ctx = multiprocessing.get_context("fork")
        self._conn, child_end = ctx.Pipe()
        self._proc = ctx.Process(target=_child, daemon=True, args=(
            child_end, rng, township, today, persons, chunk_rows))
        self._proc.start()
        child_end.close()

    def begin(self, user_id: str) -> Iterator[Chunk]:
        self._conn.send(user_id)
        while True:
            try:
                message = self._conn.recv()
            except EOFError:
                raise RuntimeError("the demo generator process ended early") from None
            if message is None:
                return
            if isinstance(message, str):
                raise RuntimeError(f"the demo generator process failed:\n{message}")
            rows, ids, count, keys, done = message
            yield Batch(rows, ids, count, keys), done

    def close(self) -> None:
        self._conn.close()
        if self._proc.is_alive():
            self._proc.terminate()
        self._proc.join()


def _child(conn: Any, rng: random.Random, township: Township, today: date, persons: int,
           chunk_rows: int) -> None:
    try:
        gen = Generator(rng, township, today, conn.recv())
        for batch, done in chunks(gen, persons, chunk_rows):
            conn.send((batch.rows, batch.ids, batch.count, batch.keys, done))
        conn.send(None)
    except (EOFError, BrokenPipeError):
        pass  # the writer stopped: nothing is waiting for more
    except BaseException:
        import traceback

        with contextlib.suppress(OSError):  # a writer that is gone hears nothing
            conn.send(traceback.format_exc())
    finally:
        conn.close()


class DueWorker:
    """The worklist's stored items of each written chunk, worked out by a forked child
    process on a connection of its own while this one writes the next chunk
    (worklist_due.built_rows, the parts of a rebuild). Fork it before any store is opened,
    `begin` with the store, `submit` after each chunk commits, `take` what is ready (rows
    and next days for worklist_due.store_built), `take(wait=True)` for the rest at the
    end, and `close`.

    The child finds the persons written since its last part itself (persons' rowids), so
    this process only ever sends it a few bytes: its sends never wait on the child, which
    may be waiting for this process to take a large part."""

    def __init__(self) -> None:
        ctx = multiprocessing.get_context("fork")
        self._conn, child_end = ctx.Pipe()
        self._proc = ctx.Process(target=_due_child, daemon=True, args=(child_end,))
        self._proc.start()
        child_end.close()
        self._waiting = 0

    def begin(self, path: Any, key: bytes, basis: date) -> None:
        self._conn.send((str(path), key, basis))

    def submit(self) -> None:
        """Work out the persons committed since the last submit."""
        self._conn.send(True)
        self._waiting += 1

    def take(self, wait: bool = False) -> Iterator[tuple[list[tuple], dict[str, str]]]:
        """The parts ready now (*wait*: every part submitted)."""
        while self._waiting and (wait or self._conn.poll()):
            try:
                message = self._conn.recv()
            except EOFError:
                raise RuntimeError("the demo worklist process ended early") from None
            if isinstance(message, str):
                raise RuntimeError(f"the demo worklist process failed:\n{message}")
            self._waiting -= 1
            yield message

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self._conn.send(None)
        self._conn.close()
        self._proc.join(timeout=5)
        if self._proc.is_alive():  # blocked sending a part nobody takes
            self._proc.terminate()
            self._proc.join()


def _due_child(conn: Any) -> None:
    from desktop.services import worklist_due
    from desktop.store.connection import open_connection
    from desktop.store.repositories import persons

    db = None
    try:
        path, key, basis = conn.recv()
        db = open_connection(Path(path), key, check=False)
        seen = 0
        while conn.recv() is not None:
            db.execute("BEGIN")  # one snapshot: whole households, as committed
            try:
                ids, seen = persons.written_after(db, seen)
                part = worklist_due.built_rows(db, ids, basis) if ids else ([], {})
            finally:
                db.execute("COMMIT")
            conn.send(part)
    except (EOFError, BrokenPipeError):
        pass
    except BaseException:
        import traceback

        with contextlib.suppress(OSError):
            conn.send(traceback.format_exc())
    finally:
        if db is not None:
            db.close()
        conn.close()
