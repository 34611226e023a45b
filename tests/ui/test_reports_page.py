"""The Reports page on a real demo store: compute off the GUI thread, figures in the table,
drill-down list, chart pictures with ink, export and print read back; a Chinese
screenshot in tests/out/."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QListWidget, QTableWidget, QWidget
from ui_helpers import ADMIN_PASSWORD, click, screenshot

from desktop.services.demo import create_demo
from desktop.services.session import KdfParams, Session
from desktop.ui.views.reports_page import ReportsPage

TODAY = date(2026, 11, 24)


@pytest.fixture
def session(tmp_path):
    create_demo(tmp_path / "demo", persons=300, password=ADMIN_PASSWORD, today=TODAY,
                kdf=KdfParams.floor())
    s = Session.login(tmp_path / "demo", "admin", ADMIN_PASSWORD)
    yield s
    s.close()


def _ink(image) -> int:
    """Pixels that are not white."""
    white = 0xFFFFFFFF
    return sum(1 for y in range(0, image.height(), 3) for x in range(0, image.width(), 3)
               if image.pixel(x, y) != white)


def test_compute_drill_down_chart_export_print(qtbot, session, tmp_path):
    page = ReportsPage(session, today=TODAY)
    qtbot.addWidget(page)
    page.resize(1366, 768)
    page.show()
    # Before the first report the page says what to do instead of showing a blank table.
    assert page.findChild(QLabel, "report_summary").text()
    kind = page.findChild(QComboBox, "report_period_kind")
    kind.setCurrentIndex(kind.findData("year"))
    page.year.setValue(2025)
    click(qtbot, page, "report_compute")
    qtbot.waitUntil(lambda: page.report is not None, timeout=30000)
    table = page.findChild(QTableWidget, "report_table")
    assert table.rowCount() == len(page.report.rows)
    row = page.report.row("newborn_visit")
    r = [x.code for x in page.report.rows].index("newborn_visit")
    assert table.item(r, 1).text() == str(row.figure.numerator)
    assert table.item(r, 2).text() == str(row.figure.denominator)
    assert row.figure.denominator > 0

    # The denominator's persons.
    table.cellClicked.emit(r, 2)
    qtbot.waitUntil(lambda: page.last_persons is not None, timeout=10000)
    listing = page.last_persons.findChild(QListWidget, "report_persons_list")
    assert listing.count() == len(set(row.figure.denominator_ids))
    page.last_persons.close()

    # Trend of the selected indicator, then villages side by side: both have ink.
    table.selectRow(r)
    qtbot.waitUntil(lambda: len(page.trend_data) == 12, timeout=10000)
    assert _ink(page.chart_image()) > 500
    # The chart on the page is painted at the size the page gives it, never cut.
    shown = page.findChild(QWidget, "report_chart")
    assert _ink(shown.grab().toImage()) > 500
    page.resize(900, 700)
    qtbot.wait(20)
    assert shown.width() < 500 and _ink(shown.grab().toImage()) > 300
    page.resize(1366, 768)
    bars = page.findChild(QComboBox, "report_chart_kind")
    bars.setCurrentIndex(bars.findData("villages"))
    assert _ink(page.chart_image()) > 500
    bars.setCurrentIndex(bars.findData("trend"))
    qtbot.wait(200)
    screenshot(page, "reports_page_zh_Hans_CN")

    csv_path = page.export_to(tmp_path / "r.csv")
    assert "新生儿访视率" in csv_path.read_text(encoding="utf-8-sig")
    pdf = page.print_to(tmp_path / "r.pdf")
    assert pdf.read_bytes().startswith(b"%PDF") and pdf.stat().st_size > 2000


def test_bad_custom_period_is_refused_in_words(qtbot, session, monkeypatch):
    page = ReportsPage(session, today=TODAY)
    qtbot.addWidget(page)
    kind = page.findChild(QComboBox, "report_period_kind")
    kind.setCurrentIndex(kind.findData("custom"))
    page.findChild(QLineEdit, "report_custom").setText("2025-12..2025-01")
    shown = []
    from PySide6.QtWidgets import QMessageBox

    monkeypatch.setattr(QMessageBox, "warning", lambda *a: shown.append(a[2]))
    click(qtbot, page, "report_compute")
    assert shown and "2025-12..2025-01" in shown[0]
    assert page.report is None
