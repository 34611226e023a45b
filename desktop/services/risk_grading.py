"""Re-grading a pregnancy from everything recorded about it (domain.md §1.1 "dynamic
re-assessment": at every visit and whenever a fact changes).

``gather_facts`` turns the stored records into desktop.domain.risk facts; ``regrade`` grades
them and, inside the caller's transaction, writes a risk_assessments event when the grade
(colours or reasons) changed, keeps pregnancies.risk_colour/risk_colours/risk_reasons
current and opens or updates the high-risk case (desktop.services.cases).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date
from typing import Any

import sqlcipher3

from desktop.domain import risk
from desktop.domain.issues import ValidationIssue
from desktop.domain.schedule import ga_days_on
from desktop.store.database import UserRecord
from desktop.store.repositories import maternal, persons
from desktop.store.writer import Transaction

# Counts and dates of the obstetric history a pregnancy keeps in pregnancies.history.
HISTORY_NUMBERS = ("previous_caesareans", "uterine_surgeries", "abortions")
HISTORY_DATES = ("last_birth",)
# Latest recorded value of each visit measurement feeds the grading (a later normal Hb
# lowers a grade an earlier low Hb raised: dynamic factors, domain.md §1.1).
VISIT_MEASUREMENTS = {"hb_g_l": "hb_g_l", "plt_10e9_l": "plt_10e9_l",
                      "glucose_mmol_l": "fasting_glucose_mmol_l",
                      "ferritin_ug_l": "ferritin_ug_l"}


def check_ticks(ticks: Mapping[str, object], field: str = "screening"
                ) -> list[ValidationIssue]:
    """Issues for tick codes the grading does not know or values that are not booleans."""
    issues = []
    for code, value in ticks.items():
        if code not in risk.FLAG_FACTS or not isinstance(value, bool):
            issues.append(ValidationIssue(field, "validation.screening_unknown",
                                          {"code": str(code)}))
    return issues


def history_facts(history: object) -> tuple[dict[str, Any], dict[str, bool]]:
    """(numbers, ticks) from a pregnancy's history JSON (a dict; legacy lists are ticks)."""
    numbers: dict[str, Any] = {}
    ticks: dict[str, bool] = {}
    if isinstance(history, list):
        return numbers, {str(x): True for x in history if str(x) in risk.FLAG_FACTS}
    if not isinstance(history, dict):
        return numbers, ticks
    for key, value in history.items():
        if key in HISTORY_NUMBERS and isinstance(value, int) and not isinstance(value, bool):
            numbers[key] = value
        elif key in risk.FLAG_FACTS and isinstance(value, bool):
            ticks[key] = value
    return numbers, ticks


def gather_facts(conn: sqlcipher3.Connection, pregnancy: Mapping[str, Any],
                 woman: Mapping[str, Any], on: date) -> dict[str, object]:
    """The facts of *pregnancy* on *on*: age, height/weight/BMI, latest BP and labs,
    obstetric history and every screening tick."""
    facts: dict[str, object] = {}
    if woman.get("birth_date"):
        born = date.fromisoformat(woman["birth_date"])
        if born <= on:
            facts["age_years"] = risk.age_in_completed_years(born, on)
    if woman.get("rh") == "-":
        facts["rh_negative"] = True
    if pregnancy.get("height_cm"):
        facts["height_cm"] = float(pregnancy["height_cm"])
    visits = maternal.prenatal_visits(conn, pregnancy["id"])
    weight = pregnancy.get("pre_weight_kg")
    if weight is None:
        # Without a pre-pregnancy weight, a first-trimester weight is the closest.
        early = [v for v in visits if v.get("weight_kg") and (v.get("ga_days") or 999) < 91]
        weight = early[0]["weight_kg"] if early else None
    if weight:
        facts["weight_kg"] = float(weight)
    for visit in visits:  # oldest first: later values overwrite
        if visit.get("sbp") is not None and visit.get("dbp") is not None:
            facts["sbp"], facts["dbp"] = int(visit["sbp"]), int(visit["dbp"])
        for column, code in VISIT_MEASUREMENTS.items():
            if visit.get(column) is not None:
                facts[code] = float(visit[column])
    if pregnancy.get("edd"):
        ga = ga_days_on(date.fromisoformat(pregnancy["edd"]), on)
        if 0 <= ga <= 45 * 7:
            facts["ga_weeks"] = ga // 7
    if pregnancy.get("fetuses"):
        facts["fetuses"] = int(pregnancy["fetuses"])
    numbers, ticks = history_facts(pregnancy.get("history"))
    facts.update(numbers)
    history = pregnancy.get("history")
    if isinstance(history, dict) and history.get("last_birth"):
        try:
            last = date.fromisoformat(str(history["last_birth"]))
            if last <= on:
                facts["months_since_last_birth"] = risk.completed_months(last, on)
        except ValueError:
            pass
    facts.update(ticks)
    screening = pregnancy.get("screening")
    if isinstance(screening, dict):
        facts.update({k: v for k, v in screening.items()
                      if k in risk.FLAG_FACTS and isinstance(v, bool)})
    return facts


def regrade(tx: Transaction, user: UserRecord, pregnancy_id: str, on: date, trigger: str
            ) -> risk.RiskResult:
    """Grade the pregnancy now and record a change of grade (inside *tx*).

    Side effects when colours or reasons differ from the stored ones: a risk_assessments
    event (facts, positive screening items, reasons, confirmed_by = *user*), the
    pregnancy's risk fields, and the case (opened for orange/red/purple, updated while open).
    """
    from desktop.services import cases  # cases imports this module's callers

    conn = tx.conn
    pregnancy = maternal.pregnancy(conn, pregnancy_id)
    woman = persons.get(conn, pregnancy["person_id"]) if pregnancy else None
    if pregnancy is None or woman is None:
        raise LookupError(pregnancy_id)
    facts = gather_facts(conn, pregnancy, woman, on)
    result = risk.assess(facts)
    stored_colours = pregnancy.get("risk_colours") or []
    stored_reasons = pregnancy.get("risk_reasons") or []
    if list(result.colours) == list(stored_colours) and list(result.reasons) == list(
            stored_reasons):
        return result
    tx.save("risk_assessments", {
        "person_id": woman["id"], "pregnancy_id": pregnancy_id, "assessed_on": on.isoformat(),
        "colour": result.colour, "colours": list(result.colours),
        "reasons": list(result.reasons), "facts": facts,
        "screening": list(risk.screen(facts)), "confirmed_by": user.id, "trigger": trigger})
    tx.save("pregnancies", {"risk_colour": result.colour, "risk_colours": list(result.colours),
                            "risk_reasons": list(result.reasons),
                            "risk_assessed_on": on.isoformat(), "risk_confirmed_by": user.id},
            id=pregnancy_id)
    cases.follow_grade(tx, user, pregnancy, woman, result, on)
    return result


def dumps(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)
