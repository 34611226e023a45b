"""The Reports page (issue 8): choose a period and an area, compute every indicator off the
GUI thread (progress bar, cancel), read numerator, denominator and rate; click a figure for
the persons behind it; a chart of the chosen indicator (monthly trend or villages side by
side); export CSV/XLSX; print the report (the same chart painter on the page)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QImage, QPageSize, QPainter, QPaintEvent, QPdfWriter
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.domain import indicators as ind
from desktop.i18n import N_, _
from desktop.i18n.messages import error_text
from desktop.printing.report_charts import paint_bars, paint_trend
from desktop.services import report_export, reports
from desktop.ui.tasks import run_task
from desktop.ui.widgets.base import Retranslatable
from desktop.ui.widgets.vertical_text import is_vertical_language

PERIOD_KINDS = (("month", N_("Month")), ("quarter", N_("Quarter")), ("year", N_("Year")),
                ("statistical", N_("Statistical year (Oct–Sep)")), ("custom", N_("Custom")))
STATUS_TEXTS = {ind.CONFIRMED: N_("confirmed"), ind.PARTIAL: N_("partly confirmed"),
                ind.UNCONFIRMED: N_("to be checked")}
COLUMNS = (N_("Indicator"), N_("Numerator"), N_("Denominator"), N_("Rate (%)"),
           N_("Definition"))
CHART_KINDS = (("trend", N_("Monthly trend")), ("villages", N_("Villages side by side")))


def indicator_title(indicator: ind.Indicator) -> str:
    """The translated name of a row (vaccination rows name their vaccine and dose)."""
    if indicator.group == ind.VACCINATION:
        return _("{title}: {vaccine} dose {dose}", title=_(indicator.title),
                 vaccine=indicator.params["vaccine"], dose=indicator.params["dose"])
    return _(indicator.title)


class PersonsDialog(QDialog):
    """Who is behind one figure (a list; names, birth date, village)."""

    def __init__(self, title: str, lines: list[reports.PersonLine], parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("report_persons")
        self.setWindowTitle(title)
        self.list = QListWidget(objectName="report_persons_list")
        for p in lines:
            name = p.name_zh or p.name_mn or p.id[:8]
            self.list.addItem(f"{name}  {p.birth_date or ''}  {p.area_code or ''}")
        close = QPushButton(_("Close"), objectName="report_persons_close")
        close.clicked.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(_("{count} persons", count=len(lines))))
        layout.addWidget(self.list)
        layout.addWidget(close)
        self.resize(420, 480)


class ChartView(QWidget):
    """The page's chart, painted at whatever size the page gives it (a picture made once
    would be cut when the page gets narrower, e.g. beside the Mongolian navigation)."""

    def __init__(self, page: ReportsPage) -> None:
        super().__init__(page)
        self.setObjectName("report_chart")
        self.page = page
        self.setMinimumSize(360, 220)

    def paintEvent(self, _event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        painter = QPainter(self)
        try:
            painter.fillRect(self.rect(), Qt.GlobalColor.white)
            if self.page.report is not None:
                self.page._paint(painter, QRectF(self.rect()))
        finally:
            painter.end()


class ReportsPage(Retranslatable, QWidget):
    def __init__(self, session: Any, parent: QWidget | None = None,
                 today: date | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("page_reports")
        self.session = session
        self.today = today or date.today()
        self.report: reports.Report | None = None
        self.trend_data: list[tuple[ind.Period, ind.Figure]] = []
        self._task = None
        self.last_persons: PersonsDialog | None = None

        self.heading = QLabel(objectName="page_reports_title")
        font = self.heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        self.heading.setFont(font)
        self.kind = QComboBox(objectName="report_period_kind")
        self.year = QSpinBox(objectName="report_year", minimum=2000, maximum=2100)
        self.year.setValue(self.today.year)
        self.sub = QSpinBox(objectName="report_sub", minimum=1, maximum=12)
        self.sub.setValue(self.today.month)
        self.custom = QLineEdit(objectName="report_custom")
        self.custom.setPlaceholderText("2025-01..2025-12")
        self.area = QComboBox(objectName="report_area")
        self.compute_button = QPushButton(objectName="report_compute")
        self.cancel_button = QPushButton(objectName="report_cancel")
        self.cancel_button.setEnabled(False)
        self.progress = QProgressBar(objectName="report_progress")
        self.progress.setVisible(False)
        self.summary = QLabel(objectName="report_summary")
        self.table = QTableWidget(0, len(COLUMNS), objectName="report_table")
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        # Indicator names wrap (in Mongolian they are twice as long as in Chinese): each row
        # is as high as its name needs.
        self.table.setWordWrap(True)
        self.table.verticalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents)
        self.table.verticalHeader().setVisible(False)
        self.table.cellClicked.connect(self._cell_clicked)
        self.table.currentCellChanged.connect(lambda *_a: self._chart_changed())
        self.chart_kind = QComboBox(objectName="report_chart_kind")
        self.chart_kind.currentIndexChanged.connect(lambda _i: self._chart_changed())
        self.chart = ChartView(self)
        self.csv_button = QPushButton(objectName="report_export_csv")
        self.xlsx_button = QPushButton(objectName="report_export_xlsx")
        self.print_button = QPushButton(objectName="report_print")
        for b in (self.csv_button, self.xlsx_button, self.print_button):
            b.setEnabled(False)

        top = QHBoxLayout()
        for w in (self.kind, self.year, self.sub, self.custom, self.area, self.compute_button,
                  self.cancel_button):
            top.addWidget(w)
        top.addStretch(1)
        right = QVBoxLayout()
        right.addWidget(self.chart_kind)
        right.addWidget(self.chart, 1)
        buttons = QHBoxLayout()
        for b in (self.csv_button, self.xlsx_button, self.print_button):
            buttons.addWidget(b)
        right.addLayout(buttons)
        middle = QHBoxLayout()
        middle.addWidget(self.table, 3)
        middle.addLayout(right, 2)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addLayout(top)
        layout.addWidget(self.progress)
        layout.addWidget(self.summary)
        layout.addLayout(middle, 1)

        self.kind.currentIndexChanged.connect(lambda _i: self._kind_changed())
        self.compute_button.clicked.connect(self.compute)
        self.cancel_button.clicked.connect(self._cancel)
        self.csv_button.clicked.connect(lambda: self._export("csv"))
        self.xlsx_button.clicked.connect(lambda: self._export("xlsx"))
        self.print_button.clicked.connect(self._print)
        self._fill_areas()
        self.retranslate()

    # -- texts ------------------------------------------------------------------------
    def retranslate(self) -> None:
        self.heading.setText(_("Reports"))
        # In Mongolian the window shows the page's title as a vertical strip beside it.
        self.heading.setVisible(not is_vertical_language())
        if self.report is None:
            self.summary.setText(_("Choose the period and the area, then press “Compute”."))
        self.chart.update()  # its titles are painted in the language of the moment
        kind = self.kind.currentIndex()
        self.kind.blockSignals(True)
        self.kind.clear()
        for key, text in PERIOD_KINDS:
            self.kind.addItem(_(text), key)
        self.kind.setCurrentIndex(max(kind, 2))
        self.kind.blockSignals(False)
        chart = self.chart_kind.currentIndex()
        self.chart_kind.blockSignals(True)
        self.chart_kind.clear()
        for key, text in CHART_KINDS:
            self.chart_kind.addItem(_(text), key)
        self.chart_kind.setCurrentIndex(max(chart, 0))
        self.chart_kind.blockSignals(False)
        if self.area.count():
            self.area.setItemText(0, _("Whole township"))
        self.compute_button.setText(_("Compute"))
        self.cancel_button.setText(_("Cancel"))
        self.csv_button.setText(_("Export CSV…"))
        self.xlsx_button.setText(_("Export XLSX…"))
        self.print_button.setText(_("Print…"))
        self.table.setHorizontalHeaderLabels([_(c) for c in COLUMNS])
        self._kind_changed()
        if self.report is not None:
            self._show(self.report)

    def _fill_areas(self) -> None:
        township, villages = reports.area_names(self.session)
        self.area.addItem("", township or None)
        for code in villages:
            self.area.addItem(code, code)

    def _kind_changed(self) -> None:
        kind = self.kind.currentData()
        self.sub.setVisible(kind in ("month", "quarter"))
        self.sub.setMaximum(4 if kind == "quarter" else 12)
        self.year.setVisible(kind != "custom")
        self.custom.setVisible(kind == "custom")

    # -- computing ----------------------------------------------------------------------
    def period(self) -> ind.Period:
        """The chosen period; ReportPeriodError for a bad custom text."""
        kind, year, sub = self.kind.currentData(), self.year.value(), self.sub.value()
        if kind == "month":
            return ind.Period.month(year, sub)
        if kind == "quarter":
            return ind.Period.quarter(year, sub)
        if kind == "statistical":
            return ind.Period.statistical_year(year)
        if kind == "custom":
            return reports.parse_period(self.custom.text())
        return ind.Period.year(year)

    def compute(self) -> None:
        try:
            period = self.period()
        except reports.ReportPeriodError as exc:
            QMessageBox.warning(self, _("Reports"), error_text(exc))
            return
        area = self.area.currentData()
        self.progress.setVisible(True)
        self.progress.setRange(0, 0)
        self.compute_button.setEnabled(False)
        self.cancel_button.setEnabled(True)

        def op(ctx: Any) -> reports.Report:
            return reports.run_report(self.session, period, area, ctx.report,
                                      lambda: ctx.cancelled)

        def progressed(done: int, total: int) -> None:
            self.progress.setRange(0, total)
            self.progress.setValue(done)

        self._task = run_task(self, op, self._computed, self._failed, on_progress=progressed)

    def _cancel(self) -> None:
        if self._task is not None:
            self._task.cancel()

    def _done(self) -> None:
        self._task = None
        self.progress.setVisible(False)
        self.compute_button.setEnabled(True)
        self.cancel_button.setEnabled(False)

    def _failed(self, exc: BaseException) -> None:
        self._done()
        if not isinstance(exc, reports.ReportStoppedError):
            from desktop.ui.errors import show_error

            show_error(self, exc)

    def _computed(self, report: reports.Report) -> None:
        self._done()
        self.report = report
        self._show(report)
        for b in (self.csv_button, self.xlsx_button, self.print_button):
            b.setEnabled(True)
        if self.table.rowCount():
            self.table.selectRow(0)
        self._chart_changed()

    def _show(self, report: reports.Report) -> None:
        self.summary.setText(_("{period}: {deliveries} deliveries, {children} children read"
                               " in {seconds} s", period=report.period.label,
                               deliveries=report.counts.get("deliveries", 0),
                               children=report.counts.get("children", 0),
                               seconds=report.seconds))
        self.table.setRowCount(len(report.rows))
        for r, row in enumerate(report.rows):
            rate = row.figure.rate
            cells = (indicator_title(row.indicator), str(row.figure.numerator),
                     str(row.figure.denominator), "—" if rate is None else f"{rate:.1f}",
                     _(STATUS_TEXTS.get(row.indicator.status, row.indicator.status)))
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, row.code)
                if c in (1, 2, 3):
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight
                                          | Qt.AlignmentFlag.AlignVCenter)
                if c == 4:
                    item.setToolTip(_(row.indicator.numerator_text) + " / "
                                    + _(row.indicator.denominator_text)
                                    + "\n" + row.indicator.source)
                self.table.setItem(r, c, item)

    # -- drill-down ---------------------------------------------------------------------
    def _cell_clicked(self, r: int, c: int) -> None:
        if self.report is not None and c in (1, 2):
            self.open_persons(self.report.rows[r].code, numerator=c == 1)

    def open_persons(self, code: str, numerator: bool) -> None:
        """Show the persons behind the numerator (or denominator) of *code*."""
        assert self.report is not None
        row = self.report.row(code)
        ids = row.figure.numerator_ids if numerator else row.figure.denominator_ids
        title = indicator_title(row.indicator) + " — " + (
            _("Numerator") if numerator else _("Denominator"))

        def shown(lines: list[reports.PersonLine]) -> None:
            self.last_persons = PersonsDialog(title, lines, self)
            self.last_persons.show()

        run_task(self, lambda _ctx: reports.run_persons(self.session, list(ids)), shown)

    # -- charts -------------------------------------------------------------------------
    def selected_code(self) -> str | None:
        if self.report is None or not self.report.rows:
            return None
        r = self.table.currentRow()
        return self.report.rows[r if 0 <= r < len(self.report.rows) else 0].code

    def _chart_changed(self) -> None:
        code = self.selected_code()
        if code is None or self.report is None:
            return
        if self.chart_kind.currentData() == "trend":
            report = self.report

            def op(ctx: Any) -> list:
                return reports.run_trend(self.session, report.period, code, report.area,
                                         lambda: ctx.cancelled)

            def got(series: list) -> None:
                self.trend_data = series
                self._paint_chart()

            run_task(self, op, got)
        else:
            self._paint_chart()

    def chart_image(self, width: int = 640, height: int = 380) -> QImage:
        """The current chart as a picture (what the page and the print show)."""
        image = QImage(width, height, QImage.Format.Format_RGB32)
        image.fill(Qt.GlobalColor.white)
        painter = QPainter(image)
        try:
            self._paint(painter, QRectF(0, 0, width, height))
        finally:
            painter.end()
        return image

    def _paint(self, painter: QPainter, rect: QRectF) -> None:
        code = self.selected_code()
        if code is None or self.report is None:
            return
        row = self.report.row(code)
        title = indicator_title(row.indicator)
        if self.chart_kind.currentData() == "trend":
            labels = [p.label[-2:] for p, _f in self.trend_data]
            paint_trend(painter, rect, title, labels, [f.rate for _p, f in self.trend_data])
        else:
            villages = self.report.villages
            values = [row.by_village[v].rate if v in row.by_village else None
                      for v in villages]
            paint_bars(painter, rect, title, [v[-3:] for v in villages], values)

    def _paint_chart(self) -> None:
        self.chart.update()

    # -- export and print ---------------------------------------------------------------
    def _label(self, code: str) -> str:
        assert self.report is not None
        return indicator_title(self.report.row(code).indicator)

    def export_to(self, path: Path) -> Path:
        assert self.report is not None
        header = ("code", _("Indicator"), _("Area"), _("Numerator"), _("Denominator"),
                  _("Rate (%)"), "per", _("Definition"), _("From"), _("To"))
        if path.suffix.lower() == ".xlsx":
            return report_export.to_xlsx(self.report, path, self._label, header,
                                         _("Reports"))
        return report_export.to_csv(self.report, path, self._label, header)

    def _export(self, kind: str) -> None:
        name = f"report-{self.report.period.label.replace('..', '_')}.{kind}" \
            if self.report else f"report.{kind}"
        path, _filter = QFileDialog.getSaveFileName(self, _("Export"), name,
                                                    f"*.{kind}")
        if path:
            try:
                self.export_to(Path(path))
            except OSError as exc:
                QMessageBox.warning(self, _("Export"), _("The file could not be written: "
                                                         "{detail}", detail=str(exc)))

    def print_to(self, path: Path) -> Path:
        """The report on A4 pages as a PDF: the table, then the chart."""
        assert self.report is not None
        writer = QPdfWriter(str(path))
        writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
        writer.setResolution(150)
        painter = QPainter(writer)
        try:
            self._print_pages(painter, writer)
        finally:
            painter.end()
        return path

    def _print_pages(self, painter: QPainter, device: Any) -> None:
        assert self.report is not None
        width, height = device.width(), device.height()
        margin = width * 0.06
        painter.setFont(self.font())
        font = painter.font()
        font.setPixelSize(max(8, round(width / 70)))
        painter.setFont(font)
        line = painter.fontMetrics().height() * 1.3
        y = margin + line
        painter.drawText(int(margin), int(y), _("Reports") + "  " + self.report.period.label
                         + "  " + (self.report.area or ""))
        y += line * 1.5
        for row in self.report.rows:
            if y > height - margin:
                device.newPage()
                y = margin + line
            rate = row.figure.rate
            painter.drawText(int(margin), int(y), indicator_title(row.indicator))
            painter.drawText(int(width * 0.62), int(y), str(row.figure.numerator))
            painter.drawText(int(width * 0.72), int(y), str(row.figure.denominator))
            painter.drawText(int(width * 0.84), int(y), "—" if rate is None else f"{rate:.1f}")
            y += line
        device.newPage()
        self._paint(painter, QRectF(margin, margin, width - 2 * margin, height * 0.4))

    def _print(self) -> None:
        path, _filter = QFileDialog.getSaveFileName(self, _("Print…"), "report.pdf", "*.pdf")
        if path:
            self.print_to(Path(path))
