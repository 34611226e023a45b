"""Laptops and a central server for the desktop sync tests (a module with a unique name, so
tests/services and tests/ui import it too: `import sync_world` after adding tests/sync).

A laptop is a real encrypted store in a tmp folder (floor Argon2id) opened as a Session by
its administrator, enrolled with the real central server of tests/central/central_harness.py.

The fixtures `central` (one SQLite server per test module) and `pair` (two laptops of one
township enrolled with it) reach tests/sync and tests/services through their conftest.py.
"""

from __future__ import annotations

import json
import sqlite3
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

HERE = Path(__file__).resolve().parent
for extra in (HERE, HERE.parent / "central"):
    if str(extra) not in sys.path:
        sys.path.insert(0, str(extra))

from central_harness import Central, free_port, township  # noqa: E402

from desktop.services import sync_service  # noqa: E402
from desktop.services.session import Session  # noqa: E402
from desktop.store.database import Store  # noqa: E402
from desktop.store.keys import KdfParams  # noqa: E402
from desktop.store.schema import EVENT, TABLES  # noqa: E402
from desktop.sync.client import CentralClient  # noqa: E402

PASSWORD = "laptop-pass-1"
__all__ = ["Central", "free_port", "township", "laptop", "enrol", "quick_client", "rows_of",
           "central_rows", "central", "pair", "woman"]


@pytest.fixture(scope="module")
def central(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Central]:
    server = Central(tmp_path_factory.mktemp("central") / "central.sqlite3")
    yield server
    server.close()


@pytest.fixture
def pair(tmp_path: Path, central: Central) -> Iterator[tuple[Session, Session, str]]:
    """Laptops a and b of one township, both enrolled with *central*, and their village."""
    area, village = township()
    a = laptop(tmp_path, "a", area, [village])
    b = laptop(tmp_path, "b", area, [village])
    enrol(a, central, area)
    enrol(b, central, area)
    yield a, b, village
    a.close()
    b.close()


def laptop(tmp_path: Path, name: str, township_code: str, villages: list[str]) -> Session:
    """A new store in tmp_path/name as a Session of its administrator "admin"."""
    store, admin, _ = Store.create(
        tmp_path / name, clinic_name=f"{name} 卫生院", township_code=township_code[:9],
        village_codes=villages, admin_username="admin", admin_display_name="管理员",
        admin_password=PASSWORD, kdf=KdfParams.floor())
    return Session(store, admin)


def quick_client(session: Session, retries: int = 2, timeout_s: float = 10.0,
                 endpoint: str | None = None) -> CentralClient:
    """The enrolled client without the real waits between retries (tests only)."""
    state = sync_service.overview(session)
    conn = session.store.connect()
    try:
        from desktop.store.repositories.sync_state import enrollment

        token = enrollment(conn).token
    finally:
        conn.close()
    client = sync_service.make_client(endpoint or state.endpoint or "", token,
                                      timeout_s=timeout_s, retries=retries)
    client._sleep = lambda _s: None  # noqa: SLF001
    return client


def enrol(session: Session, central: Central, area: str) -> dict[str, Any]:
    return sync_service.enroll(session, central.url, central.issue_code(area))


def sync(session: Session, **kw: Any) -> sync_service.SyncResult:
    return sync_service.sync_once(session, client=quick_client(session), **kw)


def woman(session: Session, village: str, **fields: Any) -> str:
    """Register a woman in *village* on the laptop; her id."""
    with session.store.transaction(session.user.id) as tx:
        return tx.save("persons", {"kind": "woman", "name_zh": "王丽", "area_code": village,
                                   **fields})["id"]


def rows_of(session: Session) -> dict[tuple[str, str], tuple[dict[str, Any], bool]]:
    """Every synced row: (table, id) → (fields as central would hold them, deleted)."""
    out = {}
    conn = session.store.conn
    for table, table_spec in TABLES.items():
        cur = conn.execute(f"SELECT * FROM {table}")
        names = [d[0] for d in cur.description]
        for r in cur.fetchall():
            row = dict(zip(names, r, strict=True))
            if table_spec.kind == EVENT:
                keys = [k for k, v in row.items() if v is not None and k not in (
                    "id", "rev", "origin", "deleted", "updated_by")]
            else:
                keys = list(json.loads(row["field_revs"]))
            out[(table, row["id"])] = ({k: _norm(row[k]) for k in keys}, bool(row["deleted"]))
    return out


def _norm(v: Any) -> Any:
    return int(v) if isinstance(v, float) and v.is_integer() else v


def central_rows(central: Central) -> dict[tuple[str, str], tuple[dict[str, Any], bool]]:
    conn = sqlite3.connect(central.db)
    try:
        out = {}
        for table, row_id, state in conn.execute("SELECT table_name, id, state FROM rows"):
            s = json.loads(state)
            out[(table, row_id)] = ({k: _norm(v) for k, v in s["fields"].items()
                                     if v is not None or TABLES[table].kind != EVENT},
                                    bool(s["deleted"]))
        return out
    finally:
        conn.close()


def central_field_revs(central: Central) -> dict[tuple[str, str], dict[str, str]]:
    conn = sqlite3.connect(central.db)
    try:
        return {(t, i): json.loads(s)["field_revs"]
                for t, i, s in conn.execute("SELECT table_name, id, state FROM rows")}
    finally:
        conn.close()
