"""Painting laid-out pages onto a QPdfWriter or QPrinter, and the devices themselves.

The layout must have been made on the same device (or one of the same resolution): text
was measured there. Painting saves and restores the painter; cancelling between pages
leaves a shorter document, which the caller discards.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import QMarginsF, QPointF, Qt
from PySide6.QtGui import (
    QBrush,
    QGuiApplication,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QPen,
)

from desktop.printing.growth_chart import paint_growth_chart
from desktop.printing.layout import (
    BoxItem,
    ChartItem,
    LineItem,
    PageLayout,
    TextItem,
    VerticalItem,
    make_text_layout,
)
from desktop.printing.vertical_text import paint_vertical

PDF_DPI = 300
PAGE_SIZE_IDS = {"A5": QPageSize.PageSizeId.A5, "A4": QPageSize.PageSizeId.A4}

Progress = Callable[[int, int], None]
Cancelled = Callable[[], bool]


class PrintCancelled(Exception):
    """The user stopped a print job between two pages."""


def ensure_gui_application() -> QGuiApplication:
    """The running Qt application, or a new QGuiApplication for commands and benchmarks
    (offscreen when there is no display: a print needs fonts, not a screen)."""
    app = QGuiApplication.instance()
    if app is None:
        if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY") \
                and os.name != "nt":
            os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        app = QGuiApplication(["eke-print"])
    return app  # type: ignore[return-value]


def pdf_writer(path: Path, size: str, title: str = "") -> QPdfWriter:
    """A PDF writer for whole pages of *size* ("A5" or "A4") at 300 dpi, no margins (the
    layouts place their own binding margins)."""
    writer = QPdfWriter(str(path))
    writer.setResolution(PDF_DPI)
    writer.setPageLayout(QPageLayout(QPageSize(PAGE_SIZE_IDS[size]),
                                     QPageLayout.Orientation.Portrait,
                                     QMarginsF(0, 0, 0, 0)))
    writer.setCreator("Eke")
    if title:
        writer.setTitle(title)
    return writer


def paint_page(painter: QPainter, page: PageLayout) -> None:
    """Paint every item of *page* (device units of painter.device())."""
    device = painter.device()
    dpi = float(device.logicalDpiY())
    painter.save()
    try:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        for item in page.items:
            if isinstance(item, BoxItem):
                pen = QPen(item.colour)
                pen.setWidthF(item.border_pt * dpi / 72)
                painter.setPen(pen if item.border_pt > 0 else Qt.PenStyle.NoPen)
                painter.setBrush(QBrush(item.fill) if item.fill is not None
                                 else Qt.BrushStyle.NoBrush)
                painter.drawRect(item.rect)
            elif isinstance(item, LineItem):
                pen = QPen(item.colour)
                pen.setWidthF(item.width_pt * dpi / 72)
                painter.setPen(pen)
                painter.drawLine(item.start, item.end)
            elif isinstance(item, TextItem):
                _paint_text(painter, item)
            elif isinstance(item, VerticalItem):
                painter.setPen(Qt.GlobalColor.black)
                paint_vertical(painter, item.rect, item.lines, item.font)
            elif isinstance(item, ChartItem):
                paint_growth_chart(painter, item.rect, item.indicator, item.sex, item.points,
                                   dpi=dpi)
    finally:
        painter.restore()


def _paint_text(painter: QPainter, item: TextItem) -> None:
    layout = make_text_layout(item.text, item.font, painter.device(), item.rect.width())
    painter.setPen(item.colour)
    painter.setFont(item.font)
    # Each line is aligned on its own: QTextOption alignment would need the final width
    # before layout, and centred table cells want per-line centring.
    for n in range(layout.lineCount()):
        line = layout.lineAt(n)
        free = item.rect.width() - line.naturalTextWidth()
        if item.align & Qt.AlignmentFlag.AlignHCenter:
            dx = free / 2
        elif item.align & Qt.AlignmentFlag.AlignRight:
            dx = free
        else:
            dx = 0.0
        line.draw(painter, QPointF(item.rect.left() + max(0.0, dx), item.rect.top()))


def paint_pages(painter: QPainter, pages: Sequence[PageLayout], new_page: Callable[[], bool],
                progress: Progress | None = None, cancelled: Cancelled | None = None) -> None:
    """Paint *pages* one after another, calling *new_page* between them; PrintCancelled
    when *cancelled* says so (checked before each page)."""
    total = len(pages)
    for index, page in enumerate(pages):
        if cancelled is not None and cancelled():
            raise PrintCancelled()
        if index:
            new_page()
        paint_page(painter, page)
        if progress is not None:
            progress(index + 1, total)
