"""Errors of the child-health use cases: a form the user must correct or confirm."""

from __future__ import annotations

from collections.abc import Sequence

from desktop.domain.issues import ValidationIssue
from desktop.services.errors import ServiceError


class InvalidFormError(ServiceError):
    """A form has values that cannot be saved. *issues* holds every problem (field, code);
    the error's own code and params are those of the first one, so a one-line message
    names it; a form shows all of them next to their fields."""

    code = "validation.invalid"

    def __init__(self, issues: Sequence[ValidationIssue]) -> None:
        first = issues[0] if issues else None
        super().__init__(first.field if first else "", **dict(first.params if first else {}))
        self.issues = list(issues)
        if first is not None:
            self.code = first.code


class ConfirmationNeededError(ServiceError):
    """Unusual values (warnings) that the user has not confirmed yet; save again with
    confirmed=True after showing *issues*. Nothing was saved."""

    code = "validation.confirm"

    def __init__(self, issues: Sequence[ValidationIssue]) -> None:
        super().__init__("", count=len(issues))
        self.issues = list(issues)


class ChildNotFoundError(ServiceError):
    code = "service.child_not_found"


class UnknownCodeError(ServiceError):
    """A code (vaccine, check kind, feeding, danger sign…) that the program does not know."""

    code = "service.unknown_code"
