"""The maternal worklist: sections, grouping by village, marking not reachable / moved away,
and the provider registry that issue 4 plugs into."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from maternal_helpers import OTHER_VILLAGE, TODAY, VILLAGE, admin_session, woman_fields

from desktop.domain.worklist import WorkItem
from desktop.services import worklist
from desktop.services.errors import ValidationError


def _woman(s, lmp: date, **over) -> tuple[str, str]:
    woman_id = s.register_woman(woman_fields(**over), today=TODAY).ids[0]
    booked = min(lmp + timedelta(days=60), TODAY)
    preg = s.register_pregnancy(woman_id, {"registered_on": booked.isoformat(),
                                           "lmp": lmp.isoformat()}, today=TODAY).ids[0]
    s.record_prenatal_visit(preg, {"visit_date": booked.isoformat()}, today=TODAY)
    return woman_id, preg


def _mine(rows, woman_id):
    return [(r.item.kind, r.section) for r in rows if r.item.person_id == woman_id]


def test_sections_and_villages(made):
    s = admin_session(made)
    # 16+0 weeks today: the second visit's window opens today.
    today_woman, _ = _woman(s, TODAY - timedelta(days=112))
    # 15+2 weeks: it opens in 5 days (this week).
    week_woman, _ = _woman(s, TODAY - timedelta(days=107), name_zh="李娜", resident_id=None,
                           birth_date="1995-01-01", phone="13700000001",
                           area_code=OTHER_VILLAGE)
    # 25+0 weeks: the third window (21–24) was missed and the fourth has not begun.
    late_woman, _ = _woman(s, TODAY - timedelta(days=175), name_zh="张敏", resident_id=None,
                           birth_date="1994-01-01", phone="13700000002")
    wl = s.worklist(today=TODAY)
    assert _mine(wl.rows, today_woman) == [("prenatal_2", "today")]
    assert _mine(wl.rows, week_woman) == [("prenatal_2", "this_week")]
    assert _mine(wl.rows, late_woman) == [("prenatal_3", "overdue")]
    overdue = next(r for r in wl.rows if r.item.person_id == late_woman)
    assert overdue.days_overdue == 175 - (24 * 7 + 6) and overdue.phone == "13700000002"
    assert overdue.since == TODAY - timedelta(days=175 - 147)
    groups = wl.by_village()
    assert list(groups) == [VILLAGE, OTHER_VILLAGE]
    assert [r.item.person_id for r in groups[VILLAGE]["overdue"]] == [late_woman]
    # Overdue rows come first within a village.
    village_rows = [r.section for r in wl.rows if r.area_code == VILLAGE]
    assert village_rows == sorted(village_rows, key=("overdue", "today", "this_week").index)


def test_delivery_is_asked_for_after_the_edd(made):
    s = admin_session(made)
    woman_id, _ = _woman(s, TODAY - timedelta(days=283))
    assert ("delivery_record", "today") in _mine(s.worklist(today=TODAY).rows, woman_id)


def test_not_reachable_leaves_for_a_week_and_moved_away_for_good(made):
    s = admin_session(made)
    woman_id, _ = _woman(s, TODAY - timedelta(days=175))
    row = next(r for r in s.worklist(today=TODAY).rows if r.item.person_id == woman_id)
    with pytest.raises(ValidationError):
        s.mark_work_item(row, "not_reachable", "  ", today=TODAY)
    with pytest.raises(ValidationError):
        s.mark_work_item(row, "on_holiday", "gone", today=TODAY)
    s.mark_work_item(row, "not_reachable", "phone switched off", today=TODAY)
    event = made.store.conn.execute(
        "SELECT outcome, reason, item, until FROM worklist_outcomes").fetchone()
    assert event == ("not_reachable", "phone switched off", row.key,
                     (TODAY + timedelta(days=7)).isoformat())
    assert _mine(s.worklist(today=TODAY).rows, woman_id) == []
    assert _mine(s.worklist(today=TODAY + timedelta(days=7)).rows, woman_id) == []
    back = s.worklist(today=TODAY + timedelta(days=8)).rows
    assert _mine(back, woman_id)
    s.mark_work_item(next(r for r in back if r.item.person_id == woman_id), "moved_away",
                     "moved to Tongliao", today=TODAY + timedelta(days=8))
    for later in (10, 60):
        assert _mine(s.worklist(today=TODAY + timedelta(days=later)).rows, woman_id) == []


def test_registered_providers_are_merged(made):
    s = admin_session(made)
    woman_id, _ = _woman(s, TODAY - timedelta(days=112))

    def extra(conn, today, areas):
        yield WorkItem(woman_id, "test_extra", today, today, VILLAGE, (), False, "x")

    worklist.register_provider(extra)
    try:
        kinds = [k for k, _ in _mine(s.worklist(today=TODAY).rows, woman_id)]
        assert "test_extra" in kinds and "prenatal_2" in kinds
    finally:
        worklist._PROVIDERS.remove(extra)


def test_every_maternal_code_has_words():
    from desktop.domain import risk, schedule
    from desktop.i18n import messages
    from desktop.services import cases

    kinds = {w.kind for w in schedule.PRENATAL_WINDOWS} | set(schedule.POSTPARTUM_KINDS) | {
        "delivery_record", "case_followup"}
    assert kinds <= set(messages.WORK_KIND_TEXTS)
    assert set(cases.STATUSES) <= set(messages.CASE_STATUS_TEXTS)
    assert set(risk.COLOURS) <= set(messages.RISK_COLOUR_TEXTS)
    assert set(schedule.REFERRAL_LEVEL.values()) <= set(messages.REFERRAL_LEVEL_TEXTS)
    assert set(worklist.OUTCOMES) <= set(messages.WORKLIST_OUTCOME_TEXTS)
    assert messages.code_text(messages.CASE_STATUS_TEXTS, "closed") == "已结案"
    assert messages.code_text(messages.CASE_STATUS_TEXTS, "unknown") == "unknown"
