"""The worklist: what is overdue, due today and due this week, grouped by village. Each row
says who, what is due, since when, the risk colours and the phone. Actions: open the record,
record the visit (the right form for the kind), mark not reachable or moved away with a
reason. Loads off the GUI thread whenever the page is shown.

Child items (issue 4's provider) are listed with their translated kind; "Record the visit"
opens the child's visit or vaccination form (desktop.ui.views.children.open_child_item).
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTabBar,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from desktop.errors import AppError
from desktop.i18n import _
from desktop.ui.errors import show_error
from desktop.ui.models.worklist import (
    FILTER_TEXTS,
    FILTERS,
    RISK_COLUMN,
    ROW_ROLE,
    WorklistModel,
)
from desktop.ui.tasks import run_task
from desktop.ui.views.women_page import open_record_dialog, report_background_failure
from desktop.ui.widgets.base import BusyBar, Retranslatable
from desktop.ui.widgets.risk_badge import RiskBadgeDelegate

MATERNAL_FORMS = {"delivery_record": "delivery", "postpartum_7d": "postpartum",
                  "postpartum_42d": "postpartum", "case_followup": "followup"}


def form_for(kind: str) -> str | None:
    """The record form that records a worklist item of *kind* (None: not a maternal form)."""
    if kind.startswith("prenatal_"):
        return "prenatal_visit"
    return MATERNAL_FORMS.get(kind)


class WorklistPage(Retranslatable, QWidget):
    changed = Signal(object)
    loaded = Signal(int)

    def __init__(self, session: Any, _kdf: Any = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("page_worklist")
        self.session = session
        self.worklist: Any = None
        self.last_dialog: QWidget | None = None
        self.filter_bar = QTabBar(objectName="worklist_filter")
        for _key in FILTERS:
            self.filter_bar.addTab("")
        self.filter_bar.currentChanged.connect(lambda _i: self._show())
        self.summary = QLabel(objectName="worklist_summary")
        self.busy = BusyBar("worklist_busy")
        self.model = WorklistModel(self)
        self.tree = QTreeView(objectName="worklist_tree")
        self.tree.setModel(self.model)
        self.tree.setItemDelegateForColumn(RISK_COLUMN, RiskBadgeDelegate(self.tree))
        self.tree.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.tree.setUniformRowHeights(True)
        self.tree.header().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        # Widths from the rows on screen: a township's list has tens of thousands.
        self.tree.header().setResizeContentsPrecision(0)
        self.tree.activated.connect(lambda _i: self.open_selected())
        self.buttons: dict[str, QPushButton] = {}
        actions = QHBoxLayout()
        for key, slot in (("open", self.open_selected), ("record", self.record_selected),
                          ("not_reachable", lambda: self.mark_selected("not_reachable")),
                          ("moved_away", lambda: self.mark_selected("moved_away")),
                          ("refresh", self.refresh),
                          ("print_sheets", self.print_sheets)):
            button = QPushButton(objectName=f"worklist_{key}_button")
            button.clicked.connect(slot)
            self.buttons[key] = button
            actions.addWidget(button)
            if key == "moved_away":
                actions.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.filter_bar)
        layout.addWidget(self.busy)
        layout.addWidget(self.summary)
        layout.addWidget(self.tree, 1)
        layout.addLayout(actions)
        self.retranslate()

    def retranslate(self) -> None:
        for index, key in enumerate(FILTERS):
            self.filter_bar.setTabText(index, _(FILTER_TEXTS[key]))
        texts = {"open": _("Open record"), "record": _("Record the visit"),
                 "not_reachable": _("Not reachable…"), "moved_away": _("Moved away…"),
                 "refresh": _("Refresh"), "print_sheets": _("Print today's visit sheets")}
        for key, button in self.buttons.items():
            button.setText(texts[key])
        self._show()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        self.refresh()

    def print_sheets(self) -> QWidget:
        """One sheet per visit due today or overdue, in one batch (issue 7)."""
        from desktop.ui.views.print_dialog import open_visit_sheets_dialog

        self.last_dialog = open_visit_sheets_dialog(self, self.session)
        return self.last_dialog

    # -- loading ----------------------------------------------------------------------------
    def refresh(self) -> None:
        session = self.session
        self.busy.show()
        run_task(self, lambda _ctx: session.worklist(), self._loaded, self._failed)

    def _failed(self, exc: BaseException) -> None:
        self.busy.hide()
        report_background_failure(self, exc)

    def _loaded(self, worklist: Any) -> None:
        self.busy.hide()
        self.worklist = worklist
        self._show()
        self.loaded.emit(len(worklist.rows))

    def current_filter(self) -> str:
        return FILTERS[max(0, self.filter_bar.currentIndex())]

    def _show(self) -> None:
        if self.worklist is None:
            self.summary.setText(_("Loading…"))
            return
        shown = self.model.show(self.worklist, self.current_filter())
        self.tree.expandAll()
        rows = self.worklist.rows
        counts = Counter(r.section for r in rows)
        self.summary.setText(_("{overdue} overdue, {today} due today, {week} this week",
                               overdue=counts["overdue"], today=counts["today"],
                               week=counts["this_week"])
                             if shown or rows else _("Nothing is due. Well done."))
        first = self.model.index(0, 0)
        if first.isValid() and self.model.rowCount(first):
            self.tree.setCurrentIndex(self.model.index(0, 0, first))

    # -- actions ----------------------------------------------------------------------------
    def selected_row(self) -> Any:
        index = self.tree.currentIndex()
        return index.data(ROW_ROLE) if index.isValid() else None

    def select_person(self, person_id: str, kind: str | None = None) -> bool:
        """Make the first row of *person_id* (and *kind*) current; True if found."""
        for v in range(self.model.rowCount()):
            village = self.model.index(v, 0)
            for r in range(self.model.rowCount(village)):
                index = self.model.index(r, 0, village)
                row = index.data(ROW_ROLE)
                if row is not None and row.item.person_id == person_id and (
                        kind is None or row.item.kind == kind):
                    self.tree.setCurrentIndex(index)
                    return True
        return False

    def open_selected(self) -> QWidget | None:
        row = self.selected_row()
        if row is None:
            return None
        self.last_dialog = open_record_dialog(self, self.session, row.item.person_id,
                                              self._changed)
        return self.last_dialog

    def record_selected(self) -> QWidget | None:
        """Open the record and, for maternal kinds, the form that records this item."""
        row = self.selected_row()
        if row is None:
            return None
        if row.item.kind.startswith("child_"):  # issue 4: the child's own visit/dose form
            from desktop.services.session import Changes
            from desktop.ui.views.children import open_child_item

            child_form = open_child_item(self, self.session, row.item)
            if child_form is not None:
                child_form.saved.connect(lambda _result: self._changed(Changes(
                    tables=frozenset({"child_visits", "vaccinations"}),
                    ids=(row.item.person_id,))))
                self.last_dialog = child_form
                return child_form
        dialog = self.open_selected()
        form = form_for(row.item.kind)
        if dialog is None or form is None:
            return dialog
        view = dialog.view  # type: ignore[attr-defined]
        kind = row.item.kind if form == "postpartum" else None
        opened = view.open_form(form, kind)
        self.last_dialog = opened or dialog
        return self.last_dialog

    def mark_selected(self, outcome: str) -> QWidget | None:
        row = self.selected_row()
        if row is None:
            return None
        from desktop.ui.views.forms.small_forms import MarkForm

        form = MarkForm(self.session, row, outcome, self)
        form.saved.connect(self._changed)
        form.open()
        self.last_dialog = form
        return form

    def _changed(self, changes: Any) -> None:
        self.changed.emit(changes)
        try:
            self.refresh()
        except AppError as exc:  # pragma: no cover - the refresh reports its own errors
            show_error(self, exc)
