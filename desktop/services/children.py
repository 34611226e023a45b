"""Child health use cases (issue 4): registering a child born elsewhere, the newborn home
visit, the 28-30-day check and the 0-6-year checks, vaccinations, growth data for the
charts, and the neonatal death / birth defect case reports.

Every mutation validates first (nothing is written when a value is refused; unconfirmed
warnings raise ConfirmationNeededError and write nothing), then writes all its rows in ONE
store transaction (visit, doses given at the visit, the child's birth facts) and returns a
summary. Village doctors reach only the children of their own villages.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import sqlcipher3

from desktop.domain import child_health as health
from desktop.domain import child_schedule as sched
from desktop.domain import growth
from desktop.domain import vaccines as vacc
from desktop.domain.child_validation import check_numbers, check_visit, check_zscores
from desktop.domain.issues import ERROR, WARNING, ValidationIssue
from desktop.services import child_records as rec
from desktop.services.child_errors import (
    ChildNotFoundError,
    ConfirmationNeededError,
    InvalidFormError,
)
from desktop.store.database import Store, UserRecord
from desktop.store.errors import PermissionDeniedError
from desktop.store.repositories import persons

GROWTH_STANDARD = "who2006"  # WHO 2006 standards to 1856 days, WHO 2007 after (growth.py)
CHILD_AGE_LIMIT_DAYS = 7 * 366

NOT_A_DATE = "validation.not_a_date"
CHOICE = "validation.unknown_choice"
SEX_REQUIRED = "validation.sex_required"
AREA_NOT_YOURS = "validation.area_not_yours"
DOSE_GIVEN = "validation.dose_already_given"
DOSE_UNKNOWN = "validation.dose_unknown"
DOSE_EARLY = "validation.dose_too_early"
DEATH_AFTER_TODAY = "validation.in_future"
MOTHER_UNKNOWN = "validation.mother_unknown"

VISIT_CHOICES: dict[str, tuple[str, ...]] = {
    "feeding": health.FEEDING_CODES,
    "jaundice": health.JAUNDICE_CODES,
    "umbilicus": health.UMBILICUS_CODES,
    "screen_metabolic": health.SCREENING_METABOLIC,
    "screen_hearing": health.SCREENING_HEARING,
    "hearing": health.HEARING_CODES,
    "vision": health.VISION_CODES,
}
NUMBER_FIELDS = ("weight_kg", "length_cm", "head_cm", "hb_g_l", "temperature_c",
                 "breaths_per_min", "teeth", "birth_length_cm", "birth_ga_days")
BIRTH_FIELDS = ("birth_weight_kg", "birth_length_cm", "birth_ga_days", "multiple_birth",
                "birth_defects", "discharge_date")


@dataclass(frozen=True)
class VisitResult:
    """What a saved visit found: the new row, the doses saved with it and the findings
    the screen shows at once (z-scores, nutrition codes, referral, special management)."""

    visit_id: str
    child_id: str
    vaccination_ids: tuple[str, ...]
    zscores: dict[str, float | None]
    growth_codes: tuple[str, ...]
    anaemia: str | None
    feeding_findings: tuple[str, ...]
    danger_signs: tuple[str, ...]
    referral: health.Referral
    special_mgmt: tuple[str, ...]
    hbig_needed: bool
    warnings: tuple[ValidationIssue, ...] = ()
    tables: frozenset[str] = field(default_factory=frozenset)


@dataclass(frozen=True)
class GrowthPoint:
    x: float          # age in days, or length/height in cm for "wfl"/"wfh"
    y: float          # kg, cm or kg/m²
    on: date
    visit_id: str
    z: float | None


# --- access --------------------------------------------------------------------------


def may_see(user: UserRecord, area_code: str | None) -> bool:
    """Village doctors see their own villages only; township roles see the whole store."""
    if user.role == "village_doctor":
        return area_code is not None and area_code in user.areas
    return True


def load_child(conn: sqlcipher3.Connection, user: UserRecord, child_id: str,
               audited: bool = True) -> dict[str, Any]:
    """The child's person row (the read is audited); ChildNotFoundError for a missing
    or non-child row, PermissionDeniedError outside a village doctor's villages."""
    person = persons.get(conn, child_id)
    if person is None or person["kind"] != "child":
        raise ChildNotFoundError(child_id)
    if not may_see(user, person["area_code"]):
        raise PermissionDeniedError(user.role)
    if audited:
        persons.open_audited(conn, user.id, child_id)
    return person


