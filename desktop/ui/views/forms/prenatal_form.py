"""A prenatal visit: measurements, tests, symptoms and danger signs, advice, next
appointment, and the screening items the worker ticks (附件1 groups, the grading criteria by
colour, and the other facts the criteria read). After saving, the form shows the new risk
colour and says so when a high-risk case was opened."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QLabel,
    QScrollArea,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.domain import risk
from desktop.domain.issues import ValidationIssue
from desktop.domain.validation import URINE_PROTEIN, check_prenatal_visit
from desktop.i18n import N_, _
from desktop.i18n.risk_texts import HISTORY_TICKS, SCREENING_GROUPS, colour_text, factor_text
from desktop.i18n.worklist_texts import DANGER_SIGN_TEXTS
from desktop.ui.models.display import ga_text
from desktop.ui.views.forms.base import FormDialog, today
from desktop.ui.widgets.risk_badge import RiskBadge

FIELDS = ("visit_date", "weight_kg", "sbp", "dbp", "fundal_cm", "abdominal_cm", "fhr",
          "hb_g_l", "plt_10e9_l", "glucose_mmol_l", "ferritin_ug_l", "urine_protein",
          "symptoms", "advice", "next_date")
COLOUR_GROUPS = (("yellow", N_("Yellow conditions")), ("orange", N_("Orange conditions")),
                 ("red", N_("Red conditions")), ("purple", N_("Purple: infectious diseases")))


def _iso(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


class PrenatalForm(FormDialog):
    """``record_loaded(record)`` carries the woman's record as read after the save."""

    record_loaded = Signal(object)

    def __init__(self, session: Any, person: dict, pregnancy: dict, visits: list[dict],
                 had_open_case: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(session, "prenatal", parent)
        self.person = person
        self.pregnancy = pregnancy
        weights = [v["weight_kg"] for v in visits if v.get("weight_kg")]
        self.previous_weight = weights[-1] if weights else pregnancy.get("pre_weight_kg")
        self.before_colours = tuple(pregnancy.get("risk_colours") or ())
        self.had_open_case = had_open_case
        self.initial_ticks: dict[str, bool] = {
            k: bool(v) for k, v in (pregnancy.get("screening") or {}).items()
            if isinstance(v, bool)}

        measures = QFormLayout()
        self.add_date("visit_date", N_("Visit date"), today(), measures)
        self.ga_label = QLabel(objectName="visit_ga")
        self.ga_caption = QLabel()
        measures.addRow(self.ga_caption, self.ga_label)
        self.add_line("weight_kg", N_("Weight (kg)"), width=100, form=measures)
        self.add_line("sbp", N_("Blood pressure, systolic (mmHg)"), width=100, form=measures)
        self.add_line("dbp", N_("Blood pressure, diastolic (mmHg)"), width=100, form=measures)
        self.add_line("fundal_cm", N_("Fundal height (cm)"), width=100, form=measures)
        self.add_line("abdominal_cm", N_("Abdominal circumference (cm)"), width=100,
                      form=measures)
        self.add_line("fhr", N_("Fetal heart rate (/min)"), width=100, form=measures)
        self.add_line("hb_g_l", N_("Haemoglobin (g/L)"), width=100, form=measures)
        self.add_line("plt_10e9_l", N_("Platelets (×10⁹/L)"), width=100, form=measures)
        self.add_combo("urine_protein", N_("Urine protein"), {u: u for u in URINE_PROTEIN},
                       form=measures)
        self.add_line("glucose_mmol_l", N_("Blood glucose (mmol/L)"), width=100, form=measures)
        self.add_line("ferritin_ug_l", N_("Serum ferritin (µg/L)"), width=100, form=measures)
        self.add_line("other_tests", N_("Other tests"), form=measures)
        self.add_line("symptoms", N_("Symptoms"), form=measures)
        self.add_line("advice", N_("Advice"), form=measures)
        self.add_date("next_date", N_("Next appointment"), form=measures)
        self.fields["visit_date"].textChanged.connect(self._show_ga)

        self.danger_box = QGroupBox(objectName="danger_signs_box")
        grid = QGridLayout(self.danger_box)
        self.danger: dict[str, QCheckBox] = {}
        for n, code in enumerate(DANGER_SIGN_TEXTS):
            box = QCheckBox(objectName=f"danger_{code}")
            self.danger[code] = box
            grid.addWidget(box, n // 2, n % 2)
            self._order.append(box)
        self.danger_error = self._issue("danger_signs")

        measures_page = QWidget()
        first = QVBoxLayout(measures_page)
        first.addLayout(measures)
        first.addWidget(self.danger_box)
        first.addWidget(self.danger_error)
        first.addStretch(1)

        self.ticks: dict[str, QCheckBox] = {}
        self.group_boxes: list[tuple[QGroupBox, str]] = []
        screening_page = QWidget()
        column = QVBoxLayout(screening_page)
        for title, codes in SCREENING_GROUPS:
            column.addWidget(self._tick_group(title, codes))
        for colour, title in COLOUR_GROUPS:
            codes = tuple(c.code for c in risk.CRITERIA if c.colour == colour)
            column.addWidget(self._tick_group(title, codes))
        column.addWidget(self._tick_group(N_("Other facts"), HISTORY_TICKS))
        self.screening_error = self._issue("screening")
        column.addWidget(self.screening_error)
        scroll = QScrollArea(objectName="screening_scroll")
        scroll.setWidgetResizable(True)
        scroll.setWidget(screening_page)

        measures_scroll = QScrollArea(objectName="measures_scroll")
        measures_scroll.setWidgetResizable(True)
        measures_scroll.setWidget(measures_page)
        self.tabs = QTabWidget(objectName="prenatal_tabs")
        self.tabs.addTab(measures_scroll, "")
        self.tabs.addTab(scroll, "")

        self.result = QWidget(objectName="prenatal_result")
        result = QVBoxLayout(self.result)
        self.result_caption = QLabel()
        self.result_badge = RiskBadge(object_name="prenatal_result_badge")
        self.result_text = QLabel(objectName="prenatal_result_text")
        self.result_text.setWordWrap(True)
        result.addWidget(self.result_caption)
        result.addWidget(self.result_badge)
        result.addWidget(self.result_text)
        result.addStretch(1)
        self.pages = QStackedWidget()
        self.pages.addWidget(self.tabs)
        self.pages.addWidget(self.result)
        self.finish(self.pages)
        self.resize(900, 680)
        self._show_ga()

    def _issue(self, name: str):  # noqa: ANN202 - IssueLabel
        from desktop.ui.views.forms.base import IssueLabel

        label = IssueLabel(f"{name}_error")
        self.issue_labels[name] = label
        return label

    def _tick_group(self, title: str, codes: tuple[str, ...]) -> QGroupBox:
        box = QGroupBox()
        self.group_boxes.append((box, title))
        grid = QGridLayout(box)
        for n, code in enumerate(codes):
            tick = self.ticks.get(code)
            if tick is not None:
                continue  # a code shown in an earlier group
            tick = QCheckBox(objectName=f"tick_{code}")
            tick.setChecked(self.initial_ticks.get(code, False))
            self.ticks[code] = tick
            grid.addWidget(tick, n // 2, n % 2)
        return box

    def retranslate_form(self) -> None:
        self.setWindowTitle(_("Prenatal visit"))
        self.ga_caption.setText(_("Gestational age"))
        self.danger_box.setTitle(_("Danger signs"))
        for code, box in self.danger.items():
            box.setText(_(DANGER_SIGN_TEXTS[code]))
        for box, title in self.group_boxes:
            box.setTitle(_(title))
        for code, tick in self.ticks.items():
            tick.setText(factor_text(code))
        self.tabs.setTabText(0, _("Measurements"))
        self.tabs.setTabText(1, _("Screening items"))
        self.result_caption.setText(_("Saved. The risk colour is now:"))
        self._show_ga()

    def _show_ga(self) -> None:
        edd = _iso(self.pregnancy.get("edd"))
        visit = _iso(self.value("visit_date").strip())
        if edd is None or visit is None:
            self.ga_label.setText("")
            return
        from desktop.domain.schedule import ga_days_on

        self.ga_label.setText(ga_text(ga_days_on(edd, visit)))

    def collect(self) -> dict[str, Any]:
        values = self.text_values(FIELDS)
        other = self.value("other_tests").strip()
        if other:
            values["tests"] = {"other": other}
        signs = [code for code, box in self.danger.items() if box.isChecked()]
        if signs:
            values["danger_signs"] = signs
        ticks = {code: box.isChecked() for code, box in self.ticks.items()
                 if box.isChecked() != self.initial_ticks.get(code, False)}
        if ticks:
            values["screening"] = ticks
        return values

    def precheck(self, values: dict[str, Any]) -> list[ValidationIssue]:
        checked = check_prenatal_visit(values, today(), edd=_iso(self.pregnancy.get("edd")),
                                       lmp=_iso(self.pregnancy.get("lmp")),
                                       previous_weight_kg=self.previous_weight)
        return checked.issues

    def submit(self, values: dict[str, Any]) -> Any:
        return self.session.record_prenatal_visit(self.pregnancy["id"], values, today=today())

    def after_save(self, changes: Any) -> None:
        """Show the colour as graded now; say when a high-risk case was opened."""
        record = self.session.open_record(self.person["id"])
        self.record_loaded.emit(record)
        current = next((p for p in record.pregnancies
                        if p.pregnancy["id"] == self.pregnancy["id"]), None)
        colours = tuple(current.pregnancy.get("risk_colours") or ()) if current else ()
        self.result_badge.set_colours(colours)
        lines = []
        if colours != self.before_colours:
            lines.append(_("The colour changed from {before} to {after}.",
                           before=" + ".join(colour_text(c) for c in self.before_colours)
                           or "—", after=" + ".join(colour_text(c) for c in colours)))
        opened = [c for c in (current.cases if current else [])
                  if c.get("status") != "closed"]
        if opened and not self.had_open_case:
            lines.append(_("A high-risk case was opened: follow-up is planned and the case "
                           "appears in the high-risk register and the worklist."))
        elif opened:
            lines.append(_("The high-risk case continues."))
        for warning in getattr(changes, "warnings", ()):
            from desktop.i18n.messages import issue_text

            lines.append(issue_text(warning))
        self.result_text.setText("\n".join(lines))
        self.pages.setCurrentWidget(self.result)
        self.save_button.hide()
        self.cancel_button.setText(_("Close"))
        self.cancel_button.setDefault(True)
        self.cancel_button.setFocus()
