"""Errors of the use-case layer: bad input the user can correct."""

from __future__ import annotations

from desktop.errors import AppError


class ServiceError(AppError):
    code = "service.error"


class PasswordEmptyError(ServiceError):
    code = "service.password_empty"


class PasswordMismatchError(ServiceError):
    code = "service.password_mismatch"


class PasswordShortError(ServiceError):
    code = "service.password_short"


class UsernameInvalidError(ServiceError):
    code = "service.username_invalid"


class UsernameTakenError(ServiceError):
    code = "service.username_taken"


class AreaCodeError(ServiceError):
    code = "service.area_invalid"


class LastAdminError(ServiceError):
    code = "service.last_admin"


class NoPasswordError(ServiceError):
    code = "service.no_password"


class ValidationError(ServiceError):
    """Some fields cannot be saved as typed; ``issues`` says which and why (codes), so a
    form can show each message beside its field. Nothing was written."""

    code = "service.validation"

    def __init__(self, issues, detail: str = "") -> None:  # type: ignore[no-untyped-def]
        self.issues = list(issues)
        super().__init__(detail or ", ".join(f"{i.field}:{i.code}" for i in self.issues),
                         count=len(self.issues))


class PossibleDuplicateError(ServiceError):
    """Persons who may be the one being registered exist; show them and ask before saving."""

    code = "service.possible_duplicate"

    def __init__(self, duplicates) -> None:  # type: ignore[no-untyped-def]
        self.duplicates = list(duplicates)
        super().__init__(f"{len(self.duplicates)} possible duplicates",
                         count=len(self.duplicates))


class NotFoundError(ServiceError):
    """The record asked for does not exist (any more)."""

    code = "service.not_found"


class StateError(ServiceError):
    """The record is not in a state that allows this (e.g. a closed case changed)."""

    code = "service.state"
