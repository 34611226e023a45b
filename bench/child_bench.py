"""Child-health figures for bench/run.py: growth_20k_ms and chart_render_ms (bench/README.md)."""

from __future__ import annotations

import os
import statistics
import time
from pathlib import Path
from typing import Any

N_CHECKS = 20_000


def checks_from_store(work: Path, password: str, n: int = N_CHECKS) -> list[dict[str, Any]]:
    """Up to *n* stored child visits (sex, age, measurements) from the demo store, repeated
    in order when the store holds fewer (the --quick store)."""
    from desktop.store.database import Store

    store, _user = Store.unlock(work, "admin", password)
    try:
        cur = store.conn.execute(
            "SELECT p.sex, v.age_days, v.weight_kg, v.length_cm, v.head_cm, v.lying"
            " FROM child_visits v JOIN persons p ON p.id = v.person_id"
            " WHERE v.deleted = 0 AND v.age_days IS NOT NULL LIMIT ?", (n,))
        names = [d[0] for d in cur.description]
        rows = [dict(zip(names, r, strict=True)) for r in cur.fetchall()]
    finally:
        store.close()
    if not rows:
        return []
    return [rows[i % len(rows)] for i in range(n)]


def growth_20k_ms(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Wall time of WHO z-scores (all five indicators) for the rows, tables already loaded."""
    from desktop.domain import growth
    from desktop.services.children import zscores_for_rows

    growth.zscores("M", 100, 6.0, 60.0, 40.0)  # load the tables outside the timing
    start = time.perf_counter()
    results = zscores_for_rows(rows)
    elapsed = (time.perf_counter() - start) * 1000
    return {"growth_20k_ms": round(elapsed, 1), "growth_checks": len(results)}


def chart_render_ms(runs: int = 5) -> dict[str, Any]:
    """Median wall time of painting one weight-for-age chart (0-5 years, 8 points) onto a
    180 × 130 mm QImage at 300 dpi (2126 × 1535 pixels), after one warm-up paint."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QRectF
    from PySide6.QtGui import QColor, QGuiApplication, QImage, QPainter

    from desktop.printing.growth_chart import paint_growth_chart

    app = QGuiApplication.instance() or QGuiApplication([])
    points = [(5, 3.0), (30, 3.9), (94, 5.4), (183, 7.0), (245, 7.6), (366, 8.5),
              (548, 9.7), (731, 11.0)]
    times = []
    for i in range(runs + 1):
        image = QImage(2126, 1535, QImage.Format.Format_RGB32)
        image.setDotsPerMeterX(round(300 / 0.0254))
        image.setDotsPerMeterY(round(300 / 0.0254))
        image.fill(QColor("white"))
        start = time.perf_counter()
        painter = QPainter(image)
        paint_growth_chart(painter, QRectF(0, 0, 2126, 1535), "waz", "F", points)
        painter.end()
        if i:
            times.append((time.perf_counter() - start) * 1000)
    del app
    return {"chart_render_ms": round(statistics.median(times), 1)}
