"""Printing, the data side (Qt-free): what a handbook or a visit sheet shows, as plain
dicts; the print log ("changed since the last print"); the audit entry of every print.

The Qt side (desktop/printing) lays the dicts out and paints them; it never reads the
store. Reads here go through the Session facade's audited reads (opening a record for
printing is a read of that record).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from desktop.domain.worklist import DUE_TODAY, OVERDUE
from desktop.services.errors import ServiceError
from desktop.store.repositories import maternal, persons, print_log

if TYPE_CHECKING:
    from desktop.services.session import Session

GROWTH_INDICATORS = ("waz", "lhaz")


class PrintOutputError(ServiceError):
    """The PDF file could not be written (folder missing, no permission, disk full)."""

    code = "service.print_output"


class NothingToPrintError(ServiceError):
    """No person was chosen, or none was found."""

    code = "service.print_nothing"


class PageRangeError(ServiceError):
    """Page numbers the user typed could not be read."""

    code = "service.print_pages"


def first_women(session: Session, count: int) -> list[str]:
    """Ids of the first *count* women the user may see (registration order), for the
    print --sample command and benchmarks."""
    from desktop.services.access import visible_areas

    areas = visible_areas(session.user)
    sql = "SELECT id FROM persons WHERE deleted = 0 AND kind = 'woman'"
    args: list[str] = []
    if areas is not None:
        sql += f" AND area_code IN ({','.join('?' * len(areas))})"
        args = sorted(areas)
    sql += " ORDER BY rowid LIMIT ?"
    with session._lock:
        rows = session.store.conn.execute(sql, (*args, max(0, count))).fetchall()
    return [r[0] for r in rows]
TARGETS = ("pdf", "printer")


def _plain(value: Any) -> Any:
    """Dates as ISO text, tuples as lists: the layouts and the page digests want JSON."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def _child_data(session: Session, child_id: str, today: date, birth_order: int | None
                ) -> dict[str, Any]:
    record = session.child_record(child_id, today)
    growth = {}
    for indicator in GROWTH_INDICATORS:
        _sex, points = session.child_growth(child_id, indicator)
        growth[indicator] = [[round(p.x, 2), round(p.y, 2)] for p in points]
    plan = [{"vaccine": d.vaccine, "dose": d.dose, "status": d.status,
             "recommended": d.recommended.isoformat()} for d in record["vaccination_plan"]]
    return _plain({"person": record["person"], "visits": record["visits"],
                   "vaccinations": record["vaccinations"], "plan": plan, "growth": growth,
                   "birth_order": birth_order})


def handbook_data(session: Session, person_id: str, today: date | None = None
                  ) -> dict[str, Any]:
    """Everything one person's printed handbook shows.

    A woman: her basic information, the ongoing (else latest) pregnancy with its risk
    assessments, prenatal visits, deliveries and postpartum visits, and each of her
    children. A child: the child's pages, with the mother's name when she is on record.
    Audited reads; PermissionDeniedError / NotFoundError as for opening the record.
    """
    today = today or date.today()
    conn = session.store.conn
    clinic = session.store.meta("clinic_name", "") or ""
    record = session.open_record(person_id)
    person = record.person
    data: dict[str, Any] = {"person_id": person_id, "kind": person.get("kind"),
                            "clinic": clinic, "mother": None, "pregnancy": None,
                            "assessments": [], "visits": [], "deliveries": [],
                            "postpartum": [], "children": []}
    if person.get("kind") == "child":
        mother_id = person.get("mother_id")
        with session._lock:
            mother = persons.get(conn, mother_id) if mother_id else None
        data["mother_name"] = (mother or {}).get("name_zh")
        data["children"] = [_child_data(session, person_id, today, None)]
        return _plain(data)
    data["mother"] = person
    current = record.current
    if current is not None:
        data.update(pregnancy=current.pregnancy, assessments=current.assessments,
                    visits=current.visits, deliveries=current.deliveries,
                    postpartum=current.postpartum)
    children = sorted(record.children, key=lambda c: (c.get("birth_date") or "", c["id"]))
    births = sorted({c.get("birth_date") for c in children if c.get("birth_date")})
    for child in children:
        if child.get("deleted"):
            continue
        order = births.index(child["birth_date"]) + 1 if child.get("birth_date") else None
        data["children"].append(_child_data(session, child["id"], today, order))
    return _plain(data)


def changed_pages(session: Session, person_id: str, pages: Iterable[tuple[str, str]]
                  ) -> list[str]:
    """Keys of *pages* ((key, hash) pairs) never printed, or printed showing something
    else than now, for *person_id* on this laptop."""
    with session._lock:
        last = print_log.last_hashes(session.store.conn, person_id)
    return [key for key, digest in pages if last.get(key) != digest]


def record_print(session: Session, person_id: str | None, pages: Sequence[tuple[str, str]],
                 target: str, page_size: str, what: str = "handbook") -> None:
    """Log a print: the pages and their digests in the print log (when it concerns one
    person) and one audit entry (who, what, when) in one transaction."""
    if target not in TARGETS:
        raise ValueError(target)
    now = datetime.now(UTC).isoformat(timespec="seconds")
    detail = json.dumps({"what": what, "pages": [k for k, _ in pages], "target": target,
                         "size": page_size}, ensure_ascii=False)
    with session._lock, session.store.transaction(session.user.id) as tx:
        if person_id is not None:
            print_log.append(tx.conn, person_id, pages, now, session.user.id, target,
                             page_size)
        tx.note("print", "persons" if person_id else None, person_id, detail)


def record_batch_print(session: Session, person_ids: Sequence[str], sheets: int, target: str,
                       page_size: str) -> None:
    """One audit entry for a batch of visit sheets (the persons they were for)."""
    if target not in TARGETS:
        raise ValueError(target)
    detail = json.dumps({"what": "visit_sheets", "sheets": sheets, "persons": list(person_ids),
                         "target": target, "size": page_size})
    with session._lock, session.store.transaction(session.user.id) as tx:
        tx.note("print", None, None, detail)


def visit_sheets_data(session: Session, today: date | None = None) -> list[dict[str, Any]]:
    """One sheet per visit due today or overdue on the user's worklist, village by
    village: the person's header and what the visit is (the form's fields are blank)."""
    today = today or date.today()
    worklist = session.worklist(today)
    sheets: list[dict[str, Any]] = []
    conn = session.store.conn
    for row in worklist.rows:
        if row.section not in (OVERDUE, DUE_TODAY):
            continue
        with session._lock:
            person = persons.get(conn, row.item.person_id) or {}
            pregnancy = (maternal.pregnancy(conn, row.item.ref_id)
                         if row.item.ref_id and row.item.kind.startswith(("prenatal", "post",
                                                                           "delivery", "case"))
                         else None)
        sheets.append(_plain({
            "person_id": row.item.person_id, "kind": row.item.kind, "section": row.section,
            "due_from": row.item.due_from, "due_by": row.item.due_by,
            "colours": list(row.item.colours), "area_code": row.area_code,
            "person": {k: person.get(k) for k in (
                "name_zh", "name_latin", "kind", "sex", "birth_date", "resident_id", "phone",
                "address", "area_code", "mother_id")},
            "pregnancy": None if pregnancy is None else {
                k: pregnancy.get(k) for k in ("lmp", "edd", "handbook_no", "risk_colour")},
        }))
    return sheets


def print_history(session: Session, person_id: str) -> list[dict]:
    with session._lock:
        return print_log.history(session.store.conn, person_id)
