"""Enrollment codes, device tokens and per-device area scope (design §6, central).

Codes and tokens are stored only as SHA-256 hashes: a copy of the database lets nobody
enrol or sign in. Both are random with enough entropy (80-bit codes, 256-bit tokens) that a
plain, unsalted hash is enough; there is no password to guess. Codes are one-time.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime

from central.errors import Forbidden, Unauthorized
from central.keys import KeyFile
from central.storage import Device, Storage
from desktop.sync.bundle import bundle_key_from_token
from desktop.sync.protocol import (
    ENROLLMENT_CODE_ALPHABET,
    ENROLLMENT_CODE_CHARS,
    EnrollRequest,
    area_in_scope,
    check_area_code,
    normalise_enrollment_code,
)

DEVICE_ALPHABET = "abcdefghijklmnopqrstuvwxyz234567"  # as the desktop's own device ids


def utc_now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def new_code() -> str:
    """A one-time enrollment code, grouped for reading aloud: XXXX-XXXX-XXXX-XXXX."""
    raw = "".join(secrets.choice(ENROLLMENT_CODE_ALPHABET) for _ in range(ENROLLMENT_CODE_CHARS))
    return "-".join(raw[i:i + 4] for i in range(0, len(raw), 4))


def issue_code(storage: Storage, areas: Sequence[str]) -> str:
    """Store the hash of a fresh code for *areas* and return the code (shown once)."""
    if not areas:
        raise ValueError("at least one area code")
    checked = [check_area_code(a, "areas") for a in areas]
    code = new_code()
    storage.add_code(secret_hash(normalise_enrollment_code(code)), checked, utc_now_iso())
    return code


def new_device_id() -> str:
    return "".join(secrets.choice(DEVICE_ALPHABET) for _ in range(12))


def enroll(storage: Storage, request: EnrollRequest, keys: KeyFile) -> tuple[Device, str]:
    """Use the code once: a new device with the code's areas and its token (shown once).

    The device keeps the id it proposes (the id in its revs) unless another device has it.
    Its bundle key (derived from the token, which central sees only now) is stored sealed
    under *keys*.
    """
    device_id = request.device_id
    if device_id is None or storage.device_exists(device_id):
        device_id = new_device_id()
    token = secrets.token_urlsafe(32)  # 256 random bits
    draft = Device(device_id, request.device_name, (), utc_now_iso())
    sealed = keys.seal(device_id, bundle_key_from_token(device_id, token))
    device = storage.enroll(secret_hash(request.enrollment_code), draft, secret_hash(token),
                            sealed)
    if device is None:
        raise Unauthorized("central.auth.bad_code")
    return device, token


def authenticate(storage: Storage, authorization: str | None) -> Device:
    """The device a `Bearer` header belongs to; Unauthorized if unknown or revoked."""
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("central.auth.no_token")
    device = storage.device_by_token(secret_hash(token.strip()))
    if device is None:
        raise Unauthorized("central.auth.bad_token")
    if device.revoked_at is not None:
        raise Unauthorized("central.auth.revoked")
    return device


def require_areas(device: Device, areas: Iterable[str | None]) -> None:
    """Forbidden unless every one of *areas* lies inside the device's areas."""
    for area in areas:
        if not area_in_scope(area, device.areas):
            raise Forbidden("central.scope.out_of_area")
