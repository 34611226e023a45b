"""A growth chart on screen: paintEvent hands the whole widget to the same painter that
prints (desktop/printing/growth_chart.py), so screen and page can never disagree.

`frame()` is the mapping of the last paint (measurement → widget pixel); tests check the
child's points against it, and a tooltip names the visit under the mouse.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QPointF, QRectF, QSize
from PySide6.QtGui import QMouseEvent, QPainter, QPaintEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

from desktop.printing.growth_chart import ChartFrame, chart_frame, paint_growth_chart

HIT_RADIUS_PX = 6.0


class GrowthChartWidget(QWidget):
    """Shows one chart ("waz", "lhaz", "wfl", "wfh", "hcz", "bmiz") of one child."""

    def __init__(self, parent: QWidget | None = None,
                 object_name: str = "growth_chart") -> None:
        super().__init__(parent)
        self.setObjectName(object_name)
        self.setMinimumSize(QSize(420, 300))
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.indicator = "waz"
        self.sex = "M"
        self.points: list[tuple[float, float]] = []
        self.labels: list[str] = []   # one tooltip per point (date and value)
        self._frame: ChartFrame | None = None
        self.setMouseTracking(True)

    def set_chart(self, indicator: str, sex: str, points: Sequence[tuple[float, float]],
                  labels: Sequence[str] = ()) -> None:
        """Show *indicator* for a child of *sex* with *points* (x in days or cm)."""
        self.indicator, self.sex = indicator, sex
        self.points = [(float(x), float(y)) for x, y in points]
        self.labels = list(labels)
        self._frame = None
        self.update()

    def frame(self) -> ChartFrame:
        """The mapping the chart uses at the widget's current size (as painted)."""
        if self._frame is None or self._frame.rect != QRectF(self.rect()):
            self._frame = chart_frame(self.indicator, self.sex, QRectF(self.rect()),
                                      float(self.logicalDpiY()), self.points)
        return self._frame

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        painter = QPainter(self)
        try:
            self._frame = paint_growth_chart(painter, QRectF(self.rect()), self.indicator,
                                             self.sex, self.points,
                                             dpi=float(self.logicalDpiY()))
        finally:
            painter.end()

    def point_at(self, position: QPointF) -> int | None:
        """The index of the child's point under *position* (widget pixels), if any."""
        frame = self.frame()
        for index, (x, y) in enumerate(self.points):
            p = frame.map(x, y)
            if (p.x() - position.x()) ** 2 + (p.y() - position.y()) ** 2 <= HIT_RADIUS_PX ** 2:
                return index
        return None

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        # The tooltip follows the point under the mouse (no event() override: PySide
        # would call it while the widget is being destroyed).
        index = self.point_at(event.position())
        self.setToolTip(self.labels[index] if index is not None and index < len(self.labels)
                        else "")
        super().mouseMoveEvent(event)
