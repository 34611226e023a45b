"""The worklist's derived table (migrations 0008 and 0010): each person's open work items
with the range of days on which each one is on the list, kept in step with the records,
and read for the list from one covering index in the list's order (``listed``).

Layering: the store cannot compute items (the schedules and the rules that turn records
into items live in desktop.services.worklist_due, above the store). So migration 0008's
triggers mark every person a write touches in ``due_dirty`` inside that write's
transaction, and the services register a *refresher* here (``register_refresher``) that
the one write path (Transaction.__exit__) calls before COMMIT: the marked persons' rows are
recomputed in the same transaction as the change (a session registers it when it opens:
desktop.services.worklist_hook). Writes that do not go through the write path (a pulled
sync page) or happen with no refresher registered leave their marks; the worklist read
drains them first (desktop.services.worklist_due.ensure_fresh), so no reader
ever sees stale rows.

The table is local and derived: not synced, not audited, rebuildable at any time.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date, timedelta

import sqlcipher3

FOREVER = "9999-12-31"   # show_until of an item that stays until a record closes it
HOOK_LIMIT = 1000        # more marked persons than this wait for the next worklist read
CHUNK = 500

COLUMNS = ("person_id", "kind", "due_from", "due_by", "show_from", "show_until", "area_code",
           "urgent_from", "sort_name", "seq", "item")
Row = tuple  # one value per COLUMNS entry
# The item column: what a row shows beyond its rank, village and person, packed by
# pack_item as one text the list reads in one value (the services split it only for the
# rows someone looks at): kind, ref_id ('' when it is the person), due_from, due_by,
# colours (comma-separated), details (JSON, '' for none), name_zh, name_mn, phone ('' for
# none) joined by ITEM_SEP. Codes, ids, ISO dates and JSON never hold ITEM_SEP; a name or
# phone that did would not have passed validation, and shows U+FFFD there instead.
ITEM_SEP = "\x1f"
ITEM_FIELDS = 9
# listed()'s rank: (section * 2 + 1 when not urgent) * RANK, plus for an overdue row
# RANK - 1 - days overdue (the most overdue first; no date is 999,999 days back).
RANK = 1_000_000

Refresher = Callable[[sqlcipher3.Connection, Sequence[str]], None]

_refresher: list[Refresher] = []
_suspended = [0]


def register_refresher(refresher: Refresher) -> None:
    """Make the write path call *refresher(conn, person_ids)* before each commit that left
    marked persons (at most one refresher: the last registered wins)."""
    _refresher[:] = [refresher]


def has_refresher() -> bool:
    return bool(_refresher)


@contextmanager
def suspended() -> Iterator[None]:
    """Leave marks for later inside the block (bulk writers that rebuild at the end)."""
    _suspended[0] += 1
    try:
        yield
    finally:
        _suspended[0] -= 1


def has_table(conn: sqlcipher3.Connection) -> bool:
    return conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table'"
                        " AND name = 'due_dirty'").fetchone() is not None


def dirty(conn: sqlcipher3.Connection, limit: int | None = None) -> list[str]:
    """The marked persons (at most *limit*)."""
    if limit is None:
        return [r[0] for r in conn.execute("SELECT person_id FROM due_dirty")]
    return [r[0] for r in conn.execute("SELECT person_id FROM due_dirty LIMIT ?", (limit,))]


def clear_marks(conn: sqlcipher3.Connection) -> None:
    """Drop every mark (a rebuild has just stored every person's rows)."""
    conn.execute("DELETE FROM due_dirty")


def after_write(conn: sqlcipher3.Connection) -> None:
    """The write path's hook, inside its transaction: recompute the marked persons' rows
    when a refresher is registered, there are not too many and no bulk writer said wait."""
    if not _refresher or _suspended[0] or not has_table(conn):
        return
    ids = dirty(conn, HOOK_LIMIT + 1)
    if ids and len(ids) <= HOOK_LIMIT:
        _refresher[0](conn, ids)


def replace(conn: sqlcipher3.Connection, person_ids: Sequence[str], rows: Iterable[Row]
            ) -> None:
    """Drop every row of *person_ids*, insert *rows* and clear the persons' marks (inside
    the caller's transaction)."""
    for lo in range(0, len(person_ids), CHUNK):
        chunk = list(person_ids[lo:lo + CHUNK])
        marks = ",".join("?" * len(chunk))
        conn.execute(f"DELETE FROM due_items WHERE person_id IN ({marks})", chunk)
        conn.execute(f"DELETE FROM due_dirty WHERE person_id IN ({marks})", chunk)
    insert(conn, rows)


def insert(conn: sqlcipher3.Connection, rows: Iterable[Row]) -> None:
    conn.executemany(f"INSERT INTO due_items ({', '.join(COLUMNS)})"
                     f" VALUES ({', '.join('?' * len(COLUMNS))})", rows)


def clear(conn: sqlcipher3.Connection, kind: str | None = None) -> None:
    """Drop every row (of one *kind*); with no kind every mark and next day goes too."""
    if kind is None:
        conn.execute("DELETE FROM due_items")
        conn.execute("DELETE FROM due_dirty")
        conn.execute("DELETE FROM due_next")
    else:
        conn.execute("DELETE FROM due_items WHERE kind = ?", (kind,))


def changing(conn: sqlcipher3.Connection, day: date) -> list[str]:
    """The persons whose day-relative rows may change by *day* (migration 0011)."""
    return [r[0] for r in conn.execute(
        "SELECT person_id FROM due_next WHERE next_change <= ?", (day.isoformat(),))]


def drop_kind(conn: sqlcipher3.Connection, person_ids: Sequence[str], kind: str) -> None:
    """Drop the *kind* rows of *person_ids* and their next days."""
    for lo in range(0, len(person_ids), CHUNK):
        chunk = list(person_ids[lo:lo + CHUNK])
        marks = ",".join("?" * len(chunk))
        conn.execute(f"DELETE FROM due_items WHERE person_id IN ({marks}) AND +kind = ?",
                     [*chunk, kind])
        conn.execute(f"DELETE FROM due_next WHERE person_id IN ({marks})", chunk)


def set_next(conn: sqlcipher3.Connection, person_ids: Sequence[str],
             nexts: dict[str, str]) -> None:
    """Replace the next days of *person_ids* by *nexts* ({person id: ISO day}; a person
    missing there has none)."""
    for lo in range(0, len(person_ids), CHUNK):
        chunk = list(person_ids[lo:lo + CHUNK])
        conn.execute(f"DELETE FROM due_next WHERE person_id IN ({','.join('?' * len(chunk))})",
                     chunk)
    conn.executemany("INSERT INTO due_next(person_id, next_change) VALUES (?, ?)",
                     nexts.items())


def prune(conn: sqlcipher3.Connection, before: date) -> int:
    """Drop rows that left the list before *before* (a missed visit a later one replaced)."""
    return conn.execute("DELETE FROM due_items WHERE show_until < ?",
                        (before.isoformat(),)).rowcount


# One village's rows on the list on :d, read from the covering index due_items_list
# (migration 0010) in its order: window start, name (sort_name: name_zh, else name_mn),
# provider. Every listed row has
# due_from <= show_from + NEAR_DAYS (a window is listed from a week before it opens), so
# the range ends at :n = :d + NEAR_DAYS.
_LIST = """SELECT
    CASE WHEN due_by < :d
         THEN (urgent_from IS NULL OR urgent_from > :d) * :r + :r - 1
              - CAST(:j - julianday(due_by) AS INTEGER)
         ELSE ((due_from > :d) * 2 + 2 + (urgent_from IS NULL OR urgent_from > :d)) * :r
    END, area_code, person_id, CAST(item AS BLOB)
    FROM due_items
    WHERE area_code = :a AND due_from <= :n AND show_from <= :d AND show_until >= :d
    ORDER BY due_from, sort_name, seq"""
# The villages that have rows, each found with one step down the index.
_AREAS = """WITH RECURSIVE a(code) AS (
    SELECT min(area_code) FROM due_items
    UNION ALL SELECT (SELECT min(area_code) FROM due_items WHERE area_code > a.code)
    FROM a WHERE a.code IS NOT NULL)
    SELECT code FROM a WHERE code IS NOT NULL"""


def listed(conn: sqlcipher3.Connection, today: date, areas: frozenset[str] | None,
           near_days: int) -> Iterator[sqlcipher3.Cursor]:
    """The rows on the list on *today*, one cursor per village of *areas* (None: every
    village) in code order; consume each before the next. A row is (rank, area_code,
    person_id, item as UTF-8 bytes: decoded only when the row is looked at): sorting a village's rows by rank (stable)
    puts them in the list's order: overdue, due today, this week; urgent first; the most
    overdue first; then window start, name and provider as read."""
    args = {"d": today.isoformat(), "n": (today + timedelta(days=near_days)).isoformat(),
            "j": today.toordinal() + 1721424.5, "r": RANK}
    codes = sorted(areas) if areas is not None else [r[0] for r in conn.execute(_AREAS)]
    for code in codes:
        args["a"] = code
        yield conn.execute(_LIST, args)


def pack_item(kind: str, ref_id: str | None, due_from: str, due_by: str,
              colours: Iterable[str], details: str | None, name_zh: str | None,
              name_mn: str | None, phone: str | None, person_id: str | None = None) -> str:
    shown = [(text or "").replace(ITEM_SEP, "\ufffd") for text in (name_zh, name_mn, phone)]
    return ITEM_SEP.join((kind, "" if ref_id in (None, person_id) else ref_id, due_from,
                          due_by, ",".join(colours), details or "", *shown))


def read_meta(conn: sqlcipher3.Connection, key: str) -> str | None:
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return row[0] if row else None


def write_meta(conn: sqlcipher3.Connection, key: str, value: str) -> None:
    conn.execute("INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE"
                 " SET value = excluded.value", (key, value))
