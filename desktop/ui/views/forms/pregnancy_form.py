"""Registering a pregnancy: LMP → EDD and gestational age shown as they are typed, early
ultrasound correction (gestation.corrected_edd), gravidity/parity, obstetric history and the
handbook number."""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from typing import Any

from PySide6.QtWidgets import QCheckBox, QGridLayout, QGroupBox, QLabel, QVBoxLayout, QWidget

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


def _date(text: str) -> date | None:
    try:
        return date.fromisoformat(unicodedata.normalize("NFKC", text or "").strip())
    except ValueError:
        return None


class PregnancyForm(FormDialog):
    def __init__(self, session: Any, person: dict, parent: QWidget | None = None) -> None:
        super().__init__(session, "pregnancy", parent)
        self.person = person
        self.add_date("registered_on", N_("Registration date"), today())
        self.add_date("lmp", N_("Last menstrual period (LMP)"))
        self.add_date("us_date", N_("Early ultrasound date (optional)"))
        self.add_line("us_ga", N_("GA at ultrasound (weeks+days)"), "11+2", 120)
        self.preview = QLabel(objectName="edd_preview")
        self.preview_label = QLabel()
        self.form.addRow(self.preview_label, self.preview)
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
        for n, code in enumerate(HISTORY):
            box = QCheckBox(objectName=f"history_{code}")
            self.history[code] = box
            grid.addWidget(box, n // 2, n % 2)
            self._order.append(box)
        for name in ("registered_on", "lmp", "us_date", "us_ga"):
            self.fields[name].textChanged.connect(self.update_preview)
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(self.form)
        layout.addWidget(self.history_box)
        self.finish(body)
        self.resize(640, 700)
        self.update_preview()

    def retranslate_form(self) -> None:
        self.setWindowTitle(_("Register a pregnancy"))
        self.preview_label.setText(_("EDD and GA"))
        self.history_box.setTitle(_("Obstetric history"))
        for code, box in self.history.items():
            box.setText(factor_text(code))
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
        history.update({code: True for code, box in self.history.items() if box.isChecked()})
        if history:
            fields["history"] = history
        return fields, issues

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
        fields, _issues = self._service_fields(values)
        return self.session.register_pregnancy(self.person["id"], fields, today=today())
