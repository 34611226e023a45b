"""Bad input from issue 3 gets the right codes, beside the right field, and writes nothing."""

from __future__ import annotations

import pytest
from maternal_helpers import TODAY, admin_session, resident_id, woman_fields

from desktop.i18n import messages
from desktop.services.errors import ValidationError

TABLES = ("persons", "pregnancies", "prenatal_visits", "risk_assessments", "cases",
          "outbox", "audit", "search_keys")


def _snapshot(made) -> dict[str, int]:
    conn = made.store.conn
    return {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}


def _codes(exc: ValidationError) -> set[tuple[str, str]]:
    return {(i.field, i.code) for i in exc.issues if i.is_error}


@pytest.fixture
def pregnancy(made):
    s = admin_session(made)
    woman_id = s.register_woman(woman_fields(), today=TODAY).ids[0]
    pregnancy_id = s.register_pregnancy(woman_id, {
        "registered_on": "2026-10-01", "lmp": "2026-08-01", "pre_weight_kg": 60},
        today=TODAY).ids[0]
    return s, pregnancy_id


@pytest.mark.parametrize(("fields", "expected"), [
    ({"visit_date": "2026-07-20"}, {("visit_date", "validation.lmp_after_visit")}),
    ({"visit_date": "2026-11-25"}, {("visit_date", "validation.date_in_future")}),
    ({"sbp": 300, "dbp": 20}, {("sbp", "validation.value_too_high"),
                                ("dbp", "validation.value_too_low")}),
    ({"sbp": 80, "dbp": 90}, {("sbp", "validation.bp_systolic_not_above_diastolic")}),
    ({"weight_kg": 120}, {("weight_kg", "validation.weight_in_jin")}),     # 60 kg before
    ({"weight_kg": 250}, {("weight_kg", "validation.weight_in_jin")}),
    ({"weight_kg": float("nan")}, {("weight_kg", "validation.number_invalid")}),
    ({"hb_g_l": float("inf")}, {("hb_g_l", "validation.number_invalid")}),
    ({"hb_g_l": 250}, {("hb_g_l", "validation.value_too_high")}),
    ({"fhr": 300}, {("fhr", "validation.value_too_high")}),
    ({"screening": {"not_a_fact": True}}, {("screening", "validation.screening_unknown")}),
    ({"danger_signs": ["itchy"]}, {("danger_signs", "validation.choice_invalid")}),
])
def test_bad_visits_write_nothing(made, pregnancy, fields, expected):
    s, pregnancy_id = pregnancy
    before = _snapshot(made)
    with pytest.raises(ValidationError) as caught:
        s.record_prenatal_visit(pregnancy_id, {"visit_date": "2026-11-20", **fields},
                                today=TODAY)
    assert _codes(caught.value) == expected
    assert _snapshot(made) == before
    for issue in caught.value.issues:  # every message has words, in Chinese too
        assert messages.issue_text(issue) and "{" not in messages.issue_text(issue)


def _wrong_check_digit(text: str) -> str:
    return text[:-1] + ("0" if text[-1] != "0" else "1")


@pytest.mark.parametrize(("over", "expected"), [
    ({"name_zh": "王" * 1000}, {("name_zh", "validation.name_too_long")}),
    ({"name_zh": "王丽😀"}, {("name_zh", "validation.name_bad_characters")}),
    ({"name_mn": "ᠰᠠᠷᠠᠨ🌸", "name_zh": None}, {("name_mn", "validation.name_bad_characters")}),
    ({"resident_id": _wrong_check_digit(resident_id(__import__("datetime").date(1996, 3, 1)))},
     {("resident_id", "validation.resident_id_invalid")}),
    ({"phone": "138000011"}, {("phone", "validation.phone_invalid")}),
    ({"name_zh": None, "name_mn": None}, {("name_zh", "validation.name_required")}),
    ({"area_code": None}, {("area_code", "validation.area_invalid")}),
])
def test_bad_registrations_write_nothing(made, over, expected):
    s = admin_session(made)
    before = _snapshot(made)
    with pytest.raises(ValidationError) as caught:
        s.register_woman(woman_fields(**over), today=TODAY)
    assert _codes(caught.value) == expected
    assert _snapshot(made) == before


