"""The Women list: search hits with their ongoing pregnancy (EDD, colours)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from desktop.i18n import N_, _
from desktop.ui.models.display import age_text, edd_ga_text, person_name, village_text
from desktop.ui.widgets.risk_badge import COLOURS_ROLE

ID_ROLE = Qt.ItemDataRole.UserRole + 1

COLUMNS = (N_("Name"), N_("Age"), N_("Village"), N_("Phone"), N_("EDD / GA"), N_("Risk"))
RISK_COLUMN = 5


class WomenModel(QAbstractTableModel):
    """Rows of search.PersonHit (women first); pregnancies maps person id → summary dict
    (edd, risk_colours) of the ongoing pregnancy."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.hits: list[Any] = []
        self.pregnancies: Mapping[str, dict] = {}
        self.today = date.today()

    def set_rows(self, hits: Sequence[Any], pregnancies: Mapping[str, dict],
                 today: date) -> None:
        self.beginResetModel()
        self.hits = list(hits)
        self.pregnancies = dict(pregnancies)
        self.today = today
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()  # noqa: B008, N802
                 ) -> int:
        return 0 if parent.isValid() else len(self.hits)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()  # noqa: B008, N802
                    ) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return _(COLUMNS[section])
        return None

    def person_id(self, row: int) -> str | None:
        return self.hits[row].id if 0 <= row < len(self.hits) else None

    def data(self, index: QModelIndex | QPersistentModelIndex,
             role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        hit = self.hits[index.row()]
        preg = self.pregnancies.get(hit.id) or {}
        column = index.column()
        if role == ID_ROLE:
            return hit.id
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
