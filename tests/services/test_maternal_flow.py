"""Maternal care through the Session facade on a real encrypted store: register → duplicate
warning → pregnancy → first visit with a risk factor → colour, assessment and case → worklist
→ case follow-up → delivery of twins → postpartum visits → 42-day check closes the case."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from maternal_helpers import TODAY, VILLAGE, admin_session, count, woman_fields

from desktop.services.errors import PossibleDuplicateError, StateError
from desktop.store.audit import verify_chain


def _pregnant_woman(session, lmp: date = date(2026, 8, 1), **fields):
    woman_id = session.register_woman(woman_fields(**fields), today=TODAY).ids[0]
    pregnancy_id = session.register_pregnancy(woman_id, {
        "registered_on": (lmp + timedelta(days=60)).isoformat(), "lmp": lmp.isoformat(),
        "gravidity": 2, "parity": 1, "height_cm": 158, "pre_weight_kg": 55,
        "handbook_no": "150525100-2026-00001"}, today=TODAY).ids[0]
    return woman_id, pregnancy_id


def test_whole_maternal_flow(made):
    s = admin_session(made)
    check = s.check_woman(woman_fields(), today=TODAY)
    assert check.duplicates == [] and not [i for i in check.issues if i.is_error]
    woman_id = s.register_woman(woman_fields(), today=TODAY).ids[0]

    # The same woman again (same ID) is shown before saving; nothing is written.
    persons_before = count(made, "persons")
    again = s.check_woman(woman_fields(name_zh="王莉"), today=TODAY)
    assert [d.person_id for d in again.duplicates] == [woman_id]
    assert again.duplicates[0].reasons == ("same_resident_id", "same_phone")
    with pytest.raises(PossibleDuplicateError) as caught:
        s.register_woman(woman_fields(name_zh="王莉"), today=TODAY)
    assert caught.value.duplicates[0].person_id == woman_id
    assert count(made, "persons") == persons_before

    # Pregnancy: EDD from the LMP, early registration flagged, graded green at booking.
    pregnancy_id = s.register_pregnancy(woman_id, {
        "registered_on": "2026-10-01", "lmp": "2026-08-01", "gravidity": 1, "parity": 0,
        "height_cm": 160, "pre_weight_kg": 56, "handbook_no": "150525100-2026-00007"},
        today=TODAY).ids[0]
    record = s.open_record(woman_id)
    preg = record.current.pregnancy
    assert preg["edd"] == "2027-05-08" and preg["edd_method"] == "lmp"
    assert preg["early_registration"] == 1 and preg["registered_ga_days"] == 61
    assert preg["risk_colours"] == ["green"]
    assert [a["colour"] for a in record.current.assessments] == ["green"]
    assert record.current.cases == []

    # First visit with a risk factor (Hb 55 g/L: orange, anaemia 40–60).
    changes = s.record_prenatal_visit(pregnancy_id, {
        "visit_date": "2026-10-01", "weight_kg": 56.5, "sbp": 112, "dbp": 70, "hb_g_l": 55,
        "urine_protein": "-", "next_date": "2026-11-21"}, today=TODAY)
    assert {w.code for w in changes.warnings} == {"validation.hb_unusual"}
    record = s.open_record(woman_id)
    preg = record.current.pregnancy
    assert preg["risk_colour"] == "orange" and preg["risk_colours"] == ["orange"]
    assert preg["risk_reasons"] == ["anaemia_hb_40_to_60"]
    latest = record.current.assessments[-1]
    assert latest["colour"] == "orange" and latest["confirmed_by"] == made.admin.id
    assert latest["reasons"] == ["anaemia_hb_40_to_60"] and latest["facts"]["hb_g_l"] == 55
    assert "screen_hb" in latest["screening"]
    (case,) = record.current.cases
    assert case["status"] == "registered" and case["referral_level"] == "county"
    assert case["responsible_user"] == made.admin.id
    assert case["plan"] == "followup_every_14_days" and case["next_followup"] == "2026-10-15"
    assert made.store.conn.execute(
        "SELECT urgent FROM outbox WHERE table_name = 'cases' AND row_id = ?",
        (case["id"],)).fetchone()[0] == 1

    # The same facts again change nothing: no new assessment event.
    s.record_prenatal_visit(pregnancy_id, {"visit_date": "2026-10-02", "hb_g_l": 56},
                            today=TODAY)
    assert len(s.open_record(woman_id).current.assessments) == 2

    # The worklist shows the overdue follow-up and the second prenatal visit.
    rows = s.worklist(today=TODAY).rows
    kinds = {(r.item.kind, r.section) for r in rows}
    assert ("case_followup", "overdue") in kinds and ("prenatal_2", "today") in kinds
    followup = next(r for r in rows if r.item.kind == "case_followup")
    assert followup.name_zh == "王丽" and followup.phone == "13800001111"
    assert followup.item.colours == ("orange",) and followup.days_overdue == 40
    assert list(s.worklist(today=TODAY).by_village()) == [VILLAGE]

    # Case management: report it, then a follow-up moves the next date and the status.
    with pytest.raises(StateError):
        s.set_case_status(case["id"], "treated", today=TODAY)
    s.set_case_status(case["id"], "reported", today=date(2026, 10, 2))
    s.record_case_followup(case["id"], {"followup_date": "2026-11-24", "status": "improved",
                                        "notes": "iron tablets"}, today=TODAY)
    case = s.open_record(woman_id).current.cases[0]
    assert case["status"] == "managed" and case["next_followup"] == "2026-12-08"
    assert case["reported_on"] == "2026-10-02"
    assert "case_followup" not in {r.item.kind for r in s.worklist(today=TODAY).rows}
    register = s.high_risk_register()
    assert [c["id"] for c in register] == [case["id"]] and register[0]["name_zh"] == "王丽"

    # A later normal Hb lowers the grade (dynamic factor); the open case stays open.
    s.record_prenatal_visit(pregnancy_id, {"visit_date": "2026-11-24", "hb_g_l": 118,
                                           "sbp": 110, "dbp": 70}, today=TODAY)
    record = s.open_record(woman_id)
    assert record.current.pregnancy["risk_colours"] == ["green"]
    assert [a["colour"] for a in record.current.assessments] == ["green", "orange", "green"]
    assert record.current.cases[0]["status"] == "managed"

    # Delivery of twins creates two children with a birth event each.
    delivery_day = date(2027, 4, 30)
    later = delivery_day + timedelta(days=2)
    changes = s.record_delivery(pregnancy_id, {
        "delivery_date": delivery_day.isoformat(), "discharge_date": later.isoformat(),
        "place": "奈曼旗人民医院", "place_level": "county", "mode": "caesarean",
        "outcome": "live_birth", "complications": [], "blood_loss_ml": 400,
        "babies": [{"sex": "F", "birth_weight_kg": 2.6, "birth_length_cm": 47},
                   {"sex": "M", "birth_weight_kg": 2.8, "birth_length_cm": 48}]},
        today=later)
    delivery_id, *child_ids = changes.ids
    assert len(child_ids) == 2
    record = s.open_record(woman_id)
    assert record.current.pregnancy["status"] == "delivered"
    assert record.current.deliveries[0]["ga_days"] == 272
    assert record.current.deliveries[0]["babies"] == 2
    assert sorted(c["sex"] for c in record.children) == ["F", "M"]
    for child in record.children:
        assert child["mother_id"] == woman_id and child["birth_date"] == "2027-04-30"
        assert child["area_code"] == VILLAGE and child["kind"] == "child"
        birth = made.store.conn.execute(
            "SELECT kind, age_days, weight_kg, length_cm FROM child_visits"
            " WHERE person_id = ?", (child["id"],)).fetchall()
        assert birth in ([("birth", 0, 2.6, 47.0)], [("birth", 0, 2.8, 48.0)])

    # Postpartum: the home visit is due 3–7 days after discharge, then the 42-day check.
    home_day = later + timedelta(days=3)
    assert "postpartum_7d" in {r.item.kind for r in s.worklist(today=home_day).rows}
    s.record_postpartum_visit(pregnancy_id, {
        "kind": "postpartum_7d", "visit_date": home_day.isoformat(), "sbp": 118, "dbp": 76,
        "breasts": "normal", "lochia": "normal", "uterus": "normal", "wound": "normal"},
        today=home_day)
    check_day = delivery_day + timedelta(days=42)
    kinds = {r.item.kind for r in s.worklist(today=check_day).rows}
    assert "postpartum_7d" not in kinds and "postpartum_42d" in kinds
    s.record_postpartum_visit(pregnancy_id, {
        "kind": "postpartum_42d", "visit_date": check_day.isoformat(),
        "general_health": "good", "mental_state": "good", "sbp": 116, "dbp": 74,
        "breasts": "normal", "lochia": "normal", "uterus": "normal", "wound": "normal",
        "classification": "recovered", "guidance": ["contraception", "infant_feeding"],
        "disposal": "close"}, today=check_day)
    record = s.open_record(woman_id)
    assert record.current is not None and record.current.pregnancy["status"] == "closed"
    visit42 = record.current.postpartum[-1]
    assert visit42["guidance"] == ["contraception", "infant_feeding"]
    assert visit42["findings"]["lochia"] == "normal"
    closed = record.current.cases[0]
    assert closed["status"] == "closed" and closed["outcome"] == "recovered"
    # Nothing is left for the mother (the children have their own items, issue 4).
    rows = s.worklist(today=check_day + timedelta(days=1)).rows
    assert [r for r in rows if r.item.person_id == woman_id] == []
    assert verify_chain(made.store.conn) is None


def test_every_record_open_is_audited(made):
    s = admin_session(made)
    woman_id, _ = _pregnant_woman(s)
    reads = "SELECT count(*) FROM audit WHERE action = 'read' AND row_id = ?"
    before = made.store.conn.execute(reads, (woman_id,)).fetchone()[0]
    s.open_record(woman_id)
    s.open_record(woman_id)
    assert made.store.conn.execute(reads, (woman_id,)).fetchone()[0] == before + 2


def test_ultrasound_corrects_the_edd_and_moves_the_windows(made):
    s = admin_session(made)
    woman_id = s.register_woman(woman_fields(), today=TODAY).ids[0]
    s.register_pregnancy(woman_id, {"registered_on": "2026-10-01", "lmp": "2026-08-01",
                                    "us_date": "2026-10-01", "us_ga_days": 75},
                         today=TODAY)
    preg = s.open_record(woman_id).current.pregnancy
    assert preg["edd"] == "2027-04-24" and preg["edd_method"] == "ultrasound"
    due = {r.item.kind: r.item.due_from for r in s.worklist(today=TODAY).rows}
    # 16+0 weeks counted back from the corrected EDD: 2027-04-24 − 168 days.
    assert due["prenatal_2"] == date(2026, 11, 7)


def test_screening_ticks_regrade_and_purple_shows_with_another_colour(made):
    s = admin_session(made)
    woman_id, pregnancy_id = _pregnant_woman(s)
    s.update_pregnancy(pregnancy_id, {"screening": {"syphilis": True}}, today=TODAY)
    preg = s.open_record(woman_id).current.pregnancy
    assert preg["risk_colour"] == "purple" and preg["risk_colours"] == ["purple"]
    s.update_pregnancy(pregnancy_id, {"history": {"previous_caesareans": 2}}, today=TODAY)
    record = s.open_record(woman_id)
    assert record.current.pregnancy["risk_colours"] == ["orange", "purple"]
    assert record.current.cases[0]["referral_level"] == "county"
    assert len(record.current.cases) == 1   # one case for the pregnancy, kept in step
    # Unticking clears purple again (a tick is a current fact, not history).
    s.update_pregnancy(pregnancy_id, {"screening": {"syphilis": False}}, today=TODAY)
    assert s.open_record(woman_id).current.pregnancy["risk_colours"] == ["orange"]


def test_age_from_the_birth_date_grades_at_booking(made):
    s = admin_session(made)
    woman_id = s.register_woman(woman_fields(
        resident_id=None, birth_date="1985-01-01", phone="13811112222"), today=TODAY).ids[0]
    s.register_pregnancy(woman_id, {"registered_on": "2026-10-01", "lmp": "2026-08-01"},
                         today=TODAY)
    preg = s.open_record(woman_id).current.pregnancy
    assert preg["risk_colours"] == ["orange"] and preg["risk_reasons"] == ["age_40_or_over"]


def test_maternal_death_report_is_urgent_and_ends_the_pregnancy(made):
    s = admin_session(made)
    woman_id, pregnancy_id = _pregnant_woman(s)
    s.record_prenatal_visit(pregnancy_id, {"visit_date": "2026-10-01", "hb_g_l": 50},
                            today=TODAY)
    report_id = s.report_maternal_death(woman_id, {"event_date": "2026-11-20",
                                                   "place": "home", "cause": "PPH"},
                                        today=TODAY).ids[0]
    conn = made.store.conn
    assert conn.execute("SELECT urgent FROM outbox WHERE row_id = ?",
                        (report_id,)).fetchone()[0] == 1
    record = s.open_record(woman_id)
    assert record.person["status"] == "dead"
    assert record.reports[0]["kind"] == "maternal_death"
    assert record.current.pregnancy["status"] == "ended"
    assert record.current.cases[0]["outcome"] == "maternal_death"
    assert [r for r in s.worklist(today=TODAY).rows if r.item.person_id == woman_id] == []
