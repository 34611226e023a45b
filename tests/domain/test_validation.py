"""Field validation of maternal records: every rule, table-driven, at its boundaries."""

from __future__ import annotations

from datetime import date

import pytest

from desktop.domain import validation as v
from desktop.domain.ids import check_char

TODAY = date(2026, 11, 24)
EDD = date(2027, 5, 8)
LMP = date(2026, 8, 1)
VILLAGE = "150525100201"


def rid(born: date, seq: int = 22) -> str:
    first17 = f"150525{born:%Y%m%d}{seq:03d}"
    return first17 + check_char(first17)


GOOD_ID = rid(date(1990, 3, 1))
WOMAN = {"name_zh": "王丽", "resident_id": GOOD_ID, "area_code": VILLAGE}


def issues(checked: v.Checked) -> set[tuple[str, str, str]]:
    return {(i.field, i.code.removeprefix("validation."), i.severity) for i in checked.issues}


def woman(**over):
    return v.check_woman({**WOMAN, **over}, TODAY)


def visit(**fields):
    return v.check_prenatal_visit({"visit_date": "2026-11-20", **fields}, TODAY, edd=EDD,
                                  lmp=LMP)


# -- women ------------------------------------------------------------------------------
@pytest.mark.parametrize(("over", "expected"), [
    ({}, set()),
    ({"name_zh": None}, {("name_zh", "name_required", "error")}),
    ({"name_zh": None, "name_mn": "ᠰᠠᠷᠠᠨ"}, set()),
    ({"name_zh": "丽"}, set()),                                    # one character is a name
    ({"name_zh": "王" * 50}, set()),
    ({"name_zh": "王" * 51}, {("name_zh", "name_too_long", "error")}),
    ({"name_zh": "王" * 1000}, {("name_zh", "name_too_long", "error")}),
    ({"name_zh": "王丽😀"}, {("name_zh", "name_bad_characters", "error")}),
    ({"name_zh": "王丽3"}, {("name_zh", "name_bad_characters", "error")}),
    ({"name_zh": "乌云·其其格"}, set()),                           # transcription dot
    ({"name_mn": "ᠮᠣᠩᠭᠣᠯ\u202fᠤᠨ"}, set()),                         # NNBSP before a suffix
    ({"name_mn": "\ue234\ue235"}, {("name_mn", "name_legacy_mongolian", "error")}),
    ({"name_latin": "Saran-Tuya"}, set()),
    ({"resident_id": GOOD_ID[:-1] + ("0" if GOOD_ID[-1] != "0" else "1")},
     {("resident_id", "resident_id_invalid", "error")}),
    ({"resident_id": "15052519900230002X"}, {("resident_id", "resident_id_invalid", "error")}),
    ({"resident_id": rid(date(1990, 3, 1), 21)},
     {("resident_id", "resident_id_sex_mismatch", "warning")}),
    ({"birth_date": "1990-03-02"}, {("birth_date", "resident_id_birth_mismatch", "warning")}),
    ({"birth_date": "2027-01-01"}, {("birth_date", "date_in_future", "error")}),
    ({"birth_date": "1990-02-30"}, {("birth_date", "date_invalid", "error")}),
    ({"resident_id": None, "birth_date": "2020-01-01"},
     {("birth_date", "age_impossible", "error")}),
    ({"resident_id": None, "birth_date": "2013-01-01"},
     {("birth_date", "age_unusual", "warning")}),
    ({"phone": "13800001111"}, set()),
    ({"phone": "+86 138-0000-1111"}, set()),
    ({"phone": "0475-8212345"}, set()),
    ({"phone": "1380000111"}, {("phone", "phone_invalid", "error")}),
    ({"phone": "23800001111"}, {("phone", "phone_invalid", "error")}),
    ({"phone": "12800001111"}, {("phone", "phone_invalid", "error")}),
    ({"husband_phone": "abc"}, {("husband_phone", "phone_invalid", "error")}),
    ({"area_code": "15052510020"}, {("area_code", "area_invalid", "error")}),
    ({"blood_group": "ab"}, set()),
    ({"blood_group": "C"}, {("blood_group", "choice_invalid", "error")}),
    ({"rh": "neg"}, {("rh", "choice_invalid", "error")}),
    ({"ethnicity": "martian"}, {("ethnicity", "choice_invalid", "error")}),
    ({"address": "x" * 501}, {("address", "text_too_long", "error")}),
])
def test_woman_rules(over, expected):
    assert issues(woman(**over)) == expected


