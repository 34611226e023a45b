"""Correcting a registered woman and her pregnancy from her record, driven by objectName on
real widgets and a real encrypted store: the forms open filled from the stored record, save
only what changed, look for duplicates through a changed identity field only (never the
woman herself), re-grade the risk when a fact changes (badge, case, history with its cause),
refuse a village doctor outside her villages with the service's words, and keep everything
typed when saving fails. Pictures of the record and both forms in Chinese and Mongolian."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from maternal_ui import TODAY, field, press_enter, resident_id, type_into
from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox, QTableWidget
from ui_helpers import ADMIN_PASSWORD, TOWNSHIP, VILLAGES, screenshot

from desktop import i18n
from desktop.i18n.messages import error_text
from desktop.services.session import KdfParams, Session, SetupInfo
from desktop.store.errors import PermissionDeniedError
from desktop.ui import fonts
from desktop.ui.language import connect_language_switch
from desktop.ui.models.display import day_text, ga_text
from desktop.ui.views.record_view import RecordDialog

BORN = date(1996, 3, 1)


@pytest.fixture
def session(qapp, tmp_path: Path) -> Iterator[Session]:  # noqa: ANN001
    fonts.apply_app_font(qapp)
    connect_language_switch()
    the_session, _key = Session.setup(tmp_path / "data", SetupInfo(
        clinic_name="八仙筒镇卫生院", township_code=TOWNSHIP, village_codes=VILLAGES,
        admin_username="admin", admin_display_name="乌云其其格",
        admin_password=ADMIN_PASSWORD, kdf=KdfParams.floor()))
    yield the_session
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, QDialog):
            widget.close()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    the_session.close()


def _woman(session: Session, name: str = "王丽", born: date = BORN, seq: int = 22,
           phone: str = "13800001111", village: str = VILLAGES[0]) -> str:
    return session.register_woman({
        "name_zh": name, "resident_id": resident_id(born, seq), "ethnicity": "mongol",
        "phone": phone, "address": "东村一组", "area_code": village, "blood_group": "A",
        "rh": "+"}, duplicates_seen=True).ids[0]


def _pregnant(session: Session, woman_id: str, lmp_days: int = 120) -> str:
    return session.register_pregnancy(woman_id, {
        "registered_on": (TODAY - timedelta(days=lmp_days - 40)).isoformat(),
        "lmp": (TODAY - timedelta(days=lmp_days)).isoformat(), "gravidity": "2",
        "parity": "1", "height_cm": "158", "pre_weight_kg": "55",
        "handbook_no": "150525100-2026-00001"}).ids[0]


def _record(qtbot, session: Session, woman_id: str) -> RecordDialog:  # noqa: ANN001
    dialog = RecordDialog(session, woman_id)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def _open(qtbot, dialog: RecordDialog, button: str) -> QDialog:  # noqa: ANN001
    view = dialog.view
    qtbot.mouseClick(field(view, button), Qt.MouseButton.LeftButton)
    form = view.last_form
    assert form is not None and form.isVisible()
    return form


def _audited_fields(session: Session, table: str, row_id: str) -> list[str]:
    rows = session.store.conn.execute(
        "SELECT detail FROM audit WHERE action = 'update' AND table_name = ? AND row_id = ?"
        " ORDER BY seq", (table, row_id)).fetchall()
    return [r[0] for r in rows]


def test_correcting_name_and_phone_saves_only_them(qtbot, session):  # noqa: ANN001
    woman_id = _woman(session)
    dialog = _record(qtbot, session, woman_id)
    form = _open(qtbot, dialog, "edit_woman_button")
    assert form.objectName() == "woman_edit_dialog"
    # Filled from the stored record, the first field focused.
    assert field(form, "name_zh").text() == "王丽"
    assert field(form, "phone").text() == "13800001111"
    assert field(form, "resident_id").text() == resident_id(BORN)
    assert field(form, "birth_date").text() == BORN.isoformat()
    assert field(form, "area_code").currentData() == VILLAGES[0]
    assert field(form, "ethnicity").currentData() == "mongol"
    assert field(form, "rh").currentData() == "+"
    assert form.focusWidget() is field(form, "name_zh")

    type_into(qtbot, form, "name_zh", "王莉莉")
    type_into(qtbot, form, "phone", "13999990000")
    press_enter(qtbot, form, "phone")                    # Enter saves
    qtbot.waitUntil(lambda: not form.isVisible())
    view = dialog.view
    assert field(view, "record_name").text() == "王莉莉"
    assert "13999990000" in field(view, "record_facts").text()
    assert [h.id for h in session.search("莉莉")] == [woman_id]
    assert [h.id for h in session.search("wanglili")] == [woman_id]
    assert session.search("13800001111") == []           # the old phone no longer finds her
    # One audited update of the two changed fields, nothing else rewritten.
    assert _audited_fields(session, "persons", woman_id) == ["name_zh,phone"]


def test_a_changed_phone_shows_duplicates_but_she_is_not_her_own(qtbot, session):  # noqa: ANN001
    woman_id = _woman(session)
    other_id = _woman(session, name="张敏", born=date(1992, 7, 9), seq=44,
                      phone="13700007777")
    dialog = _record(qtbot, session, woman_id)

    # A change outside the identity fields saves at once: her own ID, name and phone
    # match her stored record, which is no duplicate.
    form = _open(qtbot, dialog, "edit_woman_button")
    type_into(qtbot, form, "address", "西村二组")
    press_enter(qtbot, form, "address")
    qtbot.waitUntil(lambda: not form.isVisible())
    assert session.open_record(woman_id).person["address"] == "西村二组"

    # Her name in Latin letters matches her own name and birth date: she is no duplicate
    # of herself, so it saves at once.
    form = _open(qtbot, dialog, "edit_woman_button")
    type_into(qtbot, form, "name_latin", "Wang Li")
    press_enter(qtbot, form, "name_latin")
    qtbot.waitUntil(lambda: not form.isVisible())
    assert session.open_record(woman_id).person["name_latin"] == "Wang Li"

    # Her name typed again the same way is no change at all: nothing saved.
    form = _open(qtbot, dialog, "edit_woman_button")
    type_into(qtbot, form, "name_zh", "王丽")
    press_enter(qtbot, form, "name_zh")
    qtbot.waitUntil(lambda: not form.isVisible())
    assert _audited_fields(session, "persons", woman_id) == ["address", "name_latin"]

    # Another woman's phone: shown before saving, only her.
    form = _open(qtbot, dialog, "edit_woman_button")
    type_into(qtbot, form, "phone", "13700007777")
    press_enter(qtbot, form, "phone")
    assert form.isVisible() and field(form, "duplicates_box").isVisible()
    duplicates = field(form, "duplicates_list")
    assert duplicates.count() == 1
    assert duplicates.item(0).data(Qt.ItemDataRole.UserRole) == other_id
    assert session.open_record(woman_id).person["phone"] == "13800001111"
    field(form, "save_anyway_button").click()
    qtbot.waitUntil(lambda: not form.isVisible())
    assert session.open_record(woman_id).person["phone"] == "13700007777"


def test_a_birth_date_making_her_40_raises_the_colour_and_opens_a_case(qtbot, session):  # noqa: ANN001
    woman_id = _woman(session)
    _pregnant(session, woman_id)
    dialog = _record(qtbot, session, woman_id)
    view = dialog.view
    assert field(view, "record_badge").colours() == ("green",)
    assert field(view, "record_case_status").text() == ""

    older = date(TODAY.year - 41, 2, 3)
    form = _open(qtbot, dialog, "edit_woman_button")
    type_into(qtbot, form, "resident_id", resident_id(older))
    type_into(qtbot, form, "birth_date", older.isoformat())
    press_enter(qtbot, form, "birth_date")
    qtbot.waitUntil(lambda: not form.isVisible())

    assert field(view, "record_badge").colours() == ("orange",)
    assert field(view, "record_case_status").text()       # a case is open
    pregnancy = view.current.pregnancy
    assert "age_40_or_over" in pregnancy["risk_reasons"]
    assert [c["status"] for c in view.current.cases] == ["registered"]
    latest = view.current.assessments[-1]
    assert (latest["colour"], latest["trigger"]) == ("orange", "woman_changed")
    assert latest["confirmed_by"] == session.user.id
    table = field(view, "risk_history_table")
    assert isinstance(table, QTableWidget) and table.rowCount() == 2
    texts = [table.item(1, c).text() for c in range(table.columnCount())]
    assert "乌云其其格" in texts                            # who confirmed it
    assert i18n._("Her details corrected") in texts         # and why it was graded again


def test_correcting_the_lmp_moves_the_edd_on_the_record(qtbot, session):  # noqa: ANN001
    woman_id = _woman(session)
    pregnancy_id = _pregnant(session, woman_id, lmp_days=120)
    session.record_prenatal_visit(pregnancy_id, {
        "visit_date": (TODAY - timedelta(days=10)).isoformat(), "weight_kg": "57",
        "sbp": "110", "dbp": "70"})
    dialog = _record(qtbot, session, woman_id)
    view = dialog.view
    assert not field(view, "register_pregnancy_button").isEnabled()
    visits = field(view, "visits_table")
    assert isinstance(visits, QTableWidget) and visits.item(0, 2).text() == ga_text(110)
    old_edd = view.current.pregnancy["edd"]
    form = _open(qtbot, dialog, "edit_pregnancy_button")
    assert form.objectName() == "pregnancy_edit_dialog"
    assert field(form, "lmp").text() == (TODAY - timedelta(days=120)).isoformat()
    assert field(form, "gravidity").text() == "2" and field(form, "parity").text() == "1"
    assert field(form, "height_cm").text() == "158"
    assert field(form, "handbook_no").text() == "150525100-2026-00001"
    assert form.focusWidget() is field(form, "registered_on")
    # Tab walks the fields in order.
    form.activateWindow()
    qtbot.waitUntil(form.isActiveWindow)
    field(form, "registered_on").setFocus()
    for name in ("lmp", "us_date", "us_ga", "gravidity", "parity"):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        assert QApplication.focusWidget() is field(form, name), name

    new_lmp = TODAY - timedelta(days=100)
    new_edd = new_lmp + timedelta(days=280)
    type_into(qtbot, form, "lmp", new_lmp.isoformat())
    assert day_text(new_edd.isoformat()) in field(form, "edd_preview").text()
    press_enter(qtbot, form, "lmp")
    qtbot.waitUntil(lambda: not form.isVisible())

    pregnancy = view.current.pregnancy
    assert pregnancy["edd"] == new_edd.isoformat() != old_edd
    assert pregnancy["lmp"] == new_lmp.isoformat()
    assert day_text(new_edd.isoformat()) in field(view, "pregnancy_info").text()
    assert day_text(old_edd) not in field(view, "pregnancy_info").text()
    # The visit's GA follows the EDD in use.
    assert visits.item(0, 2).text() == ga_text(90)
    changed = _audited_fields(session, "pregnancies", pregnancy["id"])[-1].split(",")
    assert "lmp" in changed and "edd" in changed and "handbook_no" not in changed


def test_two_previous_caesareans_make_her_orange_with_a_case(qtbot, session):  # noqa: ANN001
    woman_id = _woman(session)
    _pregnant(session, woman_id)
    dialog = _record(qtbot, session, woman_id)
    view = dialog.view
    form = _open(qtbot, dialog, "edit_pregnancy_button")
    type_into(qtbot, form, "previous_caesareans", "2")
    field(form, "history_assisted_reproduction").setChecked(True)
    press_enter(qtbot, form, "previous_caesareans")
    qtbot.waitUntil(lambda: not form.isVisible())
    assert field(view, "record_badge").colours() == ("orange",)
    assert field(view, "record_case_status").text()
    pregnancy = view.current.pregnancy
    assert pregnancy["history"]["previous_caesareans"] == 2
    assert pregnancy["history"]["assisted_reproduction"] is True
    assert "uterine_surgery_2_or_more" in pregnancy["risk_reasons"]
    assert view.current.assessments[-1]["trigger"] == "facts_changed"
    assert len(view.current.cases) == 1

    # Unticking and clearing the count lowers the grade again (dynamic re-assessment).
    form = _open(qtbot, dialog, "edit_pregnancy_button")
    assert field(form, "previous_caesareans").text() == "2"
    assert field(form, "history_assisted_reproduction").isChecked()
    field(form, "previous_caesareans").clear()
    field(form, "history_assisted_reproduction").setChecked(False)
    press_enter(qtbot, form, "lmp")
    qtbot.waitUntil(lambda: not form.isVisible())
    assert field(view, "record_badge").colours() == ("green",)
    assert view.current.pregnancy["history"] == {}


def test_bad_pregnancy_corrections_are_shown_beside_the_field_and_kept(qtbot, session):  # noqa: ANN001
    woman_id = _woman(session)
    pregnancy_id = _pregnant(session, woman_id)
    before = session.open_record(woman_id).current.pregnancy
    dialog = _record(qtbot, session, woman_id)
    form = _open(qtbot, dialog, "edit_pregnancy_button")
    future = (TODAY + timedelta(days=5)).isoformat()
    type_into(qtbot, form, "lmp", future)
    type_into(qtbot, form, "parity", "3")                  # not below gravidity 2
    type_into(qtbot, form, "handbook_no", "手册#1")
    press_enter(qtbot, form, "parity")
    assert form.isVisible()
    for name in ("lmp", "parity", "handbook_no"):
        assert field(form, f"{name}_error").isVisibleTo(form), name
    assert [field(form, n).text() for n in ("lmp", "parity", "handbook_no")] == \
        [future, "3", "手册#1"]
    after = session.open_record(woman_id).current.pregnancy
    assert after["rev"] == before["rev"] and after["id"] == pregnancy_id


def test_a_village_doctor_cannot_correct_a_woman_outside_her_villages(qtbot, session):  # noqa: ANN001
    woman_id = _woman(session)
    doctor_user = session.store.add_user(session.user.id, "doctor1", "其木格", "village_doctor",
                                         [VILLAGES[0]], "doctor-pass", kdf=KdfParams.floor())
    doctor = Session(session.store, doctor_user)
    dialog = _record(qtbot, doctor, woman_id)
    form = _open(qtbot, dialog, "edit_woman_button")
    assert field(form, "area_code").count() == 1           # her own village only
    type_into(qtbot, form, "phone", "13600006666")
    type_into(qtbot, form, "husband_name", "巴特尔")
    # Meanwhile the township moves the woman to a village the doctor does not serve.
    session.update_woman(woman_id, {"area_code": VILLAGES[1]})
    press_enter(qtbot, form, "phone")
    box = form.findChild(QMessageBox, "error_dialog")
    assert box is not None and box.isVisible()
    assert box.text() == error_text(PermissionDeniedError("village_doctor"))
    assert box.text() != "Your role does not allow this."   # in the user's language
    box.close()
    assert form.isVisible()
    assert field(form, "phone").text() == "13600006666"
    assert field(form, "husband_name").text() == "巴特尔"
    assert field(form, "woman_message").isVisibleTo(form)
    stored = session.open_record(woman_id).person
    assert stored["phone"] == "13800001111" and not stored.get("husband_name")


def _show_in(language: str, *widgets) -> None:  # noqa: ANN002
    i18n.set_language(language)
    for widget in widgets:
        widget.update()
    QApplication.processEvents()


def test_pictures_of_the_record_and_both_forms_in_chinese_and_mongolian(qtbot, session):  # noqa: ANN001
    woman_id = _woman(session)
    _woman(session, name="张敏", born=date(1992, 7, 9), seq=44, phone="13700007777")
    session.update_woman(woman_id, {"name_mn": "ᠰᠤᠷᠤᠩᠭ᠎ᠠ"})
    pregnancy_id = _pregnant(session, woman_id)
    session.update_pregnancy(pregnancy_id, {"history": {"previous_caesareans": 2}})
    dialog = _record(qtbot, session, woman_id)
    dialog.resize(1240, 700)
    view = dialog.view
    view.tabs.setCurrentIndex(2)
    woman_form = _open(qtbot, dialog, "edit_woman_button")
    type_into(qtbot, woman_form, "phone", "13700007777")    # another woman's phone
    press_enter(qtbot, woman_form, "phone")
    assert field(woman_form, "duplicates_box").isVisible()
    pregnancy_form = view.open_form("edit_pregnancy")
    assert pregnancy_form is not None
    for code, suffix in (("zh_Hans_CN", "zh"), ("mn_Mong_CN", "mn")):
        _show_in(code, dialog, woman_form, pregnancy_form)
        # The forms are window-modal, so the language never changes under an open one in
        # use: the message is made again as a save in that language would make it.
        press_enter(qtbot, woman_form, "phone")
        qtbot.wait(50)
        assert field(view, "edit_woman_button").text() == i18n._("Edit details")
        assert field(view, "edit_pregnancy_button").text() == i18n._("Edit pregnancy")
        assert woman_form.windowTitle() == i18n._("Edit the details of {name}",
                                                  name="王丽 / ᠰᠤᠷᠤᠩᠭ᠎ᠠ")
        assert pregnancy_form.windowTitle() == i18n._("Edit the pregnancy")
        screenshot(dialog, f"record_edit_record_{suffix}")
        screenshot(woman_form, f"record_edit_woman_{suffix}")
        screenshot(pregnancy_form, f"record_edit_pregnancy_{suffix}")
        for button in ("edit_woman_button", "edit_pregnancy_button"):
            widget = field(view, button)
            assert widget.width() >= widget.sizeHint().width(), (code, button)
    i18n.set_language("zh_Hans_CN")
