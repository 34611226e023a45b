"""Table columns that never cut what they show.

Qt's usual recipe (columns sized to their contents, the last one stretched) cuts the last
column's text with "…" when the other columns already fill the view: in Mongolian, whose
headings and words are often twice as wide as the Chinese, the last column of most lists
was unreadable. `fit_columns` sizes every column to its contents (the rows on screen and
the heading) and gives the last one whatever room is left, but never less than its own
contents: when the columns are wider than the view, the view scrolls sideways instead.
"""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QHeaderView, QTableView


class ColumnFitter(QObject):
    """Keeps *view*'s columns as wide as their contents (see the module docstring)."""

    def __init__(self, view: QTableView) -> None:
        super().__init__(view)
        self.view = view
        header = view.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self.fit)
        header.sectionCountChanged.connect(self._later)
        header.geometriesChanged.connect(self._later)
        header.sectionResized.connect(self._resized)
        view.viewport().installEventFilter(self)
        self._model = None
        self._watch_model()

    def _alive(self) -> bool:
        # A table deletes its model (which signals) while it is being destroyed itself.
        return shiboken6.isValid(self) and shiboken6.isValid(self.view)

    def _watch_model(self) -> None:
        model = self.view.model()
        if model is None or model is self._model:
            return
        self._model = model
        for signal in (model.modelReset, model.layoutChanged, model.rowsInserted,
                       model.rowsRemoved, model.dataChanged, model.headerDataChanged):
            signal.connect(self._later)

    def _later(self, *_args: object) -> None:
        if self._alive():
            self._watch_model()
            self._timer.start()

    def _resized(self, section: int, _old: int, _new: int) -> None:
        if self._alive() and section != self._last():
            self._timer.start()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt
        if event.type() == QEvent.Type.Resize:
            self._timer.start()
        return False

    def _last(self) -> int:
        header = self.view.horizontalHeader()
        for visual in range(header.count() - 1, -1, -1):
            logical = header.logicalIndex(visual)
            if not header.isSectionHidden(logical):
                return logical
        return -1

    def fit(self) -> None:
        """Size the last column now: its contents, or the rest of the view if wider."""
        if not self._alive():
            return
        self._watch_model()
        header = self.view.horizontalHeader()
        last = self._last()
        if last < 0:
            return
        for section in range(header.count()):
            mode = (QHeaderView.ResizeMode.Interactive if section == last
                    else QHeaderView.ResizeMode.ResizeToContents)
            if header.sectionResizeMode(section) != mode:
                header.setSectionResizeMode(section, mode)
        need = max(header.sectionSizeHint(last), self.view.sizeHintForColumn(last))
        others = header.length() - header.sectionSize(last)
        room = self.view.viewport().width() - others
        width = max(need, room)
        if header.sectionSize(last) != width:
            header.resizeSection(last, width)


def fit_columns(view: QTableView) -> ColumnFitter:
    """Make *view*'s columns fit their contents for good (owned by the view)."""
    existing = view.findChild(ColumnFitter)
    return existing if existing is not None else ColumnFitter(view)
