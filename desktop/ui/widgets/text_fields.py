"""Text fields for names and other free text that forms store.

NameLineEdit keeps what the user typed (NFC only: U+202F and variation selectors stay, see
desktop.domain.mongolian.normalise_input), limits the length, and tells the user at once when
the text holds Menksoft private-use codes (from the old Menksoft input method or pasted from
documents made with it), which no Unicode font shows and no search finds.

`install_pua_check(app)` adds the same check to every QLineEdit / QPlainTextEdit /
QTextEdit of the application (paste and typing), for fields that are not NameLineEdits.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit, QPlainTextEdit, QTextEdit, QWidget

from desktop.domain.mongolian import menksoft_pua, normalise_input
from desktop.i18n import N_, _
from desktop.ui.fonts import ui_font

PUA_MESSAGE = N_("This text contains characters of the old Menksoft input method, which "
                 "other programs cannot show or search. Please type it again with a Unicode "
                 "Mongolian input method.")
TOO_LONG_MESSAGE = N_("At most {count} characters.")
DEFAULT_MAX_LENGTH = 64


def pua_message() -> str:
    """The translated warning about Menksoft private-use characters."""
    return _(PUA_MESSAGE)


class NameLineEdit(QLineEdit):
    """A one-line field for names: NFC, a length limit, a Menksoft PUA warning.

    `problem_changed(str)` carries the translated message ("" when the text is fine);
    `problem()` returns it. `value()` is the text to store (NFC, ends stripped).
    """

    problem_changed = Signal(str)

    def __init__(self, parent: QWidget | None = None, object_name: str = "",
                 max_length: int = DEFAULT_MAX_LENGTH) -> None:
        super().__init__(parent)
        if object_name:
            self.setObjectName(object_name)
        self.setFont(ui_font(self.font()))
        self.setMaxLength(max_length)
        self._problem_code = ""
        self.textChanged.connect(self._check)

    def value(self) -> str:
        return normalise_input(self.text()).strip()

    def has_legacy_codes(self) -> bool:
        return bool(menksoft_pua(self.text()))

    def problem(self) -> str:
        if self._problem_code == "pua":
            return pua_message()
        if self._problem_code == "long":
            return _(TOO_LONG_MESSAGE, count=self.maxLength())
        return ""

    def _check(self, text: str) -> None:
        normal = normalise_input(text)
        if normal != text:
            position = self.cursorPosition()
            self.blockSignals(True)  # one textChanged for one edit
            self.setText(normal)
            self.blockSignals(False)
            self.setCursorPosition(min(position, len(normal)))
        code = "pua" if menksoft_pua(normal) else (
            "long" if len(normal) >= self.maxLength() else "")
        if code != self._problem_code:
            self._problem_code = code
            self.setToolTip(self.problem())
            self.setStyleSheet("border: 1px solid #b00020;" if code == "pua" else "")
            self.problem_changed.emit(self.problem())

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.LanguageChange and self._problem_code:
            self.setToolTip(self.problem())
            self.problem_changed.emit(self.problem())
        super().changeEvent(event)


class PuaWarningFilter(QObject):
    """Application-wide: after a paste or typing into any text field, warn (once per field
    and text) in a small tooltip-like label when Menksoft private-use codes appear."""

    warned = Signal(QWidget)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._watched: set[int] = set()
        self.label = QLabel(objectName="pua_warning")
        self.label.setWindowFlags(Qt.WindowType.ToolTip)
        self.label.setWordWrap(True)
        self.label.setMaximumWidth(420)
        self.label.setStyleSheet("background: #fff4e5; color: #7a2e00; padding: 6px;"
                                 "border: 1px solid #b00020;")
        self.hide_timer = QTimer(self, objectName="pua_warning_timer")
        self.hide_timer.setSingleShot(True)
        self.hide_timer.setInterval(8000)
        self.hide_timer.timeout.connect(self.label.hide)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() in (QEvent.Type.FocusIn, QEvent.Type.Show) and isinstance(
                watched, (QLineEdit, QPlainTextEdit, QTextEdit)) \
                and not isinstance(watched, NameLineEdit) and id(watched) not in self._watched:
            self._watch(watched)
        return False

    def _watch(self, field: QWidget) -> None:
        key = id(field)
        self._watched.add(key)
        field.destroyed.connect(lambda *_a: self._watched.discard(key))
        if isinstance(field, QLineEdit):
            field.textChanged.connect(lambda text, f=field: self.check(f, text))
        else:
            field.textChanged.connect(
                lambda f=field: self.check(f, f.toPlainText()))  # type: ignore[attr-defined]

    def check(self, field: QWidget, text: str) -> bool:
        """Show the warning next to *field* when *text* holds PUA codes; returns that."""
        if not menksoft_pua(text):
            return False
        self.label.setText(pua_message())
        self.label.setFont(ui_font(field.font()))
        self.label.adjustSize()
        self.label.move(field.mapToGlobal(field.rect().bottomLeft()))
        self.label.show()
        self.hide_timer.start()
        self.warned.emit(field)
        return True


_filter: PuaWarningFilter | None = None


def install_pua_check(app: QApplication) -> PuaWarningFilter:
    """Watch every text field of *app* for Menksoft codes (once per process)."""
    global _filter
    if _filter is None:
        _filter = PuaWarningFilter(app)
        app.installEventFilter(_filter)
    return _filter
