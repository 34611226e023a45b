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
