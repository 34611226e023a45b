"""Errors central answers with: each knows its HTTP status and a stable code (no personal data)."""

from __future__ import annotations


class CentralError(Exception):
    """A request central refuses; `status` is the HTTP status, `code` a stable string."""

    status = 500
    code = "central.error"

    def __init__(self, code: str | None = None, detail: str = "") -> None:
        super().__init__(detail or code or self.code)
        if code:
            self.code = code


class Unauthorized(CentralError):
    """No token, an unknown token, a revoked device, or a bad enrollment code."""

    status = 401
    code = "central.auth.unauthorized"


class Forbidden(CentralError):
    """The device may not touch this: another device's id, or a row outside its areas."""

    status = 403
    code = "central.auth.forbidden"


class Conflicting(CentralError):
    """The request clashes with what central holds (a batch id used by another device)."""

    status = 409
    code = "central.conflict"


class StorageError(CentralError):
    """The database cannot be opened or the URL names a backend we do not have."""

    status = 500
    code = "central.storage"
