"""The newborn home visit, the 28–30-day check and the 0–6-year checks: one form whose
sections follow the kind of contact (desktop/domain/child_schedule.py says what each
contact includes: head circumference, haemoglobin, hearing, vision, development).

After a save the form shows the z-scores, the nutrition classification, anaemia, feeding
advice, danger signs and the referral they call for, and the warnings that were confirmed.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from html import escape
from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGridLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

from desktop.domain import child_health as health
from desktop.domain import child_schedule as sched
from desktop.i18n import N_, _
from desktop.i18n import child_texts as ct
from desktop.i18n.formatting import format_number
from desktop.i18n.messages import issue_text
from desktop.ui.views.child_forms.base import (
    ChildForm,
    choice_combo,
    date_edit,
    ga_days,
    retranslate_combo,
)

LYING_CHOICES = {"auto": N_("As usual for the age"), "lying": N_("Lying (length)"),
                 "standing": N_("Standing (height)")}
HBSAG_CHOICES = {"yes": N_("Positive"), "no": N_("Negative")}
REFER_PROMPT = N_("Danger sign: refer the baby to hospital today, and write where to.")
RESULT_TITLE = N_("Saved. Findings:")
Z_LINE = N_("{indicator}: {z}")
REFERRAL_LINE = N_("Referral: {reasons}")
URGENT_REFERRAL = N_("Refer today: {reasons}")
SPECIAL_LINE = N_("Special management: {reasons}")
HBIG_LINE = N_("Give hepatitis B immunoglobulin (HBIG) with the first hepatitis B dose.")
CONFIRMED_WARNINGS = N_("Unusual values confirmed: {list}")


def _lying_value(code: str | None) -> bool | None:
    return {"lying": True, "standing": False}.get(code or "auto")


class VisitForm(ChildForm):
    """*kind* is a child_schedule kind; *birth* and *sex* come from the child's record."""

    def __init__(self, session: Any, child_id: str, kind: str, birth: date,
                 parent: QWidget | None = None, today: date | None = None,
                 child_name: str = "") -> None:
        super().__init__(session, child_id, f"child_visit_form_{kind}", parent)
        self.kind = kind
        self.birth = birth
        self.today = today or date.today()
        self.child_name = child_name
        self.check = sched.CHECKS_BY_KIND.get(kind)
        self.newborn = kind == sched.NEWBORN
        self.month = kind == sched.MONTH_CHECK
        self.danger_boxes: dict[str, QCheckBox] = {}
        self.dev_boxes: dict[str, QCheckBox] = {}
        self._dose_fields: list[str] = []
        self.combos: list[tuple[QComboBox, dict[str, str]]] = []
        self._build()
        self.retranslate()

    # -- building ---------------------------------------------------------------------
    def _line(self, name: str) -> QLineEdit:
        edit = QLineEdit(objectName=name)
        edit.setMaximumWidth(160)
        return edit

    def _combo(self, name: str, table: dict[str, str]) -> QComboBox:
        combo = choice_combo(name, table)
        self.combos.append((combo, table))
        return combo

    def _build(self) -> None:
        head = self.check.measure_head if self.check else True
        form = self.section("visit_section", N_("Visit"))
        visit_day = min(self.today, max(self.birth, self.today))
        self.add_field(form, "visit_date", date_edit("visit_date", visit_day),
                       N_("Visit date"))
        if self.newborn:
            birth = self.section("birth_section", N_("Birth"))
            self.add_field(birth, "birth_weight_kg", self._line("birth_weight_kg"),
                           N_("Birth weight (kg)"))
            self.add_field(birth, "birth_length_cm", self._line("birth_length_cm"),
                           N_("Birth length (cm)"))
            self.add_field(birth, "birth_ga_days", self._line("birth_ga"),
                           N_("Gestation at birth (weeks+days, e.g. 38+2)"))
            self.add_field(birth, "multiple_birth", QCheckBox(objectName="multiple_birth"),
                           N_("Twin or multiple birth"))
            self.add_field(birth, "discharge_date", self._line("discharge_date"),
                           N_("Discharge date (YYYY-MM-DD)"))
            self.add_field(birth, "mother_hbsag_positive",
                           self._combo("mother_hbsag", HBSAG_CHOICES),
                           N_("Mother's HBsAg"))

        measures = self.section("measure_section", N_("Measurements"))
        self.add_field(measures, "weight_kg", self._line("weight_kg"), N_("Weight (kg)"))
        self.add_field(measures, "length_cm", self._line("length_cm"),
                       N_("Length/height (cm)"))
        if not (self.newborn or self.month):
            lying = self._combo("lying", LYING_CHOICES)
            lying.removeItem(0)  # "as usual for the age" is the default, not "unknown"
            self.add_field(measures, "lying", lying, N_("Measured"))
        if head:
            self.add_field(measures, "head_cm", self._line("head_cm"),
                           N_("Head circumference (cm)"))
        if self.newborn or self.month or self.kind.startswith("special_"):
            self.add_field(measures, "temperature_c", self._line("temperature_c"),
                           N_("Temperature (°C)"))
        if self.newborn:
            self.add_field(measures, "breaths_per_min", self._line("breaths_per_min"),
                           N_("Breaths per minute"))
        if self.check is not None and self.check.haemoglobin:
            self.add_field(measures, "hb_g_l", self._line("hb_g_l"), N_("Haemoglobin (g/L)"))

        care = self.section("care_section", N_("Feeding and examination"))
        self.add_field(care, "feeding", self._combo("feeding", ct.FEEDING), N_("Feeding"))
        if self.newborn or self.month:
            self.add_field(care, "jaundice", self._combo("jaundice", ct.JAUNDICE),
                           N_("Jaundice"))
        if self.newborn:
            self.add_field(care, "umbilicus", self._combo("umbilicus", ct.UMBILICUS),
                           N_("Umbilicus"))
            self.add_field(care, "screen_metabolic",
                           self._combo("screen_metabolic", ct.SCREEN_METABOLIC),
                           N_("Neonatal screening: metabolic diseases"))
            self.add_field(care, "screen_hearing",
                           self._combo("screen_hearing", ct.SCREEN_HEARING),
                           N_("Neonatal screening: hearing"))
        if self.check is not None and self.check.hearing and not self.newborn:
            self.add_field(care, "hearing", self._combo("hearing", ct.HEARING),
                           N_("Hearing"))
        if self.check is None or self.check.vision:
            self.add_field(care, "vision", self._combo("vision", ct.VISION),
                           N_("Eyes and vision"))
        if not (self.newborn or self.month or self.kind.startswith("special_")):
            self.add_field(care, "teeth", self._line("teeth"), N_("Number of teeth"))
            self.add_field(care, "caries", QCheckBox(objectName="caries"),
                           N_("Caries found"))

        if self.newborn or self.month:
            self._vaccine_section()
        dev = health.development_signs_for(self.kind)
        if dev:
            self._checks_section("dev_section", N_("Development warning signs"), "dev_signs",
                                 dev, ct.DEVELOPMENT_SIGNS, self.dev_boxes, "dev_")
        danger = health.NEWBORN_DANGER_SIGNS if (
            self.newborn or self.month or self.kind.startswith("special_")
        ) else health.CHILD_DANGER_SIGNS
        self._checks_section("danger_section", N_("Danger signs"), "danger_signs", danger,
                             ct.DANGER_SIGNS, self.danger_boxes, "danger_")
        self.refer_prompt = QLabel(objectName="refer_prompt")
        self.refer_prompt.setWordWrap(True)
        self.refer_prompt.setStyleSheet("color: white; background: #b00020; padding: 6px;"
                                        " font-weight: bold;")
        self.refer_prompt.hide()
        self.body_layout.addWidget(self.refer_prompt)
        end = self.section("notes_section", N_("Referral and notes"))
        self.add_field(end, "referred_to", self._line("referred_to"), N_("Referred to"))
        self.fields["referred_to"].setMaximumWidth(16777215)
        notes = QPlainTextEdit(objectName="notes")
        notes.setMaximumHeight(70)
        notes.setTabChangesFocus(True)  # Tab moves on; typing a tab in notes is never wanted
        self.add_field(end, "notes", notes, N_("Notes"))
        self.body_layout.addStretch(1)
        for widget in ("temperature_c", "breaths_per_min"):
            if widget in self.fields:
                self.fields[widget].textEdited.connect(self._update_refer_prompt)

    def _vaccine_section(self) -> None:
        form = self.section("vaccine_section", N_("Vaccinations at this visit"))
        if self.newborn:
            self.add_field(form, "vaccine_hepb1", QCheckBox(objectName="vaccine_hepb1"),
                           N_("Hepatitis B dose 1 given (at birth)"), "vaccinations_error")
            self.add_field(form, "vaccine_bcg", QCheckBox(objectName="vaccine_bcg"),
                           N_("BCG given (at birth)"), "vaccine_bcg_error")
            self.add_field(form, "hbig_given", QCheckBox(objectName="hbig_given"),
                           N_("HBIG given"))
        else:
            self.add_field(form, "vaccine_hepb2", QCheckBox(objectName="vaccine_hepb2"),
                           N_("Hepatitis B dose 2 given today"), "vaccinations_error")

    def _checks_section(self, name: str, title: str, field: str, codes: tuple[str, ...],
                        table: dict[str, str], boxes: dict[str, QCheckBox],
                        prefix: str) -> None:
        box = QGroupBox(objectName=name)
        grid = QGridLayout(box)
        for i, code in enumerate(codes):
            check = QCheckBox(objectName=prefix + code)
            check.toggled.connect(self._update_refer_prompt)
            check.toggled.connect(self._edited)
            boxes[code] = check
            grid.addWidget(check, i // 2, i % 2)
        from desktop.ui.widgets.base import FieldError

        error = FieldError(f"{field}_error")
        grid.addWidget(error, (len(codes) + 1) // 2, 0, 1, 2)
        self.errors[field] = error
        self.fields[field] = box
        self.groups.append((box, title))
        self._check_tables = getattr(self, "_check_tables", []) + [(boxes, table)]
        self.body_layout.addWidget(box)

    def retranslate(self) -> None:
        super().retranslate()
        title = ct.code_text(ct.CHECK_KINDS, self.kind)
        self.setWindowTitle(f"{title} – {self.child_name}" if self.child_name else title)
        for combo, table in self.combos:
            retranslate_combo(combo, table)
        for boxes, table in getattr(self, "_check_tables", []):
            for code, check in boxes.items():
                check.setText(ct.code_text(table, code))
        self.refer_prompt.setText(_(REFER_PROMPT))

    def _update_refer_prompt(self, *_args: object) -> None:
        ticked = [c for c, b in self.danger_boxes.items() if b.isChecked()]
        temperature = breaths = None
        try:
            if "temperature_c" in self.fields and self.text("temperature_c"):
                temperature = float(self.text("temperature_c"))
            if "breaths_per_min" in self.fields and self.text("breaths_per_min"):
                breaths = int(float(self.text("breaths_per_min")))
        except ValueError:
            pass
        age = (self.day("visit_date") - self.birth).days
        found = health.danger_signs(ticked, temperature, breaths, age)
        self.refer_prompt.setVisible(bool(found))

    # -- values -------------------------------------------------------------------------
    def field_for(self, issue_field: str) -> str | None:
        if issue_field.startswith("vaccinations."):
            index = int(issue_field.split(".")[1]) if issue_field[13:].isdigit() else 0
            names = self._dose_fields or ["vaccine_hepb1" if self.newborn else "vaccine_hepb2"]
            return names[min(index, len(names) - 1)]
        if issue_field == "birth_date":
            return "visit_date"
        return super().field_for(issue_field)

    def values(self) -> dict[str, Any]:
        """The form as the service's fields (numbers as typed; the service checks them)."""
        fields: dict[str, Any] = {"visit_date": self.day("visit_date")}
        for name in ("weight_kg", "length_cm", "head_cm", "temperature_c", "breaths_per_min",
                     "hb_g_l", "teeth", "birth_weight_kg", "birth_length_cm"):
            if name in self.fields and self.text(name):
                fields[name] = self.text(name)
        caries = self.fields.get("caries")
        if isinstance(caries, QCheckBox):
            fields["caries"] = 1 if caries.isChecked() else 0
        if "birth_ga_days" in self.fields and self.text("birth_ga_days"):
            fields["birth_ga_days"] = ga_days(self.text("birth_ga_days"))
        if "lying" in self.fields:
            fields["lying"] = _lying_value(self.choice("lying"))
        for name in ("feeding", "jaundice", "umbilicus", "screen_metabolic", "screen_hearing",
                     "hearing", "vision"):
            if name in self.fields and self.choice(name):
                fields[name] = self.choice(name)
        if self.newborn:
            multiple = self.fields["multiple_birth"]
            assert isinstance(multiple, QCheckBox)
            fields["multiple_birth"] = multiple.isChecked()
            if self.raw("discharge_date"):
                fields["discharge_date"] = self.raw("discharge_date")
            hbsag = self.choice("mother_hbsag_positive")
            if hbsag is not None:
                fields["mother_hbsag_positive"] = hbsag == "yes"
        fields["danger_signs"] = [c for c, b in self.danger_boxes.items() if b.isChecked()]
        fields["dev_signs"] = [c for c, b in self.dev_boxes.items() if b.isChecked()]
        fields["vaccinations"] = self._doses()
        if "hbig_given" in self.fields:
            hbig = self.fields["hbig_given"]
            assert isinstance(hbig, QCheckBox)
            if hbig.isChecked():
                fields["hbig_given"] = True
        for name in ("referred_to", "notes"):
            if self.raw(name):
                fields[name] = self.raw(name)
        return fields

    def _doses(self) -> list[dict[str, Any]]:
        doses = []
        self._dose_fields = []
        checks = {"vaccine_hepb1": ("HepB", 1, self.birth), "vaccine_bcg": ("BCG", 1, self.birth),
                  "vaccine_hepb2": ("HepB", 2, None)}
        for name, (vaccine, dose, on) in checks.items():
            box = self.fields.get(name)
            if isinstance(box, QCheckBox) and box.isChecked():
                dose_row: dict[str, Any] = {"vaccine": vaccine, "dose": dose}
                if on is not None:
                    dose_row["given_on"] = on
                doses.append(dose_row)
                self._dose_fields.append(name)
        return doses

    def save_op(self, confirmed: bool) -> Callable[[], Any]:
        fields = self.values()
        session, child, kind, today = self.session, self.child_id, self.kind, self.today
        return lambda: session.record_child_visit(child, kind, fields, confirmed=confirmed,
                                                  today=today)

    # -- after saving -----------------------------------------------------------------------
    def saved_ok(self, result: Any) -> None:
        self.show_result(result_html(result))


def result_html(result: Any) -> str:
    """The findings of a saved visit (children.VisitResult) as a short HTML summary."""
    lines = [f"<b>{escape(_(RESULT_TITLE))}</b>"]
    zs = []
    for key in ("waz", "lhaz", "wlhz", "bmiz", "hcz"):
        value = result.zscores.get(key)
        if value is None:
            continue
        zs.append(escape(_(Z_LINE, indicator=ct.code_text(ct.INDICATORS, key),
                           z=format_number(value, decimals=2))))
    if zs:
        lines.append(" · ".join(zs))
    growth = ct.codes_text(ct.NUTRITION, result.growth_codes) if result.growth_codes else (
        _(ct.NUTRITION_NORMAL) if zs else "")
    if growth:
        colour = "#b00020" if result.growth_codes else "#006400"
        lines.append(f"<span style='color:{colour}'>{escape(growth)}</span>")
    if result.anaemia:
        lines.append(escape(ct.code_text(ct.ANAEMIA, result.anaemia)))
    for finding in result.feeding_findings:
        lines.append(escape(ct.code_text(ct.FEEDING_FINDINGS, finding)))
    if result.danger_signs:
        lines.append("<span style='color:#b00020'>"
                     + escape(ct.codes_text(ct.DANGER_SIGNS, result.danger_signs)) + "</span>")
    if result.referral.needed:
        reasons = ct.codes_text(ct.REFERRAL, result.referral.reasons)
        text = _(URGENT_REFERRAL if result.referral.urgent else REFERRAL_LINE, reasons=reasons)
        lines.append(f"<b style='color:#b00020' id='referral'>{escape(text)}</b>")
    if result.special_mgmt:
        lines.append("<b>" + escape(_(SPECIAL_LINE, reasons=ct.codes_text(
            ct.SPECIAL_MGMT, result.special_mgmt))) + "</b>")
    if result.hbig_needed:
        lines.append("<b>" + escape(_(HBIG_LINE)) + "</b>")
    if result.warnings:
        listed = "; ".join(issue_text(w) for w in result.warnings)
        lines.append(f"<span style='color:#a05a00'>{escape(_(CONFIRMED_WARNINGS, list=listed))}"
                     "</span>")
    return "<br>".join(lines)
