"""Registering women and their pregnancies (issue 3 items 1–2).

Possible duplicates (same resident ID; same name and birth date; same phone — compared
through search keys, so a name typed in another script or form still matches) are found by
``find_duplicates`` and shown before saving: ``register_woman`` refuses with
PossibleDuplicateError unless the caller says the user has seen them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlcipher3

from desktop.domain import search_keys
from desktop.domain.issues import ValidationIssue
from desktop.domain.schedule import is_early_registration
from desktop.domain.validation import Checked, check_pregnancy, check_woman
from desktop.services.access import require_area
from desktop.services.errors import PossibleDuplicateError, StateError
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

WOMAN_FIELDS = ("name_zh", "name_mn", "name_latin", "resident_id", "birth_date", "ethnicity",
                "occupation", "phone", "address", "area_code", "husband_name",
                "husband_phone", "blood_group", "rh", "notes")
PREGNANCY_FIELDS = ("registered_on", "lmp", "us_date", "us_ga_days", "gravidity", "parity",
                    "fetuses", "height_cm", "pre_weight_kg", "handbook_no")


@dataclass(frozen=True)
class Duplicate:
    """A stored person who may be the one being registered, and why (codes)."""

    person_id: str
    reasons: tuple[str, ...]      # "same_resident_id", "same_name_and_birth", "same_phone"
    name_zh: str | None
    name_mn: str | None
    birth_date: str | None
    area_code: str | None
    phone: str | None


@dataclass(frozen=True)
class WomanCheck:
    """What a registration form shows before saving: cleaned values, issues, duplicates."""

    values: dict[str, Any]
    issues: list[ValidationIssue]
    duplicates: list[Duplicate]


def _name_keys(values: Mapping[str, Any]) -> set[str]:
    """Whole-name keys (not suffixes) of each script: Chinese, pinyin, Mongolian loose, Latin."""
    keys: set[str] = set()
    for name in (values.get("name_zh"), values.get("name_mn"), values.get("name_latin")):
        if not name:
            continue
        for key in search_keys.query_keys(name):
            if key[:2] in (search_keys.KIND_CHINESE, search_keys.KIND_PINYIN,
                           search_keys.KIND_MONGOLIAN_LOOSE, search_keys.KIND_LATIN):
                keys.add(key)
    return keys


def find_duplicates(conn: sqlcipher3.Connection, values: Mapping[str, Any],
                    exclude: str | None = None) -> list[Duplicate]:
    """Stored persons matching *values* (cleaned registration fields) by ID, name + birth
    date or phone. Matches across scripts: 王丽 typed as "wangli" in the Latin field finds her."""
    found: dict[str, tuple[dict, list[str]]] = {}

    def add(rows: list[dict], reason: str) -> None:
        for row in rows:
            if row["id"] != exclude:
                found.setdefault(row["id"], (row, []))[1].append(reason)

    if values.get("resident_id"):
        add(maternal.persons_by_resident_id(conn, values["resident_id"]), "same_resident_id")
    if values.get("birth_date"):
        add(maternal.persons_by_keys_and_birth(conn, _name_keys(values), values["birth_date"]),
            "same_name_and_birth")
    if values.get("phone"):
        keys = [k for k in search_keys.query_keys(values["phone"])
                if k.startswith(search_keys.KIND_PHONE)]
        add(maternal.persons_by_keys(conn, keys), "same_phone")
    return [Duplicate(r["id"], tuple(dict.fromkeys(reasons)), r.get("name_zh"), r.get("name_mn"),
                      r.get("birth_date"), r.get("area_code"), r.get("phone"))
            for r, reasons in found.values()]


def check_new_woman(store: Store, fields: Mapping[str, Any], *, today: date) -> WomanCheck:
    checked = check_woman(fields, today)
    duplicates = find_duplicates(store.conn, checked.values) if checked.ok else []
    return WomanCheck(checked.values, checked.issues, duplicates)


def register_woman(store: Store, user: UserRecord, fields: Mapping[str, Any], *, today: date,
                   duplicates_seen: bool = False) -> SavedChanges:
    """Save a new woman (persons row, kind woman) with her search keys.

    Raises ValidationError (nothing written) for impossible values, PermissionDeniedError
    for a village outside the user's, PossibleDuplicateError when possible duplicates exist
    and *duplicates_seen* is False. The new id is ``ids[0]``; warnings ride along.
    """
    unknown = set(fields) - set(WOMAN_FIELDS)
    if unknown:
        raise StateError(f"unknown fields: {sorted(unknown)}")
    checked = check_woman(fields, today)
    refuse_errors(checked.issues)
    require_area(user, checked.values.get("area_code"))
    if not duplicates_seen:
        duplicates = find_duplicates(store.conn, checked.values)
        if duplicates:
            raise PossibleDuplicateError(duplicates)
    row = {k: v for k, v in checked.values.items() if v is not None}
    row.update(kind="woman", sex="F")
    with store.transaction(user.id) as tx:
        person_id = tx.save("persons", row)["id"]
    return saved({"persons"}, (person_id,), checked.warnings)


def update_woman(store: Store, user: UserRecord, person_id: str, fields: Mapping[str, Any],
                 *, today: date) -> SavedChanges:
    """Change some registration fields of a woman; re-grades her ongoing pregnancy (age from
    a corrected birth date, Rh) in the same transaction."""
    unknown = set(fields) - set(WOMAN_FIELDS)
    if unknown:
        raise StateError(f"unknown fields: {sorted(unknown)}")
    current = person_for(store.conn, user, person_id)
    merged = {k: current.get(k) for k in ("name_zh", "name_mn")}
    merged.update(fields)
    checked = check_woman(merged, today, partial=True)
    refuse_errors(checked.issues)
    if "area_code" in fields:
        require_area(user, checked.values.get("area_code"))
    change = {k: v for k, v in checked.values.items() if k in fields or k == "birth_date"
              and "resident_id" in fields}
    with store.transaction(user.id) as tx:
        tx.save("persons", change, id=person_id)
        pregnancy = maternal.ongoing_pregnancy(tx.conn, person_id)
        if pregnancy is not None:
            regrade(tx, user, pregnancy["id"], today, "woman_changed")
    return saved({"persons", "pregnancies", "risk_assessments", "cases"}, (person_id,),
                 checked.warnings)


def _pregnancy_extras(fields: Mapping[str, Any], checked: Checked) -> dict[str, Any]:
    """History (dict of counts, dates and ticks) and screening ticks, validated."""
    extras: dict[str, Any] = {}
    history = fields.get("history")
    if history is not None:
        if not isinstance(history, dict):
            checked.error("history", "choice_invalid", value=str(history))
        else:
            ticks = {k: v for k, v in history.items()
                     if k not in ("previous_caesareans", "uterine_surgeries", "abortions",
                                  "last_birth", "notes")}
            checked.issues.extend(check_ticks(ticks, "history"))
            for key in ("previous_caesareans", "uterine_surgeries", "abortions"):
                value = history.get(key)
                if value is not None and (not isinstance(value, int) or isinstance(value, bool)
                                          or not 0 <= value <= 20):
                    checked.error("history", "value_too_high", maximum=20, value=value)
            extras["history"] = dict(history)
    screening = fields.get("screening")
    if screening is not None:
        if not isinstance(screening, dict):
            checked.error("screening", "choice_invalid", value=str(screening))
        else:
            checked.issues.extend(check_ticks(screening))
            extras["screening"] = dict(screening)
    return extras


def register_pregnancy(store: Store, user: UserRecord, person_id: str,
                       fields: Mapping[str, Any], *, today: date) -> SavedChanges:
    """A new pregnancy of a woman: dates (EDD from the LMP, corrected by early ultrasound),
    early-registration flag, gravidity/parity, history, screening ticks, handbook number;
    graded at once (assessment event, and a case for orange/red/purple)."""
    woman = person_for(store.conn, user, person_id)
    if woman.get("kind") != "woman":
        raise StateError("not a woman", kind=woman.get("kind"))
    if maternal.ongoing_pregnancy(store.conn, person_id) is not None:
        raise StateError("ongoing pregnancy exists")
    birth = date.fromisoformat(woman["birth_date"]) if woman.get("birth_date") else None
    checked = check_pregnancy(fields, today, birth_date=birth)
    extras = _pregnancy_extras(fields, checked)
    refuse_errors(checked.issues)
    row = {k: v for k, v in checked.values.items() if v is not None}
    row.update(extras, person_id=person_id, area_code=woman.get("area_code"),
               status="ongoing",
               early_registration=is_early_registration(row.get("registered_ga_days")))
    registered = date.fromisoformat(row["registered_on"])
    with store.transaction(user.id) as tx:
        pregnancy_id = tx.save("pregnancies", row)["id"]
        regrade(tx, user, pregnancy_id, registered, "registration")
    return saved({"pregnancies", "risk_assessments", "cases"}, (pregnancy_id,),
                 checked.warnings)


def update_pregnancy(store: Store, user: UserRecord, pregnancy_id: str,
                     fields: Mapping[str, Any], *, today: date) -> SavedChanges:
    """Change pregnancy facts (dates, history, screening ticks, height…) and re-grade.

    A field given blank (None or "") is cleared. A corrected LMP or ultrasound moves the
    EDD (and the registration GA); an LMP after the first prenatal visit is refused. Visits
    are events and keep the GA recorded with them; the record view shows each visit's GA
    from the EDD in use.
    """
    unknown = set(fields) - set(PREGNANCY_FIELDS) - {"history", "screening"}
    if unknown:
        raise StateError(f"unknown fields: {sorted(unknown)}")
    pregnancy, woman = pregnancy_for(store.conn, user, pregnancy_id)
    merged: dict[str, Any] = {k: pregnancy.get(k) for k in PREGNANCY_FIELDS}
    merged.update({k: v for k, v in fields.items() if k in PREGNANCY_FIELDS})
    birth = date.fromisoformat(woman["birth_date"]) if woman.get("birth_date") else None
    checked = check_pregnancy(merged, today, birth_date=birth)
    extras = _pregnancy_extras(fields, checked)
    visits = maternal.prenatal_visits(store.conn, pregnancy_id)
    first_visit = min((v["visit_date"] for v in visits if v.get("visit_date")), default=None)
    lmp = checked.values.get("lmp")
    if lmp and first_visit and lmp > first_visit and not checked.has_error("lmp"):
        checked.error("lmp", "lmp_after_visit")
    refuse_errors(checked.issues)
    change = {k: checked.values.get(k) for k in fields if k in PREGNANCY_FIELDS}
    change.update({k: checked.values.get(k)
                   for k in ("edd", "edd_method", "registered_ga_days")})
    change["early_registration"] = is_early_registration(change["registered_ga_days"])
    if "screening" in extras:
        extras["screening"] = {**(pregnancy.get("screening") or {}), **extras["screening"]}
    change.update(extras)
    with store.transaction(user.id) as tx:
        tx.save("pregnancies", change, id=pregnancy_id)
        regrade(tx, user, pregnancy_id, today, "facts_changed")
    return saved({"pregnancies", "risk_assessments", "cases"}, (pregnancy_id,),
                 checked.warnings)
