"""Maternal figures for bench/run.py: worklist_ms, search_p95_ms, open_record_ms.

Measured through the Session facade (what the screens call) on a copy of the demo store,
so permission checks, row building and the audit entry of an open are all included.
"""

from __future__ import annotations

import random
import statistics
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from desktop.domain import mongolian
from desktop.domain.search_keys import pinyin
from desktop.services import maternal_worklist, worklist
from desktop.services.session import Session
from desktop.store.database import Store

TARGETS = {"worklist_ms": 100, "search_p95_ms": 20, "open_record_ms": 50}
# Look-alike letters a worker may type for one another (shared/mongolian.md): the search
# must find the name anyway through the loose key.
MONGOLIAN_VARIANTS = str.maketrans({"\u1823": "\u1824", "\u1825": "\u1826"})


def _ms(start: float) -> float:
    return (time.perf_counter() - start) * 1000


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return round(ordered[max(0, int(0.95 * len(ordered)) - 1)], 2)


def queries(conn, rng: random.Random, n: int = 400) -> list[tuple[str, str]]:
    """(kind, query) pairs drawn from the stored persons: 1- and 2-character Chinese,
    full pinyin, initials, Mongolian (with look-alike letters swapped), ID digits, phone."""
    rows = conn.execute("SELECT name_zh, name_mn, resident_id, phone FROM persons"
                        " WHERE deleted = 0 ORDER BY random() LIMIT ?", (n,)).fetchall()
    out: list[tuple[str, str]] = []
    for name_zh, name_mn, resident_id, phone in rows:
        kind = rng.choice(("zh1", "zh2", "pinyin", "initials", "mongolian", "id", "phone"))
        if kind == "mongolian" and not name_mn:
            kind = "zh2"
        if kind in ("id",) and not resident_id:
            kind = "zh1"
        if kind == "phone" and not phone:
            kind = "zh1"
        if kind == "zh1" and name_zh:
            out.append((kind, name_zh[-1]))
        elif kind == "zh2" and name_zh:
            out.append((kind, name_zh[-2:]))
        elif kind == "pinyin" and name_zh:
            out.append((kind, "".join(pinyin(name_zh))))
        elif kind == "initials" and name_zh:
            out.append((kind, "".join(s[0] for s in pinyin(name_zh))))
        elif kind == "mongolian":
            out.append((kind, name_mn.translate(MONGOLIAN_VARIANTS)))
        elif kind == "id":
            out.append((kind, resident_id[-6:] if rng.random() < 0.5 else resident_id))
        elif kind == "phone":
            out.append((kind, phone[-4:] if rng.random() < 0.5 else phone))
    assert all(mongolian.exact_key(q) or q for _, q in out)
    return out


def worklist_figures(store: Store, session: Session, today: date) -> dict[str, Any]:
    """worklist_ms, worklist_cached_ms and worklist_maternal_ms (bench/README.md)."""
    # The first look also brings a store made on another day to today (vaccinations):
    # that is worklist_new_day_ms below. Then the SQLite page cache is warm.
    session.worklist(today=today)
    times, rows = [], 0
    for _ in range(5):
        worklist._remember(None, (), None)  # read the table: as after any save
        start = time.perf_counter()
        rows = len(session.worklist(today=today).rows)
        times.append(_ms(start))
    result: dict[str, Any] = {"worklist_ms": round(statistics.median(times), 1),
                              "worklist_rows": rows}
    times = []
    for _ in range(5):
        start = time.perf_counter()
        session.worklist(today=today)
        times.append(_ms(start))
    result.update(worklist_cached_ms=round(statistics.median(times), 2))
    # The maternal providers computed from the records (what the stored table stands
    # for), same store.
    maternal = [maternal_worklist.prenatal_items, maternal_worklist.postpartum_items,
                maternal_worklist.case_followup_items]
    times = []
    for _ in range(5):
        start = time.perf_counter()
        rows = len(worklist.build(store.conn, today, None, only=maternal).rows)
        times.append(_ms(start))
    result.update(worklist_maternal_ms=round(statistics.median(times), 1),
                  worklist_maternal_rows=rows)
    return result


def new_day_figures(session: Session, today: date) -> dict[str, Any]:
    """The first list of the next day: every child's vaccination row moves to that day and
    rows that left the list are dropped (worklist_due), then the list is read. Once a day,
    in the worklist page's background task. Run last: it moves the basis day."""
    start = time.perf_counter()
    rows = len(session.worklist(today=today + timedelta(days=1)).rows)
    return {"worklist_new_day_ms": round(_ms(start), 1), "worklist_new_day_rows": rows}


def figures(work: Path, password: str, today: date | None = None) -> dict[str, Any]:
    today = today or date.today()
    store, user = Store.unlock(work, "admin", password)
    try:
        session = Session(store, user)
        result = worklist_figures(store, session, today)
        rng = random.Random(3)
        mix = queries(store.conn, rng)
        search_times: dict[str, list[float]] = {}
        empty = 0
        for kind, query in mix:
            start = time.perf_counter()
            hits = session.search(query)
            search_times.setdefault(kind, []).append(_ms(start))
            empty += not hits
        every = [t for ts in search_times.values() for t in ts]
        result.update(search_p95_ms=_p95(every), search_median_ms=round(
            statistics.median(every), 2), search_queries=len(every), search_empty=empty,
            search_p95_by_kind_ms={k: _p95(v) for k, v in sorted(search_times.items())})
        women = [r[0] for r in store.conn.execute(
            "SELECT DISTINCT person_id FROM pregnancies WHERE deleted = 0"
            " ORDER BY random() LIMIT 100")]
        opens = []
        for woman in women:
            start = time.perf_counter()
            session.open_record(woman)
            opens.append(_ms(start))
        result.update(open_record_ms=_p95(opens),
                      open_record_median_ms=round(statistics.median(opens), 2))
        result.update(new_day_figures(session, today))
        return result
    finally:
        store.close()


if __name__ == "__main__":
    # python bench/maternal_bench.py DATA_DIR [--only worklist], EKE_PASSWORD set; DATA_DIR
    # is written to (audit entries, the worklist's basis day): give it a copy.
    import argparse
    import json
    import os
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    parser = argparse.ArgumentParser()
    parser.add_argument("data_dir", type=Path)
    parser.add_argument("--only", choices=["worklist"])
    args = parser.parse_args()
    if args.only == "worklist":
        day = date.today()
        db, admin = Store.unlock(args.data_dir, "admin", os.environ["EKE_PASSWORD"])
        try:
            found = Session(db, admin)
            out = {**worklist_figures(db, found, day), **new_day_figures(found, day)}
        finally:
            db.close()
    else:
        out = figures(args.data_dir, os.environ["EKE_PASSWORD"])
    print(json.dumps(out))
