"""Vertical traditional Mongolian on screen: a label, a section header that is vertical only
in the Mongolian interface, and an item delegate for the navigation list.

All painting goes through desktop.printing.vertical_text.paint_vertical, the same painter
the printed pages use. Size hints are the horizontal sizes transposed, so nothing is
clipped. Only Mongolian (with digits and punctuation) is shown rotated: Chinese or Latin
letters would lie on their side, so they are removed (and logged) — put such text in a
horizontal QLabel.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QEvent, QModelIndex, QPersistentModelIndex, QPointF, QSize, Qt
from PySide6.QtGui import QFont, QPainter, QPaintEvent
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QSizePolicy,
    QStackedLayout,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from desktop.i18n import current_language
from desktop.printing.vertical_text import paint_vertical, vertical_size, vertical_text_only
from desktop.ui.fonts import ui_font

log = logging.getLogger(__name__)
MONGOLIAN = "mn_Mong_CN"


def is_vertical_language(language: str | None = None) -> bool:
    """True when the interface shows section headers vertically (traditional Mongolian)."""
    return (language or current_language()) == MONGOLIAN


def _vertical_lines(text: str) -> list[str]:
    lines = [vertical_text_only(line) for line in text.split("\n")]
    if "\n".join(lines) != text:
        # Not an error for the user: the text is still readable, just without that run.
        log.warning("non-Mongolian text removed from a vertical label")
    return [line for line in lines if line]


class VerticalLabel(QWidget):
    """Read-only vertical Mongolian text: lines top to bottom, columns left to right."""

    def __init__(self, text: str = "", parent: QWidget | None = None,
                 object_name: str = "", margin: int = 4) -> None:
        super().__init__(parent)
        if object_name:
            self.setObjectName(object_name)
        self._text = ""
        self._lines: list[str] = []
        self._margin = margin
        self.setFont(ui_font(self.font()))
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Minimum)
        self.setText(text)

    def text(self) -> str:
        """The text shown (what was set, minus what cannot be shown vertically)."""
        return self._text

    def lines(self) -> list[str]:
        return list(self._lines)

    def setText(self, text: str) -> None:  # noqa: N802 - Qt naming, like QLabel
        self._lines = _vertical_lines(text)
        self._text = "\n".join(self._lines)
        self.setAccessibleName(self._text)
        self.updateGeometry()
        self.update()

    def text_size(self) -> QSize:
        size = vertical_size(self._lines, self.font(), self)
        return QSize(int(size.width()) + 1, int(size.height()) + 1)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return self.text_size() + QSize(2 * self._margin, 2 * self._margin)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return self.sizeHint()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.FontChange:
            self.updateGeometry()
        super().changeEvent(event)

    def paintEvent(self, _event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        painter = QPainter(self)
        try:
            painter.setPen(self.palette().color(self.foregroundRole()))
            paint_vertical(painter, QPointF(self._margin, self._margin), self._lines,
                           self.font())
        finally:
            painter.end()


class SectionHeader(QWidget):
    """A page or section heading: a horizontal QLabel in Chinese, a VerticalLabel in
    Mongolian. The owner calls setText() from its retranslate(); the language decides."""

    def __init__(self, parent: QWidget | None = None, object_name: str = "",
                 scale: float = 1.5, bold: bool = True) -> None:
        super().__init__(parent)
        if object_name:
            self.setObjectName(object_name)
        font = ui_font(self.font(), self.font().pointSizeF() * scale)
        font.setBold(bold)
        self.horizontal = QLabel(objectName=f"{object_name}_horizontal" if object_name
                                 else "")
        self.horizontal.setFont(font)
        self.vertical = VerticalLabel(object_name=f"{object_name}_vertical" if object_name
                                      else "")
        self.vertical.setFont(font)
        self._stack = QStackedLayout(self)
        self._stack.setContentsMargins(0, 0, 0, 0)
        self._stack.addWidget(self.horizontal)
        self._stack.addWidget(self.vertical)
        self._text = ""

    def text(self) -> str:
        return self._text

    def setText(self, text: str) -> None:  # noqa: N802 - Qt naming, like QLabel
        self._text = text
        vertical = is_vertical_language()
        if vertical:
            self.vertical.setText(text)
            self.horizontal.clear()
        else:
            self.horizontal.setText(text)
            self.vertical.setText("")
        self._stack.setCurrentWidget(self.vertical if vertical else self.horizontal)
        self.setSizePolicy(QSizePolicy.Policy.Fixed if vertical else QSizePolicy.Policy.Preferred,
                           QSizePolicy.Policy.Preferred if vertical
                           else QSizePolicy.Policy.Fixed)
        self.updateGeometry()

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        current = self._stack.currentWidget()
        return current.sizeHint() if current is not None else QSize()

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return self.sizeHint()


class VerticalItemDelegate(QStyledItemDelegate):
    """Paints item views' texts vertically (the navigation list in Mongolian)."""

    def __init__(self, parent: QWidget | None = None, padding: int = 8) -> None:
        super().__init__(parent)
        self.padding = padding

    def _font(self, option: QStyleOptionViewItem) -> QFont:
        return ui_font(option.font)

    def sizeHint(self, option: QStyleOptionViewItem,  # noqa: N802 - Qt override
                 index: QModelIndex | QPersistentModelIndex) -> QSize:
        lines = _vertical_lines(str(index.data(Qt.ItemDataRole.DisplayRole) or ""))
        size = vertical_size(lines, self._font(option), option.widget)
        return QSize(int(size.width()) + 2 * self.padding + 1,
                     int(size.height()) + 2 * self.padding + 1)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        lines = _vertical_lines(opt.text)
        opt.text = ""  # the style draws selection and focus; the text is ours
        widget = option.widget
        style = widget.style() if widget is not None else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)
        painter.save()
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        role = opt.palette.ColorRole.HighlightedText if selected else opt.palette.ColorRole.Text
        painter.setPen(opt.palette.color(role))
        size = vertical_size(lines, self._font(option), painter.device())
        left = opt.rect.left() + max(self.padding, (opt.rect.width() - size.width()) / 2)
        paint_vertical(painter, QPointF(left, opt.rect.top() + self.padding), lines,
                       self._font(option))
        painter.restore()
