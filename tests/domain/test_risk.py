"""Five-colour pregnancy risk grading and the screening form (desktop/domain/risk.py)."""

from __future__ import annotations

import ast
import re
import sys
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from desktop.domain import risk
from desktop.domain.risk import (
    COLOUR_ORDER,
    CRITERIA,
    CRITERIA_BY_CODE,
    FACT_CODES,
    FLAG_FACTS,
    MEASUREMENTS,
    SCREENING_ITEMS,
    ZHEJIANG_2018_ADDITIONS,
    Band,
    Compare,
    Condition,
    RiskResult,
    age_in_completed_years,
    assess,
    completed_months,
    more_severe,
    screen,
)

ALL_CRITERIA = CRITERIA + ZHEJIANG_2018_ADDITIONS
SNAKE = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")
CJK = re.compile(r"[\u4e00-\u9fff]")


def matched(code: str, facts: dict[str, object]) -> bool:
    return code in assess(facts, criteria=ALL_CRITERIA).factors


# ---------------------------------------------------------------------------------------------
# Every criterion with a test: at, just inside and just outside its boundary.
# (criterion code, facts, expected match)

BOUNDARY_CASES: list[tuple[str, dict[str, object], bool]] = [
    # yellow
    ("age_35_or_over", {"age_years": 35}, True),
    ("age_35_or_over", {"age_years": 36}, True),
    ("age_35_or_over", {"age_years": 34}, False),
    ("age_18_or_under", {"age_years": 18}, True),
    ("age_18_or_under", {"age_years": 17}, True),
    ("age_18_or_under", {"age_years": 19}, False),
    ("bmi_over_25", {"bmi": 25}, False),
    ("bmi_over_25", {"bmi": 25.1}, True),
    ("bmi_over_25", {"bmi": 24.9}, False),
    ("bmi_under_18_5", {"bmi": 18.5}, False),
    ("bmi_under_18_5", {"bmi": 18.4}, True),
    ("bmi_under_18_5", {"bmi": 18.6}, False),
    ("adverse_obstetric_history", {"abortions": 3}, True),
    ("adverse_obstetric_history", {"abortions": 4}, True),
    ("adverse_obstetric_history", {"abortions": 2}, False),
    ("adverse_obstetric_history", {"previous_ectopic_pregnancy": True}, True),
    ("adverse_obstetric_history", {"previous_ectopic_pregnancy": False}, False),
    ("scarred_uterus", {"previous_caesareans": 1}, True),
    ("scarred_uterus", {"previous_caesareans": 0}, False),
    ("scarred_uterus", {"uterine_surgeries": 1}, True),
    ("scarred_uterus", {"uterine_surgeries": 0}, False),
    ("fibroid_or_ovarian_cyst_5cm", {"fibroid_or_cyst_cm": 5}, True),
    ("fibroid_or_ovarian_cyst_5cm", {"fibroid_or_cyst_cm": 5.1}, True),
    ("fibroid_or_ovarian_cyst_5cm", {"fibroid_or_cyst_cm": 4.9}, False),
    ("thrombocytopenia_plt_50_to_100", {"plt_10e9_l": 50}, False),
    ("thrombocytopenia_plt_50_to_100", {"plt_10e9_l": 50.1}, True),
    ("thrombocytopenia_plt_50_to_100", {"plt_10e9_l": 99.9}, True),
    ("thrombocytopenia_plt_50_to_100", {"plt_10e9_l": 100}, False),
    ("anaemia_hb_60_to_110", {"hb_g_l": 60}, False),
    ("anaemia_hb_60_to_110", {"hb_g_l": 60.1}, True),
    ("anaemia_hb_60_to_110", {"hb_g_l": 109.9}, True),
    ("anaemia_hb_60_to_110", {"hb_g_l": 110}, False),
    ("malpresentation_at_36_weeks", {"malpresentation": True, "ga_weeks": 36}, True),
    ("malpresentation_at_36_weeks", {"malpresentation": True, "ga_weeks": 37}, True),
    ("malpresentation_at_36_weeks", {"malpresentation": True, "ga_weeks": 35.9}, False),
    ("malpresentation_at_36_weeks", {"malpresentation": True}, False),
    ("malpresentation_at_36_weeks", {"ga_weeks": 38}, False),
    ("multiple_pregnancy", {"fetuses": 2}, True),
    ("multiple_pregnancy", {"fetuses": 3}, True),
    ("multiple_pregnancy", {"fetuses": 1}, False),
    # orange
    ("age_40_or_over", {"age_years": 40}, True),
    ("age_40_or_over", {"age_years": 41}, True),
    ("age_40_or_over", {"age_years": 39}, False),
    ("bmi_28_or_over", {"bmi": 28}, True),
    ("bmi_28_or_over", {"bmi": 28.1}, True),
    ("bmi_28_or_over", {"bmi": 27.9}, False),
    ("heart_function_mildly_reduced", {"nyha_class": 2}, True),
    ("heart_function_mildly_reduced", {"nyha_class": 1}, False),
    ("heart_function_mildly_reduced", {"nyha_class": 3}, False),
    ("heart_function_mildly_reduced", {"ef_percent": 40}, True),
    ("heart_function_mildly_reduced", {"ef_percent": 39.9}, False),
    ("heart_function_mildly_reduced", {"ef_percent": 49.9}, True),
    ("heart_function_mildly_reduced", {"ef_percent": 50}, False),
    ("pulmonary_hypertension_mild", {"pa_pressure_mmhg": 30}, True),
    ("pulmonary_hypertension_mild", {"pa_pressure_mmhg": 29.9}, False),
    ("pulmonary_hypertension_mild", {"pa_pressure_mmhg": 49.9}, True),
    ("pulmonary_hypertension_mild", {"pa_pressure_mmhg": 50}, False),
    ("thrombocytopenia_plt_30_to_50", {"plt_10e9_l": 30}, True),
    ("thrombocytopenia_plt_30_to_50", {"plt_10e9_l": 29.9}, False),
    ("thrombocytopenia_plt_30_to_50", {"plt_10e9_l": 50}, True),
    ("thrombocytopenia_plt_30_to_50", {"plt_10e9_l": 50.1}, False),
    ("anaemia_hb_40_to_60", {"hb_g_l": 40}, False),
    ("anaemia_hb_40_to_60", {"hb_g_l": 40.1}, True),
    ("anaemia_hb_40_to_60", {"hb_g_l": 60}, True),
    ("anaemia_hb_40_to_60", {"hb_g_l": 60.1}, False),
    ("uterine_surgery_2_or_more", {"uterine_surgeries": 2}, True),
    ("uterine_surgery_2_or_more", {"uterine_surgeries": 3}, True),
    ("uterine_surgery_2_or_more", {"uterine_surgeries": 1}, False),
    ("uterine_surgery_2_or_more", {"previous_caesareans": 2}, True),
    ("uterine_surgery_2_or_more", {"previous_caesareans": 1}, False),
    ("multiple_or_polyhydramnios_cardiopulmonary",
     {"fetuses": 2, "cardiopulmonary_function_reduced": True}, True),
    ("multiple_or_polyhydramnios_cardiopulmonary",
     {"polyhydramnios": True, "cardiopulmonary_function_reduced": True}, True),
    ("multiple_or_polyhydramnios_cardiopulmonary",
     {"fetuses": 1, "cardiopulmonary_function_reduced": True}, False),
    ("multiple_or_polyhydramnios_cardiopulmonary", {"fetuses": 2}, False),
    ("severe_preeclampsia", {"chronic_hypertension_with_preeclampsia": True}, True),
    ("severe_preeclampsia", {"chronic_hypertension_with_preeclampsia": False}, False),
    # red
    ("pulmonary_hypertension_severe", {"pa_pressure_mmhg": 50}, True),
    ("pulmonary_hypertension_severe", {"pa_pressure_mmhg": 50.1}, True),
    ("pulmonary_hypertension_severe", {"pa_pressure_mmhg": 49.9}, False),
    ("heart_function_nyha_3_4", {"nyha_class": 3}, True),
    ("heart_function_nyha_3_4", {"nyha_class": 4}, True),
    ("heart_function_nyha_3_4", {"nyha_class": 2}, False),
    ("ejection_fraction_under_40", {"ef_percent": 40}, False),
    ("ejection_fraction_under_40", {"ef_percent": 39.9}, True),
    ("ejection_fraction_under_40", {"ef_percent": 40.1}, False),
    ("thrombocytopenia_severe", {"plt_10e9_l": 30}, False),
    ("thrombocytopenia_severe", {"plt_10e9_l": 29.9}, True),
    ("thrombocytopenia_severe", {"plt_10e9_l": 30.1}, False),
    ("thrombocytopenia_severe", {"plt_falling": True}, True),
    ("thrombocytopenia_severe", {"bleeding_tendency": True, "plt_10e9_l": 99.9}, True),
    ("thrombocytopenia_severe", {"bleeding_tendency": True, "plt_10e9_l": 100}, False),
    ("thrombocytopenia_severe",
     {"bleeding_tendency": True, "thrombocytopenia_plt_50_to_100": True}, True),
    ("thrombocytopenia_severe", {"bleeding_tendency": True}, False),
    ("anaemia_hb_40_or_under", {"hb_g_l": 40}, True),
    ("anaemia_hb_40_or_under", {"hb_g_l": 39.9}, True),
    ("anaemia_hb_40_or_under", {"hb_g_l": 40.1}, False),
    ("coagulopathy_with_bleeding", {"coagulopathy": True, "bleeding_tendency": True}, True),
    ("coagulopathy_with_bleeding", {"coagulopathy": True}, False),
    ("coagulopathy_with_bleeding", {"bleeding_tendency": True}, False),
    # purple
    ("hbv_infection", {"hbsag_positive": True}, True),
    ("hbv_infection", {"hbsag_positive": False}, False),
    # Zhejiang 2018 (opt-in)
    ("height_145_or_under", {"height_cm": 145}, True),
    ("height_145_or_under", {"height_cm": 144.9}, True),
    ("height_145_or_under", {"height_cm": 145.1}, False),
    ("caesareans_3_or_more", {"previous_caesareans": 3}, True),
    ("caesareans_3_or_more", {"previous_caesareans": 4}, True),
    ("caesareans_3_or_more", {"previous_caesareans": 2}, False),
]


