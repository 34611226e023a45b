"""What every maternal form shares: fields with a message beside each, a pre-check that
separates errors (refuse) from warnings (confirm), saving through the Session facade, and
keeping everything typed when a save fails.

Keyboard: fields are in tab order as they are added; Enter in any one-line field saves
(the Save button is the dialog's default); Esc cancels. A form whose pre-check finds only
warnings shows them and turns Save into "Confirm and save": pressing it again (with nothing
changed) saves.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import date
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.issues import ValidationIssue
from desktop.errors import AppError
from desktop.i18n import N_, _
from desktop.i18n.messages import issue_text
from desktop.services.errors import ValidationError
from desktop.ui.errors import show_error
from desktop.ui.widgets.base import Retranslatable
from desktop.ui.widgets.text_fields import NameLineEdit

ERROR_STYLE = "color: #b00020;"
WARNING_STYLE = "color: #8a4b00;"
# The hint in an empty date field, in the words of the interface (年-月-日 in Chinese).
DATE_HINT = N_("YYYY-MM-DD")


def today() -> date:
    """Today's local date (forms check and save against it)."""
    return date.today()


class IssueLabel(QLabel):
    """The message beside one field: red for an error, brown for a warning; hidden empty."""

    def __init__(self, object_name: str) -> None:
        super().__init__()
        self.setObjectName(object_name)
        self.setWordWrap(True)
        self.severity = ""
        self.hide()

    def show_issues(self, issues: list[ValidationIssue]) -> None:
        if not issues:
            self.clear_issue()
            return
        error = any(i.is_error for i in issues)
        self.severity = "error" if error else "warning"
        self.setStyleSheet(ERROR_STYLE if error else WARNING_STYLE)
        shown = [i for i in issues if i.is_error] if error else issues
        self.setText("\n".join(dict.fromkeys(issue_text(i) for i in shown)))
        self.show()

    def clear_issue(self) -> None:
        self.severity = ""
        self.setText("")
        self.hide()