def test_birth_date_comes_from_the_id_and_digits_fields_fold_full_width():
    full_width_id = GOOD_ID.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    checked = woman(resident_id=full_width_id, phone="１３８００００１１１１",
                    area_code="１５０５２５１００２０１")
    assert checked.ok, checked.issues
    assert checked.values["resident_id"] == GOOD_ID
    assert checked.values["birth_date"] == "1990-03-01"
    assert checked.values["phone"] == "13800001111"
    assert checked.values["area_code"] == VILLAGE


def test_names_are_never_nfkc_folded():
    # A full-width Latin letter is a letter: kept exactly as typed (NFC only).
    checked = woman(name_latin="Ｓａｒａｎ", name_mn="ᠰᠠᠷᠠ\u180eᠨ")
    assert checked.ok
    assert checked.values["name_latin"] == "Ｓａｒａｎ"
    assert checked.values["name_mn"] == "ᠰᠠᠷᠠ\u180eᠨ"


def test_an_old_15_digit_id_is_upgraded():
    old = GOOD_ID[:6] + GOOD_ID[8:17]
    checked = woman(resident_id=old)
    assert checked.ok and checked.values["resident_id"] == GOOD_ID


# -- pregnancies ------------------------------------------------------------------------
PREG = {"registered_on": "2026-10-01", "lmp": "2026-08-01", "gravidity": 2, "parity": 1}


@pytest.mark.parametrize(("over", "expected"), [
    ({}, set()),
    ({"lmp": "2026-12-01", "registered_on": "2026-11-24"}, {("lmp", "date_in_future", "error")}),
    ({"lmp": "2026-10-02"}, {("lmp", "lmp_after_registration", "error")}),
    ({"lmp": None}, {("lmp", "required", "error")}),
    ({"registered_on": None}, {("registered_on", "required", "error")}),
    ({"lmp": "2025-11-01"}, {("lmp", "ga_too_high", "error")}),           # 48 weeks
    ({"lmp": "2025-11-22", "registered_on": "2026-09-26"}, set()),         # 44+0 weeks
    ({"lmp": "2025-11-21", "registered_on": "2026-09-26"}, {("lmp", "ga_too_high", "error")}),
    ({"gravidity": 1, "parity": 1}, {("parity", "parity_not_below_gravidity", "error")}),
    ({"gravidity": 0}, {("gravidity", "value_too_low", "error")}),
    ({"gravidity": 2.5}, {("gravidity", "number_not_whole", "error")}),
    ({"gravidity": 12, "parity": 1}, {("gravidity", "value_unusual", "warning")}),
    ({"us_date": "2026-10-01"}, {("us_ga_days", "required", "error")}),
    ({"us_date": "2026-10-01", "us_ga_days": 60}, set()),
    ({"us_date": "2026-10-01", "us_ga_days": 150}, {("us_ga_days", "value_too_high", "error")}),
    ({"us_date": "2026-10-01", "us_ga_days": 100},
     {("us_ga_days", "value_unusual", "warning")}),
    ({"us_date": "2026-07-01", "us_ga_days": 60}, {("us_date", "date_before_lmp", "error")}),
    ({"height_cm": 1.58}, {("height_cm", "height_in_metres", "error")}),
    ({"height_cm": 158}, set()),
    ({"height_cm": 99}, {("height_cm", "value_too_low", "error")}),
    ({"pre_weight_kg": 240}, {("pre_weight_kg", "weight_in_jin", "error")}),
    ({"pre_weight_kg": 500}, {("pre_weight_kg", "value_too_high", "error")}),
    ({"handbook_no": "150525100-2026-00001"}, set()),
    ({"handbook_no": "手册1"}, {("handbook_no", "handbook_invalid", "error")}),
    ({"handbook_no": "A" * 31}, {("handbook_no", "handbook_invalid", "error")}),
])
def test_pregnancy_rules(over, expected):
    fields = {k: val for k, val in {**PREG, **over}.items() if val is not None}
    assert issues(v.check_pregnancy(fields, TODAY, birth_date=date(1990, 3, 1))) == expected


def test_pregnancy_edd_from_lmp_or_ultrasound_and_early_flag():
    checked = v.check_pregnancy(PREG, TODAY)
    assert checked.values["edd"] == "2027-05-08" and checked.values["edd_method"] == "lmp"
    assert checked.values["registered_ga_days"] == 61
    scan = v.check_pregnancy({**PREG, "us_date": "2026-10-01", "us_ga_days": 75}, TODAY)
    assert scan.values["edd_method"] == "ultrasound"
    assert scan.values["edd"] == "2027-04-24"          # 2026-10-01 + 280 − 75 days
    assert scan.values["registered_ga_days"] == 75


# -- prenatal visits --------------------------------------------------------------------
NAN, INF = float("nan"), float("inf")


