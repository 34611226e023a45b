"""The one write path (design §2, §3): rows, outbox and audit in one transaction.

    with store.transaction() as tx:
        person = tx.save("persons", {"kind": "woman", "name_zh": "王丽"})

Every change gets a fresh HLC rev; mutable rows record the rev of each field they change;
event rows can only be inserted (a correction supersedes) or tombstoned. When the block
ends without an exception the outbox and audit entries are appended and the transaction
commits; on any exception everything rolls back and nothing was written.
"""

from __future__ import annotations

import json
from typing import Any
from unicodedata import normalize

import sqlcipher3

from desktop.domain import hlc
from desktop.store import audit, outbox
from desktop.store.audit import AuditEntry
from desktop.store.connection import rollback_if_open
from desktop.store.errors import RecordError, map_db_error, mapped_db_errors
from desktop.store.outbox import Change
from desktop.store.records import clean_text, new_id, now_ms, utc_now_iso
from desktop.store.repositories import due_items, search_index
from desktop.store.schema import EVENT, SYSTEM_COLUMNS, spec


def read_meta(conn: sqlcipher3.Connection, key: str, default: str | None = None) -> str | None:
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return row[0] if row else default


def write_meta(conn: sqlcipher3.Connection, key: str, value: str) -> None:
    conn.execute("INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE"
                 " SET value = excluded.value", (key, value))


def table_columns(conn: sqlcipher3.Connection, table: str,
                  cache: dict[str, frozenset[str]] | None = None) -> frozenset[str]:
    """The columns of *table*; *cache* (one per open store) saves the PRAGMA per save."""
    cols = cache.get(table) if cache is not None else None
    if cols is None:
        cols = frozenset(r[1] for r in conn.execute(f"PRAGMA table_info({table})"))
        if cache is not None:
            cache[table] = cols
    return cols


def _stored(value: Any) -> Any:
    if isinstance(value, (dict, list, tuple)):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    if isinstance(value, bool):
        return int(value)
    return clean_text(value)


# Types _stored keeps as they are (exact types: bool is an int but is stored as 0/1).
_PLAIN = frozenset({int, float, type(None)})
_REV_MARK = "<rev>"  # placeholder in a field_revs template; no column name has "<"


def stored_row(fields: dict[str, Any]) -> dict[str, Any]:
    """{k: _stored(v)}: the values save_many stores for *fields*; the common types skip
    _stored's isinstance chain (ASCII text is already NFC)."""
    return {k: (v if v.isascii() else normalize("NFC", v)) if type(v) is str
            else v if type(v) in _PLAIN else _stored(v) for k, v in fields.items()}


# Fields that feed a person's search keys (desktop.domain.search_keys.person_keys).
_KEYED_PERSON_FIELDS = frozenset({"name_zh", "name_mn", "name_latin", "resident_id", "phone",
                                  "deleted"})
_KEYED_PREGNANCY_FIELDS = frozenset({"handbook_no", "person_id"})


