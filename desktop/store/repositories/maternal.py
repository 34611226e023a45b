"""Reading maternal records: pregnancies, their visits, deliveries, assessments and cases.

Writes go through Transaction.save (the one write path). Rows come back as dicts with JSON
columns decoded; tombstoned rows and superseded events are left out.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

import sqlcipher3

JSON_COLUMNS = frozenset({"history", "screening", "risk_colours", "risk_reasons", "colours",
                          "reasons", "facts", "tests", "danger_signs", "findings",
                          "complications", "guidance", "details"})


def decode(row: dict[str, Any]) -> dict[str, Any]:
    for key in JSON_COLUMNS & row.keys():
        value = row[key]
        if isinstance(value, str) and value[:1] in "[{":
            try:
                row[key] = json.loads(value)
            except ValueError:
                pass
    return row


def rows(conn: sqlcipher3.Connection, sql: str, args: Sequence[Any] = ()) -> list[dict]:
    cur = conn.execute(sql, tuple(args))
    names = [d[0] for d in cur.description]
    return [decode(dict(zip(names, r, strict=True))) for r in cur.fetchall()]


def one(conn: sqlcipher3.Connection, sql: str, args: Sequence[Any] = ()) -> dict | None:
    found = rows(conn, sql, args)
    return found[0] if found else None


def _current(found: list[dict]) -> list[dict]:
    """Drop events that a live event among *found* supersedes (a correction is written for
    the same pregnancy or person as the event it replaces, so it is among *found*).
    Filtering here, not with NOT IN over the whole table, keeps a read indexed."""
    replaced = {r["supersedes"] for r in found if r.get("supersedes")}
    return [r for r in found if r["id"] not in replaced]


def _events(conn: sqlcipher3.Connection, table: str, column: str, value: str,
            order: str) -> list[dict]:
    return _current(rows(conn, f"SELECT * FROM {table} WHERE {column} = ? AND deleted = 0"
                               f" ORDER BY {order}, rev", (value,)))


def pregnancy(conn: sqlcipher3.Connection, pregnancy_id: str) -> dict | None:
    return one(conn, "SELECT * FROM pregnancies WHERE id = ? AND deleted = 0", (pregnancy_id,))


def pregnancies_of(conn: sqlcipher3.Connection, person_id: str) -> list[dict]:
    return rows(conn, "SELECT * FROM pregnancies WHERE person_id = ? AND deleted = 0"
                " ORDER BY registered_on DESC, rev DESC", (person_id,))


def ongoing_pregnancy(conn: sqlcipher3.Connection, person_id: str) -> dict | None:
    return one(conn, "SELECT * FROM pregnancies WHERE person_id = ? AND deleted = 0"
               " AND status = 'ongoing' ORDER BY registered_on DESC LIMIT 1", (person_id,))


def prenatal_visits(conn: sqlcipher3.Connection, pregnancy_id: str) -> list[dict]:
    return _events(conn, "prenatal_visits", "pregnancy_id", pregnancy_id, "visit_date")


def deliveries(conn: sqlcipher3.Connection, pregnancy_id: str) -> list[dict]:
    return _events(conn, "deliveries", "pregnancy_id", pregnancy_id, "delivery_date")


def postpartum_visits(conn: sqlcipher3.Connection, pregnancy_id: str) -> list[dict]:
    return _events(conn, "postpartum_visits", "pregnancy_id", pregnancy_id, "visit_date")


def assessments(conn: sqlcipher3.Connection, pregnancy_id: str) -> list[dict]:
    return _events(conn, "risk_assessments", "pregnancy_id", pregnancy_id, "assessed_on")


def children_of(conn: sqlcipher3.Connection, mother_id: str) -> list[dict]:
    return rows(conn, "SELECT * FROM persons WHERE mother_id = ? AND deleted = 0"
                " ORDER BY birth_date, id", (mother_id,))


def case_reports(conn: sqlcipher3.Connection, person_id: str) -> list[dict]:
    return _events(conn, "case_reports", "person_id", person_id, "event_date")


# -- cases --------------------------------------------------------------------------------
def case(conn: sqlcipher3.Connection, case_id: str) -> dict | None:
    return one(conn, "SELECT * FROM cases WHERE id = ? AND deleted = 0", (case_id,))


def open_case(conn: sqlcipher3.Connection, pregnancy_id: str) -> dict | None:
    return one(conn, "SELECT * FROM cases WHERE pregnancy_id = ? AND deleted = 0"
               " AND status != 'closed' ORDER BY opened_on DESC LIMIT 1", (pregnancy_id,))


def cases_of(conn: sqlcipher3.Connection, person_id: str) -> list[dict]:
    return rows(conn, "SELECT * FROM cases WHERE person_id = ? AND deleted = 0"
                " ORDER BY opened_on DESC", (person_id,))


def case_followups(conn: sqlcipher3.Connection, case_id: str) -> list[dict]:
    return _events(conn, "case_followups", "case_id", case_id, "followup_date")


def _area_clause(column: str, areas: Iterable[str] | None) -> tuple[str, list[str]]:
    if areas is None:
        return "", []
    codes = sorted(areas)
    if not codes:
        return " AND 0", []
    return f" AND {column} IN ({','.join('?' * len(codes))})", codes


def high_risk_register(conn: sqlcipher3.Connection, areas: Iterable[str] | None,
                       include_closed: bool = False) -> list[dict]:
    """Cases with their woman's names, village and phone; open ones first, by next follow-up."""
    clause, args = _area_clause("p.area_code", areas)
    status = "" if include_closed else " AND c.status != 'closed'"
    return rows(conn, "SELECT c.*, p.name_zh, p.name_mn, p.phone, p.area_code AS village,"
                " g.edd, g.risk_colours FROM cases c JOIN persons p ON p.id = c.person_id"
                " LEFT JOIN pregnancies g ON g.id = c.pregnancy_id"
                " WHERE c.deleted = 0 AND p.deleted = 0" + status + clause +
                " ORDER BY c.status = 'closed', c.next_followup IS NULL, c.next_followup,"
                " c.opened_on", args)


# -- duplicates ---------------------------------------------------------------------------
def persons_by_resident_id(conn: sqlcipher3.Connection, resident_id: str) -> list[dict]:
    return rows(conn, "SELECT * FROM persons WHERE resident_id = ? AND deleted = 0",
                (resident_id,))


def persons_by_keys_and_birth(conn: sqlcipher3.Connection, keys: Iterable[str],
                              birth_date: str) -> list[dict]:
    """Persons born on *birth_date* having any of the exact search *keys*."""
    keys = list(keys)
    if not keys:
        return []
    return rows(conn, "SELECT p.* FROM persons p WHERE p.deleted = 0 AND p.birth_date = ?"
                f" AND p.id IN (SELECT person_id FROM search_keys WHERE key IN"
                f" ({','.join('?' * len(keys))}))", (birth_date, *keys))


def persons_by_keys(conn: sqlcipher3.Connection, keys: Iterable[str], limit: int = 20
                    ) -> list[dict]:
    keys = list(keys)
    if not keys:
        return []
    return rows(conn, "SELECT p.* FROM persons p WHERE p.deleted = 0 AND p.id IN"
                f" (SELECT person_id FROM search_keys WHERE key IN ({','.join('?' * len(keys))}))"
                " LIMIT ?", (*keys, limit))