@pytest.mark.parametrize(("code", "facts", "expected"), BOUNDARY_CASES,
                         ids=[f"{c}-{f}" for c, f, _ in BOUNDARY_CASES])
def test_criterion_boundary(code: str, facts: dict[str, object], expected: bool) -> None:
    assert matched(code, facts) is expected


def _measurements_read(condition: Condition) -> set[str]:
    if isinstance(condition, Compare | Band):
        return {condition.fact}
    return set().union(*(_measurements_read(p) for p in getattr(condition, "parts", ())))


@pytest.mark.parametrize("criterion", [c for c in ALL_CRITERIA if c.test is not None],
                         ids=lambda c: c.code)
def test_every_tested_criterion_has_boundary_cases(criterion: risk.Criterion) -> None:
    cases = [expected for code, _, expected in BOUNDARY_CASES if code == criterion.code]
    assert True in cases and False in cases
    if criterion.test is not None and _measurements_read(criterion.test):
        assert len(cases) >= 3


@pytest.mark.parametrize("criterion", ALL_CRITERIA, ids=lambda c: c.code)
def test_ticking_a_criterion_alone_gives_its_colour(criterion: risk.Criterion) -> None:
    result = assess({criterion.code: True}, criteria=ALL_CRITERIA)
    assert result.colour == criterion.colour
    assert criterion.code in result.reasons
    assert assess({criterion.code: False}, criteria=ALL_CRITERIA).colour == "green"
    assert assess({criterion.code: None}, criteria=ALL_CRITERIA).colour == "green"


