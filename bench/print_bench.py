"""Printing figures for bench/run.py: print_handbook_s and print_batch_100_s (bench/README.md).

Also runnable alone on a store: python bench/print_bench.py DATA_DIR (EKE_PASSWORD set).
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

TARGETS = {"print_handbook_s": 3.0}


def _woman_with_most_pages(session: Any) -> str | None:
    row = session.store.conn.execute(
        "SELECT p.id FROM persons p WHERE p.kind = 'woman' AND p.deleted = 0 AND"
        " EXISTS (SELECT 1 FROM pregnancies g WHERE g.person_id = p.id AND g.deleted = 0)"
        " ORDER BY (SELECT count(*) FROM persons c WHERE c.mother_id = p.id) DESC,"
        " (SELECT count(*) FROM prenatal_visits v WHERE v.person_id = p.id) DESC"
        " LIMIT 1").fetchone()
    return row[0] if row else None


def figures(work: Path, password: str, runs: int = 3) -> dict[str, Any]:
    """Median wall time of one whole handbook (data read through the Session, layout on a
    300-dpi QPdfWriter, growth charts, PDF written) and of a 100-page batch of visit
    sheets, each after one warm-up."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from desktop.printing import jobs
    from desktop.services.session import Session

    jobs.ensure_gui_application()
    session = Session.login(work, "admin", password)
    out: dict[str, Any] = {}
    try:
        person = _woman_with_most_pages(session)
        today = date.today()
        with tempfile.TemporaryDirectory() as folder:
            if person is not None:
                times, pages = [], 0
                for i in range(runs + 1):
                    start = time.perf_counter()
                    data = session.handbook_data(person, today)
                    docs = jobs.handbooks_to_pdf(Path(folder) / "h.pdf", "A5", [data],
                                                 today=today)
                    if i:
                        times.append(time.perf_counter() - start)
                    pages = len(docs[0].pages)
                out["print_handbook_s"] = round(statistics.median(times), 3)
                out["print_handbook_pages"] = pages
            sheets = session.visit_sheets_data(today)
            if sheets:
                batch = [sheets[i % len(sheets)] for i in range(100)]
                times = []
                for i in range(runs + 1):
                    start = time.perf_counter()
                    done = jobs.sheets_to_pdf(Path(folder) / "s.pdf", "A5", batch)
                    if i:
                        times.append(time.perf_counter() - start)
                out["print_batch_100_s"] = round(statistics.median(times), 3)
                out["print_batch_pages"] = len(done.pages)
    finally:
        session.close()
    return out


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    print(figures(Path(sys.argv[1]), os.environ["EKE_PASSWORD"]))
