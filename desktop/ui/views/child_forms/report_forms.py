"""The case reports of a child, both urgent for sync: a death (neonatal within 28 days)
and a birth defect. The service decides the kind of death report from the dates."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtWidgets import QLabel, QLineEdit, QPlainTextEdit, QWidget

from desktop.i18n import N_, _
from desktop.ui.views.child_forms.base import ChildForm, date_edit

URGENT_NOTE = N_("This report is urgent: it is sent to the banner at the next sync.")


class _ReportForm(ChildForm):
    title_msgid = ""

    def __init__(self, session: Any, child_id: str, name: str, parent: QWidget | None,
                 child_name: str) -> None:
        super().__init__(session, child_id, name, parent)
        self.child_name = child_name
        self.note = QLabel(objectName="urgent_note")
        self.note.setWordWrap(True)
        self.note.setStyleSheet("color: #b00020; font-weight: bold;")
        self.body_layout.addWidget(self.note)
        self.resize(560, 420)

    def retranslate(self) -> None:
        super().retranslate()
        title = _(self.title_msgid)
        self.setWindowTitle(f"{title} – {self.child_name}" if self.child_name else title)
        self.note.setText(_(URGENT_NOTE))

    def _notes(self, name: str) -> QPlainTextEdit:
        edit = QPlainTextEdit(objectName=name)
        edit.setTabChangesFocus(True)
        edit.setMaximumHeight(90)
        return edit


class DeathReportForm(_ReportForm):
    title_msgid = N_("Report a child's death")

    def __init__(self, session: Any, child_id: str, parent: QWidget | None = None,
                 today: date | None = None, child_name: str = "") -> None:
        super().__init__(session, child_id, "death_report_form", parent, child_name)
        self.today = today or date.today()
        form = self.section("death_section", N_("Death"))
        self.add_field(form, "death_date", date_edit("death_date", today or date.today()),
                       N_("Date of death"))
        self.add_field(form, "cause", QLineEdit(objectName="cause"), N_("Cause"))
        self.add_field(form, "place", QLineEdit(objectName="place"), N_("Place"))
        self.add_field(form, "notes", self._notes("notes"), N_("Notes"))
        self.body_layout.addStretch(1)
        self.retranslate()

    def save_op(self, confirmed: bool) -> Callable[[], Any]:
        fields = {"death_date": self.day("death_date"), "cause": self.raw("cause"),
                  "place": self.raw("place"), "notes": self.raw("notes")}
        session, child, today = self.session, self.child_id, self.today
        return lambda: session.report_child_death(child, fields, today=today)


class BirthDefectReportForm(_ReportForm):
    title_msgid = N_("Report a birth defect")

    def __init__(self, session: Any, child_id: str, parent: QWidget | None = None,
                 today: date | None = None, child_name: str = "") -> None:
        super().__init__(session, child_id, "birth_defect_form", parent, child_name)
        self.today = today or date.today()
        form = self.section("defect_section", N_("Birth defect"))
        self.add_field(form, "defects", self._notes("defects"),
                       N_("Defects (one per line)"))
        self.add_field(form, "diagnosed_on", date_edit("diagnosed_on", today or date.today()),
                       N_("Diagnosed on"))
        self.add_field(form, "notes", self._notes("notes"), N_("Notes"))
        self.body_layout.addStretch(1)
        self.retranslate()

    def save_op(self, confirmed: bool) -> Callable[[], Any]:
        defects = [line.strip() for line in self.raw("defects").splitlines() if line.strip()]
        fields = {"defects": defects, "diagnosed_on": self.day("diagnosed_on"),
                  "notes": self.raw("notes")}
        session, child, today = self.session, self.child_id, self.today
        return lambda: session.report_birth_defect(child, fields, today=today)
