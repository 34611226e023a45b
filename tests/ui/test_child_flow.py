"""Child health on screen, end to end on a real encrypted store: register a preterm,
low-birth-weight girl born elsewhere, the newborn home visit, the 28-day and 3- and
6-month checks typed into the forms, then the growth chart shows her points where the
painter's own mapping puts them."""

from __future__ import annotations

from datetime import date

import pytest
from children_helpers import (
    VILLAGE,
    ago,
    choose,
    click,
    find,
    make_page,
    press_enter,
    set_date,
    type_into,
    wait_saved,
)
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QCheckBox, QComboBox, QLabel, QTableView, QTableWidget, QTabWidget
from ui_helpers import screenshot

from desktop.printing.growth_chart import POINT_COLOUR
from desktop.services.session import Session

TODAY = date.today()


@pytest.fixture
def session(made):
    return Session(made.store, made.admin)




def close_to(colour: QColor, target: QColor, tolerance: int = 90) -> bool:
    return (abs(colour.red() - target.red()) + abs(colour.green() - target.green())
            + abs(colour.blue() - target.blue())) <= tolerance


def record_visit(qtbot, record, kind: str, on: date, values: dict[str, str],
                 choices: dict[str, object] | None = None, ticks: tuple[str, ...] = ()):
    choose(record, "check_kind", kind)
    click(qtbot, record, "record_check")
    form = record.open_form
    assert form is not None and form.objectName() == f"child_visit_form_{kind}"
    set_date(form, "visit_date", on)
    for name, code in (choices or {}).items():
        choose(form, name, code)
    for name in ticks:
        find(form, QCheckBox, name).setChecked(True)
    type_into(qtbot, form, values)
    with qtbot.waitSignal(record.loaded, timeout=5000):
        press_enter(qtbot, form, "weight_kg")  # Enter saves
        wait_saved(qtbot, form)
    return form


def test_register_newborn_visit_checks_and_chart(qtbot, session):
    birth = ago(TODAY, 200)
    page = make_page(qtbot, session, TODAY)
    form = page.open_register_form()
    type_into(qtbot, form, {"name_zh": "小草", "birth_weight_kg": "2.1", "birth_ga": "35+2"})
    choose(form, "sex", "F")
    set_date(form, "birth_date", birth)
    choose(form, "area_code", VILLAGE)
    with qtbot.waitSignal(page.record.loaded, timeout=5000):
        press_enter(qtbot, form, "name_zh")
    record = page.record
    assert find(record, QLabel, "child_name").text() == "小草"
    flags = find(record, QLabel, "child_flags")
    assert flags.isVisible() and "早产" in flags.text() and "低出生体重" in flags.text()
    # Special management brings its extra contacts into the schedule.
    kinds = find(record, QComboBox, "check_kind")
    assert kinds.findData("special_14d") >= 0

    newborn = record_visit(qtbot, record, "newborn", ago(TODAY, 195), {
        "weight_kg": "2.2", "length_cm": "45.5", "head_cm": "31.5", "temperature_c": "36.7"},
        {"feeding": "exclusive_breastfeeding", "jaundice": "mild", "umbilicus": "normal",
         "screen_metabolic": "normal", "screen_hearing": "pass"},
        ("vaccine_hepb1", "vaccine_bcg"))
    result = find(newborn, QLabel, "form_result").text()
    assert "年龄别体重" in result and "特殊管理" in result
    screenshot(newborn, "child_newborn_form_zh")
    newborn.close()
    record_visit(qtbot, record, "28d", ago(TODAY, 171), {
        "weight_kg": "3.1", "length_cm": "49", "head_cm": "34"},
        {"feeding": "exclusive_breastfeeding"}).close()
    record_visit(qtbot, record, "3m", ago(TODAY, 110), {
        "weight_kg": "4.9", "length_cm": "56.5", "head_cm": "37.5"},
        {"feeding": "mixed", "lying": "lying"}).close()
    six = record_visit(qtbot, record, "6m", ago(TODAY, 17), {
        "weight_kg": "6.6", "length_cm": "63", "head_cm": "41", "hb_g_l": "104"},
        {"feeding": "complementary", "hearing": "pass"})
    six_result = find(six, QLabel, "form_result").text()
    assert "轻度贫血" in six_result
    screenshot(six, "child_check_form_zh")
    six.close()

    visits = find(record, QTableWidget, "visits_table")
    dates = [visits.item(r, 2).text() for r in range(visits.rowCount())]
    assert ago(TODAY, 195).isoformat() in dates and ago(TODAY, 17).isoformat() in dates
    row_6m = dates.index(ago(TODAY, 17).isoformat())
    assert visits.item(row_6m, 7).text() != ""  # WAZ shown

    tabs = find(record, QTabWidget, "child_tabs")
    tabs.setCurrentIndex(2)
    choose(record, "chart_choice", "waz")
    chart = record.chart
    qtbot.waitUntil(lambda: chart.isVisible())
    page.show()
    qtbot.waitExposed(page)
    image = chart.grab().toImage()
    frame = chart.frame()
    assert len(chart.points) == 4
    ratio = image.devicePixelRatio()
    for x, y in chart.points:
        p = frame.map(x, y)
        centre = QPoint(round(p.x() * ratio), round(p.y() * ratio))
        assert close_to(image.pixelColor(centre), POINT_COLOUR), (x, y)
    # A point the child does not have is not painted: the 6-month point one kg lower.
    empty = frame.map(chart.points[-1][0], chart.points[-1][1] - 1.0)
    assert not close_to(image.pixelColor(QPoint(round(empty.x() * ratio),
                                                round(empty.y() * ratio))), POINT_COLOUR)
    screenshot(page, "child_chart_tab_zh")
    tabs.setCurrentIndex(0)
    screenshot(page, "child_record_zh")

    page.show_list()
    with qtbot.waitSignal(page.listed, timeout=5000):
        page.reload()
    table = find(page, QTableView, "children_table")
    model = table.model()
    assert model.rowCount() == 1
    flags_col = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())].index("标记")
    assert "早产" in model.index(0, flags_col).data()
    screenshot(page, "children_list_zh")
    qtbot.wait(20)
