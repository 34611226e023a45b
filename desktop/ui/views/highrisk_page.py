"""The high-risk register (高危孕产妇专案登记): open cases by colour and status, overdue
follow-ups first. Loads off the GUI thread; Enter or a double click opens the record."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.i18n import _
from desktop.i18n.risk_texts import colour_text
from desktop.i18n.worklist_texts import CASE_STATUS_TEXTS, text
from desktop.ui.models.highrisk import RISK_COLUMN, HighRiskModel, case_colours, overdue
from desktop.ui.models.rows import ID_ROLE
from desktop.ui.tasks import run_task
from desktop.ui.views.women_page import open_record_dialog, report_background_failure
from desktop.ui.widgets.base import BusyBar, Retranslatable
from desktop.ui.widgets.risk_badge import RiskBadgeDelegate
from desktop.ui.widgets.tables import fit_columns

COLOUR_FILTERS = ("orange", "red", "purple", "yellow")


class HighRiskPage(Retranslatable, QWidget):
    changed = Signal(object)
    loaded = Signal(int)

    def __init__(self, session: Any, _kdf: Any = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("page_highrisk")
        self.session = session
        self.cases: list[dict] = []
        self.colour_filter = QComboBox(objectName="highrisk_colour")
        self.status_filter = QComboBox(objectName="highrisk_status")
        for combo in (self.colour_filter, self.status_filter):
            # Refilled in each language: as wide as the words of the one shown now.
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.closed_box = QCheckBox(objectName="highrisk_closed")
        self.refresh_button = QPushButton(objectName="highrisk_refresh")
        self.open_button = QPushButton(objectName="highrisk_open")
        self.summary = QLabel(objectName="highrisk_summary")
        self.busy = BusyBar("highrisk_busy")
        self.model = HighRiskModel(self)
        self.table = QTableView(objectName="highrisk_table")
        self.table.setModel(self.model)
        self.table.setItemDelegateForColumn(RISK_COLUMN, RiskBadgeDelegate(self.table))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        fit_columns(self.table)
        self.table.activated.connect(lambda _i: self.open_selected())
        self.table.doubleClicked.connect(lambda _i: self.open_selected())
        self.colour_filter.currentIndexChanged.connect(self._apply)
        self.status_filter.currentIndexChanged.connect(self._apply)
        self.closed_box.toggled.connect(lambda _c: self.refresh())
        self.refresh_button.clicked.connect(self.refresh)
        self.open_button.clicked.connect(self.open_selected)
        top = QHBoxLayout()
        top.addWidget(self.colour_filter)
        top.addWidget(self.status_filter)
        top.addWidget(self.closed_box)
        top.addStretch(1)
        top.addWidget(self.open_button)
        top.addWidget(self.refresh_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.busy)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        self._loaded_once = False
        self.retranslate()

    def retranslate(self) -> None:
        for combo, items in ((self.colour_filter, [(None, _("All colours"))] + [
                (c, colour_text(c)) for c in COLOUR_FILTERS]),
                (self.status_filter, [(None, _("All statuses"))] + [
                    (s, text(CASE_STATUS_TEXTS, s)) for s in CASE_STATUS_TEXTS])):
            current = combo.currentData()
            combo.blockSignals(True)
            combo.clear()
            for code, label in items:
                combo.addItem(label, code)
            combo.setCurrentIndex(max(0, combo.findData(current)))
            combo.blockSignals(False)
        self.closed_box.setText(_("Show closed cases"))
        self.refresh_button.setText(_("Refresh"))
        self.open_button.setText(_("Open record"))
        self._apply()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        self.refresh()

    def refresh(self) -> None:
        session = self.session
        include_closed = self.closed_box.isChecked()
        self.busy.show()
        run_task(self, lambda _ctx: session.high_risk_register(include_closed), self._loaded,
                 self._failed)

    def _failed(self, exc: BaseException) -> None:
        self.busy.hide()
        report_background_failure(self, exc)

    def _loaded(self, cases: list[dict]) -> None:
        self.busy.hide()
        self.cases = cases
        self._apply()
        self.loaded.emit(self.model.rowCount())

    def _apply(self) -> None:
        colour = self.colour_filter.currentData()
        status = self.status_filter.currentData()
        shown = [c for c in self.cases if (colour is None or colour in case_colours(c))
                 and (status is None or c.get("status") == status)]
        today = date.today()
        self.model.set_cases(shown, today)
        late = sum(1 for c in shown if overdue(c, today))
        self.summary.setText(_("{count} cases, {late} with an overdue follow-up",
                               count=len(shown), late=late))

    def open_selected(self) -> QWidget | None:
        index = self.table.currentIndex()
        if not index.isValid():
            return None
        person_id = self.model.index(index.row(), 0).data(ID_ROLE)
        return open_record_dialog(self, self.session, person_id, self._changed)

    def _changed(self, changes: Any) -> None:
        self.changed.emit(changes)
        self.refresh()
