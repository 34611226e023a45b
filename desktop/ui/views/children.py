"""The Children page: search and list of the children 0–6 years, a child's record, and
registering a child born elsewhere. `open_child_item` lets the worklist open the right
form for a child work item.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.i18n import N_, _
from desktop.services.session import Changes
from desktop.ui.errors import message_for
from desktop.ui.models.children_model import ChildrenModel
from desktop.ui.tasks import run_task
from desktop.ui.views.children_record import ChildRecordView
from desktop.ui.widgets.base import BusyBar, Retranslatable
from desktop.ui.widgets.tables import fit_columns

SEARCH_DELAY_MS = 250
COUNT_TEXT = N_("{count} children")
LIMIT_TEXT = N_("{count} children (the youngest; search to find others)")
NONE_FOUND = N_("No child found. Check the spelling, or register the child.")
LIST_LIMIT = 300
CHILD_KIND_PREFIX = "child_"
VACCINATION_KIND = "child_vaccination"


class ChildrenPage(Retranslatable, QWidget):
    """Emits `changed(Changes)` after any save (the main window redraws its status)."""

    changed = Signal(object)
    listed = Signal()

    def __init__(self, session: Any, parent: QWidget | None = None,
                 today: date | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("page_children")
        self.session = session
        self._today = today
        self._generation = 0

        self.search = QLineEdit(objectName="children_search")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._schedule_search)
        self.search.returnPressed.connect(self.open_selected)
        self.timer = QTimer(self, objectName="children_search_timer")
        self.timer.setSingleShot(True)
        self.timer.setInterval(SEARCH_DELAY_MS)
        self.timer.timeout.connect(self.reload)
        self.register_button = QPushButton(objectName="register_child_button")
        self.register_button.clicked.connect(self.open_register_form)
        self.open_button = QPushButton(objectName="open_child_button")
        self.open_button.clicked.connect(self.open_selected)
        self.table = QTableView(objectName="children_table")
        # The model belongs to its view, so the view (which still asks it for data while
        # it goes) is destroyed before the model is.
        self.model = ChildrenModel(self.table, today=self.today)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.setAlternatingRowColors(True)
        fit_columns(self.table)
        self.table.activated.connect(self._activated)  # Enter or double-click
        self.count_label = QLabel(objectName="children_count")
        self.error_label = QLabel(objectName="children_error")
        self.error_label.setStyleSheet("color: #b00020;")
        self.error_label.hide()
        self.busy = BusyBar("children_busy")

        list_page = QWidget(objectName="children_list_page")
        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addWidget(self.open_button)
        top.addWidget(self.register_button)
        column = QVBoxLayout(list_page)
        column.addLayout(top)
        column.addWidget(self.busy)
        column.addWidget(self.error_label)
        column.addWidget(self.table, 1)
        column.addWidget(self.count_label)
        self.record = ChildRecordView(session, self, today=today)
        self.record.back.connect(self.show_list)
        self.record.changed.connect(self._record_changed)
        self.stack = QStackedWidget(objectName="children_stack")
        self.stack.addWidget(list_page)
        self.stack.addWidget(self.record)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.stack)
        self.setTabOrder(self.search, self.table)
        self.retranslate()
        self.reload()

    @property
    def today(self) -> date:
        return self._today or date.today()

    def retranslate(self) -> None:
        self.search.setPlaceholderText(_("Search children: name, pinyin, initials, ID number, "
                                         "phone"))
        self.register_button.setText(_("Register a child born elsewhere…"))
        self.open_button.setText(_("Open record"))
        self.model.retranslate()
        self._show_count()

    # -- list -------------------------------------------------------------------------
    def _schedule_search(self, _text: str) -> None:
        self.timer.start()

    def reload(self) -> None:
        """Read the list off the GUI thread; a newer query overtakes an older one."""
        self.timer.stop()
        self._generation += 1
        generation = self._generation
        query = self.search.text().strip()
        session, today = self.session, self.today
        self.busy.show()
        run_task(self, lambda _ctx: session.children_list(query, today=today),
                 lambda rows: self._listed(generation, rows), self._failed)

    def _listed(self, generation: int, rows: list[Any]) -> None:
        if generation != self._generation:
            return
        self.busy.hide()
        self.error_label.hide()
        self.model.replace_rows(rows, self.today)
        if rows:
            self.table.selectRow(0)
        self._show_count()
        self.listed.emit()

    def _failed(self, exc: BaseException) -> None:
        self.busy.hide()
        self.error_label.setText(message_for(exc))
        self.error_label.show()

    def _show_count(self) -> None:
        count = self.model.rowCount()
        if count == 0 and self.search.text().strip():
            self.count_label.setText(_(NONE_FOUND))
        elif count >= LIST_LIMIT and not self.search.text().strip():
            self.count_label.setText(_(LIMIT_TEXT, count=count))
        else:
            self.count_label.setText(_(COUNT_TEXT, count=count))

    # -- record -------------------------------------------------------------------------
    def _activated(self, index: QModelIndex) -> None:
        child_id = self.model.id_at(index.row())
        if child_id:
            self.open_child(child_id)

    def open_selected(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        row = rows[0].row() if rows else (0 if self.model.rowCount() == 1 else -1)
        child_id = self.model.id_at(row)
        if child_id:
            self.open_child(child_id)

    def open_child(self, child_id: str) -> ChildRecordView:
        self.stack.setCurrentWidget(self.record)
        self.record.load(child_id)
        self.record.tabs.setFocus()
        return self.record

    def show_list(self) -> None:
        self.stack.setCurrentIndex(0)
        self.table.setFocus()

    def _record_changed(self, changes: Changes) -> None:
        self.changed.emit(changes)
        self.reload()

    def open_register_form(self) -> Any:
        from desktop.ui.views.child_forms.register_form import RegisterChildForm

        form = RegisterChildForm(self.session, self, today=self.today)
        form.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        form.saved.connect(self._registered)
        form.open()
        return form

    def _registered(self, changes: Changes) -> None:
        self.changed.emit(changes)
        self.reload()
        if changes.ids:
            self.open_child(changes.ids[0])


def open_child_item(parent: QWidget, session: Any, item: Any,
                    today: date | None = None) -> QWidget | None:
    """Open the form for a child WorkItem (desktop.domain.worklist): "child_<kind>" (a
    newborn visit, the 28-day check, a regular or special-management check) opens that
    visit form, "child_vaccination" the dose form with the child's plan. Returns the
    opened (non-blocking) dialog, whose `saved(result)` signal fires after a save; None
    for a kind that is not a child item. The plan is read on the GUI thread (a few ms)."""
    kind = getattr(item, "kind", "")
    if not kind.startswith(CHILD_KIND_PREFIX):
        return None
    child_id = item.person_id
    today = today or date.today()
    form: Any
    if kind == VACCINATION_KIND:
        from desktop.ui.views.child_forms.vaccination_form import VaccinationForm

        plan = session.vaccination_plan(child_id, today=today)
        doses = (item.details or {}).get("doses") or []
        first = (doses[0]["vaccine"], int(doses[0]["dose"])) if doses else None
        form = VaccinationForm(session, child_id, plan, parent, today=today, preselect=first)
    else:
        from desktop.ui.views.child_forms.visit_form import VisitForm

        birth_text = (item.details or {}).get("birth_date")
        if birth_text:
            birth = date.fromisoformat(str(birth_text))
        else:
            birth = date.fromisoformat(session.child_record(child_id, today)["person"][
                "birth_date"])
        form = VisitForm(session, child_id, kind[len(CHILD_KIND_PREFIX):], birth, parent,
                         today=today)
    form.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    form.open()
    return form
