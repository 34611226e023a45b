"""The Worklist page on a real store: sections and villages, translated kinds (maternal and
child), the right form from "Record the visit", marks with a reason (a blank reason is
refused beside the field), the High-risk register with overdue follow-ups first."""

from __future__ import annotations

from datetime import timedelta

from maternal_ui import TODAY, error_text, field, press_enter, type_into, window
from PySide6.QtCore import Qt
from PySide6.QtTest import QAbstractItemModelTester
from PySide6.QtWidgets import QApplication

from desktop.domain import child_schedule
from desktop.domain.schedule import POSTPARTUM_KINDS, PRENATAL_WINDOWS
from desktop.i18n.worklist_texts import KIND_TEXTS
from desktop.services.worklist_child import KIND_PREFIX, VACCINATION_KIND
from desktop.ui.models.highrisk import overdue, sort_cases
from desktop.ui.models.worklist import ROW_ROLE
from desktop.ui.widgets.risk_badge import COLOURS_ROLE

__all__ = ["window"]
VILLAGE = "150525100201"


def test_every_worklist_kind_has_words():
    kinds = {w.kind for w in PRENATAL_WINDOWS} | set(POSTPARTUM_KINDS) | {
        "delivery_record", "case_followup", VACCINATION_KIND} | {
        KIND_PREFIX + k for k in child_schedule.ALL_KINDS}
    assert kinds <= set(KIND_TEXTS)


def _woman(session, name: str, lmp_days: int, hb: float | None = None) -> str:  # noqa: ANN001
    woman = session.register_woman({"name_zh": name, "area_code": VILLAGE,
                                    "birth_date": "1995-01-01", "phone": "13912345678"},
                                   duplicates_seen=True).ids[0]
    preg = session.register_pregnancy(woman, {
        "registered_on": (TODAY - timedelta(days=40)).isoformat(),
        "lmp": (TODAY - timedelta(days=lmp_days)).isoformat()}).ids[0]
    if hb is not None:
        session.record_prenatal_visit(preg, {
            "visit_date": (TODAY - timedelta(days=30)).isoformat(), "hb_g_l": hb})
    return woman


def test_sections_marks_and_the_right_form(qtbot, qtlog, window):  # noqa: ANN001
    session = window.session
    late = _woman(session, "张敏", 150, hb=55)     # orange, follow-up 16 days overdue
    _woman(session, "李娜", 120)
    session.register_child({"sex": "F", "birth_date": (TODAY - timedelta(days=3)).isoformat(),
                            "area_code": VILLAGE, "name_zh": "小花"})
    page = window.show_page("worklist")
    page.worklist = None
    page.refresh()
    qtbot.waitUntil(lambda: page.worklist is not None and len(page.worklist.rows) > 0)
    kinds = {r.item.kind for r in page.worklist.rows}
    assert "case_followup" in kinds and any(k.startswith("child_") for k in kinds)
    tree = field(page, "worklist_tree")
    village_row = tree.model().index(0, 0)
    assert VILLAGE in village_row.data()
    texts = {tree.model().index(r, 1, village_row).data()
             for r in range(tree.model().rowCount(village_row))}
    assert all(t and not t.startswith(("child_", "prenatal_", "case_")) for t in texts)
    # The cells are made when asked: check the model answers as Qt expects (parents,
    # counts, indexes) and that a row's cells say what the row is.
    tester = QAbstractItemModelTester(
        tree.model(), QAbstractItemModelTester.FailureReportingMode.Warning)
    page.filter_bar.setCurrentIndex(2)
    page.filter_bar.setCurrentIndex(0)
    assert not [r for r in qtlog.records if "FAIL" in r.message], qtlog.records
    del tester
    model = tree.model()
    followup = next(model.index(r, 0, village_row) for r in range(model.rowCount(village_row))
                    if model.index(r, 0, village_row).data(ROW_ROLE).item.person_id == late)
    row = followup.data(ROW_ROLE)
    assert model.parent(followup) == village_row and followup.data() == "张敏"
    assert model.index(followup.row(), 4, village_row).data() == "13912345678"
    assert model.index(followup.row(), 3, village_row).data(COLOURS_ROLE) == ("orange",)
    since = model.index(followup.row(), 2, village_row)
    assert row.section == "overdue" and str(row.days_overdue) in since.data()
    assert since.data(Qt.ItemDataRole.ForegroundRole) is not None

    # Overdue only.
    page.filter_bar.setCurrentIndex(1)
    village_row = tree.model().index(0, 0)
    shown = [tree.model().index(r, 0, village_row).data(ROW_ROLE)
             for r in range(tree.model().rowCount(village_row))]
    assert shown and all(row.section == "overdue" for row in shown)
    page.filter_bar.setCurrentIndex(0)

    # Record the visit opens the follow-up form for the case item.
    assert page.select_person(late, "case_followup")
    form = page.record_selected()
    assert form.objectName() == "followup_dialog"
    form.close()
    for widget in QApplication.topLevelWidgets():
        if widget.objectName() == "record_dialog":
            widget.close()

    # Not reachable needs a reason; with one the item leaves the list.
    assert page.select_person(late, "case_followup")
    mark = page.mark_selected("not_reachable")
    press_enter(qtbot, mark, "reason")
    assert error_text(mark, "reason") and mark.isVisible()
    type_into(qtbot, mark, "reason", "phone switched off")
    with qtbot.waitSignal(page.loaded, timeout=5000):
        press_enter(qtbot, mark, "reason")
    assert not page.select_person(late, "case_followup")

    # The high-risk register lists the case with the overdue follow-up first.
    register = window.show_page("highrisk")
    qtbot.waitUntil(lambda: register.model.rowCount() == 1)
    assert register.model.cases[0]["person_id"] == late
    assert register.model.index(0, 6).data() != register.model.cases[0]["next_followup"]
    assert overdue(register.model.cases[0], TODAY)                  # shown marked overdue


def test_register_order_puts_overdue_first():
    today = TODAY
    cases = [{"id": "a", "status": "managed", "next_followup": (today + timedelta(days=3))
              .isoformat()},
             {"id": "b", "status": "registered", "next_followup": (today - timedelta(days=2))
              .isoformat()},
             {"id": "c", "status": "closed", "next_followup": None},
             {"id": "d", "status": "reported", "next_followup": (today - timedelta(days=9))
              .isoformat()}]
    assert [c["id"] for c in sort_cases(cases, today)] == ["d", "b", "a", "c"]
