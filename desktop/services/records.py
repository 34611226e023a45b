"""Opening a woman's (or child's) whole record: one audited read (design §6)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from desktop.services.errors import NotFoundError
from desktop.services.maternal_common import person_for
from desktop.store.database import Store, UserRecord
from desktop.store.repositories import maternal, persons


@dataclass(frozen=True)
class PregnancyRecord:
    pregnancy: dict[str, Any]
    visits: list[dict[str, Any]]
    assessments: list[dict[str, Any]]
    deliveries: list[dict[str, Any]]
    postpartum: list[dict[str, Any]]
    cases: list[dict[str, Any]]
    followups: dict[str, list[dict[str, Any]]] = field(default_factory=dict)


@dataclass(frozen=True)
class PersonRecord:
    person: dict[str, Any]
    pregnancies: list[PregnancyRecord]
    children: list[dict[str, Any]]
    reports: list[dict[str, Any]]

    @property
    def current(self) -> PregnancyRecord | None:
        """The ongoing pregnancy, else the latest one."""
        for p in self.pregnancies:
            if p.pregnancy.get("status") == "ongoing":
                return p
        return self.pregnancies[0] if self.pregnancies else None


def open_record(store: Store, user: UserRecord, person_id: str) -> PersonRecord:
    """The person with everything recorded about her; the read goes to the audit log.

    PermissionDeniedError outside the user's villages (checked before anything is read
    out), NotFoundError for an unknown or deleted person.
    """
    conn = store.conn
    person_for(conn, user, person_id)
    person = persons.open_audited(conn, user.id, person_id)
    if person is None:
        raise NotFoundError(person_id)
    preg_records = []
    all_cases = maternal.cases_of(conn, person_id)
    for preg in maternal.pregnancies_of(conn, person_id):
        cases = [c for c in all_cases if c.get("pregnancy_id") == preg["id"]]
        preg_records.append(PregnancyRecord(
            maternal.decode(preg), maternal.prenatal_visits(conn, preg["id"]),
            maternal.assessments(conn, preg["id"]), maternal.deliveries(conn, preg["id"]),
            maternal.postpartum_visits(conn, preg["id"]), cases,
            {c["id"]: maternal.case_followups(conn, c["id"]) for c in cases}))
    return PersonRecord(maternal.decode(person), preg_records,
                        maternal.children_of(conn, person_id),
                        maternal.case_reports(conn, person_id))
