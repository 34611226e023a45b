"""The shorter maternal forms: postpartum visit and 42-day check, maternal death report,
case follow-up, and the worklist's "not reachable / moved away" mark."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QWidget

from desktop.domain.issues import ValidationIssue
from desktop.domain.validation import (
    CLASSIFICATIONS,
    DISPOSALS,
    GUIDANCE,
    NORMAL_ABNORMAL,
    check_postpartum_visit,
)
from desktop.i18n import N_, _
from desktop.i18n.worklist_texts import FOLLOWUP_STATUS_TEXTS, PLACE_LEVEL_TEXTS, kind_text
from desktop.ui.views.forms.base import FormDialog, IssueLabel, today

KIND_CHOICES = {"postpartum_7d": N_("Postpartum home visit (3–7 days)"),
                "postpartum_42d": N_("42-day postpartum check")}
NORMAL_TEXTS = {"normal": N_("Normal"), "abnormal": N_("Abnormal")}
FINDING_TEXTS = {"breasts": N_("Breasts"), "lochia": N_("Lochia"), "uterus": N_("Uterus"),
                 "wound": N_("Wound")}
CLASSIFICATION_TEXTS = {"recovered": N_("Recovered"), "not_recovered": N_("Not recovered")}
DISPOSAL_TEXTS = {"close": N_("Close the record"), "refer": N_("Refer")}
GUIDANCE_TEXTS = {"sexual_health": N_("Sexual health"), "contraception": N_("Contraception"),
                  "infant_feeding": N_("Infant feeding"), "other": N_("Other")}
POSTPARTUM_FIELDS = ("kind", "visit_date", "sbp", "dbp", "breasts", "lochia", "uterus",
                     "wound", "general_health", "mental_state", "other", "classification",
                     "disposal", "disposal_reason", "refer_to")


def _iso(text: str | None) -> date | None:
    try:
        return date.fromisoformat((text or "").strip())
    except ValueError:
        return None


class PostpartumForm(FormDialog):
    def __init__(self, session: Any, pregnancy: dict, delivery_date: str | None,
                 kind: str = "postpartum_7d", parent: QWidget | None = None) -> None:
        super().__init__(session, "postpartum", parent)
        self.pregnancy = pregnancy
        self.delivery_date = _iso(delivery_date)
        self.add_combo("kind", N_("Visit"), KIND_CHOICES, blank=False)
        self.set_value("kind", kind)
        self.add_date("visit_date", N_("Visit date"), today())
        self.add_line("sbp", N_("Blood pressure, systolic (mmHg)"), width=100)
        self.add_line("dbp", N_("Blood pressure, diastolic (mmHg)"), width=100)
        for name, label in FINDING_TEXTS.items():
            self.add_combo(name, label, {k: NORMAL_TEXTS[k] for k in NORMAL_ABNORMAL})
        self.add_line("general_health", N_("General health"))
        self.add_line("mental_state", N_("Mental state"))
        self.add_line("other", N_("Other findings"))
        self.add_combo("classification", N_("Classification (42-day check)"),
                       {k: CLASSIFICATION_TEXTS[k] for k in CLASSIFICATIONS})
        self.guidance_row = QWidget(objectName="guidance")
        row = QHBoxLayout(self.guidance_row)
        row.setContentsMargins(0, 0, 0, 0)
        self.guidance: dict[str, QCheckBox] = {}
        for code in GUIDANCE:
            box = QCheckBox(objectName=f"guidance_{code}")
            self.guidance[code] = box
            row.addWidget(box)
            self._order.append(box)
        self.guidance_caption = QLabel()
        self.form.addRow(self.guidance_caption, self.guidance_row)
        self.issue_labels["guidance"] = IssueLabel("guidance_error")
        self.form.addRow("", self.issue_labels["guidance"])
        self.add_combo("disposal", N_("Disposal"), {k: DISPOSAL_TEXTS[k] for k in DISPOSALS})
        self.add_line("disposal_reason", N_("Reason for referral"))
        self.add_line("refer_to", N_("Referred to"))
        self.finish()
        self.resize(620, 640)

    def retranslate_form(self) -> None:
        self.setWindowTitle(_("Postpartum visit"))
        self.guidance_caption.setText(_("Guidance given"))
        for code, box in self.guidance.items():
            box.setText(_(GUIDANCE_TEXTS[code]))

    def collect(self) -> dict[str, Any]:
        values = self.text_values(POSTPARTUM_FIELDS)
        values["guidance"] = [c for c, box in self.guidance.items() if box.isChecked()]
        return values

    def precheck(self, values: dict[str, Any]) -> list[ValidationIssue]:
        return check_postpartum_visit(values, today(),
                                      delivery_date=self.delivery_date).issues

    def submit(self, values: dict[str, Any]) -> Any:
        return self.session.record_postpartum_visit(self.pregnancy["id"], values,
                                                    today=today())


class DeathReportForm(FormDialog):
    """The maternal death report card: urgent, sent first at the next sync."""

    def __init__(self, session: Any, person: dict, parent: QWidget | None = None) -> None:
        super().__init__(session, "death", parent)
        self.person = person
        self.note = QLabel(objectName="death_note")
        self.note.setWordWrap(True)
        self.note.setStyleSheet("color: #b00020; font-weight: bold;")
        self.form.addRow(self.note)
        self.add_date("event_date", N_("Date of death"), today())
        self.add_line("place", N_("Place of death"))
        self.add_combo("place_level", N_("Level of the place"), PLACE_LEVEL_TEXTS)
        self.add_line("cause", N_("Cause of death"))
        self.add_line("reporter_phone", N_("Reporter's phone"), width=200)
        self.add_line("notes", N_("Notes"))
        self.finish()
        self.resize(600, 420)

    def retranslate_form(self) -> None:
        self.setWindowTitle(_("Maternal death report"))
        self.note.setText(_("An urgent report: it is sent to central first at the next sync. "
                            "The woman's record is marked as died and her case is closed."))

    def collect(self) -> dict[str, Any]:
        return self.text_values(("event_date", "place", "place_level", "cause",
                                 "reporter_phone", "notes"))

    def submit(self, values: dict[str, Any]) -> Any:
        return self.session.report_maternal_death(self.person["id"], values, today=today())


class FollowupForm(FormDialog):
    """A follow-up of a high-risk case (the next date defaults to one interval later)."""

    def __init__(self, session: Any, case: dict, parent: QWidget | None = None) -> None:
        super().__init__(session, "followup", parent)
        self.case = case
        self.add_date("followup_date", N_("Follow-up date"), today())
        self.add_combo("status", N_("Condition"), FOLLOWUP_STATUS_TEXTS, blank=False)
        self.add_line("notes", N_("Notes"))
        self.add_date("next_date", N_("Next follow-up (empty: by the plan)"))
        self.finish()
        self.resize(520, 300)

    def retranslate_form(self) -> None:
        self.setWindowTitle(_("Case follow-up"))

    def collect(self) -> dict[str, Any]:
        return self.text_values(("followup_date", "status", "notes", "next_date"))

    def submit(self, values: dict[str, Any]) -> Any:
        return self.session.record_case_followup(self.case["id"], values, today=today())


MARK_TEXTS = {"not_reachable": N_("Not reachable"), "moved_away": N_("Moved away")}


class MarkForm(FormDialog):
    """Mark a worklist row "not reachable" (back in a week) or "moved away", with a reason."""

    def __init__(self, session: Any, row: Any, outcome: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(session, "mark", parent)
        self.row = row
        self.outcome = outcome
        self.what = QLabel(objectName="mark_what")
        self.form.addRow(self.what)
        self.add_line("reason", N_("Reason"))
        self.finish()
        self.resize(480, 200)

    def retranslate_form(self) -> None:
        self.setWindowTitle(_(MARK_TEXTS[self.outcome]))
        from desktop.ui.models.display import person_name

        self.what.setText(f"{person_name(self.row)} — {kind_text(self.row.item.kind)}")

    def collect(self) -> dict[str, Any]:
        return {"reason": self.value("reason")}

    def submit(self, values: dict[str, Any]) -> Any:
        return self.session.mark_work_item(self.row, self.outcome, values["reason"],
                                           today=today())
