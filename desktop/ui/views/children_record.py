"""One child's record: header (name, sex, birth date, age, mother, flags), the checks on
the national schedule with measurements, z-scores and classifications, the vaccination
card with the catch-up plan, the growth charts and the case reports.

The record is read off the GUI thread (one audited read) and redrawn after every save.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.domain import child_schedule as sched
from desktop.domain import growth as growth_rules
from desktop.domain import vaccines as vacc
from desktop.i18n import N_, _
from desktop.i18n import child_texts as ct
from desktop.i18n.formatting import format_date, format_number
from desktop.services import children as child_service
from desktop.services.session import Changes
from desktop.ui.errors import message_for
from desktop.ui.models.children_model import HBIG_FLAG, REFERRAL_FLAG, child_name
from desktop.ui.tasks import run_task
from desktop.ui.widgets.base import BusyBar, Retranslatable
from desktop.ui.widgets.growth_chart_widget import GrowthChartWidget
from desktop.ui.widgets.tables import fit_columns

VISIT_COLUMNS = (N_("Contact"), N_("Window"), N_("Visit date"), N_("Age"), N_("Weight (kg)"),
                 N_("Length/height (cm)"), N_("Head (cm)"), N_("WAZ"), N_("LHAZ"),
                 N_("WLHZ"), N_("HCZ"), N_("Growth"), N_("Referral"))
DOSE_COLUMNS = (N_("Vaccine and dose"), N_("Status"), N_("Recommended"), N_("Given / planned"))
CHARTS = (("waz", N_("Weight-for-age")), ("lhaz", N_("Length/height-for-age")),
          ("wlh", N_("Weight-for-length/height")), ("hcz", N_("Head circumference-for-age")))
HEADER_LINE = N_("{sex} · born {birth} · {age} · village {village}")
MOTHER_LINE = N_("Mother: {name}")
NO_MOTHER = N_("Mother: not in the records")
CATCH_UP = N_("Catch-up plan: {plan}")
NO_CATCH_UP = N_("No doses overdue.")
PLAN_ITEM = N_("{dose} on {date}")
DIED = N_("Died")
REPORT_LINE = N_("{kind}, {date}{urgent}")
URGENT_MARK = N_(" (urgent)")
DONE_TEXT = N_("done")
MISSED = N_("missed")
DUE_NOW = N_("due now")
OVERDUE_ROW = QColor(255, 228, 228)
DUE_ROW = QColor(255, 246, 214)
DONE_ROW = QColor(232, 245, 233)
KIND_ROLE = Qt.ItemDataRole.UserRole + 1


def _num(value: Any, decimals: int = 1) -> str:
    return "" if value is None else format_number(float(value), decimals=decimals)


class ChildRecordView(Retranslatable, QWidget):
    """Emits `back` (to the list) and `changed(Changes)` after a save."""

    back = Signal()
    changed = Signal(object)
    loaded = Signal()

    def __init__(self, session: Any, parent: QWidget | None = None,
                 today: date | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("child_record")
        self.session = session
        self._today = today
        self.child_id: str | None = None
        self.record: dict[str, Any] | None = None
        self.summary: Any = None
        self.reports: list[dict[str, Any]] = []
        self.points: dict[str, list[Any]] = {}
        self.open_form: QWidget | None = None

        self.back_button = QPushButton(objectName="child_back")
        self.back_button.clicked.connect(self.back)
        self.name_label = QLabel(objectName="child_name")
        font = QFont(self.name_label.font())
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        self.name_label.setFont(font)
        self.info_label = QLabel(objectName="child_info")
        self.mother_label = QLabel(objectName="child_mother")
        self.flags_label = QLabel(objectName="child_flags")
        self.flags_label.setWordWrap(True)
        self.flags_label.setStyleSheet("color: #b00020; font-weight: bold;")
        self.error_label = QLabel(objectName="child_error")
        self.error_label.setStyleSheet("color: #b00020;")
        self.error_label.hide()
        self.busy = BusyBar("child_busy")

        self.kind_combo = QComboBox(objectName="check_kind")
        self.kind_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.check_button = QPushButton(objectName="record_check")
        self.check_button.clicked.connect(lambda: self.open_visit_form(
            self.kind_combo.currentData()))
        self.dose_button = QPushButton(objectName="record_dose")
        self.dose_button.clicked.connect(lambda: self.open_vaccination_form())
        self.death_button = QPushButton(objectName="report_death")
        self.death_button.clicked.connect(self.open_death_form)
        self.defect_button = QPushButton(objectName="report_defect")
        self.defect_button.clicked.connect(self.open_defect_form)
        self.print_button = QPushButton(objectName="print_handbook_button")
        self.print_button.clicked.connect(self.open_print)

        self.tabs = QTabWidget(objectName="child_tabs")
        self.visits_table = self._table("visits_table", len(VISIT_COLUMNS))
        self.visits_table.itemActivated.connect(self._visit_activated)
        self.doses_table = self._table("doses_table", len(DOSE_COLUMNS))
        self.doses_table.itemActivated.connect(self._dose_activated)
        self.catch_up_label = QLabel(objectName="catch_up")
        self.catch_up_label.setWordWrap(True)
        doses_tab = QWidget(objectName="doses_tab")
        column = QVBoxLayout(doses_tab)
        column.addWidget(self.catch_up_label)
        column.addWidget(self.doses_table, 1)
        self.chart_choice = QComboBox(objectName="chart_choice")
        self.chart_choice.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        for key, _title in CHARTS:
            self.chart_choice.addItem("", key)
        self.chart_choice.currentIndexChanged.connect(self.show_chart)
        self.chart = GrowthChartWidget(object_name="growth_chart")
        chart_tab = QWidget(objectName="chart_tab")
        column = QVBoxLayout(chart_tab)
        column.addWidget(self.chart_choice, 0, Qt.AlignmentFlag.AlignLeft)
        column.addWidget(self.chart, 1)
        self.reports_list = QListWidget(objectName="reports_list")
        self.tabs.addTab(self.visits_table, "")
        self.tabs.addTab(doses_tab, "")
        self.tabs.addTab(chart_tab, "")
        self.tabs.addTab(self.reports_list, "")

        top = QHBoxLayout()
        top.addWidget(self.back_button)
        top.addWidget(self.name_label)
        top.addStretch(1)
        actions = QHBoxLayout()
        actions.addWidget(self.kind_combo)
        actions.addWidget(self.check_button)
        actions.addWidget(self.dose_button)
        actions.addStretch(1)
        actions.addWidget(self.defect_button)
        actions.addWidget(self.death_button)
        actions.addWidget(self.print_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.info_label)
        layout.addWidget(self.mother_label)
        layout.addWidget(self.flags_label)
        layout.addWidget(self.error_label)
        layout.addWidget(self.busy)
        layout.addLayout(actions)
        layout.addWidget(self.tabs, 1)
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self, self.back.emit,
                  context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.retranslate()

    def _table(self, name: str, columns: int) -> QTableWidget:
        table = QTableWidget(0, columns, objectName=name)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.verticalHeader().hide()
        fit_columns(table)
        return table

    @property
    def today(self) -> date:
        return self._today or date.today()

    # -- loading ------------------------------------------------------------------------
    def load(self, child_id: str) -> None:
        """Read the child's record off the GUI thread and show it."""
        self.child_id = child_id
        self.busy.show()
        self.error_label.hide()
        session, today = self.session, self.today

        def read(_ctx: Any) -> tuple:
            record = session.child_record(child_id, today=today)
            summary = session.children_list(today=today, ids=[child_id])
            try:
                reports = session.open_record(child_id).reports
            except Exception:  # noqa: BLE001 - the reports tab stays empty, the record shows
                reports = []
            points = {ind: child_service.growth_points(record["person"], record["visits"], ind)
                      for ind in ("waz", "lhaz", "wfl", "wfh", "hcz")}
            return record, summary[0] if summary else None, reports, points

        run_task(self, read, self._loaded, self._failed)

    def _loaded(self, result: tuple) -> None:
        self.busy.hide()
        self.record, self.summary, self.reports, self.points = result
        self.show_record()
        self.loaded.emit()

    def _failed(self, exc: BaseException) -> None:
        self.busy.hide()
        self.error_label.setText(message_for(exc))
        self.error_label.show()

    # -- showing ------------------------------------------------------------------------
    def retranslate(self) -> None:
        self.back_button.setText(_("← Children"))
        self.check_button.setText(_("Record check…"))
        self.dose_button.setText(_("Record vaccination…"))
        self.death_button.setText(_("Report death…"))
        self.defect_button.setText(_("Report birth defect…"))
        self.print_button.setText(_("Print handbook"))
        for i, title in enumerate((_("Checks"), _("Vaccinations"), _("Growth charts"),
                                   _("Case reports"))):
            self.tabs.setTabText(i, title)
        self.visits_table.setHorizontalHeaderLabels([_(c) for c in VISIT_COLUMNS])
        self.doses_table.setHorizontalHeaderLabels([_(c) for c in DOSE_COLUMNS])
        for i, (_key, title) in enumerate(CHARTS):
            self.chart_choice.setItemText(i, _(title))
        if self.record is not None:
            self.show_record()

    def open_print(self) -> QWidget | None:
        """The print dialog for this child's handbook pages (issue 7)."""
        from desktop.ui.views.print_dialog import open_print_dialog

        if not self.child_id:
            return None
        return open_print_dialog(self, self.session, self.child_id)

    def person(self) -> dict[str, Any]:
        assert self.record is not None
        return self.record["person"]

    def birth(self) -> date:
        return date.fromisoformat(self.person()["birth_date"])

    def name(self) -> str:
        return child_name(self.summary) if self.summary is not None else (
            self.person().get("name_zh") or self.person().get("name_mn") or "")

    def show_record(self) -> None:
        person = self.person()
        birth = self.birth()
        self.name_label.setText(self.name())
        dead = person.get("status") == "dead"
        age = _(DIED) if dead else ct.age_text(birth, self.today)
        self.info_label.setText(_(HEADER_LINE, sex=ct.code_text(ct.SEXES, person.get("sex")),
                                  birth=format_date(birth, style="short"), age=age,
                                  village=person.get("area_code") or ""))
        mother = self.summary.mother_name if self.summary is not None else None
        self.mother_label.setText(_(MOTHER_LINE, name=mother) if mother else _(NO_MOTHER))
        flags = [ct.code_text(ct.SPECIAL_MGMT, c) for c in person["special_mgmt"]]
        if person.get("hbig_needed"):
            flags.append(_(HBIG_FLAG))
        if self.summary is not None and self.summary.referral:
            flags.append(_(REFERRAL_FLAG) + ": " + ct.codes_text(ct.REFERRAL,
                                                                 self.summary.referral))
        self.flags_label.setText(_(ct.LIST_SEPARATOR).join(flags))
        self.flags_label.setVisible(bool(flags))
        for button in (self.check_button, self.dose_button, self.death_button,
                       self.defect_button, self.kind_combo):
            button.setEnabled(not dead)
        self._fill_kinds()
        self._fill_visits()
        self._fill_doses()
        self._fill_reports()
        self.show_chart()

    def _fill_kinds(self) -> None:
        assert self.record is not None
        current = self.kind_combo.currentData()
        done = {v["kind"] for v in self.record["visits"]}
        suggested = sched.current_check(self.birth(), self.today)
        nxt = self.summary.next_check.kind if self.summary is not None and \
            self.summary.next_check is not None else None
        self.kind_combo.blockSignals(True)
        self.kind_combo.clear()
        for window in self.record["schedule"]:
            label = ct.code_text(ct.CHECK_KINDS, window["kind"])
            if window["kind"] in done:
                label += f" ({_(DONE_TEXT)})"
            self.kind_combo.addItem(label, window["kind"])
        pick = current if self.kind_combo.findData(current) >= 0 and current not in done \
            else (nxt or suggested)
        index = self.kind_combo.findData(pick)
        self.kind_combo.setCurrentIndex(max(0, index))
        self.kind_combo.blockSignals(False)

    def _fill_visits(self) -> None:
        assert self.record is not None
        visits = {v["id"]: v for v in self.record["visits"]}
        rows: list[tuple[dict | None, dict | None]] = []
        seen: set[str] = set()
        for window in self.record["schedule"]:
            visit = visits.get(window["visit_id"]) if window["visit_id"] else None
            if visit is not None:
                seen.add(visit["id"])
            rows.append((window, visit))
        rows += [(None, v) for v in self.record["visits"] if v["id"] not in seen]
        table = self.visits_table
        table.setRowCount(len(rows))
        birth, today = self.birth(), self.today
        for r, (window, visit) in enumerate(rows):
            kind = (window or visit or {}).get("kind", "")
            cells = [ct.code_text(ct.CHECK_KINDS, kind), "", "", "", "", "", "", "", "", "",
                     "", "", ""]
            colour = None
            if window is not None:
                cells[1] = f"{format_date(window['due_from'], style='short')} – " \
                           f"{format_date(window['due_by'], style='short')}"
                if visit is None:
                    if window["due_by"] < today:
                        cells[2], colour = _(MISSED), OVERDUE_ROW
                    elif window["due_from"] <= today:
                        cells[2], colour = _(DUE_NOW), DUE_ROW
            if visit is not None:
                day = date.fromisoformat(visit["visit_date"])
                colour = DONE_ROW
                cells[2] = format_date(day, style="short")
                cells[3] = ct.age_text(birth, day)
                cells[4] = _num(visit.get("weight_kg"), 2)
                cells[5] = _num(visit.get("length_cm"))
                cells[6] = _num(visit.get("head_cm"))
                for i, key in enumerate(("waz", "lhaz", "wlhz", "hcz")):
                    cells[7 + i] = _num(visit.get(key), 2)
                codes = visit.get("growth_codes") or ()
                measured = visit.get("weight_kg") is not None or visit.get("length_cm")
                cells[11] = ct.codes_text(ct.NUTRITION, codes) if codes else (
                    _(ct.NUTRITION_NORMAL) if measured else "")
                cells[12] = ct.codes_text(ct.REFERRAL, visit.get("referral") or ())
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(KIND_ROLE, kind if visit is None else None)
                if colour is not None:
                    item.setBackground(colour)
                if c in (11, 12) and visit is not None and (
                        (c == 11 and visit.get("growth_codes")) or (c == 12 and text)):
                    item.setForeground(QColor(176, 0, 32))
                table.setItem(r, c, item)

    def _fill_doses(self) -> None:
        assert self.record is not None
        plan = self.record["vaccination_plan"]
        table = self.doses_table
        table.setRowCount(len(plan))
        for r, s in enumerate(plan):
            when = s.given_on or s.planned_on
            cells = [ct.dose_text(s.vaccine, s.dose), ct.code_text(ct.DOSE_STATUS, s.status),
                     format_date(s.recommended, style="short"),
                     format_date(when, style="short") if when else ""]
            colour = {vacc.GIVEN: DONE_ROW, vacc.OVERDUE: OVERDUE_ROW,
                      vacc.DUE: DUE_ROW}.get(s.status)
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(KIND_ROLE, None if s.status == vacc.GIVEN else (s.vaccine, s.dose))
                if colour is not None:
                    item.setBackground(colour)
                table.setItem(r, c, item)
        late = {s.vaccine for s in plan if s.status == vacc.OVERDUE}
        catch_up = sorted((s for s in plan if s.vaccine in late and s.planned_on is not None
                           and s.status != vacc.GIVEN),
                          key=lambda s: (s.planned_on, s.vaccine, s.dose))
        if catch_up:
            items = [_(PLAN_ITEM, dose=ct.dose_text(s.vaccine, s.dose),
                       date=format_date(s.planned_on, style="short")) for s in catch_up]
            self.catch_up_label.setText(_(CATCH_UP, plan=_(ct.LIST_SEPARATOR).join(items)))
            self.catch_up_label.setStyleSheet("color: #b00020; font-weight: bold;")
        else:
            self.catch_up_label.setText(_(NO_CATCH_UP))
            self.catch_up_label.setStyleSheet("")

    def _fill_reports(self) -> None:
        self.reports_list.clear()
        for report in self.reports:
            self.reports_list.addItem(_(REPORT_LINE, kind=ct.code_text(
                ct.REPORT_KINDS, report.get("kind")), date=report.get("event_date") or "",
                urgent=_(URGENT_MARK) if report.get("urgent") else ""))

    def chart_indicator(self) -> str:
        """The painter's chart for the choice: weight-for-length under 2 years of age
        (at the latest visit), weight-for-height from then on."""
        key = self.chart_choice.currentData() or "waz"
        if key != "wlh":
            return key
        assert self.record is not None
        visits = self.record["visits"]
        last_age = (date.fromisoformat(visits[-1]["visit_date"]) - self.birth()).days \
            if visits else 0
        return "wfh" if last_age >= growth_rules.HEIGHT_FROM_DAYS else "wfl"

    def show_chart(self, *_args: object) -> None:
        if self.record is None:
            return
        indicator = self.chart_indicator()
        points = self.points.get(indicator, [])
        labels = [f"{format_date(p.on, style='short')}: {format_number(p.y, decimals=1)}"
                  for p in points]
        self.chart.set_chart(indicator, self.person()["sex"], [(p.x, p.y) for p in points],
                             labels)

    # -- forms --------------------------------------------------------------------------
    def _visit_activated(self, item: QTableWidgetItem) -> None:
        kind = item.data(KIND_ROLE)
        if kind:
            self.open_visit_form(kind)

    def _dose_activated(self, item: QTableWidgetItem) -> None:
        dose = item.data(KIND_ROLE)
        if dose:
            self.open_vaccination_form(tuple(dose))

    def _show_form(self, form: Any) -> Any:
        form.saved.connect(self._saved)
        form.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.open_form = form
        form.open()
        return form

    def open_visit_form(self, kind: str | None) -> Any:
        from desktop.ui.views.child_forms.visit_form import VisitForm

        if self.record is None or not kind:
            return None
        return self._show_form(VisitForm(self.session, self.child_id or "", kind, self.birth(),
                                         self, today=self.today, child_name=self.name()))

    def open_vaccination_form(self, dose: tuple[str, int] | None = None) -> Any:
        from desktop.ui.views.child_forms.vaccination_form import VaccinationForm

        if self.record is None:
            return None
        return self._show_form(VaccinationForm(
            self.session, self.child_id or "", self.record["vaccination_plan"], self,
            today=self.today, preselect=dose, child_name=self.name()))

    def open_death_form(self) -> Any:
        from desktop.ui.views.child_forms.report_forms import DeathReportForm

        return self._show_form(DeathReportForm(self.session, self.child_id or "", self,
                                               today=self.today, child_name=self.name()))

    def open_defect_form(self) -> Any:
        from desktop.ui.views.child_forms.report_forms import BirthDefectReportForm

        return self._show_form(BirthDefectReportForm(self.session, self.child_id or "", self,
                                                     today=self.today,
                                                     child_name=self.name()))

    def _saved(self, result: Any) -> None:
        tables = getattr(result, "tables", None) or frozenset({"child_visits"})
        self.changed.emit(Changes(tables=frozenset(tables), ids=(self.child_id or "",)))
        if self.child_id:
            self.load(self.child_id)

