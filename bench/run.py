"""Benchmarks measured on this machine in this run: python bench/run.py [--quick] --json.

Figures and how each is measured: bench/README.md. The demo store (100k persons, 5k with
--quick) is cached in bench/out/ keyed by a hash of the code that shapes it; every other
figure runs on a fresh copy of it, so the cache never changes.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sqlcipher3  # noqa: E402

from desktop.services.demo_records import TABLE_ORDER, Batch, Generator, make_township  # noqa: E402
from desktop.store import migrations  # noqa: E402
from desktop.store.connection import CACHE_KIB, open_connection  # noqa: E402
from desktop.store.database import Store  # noqa: E402
from desktop.store.writer import Transaction  # noqa: E402

OUT = ROOT / "bench" / "out"
PASSWORD = "bench-password"  # a throw-away store of invented people
TARGETS = {"startup_s": 1.5, "packaged_startup_s": 1.5, "save_p95_ms": 50, "sqlcipher_overhead_ratio": 1.3,
           "peak_rss_mb": 400, "demo_100k_s": 120}
VERSIONED = ["desktop/store", "desktop/services/demo.py", "desktop/services/demo_feed.py",
             "desktop/services/demo_records.py", "desktop/services/worklist_due.py",
             "desktop/services/demo_pregnancy.py", "desktop/services/demo_child.py",
             "desktop/services/commands.py", "desktop/domain/demo_data.py",
             "desktop/domain/gestation.py", "desktop/domain/ids.py",
             "desktop/domain/schedule.py", "desktop/domain/search_keys.py",
             "desktop/domain/mongolian.py", "desktop/domain/growth.py"]


def log(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def code_version() -> str:
    digest = hashlib.sha256()
    for entry in VERSIONED:
        path = ROOT / entry
        for file in sorted(path.rglob("*.py")) if path.is_dir() else [path]:
            digest.update(file.relative_to(ROOT).as_posix().encode())
            digest.update(file.read_bytes())
    return digest.hexdigest()[:12]


def child_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("EKE_")}
    env.update(EKE_PASSWORD=PASSWORD, PYTHONPATH=str(ROOT))
    if sys.platform.startswith("linux") and not env.get("DISPLAY") and not env.get(
            "WAYLAND_DISPLAY"):
        env.setdefault("QT_QPA_PLATFORM", "offscreen")
    return env


# -- the cached demo store ------------------------------------------------------------
def demo_store(persons: int, fresh: bool) -> tuple[Path, dict[str, Any]]:
    """The cached demo store of *persons*, made (and timed) now if missing or *fresh*."""
    cache = OUT / f"demo-{persons}-{code_version()}"
    info_file = cache / "info.json"
    if info_file.exists() and not fresh:
        return cache / "data", {**json.loads(info_file.read_text()), "cached": True}
    shutil.rmtree(cache, ignore_errors=True)
    tmp = OUT / f"making-{persons}"
    shutil.rmtree(tmp, ignore_errors=True)
    log(f"making a {persons}-person demo store (calibrated KDF)…")
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "desktop", "demo", "--data-dir",
                           str(tmp / "data"), "--persons", str(persons)], cwd=ROOT,
                          env=child_env(), capture_output=True, text=True)
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"demo failed: {proc.stderr.strip()}")
    summary = json.loads(proc.stdout)
    info = {"demo_s": round(wall, 2), "rows": sum(summary["rows"].values()),
            "made_at": time.strftime("%Y-%m-%dT%H:%M:%S")}
    (tmp / "info.json").write_text(json.dumps(info))
    tmp.rename(cache)
    return cache / "data", {**info, "cached": False}


def work_copy(data: Path) -> Path:
    work = OUT / "work"
    shutil.rmtree(work, ignore_errors=True)
    shutil.copytree(data, work)
    return work


# -- start-up, unlock, save -----------------------------------------------------------
_STARTUP_PROBE = r"""
import json, resource, subprocess, sys, time
start = time.perf_counter()
proc = subprocess.Popen(sys.argv[1:], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                        text=True)
line = proc.stdout.readline()
wall = time.perf_counter() - start
out, err = proc.communicate(timeout=120)
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(json.dumps({"wall": wall, "line": line.strip(), "rc": proc.returncode,
                  "maxrss_kb": peak, "err": err.strip()[-300:]}))
