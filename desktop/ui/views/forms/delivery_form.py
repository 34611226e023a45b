"""The delivery record: date, place and level, mode, GA at birth (shown as typed),
outcome, complications, blood loss, and one row per baby (twins: two rows). Saving creates
the child records."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.issues import ValidationIssue
from desktop.domain.schedule import ga_days_on
from desktop.domain.validation import check_delivery
from desktop.i18n import N_, _
from desktop.i18n.worklist_texts import (
    DELIVERY_MODE_TEXTS,
    DELIVERY_OUTCOME_TEXTS,
    PLACE_LEVEL_TEXTS,
    SEX_TEXTS,
)
from desktop.ui.models.display import ga_text
from desktop.ui.views.forms.base import FormDialog, IssueLabel, today
from desktop.ui.widgets.text_fields import NameLineEdit

FIELDS = ("delivery_date", "discharge_date", "place", "place_level", "mode", "outcome",
          "blood_loss_ml")
BABY_FIELDS = ("sex", "birth_weight_kg", "birth_length_cm", "outcome", "name_zh")
BABY_OUTCOMES = {"live_birth": N_("Live birth"), "stillbirth": N_("Stillbirth")}
MAX_BABIES = 6


def _iso(text: str | None) -> date | None:
    try:
        return date.fromisoformat((text or "").strip())
    except ValueError:
        return None


class DeliveryForm(FormDialog):
    def __init__(self, session: Any, pregnancy: dict, parent: QWidget | None = None) -> None:
        super().__init__(session, "delivery", parent)
        self.pregnancy = pregnancy
        self.add_date("delivery_date", N_("Delivery date"), today())
        self.ga_caption = QLabel()
        self.ga_label = QLabel(objectName="delivery_ga")
        self.form.addRow(self.ga_caption, self.ga_label)
        self.add_date("discharge_date", N_("Discharge date"))
        self.add_line("place", N_("Place of delivery"))
        self.add_combo("place_level", N_("Level of the place"), PLACE_LEVEL_TEXTS)
        self.add_combo("mode", N_("Mode of delivery"), DELIVERY_MODE_TEXTS)
        self.add_combo("outcome", N_("Outcome"), DELIVERY_OUTCOME_TEXTS, blank=False)
        self.add_line("complications", N_("Complications (separate with commas)"))
        self.add_line("blood_loss_ml", N_("Blood loss (mL)"), width=100)
        self.fields["delivery_date"].textChanged.connect(self._show_ga)

        self.babies_box = QGroupBox(objectName="babies_box")
        self.babies_grid = QGridLayout()
        self.baby_headers = [QLabel() for _h in range(len(BABY_FIELDS))]
        for column, header in enumerate(self.baby_headers):
            self.babies_grid.addWidget(header, 0, column + 1)
        self.babies_error = IssueLabel("babies_error")
        self.issue_labels["babies"] = self.babies_error
        self.add_baby_button = QPushButton(objectName="add_baby_button")
        self.add_baby_button.setAutoDefault(False)
        self.add_baby_button.clicked.connect(self.add_baby)
        self.remove_baby_button = QPushButton(objectName="remove_baby_button")
        self.remove_baby_button.setAutoDefault(False)
        self.remove_baby_button.clicked.connect(self.remove_baby)
        self.baby_labels: list[QLabel] = []
        box = QVBoxLayout(self.babies_box)
        box.addLayout(self.babies_grid)
        box.addWidget(self.babies_error)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_baby_button)
        buttons.addWidget(self.remove_baby_button)
        buttons.addStretch(1)
        box.addLayout(buttons)
        self.babies = 0
        fetuses = int(pregnancy.get("fetuses") or 1)
        for _n in range(max(1, min(MAX_BABIES, fetuses))):
            self.add_baby(focus=False)

        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(self.form)
        layout.addWidget(self.babies_box)
        layout.addStretch(1)
        self.finish(body)
        self.resize(820, 680)
        self._show_ga()

    def add_baby(self, focus: bool = True) -> None:
        """One more row of baby fields (babies.N.sex …), in tab order after the last."""
        if self.babies >= MAX_BABIES:
            return
        n = self.babies
        row = n * 2 + 1
        label = QLabel(str(n + 1))
        self.baby_labels.append(label)
        self.babies_grid.addWidget(label, row, 0)
        widgets: list[QWidget] = [
            QComboBox(), QLineEdit(), QLineEdit(), QComboBox(), NameLineEdit()]
        for column, (name, widget) in enumerate(zip(BABY_FIELDS, widgets, strict=True)):
            key = f"babies.{n}.{name}"
            widget.setObjectName(key)
            if isinstance(widget, QComboBox):
                choices = SEX_TEXTS if name == "sex" else BABY_OUTCOMES
                widget.setProperty("choices", dict(choices))
                widget.setProperty("blank", name == "sex")
                self._fill_combo(widget)
            issue = IssueLabel(f"{key}_error")
            self.fields[key] = widget
            self.issue_labels[key] = issue
            self.babies_grid.addWidget(widget, row, column + 1)
            self.babies_grid.addWidget(issue, row + 1, column + 1)
            previous = self._order[-1] if self._order else None
            self._order.append(widget)
            if previous is not None and self.save_button.window() is self:
                QWidget.setTabOrder(previous, widget)
        if self.save_button.window() is self:
            QWidget.setTabOrder(self._order[-1], self.save_button)
        self.babies += 1
        if focus:
            self.fields[f"babies.{n}.sex"].setFocus()

    def remove_baby(self) -> None:
        if self.babies <= 1:
            return
        n = self.babies - 1
        for name in BABY_FIELDS:
            key = f"babies.{n}.{name}"
            widget = self.fields.pop(key)
            self._order.remove(widget)
            widget.deleteLater()
            self.issue_labels.pop(key).deleteLater()
        self.baby_labels.pop().deleteLater()
        self.babies -= 1

    def retranslate_form(self) -> None:
        self.setWindowTitle(_("Delivery"))
        self.ga_caption.setText(_("GA at birth"))
        self.babies_box.setTitle(_("Babies"))
        for header, text in zip(self.baby_headers, (_("Sex"), _("Birth weight (kg)"),
                                                    _("Length (cm)"), _("Outcome"),
                                                    _("Name (optional)")), strict=True):
            header.setText(text)
        self.add_baby_button.setText(_("Add a baby"))
        self.remove_baby_button.setText(_("Remove the last baby"))
        self._show_ga()

    def _show_ga(self) -> None:
        edd = _iso(self.pregnancy.get("edd"))
        day = _iso(self.value("delivery_date"))
        ga = ga_days_on(edd, day) if edd and day else None
        self.ga_label.setText(ga_text(ga) if ga is not None and 0 <= ga <= 44 * 7 else "")

    def collect(self) -> dict[str, Any]:
        values = self.text_values(FIELDS)
        text = self.value("complications").strip()
        values["complications"] = [p.strip() for p in re.split(r"[,，;；、]", text) if p.strip()]
        babies = []
        for n in range(self.babies):
            baby = {}
            for name in BABY_FIELDS:
                value = self.value(f"babies.{n}.{name}")
                if isinstance(value, str):
                    value = value.strip()
                if value not in (None, ""):
                    baby[name] = value
            babies.append(baby)
        values["babies"] = babies
        return values

    def precheck(self, values: dict[str, Any]) -> list[ValidationIssue]:
        return check_delivery(values, today(), edd=_iso(self.pregnancy.get("edd")),
                              lmp=_iso(self.pregnancy.get("lmp"))).issues

    def submit(self, values: dict[str, Any]) -> Any:
        return self.session.record_delivery(self.pregnancy["id"], values, today=today())