# ---------------------------------------------------------------------------------------------
# Colour bands: contiguous, no gap, no overlap


@pytest.mark.parametrize(("hb", "colour"), [
    (150, "green"), (110, "green"), (109.9, "yellow"), (60.1, "yellow"), (60, "orange"),
    (40.1, "orange"), (40, "red"), (0, "red"),
])
def test_hb_bands(hb: float, colour: str) -> None:
    assert assess({"hb_g_l": hb}).colour == colour


@pytest.mark.parametrize(("plt", "colour"), [
    (300, "green"), (100, "green"), (99.9, "yellow"), (50.1, "yellow"), (50, "orange"),
    (30, "orange"), (29.9, "red"), (0, "red"),
])
def test_plt_bands(plt: float, colour: str) -> None:
    assert assess({"plt_10e9_l": plt}).colour == colour


@pytest.mark.parametrize(("fact", "codes", "healthy_from"), [
    ("hb_g_l", {"anaemia_hb_60_to_110", "anaemia_hb_40_to_60", "anaemia_hb_40_or_under"}, 110),
    ("plt_10e9_l", {"thrombocytopenia_plt_50_to_100", "thrombocytopenia_plt_30_to_50",
                    "thrombocytopenia_severe"}, 100),
    ("ef_percent", {"heart_function_mildly_reduced", "ejection_fraction_under_40"}, 50),
])
def test_numeric_bands_have_no_gap_and_no_overlap(fact: str, codes: set[str],
                                                  healthy_from: float) -> None:
    top = MEASUREMENTS[fact].maximum or 150
    for tenths in range(0, int(top * 10) + 1):
        value = tenths / 10
        hits = codes & set(assess({fact: value}).factors)
        assert len(hits) == (1 if value < healthy_from else 0), (value, hits)