# --- input parsing --------------------------------------------------------------------


def _date(issues: list[ValidationIssue], name: str, value: Any) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        issues.append(ValidationIssue(name, NOT_A_DATE, {"value": str(value)}))
        return None


def _num(value: Any) -> float | None:
    if value is None or value == "":
        return None
    return float(value)


def _codes(issues: list[ValidationIssue], name: str, values: Iterable[str] | None,
           allowed: Sequence[str]) -> tuple[str, ...]:
    chosen = tuple(dict.fromkeys(values or ()))
    bad = [v for v in chosen if v not in allowed]
    if bad:
        issues.append(ValidationIssue(name, CHOICE, {"value": ", ".join(map(str, bad))}))
    return tuple(v for v in chosen if v in allowed)


def _choice(issues: list[ValidationIssue], name: str, value: Any) -> str | None:
    if value is None or value == "":
        return None
    if value not in VISIT_CHOICES[name]:
        issues.append(ValidationIssue(name, CHOICE, {"value": str(value)}))
        return None
    return str(value)


def _raise_for(issues: list[ValidationIssue], confirmed: bool) -> list[ValidationIssue]:
    """Refuse on errors; ask for confirmation of warnings; return the confirmed warnings."""
    errors = [i for i in issues if i.severity == ERROR]
    if errors:
        raise InvalidFormError(errors)
    warnings = [i for i in issues if i.severity == WARNING]
    if warnings and not confirmed:
        raise ConfirmationNeededError(warnings)
    return warnings


def _birth_facts(issues: list[ValidationIssue], fields: Mapping[str, Any], today: date,
                 birth: date | None) -> dict[str, Any]:
    """The birth facts present in *fields*, parsed and range-checked."""
    facts: dict[str, Any] = {}
    numbers = {k: fields[k] for k in ("birth_weight_kg", "birth_length_cm", "birth_ga_days")
               if k in fields and fields[k] not in (None, "")}
    found = check_numbers(numbers)
    issues.extend(found)
    if not found:
        for key in ("birth_weight_kg", "birth_length_cm"):
            if key in numbers:
                facts[key] = float(numbers[key])
        if "birth_ga_days" in numbers:
            facts["birth_ga_days"] = int(float(numbers["birth_ga_days"]))
    if "multiple_birth" in fields and fields["multiple_birth"] is not None:
        facts["multiple_birth"] = bool(fields["multiple_birth"])
    if fields.get("birth_defects"):
        facts["birth_defects"] = [str(d) for d in fields["birth_defects"]]
    if "discharge_date" in fields:
        discharge = _date(issues, "discharge_date", fields["discharge_date"])
        if discharge is not None:
            if discharge > today:
                issues.append(ValidationIssue("discharge_date", "validation.in_future",
                                              {"date": discharge.isoformat()}))
            elif birth is not None and discharge < birth:
                issues.append(ValidationIssue("discharge_date", "validation.before_birth",
                                              {"date": discharge.isoformat(),
                                               "birth": birth.isoformat()}))
            else:
                facts["discharge_date"] = discharge.isoformat()
    return facts


