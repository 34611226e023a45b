"""A page that a later version fills: says so plainly, in the user's language."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from desktop.i18n import _
from desktop.ui.widgets.base import Retranslatable


class ComingSoonPage(Retranslatable, QWidget):
    def __init__(self, key: str, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(f"page_{key}")
        self._title_msgid = title
        self.heading = QLabel(objectName=f"page_{key}_title")
        font = QFont(self.heading.font())
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        self.heading.setFont(font)
        self.note = QLabel(objectName=f"page_{key}_note")
        self.note.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.note)
        layout.addStretch(1)
        layout.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.retranslate()

    def retranslate(self) -> None:
        self.heading.setText(_(self._title_msgid))
        self.note.setText(_("This part of Eke is coming in a later version."))
