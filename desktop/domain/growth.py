"""Child growth z-scores against the WHO 2006 Child Growth Standards and WHO 2007 reference.

Rules follow WHO's own software, the R packages ``anthro`` (0-5 years) and ``anthroplus``
(5-19 years), so that our numbers match what WHO Anthro prints:

* Age is in completed days. Months, where needed, are days / 30.4375.
* WHO 2006 tables are read by day for 0-1856 days (the whole published expanded tables,
  i.e. up to 61 months); the WHO 2007 reference is read from 61 months on, interpolating L, M
  and S linearly between its monthly rows (weight-for-age to 120 months, height-for-age and
  BMI-for-age to 228 months). anthro itself stops at < 60 months (1826 days) because surveys
  report 0-59 months; we also use the standard's rows for 1827-1856 days so that no child of
  60 months falls into a gap between the two references.
* Length/height: below 731 days the length tables apply, from 731 days the height tables.
  A height measured standing below 731 days gets +0.7 cm, a length measured lying from 731
  days gets -0.7 cm. As in WHO's current anthro code, "standing" under 9 months is
  implausible and treated as unknown (no adjustment). The adjusted value is used for
  length/height-for-age, weight-for-length/height and BMI.
* Weight-for-length (45-110 cm) below 731 days, weight-for-height (65-120 cm) from 731 days,
  with L, M, S interpolated linearly between the 0.1 cm rows.
* z = ((X/M)^L - 1) / (S*L). For the weight-based indicators (waz, wlhz, bmiz) WHO's
  restricted rule applies beyond +-3 (distance measured in units of the 2-3 SD gap); length
  and head circumference use the plain LMS z.
* z-scores are rounded to 2 decimals; None where the indicator is not defined.

The tables are shipped as CSV under resources/growth (see SOURCE.md there), parsed on first
use and kept in memory.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Iterable, Mapping, Sequence
from functools import cache
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parents[2] / "resources" / "growth"

SEXES = ("M", "F")
INDICATORS = ("waz", "lhaz", "wlhz", "bmiz", "hcz")

DAYS_PER_MONTH = 30.4375
HEIGHT_FROM_DAYS = 731  # 24 months: height tables (and standing measurement) from this age
LENGTH_HEIGHT_ADJUST_CM = 0.7
STANDING_PLAUSIBLE_FROM_MONTHS = 9  # anthro: "standing" below 9 months is ignored
WHO2006_MAX_DAYS = 1856  # last row of the WHO 2006 expanded tables (61 months)
WHO2007_MIN_MONTHS = 61
WHO2007_WFA_MAX_MONTHS = 120
WHO2007_MAX_MONTHS = 228
WFL_RANGE_CM = (45.0, 110.0)
WFH_RANGE_CM = (65.0, 120.0)

# WHO flag limits for implausible z-scores (anthro / anthroplus).
IMPLAUSIBLE_LIMITS: dict[str, tuple[float, float]] = {
    "waz": (-6.0, 5.0),
    "lhaz": (-6.0, 6.0),
    "wlhz": (-5.0, 5.0),
    "bmiz": (-5.0, 5.0),
    "hcz": (-5.0, 5.0),
}

# Classification codes (shared/domain.md §5.2). Only the more severe code of a pair is given.
UNDERWEIGHT = "underweight"
SEVERELY_UNDERWEIGHT = "severely_underweight"
STUNTING = "stunting"
SEVERE_STUNTING = "severe_stunting"
WASTING = "wasting"
SEVERE_WASTING = "severe_wasting"
OVERWEIGHT = "overweight"
OBESITY = "obesity"
MICROCEPHALY = "microcephaly"
MACROCEPHALY = "macrocephaly"

LMS = tuple[float, float, float]

# name -> (file, first x, x step); x is age in days, age in months or length in cm.
_TABLE_FILES: dict[str, tuple[str, float, float]] = {
    "wfa": ("who2006_wfa.csv", 0, 1),
    "lhfa": ("who2006_lhfa.csv", 0, 1),
    "hcfa": ("who2006_hcfa.csv", 0, 1),
    "bfa": ("who2006_bfa.csv", 0, 1),
    "wfl": ("who2006_wfl.csv", WFL_RANGE_CM[0], 0.1),
    "wfh": ("who2006_wfh.csv", WFH_RANGE_CM[0], 0.1),
    "wfa07": ("who2007_wfa.csv", WHO2007_MIN_MONTHS, 1),
    "hfa07": ("who2007_hfa.csv", WHO2007_MIN_MONTHS, 1),
    "bfa07": ("who2007_bfa.csv", WHO2007_MIN_MONTHS, 1),
}


@cache
def _table(name: str) -> dict[str, list[LMS]]:
    """Rows of one table per sex, as a list indexed by (x - first x) / step.

    Raises RuntimeError if the shipped file is missing or not the expected contiguous grid.
    """
    filename, start, step = _TABLE_FILES[name]
    path = DATA_DIR / filename
    rows: dict[str, list[LMS]] = {sex: [] for sex in SEXES}
    try:
        with path.open(newline="", encoding="utf-8") as handle:
            reader = csv.reader(handle)
            next(reader)  # header
            for sex, x, l_, m, s in reader:
                sex_rows = rows[sex]
                if round((float(x) - start) / step) != len(sex_rows):
                    raise ValueError(f"row {sex},{x} out of sequence")
                sex_rows.append((float(l_), float(m), float(s)))
    except (OSError, KeyError, ValueError, StopIteration) as exc:
        raise RuntimeError(f"growth reference table {path} is missing or damaged: {exc}") from exc
    return rows


# --- LMS arithmetic -----------------------------------------------------------------------


def _lms_z(x: float, lms: LMS) -> float:
    """Plain LMS z-score of measurement *x*."""
    l_, m, s = lms
    if l_ == 0:
        return math.log(x / m) / s
    return ((x / m) ** l_ - 1.0) / (s * l_)


def _lms_value(z: float, lms: LMS) -> float:
    """Measurement at z-score *z* under the plain LMS model."""
    l_, m, s = lms
    if l_ == 0:
        return m * math.exp(s * z)
    return m * (1.0 + l_ * s * z) ** (1.0 / l_)


def _restricted_z(x: float, lms: LMS) -> float:
    """WHO's z for weight-based indicators: linear in the 2-3 SD gap beyond +-3."""
    z = _lms_z(x, lms)
    if z > 3:
        sd3 = _lms_value(3, lms)
        return 3 + (x - sd3) / (sd3 - _lms_value(2, lms))
    if z < -3:
        sd3 = _lms_value(-3, lms)
        return -3 + (x - sd3) / (_lms_value(-2, lms) - sd3)
    return z


