"""Store errors, and the one place that maps sqlcipher3's exceptions onto them.

sqlcipher3's exceptions are not subclasses of the stdlib sqlite3 ones (style.md, known
traps), so every database call that can fail on a damaged or foreign file goes through
`mapped_db_errors`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import sqlcipher3

from desktop.errors import AppError


class StoreError(AppError):
    """Something is wrong with the encrypted store."""

    code = "store.error"


class StoreNotFoundError(StoreError):
    """There is no store in this data folder yet."""

    code = "store.not_found"


class StoreExistsError(StoreError):
    """A store already exists in this data folder."""

    code = "store.exists"


class WrongPasswordError(StoreError):
    """The user name or password is not right."""

    code = "store.wrong_password"


class LoginThrottledError(StoreError):
    """Too many failed logins: the user must wait before the next try."""

    code = "store.login_throttled"


class UnknownUserError(StoreError):
    """No user of that name can open this store."""

    code = "store.unknown_user"


class StoreDamagedError(StoreError):
    """The file is damaged (a page fails its authentication check or the tree is broken)."""

    code = "store.damaged"


class StoreTooNewError(StoreError):
    """The file was written by a newer version of the program."""

    code = "store.too_new"


class StoreBusyError(StoreError):
    """Another program holds the store locked for longer than we wait."""

    code = "store.busy"


class RecordError(StoreError):
    """A write breaks a rule of the record model (e.g. changing an immutable event)."""

    code = "store.record"


class PermissionDeniedError(StoreError):
    """The user's role does not allow this."""

    code = "store.permission_denied"


DAMAGE_MARKERS = (
    "file is not a database",
    "database disk image is malformed",
    "malformed",
    "hmac check failed",
    "cipher",
)


def map_db_error(exc: Exception) -> StoreError:
    """The StoreError that stands for a sqlcipher3 exception."""
    text = str(exc).lower()
    if isinstance(exc, sqlcipher3.OperationalError) and ("locked" in text or "busy" in text):
        return StoreBusyError(str(exc))
    if isinstance(exc, sqlcipher3.DatabaseError) and any(m in text for m in DAMAGE_MARKERS):
        return StoreDamagedError(str(exc))
    return StoreError(str(exc))


@contextmanager
def mapped_db_errors() -> Iterator[None]:
    """Re-raise sqlcipher3 errors as StoreErrors (keeping the original as __cause__)."""
    try:
        yield
    except sqlcipher3.Error as exc:
        raise map_db_error(exc) from exc
