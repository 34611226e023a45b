"""Errors of the sync layer. Codes are stable strings; only desktop/i18n turns them into words.

A ProtocolError says what was wrong and where (a path such as ``changes[3].fields``), never
the offending value: values may be personal data and these errors end up in logs.
"""

from __future__ import annotations

from desktop.errors import AppError


class SyncError(AppError):
    """Synchronisation with central failed."""

    code = "sync.error"


class ProtocolError(SyncError):
    """A message does not follow sync protocol v1; `code` says how, `path` says where."""

    code = "sync.protocol"

    def __init__(self, code: str, path: str = "") -> None:
        super().__init__(f"{code} at {path}" if path else code, path=path)
        self.code = code
        self.path = path


# ProtocolError codes (design §5). Central maps TOO_LARGE to 413, VERSION to 409, the rest to 400.
BAD_JSON = "sync.protocol.bad_json"
BAD_ENCODING = "sync.protocol.bad_encoding"
TOO_LARGE = "sync.protocol.too_large"
VERSION = "sync.protocol.version"
MISSING = "sync.protocol.missing"
UNKNOWN_KEY = "sync.protocol.unknown_key"
BAD_TYPE = "sync.protocol.bad_type"
BAD_TABLE = "sync.protocol.bad_table"
BAD_ID = "sync.protocol.bad_id"
BAD_REV = "sync.protocol.bad_rev"
BAD_DEVICE = "sync.protocol.bad_device"
BAD_FIELD = "sync.protocol.bad_field"
BAD_VALUE = "sync.protocol.bad_value"
TOO_LONG = "sync.protocol.too_long"
BAD_AREA = "sync.protocol.bad_area"
BAD_CODE = "sync.protocol.bad_code"
BAD_CURSOR = "sync.protocol.bad_cursor"


class SyncOfflineError(SyncError):
    """Central could not be reached (no network, server down) after the retries allowed."""

    code = "sync.offline"


class SyncUnauthorizedError(SyncError):
    """Central does not know this device's token, or the device was revoked (401)."""

    code = "sync.unauthorized"


class SyncForbiddenError(SyncError):
    """Central refused a row outside this device's areas (403)."""

    code = "sync.forbidden"


class SyncVersionError(SyncError):
    """Central speaks another protocol version: the program needs an update (409)."""

    code = "sync.version"


class SyncRejectedError(SyncError):
    """Central refused the request (400, 413, 409 other than the version, 5xx)."""

    code = "sync.rejected"


# Central's answer to a program older than the oldest version it accepts (HTTP 409, JSON
# {"error": "client_too_old", "min_version": "…"}): the user must install an update.
CLIENT_TOO_OLD = "client_too_old"
# Central's answer when a device pushes faster than its rate allows (HTTP 429, Retry-After).
RATE_LIMITED = "central.rate_limited"
# Central is busy or its database is out of reach for now (HTTP 503, Retry-After).
BUSY = "central.busy"


class SyncClientTooOldError(SyncError):
    """Central accepts only newer versions of the program: install an update (409)."""

    code = "sync.client_too_old"


class BundleError(SyncError):
    """An offline bundle cannot be read: not a bundle, another format, tampered, wrong key."""

    code = "sync.bundle"

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


# BundleError codes (desktop/sync/bundle.py); none of them carries any of the bundle's content.
BUNDLE_NOT_A_BUNDLE = "sync.bundle.not_a_bundle"
BUNDLE_FORMAT = "sync.bundle.format"            # a newer bundle format than this program reads
BUNDLE_AUTH = "sync.bundle.auth"                # tampered, damaged or encrypted for another key
BUNDLE_WRONG_DEVICE = "sync.bundle.wrong_device"
BUNDLE_DIRECTION = "sync.bundle.direction"      # a bundle for the laptop offered to central, or back
BUNDLE_TOO_LARGE = "sync.bundle.too_large"
