"""Small pieces the maternal services share: change summaries with warnings, refusing
invalid input, and loading a record the user may touch."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import sqlcipher3

from desktop.domain.issues import ValidationIssue
from desktop.services.access import require_area
from desktop.services.changes import Changes
from desktop.services.errors import NotFoundError, ValidationError
from desktop.store.database import UserRecord
from desktop.store.repositories import maternal, persons


@dataclass(frozen=True)
class SavedChanges(Changes):
    """Changes of a save, plus the warnings the user accepted by saving."""

    warnings: tuple[ValidationIssue, ...] = ()


def saved(tables: Iterable[str], ids: Iterable[str],
          warnings: Iterable[ValidationIssue] = ()) -> SavedChanges:
    return SavedChanges(tables=frozenset(tables), ids=tuple(ids), warnings=tuple(warnings))


def refuse_errors(issues: Iterable[ValidationIssue]) -> None:
    """ValidationError (nothing written) when any issue is an error."""
    issues = list(issues)
    if any(i.is_error for i in issues):
        raise ValidationError(issues)


def person_for(conn: sqlcipher3.Connection, user: UserRecord, person_id: str) -> dict:
    person = persons.get(conn, person_id)
    if person is None:
        raise NotFoundError(person_id)
    require_area(user, person.get("area_code"))
    return person


def pregnancy_for(conn: sqlcipher3.Connection, user: UserRecord, pregnancy_id: str
                  ) -> tuple[dict, dict]:
    """(pregnancy, woman) when *user* may touch them; NotFoundError / PermissionDeniedError."""
    pregnancy = maternal.pregnancy(conn, pregnancy_id)
    if pregnancy is None:
        raise NotFoundError(pregnancy_id)
    woman = person_for(conn, user, pregnancy["person_id"])
    return pregnancy, woman
