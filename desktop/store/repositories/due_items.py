"""The worklist's derived table (migration 0008): each person's open work items with the
range of days on which each one is on the list, kept in step with the records.

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
from datetime import date

import sqlcipher3

FOREVER = "9999-12-31"   # show_until of an item that stays until a record closes it
HOOK_LIMIT = 1000        # more marked persons than this wait for the next worklist read
CHUNK = 500

COLUMNS = ("person_id", "kind", "ref_id", "due_from", "due_by", "show_from", "show_until",
           "area_code", "colours", "urgent_from", "details", "name_zh", "name_mn", "phone",
           "seq")
Row = tuple  # one value per COLUMNS entry

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
    """Drop every row (of one *kind*); with no kind every mark goes too."""
    if kind is None:
        conn.execute("DELETE FROM due_items")
        conn.execute("DELETE FROM due_dirty")
    else:
        conn.execute("DELETE FROM due_items WHERE kind = ?", (kind,))


def prune(conn: sqlcipher3.Connection, before: date) -> int:
    """Drop rows that left the list before *before* (a missed visit a later one replaced)."""
    return conn.execute("DELETE FROM due_items WHERE show_until < ?",
                        (before.isoformat(),)).rowcount


def visible(conn: sqlcipher3.Connection, today: date, areas: frozenset[str] | None
            ) -> list[tuple]:
    """The rows on the list on *today* in *areas* (None: every area): one index range
    (show_from <= today, per village for a village doctor), then one date comparison.
    Columns: person_id, kind, ref_id (None when it is the person), due_from, due_by,
    area_code, colours (None: none), urgent (0/1), details (None: none), name_zh, name_mn,
    phone, seq. Unordered (the caller sorts with keys it builds anyway)."""
    cols = ("SELECT person_id, kind, nullif(ref_id, person_id), due_from, due_by, area_code,"
            " nullif(colours, ''), urgent_from <= :d, details, name_zh, name_mn, phone, seq"
            " FROM due_items")
    args = {"d": today.isoformat()}
    if areas is None:
        return conn.execute(cols + " WHERE show_from <= :d AND show_until >= :d",
                            args).fetchall()
    out: list[tuple] = []
    for code in sorted(areas):
        out.extend(conn.execute(cols + " WHERE area_code = :a AND show_from <= :d"
                                " AND show_until >= :d", {**args, "a": code}))
    return out


def read_meta(conn: sqlcipher3.Connection, key: str) -> str | None:
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return row[0] if row else None


def write_meta(conn: sqlcipher3.Connection, key: str, value: str) -> None:
    conn.execute("INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE"
                 " SET value = excluded.value", (key, value))
