"""Central throughput: many simulated laptops pushing batches at once (bench/README.md).

One `python -m central serve` process on 127.0.0.1 (push rate limit lifted), N laptops each
enrolled with its own code and token, each a thread with its own HTTP session pushing its
batches back to back as the program's client does (gzip JSON). The figures are accepted
changes per second over the whole run and the 95th percentile of one batch's round trip.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from central_server import http_session, serving  # noqa: E402

from desktop.sync.protocol import dumps, gzip_bytes  # noqa: E402

TOWNSHIP = "150525100000"


def _changes(device: str, n: int, wall_ms: int) -> list[dict[str, Any]]:
    out = []
    for i in range(n):
        out.append({"table": "persons", "id": str(uuid.uuid4()),
                    "rev": f"{wall_ms:013d}-{i % 10000:04d}-{device}", "deleted": False,
                    "fields": {"kind": "woman", "name_zh": "乌云其其格", "phone": "13900000000",
                               "area_code": f"150525100{200 + i % 30:03d}",
                               "address": "白音他拉苏木第三嘎查", "birth_date": "1996-04-12"}})
    return out


def run(database_url: str, laptops: int, batches: int, changes: int) -> dict[str, float]:
    """Push *laptops* × *batches* batches of *changes*; changes/s and p95 batch ms."""
    folder = Path(tempfile.mkdtemp(prefix="eke-bench-central-"))
    with serving(database_url, "--push-rate", "100000", "--push-burst", "100000",
                 key_file=folder / "central.key") as central:
        url = central.url
        tokens = []
        for i in range(laptops):
            answer = central.http.post(url + "/v1/enroll", timeout=30, json={
                "enrollment_code": central.issue_code(TOWNSHIP),
                "device_name": f"bench {i}"}).json()
            tokens.append((answer["device_id"], answer["device_token"]))
        # Bodies are made before the clock starts: we time central, not the generator.
        wall = int(time.time() * 1000)
        bodies = [[gzip_bytes(dumps({"protocol": 1, "device_id": dev, "batch_id":
                                     str(uuid.uuid4()), "base_cursor": 0,
                                     "changes": _changes(dev, changes, wall + b)}))
                   for b in range(batches)] for dev, _ in tokens]
        latencies: list[float] = []
        failures: list[int] = []
        lock = threading.Lock()
        start_gate = threading.Barrier(laptops + 1)

        def laptop(index: int) -> None:
            session = http_session()
            headers = {"Authorization": f"Bearer {tokens[index][1]}", "X-Eke-Protocol": "1",
                       "Content-Encoding": "gzip", "Content-Type": "application/json"}
            start_gate.wait()
            for body in bodies[index]:
                t0 = time.perf_counter()
                r = session.post(url + "/v1/batches", data=body, headers=headers, timeout=300)
                took = time.perf_counter() - t0
                with lock:
                    (latencies.append(took) if r.status_code == 200
                     else failures.append(r.status_code))

        threads = [threading.Thread(target=laptop, args=(i,)) for i in range(laptops)]
        for t in threads:
            t.start()
        start_gate.wait()
        t0 = time.perf_counter()
        for t in threads:
            t.join()
        elapsed = time.perf_counter() - t0
        if failures:
            raise RuntimeError(f"{len(failures)} batches refused: {sorted(set(failures))}")
        p95 = statistics.quantiles(latencies, n=20)[-1] if len(latencies) >= 2 else latencies[0]
        return {"changes_per_s": round(laptops * batches * changes / elapsed, 1),
                "batch_p95_ms": round(p95 * 1000, 1),
                "batch_median_ms": round(statistics.median(latencies) * 1000, 1)}


def start_postgres() -> tuple[str | None, str | None, str]:
    """(URL, cluster folder, why not) of a private cluster from packaging/ci_postgres.sh."""
    url = os.environ.get("EKE_BENCH_POSTGRES_URL") or os.environ.get("EKE_TEST_POSTGRES_URL")
    if url:
        return url, None, ""
    out = subprocess.run(["bash", str(ROOT / "packaging" / "ci_postgres.sh"), "start"],
                         capture_output=True, text=True)
    if out.returncode != 0:
        return None, None, out.stderr.strip()
    values = dict(line.split("=", 1) for line in out.stdout.splitlines() if "=" in line)
    return values.get("EKE_TEST_POSTGRES_URL"), values.get("EKE_PG_DIR"), ""


def stop_postgres(folder: str | None) -> None:
    if folder:
        subprocess.run(["bash", str(ROOT / "packaging" / "ci_postgres.sh"), "stop", folder],
                       capture_output=True)


def fresh_database(admin_url: str) -> str:
    import psycopg

    name = "eke_bench_" + uuid.uuid4().hex[:12]
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    return admin_url.rsplit("/", 1)[0] + "/" + name


def figures(quick: bool) -> dict[str, Any]:
    """The central_* figures for SQLite and PostgreSQL (PostgreSQL None if it cannot start)."""
    laptops, batches, changes = (10, 5, 100) if quick else (50, 20, 100)
    out: dict[str, Any] = {"central_load": {"laptops": laptops, "batches_each": batches,
                                            "changes_per_batch": changes}}
    with tempfile.TemporaryDirectory(prefix="eke-bench-sqlite-") as folder:
        sqlite = run(str(Path(folder) / "central.sqlite3"), laptops, batches, changes)
    out.update({"central_sqlite_changes_per_s": sqlite["changes_per_s"],
                "central_sqlite_batch_p95_ms": sqlite["batch_p95_ms"],
                "central_sqlite_batch_median_ms": sqlite["batch_median_ms"]})
    url, cluster, why = start_postgres()
    try:
        if url is None:
            out.update({"central_pg_changes_per_s": None, "central_pg_batch_p95_ms": None,
                        "central_pg_skipped": why or "PostgreSQL did not start"})
        else:
            pg = run(fresh_database(url), laptops, batches, changes)
            out.update({"central_pg_changes_per_s": pg["changes_per_s"],
                        "central_pg_batch_p95_ms": pg["batch_p95_ms"],
                        "central_pg_batch_median_ms": pg["batch_median_ms"]})
    finally:
        stop_postgres(cluster)
    return out


if __name__ == "__main__":
    import json

    print(json.dumps(figures("--quick" in sys.argv)))
