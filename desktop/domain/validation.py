"""Field validation for maternal records: what is impossible is refused, what is unusual warned.

Each ``check_*`` function takes the fields as typed (strings from a form, or numbers) and
returns a :class:`Checked`: the cleaned values (numbers parsed, dates parsed, digit fields
folded to ASCII) and a list of :class:`ValidationIssue` (field, code, params, severity).
Codes, not words: every code is ``"validation." + one of ISSUE_CODES`` and desktop/i18n
has a text for each. ValidationIssue is shared with the child-health checks
(desktop.domain.issues).

Rules of thumb (why the limits are where they are):

* a limit that refuses is one no living patient can have (BP 300/20, Hb 250 g/L) or one
  that is almost surely a unit slip (a 120 "kg" woman who weighs 60 kg: jin, 斤 = 0.5 kg);
* a warning is a value that happens but should be looked at twice (BP ≥160/110, Hb <70);
* NFKC folds full-width digits only in digit fields (ID, phone, numbers, handbook number),
  never in names, whose exact form (U+202F, FVS) matters (shared/mongolian.md).

No clock is read: every date rule is relative to the ``today`` passed in.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from desktop.domain.gestation import TERM_DAYS, corrected_edd
from desktop.domain.ids import normalise_resident_id, parse_resident_id, upgrade_15_digit
from desktop.domain.issues import ERROR, WARNING, ValidationIssue
from desktop.domain.schedule import LATEST_GA_DAYS, POSTPARTUM_KINDS

PREFIX = "validation."  # codes are keys of desktop.i18n.messages.ERROR_TEXTS

NAME_MAX = 50
TEXT_MAX = 500
HANDBOOK_MAX = 30

# Impossible (refused) and unusual (warned) ranges: (refuse below, refuse above,
# warn below, warn above); None = no limit on that side.
RANGES: Mapping[str, tuple[float | None, float | None, float | None, float | None]] = {
    "weight_kg": (20, 200, 35, 120),
    "pre_weight_kg": (20, 200, 35, 120),
    "height_cm": (100, 220, 140, 190),
    "sbp": (50, 250, 90, 159),
    "dbp": (30, 150, 50, 109),
    "hb_g_l": (30, 200, 70, 170),
    "plt_10e9_l": (1, 1500, 50, 600),
    "fhr": (60, 220, 110, 160),
    "fundal_cm": (5, 50, None, None),
    "abdominal_cm": (50, 200, None, None),
    "glucose_mmol_l": (1, 35, 3, 6.9),
    "ferritin_ug_l": (0, 2000, None, None),
    "blood_loss_ml": (0, 10000, None, 499),
    "birth_weight_kg": (0.3, 7, 2.5, 4.0),
    "birth_length_cm": (25, 65, 45, 55),
    "gravidity": (1, 30, None, 10),
    "parity": (0, 25, None, 8),
    "fetuses": (1, 6, None, 3),
    "us_ga_days": (28, 20 * 7, None, 13 * 7 + 6),
}
INTEGER_FIELDS = frozenset({"sbp", "dbp", "fhr", "gravidity", "parity", "fetuses",
                            "us_ga_days", "blood_loss_ml"})
WARN_CODES = {  # field → code of its "unusual" warning (default: value_unusual)
    "sbp": "bp_unusual", "dbp": "bp_unusual", "hb_g_l": "hb_unusual", "fhr": "fhr_unusual",
    "blood_loss_ml": "blood_loss_high", "glucose_mmol_l": "glucose_unusual",
}

ETHNICITIES = ("han", "mongol", "manchu", "hui", "daur", "ewenki", "oroqen", "korean", "other")
BLOOD_GROUPS = ("A", "B", "O", "AB")
RH_VALUES = ("+", "-")
URINE_PROTEIN = ("-", "±", "+", "++", "+++", "++++")
DELIVERY_MODES = ("vaginal", "assisted", "caesarean")
PLACE_LEVELS = ("home", "village", "township", "county", "city", "tertiary", "other")
DELIVERY_OUTCOMES = ("live_birth", "stillbirth", "neonatal_death", "miscarriage")
BABY_OUTCOMES = ("live_birth", "stillbirth")
SEXES = ("M", "F")
NORMAL_ABNORMAL = ("normal", "abnormal")
CLASSIFICATIONS = ("recovered", "not_recovered")
DISPOSALS = ("close", "refer")
GUIDANCE = ("sexual_health", "contraception", "infant_feeding", "other")

ISSUE_CODES: tuple[str, ...] = (
    "required", "name_required", "text_too_long", "name_too_long", "name_bad_characters",
    "name_legacy_mongolian", "number_invalid", "number_not_whole", "value_too_low",
    "value_too_high", "value_unusual", "weight_in_jin", "height_in_metres",
    "birth_weight_in_grams", "bp_systolic_not_above_diastolic", "bp_unusual", "hb_unusual",
    "fhr_unusual", "glucose_unusual", "blood_loss_high", "date_invalid", "date_in_future",
    "date_before_birth", "lmp_after_visit", "lmp_after_registration", "ga_too_high",
    "ga_too_low", "resident_id_invalid", "resident_id_birth_mismatch",
    "resident_id_sex_mismatch", "phone_invalid", "age_unusual", "age_impossible",
    "choice_invalid", "area_invalid", "parity_not_below_gravidity", "handbook_invalid",
    "date_before_delivery", "discharge_before_delivery", "refer_reason_required",
    "babies_required", "date_before_lmp", "ultrasound_after_visit",
)


@dataclass
class Checked:
    """Cleaned values and the issues found; ``ok`` when no issue is an error."""

    values: dict[str, Any] = field(default_factory=dict)
    issues: list[ValidationIssue] = field(default_factory=list)

    @property
    def errors(self) -> list[ValidationIssue]:
        return [i for i in self.issues if i.is_error]

    @property
    def warnings(self) -> list[ValidationIssue]:
        return [i for i in self.issues if not i.is_error]

    @property
    def ok(self) -> bool:
        return not self.errors

    def error(self, field_name: str, code: str, **params: Any) -> None:
        self.issues.append(ValidationIssue(field_name, PREFIX + code, params, ERROR))

    def warn(self, field_name: str, code: str, **params: Any) -> None:
        self.issues.append(ValidationIssue(field_name, PREFIX + code, params, WARNING))

    def codes(self) -> set[tuple[str, str]]:
        """(field, code) of every issue, for tests and logs."""
        return {(i.field, i.code) for i in self.issues}

    def has_error(self, field_name: str) -> bool:
        return any(i.field == field_name and i.is_error for i in self.issues)


# ---------------------------------------------------------------------------------------
# Small parsers


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def fold_digits(text: str) -> str:
    """NFKC (full-width digits and letters to ASCII) and no surrounding spaces. Only for
    digit fields: never apply to names."""
    return unicodedata.normalize("NFKC", text).strip()


def parse_number(c: Checked, name: str, value: object) -> float | None:
    """A finite number from *value* (str or number) or None with an issue recorded."""
    if _blank(value):
        return None
    if isinstance(value, bool):
        c.error(name, "number_invalid")
        return None
    if isinstance(value, int | float):
        number = float(value)
    elif isinstance(value, str):
        text = fold_digits(value).replace(",", ".").replace(" ", "")
        try:
            number = float(text)
        except ValueError:
            c.error(name, "number_invalid")
            return None
    else:
        c.error(name, "number_invalid")
        return None
    if not math.isfinite(number):
        c.error(name, "number_invalid")
        return None
    return number


def parse_date(c: Checked, name: str, value: object) -> date | None:
    if _blank(value):
        return None
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(fold_digits(value))
        except ValueError:
            pass
    c.error(name, "date_invalid")
    return None


def _ranged(c: Checked, name: str, value: object, range_key: str | None = None
            ) -> float | int | None:
    number = parse_number(c, name, value)
    if number is None:
        return None
    low, high, warn_low, warn_high = RANGES[range_key or name]
    if (range_key or name) in INTEGER_FIELDS:
        if number != int(number):
            c.error(name, "number_not_whole")
            return None
        number = int(number)
    if low is not None and number < low:
        c.error(name, "value_too_low", minimum=low, value=number)
        return None
    if high is not None and number > high:
        c.error(name, "value_too_high", maximum=high, value=number)
        return None
    if (warn_low is not None and number < warn_low) or (
            warn_high is not None and number > warn_high):
        c.warn(name, WARN_CODES.get(range_key or name, "value_unusual"), value=number)
    return number


def _weight(c: Checked, name: str, value: object) -> float | None:
    number = parse_number(c, name, value)
    if number is None:
        return None
    if number > RANGES["weight_kg"][1] and 30 <= number / 2 <= 150:
        # 斤 (jin) is half a kilogram and what many people say their weight in.
        c.error(name, "weight_in_jin", value=number, kg=round(number / 2, 1))
        return None
    return _ranged(c, name, number, "weight_kg")


def _height(c: Checked, name: str, value: object) -> float | None:
    number = parse_number(c, name, value)
    if number is not None and 1.0 <= number <= 2.2:
        c.error(name, "height_in_metres", value=number, cm=round(number * 100))
        return None
    return _ranged(c, name, number, "height_cm")


def _choice(c: Checked, name: str, value: object, allowed: Iterable[str]) -> str | None:
    if _blank(value):
        return None
    text = str(value).strip()
    if text not in tuple(allowed):
        c.error(name, "choice_invalid", value=text)
        return None
    return text


def _text(c: Checked, name: str, value: object, limit: int = TEXT_MAX) -> str | None:
    if _blank(value):
        return None
    text = unicodedata.normalize("NFC", str(value)).strip()
    if len(text) > limit:
        c.error(name, "text_too_long", maximum=limit, length=len(text))
        return None
    return text


# Letters and marks of any script, spaces and name separators are allowed; the Mongolian
# shaping controls (FVS1–4, MVS), ZWJ/ZWNJ and the narrow no-break space belong inside
# Mongolian words.
_NAME_PUNCTUATION = frozenset(" ·•‧・.-‐‑'’")
_NAME_CONTROLS = frozenset("\u180b\u180c\u180d\u180e\u180f\u200c\u200d\u202f")
_LEGACY_PUA = range(0xE234, 0xE71E)  # Menksoft's old input method (shared/mongolian.md)


def check_name(c: Checked, name: str, value: object) -> str | None:
    if _blank(value):
        return None
    text = unicodedata.normalize("NFC", str(value)).strip()
    if len(text) > NAME_MAX:
        c.error(name, "name_too_long", maximum=NAME_MAX, length=len(text))
        return None
    if any(ord(ch) in _LEGACY_PUA for ch in text):
        c.error(name, "name_legacy_mongolian")
        return None
    bad = [ch for ch in text if not (unicodedata.category(ch)[0] in "LM"
                                     or ch in _NAME_PUNCTUATION or ch in _NAME_CONTROLS)]
    if bad:
        c.error(name, "name_bad_characters", characters="".join(dict.fromkeys(bad)))
        return None
    return text


def check_phone(c: Checked, name: str, value: object) -> str | None:
    """A mainland mobile (1 + 10 digits) or landline (0 + area code + 7–8 digits)."""
    if _blank(value):
        return None
    text = fold_digits(str(value))
    digits = re.sub(r"[\s\-()]", "", text)
    if digits.startswith("+86"):
        digits = digits[3:]
    elif digits.startswith("0086"):
        digits = digits[4:]
    if re.fullmatch(r"1[3-9]\d{9}", digits) or re.fullmatch(r"0\d{9,11}", digits):
        return digits
    c.error(name, "phone_invalid", value=text)
    return None


def _not_future(c: Checked, name: str, day: date | None, today: date) -> date | None:
    if day is not None and day > today:
        c.error(name, "date_in_future")
        return None
    return day


# ---------------------------------------------------------------------------------------
# Records


def check_woman(fields: Mapping[str, Any], today: date, *, partial: bool = False
                ) -> Checked:
    """A woman's registration fields (persons row, kind woman).

    The birth date comes from a valid resident ID when not given; a different typed date is
    kept and warned. *partial* (an edit) skips the rules for fields that are absent.
    """
    c = Checked()
    v = c.values
    for key in ("name_zh", "name_mn", "name_latin", "husband_name"):
        if key in fields:
            v[key] = check_name(c, key, fields[key])
    if not partial or "name_zh" in fields or "name_mn" in fields:
        if not v.get("name_zh") and not v.get("name_mn") and not (
                c.has_error("name_zh") or c.has_error("name_mn")):
            c.error("name_zh", "name_required")
    parsed_id = None
    if "resident_id" in fields and not _blank(fields["resident_id"]):
        text = normalise_resident_id(str(fields["resident_id"]))
        text = upgrade_15_digit(text) or text
        parsed_id = parse_resident_id(text)
        if parsed_id is None:
            c.error("resident_id", "resident_id_invalid")
        else:
            v["resident_id"] = parsed_id.text
            if parsed_id.sex != "F":
                c.warn("resident_id", "resident_id_sex_mismatch")
    elif "resident_id" in fields:
        v["resident_id"] = None
    if "birth_date" in fields or parsed_id is not None:
        born = parse_date(c, "birth_date", fields.get("birth_date"))
        born = _not_future(c, "birth_date", born, today)
        if born is None and parsed_id is not None and not c.has_error("birth_date"):
            born = parsed_id.birth_date
        elif born is not None and parsed_id is not None and born != parsed_id.birth_date:
            c.warn("birth_date", "resident_id_birth_mismatch",
                   id_date=parsed_id.birth_date.isoformat())
        if born is not None:
            age = (today - born).days / 365.25
            if age < 8 or age > 80:
                c.error("birth_date", "age_impossible", age=int(age))
                born = None
            elif age < 14 or age > 55:
                c.warn("birth_date", "age_unusual", age=int(age))
        v["birth_date"] = born.isoformat() if born else None
    for key in ("phone", "husband_phone"):
        if key in fields:
            v[key] = check_phone(c, key, fields[key])
    if "ethnicity" in fields:
        v["ethnicity"] = _choice(c, "ethnicity", fields["ethnicity"], ETHNICITIES)
    if "blood_group" in fields:
        group = fields["blood_group"]
        v["blood_group"] = _choice(c, "blood_group", None if _blank(group)
                                   else str(group).strip().upper(), BLOOD_GROUPS)
    if "rh" in fields:
        v["rh"] = _choice(c, "rh", fields["rh"], RH_VALUES)
    if "area_code" in fields or not partial:
        code = fold_digits(str(fields.get("area_code") or ""))
        if not (len(code) == 12 and code.isdigit()):
            c.error("area_code", "area_invalid")
        else:
            v["area_code"] = code
    for key in ("occupation", "address", "notes"):
        if key in fields:
            v[key] = _text(c, key, fields[key])
    return c


def check_pregnancy(fields: Mapping[str, Any], today: date, *, birth_date: date | None = None
                    ) -> Checked:
    """A pregnancy registration: dates, ultrasound dating, gravidity/parity, history.

    Adds the computed ``edd``, ``edd_method`` and ``registered_ga_days`` to the values.
    """
    c = Checked()
    v = c.values
    registered = _not_future(c, "registered_on",
                             parse_date(c, "registered_on", fields.get("registered_on")),
                             today)
    if registered is None and not c.has_error("registered_on"):
        if _blank(fields.get("registered_on")):
            c.error("registered_on", "required")
    lmp = _not_future(c, "lmp", parse_date(c, "lmp", fields.get("lmp")), today)
    if lmp is not None and registered is not None and lmp > registered:
        c.error("lmp", "lmp_after_registration")
        lmp = None
    if lmp is not None and birth_date is not None and lmp <= birth_date:
        c.error("lmp", "date_before_birth")
        lmp = None
    us_date = _not_future(c, "us_date", parse_date(c, "us_date", fields.get("us_date")), today)
    us_ga = _ranged(c, "us_ga_days", fields.get("us_ga_days"))
    if (us_date is None) != (us_ga is None) and not (
            c.has_error("us_date") or c.has_error("us_ga_days")):
        c.error("us_ga_days" if us_date else "us_date", "required")
    if lmp is None and us_date is None and not (c.has_error("lmp") or c.has_error("us_date")):
        c.error("lmp", "required")
    if lmp is not None and us_date is not None and us_date < lmp:
        c.error("us_date", "date_before_lmp")
    if c.ok:
        edd, method = corrected_edd(lmp, us_date, int(us_ga) if us_ga is not None else None)
        assert edd is not None
        v.update(edd=edd.isoformat(), edd_method=method)
        if registered is not None:
            ga = TERM_DAYS - (edd - registered).days
            if ga > LATEST_GA_DAYS:
                c.error("lmp", "ga_too_high", weeks=ga // 7)
            elif ga < 0:
                c.error("lmp", "ga_too_low")
            else:
                v["registered_ga_days"] = ga
    v.update(registered_on=registered.isoformat() if registered else None,
             lmp=lmp.isoformat() if lmp else None,
             us_date=us_date.isoformat() if us_date else None, us_ga_days=us_ga)
    gravidity = _ranged(c, "gravidity", fields.get("gravidity"))
    parity = _ranged(c, "parity", fields.get("parity"))
    if gravidity is not None and parity is not None and parity >= gravidity:
        c.error("parity", "parity_not_below_gravidity")
    v.update(gravidity=gravidity, parity=parity)
    v["fetuses"] = _ranged(c, "fetuses", fields.get("fetuses"))
    if "height_cm" in fields:
        v["height_cm"] = _height(c, "height_cm", fields["height_cm"])
    if "pre_weight_kg" in fields:
        v["pre_weight_kg"] = _weight(c, "pre_weight_kg", fields["pre_weight_kg"])
    if not _blank(fields.get("handbook_no")):
        text = fold_digits(str(fields["handbook_no"])).upper()
        if len(text) > HANDBOOK_MAX or not re.fullmatch(r"[A-Z0-9][A-Z0-9\-/]*", text):
            c.error("handbook_no", "handbook_invalid")
        else:
            v["handbook_no"] = text
    return c


def check_prenatal_visit(fields: Mapping[str, Any], today: date, *, edd: date | None,
                         lmp: date | None = None, previous_weight_kg: float | None = None
                         ) -> Checked:
    """One prenatal visit; adds ``ga_days`` (from the pregnancy's EDD in use).

    *previous_weight_kg* (the last recorded weight) lets a weight typed in jin be caught
    even when the number alone is possible: nobody doubles her weight between visits.
    """
    c = Checked()
    v = c.values
    visit = _not_future(c, "visit_date", parse_date(c, "visit_date", fields.get("visit_date")),
                        today)
    if visit is None and _blank(fields.get("visit_date")):
        c.error("visit_date", "required")
    if visit is not None:
        if lmp is not None and visit < lmp:
            c.error("visit_date", "lmp_after_visit")
        elif edd is not None:
            ga = TERM_DAYS - (edd - visit).days
            if ga > LATEST_GA_DAYS:
                c.error("visit_date", "ga_too_high", weeks=ga // 7)
            elif ga < 0:
                c.error("visit_date", "lmp_after_visit")
            else:
                v["ga_days"] = ga
        v["visit_date"] = visit.isoformat()
    weight = _weight(c, "weight_kg", fields.get("weight_kg"))
    if weight is not None and previous_weight_kg and 1.7 <= weight / previous_weight_kg <= 2.3:
        c.error("weight_kg", "weight_in_jin", value=weight, kg=round(weight / 2, 1))
        weight = None
    v["weight_kg"] = weight
    _blood_pressure(c, fields)
    for key in ("fundal_cm", "abdominal_cm", "hb_g_l", "plt_10e9_l", "glucose_mmol_l",
                "ferritin_ug_l"):
        v[key] = _ranged(c, key, fields.get(key))
    v["fhr"] = _ranged(c, "fhr", fields.get("fhr"))
    v["urine_protein"] = _choice(c, "urine_protein", fields.get("urine_protein"),
                                 URINE_PROTEIN)
    nxt = parse_date(c, "next_date", fields.get("next_date"))
    if nxt is not None and visit is not None and nxt <= visit:
        c.error("next_date", "value_too_low", minimum=visit.isoformat(), value=nxt.isoformat())
        nxt = None
    v["next_date"] = nxt.isoformat() if nxt else None
    for key in ("symptoms", "advice"):
        v[key] = _text(c, key, fields.get(key))
    return c


def _blood_pressure(c: Checked, fields: Mapping[str, Any]) -> None:
    sbp = _ranged(c, "sbp", fields.get("sbp"))
    dbp = _ranged(c, "dbp", fields.get("dbp"))
    if sbp is not None and dbp is not None and sbp <= dbp:
        c.error("sbp", "bp_systolic_not_above_diastolic", sbp=sbp, dbp=dbp)
        sbp = dbp = None
    c.values.update(sbp=sbp, dbp=dbp)


def check_delivery(fields: Mapping[str, Any], today: date, *, edd: date | None,
                   lmp: date | None = None) -> Checked:
    """A delivery and its babies (``babies``: a list of {sex, birth_weight_kg,
    birth_length_cm, outcome, name_zh, name_mn})."""
    c = Checked()
    v = c.values
    day = _not_future(c, "delivery_date",
                      parse_date(c, "delivery_date", fields.get("delivery_date")), today)
    if day is None and _blank(fields.get("delivery_date")):
        c.error("delivery_date", "required")
    if day is not None:
        if lmp is not None and day <= lmp:
            c.error("delivery_date", "date_before_lmp")
        elif edd is not None:
            ga = TERM_DAYS - (edd - day).days
            if ga > LATEST_GA_DAYS:
                c.error("delivery_date", "ga_too_high", weeks=ga // 7)
            elif ga < 0:
                c.error("delivery_date", "date_before_lmp")
            else:
                v["ga_days"] = ga
        v["delivery_date"] = day.isoformat()
    discharge = _not_future(c, "discharge_date",
                            parse_date(c, "discharge_date", fields.get("discharge_date")), today)
    if discharge is not None and day is not None and discharge < day:
        c.error("discharge_date", "discharge_before_delivery")
        discharge = None
    v["discharge_date"] = discharge.isoformat() if discharge else None
    v["place"] = _text(c, "place", fields.get("place"), 200)
    v["place_level"] = _choice(c, "place_level", fields.get("place_level"), PLACE_LEVELS)
    v["mode"] = _choice(c, "mode", fields.get("mode"), DELIVERY_MODES)
    v["outcome"] = _choice(c, "outcome", fields.get("outcome") or "live_birth",
                           DELIVERY_OUTCOMES)
    v["blood_loss_ml"] = _ranged(c, "blood_loss_ml", fields.get("blood_loss_ml"))
    complications = fields.get("complications") or []
    v["complications"] = [str(x) for x in complications]
    babies = list(fields.get("babies") or [])
    if not babies and v["outcome"] in ("live_birth", "stillbirth", "neonatal_death"):
        c.error("babies", "babies_required")
    checked_babies = []
    for i, baby in enumerate(babies):
        prefix = f"babies.{i}."
        b: dict[str, Any] = {}
        b["sex"] = _choice(c, prefix + "sex", baby.get("sex"), SEXES)
        if b["sex"] is None and not c.has_error(prefix + "sex"):
            c.error(prefix + "sex", "required")
        weight = parse_number(c, prefix + "birth_weight_kg", baby.get("birth_weight_kg"))
        if weight is not None and 300 <= weight <= 7000:
            c.error(prefix + "birth_weight_kg", "birth_weight_in_grams", value=weight,
                    kg=round(weight / 1000, 3))
            weight = None
        elif weight is not None:
            weight = _ranged(c, prefix + "birth_weight_kg", weight, "birth_weight_kg")
        b["birth_weight_kg"] = weight
        b["birth_length_cm"] = _ranged(c, prefix + "birth_length_cm",
                                       baby.get("birth_length_cm"), "birth_length_cm")
        b["outcome"] = _choice(c, prefix + "outcome", baby.get("outcome") or "live_birth",
                               BABY_OUTCOMES)
        for key in ("name_zh", "name_mn"):
            b[key] = check_name(c, prefix + key, baby.get(key))
        checked_babies.append(b)
    v["babies"] = checked_babies
    return c


def check_postpartum_visit(fields: Mapping[str, Any], today: date, *,
                           delivery_date: date | None) -> Checked:
    """A postpartum home visit or the 42-day check (fields of domain.md §2.1)."""
    c = Checked()
    v = c.values
    v["kind"] = _choice(c, "kind", fields.get("kind"), POSTPARTUM_KINDS)
    if v["kind"] is None and not c.has_error("kind"):
        c.error("kind", "required")
    day = _not_future(c, "visit_date", parse_date(c, "visit_date", fields.get("visit_date")),
                      today)
    if day is None and _blank(fields.get("visit_date")):
        c.error("visit_date", "required")
    if day is not None and delivery_date is not None and day < delivery_date:
        c.error("visit_date", "date_before_delivery")
        day = None
    v["visit_date"] = day.isoformat() if day else None
    _blood_pressure(c, fields)
    findings = {}
    for key in ("breasts", "lochia", "uterus", "wound"):
        findings[key] = _choice(c, key, fields.get(key), NORMAL_ABNORMAL)
    v["findings"] = {k: x for k, x in findings.items() if x is not None}
    for key in ("general_health", "mental_state", "other", "disposal_reason", "refer_to"):
        v[key] = _text(c, key, fields.get(key))
    v["classification"] = _choice(c, "classification", fields.get("classification"),
                                  CLASSIFICATIONS)
    guidance = fields.get("guidance") or []
    bad = [g for g in guidance if g not in GUIDANCE]
    if bad:
        c.error("guidance", "choice_invalid", value=",".join(map(str, bad)))
    v["guidance"] = [g for g in guidance if g in GUIDANCE]
    v["disposal"] = _choice(c, "disposal", fields.get("disposal"), DISPOSALS)
    if v["disposal"] == "refer" and not v.get("disposal_reason"):
        c.error("disposal_reason", "refer_reason_required")
    return c