def test_pulmonary_pressure_bands() -> None:
    codes = {"pulmonary_hypertension_mild", "pulmonary_hypertension_severe"}
    for tenths in range(0, 1501):
        value = tenths / 10
        hits = codes & set(assess({"pa_pressure_mmhg": value}).factors)
        assert len(hits) == (1 if value >= 30 else 0), (value, hits)


@pytest.mark.parametrize(("age", "colour"), [
    (17, "yellow"), (18, "yellow"), (19, "green"), (34, "green"), (35, "yellow"),
    (39, "yellow"), (40, "orange"), (45, "orange"),
])
def test_age_grades(age: int, colour: str) -> None:
    assert assess({"age_years": age}).colour == colour


@pytest.mark.parametrize(("value", "colour"), [
    (18.4, "yellow"), (18.5, "green"), (25, "green"), (25.1, "yellow"), (27.9, "yellow"),
    (28, "orange"), (35, "orange"),
])
def test_bmi_grades(value: float, colour: str) -> None:
    assert assess({"bmi": value}).colour == colour


def test_reasons_keep_only_the_deciding_colour() -> None:
    result = assess({"age_years": 41, "hb_g_l": 100})
    assert result.colour == "orange"
    assert result.reasons == ("age_40_or_over",)
    assert result.factors == ("age_40_or_over", "age_35_or_over", "anaemia_hb_60_to_110")


# ---------------------------------------------------------------------------------------------
# BMI from weight and height


@pytest.mark.parametrize(("weight", "height", "colour", "code"), [
    (70, 158, "orange", "bmi_28_or_over"),     # 28.04
    (65, 160, "yellow", "bmi_over_25"),        # 25.39
    (64, 160, "green", None),                  # 25.00 exactly: not >25
    (47, 160, "yellow", "bmi_under_18_5"),     # 18.36
    (47.36, 160, "green", None),               # 18.50
])
def test_bmi_is_computed_from_weight_and_height(weight: float, height: float, colour: str,
                                                code: str | None) -> None:
    result = assess({"weight_kg": weight, "height_cm": height})
    assert result.colour == colour
    assert result.reasons == ((code,) if code else ())


def test_recorded_and_computed_bmi_both_count() -> None:
    assert assess({"bmi": 22, "weight_kg": 70, "height_cm": 158}).colour == "orange"
    assert assess({"bmi": 29, "weight_kg": 55, "height_cm": 160}).colour == "orange"


def test_bmi_needs_both_weight_and_height() -> None:
    assert assess({"weight_kg": 120}).colour == "green"
    assert assess({"weight_kg": 120, "height_cm": None}).colour == "green"


def test_bmi_helper() -> None:
    assert risk.bmi(64, 160) == 25.0
    with pytest.raises(ValueError):
        risk.bmi(64, 0)


# ---------------------------------------------------------------------------------------------
# Purple and the result shape


def test_syphilis_and_age_41_is_orange_with_purple() -> None:
    result = assess({"syphilis": True, "age_years": 41})
    assert result.colour == "orange"
    assert result.colours == ("orange", "purple")
    assert set(result.reasons) == {"age_40_or_over", "syphilis"}
    assert result.is_case_managed and result.is_purple
    assert result.grade == "orange"


def test_purple_alone() -> None:
    result = assess({"hiv": True, "tuberculosis": True})
    assert result.colour == "purple"
    assert result.colours == ("purple",)
    assert result.reasons == ("hiv", "tuberculosis")
    assert result.grade == "green"
    assert result.is_case_managed


def test_hbsag_positive_is_yellow_with_purple() -> None:
    result = assess({"hbsag_positive": True})
    assert result.colour == "yellow"
    assert result.colours == ("yellow", "purple")
    assert result.reasons == ("hbsag_positive", "hbv_infection")


def test_red_with_purple() -> None:
    result = assess({"hb_g_l": 38, "viral_hepatitis": True, "age_years": 36})
    assert result.colours == ("red", "purple")
    assert result.reasons == ("anaemia_hb_40_or_under", "viral_hepatitis")


def test_nothing_matched_is_green() -> None:
    result = assess({"age_years": 28, "hb_g_l": 125, "plt_10e9_l": 210, "bmi": 22,
                     "rh_negative": False, "syphilis": None})
    assert result == RiskResult("green", ("green",), (), ())
    assert not result.is_case_managed and not result.is_purple


