"""Report charts as pictures: a monthly trend line and villages side by side as bars,
painted onto any QPainter (a widget, a QImage, a QPdfWriter/QPrinter page) with the same
calls, so the screen and the printed report show the same picture.

Sizes are millimetres and points turned into device units with the device's logical DPI.
Values are rates in percent (None: no denominator, drawn as a gap / an empty slot).
QtGui only: no widgets here.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPen

MM_PER_INCH = 25.4
LINE = QColor(20, 90, 200)
BAR = QColor(60, 140, 90)
GRID = QColor(215, 215, 215)
AXIS = QColor(60, 60, 60)
FONT_FAMILIES = ["Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "Microsoft YaHei",
                 "WenQuanYi Micro Hei", "sans-serif"]


def _mm(painter: QPainter, mm: float) -> float:
    return mm * painter.device().logicalDpiX() / MM_PER_INCH


def _font(painter: QPainter, points: float) -> QFont:
    font = QFont()
    font.setFamilies(FONT_FAMILIES)
    # Points relative to the device, so a 300-dpi page gets the same size as the screen.
    font.setPixelSize(max(1, round(points * painter.device().logicalDpiY() / 72)))
    return font


def _plot_area(painter: QPainter, rect: QRectF, title: str) -> QRectF:
    painter.setFont(_font(painter, 10))
    title_h = painter.fontMetrics().height() * 1.4
    painter.setPen(AXIS)
    painter.drawText(QRectF(rect.left(), rect.top(), rect.width(), title_h),
                     int(Qt.AlignmentFlag.AlignCenter), title)
    painter.setFont(_font(painter, 7.5))
    left = painter.fontMetrics().horizontalAdvance("100%") + _mm(painter, 3)
    bottom = painter.fontMetrics().height() * 2.6
    # Half a line under the title, so a point at the top of the scale never touches it.
    top = title_h + painter.fontMetrics().height()
    return QRectF(rect.left() + left, rect.top() + top, rect.width() - left - _mm(painter, 3),
                  rect.height() - top - bottom)


def _axes(painter: QPainter, plot: QRectF, top: float) -> None:
    painter.setFont(_font(painter, 7.5))
    for i in range(5):
        value = top * i / 4
        y = plot.bottom() - plot.height() * i / 4
        painter.setPen(QPen(GRID, _mm(painter, 0.2)))
        painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
        painter.setPen(AXIS)
        label = f"{value:.0f}%"
        w = painter.fontMetrics().horizontalAdvance(label)
        painter.drawText(QPointF(plot.left() - w - _mm(painter, 1.5),
                                 y + painter.fontMetrics().ascent() / 2), label)
    painter.setPen(QPen(AXIS, _mm(painter, 0.3)))
    painter.drawLine(plot.bottomLeft(), plot.bottomRight())
    painter.drawLine(plot.bottomLeft(), plot.topLeft())


def _top(values: Sequence[float | None]) -> float:
    known = [v for v in values if v is not None]
    peak = max(known, default=0.0)
    return 100.0 if peak > 50 or not known else max(10.0, (int(peak / 10) + 1) * 10.0)


def paint_trend(painter: QPainter, rect: QRectF, title: str, labels: Sequence[str],
                values: Sequence[float | None]) -> QRectF:
    """A line of *values* (percent) over *labels* (months) inside *rect* (device units).
    Returns the plot area."""
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    plot = _plot_area(painter, rect, title)
    top = _top(values)
    _axes(painter, plot, top)
    n = max(len(values), 1)
    step = plot.width() / n

    def point(i: int, v: float) -> QPointF:
        return QPointF(plot.left() + step * (i + 0.5), plot.bottom() - plot.height() * v / top)

    painter.setPen(QPen(LINE, _mm(painter, 0.6)))
    previous: QPointF | None = None
    for i, v in enumerate(values):
        if v is None:
            previous = None
            continue
        p = point(i, v)
        if previous is not None:
            painter.drawLine(previous, p)
        previous = p
    painter.setBrush(LINE)
    radius = _mm(painter, 0.9)
    for i, v in enumerate(values):
        if v is not None:
            painter.drawEllipse(point(i, v), radius, radius)
    painter.setPen(AXIS)
    painter.setFont(_font(painter, 7))
    every = max(1, round(len(labels) / 12))
    for i, label in enumerate(labels):
        if i % every == 0:
            w = painter.fontMetrics().horizontalAdvance(label)
            painter.drawText(QPointF(plot.left() + step * (i + 0.5) - w / 2,
                                     plot.bottom() + painter.fontMetrics().height()), label)
    painter.restore()
    return plot


def paint_bars(painter: QPainter, rect: QRectF, title: str, labels: Sequence[str],
               values: Sequence[float | None]) -> QRectF:
    """Bars of *values* (percent), one per label (villages), side by side in *rect*."""
    painter.save()
    plot = _plot_area(painter, rect, title)
    top = _top(values)
    _axes(painter, plot, top)
    n = max(len(values), 1)
    step = plot.width() / n
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(BAR)
    for i, v in enumerate(values):
        if v is None:
            continue
        h = plot.height() * v / top
        painter.drawRect(QRectF(plot.left() + step * (i + 0.15), plot.bottom() - h,
                                step * 0.7, h))
    painter.setPen(AXIS)
    painter.setFont(_font(painter, 6.5))
    for i, label in enumerate(labels):
        text = painter.fontMetrics().elidedText(label, Qt.TextElideMode.ElideLeft, int(step))
        w = painter.fontMetrics().horizontalAdvance(text)
        painter.drawText(QPointF(plot.left() + step * (i + 0.5) - w / 2,
                                 plot.bottom() + painter.fontMetrics().height()), text)
    painter.restore()
    return plot
