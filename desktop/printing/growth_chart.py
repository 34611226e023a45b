"""WHO growth charts: the −3…+3 SD curves, axes, and one child's points, painted onto any
QPainter (a widget on screen, a QPdfWriter or QPrinter page, a QImage).

Device-independent: every length is given in millimetres or typographic points and turned
into device units with the paint device's logical DPI, so the same call draws the same
chart on a 96-dpi screen and a 300-dpi page. chart_frame() is the chart's coordinate
mapping (measurement → device point); paint_growth_chart() uses it and returns it, so a
widget can hit-test points and a test can check pixels.

Curves come from desktop.domain.growth.reference_curves (WHO 2006 standards, WHO 2007
reference after 61 months); labels go through desktop.i18n._.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QPainter, QPainterPath, QPen, QPolygonF

from desktop.domain import growth
from desktop.domain.mongolian import is_mongolian_letter
from desktop.i18n import N_, _

MM_PER_INCH = 25.4
POINTS_PER_INCH = 72.0

SD_LINES = (-3, -2, -1, 0, 1, 2, 3)
SD_COLOURS = {0: QColor(0, 128, 0), 1: QColor(230, 140, 0), -1: QColor(230, 140, 0),
              2: QColor(200, 0, 0), -2: QColor(200, 0, 0), 3: QColor(0, 0, 0),
              -3: QColor(0, 0, 0)}
SD_WIDTH_PT = {0: 1.2, 1: 0.6, -1: 0.6, 2: 1.0, -2: 1.0, 3: 1.0, -3: 1.0}
POINT_COLOUR = QColor(20, 80, 220)
GRID_COLOUR = QColor(215, 215, 215)
AXIS_COLOUR = QColor(60, 60, 60)
POINT_RADIUS_MM = 1.1
LINE_WIDTH_PT = 1.0
FONT_FAMILIES = ["Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "Microsoft YaHei",
                 "WenQuanYi Micro Hei", "sans-serif"]

TITLES = {
    "waz": N_("Weight-for-age"),
    "lhaz": N_("Length/height-for-age"),
    "wfl": N_("Weight-for-length"),
    "wfh": N_("Weight-for-height"),
    "hcz": N_("Head circumference-for-age"),
    "bmiz": N_("BMI-for-age"),
}
Y_LABELS = {
    "waz": N_("Weight (kg)"), "lhaz": N_("Length/height (cm)"), "wfl": N_("Weight (kg)"),
    "wfh": N_("Weight (kg)"), "hcz": N_("Head circumference (cm)"), "bmiz": N_("BMI (kg/m²)"),
}
SEX_LABELS = {"M": N_("Boys"), "F": N_("Girls")}
X_MONTHS = N_("Age (months)")
X_YEARS = N_("Age (years)")
X_LENGTH = N_("Length (cm)")
X_HEIGHT = N_("Height (cm)")
TITLE_FORMAT = N_("{chart} ({sex})")
SOURCE_NOTE = N_("WHO Child Growth Standards 2006 / WHO Reference 2007")

AGE_INDICATORS = ("waz", "lhaz", "hcz", "bmiz")
DAYS_PER_MONTH = growth.DAYS_PER_MONTH
_LAST_DAY = {"waz": growth.WHO2007_WFA_MAX_MONTHS * DAYS_PER_MONTH,
             "lhaz": 72 * DAYS_PER_MONTH, "bmiz": 72 * DAYS_PER_MONTH,
             "hcz": float(growth.WHO2006_MAX_DAYS)}
X_RANGES_CM = {"wfl": growth.WFL_RANGE_CM, "wfh": growth.WFH_RANGE_CM}


@dataclass(frozen=True)
class ChartFrame:
    """Where a chart lies on the device: *plot* (device units) holds x in *x_range* (days
    or cm) and y in *y_range* (kg, cm or kg/m²); *dpi* the device's logical DPI."""

    indicator: str
    sex: str
    rect: QRectF
    plot: QRectF
    x_range: tuple[float, float]
    y_range: tuple[float, float]
    dpi: float

    def map(self, x: float, y: float) -> QPointF:
        """Device point of a measurement (x in days or cm, y in the chart's unit)."""
        (x0, x1), (y0, y1) = self.x_range, self.y_range
        px = self.plot.left() + (x - x0) / (x1 - x0) * self.plot.width()
        py = self.plot.bottom() - (y - y0) / (y1 - y0) * self.plot.height()
        return QPointF(px, py)

    def mm(self, millimetres: float) -> float:
        return millimetres * self.dpi / MM_PER_INCH

    def pt(self, points: float) -> float:
        return points * self.dpi / POINTS_PER_INCH