def _special(person: Mapping[str, Any], facts: Mapping[str, Any]) -> tuple[str, ...]:
    def pick(key: str) -> Any:
        return facts[key] if key in facts else person.get(key)

    weight = pick("birth_weight_kg")
    defects = pick("birth_defects")
    if isinstance(defects, str):
        defects = rec.loads(defects)
    return sched.special_management_reasons(
        pick("birth_ga_days"), None if weight is None else float(weight) * 1000,
        bool(pick("multiple_birth")), bool(defects))


# --- registration ----------------------------------------------------------------------


def register_child(store: Store, user: UserRecord, fields: Mapping[str, Any], today: date
                   ) -> dict[str, Any]:
    """Register a child who was not registered through a delivery (born elsewhere).

    *fields*: name_zh / name_mn / name_latin, sex ("M"/"F"), birth_date, area_code
    (default: the mother's), mother_id (optional, a woman in the store), resident_id,
    birth_cert_no, birth facts (birth_weight_kg, birth_length_cm, birth_ga_days,
    multiple_birth, birth_defects, discharge_date) and mother_hbsag_positive. Special
    management and the HBIG flag are derived. One transaction. Returns {"id", ...flags}.
    """
    issues: list[ValidationIssue] = []
    sex = fields.get("sex")
    if sex not in growth.SEXES:
        issues.append(ValidationIssue("sex", SEX_REQUIRED))
    birth = _date(issues, "birth_date", fields.get("birth_date"))
    if birth is None and not issues:
        issues.append(ValidationIssue("birth_date", "validation.visit_date_required"))
    elif birth is not None and birth > today:
        issues.append(ValidationIssue("birth_date", "validation.in_future",
                                      {"date": birth.isoformat()}))
    elif birth is not None and (today - birth).days > CHILD_AGE_LIMIT_DAYS:
        issues.append(ValidationIssue("birth_date", "validation.child_too_old", {"years": 6}))
    mother_id = fields.get("mother_id") or None
    conn = store.conn
    mother = persons.get(conn, mother_id) if mother_id else None
    if mother_id and (mother is None or mother["kind"] == "child"):
        issues.append(ValidationIssue("mother_id", MOTHER_UNKNOWN))
        mother = None
    area = fields.get("area_code") or (mother or {}).get("area_code")
    if not area or not may_see(user, area):
        issues.append(ValidationIssue("area_code", AREA_NOT_YOURS, {"code": str(area or "")}))
    facts = _birth_facts(issues, fields, today, birth)
    _raise_for(issues, True)
    hbsag = fields.get("mother_hbsag_positive")
    if hbsag is None:
        hbsag = rec.mother_hbsag_positive(conn, mother_id)
    special = _special({}, facts)
    row: dict[str, Any] = {
        "kind": "child", "sex": sex, "birth_date": birth.isoformat() if birth else None,
        "area_code": area, "mother_id": mother_id,
        "special_mgmt": list(special), "hbig_needed": health.needs_hbig(hbsag), **facts}
    for key in ("name_zh", "name_mn", "name_latin", "resident_id", "birth_cert_no",
                "ethnicity", "address", "phone"):
        value = fields.get(key)
        if value not in (None, ""):
            row[key] = str(value).strip()
    with store.transaction(user.id) as tx:
        saved = tx.save("persons", row)
    return {"id": saved["id"], "special_mgmt": special, "hbig_needed": row["hbig_needed"]}


# --- visits ----------------------------------------------------------------------------


