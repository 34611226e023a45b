"""Recording one vaccination dose outside a check: the doses still open on the child's
plan come first (overdue, due), any dose of the schedule can be chosen."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from PySide6.QtWidgets import QComboBox, QLineEdit, QWidget

from desktop.i18n import N_
from desktop.i18n import child_texts as ct
from desktop.ui.views.child_forms.base import ChildForm, date_edit

STATUS_ORDER = {"overdue": 0, "due": 1, "waiting": 2, "upcoming": 3, "too_late": 4}
DOSE_ITEM = N_("{dose} – {status}")


def dose_key(vaccine: str, dose: int) -> str:
    """The combo's data for a dose ("HepB:2": Qt compares strings reliably)."""
    return f"{vaccine}:{int(dose)}"


def parse_key(key: str) -> tuple[str, int]:
    vaccine, _sep, dose = key.rpartition(":")
    return vaccine, int(dose)


class VaccinationForm(ChildForm):
    """*plan*: the child's vaccines.DoseStatus list; *preselect*: (vaccine, dose)."""

    def __init__(self, session: Any, child_id: str, plan: Sequence[Any],
                 parent: QWidget | None = None, today: date | None = None,
                 preselect: tuple[str, int] | None = None, child_name: str = "") -> None:
        super().__init__(session, child_id, "vaccination_form", parent)
        self.today = today or date.today()
        self.child_name = child_name
        self.open_doses = sorted((s for s in plan if s.status != "given"),
                                 key=lambda s: (STATUS_ORDER.get(s.status, 9), s.recommended))
        form = self.section("dose_section", N_("Vaccination"))
        self.dose_combo = QComboBox(objectName="dose_choice")
        for s in self.open_doses:
            self.dose_combo.addItem("", dose_key(s.vaccine, s.dose))
        if preselect is not None:
            index = self.dose_combo.findData(dose_key(*preselect))
            if index >= 0:
                self.dose_combo.setCurrentIndex(index)
        self.add_field(form, "dose", self.dose_combo, N_("Vaccine and dose"))
        self.add_field(form, "given_on", date_edit("given_on", today or date.today()),
                       N_("Given on"))
        self.add_field(form, "batch_no", QLineEdit(objectName="batch_no"), N_("Batch number"))
        self.add_field(form, "site", QLineEdit(objectName="site"), N_("Site"))
        self.body_layout.addStretch(1)
        self.resize(560, 360)
        self.retranslate()

    def retranslate(self) -> None:
        super().retranslate()
        from desktop.i18n import _

        title = _(N_("Record a vaccination"))
        self.setWindowTitle(f"{title} – {self.child_name}" if self.child_name else title)
        for i, s in enumerate(self.open_doses):
            self.dose_combo.setItemText(i, _(DOSE_ITEM, dose=ct.dose_text(s.vaccine, s.dose),
                                             status=ct.code_text(ct.DOSE_STATUS, s.status)))

    def field_for(self, issue_field: str) -> str | None:
        if issue_field.startswith("vaccinations."):
            return "dose"
        return super().field_for(issue_field)

    def save_op(self, confirmed: bool) -> Callable[[], Any]:
        chosen = self.dose_combo.currentData()
        vaccine, dose = parse_key(chosen) if chosen else (None, None)
        row = {"vaccine": vaccine, "dose": dose, "given_on": self.day("given_on"),
               "batch_no": self.raw("batch_no"), "site": self.raw("site")}
        session, child, today = self.session, self.child_id, self.today
        return lambda: session.record_vaccination(child, row, confirmed=confirmed, today=today)