def _curve_key(indicator: str) -> str:
    if indicator not in TITLES:
        raise ValueError(f"unknown chart {indicator!r}; expected one of {sorted(TITLES)}")
    return indicator


def default_x_range(indicator: str, xs: Sequence[float] = ()) -> tuple[float, float]:
    """x span of a chart: cm ranges for "wfl"/"wfh"; for age charts 0-24 months when every
    point is under 2 years, 0-5 years under 61 months, else 0-6 years (head circumference
    stops at 61 months: the WHO 2006 standard has no later values)."""
    _curve_key(indicator)
    if indicator in X_RANGES_CM:
        return X_RANGES_CM[indicator]
    last = max(xs, default=0.0)
    if last < growth.HEIGHT_FROM_DAYS:
        end = 24 * DAYS_PER_MONTH
    elif last <= 60 * DAYS_PER_MONTH or indicator == "hcz":
        end = 60 * DAYS_PER_MONTH
    else:
        end = 72 * DAYS_PER_MONTH
    return 0.0, min(end, _LAST_DAY[indicator])


def curves_in_range(indicator: str, sex: str, x_range: tuple[float, float]
                    ) -> list[tuple[float, list[float]]]:
    """reference_curves rows whose x lies in *x_range*."""
    x0, x1 = x_range
    return [(x, ys) for x, ys in growth.reference_curves(indicator, sex, SD_LINES)
            if x0 - 1e-9 <= x <= x1 + 1e-9]


def _nice_step(span: float, target: int) -> float:
    raw = span / max(1, target)
    magnitude = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 5, 10):
        if factor * magnitude >= raw:
            return factor * magnitude
    return 10 * magnitude


def _y_range(curves: list[tuple[float, list[float]]], ys: Sequence[float]
             ) -> tuple[float, float, float]:
    low = min([row[0] for _, row in curves] + list(ys))
    high = max([row[-1] for _, row in curves] + list(ys))
    step = _nice_step(high - low, 8)
    return math.floor(low / step) * step, math.ceil(high / step) * step, step


def _dpi(painter: QPainter) -> float:
    device = painter.device()
    return float(device.logicalDpiY()) if device is not None else 96.0


def chart_frame(indicator: str, sex: str, rect: QRectF, dpi: float,
                points: Sequence[tuple[float, float]] = (),
                x_range: tuple[float, float] | None = None) -> ChartFrame:
    """The coordinate mapping paint_growth_chart() uses for these arguments (pure: the
    same inputs always give the same frame). Margins leave room for the title, tick
    labels and axis titles, in millimetres of the device."""
    _curve_key(indicator)
    if sex not in growth.SEXES:
        raise ValueError(f"sex must be 'M' or 'F', not {sex!r}")
    x_range = x_range or default_x_range(indicator, [p[0] for p in points])
    curves = curves_in_range(indicator, sex, x_range)
    inside = [y for x, y in points if x_range[0] <= x <= x_range[1]]
    y0, y1, _step = _y_range(curves, inside)
    mm = dpi / MM_PER_INCH
    plot = QRectF(rect.left() + 16 * mm, rect.top() + 12 * mm,
                  rect.width() - (16 + 9) * mm, rect.height() - (12 + 14) * mm)
    return ChartFrame(indicator, sex, QRectF(rect), plot, x_range, (y0, y1), dpi)