def _vaccination_rows(issues: list[ValidationIssue], child_id: str, birth: date,
                      visit_day: date, today: date, doses: Iterable[Mapping[str, Any]],
                      already: Iterable[vacc.GivenDose]) -> list[dict[str, Any]]:
    """Dose rows given at a visit (or alone), checked: known vaccine and dose number,
    not given twice, not before the birth or in the future; too early warns."""
    known = {(d.vaccine, d.dose) for v in vacc.VERSIONS for d in v.doses}
    given = list(already)
    out = []
    for i, dose in enumerate(doses):
        name = f"vaccinations.{i}"
        vaccine, number = dose.get("vaccine"), dose.get("dose")
        try:
            number = int(number)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            number = None
        if (vaccine, number) not in known:
            issues.append(ValidationIssue(name, DOSE_UNKNOWN,
                                          {"vaccine": str(vaccine), "dose": str(number)}))
            continue
        on = _date(issues, name, dose.get("given_on")) or visit_day
        if on > today:
            issues.append(ValidationIssue(name, "validation.in_future", {"date": on.isoformat()}))
            continue
        if on < birth:
            issues.append(ValidationIssue(name, "validation.before_birth",
                                          {"date": on.isoformat(), "birth": birth.isoformat()}))
            continue
        if any(g.vaccine == vaccine and g.dose == number for g in given):
            issues.append(ValidationIssue(name, DOSE_GIVEN, {"vaccine": vaccine,
                                                             "dose": str(number)}))
            continue
        new = vacc.GivenDose(str(vaccine), number, on)
        status = next((s for s in vacc.dose_statuses(birth, [*given, new], on)
                       if s.vaccine == vaccine and s.dose == number), None)
        if status is not None and "too_early" in status.problems:
            issues.append(ValidationIssue(name, DOSE_EARLY, {
                "vaccine": vaccine, "dose": str(number),
                "earliest": status.earliest.isoformat()}, WARNING))
        given.append(new)
        row = {"person_id": child_id, "vaccine": vaccine, "dose": number,
               "given_on": on.isoformat()}
        for key in ("batch_no", "site"):
            if dose.get(key):
                row[key] = str(dose[key]).strip()
        out.append(row)
    return out