@pytest.mark.parametrize(("colours", "managed"), [
    (("green",), False), (("yellow",), False), (("orange",), True), (("red",), True),
    (("purple",), True), (("yellow", "purple"), True),
])
def test_is_case_managed(colours: tuple[str, ...], managed: bool) -> None:
    assert RiskResult(colours[0], colours, ()).is_case_managed is managed


def test_result_is_frozen() -> None:
    result = assess({})
    with pytest.raises(AttributeError):
        result.colour = "red"  # type: ignore[misc]


def test_colour_order_and_more_severe() -> None:
    assert COLOUR_ORDER == ("green", "yellow", "orange", "red")
    for i, a in enumerate(COLOUR_ORDER):
        for j, b in enumerate(COLOUR_ORDER):
            assert more_severe(a, b) == COLOUR_ORDER[max(i, j)]
    with pytest.raises(ValueError):
        more_severe("purple", "green")
    with pytest.raises(ValueError):
        more_severe("blue", "red")


def test_zhejiang_additions_are_opt_in() -> None:
    facts = {"previous_caesareans": 3, "height_cm": 140}
    assert assess(facts).colour == "orange"   # ≥2 uterine operations
    assert assess(facts, criteria=ALL_CRITERIA).colour == "red"


# ---------------------------------------------------------------------------------------------
# Validation of facts


def test_unknown_fact_code_raises_with_a_hint() -> None:
    with pytest.raises(ValueError, match="syphillis.*did you mean 'syphilis'"):
        assess({"syphillis": True})
    with pytest.raises(ValueError, match="unknown fact code"):
        screen({"colour": "red"})


