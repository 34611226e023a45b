"""The high-risk register: open cases with the woman, colours, status and next follow-up."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor

from desktop.i18n import N_, _
from desktop.i18n.worklist_texts import CASE_STATUS_TEXTS, LEVEL_TEXTS, text
from desktop.ui.models.display import day_text, edd_ga_text, person_name, village_text
from desktop.ui.models.rows import RowsModel
from desktop.ui.widgets.risk_badge import COLOURS_ROLE, ordered

COLUMNS = (N_("Name"), N_("Village"), N_("Phone"), N_("Risk"), N_("Case status"),
           N_("Referral level"), N_("Next follow-up"), N_("EDD / GA"))
RISK_COLUMN = 3
OVERDUE_INK = "#b00020"


def overdue(case: dict, today: date) -> bool:
    due = case.get("next_followup")
    return bool(due) and case.get("status") != "closed" and str(due) < today.isoformat()


def case_colours(case: dict) -> tuple[str, ...]:
    colours = case.get("colours") or case.get("risk_colours") or [case.get("colour")]
    return ordered(c for c in colours if isinstance(c, str))


def sort_cases(cases: Sequence[dict], today: date) -> list[dict]:
    """Open cases first; among them overdue follow-ups first (most overdue first), then by
    next follow-up date; closed last."""
    def key(case: dict) -> tuple:
        return (case.get("status") == "closed", not overdue(case, today),
                case.get("next_followup") or "9999", case.get("opened_on") or "")
    return sorted(cases, key=key)


class HighRiskModel(RowsModel):
    """Rows are the register's case dicts, sorted by sort_cases."""

    HEADERS = COLUMNS

    @property
    def cases(self) -> list[dict]:
        return self.rows

    def set_cases(self, cases: Sequence[dict], today: date) -> None:
        self.replace_rows(sort_cases(cases, today), today)

    def row_id(self, case: dict) -> str | None:
        return case.get("person_id")

    def cell(self, case: dict, column: int, role: int) -> Any:
        if role == COLOURS_ROLE and column == RISK_COLUMN:
            return case_colours(case)
        if role == Qt.ItemDataRole.ForegroundRole and column == 6 and overdue(case, self.today):
            return QBrush(QColor(OVERDUE_INK))
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if column == 0:
            return person_name(case)
        if column == 1:
            return village_text(case.get("village") or case.get("area_code"))
        if column == 2:
            return case.get("phone") or ""
        if column == 4:
            return text(CASE_STATUS_TEXTS, case.get("status"))
        if column == 5:
            return text(LEVEL_TEXTS, case.get("referral_level"))
        if column == 6:
            due = day_text(case.get("next_followup"))
            if overdue(case, self.today):
                return _("{date} (overdue)", date=due)
            return due
        if column == 7:
            return edd_ga_text(case.get("edd"), self.today) if case.get("status") != "closed" \
                else ""
        return None