def record_visit(store: Store, user: UserRecord, child_id: str, kind: str,
                 fields: Mapping[str, Any], today: date, confirmed: bool = False
                 ) -> VisitResult:
    """Save one contact of kind *kind* (child_schedule.ALL_KINDS: "newborn", "28d", "3m"…
    "6y", "special_14d"…).

    *fields*: visit_date (required), weight_kg, length_cm, lying (True lying / False
    standing / None as expected for the age), head_cm, hb_g_l, temperature_c,
    breaths_per_min, feeding, jaundice, umbilicus, screen_metabolic, screen_hearing,
    hbig_given, danger_signs (codes), dev_signs (codes), hearing, vision, teeth, caries,
    referred_to, findings, notes, supersedes (the id of a visit this one corrects), birth
    facts (newborn: birth_weight_kg, birth_length_cm, birth_ga_days, multiple_birth,
    birth_defects, discharge_date, mother_hbsag_positive) and vaccinations (a list of
    {vaccine, dose, given_on (default visit_date), batch_no, site}).

    Derives z-scores (WHO, growth.zscores; implausible ones are kept but not classified),
    nutrition codes, anaemia grade, feeding findings, danger signs (from the ticks, the
    temperature and the breathing rate), the referral and special management. Writes the
    visit, its doses and the child's changed birth facts in one transaction. Raises
    InvalidFormError (nothing saved) or ConfirmationNeededError (warnings not confirmed).
    """
    conn = store.conn
    person = load_child(conn, user, child_id)
    issues: list[ValidationIssue] = []
    if kind not in sched.ALL_KINDS:
        issues.append(ValidationIssue("kind", CHOICE, {"value": str(kind)}))
    birth = rec.iso(person["birth_date"])
    visit_day = _date(issues, "visit_date", fields.get("visit_date"))
    values = {k: fields[k] for k in NUMBER_FIELDS if k in fields}
    values["visit_date"] = visit_day
    values["lying"] = fields.get("lying")
    if "visit_date" in fields and visit_day is None and not issues:
        issues.append(ValidationIssue("visit_date", NOT_A_DATE, {"value": ""}))
    issues += [i for i in check_visit(values, birth, person["sex"], today)
               if not (i.field == "visit_date" and any(j.field == "visit_date" for j in issues))]
    choices = {name: _choice(issues, name, fields.get(name)) for name in VISIT_CHOICES}
    ticked = _codes(issues, "danger_signs", fields.get("danger_signs"), health.DANGER_SIGNS)
    dev = _codes(issues, "dev_signs", fields.get("dev_signs"), health.ALL_DEVELOPMENT_SIGNS)
    facts = _birth_facts(issues, fields, today, birth) if kind == sched.NEWBORN else {}
    doses: list[dict[str, Any]] = []
    if birth is not None and visit_day is not None:
        doses = _vaccination_rows(issues, child_id, birth, visit_day, today,
                                  fields.get("vaccinations") or (),
                                  rec.given_doses(rec.live_vaccinations(conn, child_id)))
    supersedes = fields.get("supersedes") or None
    if supersedes and not any(v["id"] == supersedes for v in rec.live_visits(conn, child_id)):
        issues.append(ValidationIssue("supersedes", CHOICE, {"value": str(supersedes)}))
    warnings = _raise_for(issues, confirmed)
    assert birth is not None and visit_day is not None

    age = (visit_day - birth).days
    lying = fields.get("lying")
    lying = None if lying is None else bool(lying)
    z = growth.zscores(person["sex"], age, _num(values.get("weight_kg")),
                       _num(values.get("length_cm")), _num(values.get("head_cm")), lying)
    flagged = set(growth.implausible(z))
    codes = growth.classify({k: v for k, v in z.items() if k not in flagged}, age)
    anaemia = health.anaemia_grade(_num(values.get("hb_g_l")), age)
    feeding = health.feeding_findings(choices["feeding"], age)
    danger = health.danger_signs(ticked, _num(values.get("temperature_c")),
                                 None if values.get("breaths_per_min") in (None, "")
                                 else int(float(values["breaths_per_min"])), age)
    referral = health.referral(danger, dev, choices["hearing"] or choices["screen_hearing"],
                               anaemia, codes, choices["screen_metabolic"])
    special = _special(person, facts)
    hbsag = fields.get("mother_hbsag_positive")
    if hbsag is None:
        hbsag = rec.mother_hbsag_positive(conn, person["mother_id"])
    hbig = bool(person.get("hbig_needed")) or health.needs_hbig(hbsag)

    row: dict[str, Any] = {
        "person_id": child_id, "kind": kind, "visit_date": visit_day.isoformat(),
        "age_days": age, "lying": lying, "growth_standard": GROWTH_STANDARD,
        "growth_codes": list(codes), "anaemia": anaemia, "danger_signs": list(danger),
        "dev_signs": list(dev), "referral": list(referral.reasons),
        "referral_urgent": referral.urgent, "special_mgmt": list(special),
        **{k: v for k, v in z.items()}, **{k: v for k, v in choices.items() if v is not None}}
    for name in ("weight_kg", "length_cm", "head_cm", "hb_g_l", "temperature_c"):
        if _num(values.get(name)) is not None:
            row[name] = _num(values.get(name))
    for name in ("breaths_per_min", "teeth"):
        if _num(values.get(name)) is not None:
            row[name] = int(float(values[name]))
    for name in ("hbig_given", "caries"):
        if fields.get(name) is not None:
            row[name] = bool(fields[name]) if name == "hbig_given" else int(fields[name])
    for name in ("referred_to", "findings", "notes"):
        if fields.get(name):
            row[name] = str(fields[name]).strip()
    if feeding:
        row["findings"] = json.dumps({"feeding": list(feeding),
                                      "text": row.get("findings")}, ensure_ascii=False)
    if supersedes:
        row["supersedes"] = supersedes

    person_update = dict(facts)
    if list(special) != (rec.loads(person.get("special_mgmt")) or []):
        person_update["special_mgmt"] = list(special)
    if hbig and not person.get("hbig_needed"):
        person_update["hbig_needed"] = True
    with store.transaction(user.id) as tx:
        visit = tx.save("child_visits", row)
        dose_ids = tuple(tx.save("vaccinations", d)["id"] for d in doses)
        if person_update:
            tx.save("persons", person_update, id=child_id)
    tables = {"child_visits"} | ({"vaccinations"} if dose_ids else set()) | (
        {"persons"} if person_update else set())
    return VisitResult(visit["id"], child_id, dose_ids, z, codes, anaemia, feeding, danger,
                       referral, special, hbig, tuple(warnings), frozenset(tables))


