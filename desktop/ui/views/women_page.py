"""The Women page: search as you type (names in any script, pinyin, initials, ID, phone,
handbook number) and the list of matches with age, village, phone, EDD/GA and risk badges.
Enter or a double click opens the record; New woman registers one.

The search waits for a pause in typing (SEARCH_DELAY_MS) and runs off the GUI thread; an
answer to an older query is dropped when a newer one was asked meanwhile.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.i18n import _
from desktop.ui.models.women import RISK_COLUMN, WomenModel
from desktop.ui.tasks import run_task
from desktop.ui.widgets.base import BusyBar, Retranslatable
from desktop.ui.widgets.risk_badge import RiskBadgeDelegate
from desktop.ui.widgets.tables import fit_columns

SEARCH_DELAY_MS = 250
RESULT_LIMIT = 100


def open_record_dialog(parent: QWidget, session: Any, person_id: str,
                       on_changed: Any = None) -> QWidget:
    """Open a woman's record in its own window (the audited open); returns the dialog."""
    from desktop.ui.views.record_view import RecordDialog

    dialog = RecordDialog(session, person_id, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    if on_changed is not None:
        dialog.changed.connect(on_changed)
    dialog.show()
    return dialog


class WomenPage(Retranslatable, QWidget):
    changed = Signal(object)
    searched = Signal(str)  # the query whose results are now shown

    def __init__(self, session: Any, _kdf: Any = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("page_women")
        self.session = session
        self._asked = 0
        self.last_dialog: QWidget | None = None
        self.search_box = QLineEdit(objectName="women_search")
        self.search_box.setClearButtonEnabled(True)
        self.search_box.textChanged.connect(self._typed)
        self.search_box.installEventFilter(self)
        self.new_button = QPushButton(objectName="new_woman_button")
        self.new_button.clicked.connect(self.new_woman)
        self.open_button = QPushButton(objectName="open_woman_button")
        self.open_button.clicked.connect(self.open_selected)
        self.busy = BusyBar("women_busy")
        self.hint = QLabel(objectName="women_hint")
        self.hint.setWordWrap(True)
        self.model = WomenModel(self)
        self.table = QTableView(objectName="women_table")
        self.table.setModel(self.model)
        self.table.setItemDelegateForColumn(RISK_COLUMN, RiskBadgeDelegate(self.table))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        fit_columns(self.table)
        self.table.doubleClicked.connect(lambda _i: self.open_selected())
        self.table.activated.connect(lambda _i: self.open_selected())
        self.timer = QTimer(self, objectName="women_search_timer")
        self.timer.setSingleShot(True)
        self.timer.setInterval(SEARCH_DELAY_MS)
        self.timer.timeout.connect(self.search_now)

        top = QHBoxLayout()
        top.addWidget(self.search_box, 1)
        top.addWidget(self.open_button)
        top.addWidget(self.new_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.busy)
        layout.addWidget(self.hint)
        layout.addWidget(self.table, 1)
        self.retranslate()

    def retranslate(self) -> None:
        self.search_box.setPlaceholderText(_("Search: name (Chinese, pinyin, Mongolian), ID, "
                                             "phone or handbook number"))
        self.new_button.setText(_("New woman…"))
        self.open_button.setText(_("Open record"))
        self._show_hint()
        self.model.retranslate()

    def _show_hint(self) -> None:
        query = self.search_box.text().strip()
        if not query:
            self.hint.setText(_("Type part of a name, an ID or a phone number to find a "
                                "woman."))
        elif self.model.rowCount() == 0 and not self.busy.isVisible():
            self.hint.setText(_("Nobody found for “{query}”.", query=query))
        else:
            self.hint.setText(_("{count} found", count=self.model.rowCount()))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        # Down or Enter in the search box moves to the list (keyboard-only use).
        if watched is self.search_box and isinstance(event, QKeyEvent) and \
                event.type() == QEvent.Type.KeyPress:
            if event.key() in (Qt.Key.Key_Down, Qt.Key.Key_Return, Qt.Key.Key_Enter):
                if self.timer.isActive():
                    self.timer.stop()
                    self.search_now()
                if self.model.rowCount():
                    self.table.setFocus()
                    self.table.selectRow(0)
                    if event.key() != Qt.Key.Key_Down and self.model.rowCount() == 1:
                        self.open_selected()
                return True
        return super().eventFilter(watched, event)

    # -- search -----------------------------------------------------------------------------
    def _typed(self, _text: str) -> None:
        self.timer.start()

    def search_now(self) -> None:
        query = self.search_box.text().strip()
        self._asked += 1
        asked = self._asked
        if not query:
            self.model.set_rows([], {}, date.today())
            self._show_hint()
            self.searched.emit("")
            return
        session = self.session
        today = date.today()

        def op(_ctx: Any) -> tuple:
            hits = [h for h in session.search(query, RESULT_LIMIT) if h.kind == "woman"]
            return hits, session.ongoing_pregnancies([h.id for h in hits])

        self.busy.show()
        run_task(self, op, lambda result: self._found(asked, query, result, today),
                 lambda exc: self._failed(asked, exc))

    def _found(self, asked: int, query: str, result: tuple, today: date) -> None:
        if asked != self._asked:
            return  # a newer query is on its way
        self.busy.hide()
        hits, pregnancies = result
        self.model.set_rows(hits, pregnancies, today)
        if hits:
            self.table.selectRow(0)
        self._show_hint()
        self.searched.emit(query)

    def _failed(self, asked: int, exc: BaseException) -> None:
        if asked == self._asked:
            self.busy.hide()
        report_background_failure(self, exc)

    def refresh(self) -> None:
        if self.search_box.text().strip():
            self.search_now()

    # -- actions ----------------------------------------------------------------------------
    def selected_id(self) -> str | None:
        index = self.table.currentIndex()
        return self.model.id_at(index.row()) if index.isValid() else None

    def open_selected(self) -> QWidget | None:
        person_id = self.selected_id()
        return self.open_person(person_id) if person_id else None

    def open_person(self, person_id: str) -> QWidget:
        self.last_dialog = open_record_dialog(self, self.session, person_id, self._changed)
        return self.last_dialog

    def _changed(self, changes: Any) -> None:
        self.changed.emit(changes)
        self.refresh()

    def new_woman(self) -> QWidget:
        from desktop.ui.views.forms.woman_form import WomanForm

        form = WomanForm(self.session, self)
        form.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        form.open_person.connect(self.open_person)
        form.saved.connect(self._registered)
        form.open()
        self.last_dialog = form
        return form

    def _registered(self, changes: Any) -> None:
        self.changed.emit(changes)
        if changes.ids:
            self.open_person(changes.ids[0])


def report_background_failure(widget: QWidget, exc: BaseException) -> None:
    """A list that failed to load: a damaged file goes to the main window's damage path
    (lock, offer a backup) instead of a message box; anything else is shown."""
    from desktop.errors import AppError
    from desktop.ui.errors import show_error

    if isinstance(exc, AppError) and exc.code == "store.damaged":
        damaged = getattr(widget.window(), "damaged", None)
        if damaged is not None:
            damaged.emit()
            return
    show_error(widget, exc)