def _restricted_value(z: float, lms: LMS) -> float:
    """Inverse of _restricted_z: the measurement a weight-based z-score stands for."""
    if z > 3:
        sd3 = _lms_value(3, lms)
        return sd3 + (z - 3) * (sd3 - _lms_value(2, lms))
    if z < -3:
        sd3 = _lms_value(-3, lms)
        return sd3 + (z + 3) * (_lms_value(-2, lms) - sd3)
    return _lms_value(z, lms)


def _round(z: float) -> float:
    return round(z, 2) + 0.0  # + 0.0 turns -0.0 into 0.0


def _interpolate(rows: list[LMS], position: float) -> LMS | None:
    """L, M, S at a fractional row *position*, linear between neighbouring rows."""
    low = math.floor(position)
    frac = position - low
    if low < 0 or low >= len(rows):
        return None
    if frac == 0:
        return rows[low]
    if low + 1 >= len(rows):
        return None
    (l0, m0, s0), (l1, m1, s1) = rows[low], rows[low + 1]
    return (l0 + frac * (l1 - l0), m0 + frac * (m1 - m0), s0 + frac * (s1 - s0))


# --- lookups ----------------------------------------------------------------------------


def _by_age(
    sex: str, age_days: int, who2006: str, who2007: str | None, max_months: float
) -> LMS | None:
    """L, M, S for an age: WHO 2006 by day, else WHO 2007 by (interpolated) month."""
    if age_days <= WHO2006_MAX_DAYS:
        return _table(who2006)[sex][age_days]
    if who2007 is None:
        return None
    months = age_days / DAYS_PER_MONTH
    if not WHO2007_MIN_MONTHS <= months <= max_months:
        return None
    return _interpolate(_table(who2007)[sex], months - WHO2007_MIN_MONTHS)


def _by_length(sex: str, age_days: int, length_cm: float) -> LMS | None:
    """L, M, S of weight-for-length (< 731 days) or weight-for-height for a length in cm."""
    if age_days > WHO2006_MAX_DAYS:
        return None
    name, (low, high) = (
        ("wfl", WFL_RANGE_CM) if age_days < HEIGHT_FROM_DAYS else ("wfh", WFH_RANGE_CM)
    )
    # Rounded so that 79.3 cm, or 65.7 - 0.7 cm, lands exactly on its 0.1 cm row despite
    # binary fractions (anthro's range check is 45-110 / 65-120 cm inclusive).
    position = round((length_cm - low) * 10, 6)
    if not 0 <= position <= round((high - low) * 10):
        return None
    return _interpolate(_table(name)[sex], position)


