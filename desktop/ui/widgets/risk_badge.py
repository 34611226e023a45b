"""The risk colour badge: one rounded pill per colour (purple together with another colour
shows both, design §8), drawn the same way in a record header (RiskBadge) and on every list
row (RiskBadgeDelegate, which reads the colour codes from COLOURS_ROLE of the index).

Each pill carries the colour's name as text too, so the grade never depends on telling
colours apart (colour-blind users, grey printouts).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QColor, QFontMetrics, QPainter, QPaintEvent
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from desktop.i18n.risk_texts import colour_text

COLOURS_ROLE = Qt.ItemDataRole.UserRole + 7
"""Item data role holding a tuple of colour codes for RiskBadgeDelegate."""

# Fill and text colour of each grade (WCAG AA contrast of text on fill).
PALETTE: dict[str, tuple[str, str]] = {
    "green": ("#2e7d32", "#ffffff"),
    "yellow": ("#f9d74a", "#3d3000"),
    "orange": ("#e65100", "#ffffff"),
    "red": ("#c62828", "#ffffff"),
    "purple": ("#6a1b9a", "#ffffff"),
}
ORDER = ("red", "orange", "yellow", "green", "purple")
PAD_X, PAD_Y, GAP = 8, 2, 4


def ordered(colours: Iterable[str]) -> tuple[str, ...]:
    """Known colour codes, most severe first and purple last, without repeats."""
    given = set(colours)
    return tuple(c for c in ORDER if c in given)


def _pill_width(metrics: QFontMetrics, colour: str) -> int:
    return metrics.horizontalAdvance(colour_text(colour)) + 2 * PAD_X


def badges_size(metrics: QFontMetrics, colours: Sequence[str]) -> QSize:
    widths = [_pill_width(metrics, c) for c in ordered(colours)]
    width = sum(widths) + GAP * max(0, len(widths) - 1)
    return QSize(width, metrics.height() + 2 * PAD_Y)


def paint_badges(painter: QPainter, rect: QRect, colours: Sequence[str]) -> None:
    """Draw the pills of *colours* left to right, vertically centred in *rect*."""
    metrics = painter.fontMetrics()
    height = metrics.height() + 2 * PAD_Y
    x = rect.left()
    y = rect.top() + max(0, (rect.height() - height) // 2)
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    for colour in ordered(colours):
        fill, ink = PALETTE[colour]
        width = _pill_width(metrics, colour)
        pill = QRect(x, y, width, height)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(fill))
        painter.drawRoundedRect(pill, height / 2, height / 2)
        painter.setPen(QColor(ink))
        painter.drawText(pill, Qt.AlignmentFlag.AlignCenter, colour_text(colour))
        x += width + GAP
    painter.restore()


class RiskBadge(QWidget):
    """The colour pills of one woman (record header); empty when there is no grade."""

    def __init__(self, parent: QWidget | None = None, object_name: str = "risk_badge") -> None:
        super().__init__(parent)
        self.setObjectName(object_name)
        self._colours: tuple[str, ...] = ()

    def colours(self) -> tuple[str, ...]:
        return self._colours

    def set_colours(self, colours: Iterable[str]) -> None:
        self._colours = ordered(colours)
        self.setToolTip(" + ".join(colour_text(c) for c in self._colours))
        self.updateGeometry()
        self.update()

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return badges_size(self.fontMetrics(), self._colours).expandedTo(QSize(1, 1))

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return self.sizeHint()

    def paintEvent(self, _event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        painter = QPainter(self)
        paint_badges(painter, self.rect(), self._colours)
        painter.end()


class RiskBadgeDelegate(QStyledItemDelegate):
    """Paints the colours stored under COLOURS_ROLE as pills (list rows)."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        colours = index.data(COLOURS_ROLE) or ()
        style = option.widget.style() if option.widget is not None else None
        if style is not None:
            # Selection and focus background as any other cell, without the text.
            opt = QStyleOptionViewItem(option)
            self.initStyleOption(opt, index)
            opt.text = ""
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter,
                              option.widget)
        painter.save()
        painter.setFont(option.font)
        paint_badges(painter, option.rect.adjusted(4, 0, -4, 0), tuple(colours))
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem,  # noqa: N802 - Qt override
                 index: QModelIndex | QPersistentModelIndex) -> QSize:
        colours = index.data(COLOURS_ROLE) or ()
        size = badges_size(QFontMetrics(option.font), tuple(colours))
        return QSize(size.width() + 8, size.height() + 4)
