"""What every child-health form shares: fields with their message underneath, saving off
the GUI thread, errors beside the fields, warnings confirmed by a second Save, and
nothing typed ever cleared by a failure.

A form subclass builds its fields with `add_field`, returns the service call in
`save_op(confirmed)` and shows the outcome in `saved_ok(result)`. Field names are the
service's field names (ValidationIssue.field), so an issue finds its field by name.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from datetime import date
from typing import Any

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.issues import WARNING
from desktop.errors import AppError
from desktop.i18n import N_, _
from desktop.i18n.child_texts import INDICATORS, code_text
from desktop.i18n.messages import issue_text
from desktop.ui.errors import log_exception, message_for
from desktop.ui.tasks import run_task
from desktop.ui.widgets.base import BusyBar, FieldError, Retranslatable

NOT_RECORDED = N_("— not recorded —")
SAVE = N_("Save")
CONFIRM_SAVE = N_("Confirm and save")
CLOSE = N_("Close")
CANCEL = N_("Cancel")
WARNINGS_INTRO = N_("Some values are unusual. Check the marked fields; if they are right, "
                    "press “Confirm and save”.")
ERRORS_INTRO = N_("Nothing was saved. Correct the marked fields.")
WARNING_STYLE = "color: #a05a00;"
ERROR_STYLE = "color: #b00020;"
DATE_FORMAT = "yyyy-MM-dd"
GA_RE = re.compile(r"^\s*(\d{1,2})\s*(?:\+\s*(\d)\s*)?$")


def clean_number(text: str) -> str:
    """What the user typed, NFKC-normalised (full-width digits and points become ASCII,
    the Chinese comma becomes a point); the service reports anything not a number."""
    value = unicodedata.normalize("NFKC", text).strip().replace("，", ".").replace("。", ".")
    return value.replace(",", ".")


def ga_days(text: str) -> int | str:
    """Gestation typed as weeks or weeks+days ("36+2") in days; anything else is returned
    as typed so the service names it as not a number."""
    value = clean_number(text)
    match = GA_RE.match(value)
    if not match:
        return value
    return int(match.group(1)) * 7 + int(match.group(2) or 0)


def qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def pydate(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


def date_edit(name: str, day: date) -> QDateEdit:
    edit = QDateEdit(objectName=name)
    edit.setDisplayFormat(DATE_FORMAT)
    edit.setCalendarPopup(True)
    edit.setDate(qdate(day))
    return edit


def choice_combo(name: str, table: dict[str, str]) -> QComboBox:
    """A combo of translated codes with a first "not recorded" entry (data None)."""
    combo = QComboBox(objectName=name)
    combo.addItem("", None)
    for code in table:
        combo.addItem("", code)
    return combo


def retranslate_combo(combo: QComboBox, table: dict[str, str]) -> None:
    for i in range(combo.count()):
        code = combo.itemData(i)
        combo.setItemText(i, _(NOT_RECORDED) if code is None else _(table.get(code, code)))


class ChildForm(Retranslatable, QDialog):
    """A modal form over one child. Emits `saved(result)` once a save went through."""

    saved = Signal(object)

    def __init__(self, session: Any, child_id: str, name: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.session = session
        self.child_id = child_id
        self.fields: dict[str, QWidget] = {}
        self.errors: dict[str, FieldError] = {}
        self.labels: list[tuple[QLabel, str]] = []
        self.groups: list[tuple[QGroupBox, str]] = []
        self._confirm_pending = False
        self.result_value: Any = None

        self.body = QWidget()
        self.body_layout = QVBoxLayout(self.body)
        scroll = QScrollArea(objectName=f"{name}_scroll")
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.body)
        self.form_error = QLabel(objectName="form_error")
        self.form_error.setWordWrap(True)
        self.form_error.hide()
        self.busy = BusyBar("form_busy")
        self.result_panel = QLabel(objectName="form_result")
        self.result_panel.setWordWrap(True)
        self.result_panel.setTextFormat(Qt.TextFormat.RichText)
        self.result_panel.hide()
        self.buttons = QDialogButtonBox()
        self.save_button = QPushButton(objectName="form_save")
        self.save_button.setDefault(True)  # Enter in any line edit saves
        self.save_button.setAutoDefault(True)
        self.cancel_button = QPushButton(objectName="form_cancel")
        self.cancel_button.setAutoDefault(False)
        self.buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(self.cancel_button, QDialogButtonBox.ButtonRole.RejectRole)
        self.save_button.clicked.connect(self.save)
        self.cancel_button.clicked.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.form_error)
        layout.addWidget(self.result_panel)
        layout.addWidget(self.busy)
        layout.addWidget(self.buttons)
        self.resize(760, 640)

    # -- building ---------------------------------------------------------------------
    def section(self, name: str, title: str) -> QFormLayout:
        box = QGroupBox(objectName=name)
        form = QFormLayout(box)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.body_layout.addWidget(box)
        self.groups.append((box, title))
        return form

    def add_field(self, form: QFormLayout, name: str, widget: QWidget, label: str,
                  error_name: str | None = None) -> QWidget:
        """Add *widget* (the service field *name*) with its label and the message line
        under it; edits forget a pending confirmation."""
        holder = QWidget()
        column = QVBoxLayout(holder)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(1)
        column.addWidget(widget)
        error = FieldError(error_name or f"{name}_error")
        column.addWidget(error)
        caption = QLabel()
        caption.setBuddy(widget)
        form.addRow(caption, holder)
        self.labels.append((caption, label))
        self.fields[name] = widget
        self.errors[name] = error
        self._watch(widget)
        return widget

    def _watch(self, widget: QWidget) -> None:
        signal: Any = None
        if isinstance(widget, QLineEdit):
            signal = widget.textEdited
        elif isinstance(widget, QComboBox):
            signal = widget.currentIndexChanged
        elif isinstance(widget, QDateEdit):
            signal = widget.dateChanged
        elif isinstance(widget, QCheckBox):
            signal = widget.toggled
        elif isinstance(widget, QPlainTextEdit):
            signal = widget.textChanged
        if signal is not None:
            signal.connect(self._edited)

    def _edited(self, *_args: object) -> None:
        if self._confirm_pending:
            self._confirm_pending = False
            self.save_button.setText(_(SAVE))

    def retranslate(self) -> None:
        for label, text in self.labels:
            label.setText(_(text))
        for box, title in self.groups:
            box.setTitle(_(title))
        self.save_button.setText(_(CONFIRM_SAVE) if self._confirm_pending else
                                 _(CLOSE) if self.result_value is not None else _(SAVE))
        self.cancel_button.setText(_(CANCEL))

    # -- values -------------------------------------------------------------------------
    def text(self, name: str) -> str:
        widget = self.fields[name]
        assert isinstance(widget, QLineEdit)
        return clean_number(widget.text())

    def raw(self, name: str) -> str:
        widget = self.fields[name]
        if isinstance(widget, QPlainTextEdit):
            return unicodedata.normalize("NFC", widget.toPlainText()).strip()
        assert isinstance(widget, QLineEdit)
        return unicodedata.normalize("NFC", widget.text()).strip()

    def choice(self, name: str) -> Any:
        widget = self.fields[name]
        assert isinstance(widget, QComboBox)
        return widget.currentData()

    def day(self, name: str) -> date:
        widget = self.fields[name]
        assert isinstance(widget, QDateEdit)
        return pydate(widget.date())

    # -- saving -------------------------------------------------------------------------
    def save_op(self, confirmed: bool) -> Callable[[], Any]:  # pragma: no cover
        """The service call to run off the GUI thread (values read now, on the GUI
        thread)."""
        raise NotImplementedError

    def saved_ok(self, result: Any) -> None:
        """Show what the save found; the default closes the form."""
        self.accept()

    def save(self) -> None:
        if self.result_value is not None:
            self.accept()
            return
        self.clear_issues()
        confirmed = self._confirm_pending
        try:
            op = self.save_op(confirmed)
        except AppError as exc:
            self.show_form_error(message_for(exc))
            return
        self.busy.show()
        self.save_button.setEnabled(False)
        run_task(self, lambda _ctx: op(), self._done, self._failed)

    def _done(self, result: Any) -> None:
        self.busy.hide()
        self.save_button.setEnabled(True)
        self._confirm_pending = False
        self.result_value = result
        self.cancel_button.hide()  # saved: only Close is left
        self.saved.emit(result)
        self.saved_ok(result)
        self.retranslate()

    def _failed(self, exc: BaseException) -> None:
        self.busy.hide()
        self.save_button.setEnabled(True)
        issues = getattr(exc, "issues", None)
        if issues:
            self.show_issues(issues)
            if all(getattr(i, "severity", "error") == WARNING for i in issues):
                self._confirm_pending = True
                self.show_form_error(_(WARNINGS_INTRO), warning=True)
            else:
                self.show_form_error(_(ERRORS_INTRO))
            self.retranslate()
            return
        if not isinstance(exc, AppError):
            log_exception(exc)
        self.show_form_error(message_for(exc))

    def field_for(self, issue_field: str) -> str | None:
        """The form field an issue belongs to (forms override for composite names)."""
        return issue_field if issue_field in self.errors else None

    def show_issues(self, issues: Iterable[Any]) -> None:
        unplaced = []
        first: QWidget | None = None
        messages: dict[str, list[tuple[str, bool]]] = {}
        for issue in issues:
            warning = getattr(issue, "severity", "error") == WARNING
            name = self.field_for(issue.field)
            if name is None:
                unplaced.append(issue_text(issue))
                continue
            text = issue_text(issue)
            indicator = dict(getattr(issue, "params", {}) or {}).get("indicator")
            if indicator:  # several z-scores may rest on one field: name each
                text = f"{code_text(INDICATORS, indicator)}: {text}"
            messages.setdefault(name, []).append((text, warning))
        for name, texts in messages.items():
            error = self.errors[name]
            error.setStyleSheet(WARNING_STYLE if all(w for _t, w in texts) else ERROR_STYLE)
            error.show_message("\n".join(t for t, _w in texts))
            if first is None:
                first = self.fields[name]
        if unplaced:
            self.show_form_error("\n".join(unplaced))
        if first is not None:
            first.setFocus()

    def show_form_error(self, text: str, warning: bool = False) -> None:
        if self.form_error.isVisible() and self.form_error.text() and not warning:
            text = f"{self.form_error.text()}\n{text}" if text not in self.form_error.text() \
                else self.form_error.text()
        self.form_error.setStyleSheet(WARNING_STYLE if warning else ERROR_STYLE)
        self.form_error.setText(text)
        self.form_error.setVisible(bool(text))

    def clear_issues(self) -> None:
        for error in self.errors.values():
            error.clear_message()
        self.form_error.clear()
        self.form_error.hide()

    def show_result(self, html: str) -> None:
        self.result_panel.setText(html)
        self.result_panel.show()
        self.body.setEnabled(False)  # saved: what is shown is what was stored
