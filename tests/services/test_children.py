"""Child health services on a real encrypted store: newborn visit → checks → growth data,
special management, HBIG flag, danger-sign referral, bad input, permissions."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

from desktop.domain.issues import ERROR, WARNING
from desktop.i18n.messages import error_text
from desktop.services.child_errors import ConfirmationNeededError, InvalidFormError
from desktop.services.session import Session
from desktop.store.errors import PermissionDeniedError
from desktop.store.keys import KdfParams

TODAY = date(2024, 9, 1)
VILLAGE, OTHER_VILLAGE = "150525100201", "150525100202"


@pytest.fixture
def session(made):
    s = Session(made.store, made.admin)
    yield s


def count(session: Session, table: str) -> int:
    return session.store.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def new_child(session: Session, birth: date = date(2024, 3, 1), **extra) -> str:
    fields = {"name_zh": "小明", "sex": "M", "birth_date": birth.isoformat(),
              "area_code": VILLAGE, **extra}
    changes = session.register_child(fields, today=TODAY)
    return changes.ids[0]


def newborn_fields(on: date, **extra) -> dict:
    return {"visit_date": on, "weight_kg": 3.6, "length_cm": 51.0, "head_cm": 35.0,
            "temperature_c": 36.8, "jaundice": "mild", "umbilicus": "normal",
            "feeding": "exclusive_breastfeeding", "screen_metabolic": "normal",
            "screen_hearing": "pass", "birth_weight_kg": 3.3, "birth_length_cm": 50,
            "birth_ga_days": 275, **extra}


def test_newborn_visit_then_checks_then_growth_data(session: Session) -> None:
    birth = date(2024, 3, 1)
    child = new_child(session, birth)
    result = session.record_newborn_visit(child, newborn_fields(
        birth + timedelta(days=5), vaccinations=[
            {"vaccine": "HepB", "dose": 1, "given_on": birth, "batch_no": "B1"},
            {"vaccine": "BCG", "dose": 1, "given_on": birth}]), today=TODAY)
    assert len(result.vaccination_ids) == 2
    assert result.special_mgmt == ()
    assert result.referral.needed is False
    assert result.zscores["waz"] is not None
    session.record_month_check(child, {"visit_date": birth + timedelta(days=29),
                                       "weight_kg": 4.6, "length_cm": 55.0,
                                       "head_cm": 37.5, "feeding": "exclusive_breastfeeding"},
                               today=TODAY)
    check = session.record_child_visit(child, "3m", {
        "visit_date": date(2024, 6, 3), "weight_kg": 6.4, "length_cm": 61.5, "head_cm": 40.6,
        "feeding": "mixed", "vision": "normal", "dev_signs": []}, today=TODAY)
    assert check.feeding_findings == ("not_exclusive_under_6m",)
    row = session.store.conn.execute(
        "SELECT waz, lhaz, wlhz, hcz, growth_standard, age_days FROM child_visits"
        " WHERE id = ?", (check.visit_id,)).fetchone()
    assert row[4] == "who2006" and row[5] == 94
    assert row[0] == check.zscores["waz"] and abs(row[0]) < 0.5

    sex, points = session.child_growth(child, "waz")
    assert sex == "M"
    assert [(p.x, p.y) for p in points] == [(5, 3.6), (29, 4.6), (94, 6.4)]
    _, wfl = session.child_growth(child, "wfl")
    assert [p.x for p in wfl] == [51.0, 55.0, 61.5]
    assert session.child_growth(child, "wfh")[1] == []

    record = session.child_record(child, today=TODAY)
    met = {w["kind"]: w["visit_id"] for w in record["schedule"]}
    assert met["newborn"] == result.visit_id and met["3m"] == check.visit_id
    assert met["6m"] is None
    plan = {(s.vaccine, s.dose): s.status for s in record["vaccination_plan"]}
    assert plan[("HepB", 1)] == "given" and plan[("HepB", 2)] == "overdue"
    person = record["person"]
    assert person["birth_weight_kg"] == 3.3 and person["birth_ga_days"] == 275


def test_preterm_low_birth_weight_enter_special_management(session: Session) -> None:
    birth = date(2024, 8, 20)
    child = new_child(session, birth, birth_weight_kg=2.1, birth_ga_days=245,
                      multiple_birth=True)
    record = session.child_record(child, today=TODAY)
    assert record["person"]["special_mgmt"] == ("preterm", "lbw", "multiple")
    kinds = [w["kind"] for w in record["schedule"]]
    assert "special_14d" in kinds and "special_2m" in kinds

    # A term, normal-weight child found at the newborn visit to be preterm after all.
    other = new_child(session, birth)
    assert session.child_record(other, TODAY)["person"]["special_mgmt"] == ()
    result = session.record_newborn_visit(other, newborn_fields(
        birth + timedelta(days=4), birth_weight_kg=2.4, birth_ga_days=250, weight_kg=2.5,
        length_cm=46.0, head_cm=32.0), today=TODAY)
    assert result.special_mgmt == ("preterm", "lbw")
    assert session.child_record(other, TODAY)["person"]["special_mgmt"] == ("preterm", "lbw")


def test_hbsag_positive_mother_flags_hbig(session: Session) -> None:
    with session.store.transaction(session.user.id) as tx:
        mother = tx.save("persons", {"kind": "woman", "name_zh": "王丽", "sex": "F",
                                     "area_code": VILLAGE})["id"]
        tx.save("risk_assessments", {"person_id": mother, "assessed_on": "2024-01-10",
                                     "colour": "yellow", "colours": ["yellow", "purple"],
                                     "reasons": ["hbsag_positive"],
                                     "facts": {"hbsag_positive": True}})
    child = new_child(session, TODAY - timedelta(days=3), mother_id=mother)
    person = session.child_record(child, TODAY)["person"]
    assert person["hbig_needed"] == 1
    # Stated on the form (no maternal record) it works the same.
    other = new_child(session, TODAY - timedelta(days=3))
    result = session.record_newborn_visit(other, newborn_fields(
        TODAY - timedelta(days=1), mother_hbsag_positive=True, hbig_given=True), today=TODAY)
    assert result.hbig_needed
    assert session.child_record(other, TODAY)["person"]["hbig_needed"] == 1
    plain = new_child(session, TODAY - timedelta(days=3))
    assert session.child_record(plain, TODAY)["person"]["hbig_needed"] == 0


def test_danger_sign_leads_to_urgent_referral(session: Session) -> None:
    birth = TODAY - timedelta(days=6)
    child = new_child(session, birth)
    result = session.record_newborn_visit(child, newborn_fields(
        TODAY, temperature_c=38.4, danger_signs=["not_feeding"]), today=TODAY)
    assert result.danger_signs == ("not_feeding", "fever")
    assert result.referral.needed and result.referral.urgent
    assert result.referral.reasons == ("danger_sign",)
    stored = session.store.conn.execute(
        "SELECT referral, referral_urgent, danger_signs FROM child_visits WHERE id = ?",
        (result.visit_id,)).fetchone()
    assert json.loads(stored[0]) == ["danger_sign"] and stored[1] == 1
    assert json.loads(stored[2]) == ["not_feeding", "fever"]

    # A development warning sign refers too, without urgency.
    older = new_child(session, date(2023, 9, 1))
    check = session.record_child_visit(older, "12m", {
        "visit_date": date(2024, 9, 1), "weight_kg": 9.5, "length_cm": 75.0,
        "head_cm": 46.0, "hb_g_l": 95, "dev_signs": ["12m_no_standing"]}, today=TODAY)
    assert check.referral.reasons == ("development_warning",)
    assert not check.referral.urgent
    assert check.anaemia == "moderate"


def test_bad_input_is_refused_with_a_clear_message_and_nothing_saved(session: Session) -> None:
    child = new_child(session)
    before = count(session, "child_visits"), count(session, "outbox")
    cases = [({"weight_kg": 0}, "weight_kg", "validation.not_positive"),
             ({"length_cm": 300}, "length_cm", "validation.out_of_range"),
             ({"visit_date": date(2024, 2, 1)}, "visit_date", "validation.before_birth"),
             ({"head_cm": 90}, "head_cm", "validation.out_of_range"),
             ({"hb_g_l": 500}, "hb_g_l", "validation.out_of_range"),
             ({"weight_kg": "abc"}, "weight_kg", "validation.not_a_number"),
             ({"feeding": "milk"}, "feeding", "validation.unknown_choice"),
             ({"visit_date": date(2024, 9, 2)}, "visit_date", "validation.in_future")]
    for change, field, code in cases:
        fields = {"visit_date": date(2024, 6, 3), "weight_kg": 6.4, "length_cm": 61.5,
                  **change}
        with pytest.raises(InvalidFormError) as caught:
            session.record_child_visit(child, "3m", fields, today=TODAY)
        assert (caught.value.issues[0].field, caught.value.code) == (field, code)
        text = error_text(caught.value)
        assert text and "{" not in text and text != error_text(Exception())
    assert (count(session, "child_visits"), count(session, "outbox")) == before

    # A birth date after the visit date when registering a child: refused too.
    with pytest.raises(InvalidFormError) as caught:
        session.register_child({"sex": "F", "birth_date": "2024-09-30",
                                "area_code": VILLAGE}, today=TODAY)
    assert caught.value.code == "validation.in_future"


def test_implausible_zscores_need_confirmation(session: Session) -> None:
    child = new_child(session)
    fields = {"visit_date": date(2024, 6, 3), "weight_kg": 1.2, "length_cm": 61.5}
    issues = session.check_child_visit(child, "3m", fields, today=TODAY)
    assert issues and all(i.severity == WARNING for i in issues)
    assert {i.params["indicator"] for i in issues} >= {"waz"}
    with pytest.raises(ConfirmationNeededError):
        session.record_child_visit(child, "3m", fields, today=TODAY)
    assert count(session, "child_visits") == 0
    saved = session.record_child_visit(child, "3m", fields, confirmed=True, today=TODAY)
    assert saved.warnings and saved.growth_codes == ()  # implausible values not classified
    assert session.check_child_visit(child, "3m", {**fields, "weight_kg": 0}, TODAY)[0] \
        .severity == ERROR


def test_vaccinations_due_overdue_and_refusals(session: Session) -> None:
    child = new_child(session, date(2024, 3, 1))
    session.record_vaccination(child, {"vaccine": "HepB", "dose": 1, "given_on": "2024-03-01"},
                               today=TODAY)
    with pytest.raises(InvalidFormError) as caught:
        session.record_vaccination(child, {"vaccine": "HepB", "dose": 1,
                                           "given_on": "2024-03-02"}, today=TODAY)
    assert caught.value.code == "validation.dose_already_given"
    with pytest.raises(InvalidFormError) as caught:
        session.record_vaccination(child, {"vaccine": "XYZ", "dose": 1}, today=TODAY)
    assert caught.value.code == "validation.dose_unknown"
    with pytest.raises(ConfirmationNeededError):  # 10 days after dose 1: interval 28 days
        session.record_vaccination(child, {"vaccine": "HepB", "dose": 2,
                                           "given_on": "2024-03-11"}, today=TODAY)
    session.record_vaccination(child, {"vaccine": "HepB", "dose": 2, "given_on": "2024-04-01"},
                               today=TODAY)
    plan = {(s.vaccine, s.dose): s for s in session.vaccination_plan(child, TODAY)}
    assert plan[("HepB", 2)].status == "given"
    assert plan[("BCG", 1)].status == "overdue"
    assert plan[("IPV", 1)].status == "overdue" and plan[("IPV", 1)].planned_on == TODAY
    assert plan[("MMR", 1)].status == "upcoming"
    assert plan[("MMR", 1)].planned_on == date(2024, 11, 1)


def test_village_doctor_sees_only_own_villages(made) -> None:
    admin = Session(made.store, made.admin)
    mine = new_child(admin)
    theirs = admin.register_child({"sex": "F", "birth_date": "2024-03-01",
                                   "area_code": OTHER_VILLAGE}, today=TODAY).ids[0]
    doctor = made.store.add_user(made.admin.id, "doc", "巴特尔", "village_doctor", [VILLAGE],
                                 "doctor-pass-1", kdf=KdfParams.floor())
    session = Session(made.store, doctor)
    assert session.child_record(mine, TODAY)["person"]["id"] == mine
    for call in (lambda: session.child_record(theirs, TODAY),
                 lambda: session.child_growth(theirs, "waz"),
                 lambda: session.record_child_visit(theirs, "6m", {
                     "visit_date": date(2024, 9, 1), "weight_kg": 7.5}, today=TODAY),
                 lambda: session.record_vaccination(theirs, {"vaccine": "BCG", "dose": 1},
                                                    today=TODAY),
                 lambda: session.report_child_death(theirs, {"death_date": "2024-08-01"},
                                                    today=TODAY)):
        with pytest.raises(PermissionDeniedError):
            call()
    with pytest.raises(InvalidFormError) as caught:
        session.register_child({"sex": "F", "birth_date": "2024-03-01",
                                "area_code": OTHER_VILLAGE}, today=TODAY)
    assert caught.value.code == "validation.area_not_yours"


def test_correction_supersedes_the_visit(session: Session) -> None:
    child = new_child(session)
    first = session.record_child_visit(child, "3m", {
        "visit_date": date(2024, 6, 3), "weight_kg": 6.4, "length_cm": 61.5}, today=TODAY)
    second = session.record_child_visit(child, "3m", {
        "visit_date": date(2024, 6, 3), "weight_kg": 6.6, "length_cm": 61.5,
        "supersedes": first.visit_id}, today=TODAY)
    visits = session.child_record(child, TODAY)["visits"]
    assert [v["id"] for v in visits] == [second.visit_id]
    assert [p.y for p in session.child_growth(child, "waz")[1]] == [6.6]