@pytest.mark.parametrize("facts", [
    {"syphilis": "yes"},
    {"syphilis": 1},
    {"hb_g_l": True},
    {"hb_g_l": "95"},
    {"hb_g_l": float("nan")},
    {"hb_g_l": float("inf")},
    {"hb_g_l": -1},
    {"age_years": 35.5},
    {"nyha_class": 5},
    {"ef_percent": 101},
    {"fetuses": 0},
])
def test_badly_typed_or_out_of_range_values_raise(facts: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        assess(facts)


def test_none_means_not_recorded() -> None:
    assert assess({code: None for code in FACT_CODES}).colour == "green"
    assert screen({code: None for code in FACT_CODES}) == ()


# ---------------------------------------------------------------------------------------------
# 附件1 screening


SCREENING_CASES: list[tuple[str, dict[str, object], bool]] = [
    ("screen_age", {"age_years": 35}, True),
    ("screen_age", {"age_years": 34}, False),
    ("screen_age", {"age_years": 18}, True),
    ("screen_age", {"age_years": 19}, False),
    ("screen_height", {"height_cm": 145}, True),
    ("screen_height", {"height_cm": 145.1}, False),
    ("screen_height", {"physical_disability": True}, True),
    ("screen_bmi", {"bmi": 25}, False),
    ("screen_bmi", {"bmi": 25.1}, True),
    ("screen_bmi", {"bmi": 18.5}, False),
    ("screen_bmi", {"weight_kg": 47, "height_cm": 160}, True),
    ("screen_rh_negative", {"rh_negative": True}, True),
    ("screen_rh_negative", {"rh_negative": False}, False),
    ("screen_birth_interval", {"months_since_last_birth": 17.9}, True),
    ("screen_birth_interval", {"months_since_last_birth": 18}, False),
    ("screen_birth_interval", {"months_since_last_birth": 60}, False),
    ("screen_birth_interval", {"months_since_last_birth": 61}, True),
    ("screen_previous_caesarean", {"previous_caesareans": 1}, True),
    ("screen_previous_caesarean", {"previous_caesareans": 0}, False),
    ("screen_adverse_obstetric_history", {"abortions": 3}, True),
    ("screen_adverse_obstetric_history", {"abortions": 2}, False),
    ("screen_adverse_obstetric_history", {"previous_perinatal_death": True}, True),
    ("screen_current_pregnancy_abnormal", {"fetuses": 2}, True),
    ("screen_current_pregnancy_abnormal", {"fetuses": 1}, False),
    ("screen_current_pregnancy_abnormal", {"assisted_reproduction": True}, True),
    ("screen_genital_tract_malformation", {"genital_tract_malformation": True}, True),
    ("screen_fibroid_or_cyst", {"fibroid_or_cyst_cm": 5}, True),
    ("screen_fibroid_or_cyst", {"fibroid_or_cyst_cm": 4.9}, False),
    ("screen_fibroid_or_cyst", {"fibroid_or_ovarian_cyst_5cm": True}, True),
    ("screen_scarred_uterus", {"scarred_uterus": True}, True),
    ("screen_scarred_uterus", {"uterine_surgeries": 1}, True),
    ("screen_scarred_uterus", {"uterine_surgeries": 0}, False),
    ("screen_family_hypertension", {"family_history_hypertension": True, "sbp": 140}, True),
    ("screen_family_hypertension", {"family_history_hypertension": True, "dbp": 90}, True),
    ("screen_family_hypertension",
     {"family_history_hypertension": True, "sbp": 139, "dbp": 89}, False),
    ("screen_family_hypertension", {"family_history_hypertension": True}, False),
    ("screen_family_hypertension", {"sbp": 150}, False),
    ("screen_malignancy", {"malignancy": True}, True),
    ("screen_hb", {"hb_g_l": 109.9}, True),
    ("screen_hb", {"hb_g_l": 110}, False),
    ("screen_plt", {"plt_10e9_l": 99.9}, True),
    ("screen_plt", {"plt_10e9_l": 100}, False),
    ("screen_syphilis", {"syphilis": True}, True),
    ("screen_syphilis", {"syphilis": False}, False),
    ("screen_hiv", {"hiv": True}, True),
    ("screen_glucose", {"glycosuria": True, "fasting_glucose_mmol_l": 7.0}, True),
    ("screen_glucose", {"glycosuria": True, "fasting_glucose_mmol_l": 6.9}, False),
    ("screen_glucose", {"glycosuria": True, "fasting_glucose_mmol_l": 6.9, "ga_weeks": 23.9},
     False),
    ("screen_glucose", {"glycosuria": True, "fasting_glucose_mmol_l": 5.1, "ga_weeks": 24},
     True),
    ("screen_glucose", {"glycosuria": True, "fasting_glucose_mmol_l": 5.0, "ga_weeks": 30},
     False),
    ("screen_glucose", {"fasting_glucose_mmol_l": 8.0}, False),
    ("screen_ferritin", {"ferritin_ug_l": 19.9}, True),
    ("screen_ferritin", {"ferritin_ug_l": 20}, False),
    ("screen_cardiorespiratory", {"sbp": 140}, True),
    ("screen_cardiorespiratory", {"dbp": 90}, True),
    ("screen_cardiorespiratory", {"sbp": 139, "dbp": 89}, False),
    ("screen_std_history", {"sexually_transmitted_disease": True}, True),
    ("screen_std_history", {"syphilis": True}, True),
    ("screen_drug_abuse", {"drug_use_history": True}, True),
]


@pytest.mark.parametrize(("code", "facts", "expected"), SCREENING_CASES,
                         ids=[f"{c}-{f}" for c, f, _ in SCREENING_CASES])
def test_screening_item(code: str, facts: dict[str, object], expected: bool) -> None:
    assert (code in screen(facts)) is expected


@pytest.mark.parametrize("item", [i for i in SCREENING_ITEMS if i.test is not None],
                         ids=lambda i: i.code)
def test_every_tested_screening_item_has_cases(item: risk.ScreeningItem) -> None:
    assert any(code == item.code and expected for code, _, expected in SCREENING_CASES)


@pytest.mark.parametrize("item", SCREENING_ITEMS, ids=lambda i: i.code)
def test_ticking_a_screening_item_alone(item: risk.ScreeningItem) -> None:
    assert screen({item.code: True}) == (item.code,)


def test_screen_negative_and_order() -> None:
    assert screen({}) == ()
    assert screen({"age_years": 27, "hb_g_l": 120}) == ()
    assert screen({"hb_g_l": 100, "age_years": 36, "rh_negative": True}) == (
        "screen_age", "screen_rh_negative", "screen_hb")


def test_screening_items_cover_the_form_in_order() -> None:
    numbers = [tuple(int(p) for p in item.number.split(".")) for item in SCREENING_ITEMS]
    assert numbers == sorted(numbers)
    assert numbers[0] == (1, 1) and numbers[-1] == (7, 8)
    by_section = {n[0]: 0 for n in numbers}
    for n in numbers:
        by_section[n[0]] += 1
    assert by_section == {1: 4, 2: 5, 3: 6, 4: 4, 5: 3, 6: 7, 7: 8}


# ---------------------------------------------------------------------------------------------
# The tables themselves


def test_table_rows_are_well_formed() -> None:
    for row in (*ALL_CRITERIA, *SCREENING_ITEMS):
        assert SNAKE.match(row.code), row.code
        assert CJK.search(row.wording) or row.wording.startswith("BMI"), row.code
        if not row.confirmed:
            assert row.note, row.code
    for c in ALL_CRITERIA:
        assert c.source.startswith(("附件2 ", "浙江2018 ")), c.code
        assert c.colour in risk.COLOURS
    assert len(CRITERIA_BY_CODE) == len(ALL_CRITERIA)
    assert all(item.code.startswith("screen_") for item in SCREENING_ITEMS)
    assert not FLAG_FACTS & set(MEASUREMENTS)
    assert all(SNAKE.match(code) for code in FACT_CODES)


def test_every_colour_has_criteria_in_table_order() -> None:
    colours = [c.colour for c in CRITERIA]
    assert colours == sorted(colours, key=["yellow", "orange", "red", "purple"].index)
    assert set(colours) == {"yellow", "orange", "red", "purple"}


@pytest.mark.parametrize("code", [
    "heart_function_nyha_3_4", "ejection_fraction_under_40", "thrombocytopenia_severe",
    "anaemia_hb_40_or_under", "aplastic_anaemia", "coagulopathy_with_bleeding",
    "thromboembolic_disease", "pulmonary_hypertension_mild", "hbv_infection",
    "multiple_pregnancy", "nephrogenic_diabetes_insipidus",
])
def test_unconfirmed_rules_are_flagged(code: str) -> None:
    assert CRITERIA_BY_CODE[code].confirmed is False
    assert "UNCONFIRMED" in CRITERIA_BY_CODE[code].note


@pytest.mark.parametrize("code", [
    "age_35_or_over", "anaemia_hb_60_to_110", "age_40_or_over", "anaemia_hb_40_to_60",
    "uterine_surgery_2_or_more", "severe_preeclampsia", "pulmonary_hypertension_severe",
    "syphilis",
])
def test_sourced_rules_are_confirmed(code: str) -> None:
    assert CRITERIA_BY_CODE[code].confirmed is True


def test_brief_fact_codes_exist() -> None:
    for code in ("age_years", "height_cm", "bmi", "weight_kg", "hb_g_l", "plt_10e9_l", "sbp",
                 "dbp", "fasting_glucose_mmol_l", "ga_weeks", "ferritin_ug_l",
                 "months_since_last_birth", "previous_caesareans", "uterine_surgeries",
                 "abortions", "fetuses", "nyha_class", "ef_percent", "pa_pressure_mmhg",
                 "rh_negative", "hbsag_positive", "syphilis", "hiv", "tuberculosis",
                 "assisted_reproduction", "scarred_uterus", "severe_preeclampsia",
                 "placenta_accreta_spectrum"):
        assert code in FACT_CODES, code


def test_conditions_print_their_rule() -> None:
    assert str(CRITERIA_BY_CODE["anaemia_hb_40_to_60"].test) == "40 < hb_g_l ≤ 60"
    assert str(CRITERIA_BY_CODE["age_40_or_over"].test) == "age_years ≥ 40"


def test_domain_module_imports_only_the_standard_library() -> None:
    tree = ast.parse(Path(risk.__file__).read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            names = [node.module or ""]
        else:
            continue
        for name in names:
            top = name.split(".")[0]
            assert top in sys.stdlib_module_names or name.startswith("desktop.domain"), name


# ---------------------------------------------------------------------------------------------
# Date helpers


@pytest.mark.parametrize(("birth", "on", "years"), [
    (date(1990, 6, 15), date(2025, 6, 14), 34),
    (date(1990, 6, 15), date(2025, 6, 15), 35),
    (date(1992, 2, 29), date(2027, 2, 28), 34),
    (date(1992, 2, 29), date(2027, 3, 1), 35),
])
def test_age_in_completed_years(birth: date, on: date, years: int) -> None:
    assert age_in_completed_years(birth, on) == years


def test_completed_months() -> None:
    assert completed_months(date(2023, 1, 31), date(2024, 7, 30)) == 17
    assert completed_months(date(2023, 1, 31), date(2024, 7, 31)) == 18
    with pytest.raises(ValueError):
        completed_months(date(2024, 1, 2), date(2024, 1, 1))
    with pytest.raises(ValueError):
        age_in_completed_years(date(2024, 1, 2), date(2024, 1, 1))


# ---------------------------------------------------------------------------------------------
# Property: adding a risk factor never lowers the colour


def _thresholds() -> dict[str, set[float]]:
    found: dict[str, set[float]] = {code: set() for code in MEASUREMENTS}

    def walk(condition: Condition | None) -> None:
        if isinstance(condition, Compare):
            found[condition.fact].add(condition.value)
        elif isinstance(condition, Band):
            found[condition.fact].update({condition.low, condition.high})
        elif condition is not None:
            for part in getattr(condition, "parts", ()):
                walk(part)

    for row in (*ALL_CRITERIA, *SCREENING_ITEMS):
        walk(row.test)
    return found


THRESHOLDS = _thresholds()


def _measurement_values(code: str) -> st.SearchStrategy[object]:
    spec = MEASUREMENTS[code]
    low = spec.minimum
    high = spec.maximum if spec.maximum is not None else 300
    near = sorted({v for t in THRESHOLDS[code] for v in (t - 1, t - 0.1, t, t + 0.1, t + 1)
                   if low <= v <= high})
    if spec.integer:
        near_ints = sorted({int(v) for v in near if v == int(v)})
        base: st.SearchStrategy[object] = st.integers(int(low), int(min(high, 60)))
        return st.one_of(st.sampled_from(near_ints), base) if near_ints else base
    floats = st.floats(low, high, allow_nan=False, allow_infinity=False)
    return st.one_of(st.sampled_from(near), floats) if near else floats


def _value(code: str) -> st.SearchStrategy[object]:
    if code in MEASUREMENTS:
        return st.one_of(_measurement_values(code), st.none())
    return st.sampled_from([True, True, True, False, None])


# Each measurement is present about half the time; up to 15 ticks on top.
FACTS = st.builds(
    lambda numbers, ticks: {**numbers, **ticks},
    st.fixed_dictionaries({}, optional={code: _value(code) for code in sorted(MEASUREMENTS)}),
    st.lists(st.sampled_from(sorted(FLAG_FACTS)), unique=True, max_size=15).flatmap(
        lambda codes: st.fixed_dictionaries({code: _value(code) for code in codes})),
)


def _rank(result: RiskResult) -> int:
    return COLOUR_ORDER.index(result.grade)


@settings(max_examples=400, deadline=None)
@given(full=FACTS, data=st.data())
def test_adding_facts_never_lowers_the_grade(full: dict[str, object],
                                             data: st.DataObject) -> None:
    keep = data.draw(st.lists(st.sampled_from(sorted(full)), unique=True)) if full else []
    partial: dict[str, object] = {}
    for code in keep:
        value = full[code]
        if value is True:
            value = data.draw(st.sampled_from([True, False, None]))
        partial[code] = value
    for criteria in (CRITERIA, ALL_CRITERIA):
        small, big = assess(partial, criteria=criteria), assess(full, criteria=criteria)
        assert _rank(small) <= _rank(big)
        assert not small.is_purple or big.is_purple
        assert not small.is_case_managed or big.is_case_managed
        assert set(small.factors) <= set(big.factors)
    assert set(screen(partial)) <= set(screen(full))


@settings(max_examples=300, deadline=None)
@given(base=FACTS, criterion=st.sampled_from(CRITERIA))
def test_ticking_one_more_criterion_never_lowers_the_grade(base: dict[str, object],
                                                           criterion: risk.Criterion) -> None:
    before = assess(base)
    after = assess({**base, criterion.code: True})
    assert _rank(after) >= _rank(before)
    if criterion.colour == "purple":
        assert after.is_purple
    else:
        assert _rank(after) >= COLOUR_ORDER.index(criterion.colour)
    assert set(before.factors) <= set(after.factors)


@settings(max_examples=200, deadline=None)
@given(facts=FACTS)
def test_result_invariants(facts: dict[str, object]) -> None:
    result = assess(facts)
    assert result.colour in risk.COLOURS
    assert result.colour == result.colours[0]
    if result.colour == "green":
        assert result.colours == ("green",) and result.reasons == ()
    else:
        assert result.reasons
    assert set(result.reasons) <= set(result.factors)
    non_purple = [CRITERIA_BY_CODE[c].colour for c in result.factors
                  if CRITERIA_BY_CODE[c].colour != "purple"]
    expected = max(non_purple, key=COLOUR_ORDER.index, default="green")
    assert result.grade == expected


@settings(max_examples=300, deadline=None)
@given(full=st.fixed_dictionaries({}, optional={
    "bmi": _measurement_values("bmi"),
    "weight_kg": _measurement_values("weight_kg"),
    "height_cm": _measurement_values("height_cm"),
}), data=st.data())
def test_bmi_facts_are_monotone(full: dict[str, object], data: st.DataObject) -> None:
    keep = data.draw(st.lists(st.sampled_from(sorted(full)), unique=True)) if full else []
    partial = {code: full[code] for code in keep}
    assert _rank(assess(partial)) <= _rank(assess(full))
    assert set(screen(partial)) <= set(screen(full))
