"""The maternal screens end to end on a real encrypted store, driven by objectName:
register → pregnancy (EDD live) → first visit with a risk factor → the colour shown → case
opened → the worklist shows the follow-up and records it → delivery of twins → postpartum
home visit and 42-day check closing the case. Screenshots at 1366×768 in Chinese."""

from __future__ import annotations

from datetime import timedelta

from maternal_ui import TODAY, choose, field, press_enter, register_woman, type_into, window
from PySide6.QtWidgets import QApplication, QTableWidget
from ui_helpers import screenshot

from desktop.ui.views.worklist_page import WorklistPage

__all__ = ["window"]


def test_register_visit_case_worklist_delivery_postpartum(qtbot, window):  # noqa: ANN001
    women = window.show_page("women")
    dialog = register_woman(qtbot, women)
    view = dialog.view
    woman_id = view.person_id
    assert field(view, "record_name").text() == "王丽"
    assert field(view, "record_badge").colours() == ()

    # Pregnancy: the EDD and GA show as the LMP is typed.
    view.buttons["register_pregnancy"].click()
    form = view.last_form
    lmp = TODAY - timedelta(days=266)
    type_into(qtbot, form, "lmp", lmp.isoformat())
    assert (lmp + timedelta(days=280)).isoformat() in field(form, "edd_preview").text()
    type_into(qtbot, form, "gravidity", "2")
    type_into(qtbot, form, "parity", "1")
    type_into(qtbot, form, "height_cm", "158")
    type_into(qtbot, form, "pre_weight_kg", "55")
    type_into(qtbot, form, "handbook_no", "150525100-2026-00001")
    press_enter(qtbot, form, "handbook_no")
    qtbot.waitUntil(lambda: not form.isVisible())
    assert view.current is not None and view.current.pregnancy["status"] == "ongoing"
    assert field(view, "record_badge").colours() == ("green",)

    # First visit with a risk factor (Hb 55 g/L): a warning first, then orange and a case.
    view.buttons["prenatal_visit"].click()
    visit = view.last_form
    type_into(qtbot, visit, "visit_date", (TODAY - timedelta(days=10)).isoformat())
    type_into(qtbot, visit, "weight_kg", "61")
    type_into(qtbot, visit, "sbp", "112")
    type_into(qtbot, visit, "dbp", "70")
    type_into(qtbot, visit, "hb_g_l", "55")
    choose(visit, "urine_protein", "-")
    screenshot(visit, "maternal_visit_form_zh")
    press_enter(qtbot, visit, "hb_g_l")
    assert "55" in field(visit, "hb_g_l_error").text()          # warned, not saved
    assert field(visit, "prenatal_save").text() != ""
    assert view.current.visits == []
    press_enter(qtbot, visit, "hb_g_l")                          # confirmed: saved
    qtbot.waitUntil(lambda: field(visit, "prenatal_result").isVisible())
    assert field(visit, "prenatal_result_badge").colours() == ("orange",)
    assert field(visit, "prenatal_result_text").text()
    screenshot(visit, "maternal_visit_result_zh")
    field(visit, "prenatal_cancel").click()
    assert field(view, "record_badge").colours() == ("orange",)
    assert field(view, "record_case_status").text()
    # No new case status is chosen for the user (one click must not close the case).
    assert field(view, "case_status_combo").currentData() is None
    risk_rows = field(view, "risk_history_table")
    assert isinstance(risk_rows, QTableWidget) and risk_rows.rowCount() == 2
    view.tabs.setCurrentIndex(2)
    qtbot.wait(50)  # let the layouts settle before the picture
    screenshot(dialog, "maternal_record_zh")
    dialog.close()

    # The worklist shows the case follow-up (due in 4 days); record it from there.
    page = window.show_page("worklist")  # showing the page loads the list again
    assert isinstance(page, WorklistPage)
    # (a load started when the window opened may answer first: wait for this one)
    qtbot.waitUntil(lambda: page.select_person(woman_id, "case_followup"))
    qtbot.wait(50)
    screenshot(window, "maternal_worklist_zh")
    followup = page.record_selected()
    assert followup is not None and followup.objectName() == "followup_dialog"
    choose(followup, "status", "improved")
    type_into(qtbot, followup, "notes", "铁剂")
    press_enter(qtbot, followup, "notes")
    qtbot.waitUntil(lambda: not followup.isVisible())
    with qtbot.waitSignal(page.loaded, timeout=5000):
        page.refresh()
    assert not page.select_person(woman_id, "case_followup")
    for widget in QApplication.topLevelWidgets():
        if widget.objectName() == "record_dialog":
            widget.close()

    # Delivery of twins from the record: two children.
    women = window.show_page("women")
    dialog = women.open_person(woman_id)
    view = dialog.view
    view.buttons["delivery"].click()
    delivery = view.last_form
    type_into(qtbot, delivery, "place", "奈曼旗人民医院")
    choose(delivery, "place_level", "county")
    choose(delivery, "mode", "caesarean")
    type_into(qtbot, delivery, "blood_loss_ml", "400")
    field(delivery, "add_baby_button").click()
    for n, (sex, kg, cm) in enumerate((("F", "2.6", "47"), ("M", "2.8", "48"))):
        choose(delivery, f"babies.{n}.sex", sex)
        type_into(qtbot, delivery, f"babies.{n}.birth_weight_kg", kg)
        type_into(qtbot, delivery, f"babies.{n}.birth_length_cm", cm)
    press_enter(qtbot, delivery, "babies.1.birth_length_cm")
    qtbot.waitUntil(lambda: not delivery.isVisible())
    assert field(view, "children_table").rowCount() == 2
    assert view.current.pregnancy["status"] == "delivered"

    # Postpartum home visit, then the 42-day check closes the record and the case.
    view.buttons["postpartum"].click()
    home = view.last_form
    type_into(qtbot, home, "sbp", "118")
    type_into(qtbot, home, "dbp", "76")
    for name in ("breasts", "lochia", "uterus", "wound"):
        choose(home, name, "normal")
    press_enter(qtbot, home, "dbp")
    qtbot.waitUntil(lambda: not home.isVisible())
    view.buttons["postpartum"].click()
    check = view.last_form
    assert field(check, "kind").currentData() == "postpartum_42d"
    choose(check, "classification", "recovered")
    choose(check, "disposal", "close")
    field(check, "guidance_contraception").setChecked(True)
    press_enter(qtbot, check, "sbp")
    qtbot.waitUntil(lambda: not check.isVisible())
    assert field(view, "postpartum_table").rowCount() == 2
    assert view.current.cases[0]["status"] == "closed"
    assert field(view, "record_case_status").text() == ""
    dialog.close()
