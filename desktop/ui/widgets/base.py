"""Small building blocks shared by the views: re-translation on language change, field
error labels and a busy indicator."""

from __future__ import annotations

from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QFormLayout, QLabel, QProgressBar, QWidget


class Retranslatable:
    """Mixin for widgets: calls `retranslate()` whenever the interface language changes.

    Qt delivers QEvent.LanguageChange to every widget of a window (desktop.ui.language
    sends it when desktop.i18n switches), so each view re-sets only its own texts.
    """

    def retranslate(self) -> None:  # pragma: no cover - every view overrides it
        raise NotImplementedError

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)  # type: ignore[misc]


class FieldError(QLabel):
    """The message shown beside (under) a form field; hidden while empty."""

    def __init__(self, object_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(object_name)
        self.setWordWrap(True)
        self.setStyleSheet("color: #b00020;")
        self.hide()

    def show_message(self, text: str) -> None:
        self.setText(text)
        self.setVisible(bool(text))

    def clear_message(self) -> None:
        self.show_message("")


class QuietLabel(QLabel):
    """A label that takes no room while it has nothing to say (a result or progress line
    that is empty most of the time would leave a gap in the page)."""

    def __init__(self, parent: QWidget | None = None, objectName: str = "") -> None:  # noqa: N803
        super().__init__(parent)
        self.setObjectName(objectName)
        self.hide()

    def setText(self, text: str) -> None:  # noqa: N802 - Qt naming
        super().setText(text)
        self.setVisible(bool(text))

    def clear(self) -> None:
        super().clear()
        self.hide()


class BusyBar(QProgressBar):
    """An indeterminate progress bar shown while background work runs."""

    def __init__(self, object_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(object_name)
        self.setRange(0, 0)
        self.setTextVisible(False)
        self.setMaximumHeight(8)
        self.hide()


def add_row(form: QFormLayout, field: QWidget) -> QLabel:
    """Add *field* with its own label (text set later by retranslate); returns the label."""
    label = QLabel()
    label.setBuddy(field)
    form.addRow(label, field)
    return label
