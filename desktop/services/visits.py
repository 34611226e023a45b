"""Prenatal visits, delivery, postpartum visits and the maternal death report (issue 3
items 3, 6, 7 and 8). Each save is one transaction: the event, what it changes on the
pregnancy, the re-grade and its case, or the children a delivery creates."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from desktop.domain.issues import ValidationIssue
from desktop.domain.validation import (
    Checked,
    check_delivery,
    check_postpartum_visit,
    check_prenatal_visit,
    parse_date,
)
from desktop.services import cases
from desktop.services.errors import StateError
from desktop.services.maternal_common import (
    SavedChanges,
    person_for,
    pregnancy_for,
    refuse_errors,
    saved,
)
from desktop.services.risk_grading import check_ticks, regrade
from desktop.store.database import Store, UserRecord
from desktop.store.repositories import maternal

VISIT_COLUMNS = ("visit_date", "ga_days", "weight_kg", "sbp", "dbp", "fundal_cm",
                 "abdominal_cm", "fhr", "hb_g_l", "plt_10e9_l", "glucose_mmol_l",
                 "ferritin_ug_l", "urine_protein", "symptoms", "advice", "next_date")
DANGER_SIGNS = ("vaginal_bleeding", "severe_headache", "blurred_vision", "convulsions",
                "fever", "reduced_fetal_movement", "waters_broken", "severe_abdominal_pain",
                "breathlessness", "swelling_face_hands")


def _dates(pregnancy: Mapping[str, Any]) -> tuple[date | None, date | None]:
    edd = date.fromisoformat(pregnancy["edd"]) if pregnancy.get("edd") else None
    lmp = date.fromisoformat(pregnancy["lmp"]) if pregnancy.get("lmp") else None
    return edd, lmp


def record_prenatal_visit(store: Store, user: UserRecord, pregnancy_id: str,
                          fields: Mapping[str, Any], *, today: date) -> SavedChanges:
    """Save a prenatal visit and re-grade the pregnancy from it.

    *fields*: the visit columns, ``tests`` (dict), ``danger_signs`` (codes) and
    ``screening`` (screening/grading ticks found at this visit: they update the
    pregnancy's ticks). Refused with ValidationError before anything is written.
    """
    pregnancy, woman = pregnancy_for(store.conn, user, pregnancy_id)
    if pregnancy.get("status") != "ongoing":
        raise StateError("pregnancy not ongoing", status=pregnancy.get("status"))
    edd, lmp = _dates(pregnancy)
    visits = maternal.prenatal_visits(store.conn, pregnancy_id)
    weights = [v["weight_kg"] for v in visits if v.get("weight_kg")]
    previous = weights[-1] if weights else pregnancy.get("pre_weight_kg")
    checked = check_prenatal_visit(fields, today, edd=edd, lmp=lmp,
                                   previous_weight_kg=previous)
    signs = list(fields.get("danger_signs") or [])
    bad = [s for s in signs if s not in DANGER_SIGNS]
    if bad:
        checked.error("danger_signs", "choice_invalid", value=",".join(map(str, bad)))
    ticks = fields.get("screening") or {}
    if not isinstance(ticks, dict):
        checked.error("screening", "choice_invalid", value=str(ticks))
        ticks = {}
    checked.issues.extend(check_ticks(ticks))
    tests = fields.get("tests") or {}
    if not isinstance(tests, dict):
        checked.error("tests", "choice_invalid", value=str(tests))
    refuse_errors(checked.issues)
    row = {k: checked.values.get(k) for k in VISIT_COLUMNS}
    row = {k: v for k, v in row.items() if v is not None}
    row.update(person_id=woman["id"], pregnancy_id=pregnancy_id, visit_no=len(visits) + 1)
    if tests:
        row["tests"] = tests
    if signs:
        row["danger_signs"] = signs
    if ticks:
        row["screening"] = ticks
    on = date.fromisoformat(row["visit_date"])
    with store.transaction(user.id) as tx:
        visit_id = tx.save("prenatal_visits", row)["id"]
        if ticks:
            tx.save("pregnancies", {"screening": {**(pregnancy.get("screening") or {}),
                                                  **ticks}}, id=pregnancy_id)
        regrade(tx, user, pregnancy_id, on, "visit")
    return saved({"prenatal_visits", "pregnancies", "risk_assessments", "cases"},
                 (visit_id, pregnancy_id), checked.warnings)


def record_delivery(store: Store, user: UserRecord, pregnancy_id: str,
                    fields: Mapping[str, Any], *, today: date) -> SavedChanges:
    """Save the delivery, end the pregnancy (status delivered) and create one child record
    per live-born baby (mother_id, sex, birth date, the mother's village) with a first
    child_visits 'birth' event holding birth weight and length. Twins give two children.

    Returns the delivery id first, then the children's ids.
    """
    pregnancy, woman = pregnancy_for(store.conn, user, pregnancy_id)
    if pregnancy.get("status") != "ongoing":
        raise StateError("pregnancy not ongoing", status=pregnancy.get("status"))
    edd, lmp = _dates(pregnancy)
    checked = check_delivery(fields, today, edd=edd, lmp=lmp)
    refuse_errors(checked.issues)
    v = checked.values
    babies = v.pop("babies")
    day = v["delivery_date"]
    row = {k: val for k, val in v.items() if val is not None}
    row.update(person_id=woman["id"], pregnancy_id=pregnancy_id, babies=len(babies))
    ids: list[str] = []
    with store.transaction(user.id) as tx:
        ids.append(tx.save("deliveries", row)["id"])
        tx.save("pregnancies", {"status": "delivered", "ended_on": day,
                                "end_reason": v.get("outcome") or "live_birth"},
                id=pregnancy_id)
        for order, baby in enumerate(babies, 1):
            if baby["outcome"] != "live_birth":
                continue
            child = {"kind": "child", "sex": baby["sex"], "birth_date": day,
                     "mother_id": woman["id"], "area_code": woman.get("area_code"),
                     "address": woman.get("address"), "ethnicity": woman.get("ethnicity")}
            child.update({k: baby[k] for k in ("name_zh", "name_mn") if baby.get(k)})
            child = {k: val for k, val in child.items() if val is not None}
            child_id = tx.save("persons", child)["id"]
            ids.append(child_id)
            tx.save("child_visits", {
                "person_id": child_id, "kind": "birth", "visit_date": day, "age_days": 0,
                "weight_kg": baby.get("birth_weight_kg"),
                "length_cm": baby.get("birth_length_cm"), "lying": 1,
                "findings": {"birth_order": order, "delivery_id": ids[0]}})
    return saved({"deliveries", "pregnancies", "persons", "child_visits"}, ids,
                 checked.warnings)


def record_postpartum_visit(store: Store, user: UserRecord, pregnancy_id: str,
                            fields: Mapping[str, Any], *, today: date) -> SavedChanges:
    """A postpartum home visit (postpartum_7d) or the 42-day check (postpartum_42d).

    At the 42-day check, disposal "close" closes the pregnancy's record (status closed)
    and its open case (outcome recovered / not_recovered); "refer" marks the case referred.
    """
    pregnancy, woman = pregnancy_for(store.conn, user, pregnancy_id)
    delivered = maternal.deliveries(store.conn, pregnancy_id)
    if not delivered:
        raise StateError("no delivery recorded")
    delivery_date = date.fromisoformat(delivered[-1]["delivery_date"])
    checked = check_postpartum_visit(fields, today, delivery_date=delivery_date)
    refuse_errors(checked.issues)
    v = checked.values
    row = {k: val for k, val in v.items() if val not in (None, [], {})}
    row.update(person_id=woman["id"], pregnancy_id=pregnancy_id)
    on = date.fromisoformat(v["visit_date"])
    with store.transaction(user.id) as tx:
        visit_id = tx.save("postpartum_visits", row)["id"]
        if v["kind"] == "postpartum_42d" and v.get("disposal") == "close":
            tx.save("pregnancies", {"status": "closed"}, id=pregnancy_id)
            cases.close_open_case(tx, pregnancy_id, v.get("classification") or "recovered", on)
        elif v.get("disposal") == "refer":
            current = maternal.open_case(tx.conn, pregnancy_id)
            if current is not None and current["status"] != cases.REFERRED:
                tx.save("cases", {"status": cases.REFERRED, "status_on": on.isoformat(),
                                  "referred_to": v.get("refer_to")}, id=current["id"])
    return saved({"postpartum_visits", "pregnancies", "cases"}, (visit_id,), checked.warnings)


def report_maternal_death(store: Store, user: UserRecord, person_id: str,
                          fields: Mapping[str, Any], *, today: date) -> SavedChanges:
    """The 孕产妇死亡报告卡 (domain.md §7.1): an urgent case_reports event (sync sends it
    first), the woman marked dead, her pregnancy ended and its case closed."""
    woman = person_for(store.conn, user, person_id)
    c = Checked()
    day = parse_date(c, "event_date", fields.get("event_date"))
    if day is None and not c.has_error("event_date"):
        c.error("event_date", "required")
    if day is not None and day > today:
        c.error("event_date", "date_in_future")
    details = {k: fields[k] for k in ("place", "cause", "place_level", "reporter_phone",
                                       "notes") if fields.get(k)}
    for key, value in details.items():
        if len(str(value)) > 500:
            c.issues.append(ValidationIssue(key, "validation.text_too_long",
                                            {"maximum": 500, "length": len(str(value))}))
    refuse_errors(c.issues)
    assert day is not None
    pregnancy = maternal.ongoing_pregnancy(store.conn, person_id)
    if pregnancy is None:
        recent = maternal.pregnancies_of(store.conn, person_id)
        pregnancy = recent[0] if recent else None
    with store.transaction(user.id) as tx:
        report = tx.save("case_reports", {
            "person_id": person_id, "kind": "maternal_death", "event_date": day.isoformat(),
            "details": details, "area_code": woman.get("area_code"),
            "pregnancy_id": pregnancy["id"] if pregnancy else None, "urgent": True})
        tx.save("persons", {"status": "dead", "status_reason": "maternal_death"},
                id=person_id)
        if pregnancy is not None:
            if pregnancy.get("status") == "ongoing":
                tx.save("pregnancies", {"status": "ended", "ended_on": day.isoformat(),
                                        "end_reason": "maternal_death"}, id=pregnancy["id"])
            cases.close_open_case(tx, pregnancy["id"], "maternal_death", day)
    return saved({"case_reports", "persons", "pregnancies", "cases"}, (report["id"],))
