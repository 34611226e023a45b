"""The table model of the Children page: one row per child_list.ChildSummary.

Texts are made when asked (data()), so a language switch only needs a layout refresh.
Overdue checks or doses and flags are drawn in red; special management and HBIG are the
flags a worker must not miss.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor

from desktop.i18n import N_, _
from desktop.i18n import child_texts as ct
from desktop.i18n.formatting import format_date
from desktop.ui.models.rows import RowsModel

COLUMNS = (
    ("name", N_("Name")),
    ("sex", N_("Sex")),
    ("age", N_("Age")),
    ("village", N_("Village")),
    ("mother", N_("Mother")),
    ("next_check", N_("Next check")),
    ("next_dose", N_("Next vaccination")),
    ("flags", N_("Flags")),
    ("nutrition", N_("Latest growth")),
)
HBIG_FLAG = N_("HBIG needed")
REFERRAL_FLAG = N_("Referral")
OVERDUE_SINCE = N_("{what} (overdue since {date})")
DUE_ON = N_("{what} ({date})")
DEAD = N_("Died")
DOSE_OVERDUE = N_("{what} (overdue: catch up)")
ALERT = QColor(176, 0, 32)


def child_name(row: Any) -> str:
    return row.name_zh or row.name_mn or row.name_latin or "—"


def flags_text(row: Any) -> str:
    parts = [ct.code_text(ct.SPECIAL_MGMT, c) for c in row.special_mgmt]
    if row.hbig_needed:
        parts.append(_(HBIG_FLAG))
    if row.referral:
        parts.append(_(REFERRAL_FLAG))
    return _(ct.LIST_SEPARATOR).join(parts)


class ChildrenModel(RowsModel):
    HEADERS = tuple(label for _key, label in COLUMNS)

    def cell(self, row: Any, column: int, role: int) -> Any:
        key = COLUMNS[column][0]
        if role == Qt.ItemDataRole.DisplayRole:
            return self.text(row, key)
        if role == Qt.ItemDataRole.ForegroundRole and self._alert(row, key):
            return QBrush(ALERT)
        return None

    def _alert(self, row: Any, key: str) -> bool:
        if key == "next_check":
            return row.next_check is not None and row.next_check.overdue
        if key == "next_dose":
            return row.next_dose is not None and row.next_dose.status == "overdue"
        if key == "flags":
            return bool(row.special_mgmt or row.hbig_needed or row.referral)
        if key == "nutrition":
            return bool(row.nutrition)
        return False

    def text(self, row: Any, key: str) -> str:
        if key == "name":
            return child_name(row)
        if key == "sex":
            return ct.code_text(ct.SEXES, row.sex)
        if key == "age":
            if row.status == "dead":
                return _(DEAD)
            return ct.age_text(row.birth_date, self.today)
        if key == "village":
            return row.area_code or ""
        if key == "mother":
            return row.mother_name or ""
        if key == "next_check":
            check = row.next_check
            if check is None:
                return ""
            what = ct.code_text(ct.CHECK_KINDS, check.kind)
            if check.overdue:
                return _(OVERDUE_SINCE, what=what, date=format_date(check.due_by,
                                                                     style="short"))
            return _(DUE_ON, what=what, date=format_date(check.due_from, style="short"))
        if key == "next_dose":
            dose = row.next_dose
            if dose is None:
                return ""
            what = ct.dose_text(dose.vaccine, dose.dose)
            if dose.status == "overdue":
                return _(DOSE_OVERDUE, what=what)
            when = dose.planned_on or self.today
            return _(DUE_ON, what=what, date=format_date(when, style="short"))
        if key == "flags":
            return flags_text(row)
        if key == "nutrition":
            if row.nutrition_on is None:
                return ""
            if not row.nutrition:
                return _(ct.NUTRITION_NORMAL)
            return ct.codes_text(ct.NUTRITION, row.nutrition)
        return ""
