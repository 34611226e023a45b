"""The read-only table model behind the Women, High-risk and Children lists.

It holds the rows (plain objects or dicts), answers Qt's counts and headings, and gives
every cell the row's id under ID_ROLE; a list says only what its cells show (`cell`).
Headings and cells are translated when Qt asks, so a language switch needs `retranslate`
and no reload.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt

from desktop.i18n import _

ID_ROLE = Qt.ItemDataRole.UserRole + 1

Index = QModelIndex | QPersistentModelIndex


class RowsModel(QAbstractTableModel):
    """Subclasses set HEADERS (marked with N_) and implement `cell`; `row_id` says which
    id a row carries (default: its `id` attribute)."""

    HEADERS: tuple[str, ...] = ()

    def __init__(self, parent: QObject | None = None, *, today: date | None = None) -> None:
        super().__init__(parent)
        self.rows: list[Any] = []
        self.today = today or date.today()

    def replace_rows(self, rows: Iterable[Any], today: date | None = None) -> None:
        """Show *rows* instead (and count ages and due dates from *today*, when given)."""
        self.beginResetModel()
        self.rows = list(rows)
        if today is not None:
            self.today = today
        self.endResetModel()

    def retranslate(self) -> None:
        """Tell the views that every heading and text changed (the language switched)."""
        if self.HEADERS:
            self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(self.HEADERS) - 1)
        if self.rows:
            self.dataChanged.emit(self.index(0, 0),
                                  self.index(len(self.rows) - 1, len(self.HEADERS) - 1))

    def id_at(self, row: int) -> str | None:
        """The id of the row shown at *row*; None past the end."""
        return self.row_id(self.rows[row]) if 0 <= row < len(self.rows) else None

    def row_id(self, row: Any) -> str | None:
        return row.id

    def cell(self, row: Any, column: int, role: int) -> Any:
        """What *row* shows in *column* for *role* (None: nothing)."""
        raise NotImplementedError

    # -- Qt's side ------------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole
                and 0 <= section < len(self.HEADERS)):
            return _(self.HEADERS[section])
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        if role == ID_ROLE:
            return self.row_id(row)
        return self.cell(row, index.column(), role)
