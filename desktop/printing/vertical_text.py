"""Vertical traditional Mongolian: one painter for the screen widgets and for print.

Qt has no vertical writing mode, but HarfBuzz shapes Mongolian correctly in a horizontal
line. So each line is shaped horizontally with a QTextLayout built ON THE PAINT DEVICE
(a printer or QPdfWriter otherwise gets screen-sized text), then the painter is moved by
the column width and rotated +90° so the line reads top to bottom. Rotating −90° would read
bottom to top. Line k goes into column k counted from the LEFT (Mongolian columns run left
to right; rotating a whole multi-line layout would put line 0 on the right).

Chinese and Latin letters would lie on their side in a rotated line, so they are removed
from vertical text (`vertical_text_only`); such text belongs in a horizontal widget.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

from PySide6.QtCore import QPointF, QRectF, QSizeF
from PySide6.QtGui import QFont, QFontMetricsF, QPaintDevice, QPainter, QTextLayout

# Besides the Mongolian block: what a vertical Mongolian line may contain. Digits lie on
# their side in vertical Mongolian as in print; suffix joiners and shaping controls stay.
_ALLOWED_EXTRA = frozenset(" \u202f\u200c\u200d\u00a00123456789.,:;!?()-–—…/«»\"'%")


def is_vertical_char(ch: str) -> bool:
    return "\u1800" <= ch <= "\u18af" or ch in _ALLOWED_EXTRA


def vertical_text_only(text: str) -> str:
    """*text* without what cannot stand in a rotated line (Han, Latin letters, others).

    Spaces left doubled by a removed word are merged; the ends are stripped.
    """
    kept = "".join(ch for ch in unicodedata.normalize("NFC", text) if is_vertical_char(ch))
    return " ".join(part for part in kept.split(" ") if part).strip()


def _layout(text: str, font: QFont, device: QPaintDevice | None) -> QTextLayout:
    """One horizontal line of *text*, shaped with *font* at *device*'s resolution."""
    layout = QTextLayout(text, font, device) if device is not None else QTextLayout(text, font)
    layout.setCacheEnabled(True)
    layout.beginLayout()
    line = layout.createLine()
    line.setLineWidth(1e7)  # one unbroken line: vertical lines never wrap here
    line.setPosition(QPointF(0, 0))
    layout.endLayout()
    return layout


def _line_length(text: str, font: QFont, device: QPaintDevice | None) -> float:
    layout = _layout(text, font, device)  # kept alive: a QTextLine dies with its layout
    return layout.lineAt(0).naturalTextWidth()


def column_width(font: QFont, device: QPaintDevice | None = None) -> float:
    """The width of one vertical column (the font's line spacing on *device*), in device px."""
    metrics = QFontMetricsF(font, device) if device is not None else QFontMetricsF(font)
    return metrics.lineSpacing()


def vertical_size(lines: Sequence[str], font: QFont,
                  device: QPaintDevice | None = None) -> QSizeF:
    """Size in device pixels of *lines* set vertically: the horizontal size transposed."""
    if not lines:
        return QSizeF(0, 0)
    pitch = column_width(font, device)
    length = max(_line_length(line, font, device) for line in lines)
    return QSizeF(pitch * len(lines), length)


def paint_vertical(painter: QPainter, where: QPointF | QRectF, lines: Sequence[str],
                   font: QFont) -> QSizeF:
    """Paint *lines* top to bottom, line k in column k from the left; returns the size used.

    *where* is the top-left corner, or a rectangle whose top-left corner is used (the text
    is not scaled to it; see vertical_size). Shapes on painter.device(); leaves the
    painter's state as it found it.
    """
    origin = where.topLeft() if isinstance(where, QRectF) else QPointF(where)
    device = painter.device()
    pitch = column_width(font, device)
    longest = 0.0
    painter.save()
    try:
        painter.setFont(font)
        for index, text in enumerate(lines):
            layout = _layout(text, font, device)
            line = layout.lineAt(0)
            longest = max(longest, line.naturalTextWidth())
            painter.save()
            # Column k: its left edge at k * pitch; after +90° the line's top faces right,
            # so the origin moves to the column's right edge.
            painter.translate(origin.x() + (index + 1) * pitch, origin.y())
            painter.rotate(90)
            # Centre the glyphs' line box in the column when lineSpacing > ascent + descent.
            layout.draw(painter, QPointF(0, (pitch - line.height()) / 2))
            painter.restore()
    finally:
        painter.restore()
    return QSizeF(pitch * len(lines), longest)
