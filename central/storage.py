"""Central's storage: the `Storage` and `BatchTx` interfaces and `open_storage`.

The sync logic (central/batches.py) talks only to `Storage` and `BatchTx`, never to SQL.
central/sql_storage.py implements them once in the SQL both backends speak;
central/sqlite_storage.py and central/pg_storage.py add connections, transactions, the one
snapshot read and the schema's dialect words. What both backends keep:

- a batch transaction is all-or-nothing and serialised against other batch transactions
  (SQLite: BEGIN IMMEDIATE; PostgreSQL: a transaction-level advisory lock), so that server
  sequences become visible in increasing order and a reader never skips a sequence that
  commits later;
- `read_changes` reads the page and the highest sequence in one snapshot;
- batch ids and (table, row id, rev) of every change are unique keys kept for ever.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from central.errors import StorageError
from desktop.sync.merge import RowState

DEFAULT_DB_FILE = "eke-central.sqlite3"
DB_ENV = "EKE_CENTRAL_DB"


@dataclass(frozen=True)
class Device:
    id: str
    name: str
    areas: tuple[str, ...]
    enrolled_at: str
    revoked_at: str | None = None


@dataclass(frozen=True)
class StoredRow:
    """Central's merged state of one row, with the area it belongs to for scoping.

    `field_src` maps a field to (server sequence, device id) of the change that set its
    current value: what a pushing device had or had not seen (design §5 conflicts).
    """

    table: str
    id: str
    area: str | None
    person_id: str | None
    state: RowState
    field_src: dict[str, tuple[int, str]]
    seq: int


@dataclass(frozen=True)
class LoggedChange:
    """One accepted change as others will pull it; `rev` is the rev as sent."""

    table: str
    id: str
    rev: str
    stored_rev: str
    fields: dict[str, Any]
    deleted: bool
    device_id: str
    batch_id: str
    area: str | None
    flagged: bool
    seq: int = 0


class BatchTx(Protocol):
    """What applying one batch needs, inside one all-or-nothing transaction."""

    def stored_answer(self, batch_id: str) -> tuple[str, str] | None:
        """(device id, answer JSON) of a batch seen before, or None."""

    def clock(self) -> str | None: ...
    def set_clock(self, rev: str) -> None: ...
    def row(self, table: str, row_id: str) -> StoredRow | None: ...
    def put_row(self, row: StoredRow) -> None: ...
    def has_change(self, table: str, row_id: str, rev: str) -> bool: ...
    def log_change(self, change: LoggedChange) -> int:
        """Append *change* and return its server sequence (larger than any before)."""

    def set_change_area(self, seq: int, area: str | None) -> None: ...
    def add_conflicts(self, batch_id: str, conflicts: Sequence[dict[str, Any]]) -> None: ...
    def save_answer(self, batch_id: str, device_id: str, answer: str, at: str, seq: int
                    ) -> None: ...
    def max_seq(self) -> int: ...


class Storage(Protocol):
    def init(self) -> None: ...
    def add_code(self, code_hash: str, areas: Sequence[str], at: str) -> None: ...
    def enroll(self, code_hash: str, device: Device, token_hash: str, sealed_bundle_key: str
               ) -> Device | None:
        """Use the code and add *device* with the code's areas; None if unknown or used."""

    def device_exists(self, device_id: str) -> bool: ...
    def device(self, device_id: str) -> Device | None: ...
    def sealed_bundle_key(self, device_id: str) -> str | None:
        """The device's bundle key as stored (sealed under central's key file), or None."""

    def answers_since(self, device_id: str, since: int) -> list[str]:
        """Answer JSON of the device's batches taken at server sequence >= *since*."""

    def device_by_token(self, token_hash: str) -> Device | None: ...
    def list_devices(self) -> list[Device]: ...
    def revoke_device(self, device_id: str, at: str) -> bool: ...
    def batch_transaction(self) -> Any: ...
    def read_changes(self, since: int, limit: int, max_bytes: int, exclude_device: str,
                     scope: Sequence[str]) -> tuple[list[LoggedChange], int, bool]:
        """Others' changes after *since* in *scope*; (changes, next cursor, more)."""

    def clock(self) -> str | None: ...
    def live_rows(self) -> dict[str, int]: ...
    def close(self) -> None: ...


def open_storage(url: str | None = None) -> Storage:
    """The storage a database URL names: `postgresql://…`, `sqlite:///file`, a plain path,
    or the default.

    The default is $EKE_CENTRAL_DB, else eke-central.sqlite3 in the current folder.
    """
    url = url or os.environ.get(DB_ENV) or DEFAULT_DB_FILE
    if url.startswith(("postgresql:", "postgres:")):
        from central.pg_storage import PostgresStorage  # psycopg only when asked for

        pg = PostgresStorage(url)
        pg.init()
        return pg
    if url.startswith("sqlite:///"):
        url = url[len("sqlite:///"):]
    elif "://" in url:
        raise StorageError(detail="unknown database URL scheme")
    from central.sqlite_storage import SqliteStorage  # the backends import this module

    storage = SqliteStorage(Path(url))
    storage.init()
    return storage
