"""The outbox: every local change waiting to be sent, in the order it was made."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import sqlcipher3


@dataclass(frozen=True)
class Change:
    """One row change as the sync protocol carries it (design §5)."""

    table: str
    id: str
    rev: str
    fields: dict[str, Any]
    deleted: bool = False
    urgent: bool = False


def append(conn: sqlcipher3.Connection, changes: list[Change]) -> None:
    """Queue *changes*. Call inside the transaction that wrote the rows."""
    conn.executemany(
        "INSERT INTO outbox(table_name, row_id, rev, fields, deleted, urgent)"
        " VALUES (?,?,?,?,?,?)",
        [(c.table, c.id, c.rev, json.dumps(c.fields, ensure_ascii=False), int(c.deleted),
          int(c.urgent)) for c in changes])


def pending_count(conn: sqlcipher3.Connection) -> int:
    return int(conn.execute("SELECT count(*) FROM outbox").fetchone()[0])
