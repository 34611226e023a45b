"""The worklist as a tree: villages, then their rows (who, what, since, colours, phone).

A township's list has tens of thousands of rows: the model keeps the service's rows and
makes a cell's text only when the view asks for it (the rows on screen), so showing the
list or switching its filter costs a pass over the rows, not five items per row.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from desktop.i18n import N_, _
from desktop.i18n.worklist_texts import SECTION_TEXTS, kind_text, text
from desktop.ui.models.display import day_text, person_name, village_text
from desktop.ui.widgets.risk_badge import COLOURS_ROLE

ROW_ROLE = Qt.ItemDataRole.UserRole + 2
COLUMNS = (N_("Who"), N_("What is due"), N_("Since"), N_("Risk"), N_("Phone"))
RISK_COLUMN = 3
FILTERS = ("all", "overdue", "today", "this_week")
FILTER_TEXTS = {"all": N_("All"), "overdue": N_("Overdue"), "today": N_("Due today"),
                "this_week": N_("This week")}
OVERDUE_INK = "#b00020"
SECTION_ORDER = ("overdue", "today", "this_week")

Index = QModelIndex | QPersistentModelIndex
_DISPLAY = Qt.ItemDataRole.DisplayRole
_TOP = 0  # internal id of a village's index; a row's is its village's position + 1
_FLAGS = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable  # asked for every row


def since_text(row: Any, today: date) -> str:
    """When the item became due, and how late it is."""
    if row.section == "overdue":
        return _("{date} ({days} days overdue)", date=day_text(row.since.isoformat()),
                 days=row.days_overdue)
    if row.section == "this_week":
        return _("from {date}", date=day_text(row.since.isoformat()))
    return day_text(row.since.isoformat())


class WorklistModel(QAbstractItemModel):
    """Villages (bold, with their count) holding the rows of a worklist.Worklist that pass
    the section filter; every cell of a row gives the row under ROW_ROLE."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.groups: list[tuple[str, list[Any]]] = []
        self.today: date | None = None
        self._ink = QBrush(QColor(OVERDUE_INK))

    def show(self, worklist: Any, section_filter: str = "all") -> int:
        """Show *worklist*'s rows of *section_filter* (or all); returns how many."""
        self.beginResetModel()
        self.today = worklist.today
        self.groups = []
        for village, sections in worklist.by_village().items():
            rows = [r for name in SECTION_ORDER if section_filter in ("all", name)
                    for r in sections[name]]
            if rows:
                self.groups.append((village, rows))
        self.endResetModel()
        return sum(len(rows) for _v, rows in self.groups)

    # -- Qt's model interface ----------------------------------------------------------
    def index(self, row: int, column: int,
              parent: Index = QModelIndex()) -> QModelIndex:  # noqa: B008
        if not 0 <= column < len(COLUMNS) or row < 0:
            return QModelIndex()
        if not parent.isValid():
            return self.createIndex(row, column, _TOP) if row < len(self.groups) \
                else QModelIndex()
        if parent.internalId() != _TOP or parent.column() != 0:
            return QModelIndex()
        group = parent.row()
        if group >= len(self.groups) or row >= len(self.groups[group][1]):
            return QModelIndex()
        return self.createIndex(row, column, group + 1)

    def parent(self, *index: Index) -> Any:  # type: ignore[override]
        """An index's parent (its village, or none); with no index the model's QObject
        parent, as QObject.parent()."""
        if not index:
            return super().parent()
        child = index[0]
        if not child.isValid() or child.internalId() == _TOP:
            return QModelIndex()
        return self.createIndex(child.internalId() - 1, 0, _TOP)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        if not parent.isValid():
            return len(self.groups)
        if parent.internalId() == _TOP and parent.column() == 0:
            return len(self.groups[parent.row()][1])
        return 0

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return len(COLUMNS)

    def flags(self, index: Index) -> Qt.ItemFlag:
        return _FLAGS if index.isValid() else Qt.ItemFlag.NoItemFlags

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = _DISPLAY) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == _DISPLAY \
                and 0 <= section < len(COLUMNS):
            return _(COLUMNS[section])
        return None

    def data(self, index: Index, role: int = _DISPLAY) -> Any:
        if not index.isValid():
            return None
        if index.internalId() == _TOP:
            return self._village_data(index.row(), index.column(), role)
        row = self.groups[index.internalId() - 1][1][index.row()]
        if role == ROW_ROLE:
            return row
        return self._cell(row, index.column(), role)

    def _village_data(self, group: int, column: int, role: int) -> Any:
        if column != 0:
            return "" if role == _DISPLAY else None
        if role == _DISPLAY:
            village, rows = self.groups[group]
            return _("Village {code} ({count})", code=village_text(village), count=len(rows))
        if role == Qt.ItemDataRole.FontRole:
            font = QFont()
            font.setBold(True)
            return font
        return None

    def _cell(self, row: Any, column: int, role: int) -> Any:
        if role == _DISPLAY:
            if column == 0:
                return person_name(row)
            if column == 1:
                return kind_text(row.item.kind)
            if column == 2:
                return since_text(row, self.today or date.today())
            if column == 4:
                return row.phone or ""
            return ""
        if role == Qt.ItemDataRole.ToolTipRole and column == 1:
            return text(SECTION_TEXTS, row.section)
        if role == Qt.ItemDataRole.ForegroundRole and column == 2 \
                and row.section == "overdue":
            return self._ink
        if role == COLOURS_ROLE and column == RISK_COLUMN:
            return tuple(row.item.colours)
        return None
