"""Reads behind the child-health use cases: a child's live visits and doses, the mother's
hepatitis B status and the discharge date that starts the newborn visit window.

"Live" means not tombstoned and not superseded by a later correction (design §5: a
correction is a new event whose `supersedes` names the one it replaces).
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import sqlcipher3

from desktop.domain.vaccines import GivenDose


def rows(cursor: sqlcipher3.Cursor) -> list[dict[str, Any]]:
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, r, strict=True)) for r in cursor.fetchall()]


def iso(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def live_visits(conn: sqlcipher3.Connection, child_id: str) -> list[dict[str, Any]]:
    """The child's visits (corrections applied), oldest first."""
    return rows(conn.execute(
        "SELECT * FROM child_visits v WHERE v.person_id = ? AND v.deleted = 0"
        " AND NOT EXISTS (SELECT 1 FROM child_visits s WHERE s.person_id = v.person_id"
        " AND s.supersedes = v.id AND s.deleted = 0) ORDER BY v.visit_date, v.rev", (child_id,)))


def live_vaccinations(conn: sqlcipher3.Connection, child_id: str) -> list[dict[str, Any]]:
    return rows(conn.execute(
        "SELECT * FROM vaccinations v WHERE v.person_id = ? AND v.deleted = 0"
        " AND NOT EXISTS (SELECT 1 FROM vaccinations s WHERE s.person_id = v.person_id"
        " AND s.supersedes = v.id AND s.deleted = 0) ORDER BY v.given_on, v.vaccine, v.dose", (child_id,)))


def given_doses(vaccination_rows: list[dict[str, Any]]) -> list[GivenDose]:
    return [GivenDose(r["vaccine"], int(r["dose"]), date.fromisoformat(r["given_on"]))
            for r in vaccination_rows]


def _truthy_hbsag(text: str | None) -> bool:
    """Whether a JSON facts/screening object or reasons list says HBsAg positive."""
    if not text:
        return False
    try:
        value = json.loads(text)
    except ValueError:
        return False
    if isinstance(value, dict):
        return bool(value.get("hbsag_positive"))
    if isinstance(value, list):
        return "hbsag_positive" in value
    return False


def mother_hbsag_positive(conn: sqlcipher3.Connection, mother_id: str | None) -> bool | None:
    """True when the mother's risk screening recorded HBsAg positive (risk.py fact
    "hbsag_positive") in an assessment or in her pregnancy's screening ticks; None when
    nothing about it is recorded (unknown is not negative)."""
    if not mother_id:
        return None
    seen = False
    for facts, reasons in conn.execute(
            "SELECT facts, reasons FROM risk_assessments WHERE person_id = ? AND deleted = 0",
            (mother_id,)):
        seen = True
        if _truthy_hbsag(facts) or _truthy_hbsag(reasons):
            return True
    columns = {r[1] for r in conn.execute("PRAGMA table_info(pregnancies)")}
    if "screening" in columns:
        for (screening,) in conn.execute(
                "SELECT screening FROM pregnancies WHERE person_id = ? AND deleted = 0",
                (mother_id,)):
            seen = seen or bool(screening)
            if _truthy_hbsag(screening):
                return True
    return False if seen else None


def delivery_discharge(conn: sqlcipher3.Connection, mother_id: str | None,
                       birth: date) -> date | None:
    """The discharge date of the mother's delivery on the child's birth date, if recorded."""
    if not mother_id:
        return None
    row = conn.execute(
        "SELECT discharge_date FROM deliveries WHERE person_id = ? AND delivery_date = ?"
        " AND deleted = 0 AND discharge_date IS NOT NULL ORDER BY rev DESC LIMIT 1",
        (mother_id, birth.isoformat())).fetchone()
    return iso(row[0]) if row else None


def delivery_facts(conn: sqlcipher3.Connection, mother_id: str | None,
                   birth: date) -> dict[str, Any]:
    """Gestation (days) and number of babies of the mother's delivery on *birth*."""
    if not mother_id:
        return {}
    row = conn.execute(
        "SELECT ga_days, babies FROM deliveries WHERE person_id = ? AND delivery_date = ?"
        " AND deleted = 0 ORDER BY rev DESC LIMIT 1", (mother_id, birth.isoformat())).fetchone()
    if row is None:
        return {}
    return {"ga_days": row[0], "babies": row[1]}


def loads(text: str | None) -> Any:
    if not text:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return None