def _font(frame: ChartFrame, size_pt: float, bold: bool = False) -> QFont:
    font = QFont()
    font.setFamilies(FONT_FAMILIES)
    # Pixel size from points and the device DPI: correct on any device, even one whose
    # painter was scaled or whose font DPI differs from its logical DPI.
    font.setPixelSize(max(1, round(frame.pt(size_pt))))
    font.setBold(bold)
    return font


def _x_ticks(frame: ChartFrame) -> tuple[list[tuple[float, str]], str]:
    x0, x1 = frame.x_range
    if frame.indicator in X_RANGES_CM:
        step = 5.0
        ticks = [(x, f"{x:g}") for x in _frange(math.ceil(x0 / step) * step, x1, step)]
        return ticks, X_LENGTH if frame.indicator == "wfl" else X_HEIGHT
    months = x1 / DAYS_PER_MONTH
    if months <= 24.5:
        return [(m * DAYS_PER_MONTH, str(m)) for m in range(0, round(months) + 1, 2)], X_MONTHS
    return ([(y * 12 * DAYS_PER_MONTH, str(y)) for y in range(0, round(months / 12) + 1)],
            X_YEARS)


def _frange(start: float, stop: float, step: float) -> list[float]:
    count = int(math.floor((stop - start) / step + 1e-9)) + 1
    return [round(start + i * step, 6) for i in range(max(0, count))]


def paint_growth_chart(painter: QPainter, rect: QRectF, indicator: str, sex: str,
                       points: Sequence[tuple[float, float]] = (),
                       x_range: tuple[float, float] | None = None,
                       dpi: float | None = None) -> ChartFrame:
    """Paint one chart into *rect* (device units of *painter*) and return its frame.

    *indicator*: "waz", "lhaz", "wfl", "wfh", "hcz" or "bmiz"; *points*: the child's
    (x, y) in days or cm and kg/cm/kg·m⁻², drawn in date order with a connecting line
    (points outside the x range are left out). *dpi* defaults to the device's logical DPI.
    Saves and restores the painter state; no other side effects.
    """
    frame = chart_frame(indicator, sex, rect, dpi or _dpi(painter), points, x_range)
    painter.save()
    try:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
        painter.fillRect(rect, Qt.GlobalColor.white)
        _paint_grid_and_axes(painter, frame)
        _paint_curves(painter, frame)
        _paint_points(painter, frame, points)
        _paint_titles(painter, frame)
    finally:
        painter.restore()
    return frame


def _pen(frame: ChartFrame, colour: QColor, width_pt: float,
         style: Qt.PenStyle = Qt.PenStyle.SolidLine) -> QPen:
    pen = QPen(colour)
    pen.setWidthF(max(frame.pt(width_pt), 0.5))
    pen.setStyle(style)
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    return pen


def _paint_grid_and_axes(painter: QPainter, frame: ChartFrame) -> None:
    plot = frame.plot
    y0, y1 = frame.y_range
    y_step = _nice_step(y1 - y0, 8)
    label_font = _font(frame, 7)
    painter.setFont(label_font)
    text_h = frame.mm(4)
    for y in _frange(y0, y1, y_step):
        p = frame.map(frame.x_range[0], y)
        painter.setPen(_pen(frame, GRID_COLOUR, 0.4))
        painter.drawLine(QPointF(plot.left(), p.y()), QPointF(plot.right(), p.y()))
        painter.setPen(AXIS_COLOUR)
        painter.drawText(QRectF(plot.left() - frame.mm(12), p.y() - text_h / 2,
                                frame.mm(10.5), text_h),
                         Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, f"{y:g}")
    ticks, _title = _x_ticks(frame)
    for x, label in ticks:
        p = frame.map(x, y0)
        painter.setPen(_pen(frame, GRID_COLOUR, 0.4))
        painter.drawLine(QPointF(p.x(), plot.top()), QPointF(p.x(), plot.bottom()))
        painter.setPen(AXIS_COLOUR)
        painter.drawText(QRectF(p.x() - frame.mm(6), plot.bottom() + frame.mm(1),
                                frame.mm(12), text_h),
                         Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop, label)
    painter.setPen(_pen(frame, AXIS_COLOUR, 0.8))
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.drawRect(plot)


