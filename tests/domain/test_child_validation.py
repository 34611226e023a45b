"""Child visit form checks: impossible values refused, implausible z-scores warned."""

from __future__ import annotations

from datetime import date

import pytest

from desktop.domain import child_validation as cv
from desktop.domain.issues import ERROR, WARNING, ValidationIssue, errors, warnings

BIRTH = date(2024, 1, 10)
TODAY = date(2024, 9, 1)


def codes(issues: list[ValidationIssue]) -> list[tuple[str, str, str]]:
    return [(i.field, i.code, i.severity) for i in issues]


def visit(**fields):
    base = {"visit_date": date(2024, 4, 15), "weight_kg": 6.0, "length_cm": 61.0,
            "head_cm": 40.0}
    return cv.check_visit({**base, **fields}, BIRTH, "F", TODAY)


def test_a_normal_visit_passes() -> None:
    assert visit() == []


@pytest.mark.parametrize(("fields", "expected"), [
    ({"weight_kg": 0}, ("weight_kg", cv.REQUIRED_POSITIVE)),
    ({"weight_kg": -2}, ("weight_kg", cv.REQUIRED_POSITIVE)),
    ({"length_cm": 300}, ("length_cm", cv.OUT_OF_RANGE)),
    ({"weight_kg": 6000}, ("weight_kg", cv.OUT_OF_RANGE)),   # grams typed as kg
    ({"head_cm": 400}, ("head_cm", cv.OUT_OF_RANGE)),        # mm typed as cm
    ({"head_cm": 10}, ("head_cm", cv.OUT_OF_RANGE)),
    ({"hb_g_l": 11}, ("hb_g_l", cv.OUT_OF_RANGE)),           # g/dL typed as g/L
    ({"hb_g_l": 300}, ("hb_g_l", cv.OUT_OF_RANGE)),
    ({"temperature_c": 98.6}, ("temperature_c", cv.OUT_OF_RANGE)),  # Fahrenheit
    ({"weight_kg": "6,5"}, ("weight_kg", cv.NOT_A_NUMBER)),
    ({"weight_kg": float("nan")}, ("weight_kg", cv.NOT_A_NUMBER)),
    ({"visit_date": date(2024, 1, 9)}, ("visit_date", cv.BEFORE_BIRTH)),
    ({"visit_date": date(2024, 9, 2)}, ("visit_date", cv.IN_FUTURE)),
    ({"visit_date": None}, ("visit_date", cv.REQUIRED)),
])
def test_refused(fields, expected) -> None:
    issues = visit(**fields)
    assert (issues[0].field, issues[0].code) == expected
    assert issues[0].severity == ERROR and errors(issues)


def test_range_params_for_the_message() -> None:
    issue = visit(length_cm=300)[0]
    assert issue.params == {"value": "300", "low": "25", "high": "150", "unit": "cm"}


def test_birth_date_after_visit_date() -> None:
    issues = cv.check_dates(date(2024, 5, 1), date(2024, 4, 1), TODAY)
    assert codes(issues) == [("visit_date", cv.BEFORE_BIRTH, ERROR)]
    issues = cv.check_dates(date(2024, 10, 1), date(2024, 8, 1), TODAY)
    assert ("birth_date", cv.IN_FUTURE, ERROR) in codes(issues)


def test_child_too_old() -> None:
    assert codes(cv.check_dates(date(2010, 1, 1), date(2024, 1, 1), TODAY)) == [
        ("visit_date", cv.TOO_OLD, ERROR)]


def test_implausible_zscores_warn() -> None:
    issues = visit(weight_kg=1.5)
    assert issues and not errors(issues) and warnings(issues)
    assert {i.params["indicator"] for i in issues} >= {"waz", "wlhz"}
    assert all(i.severity == WARNING and i.code == cv.IMPLAUSIBLE_Z for i in issues)
    # Head circumference far out is warned on its own field.
    assert [(i.field, i.params["indicator"]) for i in visit(head_cm=30.0)] == [
        ("head_cm", "hcz")]


def test_birth_facts_ranges() -> None:
    assert codes(cv.check_numbers({"birth_weight_kg": 3200})) == [
        ("birth_weight_kg", cv.OUT_OF_RANGE, ERROR)]
    assert codes(cv.check_numbers({"birth_ga_days": 100})) == [
        ("birth_ga_days", cv.OUT_OF_RANGE, ERROR)]
    assert cv.check_numbers({"birth_weight_kg": 0.8, "teeth": 0}) == []
