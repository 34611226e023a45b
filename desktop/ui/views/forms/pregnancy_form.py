"""Registering a pregnancy: LMP → EDD and gestational age shown as they are typed, early
ultrasound correction (gestation.corrected_edd), gravidity/parity, obstetric history and the
handbook number.

The same form corrects a registered pregnancy (``pregnancy`` given): it starts from the
stored facts and saves only what the user changed through update_pregnancy, which moves the
EDD and re-grades the risk."""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.gestation import corrected_edd
from desktop.domain.issues import ValidationIssue
from desktop.domain.schedule import ga_days_on, is_early_registration
from desktop.domain.validation import check_pregnancy
from desktop.i18n import N_, _
from desktop.i18n.risk_texts import factor_text
from desktop.i18n.worklist_texts import EDD_METHOD_TEXTS, text
from desktop.ui.models.display import day_text, ga_text
from desktop.ui.views.forms.base import FormDialog, today, whole_number

FIELDS = ("registered_on", "lmp", "us_date", "gravidity", "parity", "fetuses", "height_cm",
          "pre_weight_kg", "handbook_no")
COUNTS = ("previous_caesareans", "uterine_surgeries", "abortions")
HISTORY = ("previous_preterm_birth", "previous_perinatal_death", "previous_birth_defect",
           "previous_ectopic_pregnancy", "previous_trophoblastic_disease",
           "adverse_obstetric_history", "pelvic_surgery_history", "assisted_reproduction")


def parse_ga(text: str) -> int | None:
    """"11+2", "11周2天", "11" (weeks, days) → days; None when it is not such a text."""
    folded = unicodedata.normalize("NFKC", text or "").strip()
    match = re.fullmatch(r"(\d{1,2})\s*(?:\+|周|w)?\s*(?:(\d)\s*(?:天|d)?)?", folded)
    if not match:
        return None
    weeks, days = int(match.group(1)), int(match.group(2) or 0)
    return weeks * 7 + days if days < 7 else None


class TickLabel(QLabel):
    """The words of a history tick, beside its box: they wrap (a QCheckBox's own text
    cannot, and the Mongolian history items are wider than a laptop screen), and a click
    on them ticks the box as a click on a check box's text does."""

    def __init__(self, box: QCheckBox) -> None:
        super().__init__()
        self.box = box
        self.setWordWrap(True)
        self.setBuddy(box)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        if event.button() == Qt.MouseButton.LeftButton and self.box.isEnabled():
            self.box.toggle()
            self.box.setFocus()
        super().mouseReleaseEvent(event)


def _date(text: str) -> date | None:
    try:
        return date.fromisoformat(unicodedata.normalize("NFKC", text or "").strip())
    except ValueError:
        return None


def ga_input(days: Any) -> str:
    """Days → the "weeks+days" text parse_ga reads back; blank for none."""
    if days is None or days == "":
        return ""
    weeks, rest = divmod(int(days), 7)
    return f"{weeks}+{rest}"


def _number_text(value: Any) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


