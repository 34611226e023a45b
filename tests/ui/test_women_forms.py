"""The Women page and the maternal forms, driven by objectName: bad input shows its message
beside the field and keeps what was typed; possible duplicates are shown before saving;
search finds a one-character given name; Tab order and Enter; the list screenshot."""

from __future__ import annotations

from datetime import date, timedelta

from maternal_ui import (
    TODAY,
    choose,
    error_text,
    field,
    press_enter,
    register_woman,
    resident_id,
    type_into,
    window,
)
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from ui_helpers import VILLAGES, screenshot

from desktop.domain import risk
from desktop.i18n.risk_texts import ALL_TEXTS

__all__ = ["window"]


def _close_records() -> None:
    for widget in QApplication.topLevelWidgets():
        if widget.objectName() == "record_dialog":
            widget.close()


def test_every_risk_code_has_words():
    assert risk.FLAG_FACTS <= set(ALL_TEXTS)


def test_bad_input_in_the_woman_form_is_shown_beside_the_field_and_kept(qtbot, window):  # noqa: ANN001
    page = window.show_page("women")
    form = page.new_woman()
    long_name = "王" * 1000
    type_into(qtbot, form, "name_zh", long_name)
    bad_id = resident_id(date(1996, 3, 1))[:-1] + ("0" if resident_id(date(1996, 3, 1))
                                                   [-1] != "0" else "1")
    type_into(qtbot, form, "resident_id", bad_id)
    type_into(qtbot, form, "phone", "１３８００００１１１１")     # full-width digits: fine
    type_into(qtbot, form, "husband_name", "李😀")
    choose(form, "area_code", VILLAGES[0])
    press_enter(qtbot, form, "phone")
    assert form.isVisible()
    assert error_text(form, "name_zh")                  # too long (kept up to the limit)
    assert field(form, "name_zh").text() == long_name[:len(field(form, "name_zh").text())]
    assert error_text(form, "resident_id")
    assert field(form, "resident_id").text() == bad_id
    assert error_text(form, "husband_name")             # emoji is not a name
    assert field(form, "husband_name").text() == "李😀"
    assert error_text(form, "phone") == ""
    assert field(form, "phone").text() == "１３８００００１１１１"
    assert page.session.search("13800001111") == []    # nothing was saved
    form.close()


def test_duplicates_are_shown_before_saving_and_search_finds_one_character(qtbot, window):  # noqa: ANN001
    page = window.show_page("women")
    register_woman(qtbot, page, name="王丽")
    _close_records()
    form = page.new_woman()
    type_into(qtbot, form, "name_zh", "王莉")
    type_into(qtbot, form, "resident_id", resident_id(date(1996, 3, 1)))
    type_into(qtbot, form, "phone", "13800001111")
    choose(form, "area_code", VILLAGES[0])
    press_enter(qtbot, form, "phone")
    assert field(form, "duplicates_box").isVisible()
    assert field(form, "duplicates_list").count() == 1
    assert len(page.session.search("13800001111")) == 1   # not saved yet
    field(form, "open_duplicate_button").click()
    qtbot.waitUntil(lambda: page.last_dialog is not None
                    and page.last_dialog.objectName() == "record_dialog")
    assert field(page.last_dialog, "record_name").text() == "王丽"
    _close_records()

    with qtbot.waitSignal(page.searched, timeout=5000):
        type_into(qtbot, page, "women_search", "丽")
    table = field(page, "women_table")
    assert table.model().rowCount() == 1
    assert "王丽" in table.model().index(0, 0).data()
    qtbot.wait(50)
    screenshot(window, "maternal_women_list_zh")
    # Enter in the search box with one hit opens her record.
    qtbot.keyClick(field(page, "women_search"), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.last_dialog is not None
                    and page.last_dialog.objectName() == "record_dialog")
    _close_records()