class FormDialog(Retranslatable, QDialog):
    """Base of the maternal forms. Subclasses add fields in __init__, then call
    ``finish()``, and implement ``collect``, ``submit`` and (optionally) ``precheck``.

    ``saved(changes)`` is emitted after a successful save; ``changes`` keeps the result.
    """

    saved = Signal(object)

    def __init__(self, session: Any, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.name = name
        self.setObjectName(f"{name}_dialog")
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.fields: dict[str, QWidget] = {}
        self.issue_labels: dict[str, IssueLabel] = {}
        self._labels: list[tuple[QLabel, str]] = []
        self._order: list[QWidget] = []
        self._confirmed: dict[str, Any] | None = None
        self.changes: Any = None
        self.banner = QLabel(objectName=f"{name}_message")
        self.banner.setWordWrap(True)
        self.banner.hide()
        self.save_button = QPushButton(objectName=f"{name}_save")
        self.save_button.setDefault(True)
        self.save_button.setAutoDefault(True)
        self.save_button.clicked.connect(self.save)
        self.cancel_button = QPushButton(objectName=f"{name}_cancel")
        self.cancel_button.setAutoDefault(False)
        self.cancel_button.clicked.connect(self.reject)
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)

    # -- building ---------------------------------------------------------------------------
    def _label(self, text: str, form: QFormLayout | None = None,
               field: QWidget | None = None, issue: IssueLabel | None = None) -> None:
        label = QLabel()
        self._labels.append((label, text))
        column = QVBoxLayout()
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(1)
        if field is not None:
            label.setBuddy(field)
            column.addWidget(field)
        if issue is not None:
            column.addWidget(issue)
        holder = QWidget()
        holder.setLayout(column)
        (form or self.form).addRow(label, holder)

    def add_field(self, name: str, label: str, widget: QWidget,
                  form: QFormLayout | None = None) -> QWidget:
        """Add *widget* as field *name* (objectName *name*) with its label msgid and its
        message label (objectName *name*_error)."""
        widget.setObjectName(name)
        issue = IssueLabel(f"{name}_error")
        self.fields[name] = widget
        self.issue_labels[name] = issue
        self._order.append(widget)
        self._label(label, form, widget, issue)
        return widget

    def add_line(self, name: str, label: str, placeholder: str = "", width: int = 0,
                 form: QFormLayout | None = None) -> QLineEdit:
        field = QLineEdit()
        field.setMaxLength(500)
        if placeholder:
            field.setProperty("placeholder", placeholder)  # a msgid or an example value
        if width:
            field.setMaximumWidth(width)
        self.add_field(name, label, field, form)
        return field

    def add_date(self, name: str, label: str, value: date | None = None,
                 form: QFormLayout | None = None) -> QLineEdit:
        field = self.add_line(name, label, DATE_HINT, 160, form)
        if value is not None:
            field.setText(value.isoformat())
        return field

    def add_name(self, name: str, label: str, form: QFormLayout | None = None
                 ) -> NameLineEdit:
        field = NameLineEdit()
        self.add_field(name, label, field, form)
        issue = self.issue_labels[name]
        field.problem_changed.connect(
            lambda text, i=issue: (i.setStyleSheet(ERROR_STYLE), i.setText(text),
                                   i.setVisible(bool(text))))
        return field

    def add_combo(self, name: str, label: str, choices: Mapping[str, str],
                  blank: bool = True, form: QFormLayout | None = None) -> QComboBox:
        """A choice of codes; *choices* maps code → msgid (translated in retranslate)."""
        combo = QComboBox()
        combo.setProperty("choices", dict(choices))
        combo.setProperty("blank", blank)
        self.add_field(name, label, combo, form)
        return combo

    def add_check(self, name: str, label: str, form: QFormLayout | None = None) -> QCheckBox:
        box = QCheckBox()
        self.add_field(name, label, box, form)
        return box

    def finish(self, body: QWidget | None = None) -> None:
        """Lay out the form (or *body*), the message banner and the buttons; set tab order."""
        layout = QVBoxLayout(self)
        if body is None:
            holder = QWidget()
            holder.setLayout(self.form)
            body = holder
        layout.addWidget(body, 1)
        layout.addWidget(self.banner)
        # The platform's order, as in the child-health forms (Save first on Windows).
        buttons = QDialogButtonBox()
        buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.cancel_button, QDialogButtonBox.ButtonRole.RejectRole)
        layout.addWidget(buttons)
        chain = [*self._order, self.save_button, self.cancel_button]
        for first, second in zip(chain, chain[1:], strict=False):
            QWidget.setTabOrder(first, second)
        if self._order:
            self._order[0].setFocus()
        self.retranslate()

    def retranslate(self) -> None:
        for label, text in self._labels:
            label.setText(_(text))
        for widget in self.fields.values():
            if isinstance(widget, QComboBox) and widget.property("choices") is not None:
                self._fill_combo(widget)
            if isinstance(widget, QLineEdit) and widget.property("placeholder"):
                widget.setPlaceholderText(_(str(widget.property("placeholder"))))
        self.cancel_button.setText(_("Cancel"))
        self._set_save_text()
        self.retranslate_form()

    def retranslate_form(self) -> None:
        """Subclasses set their title and other texts here."""

    def _fill_combo(self, combo: QComboBox) -> None:
        current = combo.currentData()
        combo.blockSignals(True)
        combo.clear()
        if combo.property("blank"):
            combo.addItem("", None)
        for code, text in dict(combo.property("choices")).items():
            combo.addItem(_(text), code)
        index = combo.findData(current) if current is not None else 0
        combo.setCurrentIndex(max(0, index))
        combo.blockSignals(False)

    def _set_save_text(self) -> None:
        self.save_button.setText(_("Confirm and save") if self._confirmed is not None
                                 else _("Save"))

    # -- values -----------------------------------------------------------------------------
    def value(self, name: str) -> Any:
        """What field *name* holds: text as typed (names NFC), a code, or a bool."""
        widget = self.fields[name]
        if isinstance(widget, NameLineEdit):
            return widget.value()
        if isinstance(widget, QLineEdit):
            return widget.text()
        if isinstance(widget, QComboBox):
            return widget.currentData()
        if isinstance(widget, QCheckBox):
            return widget.isChecked()
        raise TypeError(name)

    def set_value(self, name: str, value: Any) -> None:
        widget = self.fields[name]
        if isinstance(widget, QLineEdit):
            widget.setText("" if value is None else str(value))
        elif isinstance(widget, QComboBox):
            widget.setCurrentIndex(max(0, widget.findData(value)))
        elif isinstance(widget, QCheckBox):
            widget.setChecked(bool(value))

    def text_values(self, names: Iterable[str]) -> dict[str, Any]:
        """Field values for the service; blank text is left out."""
        out: dict[str, Any] = {}
        for name in names:
            value = self.value(name)
            if isinstance(value, str):
                value = value.strip()
            if value not in (None, ""):
                out[name] = value
        return out

    # -- to override ------------------------------------------------------------------------
    def collect(self) -> dict[str, Any]:
        raise NotImplementedError

    def precheck(self, values: dict[str, Any]) -> list[ValidationIssue]:
        """Issues found before saving (pure checks); the service checks again."""
        return []

    def submit(self, values: dict[str, Any]) -> Any:
        raise NotImplementedError

    def after_save(self, changes: Any) -> None:
        """Called after a save (default: close the dialog)."""
        self.accept()

    # -- saving -----------------------------------------------------------------------------
    def clear_issues(self) -> None:
        for label in self.issue_labels.values():
            label.clear_issue()
        self.banner.hide()

    def show_banner(self, text: str, error: bool = True) -> None:
        self.banner.setStyleSheet(ERROR_STYLE if error else WARNING_STYLE)
        self.banner.setText(text)
        self.banner.show()

    def field_for(self, issue_field: str) -> str | None:
        """The form field an issue belongs to (subclasses map service names here)."""
        return issue_field if issue_field in self.issue_labels else None

    def show_issues(self, issues: list[ValidationIssue]) -> None:
        """Each message beside its field; the rest in the banner. Focus goes to the first
        field with an error (or warning)."""
        by_field: dict[str, list[ValidationIssue]] = {}
        loose: list[ValidationIssue] = []
        for issue in issues:
            name = self.field_for(issue.field)
            if name is None:
                loose.append(issue)
            else:
                by_field.setdefault(name, []).append(issue)
        for name, found in by_field.items():
            self.issue_labels[name].show_issues(found)
        errors = [i for i in issues if i.is_error]
        if errors:
            text = _("Some fields need correcting before this can be saved. Nothing was "
                     "saved.")
        else:
            text = _("{count} values are unusual. Check them, then confirm to save.",
                     count=len(issues))
        extra = [issue_text(i) for i in loose if i.is_error or not errors]
        self.show_banner("\n".join([text, *dict.fromkeys(extra)]), bool(errors))
        first = next((n for n in self.fields if n in by_field
                      and any(i.is_error for i in by_field[n]) == bool(errors)), None)
        if first is not None:
            self.fields[first].setFocus()

    def save(self) -> None:
        """Check, ask for confirmation of warnings, save; on failure keep everything."""
        self.clear_issues()
        values = self.collect()
        issues = self.precheck(values)
        if any(i.is_error for i in issues):
            self._confirmed = None
            self._set_save_text()
            self.show_issues(issues)
            return
        if issues and self._confirmed != values:
            self._confirmed = values
            self._set_save_text()
            self.show_issues(issues)
            return
        try:
            changes = self.submit(values)
        except ValidationError as exc:
            self._confirmed = None
            self._set_save_text()
            self.show_issues(exc.issues)
            return
        except AppError as exc:
            self.show_banner(_("Nothing was saved."))
            show_error(self, exc)
            return
        except Exception as exc:  # noqa: BLE001 - a bug: logged, told, nothing lost
            self.show_banner(_("Nothing was saved."))
            show_error(self, exc)
            return
        if changes is None:
            return  # the form asked the user something first (e.g. possible duplicates)
        self._confirmed = None
        self.changes = changes
        self.saved.emit(changes)
        self.after_save(changes)


def whole_number(values: dict[str, Any], name: str, issues: list[ValidationIssue],
                 maximum: int = 20) -> None:
    """Turn the text in values[*name*] into an int in place (full-width digits too), or
    record an issue for the field; blank is left out."""
    import unicodedata

    text = str(values.pop(name, "") or "").strip()
    if not text:
        return
    folded = unicodedata.normalize("NFKC", text)
    if not folded.isdigit():
        issues.append(ValidationIssue(name, "validation.number_not_whole"))
        return
    number = int(folded)
    if number > maximum:
        issues.append(ValidationIssue(name, "validation.value_too_high",
                                      {"maximum": maximum, "value": number}))
        return
    values[name] = number


def run_and_keep(dialog: FormDialog, call: Callable[[], Any]) -> Any:
    """Run *call*; an AppError is shown and None returned (used by small actions)."""
    try:
        return call()
    except AppError as exc:
        show_error(dialog, exc)
        return None
