"""Page layouts as lists of positioned items, measured on the printer device.

A page is laid out once (every text measured with a QTextLayout built on the paint device
that will print it), then painted by render.py. Keeping the computed rectangles lets a test
check that no two text boxes intersect and that all lie inside the printable area, and
lets pagination decide from real heights how many rows fit.

Units: device pixels of the QPdfWriter/QPrinter; helpers convert millimetres and points
with the device's logical DPI.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QPaintDevice,
    QTextLayout,
    QTextOption,
)

from desktop.printing import fonts
from desktop.printing.vertical_text import vertical_size, vertical_text_only

MM_PER_INCH = 25.4
PAGE_SIZES_MM = {"A5": (148.0, 210.0), "A4": (210.0, 297.0)}
# Binding margin: the inner edge (left on odd pages, right on even pages) is wider so
# text does not disappear into the stitching of the booklet.
MARGINS_MM = {"A5": {"top": 11.0, "bottom": 13.0, "inner": 17.0, "outer": 9.0},
              "A4": {"top": 14.0, "bottom": 16.0, "inner": 22.0, "outer": 12.0}}
PRINTER_EDGE_MM = 5.0
BODY_PT = {"A5": 8.0, "A4": 10.0}
RULE_COLOUR = QColor(90, 90, 90)
LIGHT_RULE = QColor(170, 170, 170)

LEFT = Qt.AlignmentFlag.AlignLeft
CENTRE = Qt.AlignmentFlag.AlignHCenter
RIGHT = Qt.AlignmentFlag.AlignRight


@dataclass
class TextItem:
    rect: QRectF
    text: str
    font: QFont
    align: Qt.AlignmentFlag = LEFT
    colour: QColor = field(default_factory=lambda: QColor(0, 0, 0))


@dataclass
class VerticalItem:
    """Traditional Mongolian set top to bottom (painted by vertical_text.paint_vertical)."""

    rect: QRectF
    lines: list[str]
    font: QFont


@dataclass
class BoxItem:
    rect: QRectF
    fill: QColor | None = None
    border_pt: float = 0.0
    colour: QColor = field(default_factory=lambda: QColor(RULE_COLOUR))


@dataclass
class LineItem:
    start: QPointF
    end: QPointF
    width_pt: float = 0.5
    colour: QColor = field(default_factory=lambda: QColor(RULE_COLOUR))


@dataclass
class ChartItem:
    rect: QRectF
    indicator: str
    sex: str
    points: list[tuple[float, float]]


Item = TextItem | VerticalItem | BoxItem | LineItem | ChartItem


@dataclass
class PageLayout:
    """One laid-out page: *key* names it stably across prints (for "changed since the
    last print"), *content_hash* digests the data it shows (not its page number)."""

    key: str
    title: str
    content_hash: str
    number: int
    page: QRectF
    printable: QRectF  # what a printer can reach: the page less a 5 mm edge
    body: QRectF       # inside the margins (binding side wider); the footer lies below it
    items: list[Item] = field(default_factory=list)

    def text_boxes(self) -> list[QRectF]:
        return [i.rect for i in self.items if isinstance(i, TextItem | VerticalItem)]


def content_hash(content: Any) -> str:
    """A short digest of what a page shows (any JSON-able value; dates as text)."""
    blob = json.dumps(content, ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(blob.encode()).hexdigest()[:20]


class Sheet:
    """The geometry of pages of one size on one device, and text measured on it."""

    def __init__(self, device: QPaintDevice, size: str) -> None:
        if size not in PAGE_SIZES_MM:
            raise ValueError(f"page size must be one of {sorted(PAGE_SIZES_MM)}")
        fonts.load_fonts()
        self.device = device
        self.size = size
        self.dpi = float(device.logicalDpiY())
        width_mm, height_mm = PAGE_SIZES_MM[size]
        self.page = QRectF(0, 0, self.mm(width_mm), self.mm(height_mm))
        self.body_pt = BODY_PT[size]
        self._fonts: dict[tuple[str, float, bool], QFont] = {}

    def mm(self, millimetres: float) -> float:
        return millimetres * self.dpi / MM_PER_INCH

    def pt(self, points: float) -> float:
        return points * self.dpi / 72.0

    def reachable(self) -> QRectF:
        """The part of the page any printer reaches (5 mm from each edge)."""
        edge = self.mm(PRINTER_EDGE_MM)
        return self.page.adjusted(edge, edge, -edge, -edge)

    def printable(self, number: int) -> QRectF:
        """The area inside the margins of page *number* (1-based; odd pages are recto,
        bound on the left)."""
        m = MARGINS_MM[self.size]
        left, right = (m["inner"], m["outer"]) if number % 2 == 1 else (m["outer"], m["inner"])
        return QRectF(self.page.left() + self.mm(left), self.page.top() + self.mm(m["top"]),
                      self.page.width() - self.mm(left + right),
                      self.page.height() - self.mm(m["top"] + m["bottom"]))

    def footer_rect(self, number: int) -> QRectF:
        body = self.printable(number)
        gap = self.mm(2)
        return QRectF(body.left(), body.bottom() + gap, body.width(),
                      self.mm(MARGINS_MM[self.size]["bottom"]) - 2 * gap)

    # -- fonts and measuring -------------------------------------------------------------
    def font(self, scale: float = 1.0, bold: bool = False, mongolian: bool = False) -> QFont:
        kind = "mn" if mongolian else "zh"
        key = (kind, round(self.body_pt * scale, 2), bold)
        if key not in self._fonts:
            make = fonts.mongolian_font if mongolian else fonts.chinese_font
            self._fonts[key] = make(key[1], self.device, bold)
        return self._fonts[key]

    def line_height(self, font: QFont) -> float:
        return QFontMetricsF(font, self.device).height()

    def text_height(self, text: str, font: QFont, width: float) -> float:
        """Height in device px of *text* wrapped to *width* (never less than one line)."""
        layout = make_text_layout(text, font, self.device, width)
        lines = layout.lineCount()
        if lines == 0:
            return self.line_height(font)
        last = layout.lineAt(lines - 1)
        return max(last.y() + last.height(), self.line_height(font))

    def text_width(self, text: str, font: QFont) -> float:
        return QFontMetricsF(font, self.device).horizontalAdvance(text)

    def elided(self, text: str, font: QFont, width: float) -> str:
        return QFontMetricsF(font, self.device).elidedText(
            text, Qt.TextElideMode.ElideRight, width)

    def vertical_fit(self, text: str, height: float, scale: float = 1.3
                     ) -> tuple[list[str], QFont, QRectF] | None:
        """Mongolian *text* as one vertical column no longer than *height*: the lines,
        font and size; the font shrinks to fit, None when it cannot (or nothing is left
        after Han and Latin letters are removed)."""
        cleaned = vertical_text_only(text)
        if not cleaned:
            return None
        while scale >= 0.7:
            font = self.font(scale, mongolian=True)
            size = vertical_size([cleaned], font, self.device)
            if size.height() <= height:
                return [cleaned], font, QRectF(0, 0, size.width(), size.height())
            scale -= 0.1
        return None


def make_text_layout(text: str, font: QFont, device: QPaintDevice, width: float
                     ) -> QTextLayout:
    """*text* laid out in lines of *width* device px on *device* (kept for drawing)."""
    layout = QTextLayout(text, font, device)
    option = QTextOption()
    option.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
    layout.setTextOption(option)
    layout.beginLayout()
    y = 0.0
    while True:
        line = layout.createLine()
        if not line.isValid():
            break
        line.setLineWidth(max(1.0, width))
        line.setPosition(QPointF(0, y))
        y += line.height()
    layout.endLayout()
    return layout


@dataclass
class Column:
    header: str
    width: float  # a share of the table width (shares are normalised)
    align: Qt.AlignmentFlag = CENTRE


def normalised(columns: Sequence[Column], total: float) -> list[float]:
    shares = sum(c.width for c in columns)
    return [c.width / shares * total for c in columns]