@pytest.mark.parametrize(("fields", "expected"), [
    ({}, set()),
    ({"sbp": 120, "dbp": 80}, set()),
    ({"sbp": 300, "dbp": 20}, {("sbp", "value_too_high", "error"),
                                ("dbp", "value_too_low", "error")}),
    ({"sbp": 250, "dbp": 30}, {("sbp", "bp_unusual", "warning"),
                                ("dbp", "bp_unusual", "warning")}),
    ({"sbp": 251, "dbp": 80}, {("sbp", "value_too_high", "error")}),
    ({"sbp": 49, "dbp": 40}, {("sbp", "value_too_low", "error"),
                               ("dbp", "bp_unusual", "warning")}),
    ({"sbp": 80, "dbp": 80}, {("sbp", "bp_systolic_not_above_diastolic", "error"),
                               ("sbp", "bp_unusual", "warning")}),
    ({"sbp": 70, "dbp": 90}, {("sbp", "bp_systolic_not_above_diastolic", "error"),
                               ("sbp", "bp_unusual", "warning")}),
    ({"sbp": 159, "dbp": 109}, set()),
    ({"sbp": 160, "dbp": 100}, {("sbp", "bp_unusual", "warning")}),
    ({"sbp": 140, "dbp": 110}, {("dbp", "bp_unusual", "warning")}),
    ({"weight_kg": 120}, set()),
    ({"weight_kg": 121}, {("weight_kg", "value_unusual", "warning")}),
    ({"weight_kg": 200}, {("weight_kg", "value_unusual", "warning")}),
    ({"weight_kg": 201}, {("weight_kg", "weight_in_jin", "error")}),
    ({"weight_kg": 300}, {("weight_kg", "weight_in_jin", "error")}),
    ({"weight_kg": 301}, {("weight_kg", "value_too_high", "error")}),
    ({"weight_kg": 19}, {("weight_kg", "value_too_low", "error")}),
    ({"weight_kg": NAN}, {("weight_kg", "number_invalid", "error")}),
    ({"weight_kg": INF}, {("weight_kg", "number_invalid", "error")}),
    ({"weight_kg": "nan"}, {("weight_kg", "number_invalid", "error")}),
    ({"weight_kg": "六十"}, {("weight_kg", "number_invalid", "error")}),
    ({"weight_kg": True}, {("weight_kg", "number_invalid", "error")}),
    ({"weight_kg": "６０.５"}, set()),
    ({"hb_g_l": 30}, {("hb_g_l", "hb_unusual", "warning")}),
    ({"hb_g_l": 29.9}, {("hb_g_l", "value_too_low", "error")}),
    ({"hb_g_l": 200}, {("hb_g_l", "hb_unusual", "warning")}),
    ({"hb_g_l": 201}, {("hb_g_l", "value_too_high", "error")}),
    ({"hb_g_l": 110}, set()),
    ({"fhr": 60}, {("fhr", "fhr_unusual", "warning")}),
    ({"fhr": 59}, {("fhr", "value_too_low", "error")}),
    ({"fhr": 220}, {("fhr", "fhr_unusual", "warning")}),
    ({"fhr": 221}, {("fhr", "value_too_high", "error")}),
    ({"fhr": 140}, set()),
    ({"fhr": 140.5}, {("fhr", "number_not_whole", "error")}),
    ({"plt_10e9_l": 0}, {("plt_10e9_l", "value_too_low", "error")}),
    ({"glucose_mmol_l": 7.5}, {("glucose_mmol_l", "glucose_unusual", "warning")}),
    ({"fundal_cm": 51}, {("fundal_cm", "value_too_high", "error")}),
    ({"urine_protein": "++"}, set()),
    ({"urine_protein": "lots"}, {("urine_protein", "choice_invalid", "error")}),
    ({"next_date": "2026-11-20"}, {("next_date", "value_too_low", "error")}),
    ({"next_date": "2026-12-20"}, set()),
    ({"visit_date": "2026-11-25"}, {("visit_date", "date_in_future", "error")}),
    ({"visit_date": "2026-07-31"}, {("visit_date", "lmp_after_visit", "error")}),
    ({"visit_date": None}, {("visit_date", "required", "error")}),
    ({"visit_date": "yesterday"}, {("visit_date", "date_invalid", "error")}),
])
def test_prenatal_visit_rules(fields, expected):
    assert issues(visit(**fields)) == expected


def test_visit_past_44_weeks_is_refused():
    edd = date(2026, 10, 1)    # 44+0 weeks on 2026-10-29
    ok = v.check_prenatal_visit({"visit_date": "2026-10-29"}, TODAY, edd=edd)
    assert ok.ok and ok.values["ga_days"] == 44 * 7
    refused = v.check_prenatal_visit({"visit_date": "2026-10-30"}, TODAY, edd=edd)
    assert issues(refused) == {("visit_date", "ga_too_high", "error")}