class Transaction:
    """A write transaction on one connection; use through Store.transaction()."""

    def __init__(self, conn: sqlcipher3.Connection, device_id: str, user_id: str | None,
                 clock_ms=now_ms, columns: dict[str, frozenset[str]] | None = None) -> None:
        self.conn = conn
        self._columns = {} if columns is None else columns
        self.device_id = device_id
        self.user_id = user_id
        self._clock_ms = clock_ms
        self._changes: list[Change] = []
        self._audit: list[AuditEntry] = []
        self._hlc = hlc.ZERO
        self._reindex: set[str] = set()  # persons whose search keys must be recomputed
        self._given_keys: list[tuple] = []  # search_keys rows a bulk writer worked out
        self._keyed: set[str] = set()  # the persons those rows are for

    # -- lifecycle ------------------------------------------------------------------
    def __enter__(self) -> Transaction:
        with mapped_db_errors():
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                # Read inside the write lock so two connections never hand out the same rev.
                last = read_meta(self.conn, "hlc")
            except BaseException:
                rollback_if_open(self.conn)
                raise
        self._hlc = hlc.parse(last) if last else hlc.ZERO
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is not None:
            rollback_if_open(self.conn)
            if isinstance(exc, sqlcipher3.Error):
                raise map_db_error(exc) from exc
            return
        try:
            with mapped_db_errors():
                if (self._reindex or self._given_keys) and search_index.has_index(self.conn):
                    # Same transaction as the change: a search never sees stale keys.
                    # Given keys first: a refresh replaces those of a person saved since.
                    search_index.insert(self.conn, self._given_keys)
                    search_index.refresh(self.conn, self._reindex - self._keyed)
                # The worklist rows of the persons this write touched, same transaction.
                due_items.after_write(self.conn)
                if self._changes:
                    outbox.append(self.conn, self._changes)
                    write_meta(self.conn, "hlc", str(self._hlc))
                if self._audit:
                    audit.append(self.conn, self._audit)
                self.conn.execute("COMMIT")
        except BaseException:
            rollback_if_open(self.conn)
            raise

    @property
    def changes(self) -> list[Change]:
        return list(self._changes)

    def next_rev(self) -> str:
        self._hlc = hlc.tick(self._hlc, self._clock_ms(), self.device_id)
        return str(self._hlc)

    def note(self, action: str, table: str | None = None, row_id: str | None = None,
             detail: str | None = None) -> None:
        """Add an audit entry (no data values) that commits with this transaction."""
        self._audit.append(AuditEntry(utc_now_iso(), self.user_id, action, table, row_id,
                                      None, detail))

    # -- writes ---------------------------------------------------------------------
    def save(self, table: str, fields: dict[str, Any], id: str | None = None) -> dict[str, Any]:
        """Insert a row (no *id*, or an id not yet present) or change a mutable one.

        Returns the row's id and rev and the fields that changed. Unknown fields and the
        system columns raise RecordError; changing an event row raises RecordError.
        """
        table_spec = spec(table)
        cols = table_columns(self.conn, table, self._columns)
        bad = [f for f in fields if f not in cols or f in SYSTEM_COLUMNS]
        if bad:
            raise RecordError(f"{table}: fields not allowed: {', '.join(sorted(bad))}")
        values = {k: _stored(v) for k, v in fields.items()}
        existing = None
        if id is not None:
            existing = self.conn.execute(f"SELECT * FROM {table} WHERE id = ?", (id,)).fetchone()
        if existing is None:
            return self._insert(table, table_spec.kind, table_spec.urgent, values, id or new_id())
        if table_spec.kind == EVENT:
            raise RecordError(f"{table} rows are immutable events: supersede, do not edit")
        names = [d[0] for d in self.conn.execute(f"SELECT * FROM {table} LIMIT 0").description]
        old = dict(zip(names, existing, strict=True))
        changed = {k: v for k, v in values.items() if old.get(k) != v}
        if not changed:
            return {"id": id, "rev": old["rev"], "changed": {}}
        rev = self.next_rev()
        field_revs = json.loads(old["field_revs"] or "{}")
        field_revs.update({k: rev for k in changed})
        assignments = ", ".join(f"{k} = ?" for k in changed)
        self.conn.execute(
            f"UPDATE {table} SET {assignments}, rev = ?, updated_by = ?, field_revs = ?"
            " WHERE id = ?",
            [*changed.values(), rev, self.user_id, json.dumps(field_revs, sort_keys=True), id])
        self._record(table, id, rev, changed, table_spec.urgent, "update")
        return {"id": id, "rev": rev, "changed": changed}

    def _insert(self, table: str, kind: str, urgent: bool, values: dict[str, Any],
                row_id: str) -> dict[str, Any]:
        rev = self.next_rev()
        row = dict(values, id=row_id, rev=rev, origin=self.device_id, updated_by=self.user_id)
        if kind != EVENT:
            row["field_revs"] = json.dumps({k: rev for k in values}, sort_keys=True)
        names = ", ".join(row)
        marks = ", ".join("?" for _ in row)
        self.conn.execute(f"INSERT INTO {table} ({names}) VALUES ({marks})", list(row.values()))
        self._record(table, row_id, rev, values, urgent, "insert")
        return {"id": row_id, "rev": rev, "changed": values}

    def save_many(self, table: str, rows: list[dict[str, Any]],
                  ids: list[str] | None = None) -> list[str]:
        """Insert many new rows (bulk import, demo data) with the invariants of save().

        Each row gets its own rev, field_revs (mutable tables) and outbox change, in order;
        the call gets one audit entry naming every row (audit.bulk_entry). Rows are inserted
        with executemany per set of fields. *ids* (one per row) lets callers link rows
        before writing them. Returns the ids. An id that already exists raises; this never
        updates.
        """
        table_spec = spec(table)
        cols = table_columns(self.conn, table, self._columns)
        ids = [new_id() for _ in rows] if ids is None else ids
        if len(ids) != len(rows):
            raise RecordError(f"{table}: {len(rows)} rows but {len(ids)} ids")
        mutable = table_spec.kind != EVENT
        urgent = table_spec.urgent
        device, user = self.device_id, self.user_id
        # One moment for the entries of one call: they commit together anyway.
        at = utc_now_iso()
        # A rev is digits, hyphens and the device id: when that needs no JSON escaping,
        # field_revs is the group's sorted-key template joined by the rev (what json.dumps
        # would write, without a json.dumps per row).
        plain_revs = mutable and json.dumps(device) == f'"{device}"'
        changes = self._changes
        # The revs of every row at one clock reading (what a tick per row would give).
        revs, self._hlc = hlc.ticks(self._hlc, self._clock_ms(), device, len(rows))
        # Per set of fields: its field_revs template and its rows.
        groups: dict[tuple[str, ...], tuple[list[str] | None, list[list[Any]]]] = {}
        for fields, row_id, rev in zip(rows, ids, revs, strict=True):
            names = tuple(fields)
            group = groups.get(names)
            if group is None:
                bad = [f for f in names if f not in cols or f in SYSTEM_COLUMNS]
                if bad:
                    raise RecordError(f"{table}: fields not allowed: {', '.join(sorted(bad))}")
                template = (json.dumps(dict.fromkeys(names, _REV_MARK), sort_keys=True)
                            .split(_REV_MARK) if plain_revs else None)
                group = groups[names] = (template, [])
            template, params_list = group
            values = stored_row(fields)
            params = [*values.values(), row_id, rev, device, user]
            if template is not None:
                params.append(rev.join(template))
            elif mutable:
                params.append(json.dumps({k: rev for k in values}, sort_keys=True))
            params_list.append(params)
            self._track_keys(table, row_id, values)
            # *values* is this row's own dict: the change can keep it without a copy.
            changes.append(Change(table, row_id, rev, values, False, urgent))
        if ids:
            self._audit.append(audit.bulk_entry(at, user, table, ids, revs[0], revs[-1]))
        system = ("id", "rev", "origin", "updated_by") + (("field_revs",) if mutable else ())
        for names, (_template, params_list) in groups.items():
            columns = names + system
            marks = ", ".join("?" for _ in columns)
            self.conn.executemany(
                f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", params_list)
        return ids

    def new_persons_keys(self, person_ids: list[str], rows: list[tuple]) -> None:
        """The search_keys rows (search_index.key_rows) of persons this transaction inserts
        with save_many, worked out by the caller from the values it saves and the handbook
        numbers of the pregnancies it saves with them (the demo does that in its generator
        process): they are written at commit instead of reading the persons back. A save()
        or delete() touching one of them in this transaction recomputes that person's keys
        as usual."""
        self._keyed.update(person_ids)
        self._given_keys += rows

    def delete(self, table: str, id: str) -> dict[str, Any]:
        """Tombstone a row (deleted = 1); the row stays until it has synced."""
        table_spec = spec(table)
        found = self.conn.execute(f"SELECT deleted FROM {table} WHERE id = ?", (id,)).fetchone()
        if found is None:
            raise RecordError(f"{table}: no row {id}")
        if found[0]:
            return {"id": id, "rev": None, "changed": {}}
        rev = self.next_rev()
        self.conn.execute(f"UPDATE {table} SET deleted = 1, rev = ?, updated_by = ? WHERE id = ?",
                          (rev, self.user_id, id))
        self._changes.append(Change(table, id, rev, {}, True, table_spec.urgent))
        self._audit.append(AuditEntry(utc_now_iso(), self.user_id, "delete", table, id, rev))
        self._track_keys(table, id, {"deleted": 1, "handbook_no": None}, single=True)
        return {"id": id, "rev": rev, "changed": {"deleted": 1}}

    def _track_keys(self, table: str, row_id: str, fields: dict[str, Any],
                    single: bool = False) -> None:
        """Remember whose search keys this write changes (recomputed at commit; *single*:
        a save or delete, after which keys a caller gave no longer stand)."""
        if table == "persons" and _KEYED_PERSON_FIELDS & fields.keys():
            self._reindex.add(row_id)
            if single:
                self._keyed.discard(row_id)
        elif table == "pregnancies" and _KEYED_PREGNANCY_FIELDS & fields.keys():
            person_id = fields.get("person_id")
            if not person_id:  # an update or a delete names only the pregnancy
                row = self.conn.execute("SELECT person_id FROM pregnancies WHERE id = ?",
                                        (row_id,)).fetchone()
                person_id = row[0] if row else None
            if person_id:
                self._reindex.add(person_id)
                if single:
                    self._keyed.discard(person_id)

    def _record(self, table: str, row_id: str, rev: str, fields: dict[str, Any], urgent: bool,
                action: str) -> None:
        self._track_keys(table, row_id, fields, single=True)
        self._changes.append(Change(table, row_id, rev, dict(fields), False, urgent))
        self._audit.append(AuditEntry(utc_now_iso(), self.user_id, action, table, row_id, rev,
                                      ",".join(sorted(fields))))