def test_full_width_digits_are_saved_as_ascii(made):
    s = admin_session(made)
    fields = woman_fields()
    table = str.maketrans("0123456789", "０１２３４５６７８９")
    fields["resident_id"] = fields["resident_id"].translate(table)
    fields["phone"] = "１３８ ００００ １１１１"
    woman_id = s.register_woman(fields, today=TODAY).ids[0]
    person = s.open_record(woman_id).person
    assert person["resident_id"] == woman_fields()["resident_id"]
    assert person["phone"] == "13800001111"
    assert person["birth_date"] == "1996-03-01"
    assert person["name_zh"] == "王丽"


def test_birth_date_mismatch_is_warned_and_saved(made):
    s = admin_session(made)
    changes = s.register_woman(woman_fields(birth_date="1996-03-02"), today=TODAY)
    assert [(w.field, w.code) for w in changes.warnings] == [
        ("birth_date", "validation.resident_id_birth_mismatch")]
    assert s.open_record(changes.ids[0]).person["birth_date"] == "1996-03-02"


@pytest.mark.parametrize(("fields", "expected"), [
    ({"lmp": "2026-12-01"}, {("lmp", "validation.date_in_future")}),
    ({"lmp": "2026-10-05"}, {("lmp", "validation.lmp_after_registration")}),
    ({"lmp": "2025-06-01"}, {("lmp", "validation.ga_too_high")}),
    ({"lmp": "1995-01-01"}, {("lmp", "validation.date_before_birth")}),
    ({"gravidity": 1, "parity": 2}, {("parity", "validation.parity_not_below_gravidity")}),
    ({"history": {"previous_caesareans": -1}}, {("history", "validation.value_too_high")}),
    ({"screening": {"syphilis": "yes"}}, {("screening", "validation.screening_unknown")}),
])
def test_bad_pregnancies_write_nothing(made, fields, expected):
    s = admin_session(made)
    woman_id = s.register_woman(woman_fields(), today=TODAY).ids[0]
    before = _snapshot(made)
    with pytest.raises(ValidationError) as caught:
        s.register_pregnancy(woman_id, {"registered_on": "2026-10-01", "lmp": "2026-08-01",
                                        **fields}, today=TODAY)
    assert _codes(caught.value) == expected
    assert _snapshot(made) == before


def test_bad_delivery_and_postpartum_write_nothing(made, pregnancy):
    s, pregnancy_id = pregnancy
    before = _snapshot(made)
    with pytest.raises(ValidationError) as caught:
        s.record_delivery(pregnancy_id, {"delivery_date": "2026-11-20", "babies": [
            {"sex": "F", "birth_weight_kg": 3200}]}, today=TODAY)
    assert _codes(caught.value) == {("babies.0.birth_weight_kg",
                                     "validation.birth_weight_in_grams")}
    assert _snapshot(made) == before
    s.record_delivery(pregnancy_id, {"delivery_date": "2026-11-20", "babies": [
        {"sex": "F", "birth_weight_kg": 3.2}]}, today=TODAY)
    before = _snapshot(made)
    with pytest.raises(ValidationError) as caught:
        s.record_postpartum_visit(pregnancy_id, {"kind": "postpartum_42d",
                                                 "visit_date": "2026-11-19",
                                                 "disposal": "refer"}, today=TODAY)
    assert _codes(caught.value) == {("visit_date", "validation.date_before_delivery"),
                                    ("disposal_reason", "validation.refer_reason_required")}
    assert _snapshot(made) == before


def test_validation_error_has_a_message(made):
    s = admin_session(made)
    with pytest.raises(ValidationError) as caught:
        s.register_woman(woman_fields(name_zh="王" * 1000), today=TODAY)
    assert messages.error_text(caught.value) != messages.ERROR_TEXTS["error.unexpected"]
