"""The search-key index of persons (design §7), kept in step with every persons write.

``refresh`` recomputes the keys of some persons from their stored rows (names, resident ID,
phone, and the handbook numbers of their pregnancies) and replaces their old keys. The write
path calls it inside the transaction that changed them (Transaction.__exit__), so a search
never sees a person without keys or with stale ones; migration 0004 backfills older files.
The table is local and derived: it is not synced and not audited.
"""

from __future__ import annotations

from collections.abc import Iterable

import sqlcipher3

from desktop.domain.search_keys import person_keys

CHUNK = 500


def has_index(conn: sqlcipher3.Connection) -> bool:
    return conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table'"
                        " AND name = 'search_keys'").fetchone() is not None


def keys_for(row: tuple, handbooks: Iterable[str]) -> set[str]:
    """Keys of one persons row (name_zh, name_mn, name_latin, resident_id, phone)."""
    keys = person_keys(row[0], row[1], row[2], row[3], row[4], None)
    for number in handbooks:
        for key in person_keys(None, None, None, None, None, number):
            keys.add(key)
            # Workers read out the serial at the end of a handbook number: its last 4 and
            # 5 characters are keys too (the domain keys hold only the whole number).
            for n in (4, 5):
                if len(key) > n + 2:
                    keys.add(key[:2] + key[-n:])
    return keys


def refresh(conn: sqlcipher3.Connection, person_ids: Iterable[str]) -> int:
    """Replace the keys of *person_ids* (tombstoned or missing persons lose theirs).

    Call inside the caller's transaction; returns the number of keys written.
    """
    ids = list(dict.fromkeys(person_ids))
    written = 0
    for lo in range(0, len(ids), CHUNK):
        chunk = ids[lo:lo + CHUNK]
        marks = ",".join("?" * len(chunk))
        conn.execute(f"DELETE FROM search_keys WHERE person_id IN ({marks})", chunk)
        rows = conn.execute(
            f"SELECT id, name_zh, name_mn, name_latin, resident_id, phone FROM persons"
            f" WHERE id IN ({marks}) AND deleted = 0", chunk).fetchall()
        handbooks: dict[str, list[str]] = {}
        for person_id, number in conn.execute(
                f"SELECT person_id, handbook_no FROM pregnancies WHERE person_id IN ({marks})"
                " AND deleted = 0 AND handbook_no IS NOT NULL", chunk):
            handbooks.setdefault(person_id, []).append(number)
        written += insert(conn, key_rows(rows, handbooks))
    return written


def key_rows(persons: Iterable[tuple], handbooks: dict[str, list[str]]) -> list[tuple]:
    """The search_keys rows of *persons* ((id, name_zh, name_mn, name_latin, resident_id,
    phone) as stored) with the handbook numbers of their live pregnancies ({person id:
    numbers}), in key order (each insert then lands next to the previous one)."""
    values = [(key, row[0], key[:2]) for row in persons
              for key in keys_for(row[1:], handbooks.get(row[0], ()))]
    values.sort()
    return values


def insert(conn: sqlcipher3.Connection, rows: list[tuple]) -> int:
    """Add key_rows of persons that have no keys yet (inside the caller's transaction)."""
    conn.executemany("INSERT OR IGNORE INTO search_keys(key, person_id, kind)"
                     " VALUES (?, ?, ?)", rows)
    return len(rows)


def backfill(conn: sqlcipher3.Connection) -> int:
    """Rebuild the keys of every person (migration 0004; older demo stores had none)."""
    conn.execute("DELETE FROM search_keys")
    ids = [r[0] for r in conn.execute("SELECT id FROM persons WHERE deleted = 0")]
    return refresh(conn, ids)
