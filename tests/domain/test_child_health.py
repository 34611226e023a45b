"""Anaemia grading, feeding findings, danger signs, referral and HBIG (domain.md §2.2, §5.3)."""

from __future__ import annotations

import pytest

from desktop.domain import child_health as ch


@pytest.mark.parametrize(("hb", "days", "grade"), [
    (110, 200, "none"), (109, 200, "mild"), (100, 200, "mild"), (99, 200, "moderate"),
    (70, 200, "moderate"), (69, 200, "severe"), (40, 1000, "severe"),
    (90, 150, None),        # under 6 months: no threshold
    (90, 2192, None),       # 6 years and over
    (None, 400, None)])
def test_anaemia_grade(hb, days, grade) -> None:
    assert ch.anaemia_grade(hb, days) == grade


def test_feeding_findings() -> None:
    assert ch.feeding_findings("exclusive_breastfeeding", 100) == ()
    assert ch.feeding_findings("mixed", 100) == ("not_exclusive_under_6m",)
    assert ch.feeding_findings("complementary", 100) == (
        "not_exclusive_under_6m", "complementary_too_early")
    assert ch.feeding_findings("exclusive_breastfeeding", 250) == ("complementary_not_started",)
    assert ch.feeding_findings("complementary", 250) == ()
    assert ch.feeding_findings(None, 10) == ()
    with pytest.raises(ValueError):
        ch.feeding_findings("milk", 10)


def test_danger_signs_from_temperature_and_breathing() -> None:
    assert ch.danger_signs([], 37.5) == ("fever",)
    assert ch.danger_signs([], 37.4) == ()
    assert ch.danger_signs([], 35.4) == ("hypothermia",)
    assert ch.danger_signs(["convulsions"], 36.5, 64, age_days=10) == (
        "convulsions", "fast_breathing")
    assert ch.danger_signs([], None, 64, age_days=200) == ()
    with pytest.raises(ValueError):
        ch.danger_signs(["sneezing"])


def test_referral_rules() -> None:
    r = ch.referral(danger=["fever"])
    assert r.needed and r.urgent and r.reasons == ("danger_sign",)
    r = ch.referral(development=["6m_no_reach"], hearing="refer", anaemia="severe",
                    growth_codes=["severe_wasting"], metabolic="abnormal")
    assert not r.urgent and r.reasons == (
        "development_warning", "hearing_refer", "severe_anaemia", "severe_malnutrition",
        "metabolic_screen_abnormal")
    assert ch.referral(anaemia="moderate", growth_codes=["wasting"]) == ch.Referral(
        False, (), False)


def test_development_signs_four_per_check() -> None:
    assert set(ch.DEVELOPMENT_SIGNS) == {"3m", "6m", "8m", "12m", "18m", "24m", "30m", "36m",
                                         "4y", "5y", "6y"}
    assert all(len(s) == 4 for s in ch.DEVELOPMENT_SIGNS.values())
    assert len(set(ch.ALL_DEVELOPMENT_SIGNS)) == 44
    assert ch.development_signs_for("newborn") == ()


def test_hbig() -> None:
    assert ch.needs_hbig(True) and not ch.needs_hbig(None) and not ch.needs_hbig(False)
