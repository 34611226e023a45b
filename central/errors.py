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


class Unavailable(CentralError):
    """The database cannot be reached or is busy for now: come back later (503)."""

    status = 503
    code = "central.busy"


class TooManyRequests(CentralError):
    """The device sends faster than its rate allows; `retry_after_s` says when to come back."""

    status = 429
    code = "central.rate_limited"

    def __init__(self, retry_after_s: int) -> None:
        super().__init__()
        self.retry_after_s = retry_after_s


class ClientTooOld(CentralError):
    """The program is older than the oldest version central accepts: it must be updated."""

    status = 409
    code = "client_too_old"

    def __init__(self, min_version: str) -> None:
        super().__init__()
        self.min_version = min_version


class BundleRefused(CentralError):
    """A bundle that is not a bundle, fails authentication or names an unknown device."""

    status = 400
    code = "central.bundle.refused"