# --- inputs -----------------------------------------------------------------------------


def _check_sex(sex: str) -> None:
    if sex not in SEXES:
        raise ValueError(f"sex must be 'M' or 'F', not {sex!r}")


def _check_age(age_days: int) -> int:
    if isinstance(age_days, bool) or not isinstance(age_days, int | float):
        raise ValueError(f"age_days must be a number of days, not {age_days!r}")
    if not math.isfinite(age_days) or age_days < 0:
        raise ValueError(f"age_days must be 0 or more, not {age_days!r}")
    if isinstance(age_days, float):
        return math.floor(age_days + 0.5)  # anthro rounds half days up
    return age_days


def _positive(value: float | None) -> float | None:
    """The measurement as a float, or None if missing, zero, negative or NaN."""
    if value is None:
        return None
    number = float(value)
    return number if number > 0 else None  # NaN > 0 is False


def standardized_length(age_days: int, length_cm: float, lying: bool | None) -> float:
    """Length (< 731 days) or height (from 731 days) in cm after WHO's 0.7 cm adjustment.

    *lying* says how *length_cm* was measured; None means "as expected for the age" (no
    adjustment). A standing measurement under 9 months is ignored, as anthro does.
    """
    if lying is None:
        return length_cm
    if lying and age_days >= HEIGHT_FROM_DAYS:
        return length_cm - LENGTH_HEIGHT_ADJUST_CM
    if (
        not lying
        and age_days < HEIGHT_FROM_DAYS
        and age_days / DAYS_PER_MONTH >= STANDING_PLAUSIBLE_FROM_MONTHS
    ):
        return length_cm + LENGTH_HEIGHT_ADJUST_CM
    return length_cm


# --- public API -------------------------------------------------------------------------


def zscores(
    sex: str,
    age_days: int,
    weight_kg: float | None = None,
    length_cm: float | None = None,
    head_cm: float | None = None,
    lying: bool | None = None,
) -> dict[str, float | None]:
    """z-scores "waz", "lhaz", "wlhz", "bmiz", "hcz" for one measurement, rounded to 2 places.

    *sex* is "M" or "F"; *age_days* the age in completed days; weight in kg, length/height
    and head circumference in cm; *lying* True for recumbent length, False for standing
    height, None for "lying under 731 days, standing from 731". A value is None when the
    measurement is missing or not positive, or the indicator is not defined for that age
    or length. Raises ValueError for an unknown sex or a negative age. No side effects.
    """
    _check_sex(sex)
    age = _check_age(age_days)
    weight = _positive(weight_kg)
    length = _positive(length_cm)
    head = _positive(head_cm)
    if length is not None:
        length = standardized_length(age, length, lying)

    result: dict[str, float | None] = dict.fromkeys(INDICATORS)
    if weight is not None:
        lms = _by_age(sex, age, "wfa", "wfa07", WHO2007_WFA_MAX_MONTHS)
        if lms is not None:
            result["waz"] = _round(_restricted_z(weight, lms))
    if length is not None:
        lms = _by_age(sex, age, "lhfa", "hfa07", WHO2007_MAX_MONTHS)
        if lms is not None:
            result["lhaz"] = _round(_lms_z(length, lms))
        if weight is not None:
            lms = _by_length(sex, age, length)
            if lms is not None:
                result["wlhz"] = _round(_restricted_z(weight, lms))
            lms = _by_age(sex, age, "bfa", "bfa07", WHO2007_MAX_MONTHS)
            if lms is not None:
                bmi = weight / (length / 100) ** 2
                result["bmiz"] = _round(_restricted_z(bmi, lms))
    if head is not None:
        lms = _by_age(sex, age, "hcfa", None, 0)
        if lms is not None:
            result["hcz"] = _round(_lms_z(head, lms))
    return result


