"""Checks of a child's visit form before it is saved.

Hard limits refuse values no child of 0-6 years can have (a typo: weight 0, length 300 cm,
a visit before the birth); WHO's plausibility limits on the z-scores (growth.implausible)
only warn, since a very small or very large child is rare but real and must be recordable
after a second look. Returns ValidationIssue codes; desktop/i18n words them.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import date
from typing import Any

from desktop.domain import growth
from desktop.domain.issues import ERROR, WARNING, ValidationIssue

# field -> (lowest, highest, unit) accepted at all (ERROR outside). Limits chosen wide
# enough for every child 0-6 years including extremes (a 500 g preterm newborn, a very
# large 6-year-old), narrow enough to catch unit slips (g for kg, mm for cm).
HARD_LIMITS: dict[str, tuple[float, float, str]] = {
    "weight_kg": (0.3, 60.0, "kg"),
    "length_cm": (25.0, 150.0, "cm"),
    "head_cm": (18.0, 60.0, "cm"),
    "hb_g_l": (30.0, 220.0, "g/L"),
    "temperature_c": (30.0, 43.0, "°C"),
    "birth_weight_kg": (0.3, 7.0, "kg"),
    "birth_length_cm": (25.0, 65.0, "cm"),
    "birth_ga_days": (154.0, 315.0, "d"),    # 22 to 45 weeks
    "teeth": (0.0, 20.0, ""),                 # primary teeth
    "breaths_per_min": (10.0, 120.0, "/min"),
}
MAX_AGE_DAYS = 7 * 366  # the handbook covers children 0-6 years

REQUIRED_POSITIVE = "validation.not_positive"
OUT_OF_RANGE = "validation.out_of_range"
NOT_A_NUMBER = "validation.not_a_number"
BEFORE_BIRTH = "validation.before_birth"
IN_FUTURE = "validation.in_future"
TOO_OLD = "validation.child_too_old"
IMPLAUSIBLE_Z = "validation.implausible_z"
REQUIRED = "validation.visit_date_required"


def _number(value: Any) -> float | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ValueError(value)
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(value)
    return number


def check_numbers(values: Mapping[str, Any]) -> list[ValidationIssue]:
    """Range checks for the measured values present in *values* (keys of HARD_LIMITS)."""
    issues: list[ValidationIssue] = []
    for name, (low, high, unit) in HARD_LIMITS.items():
        if name not in values:
            continue
        try:
            number = _number(values[name])
        except (TypeError, ValueError):
            issues.append(ValidationIssue(name, NOT_A_NUMBER, {"value": str(values[name])}))
            continue
        if number is None:
            continue
        if number <= 0 and low > 0:
            issues.append(ValidationIssue(name, REQUIRED_POSITIVE, {"unit": unit}))
        elif not low <= number <= high:
            issues.append(ValidationIssue(
                name, OUT_OF_RANGE, {"value": _fmt(number), "low": _fmt(low),
                                     "high": _fmt(high), "unit": unit}))
    return issues


def _fmt(number: float) -> str:
    return f"{number:g}"


def check_dates(birth: date | None, visit: date | None, today: date,
                field: str = "visit_date") -> list[ValidationIssue]:
    """A visit on or after the birth, not in the future, within the 0-6 year range."""
    issues: list[ValidationIssue] = []
    if visit is None:
        return [ValidationIssue(field, REQUIRED)]
    if birth is not None and birth > today:
        issues.append(ValidationIssue("birth_date", IN_FUTURE, {"date": birth.isoformat()}))
    if visit > today:
        issues.append(ValidationIssue(field, IN_FUTURE, {"date": visit.isoformat()}))
    if birth is not None and visit < birth:
        issues.append(ValidationIssue(field, BEFORE_BIRTH, {"date": visit.isoformat(),
                                                            "birth": birth.isoformat()}))
    elif birth is not None and (visit - birth).days > MAX_AGE_DAYS:
        issues.append(ValidationIssue(field, TOO_OLD, {"years": 6}))
    return issues


def check_zscores(z: Mapping[str, float | None]) -> list[ValidationIssue]:
    """A warning for each z-score outside WHO's plausibility limits (growth.implausible):
    the measurement is probably mistyped or mismeasured; confirm before saving."""
    field_of = {"waz": "weight_kg", "lhaz": "length_cm", "wlhz": "weight_kg",
                "bmiz": "weight_kg", "hcz": "head_cm"}
    return [ValidationIssue(field_of[key], IMPLAUSIBLE_Z,
                            {"indicator": key, "z": f"{z[key]:.2f}"}, WARNING)
            for key in growth.implausible(z)]


def check_visit(values: Mapping[str, Any], birth: date | None, sex: str | None,
                today: date) -> list[ValidationIssue]:
    """Every check of one child visit form: numbers, dates and, when they are all
    acceptable, the z-scores. *values* holds form fields (visit_date as a date, weight_kg,
    length_cm, head_cm, hb_g_l, temperature_c, birth data…, lying). No side effects."""
    issues = check_numbers(values)
    visit = values.get("visit_date")
    issues += check_dates(birth, visit if isinstance(visit, date) else None, today)
    if any(i.severity == ERROR for i in issues) or birth is None or sex not in growth.SEXES:
        return issues
    assert isinstance(visit, date)
    lying = values.get("lying")
    z = growth.zscores(sex, (visit - birth).days, _number(values.get("weight_kg")),
                       _number(values.get("length_cm")), _number(values.get("head_cm")),
                       None if lying is None else bool(lying))
    return issues + check_zscores(z)
