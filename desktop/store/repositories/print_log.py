"""The print log (migration 0007): which handbook pages were printed, and what they showed.

Local to this laptop (not synced): it answers "which pages changed since they were last
printed here". Rows are appended inside the caller's transaction, next to its audit note.
"""

from __future__ import annotations

from collections.abc import Iterable

import sqlcipher3


def last_hashes(conn: sqlcipher3.Connection, person_id: str) -> dict[str, str]:
    """page key → content hash at its latest print, for *person_id*."""
    rows = conn.execute(
        "SELECT page_key, content_hash FROM print_log WHERE seq IN (SELECT max(seq) FROM"
        " print_log WHERE person_id = ? GROUP BY page_key)", (person_id,)).fetchall()
    return {key: digest for key, digest in rows}


def append(conn: sqlcipher3.Connection, person_id: str, pages: Iterable[tuple[str, str]],
           printed_at: str, user_id: str | None, target: str, page_size: str) -> int:
    """Log one print of *pages* ((key, hash) pairs); returns how many rows were added."""
    rows = [(person_id, key, digest, printed_at, user_id, target, page_size)
            for key, digest in pages]
    conn.executemany("INSERT INTO print_log(person_id, page_key, content_hash, printed_at,"
                     " user_id, target, page_size) VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
    return len(rows)


def history(conn: sqlcipher3.Connection, person_id: str) -> list[dict]:
    cur = conn.execute("SELECT seq, page_key, content_hash, printed_at, user_id, target,"
                       " page_size FROM print_log WHERE person_id = ? ORDER BY seq",
                       (person_id,))
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]
