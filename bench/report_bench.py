"""Indicator report figure (issue 8): every indicator for one year on the demo store.

Also runnable alone: python bench/report_bench.py DATA_DIR (password EKE_PASSWORD).
"""

from __future__ import annotations

import statistics
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from desktop.domain.indicators import Period  # noqa: E402
from desktop.services import reports  # noqa: E402
from desktop.store.database import Store  # noqa: E402

TARGETS = {"report_year_ms": 500}


def figures(data_dir: Path, password: str, runs: int = 3) -> dict[str, Any]:
    """report_year_ms: median of *runs* computations of every indicator for the last full
    calendar year (township, every village), as the Reports page runs them
    (reports.run_report's connections: the store's report readers at one snapshot, the
    children read in a worker thread), after one first run, which is reported as
    report_year_first_ms (the readers newly opened: every page read from the file and
    decrypted; z-scores of unscored rows computed)."""
    store, _user = Store.unlock(data_dir, "admin", password)
    try:
        period = Period.year(date.today().year - 1)

        def run() -> tuple[float, reports.Report]:
            start = time.perf_counter()
            with store.snapshot_readers(1 + reports.READERS) as (conn, *sides):
                report = reports.compute(conn, period, sides=sides)
            return (time.perf_counter() - start) * 1000, report

        first, report = run()
        times = [run()[0] for _ in range(runs)]
    finally:
        store.close()
    return {"report_year_ms": round(statistics.median(times), 1),
            "report_year_first_ms": round(first, 1),
            "report_year_records": report.counts}


if __name__ == "__main__":
    import json
    import os

    print(json.dumps(figures(Path(sys.argv[1]), os.environ["EKE_PASSWORD"])))