"""


def startup(work: Path, runs: int = 3) -> dict[str, Any]:
    """Process start to the main window's ready line, median of *runs*; peak RSS of the
    window process (getrusage of a probe's only child)."""
    walls, apps, unlocks, peaks = [], [], [], []
    for _ in range(runs):
        proc = subprocess.run(
            [sys.executable, "-c", _STARTUP_PROBE, sys.executable, "-m", "desktop",
             "--data-dir", str(work), "--user", "admin", "--exit-when-ready"],
            cwd=ROOT, env=child_env(), capture_output=True, text=True, timeout=300)
        probe = json.loads(proc.stdout)
        try:
            ready = json.loads(probe["line"])
        except ValueError:
            return {"startup_s": None, "startup_error": probe["err"] or probe["line"]}
        walls.append(probe["wall"])
        apps.append(ready.get("startup_s"))
        unlocks.append(ready.get("unlock_s"))
        peaks.append(probe["maxrss_kb"] / 1024)
    return {"startup_s": round(statistics.median(walls), 3),
            "startup_in_app_s": _median(apps), "startup_unlock_s": _median(unlocks),
            "peak_rss_mb": round(max(peaks), 1), "peak_rss_source": "startup process"}


BUNDLE_EXE = ROOT / "dist" / "eke" / ("Eke.exe" if sys.platform == "win32" else "eke")


def packaged_startup(work: Path, runs: int = 3) -> dict[str, Any]:
    """Like startup(), for the program PyInstaller built (packaging/build.sh): wall time
    from starting dist/eke/eke to its ready line, median of *runs*. Empty when there is
    no build, so the figure is optional."""
    if not BUNDLE_EXE.exists():
        return {}
    env = {k: v for k, v in child_env().items() if k != "PYTHONPATH"}
    walls = []
    for _ in range(runs):
        proc = subprocess.run(
            [sys.executable, "-c", _STARTUP_PROBE, str(BUNDLE_EXE), "--data-dir", str(work),
             "--user", "admin", "--exit-when-ready"],
            cwd=work.parent, env=env, capture_output=True, text=True, timeout=300)
        probe = json.loads(proc.stdout)
        if probe["rc"] != 0 or not probe["line"].startswith("{"):
            return {"packaged_startup_s": None,
                    "packaged_startup_error": probe["err"] or probe["line"]}
        walls.append(probe["wall"])
    return {"packaged_startup_s": round(statistics.median(walls), 3),
            "packaged_build": str(BUNDLE_EXE.relative_to(ROOT))}


def _median(values: list[Any]) -> float | None:
    known = [v for v in values if v is not None]
    return round(statistics.median(known), 3) if known else None


def unlock(work: Path, runs: int = 3) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        store, _user = Store.unlock(work, "admin", PASSWORD)
        times.append(time.perf_counter() - start)
        store.close()
    return round(statistics.median(times), 3)


def saves(work: Path, n: int = 200) -> dict[str, float]:
    """*n* prenatal visits, each saved in its own transaction through Transaction.save."""
    store, user = Store.unlock(work, "admin", PASSWORD)
    try:
        pregnancies = store.conn.execute(
            "SELECT id, person_id, lmp FROM pregnancies WHERE status = 'ongoing' LIMIT ?",
            (n,)).fetchall() or [("p", "w", "2026-06-01")]
        today = date.today()
        times = []
        for i in range(n):
            preg_id, person_id, lmp = pregnancies[i % len(pregnancies)]
            ga = (today - date.fromisoformat(lmp)).days
            fields = {"person_id": person_id, "pregnancy_id": preg_id,
                      "visit_date": today.isoformat(), "visit_no": 9, "ga_days": ga,
                      "weight_kg": 63.4, "sbp": 112, "dbp": 71, "fundal_cm": 28.0,
                      "abdominal_cm": 92.0, "fhr": 144, "hb_g_l": 118,
                      "urine_protein": "-", "advice": "fetal_movement",
                      "next_date": today.isoformat()}
            start = time.perf_counter()
            with store.transaction(user.id) as tx:
                tx.save("prenatal_visits", fields)
            times.append((time.perf_counter() - start) * 1000)
    finally:
        store.close()
    times.sort()
    return {"save_p95_ms": round(times[max(0, int(0.95 * len(times)) - 1)], 2),
            "save_median_ms": round(statistics.median(times), 2)}


# -- SQLCipher against plain SQLite ------------------------------------------------------
def _rows(persons: int) -> Batch:
    rng = random.Random(5)
    gen = Generator(rng, make_township(rng, "150525100"), date(2026, 11, 24), "bench")
    batch, done = Batch(), 0
    while done < persons:
        done += gen.household(batch, persons - done)
    return batch


def _plain(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
    for pragma in (f"cache_size = -{CACHE_KIB}", "temp_store = MEMORY", "journal_mode = WAL",
                   "synchronous = FULL", "foreign_keys = ON", "busy_timeout = 10000"):
        conn.execute(f"PRAGMA {pragma}")
    return conn


def _workload(open_conn, path: Path, batch: Batch, seed: int) -> dict[str, float]:
    phases: dict[str, float] = {}
    conn = open_conn(path)
    migrations.migrate(conn)
    start = time.perf_counter()
    for lo in range(0, max(len(v) for v in batch.rows.values()), 5000):
        with Transaction(conn, "benchdevice", "bench") as tx:
            for table in TABLE_ORDER:
                rows = batch.rows[table][lo:lo + 5000]
                if rows:
                    tx.save_many(table, rows, batch.ids[table][lo:lo + 5000])
    phases["bulk_insert"] = time.perf_counter() - start
    start = time.perf_counter()
    for i in range(100):
        with Transaction(conn, "benchdevice", "bench") as tx:
            tx.save("prenatal_visits", {"person_id": "w", "pregnancy_id": f"p{i}",
                                        "visit_date": "2026-11-24", "weight_kg": 60.0})
    phases["single_saves"] = time.perf_counter() - start
    conn.close()
    conn = open_conn(path)  # cold page cache: reads decrypt what they touch
    rng = random.Random(seed)
    people = batch.ids["persons"]
    pregnancies = batch.ids["pregnancies"]
    areas = sorted({r["area_code"] for r in batch.rows["persons"]})
    start = time.perf_counter()
    for _ in range(3000):
        conn.execute("SELECT * FROM persons WHERE id = ?", (rng.choice(people),)).fetchall()
        conn.execute("SELECT * FROM child_visits WHERE person_id = ? ORDER BY visit_date",
                     (rng.choice(people),)).fetchall()
        conn.execute("SELECT * FROM prenatal_visits WHERE pregnancy_id = ?",
                     (rng.choice(pregnancies),)).fetchall()
        conn.execute("SELECT id, name_zh FROM persons WHERE area_code = ? AND kind = 'child'"
                     " LIMIT 50", (rng.choice(areas),)).fetchall()
    phases["indexed_reads"] = time.perf_counter() - start
    start = time.perf_counter()
    for _ in range(3):
        conn.execute("SELECT risk_colour, count(*) FROM pregnancies GROUP BY 1").fetchall()
        conn.execute("SELECT vaccine, dose, count(*) FROM vaccinations GROUP BY 1, 2"
                     ).fetchall()
        conn.execute("SELECT kind, avg(weight_kg) FROM child_visits GROUP BY 1").fetchall()
    phases["aggregates"] = time.perf_counter() - start
    conn.close()
    return phases


def sqlcipher_overhead(persons: int, rounds: int = 2) -> dict[str, Any]:
    batch = _rows(persons)
    key = os.urandom(32)
    base = OUT / "overhead"
    best: dict[str, dict[str, float]] = {}
    for r in range(rounds):
        for engine, opener in (("sqlite", _plain),
                               ("sqlcipher", lambda p: open_connection(p, key))):
            shutil.rmtree(base, ignore_errors=True)
            base.mkdir(parents=True)
            phases = _workload(opener, base / "bench.db", batch, seed=r)
            phases["total"] = sum(phases.values())
            old = best.get(engine)
            if old is None or phases["total"] < old["total"]:
                best[engine] = phases
    shutil.rmtree(base, ignore_errors=True)
    ratios = {k: round(best["sqlcipher"][k] / best["sqlite"][k], 2) for k in best["sqlite"]}
    return {"sqlcipher_overhead_ratio": ratios.pop("total"),
            "sqlcipher_overhead_phases": ratios,
            "sqlcipher_overhead_rows": batch.count,
            "sqlcipher_overhead_seconds": {e: round(v["total"], 2) for e, v in best.items()}}


# -- main ---------------------------------------------------------------------------------
def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="5k persons instead of 100k")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--fresh", action="store_true", help="remake the cached demo store")
    args = parser.parse_args(argv)
    persons = 5_000 if args.quick else 100_000
    OUT.mkdir(parents=True, exist_ok=True)
    conn = sqlcipher3.connect(":memory:")
    cipher = conn.execute("PRAGMA cipher_version").fetchone()[0]
    conn.close()
    figures: dict[str, Any] = {"quick": args.quick, "persons": persons,
                               "machine": {"cpus": os.cpu_count(),
                                           "python": platform.python_version(),
                                           "sqlcipher": cipher,
                                           "platform": platform.platform()}}
    data, info = demo_store(persons, args.fresh)
    demo_key = "demo_100k_s" if persons == 100_000 else f"demo_{persons // 1000}k_s"
    figures.update({demo_key: info["demo_s"], "demo_rows": info["rows"],
                    "demo_cached": info["cached"]})
    work = work_copy(data)
    log("start-up…")
    figures.update(startup(work))
    if BUNDLE_EXE.exists():
        log("start-up of the built program…")
        figures.update(packaged_startup(work))
    log("unlock…")
    figures["unlock_s"] = unlock(work)
    log("saves…")
    figures.update(saves(work))
    log("SQLCipher against SQLite…")
    figures.update(sqlcipher_overhead(2_000 if args.quick else 10_000))
    log("central with many laptops pushing at once (SQLite, PostgreSQL)…")
    import central_load  # bench/central_load.py, beside this file

    figures.update(central_load.figures(args.quick))
    log("child health: z-scores and a growth chart…")
    import child_bench  # bench/child_bench.py, beside this file

    figures.update(child_bench.growth_20k_ms(child_bench.checks_from_store(work, PASSWORD)))
    figures.update(child_bench.chart_render_ms())
    log("printing: a whole handbook and a 100-page batch…")
    import print_bench  # bench/print_bench.py, beside this file

    figures.update(print_bench.figures(work, PASSWORD))
    log("maternal: worklist, search, opening a record…")
    import maternal_bench  # bench/maternal_bench.py, beside this file

    figures.update(maternal_bench.figures(work, PASSWORD))
    log("sync: 10k changes pushed and pulled on loopback…")
    import sync_bench  # bench/sync_bench.py, beside this file

    figures.update(sync_bench.figures())
    log("indicator report for one year…")
    import report_bench  # bench/report_bench.py, beside this file

    figures.update(report_bench.figures(work, PASSWORD))
    if figures.get("peak_rss_mb") is None:
        import resource

        figures["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
                                       / 1024, 1)
        figures["peak_rss_source"] = "bench process (saves and overhead workload)"
    shutil.rmtree(work, ignore_errors=True)
    figures["targets"] = {**TARGETS, **maternal_bench.TARGETS, **sync_bench.TARGETS}
    figures["targets"].update(print_bench.TARGETS)
    figures["targets"].update(report_bench.TARGETS)
    if args.json:
        print(json.dumps(figures, ensure_ascii=False))
    else:
        for name, value in figures.items():
            print(f"{name:28} {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