def check_visit_form(store: Store, user: UserRecord, child_id: str, kind: str,
                     fields: Mapping[str, Any], today: date) -> list[ValidationIssue]:
    """Every issue record_visit would raise for *fields*, without saving (for a form that
    marks fields as the user types)."""
    try:
        record_visit_dry = _dry_issues(store, user, child_id, kind, fields, today)
    except (InvalidFormError, ConfirmationNeededError) as exc:
        return exc.issues
    return record_visit_dry


def _dry_issues(store: Store, user: UserRecord, child_id: str, kind: str,
                fields: Mapping[str, Any], today: date) -> list[ValidationIssue]:
    person = load_child(store.conn, user, child_id, audited=False)
    values = {k: fields[k] for k in NUMBER_FIELDS if k in fields}
    issues: list[ValidationIssue] = []
    values["visit_date"] = _date(issues, "visit_date", fields.get("visit_date"))
    values["lying"] = fields.get("lying")
    return issues + check_visit(values, rec.iso(person["birth_date"]), person["sex"], today)


# --- vaccinations ------------------------------------------------------------------------


def record_vaccination(store: Store, user: UserRecord, child_id: str,
                       dose: Mapping[str, Any], today: date, confirmed: bool = False
                       ) -> str:
    """Save one dose {vaccine, dose, given_on, batch_no, site} outside a check; returns
    its id. Refuses unknown doses, a dose given twice, dates before birth or in the
    future; a dose before its minimum age or interval needs confirmation."""
    person = load_child(store.conn, user, child_id)
    birth = rec.iso(person["birth_date"])
    issues: list[ValidationIssue] = []
    assert birth is not None
    given_on = _date(issues, "given_on", dose.get("given_on")) or today
    rows = _vaccination_rows(issues, child_id, birth, given_on, today, [dose],
                             rec.given_doses(rec.live_vaccinations(store.conn, child_id)))
    _raise_for(issues, confirmed)
    with store.transaction(user.id) as tx:
        return tx.save("vaccinations", rows[0])["id"]


def vaccination_plan(conn: sqlcipher3.Connection, user: UserRecord, child_id: str,
                     today: date, enabled: Sequence[str] = vacc.DEFAULT_ENABLED
                     ) -> list[vacc.DoseStatus]:
    """Every dose for the child: given, due, overdue (catch-up planned), upcoming, too late,
    on the schedule version in force *today* among *enabled*."""
    person = load_child(conn, user, child_id)
    birth = rec.iso(person["birth_date"])
    assert birth is not None
    given = rec.given_doses(rec.live_vaccinations(conn, child_id))
    return vacc.dose_statuses(birth, given, today, vacc.version_on(today, enabled))


# --- growth data -------------------------------------------------------------------------

CHART_INDICATORS = ("waz", "lhaz", "wfl", "wfh", "hcz", "bmiz")


