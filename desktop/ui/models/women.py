"""The Women list: search hits with their ongoing pregnancy (EDD, colours)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from PySide6.QtCore import Qt

from desktop.i18n import N_
from desktop.ui.models.display import age_text, edd_ga_text, person_name, village_text
from desktop.ui.models.rows import RowsModel
from desktop.ui.widgets.risk_badge import COLOURS_ROLE

COLUMNS = (N_("Name"), N_("Age"), N_("Village"), N_("Phone"), N_("EDD / GA"), N_("Risk"))
RISK_COLUMN = 5


class WomenModel(RowsModel):
    """Rows of search.PersonHit (women first); pregnancies maps person id → summary dict
    (edd, risk_colours) of the ongoing pregnancy."""

    HEADERS = COLUMNS

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.pregnancies: Mapping[str, dict] = {}

    def set_rows(self, hits: Sequence[Any], pregnancies: Mapping[str, dict],
                 today: date) -> None:
        self.pregnancies = dict(pregnancies)
        self.replace_rows(hits, today)

    def cell(self, hit: Any, column: int, role: int) -> Any:
        preg = self.pregnancies.get(hit.id) or {}
        if role == COLOURS_ROLE and column == RISK_COLUMN:
            return tuple(c for c in (preg.get("risk_colours") or hit.risk_colours or ())
                         if c)
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if column == 0:
            return person_name(hit)
        if column == 1:
            return age_text(hit.birth_date, self.today)
        if column == 2:
            return village_text(hit.area_code)
        if column == 3:
            return hit.phone or ""
        if column == 4:
            return edd_ga_text(preg.get("edd"), self.today)
        return None
