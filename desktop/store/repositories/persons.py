"""Reading persons (women and children). Writes go through Transaction.save."""

from __future__ import annotations

from typing import Any

import sqlcipher3

from desktop.store import audit


def _row(cursor: sqlcipher3.Cursor, row: tuple | None) -> dict[str, Any] | None:
    if row is None:
        return None
    return {d[0]: v for d, v in zip(cursor.description, row, strict=True)}


def get(conn: sqlcipher3.Connection, person_id: str) -> dict[str, Any] | None:
    """The live person row, or None (also for tombstoned rows)."""
    cur = conn.execute("SELECT * FROM persons WHERE id = ? AND deleted = 0", (person_id,))
    return _row(cur, cur.fetchone())


def open_audited(conn: sqlcipher3.Connection, user_id: str, person_id: str
                 ) -> dict[str, Any] | None:
    """The person row, with a "read" entry in the audit log (design §6: every read of a
    person's record is audited)."""
    person = get(conn, person_id)
    if person is not None:
        audit.record(conn, user_id, "read", "persons", person_id)
    return person


def area_of(conn: sqlcipher3.Connection, person_id: str) -> str | None:
    row = conn.execute("SELECT area_code FROM persons WHERE id = ?", (person_id,)).fetchone()
    return row[0] if row else None


def count_live(conn: sqlcipher3.Connection, kind: str | None = None) -> int:
    if kind is None:
        sql, args = "SELECT count(*) FROM persons WHERE deleted = 0", ()
    else:
        sql, args = "SELECT count(*) FROM persons WHERE deleted = 0 AND kind = ?", (kind,)
    return int(conn.execute(sql, args).fetchone()[0])


def written_after(conn: sqlcipher3.Connection, rowid: int) -> tuple[list[str], int]:
    """The ids of the persons inserted after the one with *rowid*, in insert order, and
    the last one's rowid (*rowid* when none): for reading a file as it fills."""
    rows = conn.execute("SELECT rowid, id FROM persons WHERE rowid > ? ORDER BY rowid",
                        (rowid,)).fetchall()
    return [r[1] for r in rows], (rows[-1][0] if rows else rowid)