def test_tab_order_and_enter_save_the_woman_form(qtbot, window):  # noqa: ANN001
    page = window.show_page("women")
    form = page.new_woman()
    form.activateWindow()
    qtbot.waitUntil(form.isActiveWindow)
    names = ["name_zh", "name_mn", "name_latin", "resident_id", "birth_date", "ethnicity",
             "occupation", "phone", "address", "area_code", "husband_name"]
    assert QApplication.focusWidget() is field(form, "name_zh")
    for name in names[1:]:
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        assert QApplication.focusWidget() is field(form, name), name
    type_into(qtbot, form, "name_zh", "乌兰")
    type_into(qtbot, form, "resident_id", resident_id(date(1990, 5, 4), seq=44))
    choose(form, "area_code", VILLAGES[1])
    press_enter(qtbot, form, "resident_id")            # Enter saves
    qtbot.waitUntil(lambda: not form.isVisible())
    assert field(form, "birth_date").text() == "1990-05-04"  # taken from the ID
    assert [h.name_zh for h in page.session.search("乌兰")] == ["乌兰"]
    _close_records()


def _pregnant(qtbot, page):  # noqa: ANN001, ANN202
    dialog = register_woman(qtbot, page)
    view = dialog.view
    view.buttons["register_pregnancy"].click()
    form = view.last_form
    # LMP in the future: refused beside the field, the text stays.
    future = (TODAY + timedelta(days=3)).isoformat()
    type_into(qtbot, form, "lmp", future)
    press_enter(qtbot, form, "lmp")
    assert error_text(form, "lmp") and field(form, "lmp").text() == future
    type_into(qtbot, form, "lmp", (TODAY - timedelta(days=120)).isoformat())
    type_into(qtbot, form, "pre_weight_kg", "55")
    press_enter(qtbot, form, "lmp")
    qtbot.waitUntil(lambda: not form.isVisible())
    return dialog


def test_bad_input_in_the_visit_form(qtbot, window):  # noqa: ANN001
    page = window.show_page("women")
    dialog = _pregnant(qtbot, page)
    view = dialog.view
    view.buttons["prenatal_visit"].click()
    visit = view.last_form
    type_into(qtbot, visit, "sbp", "300")
    type_into(qtbot, visit, "dbp", "20")
    type_into(qtbot, visit, "weight_kg", "110")        # jin: twice the 55 kg before
    type_into(qtbot, visit, "hb_g_l", "NaN")
    type_into(qtbot, visit, "fhr", "abc")
    press_enter(qtbot, visit, "sbp")
    for name in ("sbp", "dbp", "weight_kg", "hb_g_l", "fhr"):
        assert error_text(visit, name), name
    assert "55" in error_text(visit, "weight_kg")      # says what it would be in kg
    assert [field(visit, n).text() for n in ("sbp", "dbp", "weight_kg", "hb_g_l", "fhr")] \
        == ["300", "20", "110", "NaN", "abc"]
    assert view.current.visits == []
    # Corrected values save; a warning-free visit closes on the result page.
    type_into(qtbot, visit, "sbp", "118")
    type_into(qtbot, visit, "dbp", "72")
    type_into(qtbot, visit, "weight_kg", "58")
    type_into(qtbot, visit, "hb_g_l", "120")
    type_into(qtbot, visit, "fhr", "140")
    field(visit, "tick_syphilis").setChecked(True)     # purple, with no other colour
    press_enter(qtbot, visit, "sbp")
    qtbot.waitUntil(lambda: field(visit, "prenatal_result").isVisible())
    assert field(visit, "prenatal_result_badge").colours() == ("purple",)
    field(visit, "prenatal_cancel").click()
    assert field(view, "record_badge").colours() == ("purple",)
    assert len(view.current.visits) == 1
    dialog.close()


def test_twins_need_a_sex_for_each_baby(qtbot, window):  # noqa: ANN001
    page = window.show_page("women")
    dialog = _pregnant(qtbot, page)
    view = dialog.view
    view.buttons["delivery"].click()
    delivery = view.last_form
    field(delivery, "add_baby_button").click()
    choose(delivery, "babies.0.sex", "F")
    type_into(qtbot, delivery, "babies.0.birth_weight_kg", "2600")   # grams
    press_enter(qtbot, delivery, "babies.0.birth_weight_kg")
    assert error_text(delivery, "babies.0.birth_weight_kg")
    assert error_text(delivery, "babies.1.sex")
    assert field(delivery, "babies.0.birth_weight_kg").text() == "2600"
    assert view.current.deliveries == []
    delivery.close()
    dialog.close()