def growth_points(person: Mapping[str, Any], visits: Iterable[Mapping[str, Any]],
                  indicator: str) -> list[GrowthPoint]:
    """The child's points on one chart: "waz" (age, kg), "lhaz" (age, cm after the 0.7 cm
    adjustment), "hcz" (age, cm), "bmiz" (age, kg/m²), "wfl" (length cm, kg; under 731
    days) or "wfh" (height cm, kg; from 731 days). Visits without the measures are left
    out. Pure function of the rows."""
    if indicator not in CHART_INDICATORS:
        raise ValueError(f"unknown chart indicator {indicator!r}")
    birth = rec.iso(person["birth_date"])
    out = []
    for v in visits:
        day = rec.iso(v["visit_date"])
        if day is None or birth is None:
            continue
        age = (day - birth).days
        weight, length, head = v.get("weight_kg"), v.get("length_cm"), v.get("head_cm")
        lying = None if v.get("lying") is None else bool(v["lying"])
        std = growth.standardized_length(age, length, lying) if length else None
        point: tuple[float, float] | None = None
        z_key = indicator
        if indicator == "waz" and weight:
            point = (age, weight)
        elif indicator == "lhaz" and std:
            point = (age, std)
        elif indicator == "hcz" and head:
            point = (age, head)
        elif indicator == "bmiz" and weight and std:
            point = (age, weight / (std / 100) ** 2)
        elif indicator in ("wfl", "wfh") and weight and std:
            z_key = "wlhz"
            if (indicator == "wfl") == (age < growth.HEIGHT_FROM_DAYS):
                point = (std, weight)
        if point is not None:
            out.append(GrowthPoint(float(point[0]), float(point[1]), day, v["id"],
                                   v.get(z_key)))
    return sorted(out, key=lambda p: (p.on, p.x))


def growth_data(conn: sqlcipher3.Connection, user: UserRecord, child_id: str,
                indicator: str) -> tuple[str, list[GrowthPoint]]:
    """(sex, points) of the child for one chart (see growth_points)."""
    person = load_child(conn, user, child_id)
    return person["sex"], growth_points(person, rec.live_visits(conn, child_id), indicator)


def zscores_for_rows(rows: Iterable[Mapping[str, Any]]) -> list[dict[str, float | None]]:
    """z-scores of stored visit rows (sex, age_days, weight_kg, length_cm, head_cm, lying),
    as the bench and the indicator reports recompute them."""
    out = []
    for r in rows:
        lying = r.get("lying")
        out.append(growth.zscores(r["sex"], int(r["age_days"]), r.get("weight_kg"),
                                  r.get("length_cm"), r.get("head_cm"),
                                  None if lying is None else bool(lying)))
    return out


# --- case reports ------------------------------------------------------------------------

NEONATAL_DEATH = "neonatal_death"
CHILD_DEATH = "child_death"
BIRTH_DEFECT_REPORT = "birth_defect"
NEONATAL_DAYS = 28


def report_death(store: Store, user: UserRecord, child_id: str, fields: Mapping[str, Any],
                 today: date) -> dict[str, Any]:
    """A child's death: a case report (urgent for sync) of kind "neonatal_death" when the
    child died within 28 days of birth, else "child_death"; the child's status becomes
    "dead". *fields*: death_date, cause, place, notes. One transaction."""
    person = load_child(store.conn, user, child_id)
    issues: list[ValidationIssue] = []
    birth = rec.iso(person["birth_date"])
    day = _date(issues, "death_date", fields.get("death_date"))
    if day is None and not issues:
        issues.append(ValidationIssue("death_date", "validation.visit_date_required"))
    elif day is not None and day > today:
        issues.append(ValidationIssue("death_date", "validation.in_future",
                                      {"date": day.isoformat()}))
    elif day is not None and birth is not None and day < birth:
        issues.append(ValidationIssue("death_date", "validation.before_birth",
                                      {"date": day.isoformat(), "birth": birth.isoformat()}))
    _raise_for(issues, True)
    assert day is not None and birth is not None
    kind = NEONATAL_DEATH if (day - birth).days < NEONATAL_DAYS else CHILD_DEATH
    details = {k: str(fields[k]).strip() for k in ("cause", "place", "notes") if fields.get(k)}
    details["age_days"] = (day - birth).days
    with store.transaction(user.id) as tx:
        report = tx.save("case_reports", {
            "person_id": child_id, "kind": kind, "event_date": day.isoformat(),
            "details": details, "area_code": person["area_code"], "urgent": True})
        tx.save("persons", {"status": "dead", "status_reason": kind}, id=child_id)
    return {"id": report["id"], "kind": kind}


