"""The outbox: every local change waiting to be sent, in the order it was made."""

from __future__ import annotations

import json
from json import encoder as _json
from typing import Any, NamedTuple

import sqlcipher3

# json.dumps(fields, ensure_ascii=False) makes a new encoder for every call; a bulk write
# appends a change per row, so the one C encoder is made once (the text is the same).
if _json.c_make_encoder is not None:
    _make = _json.c_make_encoder(None, json.JSONEncoder().default, _json.encode_basestring,
                                 None, ": ", ", ", False, False, True)

    def fields_json(fields: dict[str, Any]) -> str:
        return "".join(_make(fields, 0))
else:  # an interpreter without the C encoder
    fields_json = json.JSONEncoder(ensure_ascii=False).encode


class Change(NamedTuple):
    """One row change as the sync protocol carries it (design §5). A named tuple: a bulk
    write makes one per row, and a tuple is made in a fraction of a frozen dataclass's
    time."""

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
        [(c.table, c.id, c.rev, fields_json(c.fields), int(c.deleted), int(c.urgent))
         for c in changes])


def pending_count(conn: sqlcipher3.Connection) -> int:
    return int(conn.execute("SELECT count(*) FROM outbox").fetchone()[0])