def classify(z: Mapping[str, float | None], age_days: int | None = None) -> tuple[str, ...]:
    """Nutrition codes for a zscores() result; one code per finding, the more severe one.

    underweight WAZ < -2 (severely < -3); stunting LHAZ < -2 (severe < -3); wasting
    WLHZ < -2 (severe < -3); microcephaly HCZ < -2, macrocephaly HCZ > +2. Overweight /
    obesity use WLHZ, or BMIZ where WLHZ is missing: > +2 / > +3 (WHO convention for under-5;
    UNCONFIRMED as the Chinese rule, shared/domain.md §5.2). If *age_days* is given and lies
    in the WHO 2007 range (61 months on), BMIZ > +1 / > +2 is used instead (WHO 2007).
    Callers should drop values that implausible() flags before classifying.
    """
    codes: list[str] = []

    def below(key: str, moderate: str, severe: str) -> None:
        value = z.get(key)
        if value is not None and value < -2:
            codes.append(severe if value < -3 else moderate)

    below("waz", UNDERWEIGHT, SEVERELY_UNDERWEIGHT)
    below("lhaz", STUNTING, SEVERE_STUNTING)
    below("wlhz", WASTING, SEVERE_WASTING)

    school_age = age_days is not None and age_days > WHO2006_MAX_DAYS
    if school_age:
        weight_for_size, over, obese = z.get("bmiz"), 1.0, 2.0
    else:
        weight_for_size = z.get("wlhz")
        if weight_for_size is None:
            weight_for_size = z.get("bmiz")
        over, obese = 2.0, 3.0
    if weight_for_size is not None and weight_for_size > over:
        codes.append(OBESITY if weight_for_size > obese else OVERWEIGHT)

    head = z.get("hcz")
    if head is not None and head < -2:
        codes.append(MICROCEPHALY)
    elif head is not None and head > 2:
        codes.append(MACROCEPHALY)
    return tuple(codes)


def implausible(z: Mapping[str, float | None]) -> tuple[str, ...]:
    """Indicators (keys of *z*) whose value lies outside WHO's plausibility limits.

    WAZ < -6 or > +5, LHAZ < -6 or > +6, WLHZ, BMIZ and HCZ < -5 or > +5.
    """
    flagged = []
    for key, (low, high) in IMPLAUSIBLE_LIMITS.items():
        value = z.get(key)
        if value is not None and not low <= value <= high:
            flagged.append(key)
    return tuple(flagged)


# indicator -> (WHO 2006 table, WHO 2007 table, WHO 2007 last month, weight-based)
_CURVES: dict[str, tuple[str, str | None, int, bool]] = {
    "waz": ("wfa", "wfa07", WHO2007_WFA_MAX_MONTHS, True),
    "lhaz": ("lhfa", "hfa07", WHO2007_MAX_MONTHS, False),
    "bmiz": ("bfa", "bfa07", WHO2007_MAX_MONTHS, True),
    "hcz": ("hcfa", None, 0, False),
    "wfl": ("wfl", None, 0, True),
    "wfh": ("wfh", None, 0, True),
}


def reference_curves(
    indicator: str,
    sex: str,
    sd_values: Sequence[float] = (-3, -2, -1, 0, 1, 2, 3),
) -> list[tuple[float, list[float]]]:
    """Points (x, [measurement at each of *sd_values*]) for drawing a growth chart.

    *indicator* is "waz", "lhaz", "bmiz" or "hcz" (x = age in days: one point per day of
    the WHO 2006 table to 1856 days, then one per month of the WHO 2007 reference at
    month * 30.4375 days), or "wfl" / "wfh" (x = length / height in cm, 0.1 cm steps).
    Measurements are in kg, cm or kg/m² and consistent with zscores() (WHO's restricted
    rule beyond +-3 for weight-based indicators). Raises ValueError for an unknown
    indicator or sex.
    """
    _check_sex(sex)
    if indicator not in _CURVES:
        raise ValueError(f"unknown indicator {indicator!r}; expected one of {sorted(_CURVES)}")
    who2006, who2007, last_month, weight_based = _CURVES[indicator]
    value = _restricted_value if weight_based else _lms_value
    sds = [float(sd) for sd in sd_values]

    def points(xs: Iterable[float], rows: list[LMS]) -> list[tuple[float, list[float]]]:
        return [(x, [value(sd, lms) for sd in sds]) for x, lms in zip(xs, rows, strict=True)]

    _, start, step = _TABLE_FILES[who2006]
    rows = _table(who2006)[sex]
    if step == 1:
        xs: list[float] = list(range(len(rows)))
    else:
        xs = [round(start + i * step, 1) for i in range(len(rows))]
    curve = points(xs, rows)
    if who2007 is not None:
        rows07 = _table(who2007)[sex][: last_month - WHO2007_MIN_MONTHS + 1]
        months = range(WHO2007_MIN_MONTHS, WHO2007_MIN_MONTHS + len(rows07))
        curve += points([m * DAYS_PER_MONTH for m in months], rows07)
    return curve