def _paint_curves(painter: QPainter, frame: ChartFrame) -> None:
    curves = curves_in_range(frame.indicator, frame.sex, frame.x_range)
    if not curves:
        return
    painter.save()
    painter.setClipRect(frame.plot)
    for index, sd in enumerate(SD_LINES):
        polygon = QPolygonF([frame.map(x, ys[index]) for x, ys in curves])
        painter.setPen(_pen(frame, SD_COLOURS[sd], SD_WIDTH_PT[sd]))
        painter.drawPolyline(polygon)
    painter.restore()
    painter.setFont(_font(frame, 6.5, bold=True))
    x_last, ys_last = curves[-1]
    for index, sd in enumerate(SD_LINES):
        end = frame.map(x_last, ys_last[index])
        if not frame.plot.top() <= end.y() <= frame.plot.bottom():
            continue
        painter.setPen(SD_COLOURS[sd])
        painter.drawText(QRectF(frame.plot.right() + frame.mm(0.8), end.y() - frame.mm(2),
                                frame.mm(8), frame.mm(4)),
                         Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                         "0" if sd == 0 else f"{sd:+d}".replace("-", "\u2212"))


def _paint_points(painter: QPainter, frame: ChartFrame,
                  points: Sequence[tuple[float, float]]) -> None:
    x0, x1 = frame.x_range
    inside = [frame.map(x, y) for x, y in points if x0 <= x <= x1]
    if not inside:
        return
    painter.save()
    painter.setClipRect(frame.plot.adjusted(-frame.mm(2), -frame.mm(2), frame.mm(2),
                                            frame.mm(2)))
    if len(inside) > 1:
        path = QPainterPath(inside[0])
        for p in inside[1:]:
            path.lineTo(p)
        painter.setPen(_pen(frame, POINT_COLOUR, LINE_WIDTH_PT))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(path)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QBrush(POINT_COLOUR))
    radius = frame.mm(POINT_RADIUS_MM)
    for p in inside:
        painter.drawEllipse(p, radius, radius)
    painter.restore()


def _paint_titles(painter: QPainter, frame: ChartFrame) -> None:
    rect, plot = frame.rect, frame.plot
    painter.setPen(Qt.GlobalColor.black)
    painter.setFont(_font(frame, 10, bold=True))
    title = _(TITLE_FORMAT, chart=_(TITLES[frame.indicator]), sex=_(SEX_LABELS[frame.sex]))
    painter.drawText(QRectF(rect.left(), rect.top() + frame.mm(1), rect.width(), frame.mm(6)),
                     Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignVCenter, title)
    painter.setFont(_font(frame, 6))
    painter.setPen(AXIS_COLOUR)
    painter.drawText(QRectF(rect.left(), rect.top() + frame.mm(6.5), rect.width(),
                            frame.mm(4)),
                     Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignVCenter,
                     _(SOURCE_NOTE))
    painter.setFont(_font(frame, 8))
    _ticks, x_title = _x_ticks(frame)
    painter.drawText(QRectF(plot.left(), plot.bottom() + frame.mm(6), plot.width(),
                            frame.mm(6)),
                     Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignVCenter, _(x_title))
    painter.save()
    centre = QPointF(rect.left() + frame.mm(3.5), plot.center().y())
    painter.translate(centre)
    y_label = _(Y_LABELS[frame.indicator])
    # Traditional Mongolian reads top to bottom: turned +90°; Chinese keeps the usual −90°.
    painter.rotate(90 if any(is_mongolian_letter(c) for c in y_label) else -90)
    painter.drawText(QRectF(-plot.height() / 2, -frame.mm(3), plot.height(), frame.mm(6)),
                     Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignVCenter, y_label)
    painter.restore()
