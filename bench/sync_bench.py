"""Sync figures (bench/README.md): 10,000 changes pushed to and pulled from central on
loopback. Runnable alone: `python bench/sync_bench.py`.

One `python -m central serve` on 127.0.0.1 with a fresh SQLite file; two laptops (stores
with the floor Argon2id parameters, which do not affect sync) enrolled with their own codes.
Laptop A writes 10,000 new women (one `save_many`, before the clock starts) and
`sync_once` pushes them (20 batches of 500, gzip JSON, each acknowledged in its own
transaction, then an empty pull); laptop B's `sync_once` then pulls and applies them
(pages of 500, each page merged and committed with its cursor and audit entries).
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

TARGETS = {"sync_push_10k_s": 10, "sync_pull_10k_s": 10}
AREA, VILLAGE = "150525100000", "150525100201"


def figures(n: int = 10_000) -> dict[str, Any]:
    from central_server import serving

    from desktop.services import sync_service
    from desktop.services.session import Session
    from desktop.store.database import Store
    from desktop.store.keys import KdfParams

    tmp = Path(tempfile.mkdtemp(prefix="eke-sync-bench-"))
    sessions = []
    with serving(str(tmp / "central.sqlite3")) as central:
        try:
            for name in ("a", "b"):
                store, admin, _ = Store.create(
                    tmp / name, clinic_name=name, township_code=AREA[:9],
                    village_codes=[VILLAGE], admin_username="admin", admin_display_name="admin",
                    admin_password="bench-pass", kdf=KdfParams.floor())
                session = Session(store, admin)
                sessions.append(session)
                sync_service.enroll(session, central.url, central.issue_code(AREA))
            a, b = sessions
            with a.store.transaction(a.user.id) as tx:
                tx.save_many("persons", [{"kind": "woman", "name_zh": f"妇女{i}", "phone":
                                          f"139{i:08d}", "area_code": VILLAGE}
                                         for i in range(n)])
            start = time.perf_counter()
            pushed = sync_service.sync_once(a)
            push_s = time.perf_counter() - start
            start = time.perf_counter()
            pulled = sync_service.sync_once(b)
            pull_s = time.perf_counter() - start
        finally:
            for session in sessions:
                session.close()
    assert pushed.pushed == n and pulled.pulled == n, (pushed, pulled)
    key = f"{n // 1000}k"
    return {f"sync_push_{key}_s": round(push_s, 2), f"sync_pull_{key}_s": round(pull_s, 2)}


if __name__ == "__main__":
    print(json.dumps(figures()))
