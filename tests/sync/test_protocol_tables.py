"""The protocol's copy of the synced tables must follow desktop/store/schema.py.

desktop/sync may not import desktop/store (import-linter contract), so protocol.py keeps its
own list; this test is what keeps the two from drifting apart.
"""

from desktop.store import schema
from desktop.sync import protocol


def test_synced_tables_match_store_schema() -> None:
    assert set(protocol.SYNCED_TABLES) == set(schema.TABLES)
    assert len(protocol.SYNCED_TABLES) == len(set(protocol.SYNCED_TABLES))


def test_table_kinds_match_store_schema() -> None:
    for name, spec in schema.TABLES.items():
        assert protocol.table_kind(name) == spec.kind, name


def test_urgent_tables_match_store_schema() -> None:
    assert protocol.URGENT_TABLES == {n for n, s in schema.TABLES.items() if s.urgent}


def test_system_columns_match_store_schema() -> None:
    assert protocol.SYSTEM_COLUMNS == schema.SYSTEM_COLUMNS


def test_every_store_column_is_a_valid_wire_field() -> None:
    # The first migration only runs CREATE statements, so plain sqlite3 can build the tables.
    import sqlite3

    from desktop.store import migrations

    conn = sqlite3.connect(":memory:")
    migrations._m0001_base(conn)
    for table in protocol.SYNCED_TABLES:
        columns = [r[1] for r in conn.execute(f"PRAGMA table_info({table})")]
        fields = {c: None for c in columns if c not in protocol.SYSTEM_COLUMNS}
        assert fields, table
        # 'supersedes' is an ordinary field of event rows: it travels inside fields
        change = protocol.parse_change({"table": table, "id": "0190a0a0-0000-7000-8000-000000000001",
                                        "rev": "1700000000000-0000-dev1", "fields": fields})
        assert set(change.fields) == set(fields)
        assert len(fields) <= protocol.MAX_FIELDS_PER_CHANGE