def test_weight_in_jin_caught_against_the_last_weight():
    checked = v.check_prenatal_visit({"visit_date": "2026-11-20", "weight_kg": 120}, TODAY,
                                     edd=EDD, previous_weight_kg=60)
    assert issues(checked) == {("weight_kg", "weight_in_jin", "error")}
    assert checked.errors[0].params["kg"] == 60
    fine = v.check_prenatal_visit({"visit_date": "2026-11-20", "weight_kg": 64}, TODAY,
                                  edd=EDD, previous_weight_kg=60)
    assert fine.ok


# -- deliveries -------------------------------------------------------------------------
BABY = {"sex": "F", "birth_weight_kg": 3.2, "birth_length_cm": 50}


@pytest.mark.parametrize(("fields", "expected"), [
    ({}, set()),
    ({"babies": []}, {("babies", "babies_required", "error")}),
    ({"babies": [BABY, {**BABY, "sex": "M"}]}, set()),
    ({"babies": [{**BABY, "sex": None}]}, {("babies.0.sex", "required", "error")}),
    ({"babies": [{**BABY, "birth_weight_kg": 3200}]},
     {("babies.0.birth_weight_kg", "birth_weight_in_grams", "error")}),
    ({"babies": [{**BABY, "birth_weight_kg": 2.4}]},
     {("babies.0.birth_weight_kg", "value_unusual", "warning")}),
    ({"babies": [{**BABY, "birth_weight_kg": 7.5}]},
     {("babies.0.birth_weight_kg", "value_too_high", "error")}),
    ({"babies": [{**BABY, "birth_length_cm": 70}]},
     {("babies.0.birth_length_cm", "value_too_high", "error")}),
    ({"babies": [{**BABY, "name_zh": "小😀"}]},
     {("babies.0.name_zh", "name_bad_characters", "error")}),
    ({"delivery_date": "2026-11-25"}, {("delivery_date", "date_in_future", "error")}),
    ({"delivery_date": "2026-07-30"}, {("delivery_date", "date_before_lmp", "error")}),
    ({"discharge_date": "2026-11-01"}, {("discharge_date", "discharge_before_delivery",
                                         "error")}),
    ({"blood_loss_ml": 499}, set()),
    ({"blood_loss_ml": 500}, {("blood_loss_ml", "blood_loss_high", "warning")}),
    ({"blood_loss_ml": 10001}, {("blood_loss_ml", "value_too_high", "error")}),
    ({"mode": "magic"}, {("mode", "choice_invalid", "error")}),
    ({"place_level": "county"}, set()),
])
def test_delivery_rules(fields, expected):
    base = {"delivery_date": "2026-11-10", "babies": [BABY], "mode": "vaginal"}
    checked = v.check_delivery({**base, **fields}, TODAY, edd=EDD, lmp=LMP)
    assert issues(checked) == expected


# -- postpartum visits ------------------------------------------------------------------
@pytest.mark.parametrize(("fields", "expected"), [
    ({}, set()),
    ({"kind": "postpartum_14d"}, {("kind", "choice_invalid", "error")}),
    ({"kind": None}, {("kind", "required", "error")}),
    ({"visit_date": "2026-10-31"}, {("visit_date", "date_before_delivery", "error")}),
    ({"visit_date": "2026-11-25"}, {("visit_date", "date_in_future", "error")}),
    ({"breasts": "sore"}, {("breasts", "choice_invalid", "error")}),
    ({"lochia": "abnormal", "uterus": "normal", "wound": "normal"}, set()),
    ({"classification": "better"}, {("classification", "choice_invalid", "error")}),
    ({"disposal": "refer"}, {("disposal_reason", "refer_reason_required", "error")}),
    ({"disposal": "refer", "disposal_reason": "BP high"}, set()),
    ({"guidance": ["contraception", "astrology"]}, {("guidance", "choice_invalid", "error")}),
    ({"sbp": 300, "dbp": 20}, {("sbp", "value_too_high", "error"),
                                ("dbp", "value_too_low", "error")}),
])
def test_postpartum_rules(fields, expected):
    base = {"kind": "postpartum_42d", "visit_date": "2026-11-20"}
    checked = v.check_postpartum_visit({**base, **fields}, TODAY,
                                       delivery_date=date(2026, 11, 1))
    assert issues(checked) == expected


def test_every_code_has_an_english_and_chinese_text():
    from desktop.i18n import messages

    for code in v.ISSUE_CODES:
        assert v.PREFIX + code in messages.ERROR_TEXTS, code