def report_birth_defect(store: Store, user: UserRecord, child_id: str,
                        fields: Mapping[str, Any], today: date) -> dict[str, Any]:
    """A birth defect: a case report (urgent) of kind "birth_defect" with *fields*
    defects (list of descriptions, required), diagnosed_on, notes; the child's birth
    facts gain the defects and the child enters special management. One transaction."""
    person = load_child(store.conn, user, child_id)
    issues: list[ValidationIssue] = []
    defects = [str(d).strip() for d in fields.get("defects") or () if str(d).strip()]
    if not defects:
        issues.append(ValidationIssue("defects", "validation.defects_required"))
    day = _date(issues, "diagnosed_on", fields.get("diagnosed_on")) or today
    birth = rec.iso(person["birth_date"])
    if day > today:
        issues.append(ValidationIssue("diagnosed_on", "validation.in_future",
                                      {"date": day.isoformat()}))
    elif birth is not None and day < birth:
        issues.append(ValidationIssue("diagnosed_on", "validation.before_birth",
                                      {"date": day.isoformat(), "birth": birth.isoformat()}))
    _raise_for(issues, True)
    known = rec.loads(person.get("birth_defects")) or []
    all_defects = list(dict.fromkeys([*known, *defects]))
    special = _special(person, {"birth_defects": all_defects})
    details = {"defects": defects}
    if fields.get("notes"):
        details["notes"] = str(fields["notes"]).strip()
    with store.transaction(user.id) as tx:
        report = tx.save("case_reports", {
            "person_id": child_id, "kind": BIRTH_DEFECT_REPORT, "event_date": day.isoformat(),
            "details": details, "area_code": person["area_code"], "urgent": True})
        tx.save("persons", {"birth_defects": all_defects, "special_mgmt": list(special)},
                id=child_id)
    return {"id": report["id"], "kind": BIRTH_DEFECT_REPORT, "special_mgmt": special}


# --- reading ---------------------------------------------------------------------------


def child_record(conn: sqlcipher3.Connection, user: UserRecord, child_id: str,
                 today: date) -> dict[str, Any]:
    """Everything a child screen shows: the person row with parsed flags, the live visits
    (oldest first), the live doses, the schedule windows (special contacts included for a
    child in special management) with the visit that met each, and the vaccination plan."""
    person = load_child(conn, user, child_id)
    birth = rec.iso(person["birth_date"])
    assert birth is not None
    visits = rec.live_visits(conn, child_id)
    doses = rec.live_vaccinations(conn, child_id)
    special = tuple(rec.loads(person.get("special_mgmt")) or ())
    discharge = rec.iso(person.get("discharge_date")) or rec.delivery_discharge(
        conn, person.get("mother_id"), birth)
    done = {v["kind"]: v["id"] for v in visits}
    windows = [{"kind": w.kind, "due_from": w.due_from, "due_by": w.due_by,
                "special": w.special, "visit_id": done.get(w.kind)}
               for w in sched.schedule(birth, discharge, bool(special))]
    for v in visits:
        for key in ("growth_codes", "danger_signs", "dev_signs", "referral", "special_mgmt"):
            v[key] = tuple(rec.loads(v.get(key)) or ())
    return {"person": dict(person, special_mgmt=special,
                           birth_defects=tuple(rec.loads(person.get("birth_defects")) or ())),
            "visits": visits, "vaccinations": doses, "schedule": windows,
            "vaccination_plan": vacc.dose_statuses(birth, rec.given_doses(doses), today)}


def check_zscore_warnings(z: Mapping[str, float | None]) -> list[ValidationIssue]:
    """Re-exported for the form: warnings for implausible z-scores."""
    return check_zscores(z)