class PregnancyForm(FormDialog):
    """A new pregnancy of *person*, or a correction of *pregnancy* (a stored row)."""

    def __init__(self, session: Any, person: dict, parent: QWidget | None = None,
                 pregnancy: dict | None = None) -> None:
        super().__init__(session, "pregnancy", parent)
        self.person = person
        self.pregnancy = pregnancy
        self._original: dict[str, Any] = {}
        self.add_date("registered_on", N_("Registration date"), today())
        self.add_date("lmp", N_("Last menstrual period (LMP)"))
        self.add_date("us_date", N_("Early ultrasound date (optional)"))
        self.add_line("us_ga", N_("GA at ultrasound (weeks+days)"), "11+2", 120)
        self.preview = QLabel(objectName="edd_preview")
        self.preview.setWordWrap(True)
        self.preview_label = QLabel()
        # Across both columns, the caption above the words: beside the long Mongolian
        # labels the field column is too narrow for the EDD and both GAs.
        preview_row = QWidget()
        row = QVBoxLayout(preview_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(2)
        row.addWidget(self.preview_label)
        row.addWidget(self.preview)
        self.form.addRow(preview_row)
        self.add_line("gravidity", N_("Gravidity (G)"), width=80)
        self.add_line("parity", N_("Parity (P)"), width=80)
        self.add_line("fetuses", N_("Number of fetuses"), "1", 80)
        self.add_line("height_cm", N_("Height (cm)"), width=100)
        self.add_line("pre_weight_kg", N_("Weight before pregnancy (kg)"), width=100)
        self.add_line("handbook_no", N_("Handbook number"), width=260)
        self.add_line("previous_caesareans", N_("Previous caesareans"), "0", 80)
        self.add_line("uterine_surgeries", N_("Other uterine operations"), "0", 80)
        self.add_line("abortions", N_("Abortions and miscarriages"), "0", 80)
        self.history_box = QGroupBox(objectName="history_box")
        grid = QGridLayout(self.history_box)
        self.history: dict[str, QCheckBox] = {}
        self.history_labels: dict[str, TickLabel] = {}
        for n, code in enumerate(HISTORY):
            box = QCheckBox(objectName=f"history_{code}")
            label = TickLabel(box)
            label.setObjectName(f"history_{code}_label")
            cell = QHBoxLayout()
            cell.addWidget(box, 0, Qt.AlignmentFlag.AlignTop)
            cell.addWidget(label, 1, Qt.AlignmentFlag.AlignTop)
            self.history[code] = box
            self.history_labels[code] = label
            grid.addLayout(cell, n // 2, n % 2)
            self._order.append(box)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        for name in ("registered_on", "lmp", "us_date", "us_ga"):
            self.fields[name].textChanged.connect(self.update_preview)
        body = QWidget(objectName="pregnancy_body")
        layout = QVBoxLayout(body)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(self.form)
        layout.addWidget(self.history_box)
        # Scrolls rather than clips when the wrapped Mongolian words need more height than
        # a 768-pixel laptop screen has.
        scroll = QScrollArea(objectName="pregnancy_scroll")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(body)
        self.finish(scroll)
        self.resize(640, 700)
        if pregnancy is not None:
            self.setObjectName("pregnancy_edit_dialog")
            self._fill_from(pregnancy)
            self._original = self.collect()
        self.update_preview()

    @property
    def editing(self) -> bool:
        return self.pregnancy is not None

    def _fill_from(self, pregnancy: dict) -> None:
        for name in FIELDS:
            self.set_value(name, _number_text(pregnancy.get(name)))
        self.set_value("us_ga", ga_input(pregnancy.get("us_ga_days")))
        history = pregnancy.get("history") if isinstance(pregnancy.get("history"), dict) else {}
        for name in COUNTS:
            self.set_value(name, _number_text(history.get(name)))
        for code, box in self.history.items():
            box.setChecked(history.get(code) is True)

    def retranslate_form(self) -> None:
        self.setWindowTitle(_("Edit the pregnancy") if self.editing
                            else _("Register a pregnancy"))
        self.preview_label.setText(_("EDD and GA"))
        self.history_box.setTitle(_("Obstetric history"))
        for code, box in self.history.items():
            self.history_labels[code].setText(factor_text(code))
            box.setAccessibleName(factor_text(code))
        self.update_preview()

    def update_preview(self) -> None:
        """EDD (and its method) and the GA at registration and today, as typed."""
        lmp = _date(self.value("lmp"))
        us_date = _date(self.value("us_date"))
        us_ga = parse_ga(self.value("us_ga"))
        edd, method = corrected_edd(lmp, us_date, us_ga if us_date else None)
        if edd is None:
            self.preview.setText(_("Enter the LMP (or an early ultrasound) to see the EDD."))
            return
        registered = _date(self.value("registered_on")) or today()
        ga_reg = ga_days_on(edd, registered)
        ga_now = ga_days_on(edd, today())
        parts = [_("EDD {date} ({method})", date=day_text(edd.isoformat()),
                   method=text(EDD_METHOD_TEXTS, method))]
        if 0 <= ga_reg <= 44 * 7:
            parts.append(_("GA at registration {ga}", ga=ga_text(ga_reg)))
            if is_early_registration(ga_reg):
                parts.append(_("early registration (before 13 weeks)"))
        if 0 <= ga_now <= 44 * 7:
            parts.append(_("GA today {ga}", ga=ga_text(ga_now)))
        self.preview.setText(" · ".join(parts))

    def collect(self) -> dict[str, Any]:
        values = self.text_values(FIELDS)
        values["_us_ga"] = self.value("us_ga").strip()
        for name in COUNTS:
            values[name] = self.value(name).strip()
        values["_ticks"] = tuple(code for code, box in self.history.items() if box.isChecked())
        return values

    def _service_fields(self, values: dict[str, Any]) -> tuple[dict, list[ValidationIssue]]:
        issues: list[ValidationIssue] = []
        fields = {k: v for k, v in values.items() if k in FIELDS}
        if values.get("_us_ga"):
            days = parse_ga(values["_us_ga"])
            if days is None:
                issues.append(ValidationIssue("us_ga", "validation.number_invalid"))
            else:
                fields["us_ga_days"] = days
        counts = {k: values.get(k) for k in COUNTS}
        for name in COUNTS:
            whole_number(counts, name, issues)
        history: dict[str, Any] = {k: v for k, v in counts.items() if v is not None}
        history.update(dict.fromkeys(values.get("_ticks", ()), True))
        if history:
            fields["history"] = history
        return fields, issues

    def changed_fields(self, values: dict[str, Any]) -> dict[str, Any]:
        """What a correction sends: changed fields (None clears), and the whole history
        when a count or tick changed, keeping what the form does not show (last birth,
        notes, other ticks)."""
        now, _issues = self._service_fields(values)
        before, _issues = self._service_fields(self._original)
        change = {k: now.get(k) for k in (*FIELDS, "us_ga_days") if now.get(k) != before.get(k)}
        if now.get("history") != before.get("history"):
            stored = self.pregnancy.get("history")
            kept = {k: v for k, v in stored.items() if k not in COUNTS and k not in HISTORY
                    } if isinstance(stored, dict) else {}
            change["history"] = {**kept, **now.get("history", {})}
        return change

    def field_for(self, issue_field: str) -> str | None:
        if issue_field == "us_ga_days":
            return "us_ga"
        if issue_field == "history":
            return None
        return super().field_for(issue_field)

    def precheck(self, values: dict[str, Any]) -> list[ValidationIssue]:
        fields, issues = self._service_fields(values)
        birth = _date(self.person.get("birth_date") or "")
        checked = check_pregnancy(fields, today(), birth_date=birth)
        return issues + checked.issues

    def submit(self, values: dict[str, Any]) -> Any:
        if self.editing:
            change = self.changed_fields(values)
            if not change:
                self.reject()  # nothing to correct
                return None
            return self.session.update_pregnancy(self.pregnancy["id"], change, today=today())
        fields, _issues = self._service_fields(values)
        return self.session.register_pregnancy(self.person["id"], fields, today=today())
