"""Offline bundles: sync batches carried on a USB stick, encrypted and authenticated (design §5).

A laptop that never sees the network writes its pending batches to a bundle; the banner
imports it into central (``python -m central import-bundle FILE`` or POST /v1/bundles), and
central writes the laptop's share of others' changes into a bundle going back. The content
is exactly what sync protocol v1 sends online (batches up, change pages down), so importing
is pushing: batch ids make a second import of the same bundle change nothing.

File layout (all lengths big-endian)::

    MAGIC (8 bytes "EKE-BNDL") | header length (2 bytes) | header (UTF-8 JSON, sorted keys)
    | AES-256-GCM ciphertext of gzip(JSON payload), 16-byte tag at its end

The header says format, device_id, direction ("to_central" or "to_device"), created_at and
the 96-bit nonce (base64url), and optionally app_version. It is readable without the key (so
central can find which device's key opens the bundle) and it holds no personal data; the
associated data of the AEAD is every byte before the ciphertext, so changing any header field
breaks authentication.

Keys. Each device has a 256-bit bundle key, HKDF-SHA256 of its device token (salt "eke bundle
v1", info = device id): the laptop derives it from the token it keeps, and central derives
and stores it (sealed under its own key file) at enrolment, when it sees the token for the
only time; central itself keeps only a hash of the token. The two directions use separate
subkeys (HKDF of the bundle key with the direction as info), so a bundle central wrote for
the laptop cannot be fed back to central as the laptop's own batches. Threat model: a lost
USB stick reveals nothing and cannot be altered undetected (AES-GCM); a stick from another
device, or with any byte flipped, is refused before anything is applied. Whoever holds a
device's token (the laptop, its store key) can make bundles for that device, exactly as
they could push online. Replaying an old bundle adds nothing (batch and change ids are kept
for ever); a replayed bundle *to* a laptop holds only changes it already merged (the laptop
keeps its cursor if the bundle's is older).

Pure functions: no files, no clock (callers pass created_at), no store.
"""

from __future__ import annotations

import base64
import json
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from desktop.sync import errors as e
from desktop.sync.errors import BundleError, ProtocolError
from desktop.sync.protocol import (
    Batch,
    BatchAnswer,
    ChangesPage,
    check_device_id,
    dumps,
    gunzip_bytes,
    gzip_bytes,
    loads,
    parse_batch,
    parse_batch_answer,
    parse_changes_page,
)

MAGIC = b"EKE-BNDL"
FORMAT_VERSION = 1
TO_CENTRAL = "to_central"
TO_DEVICE = "to_device"
DIRECTIONS = (TO_CENTRAL, TO_DEVICE)
KEY_BYTES = 32
NONCE_BYTES = 12
MAX_HEADER_BYTES = 4096
# The JSON inside one bundle, uncompressed: about 64 full batches (32,000 changes). Write
# more pending changes as several bundles (see split_batches).
MAX_PAYLOAD_BYTES = 64 * 1024 * 1024
# The file itself: gzip never makes JSON larger than this (plus header and tag).
MAX_BUNDLE_BYTES = MAX_PAYLOAD_BYTES + 1024 * 1024
_SALT = b"eke bundle v1"
_ISO_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,6})?Z")
_VERSION = re.compile(r"[0-9A-Za-z.+-]{1,32}")


@dataclass(frozen=True)
class BundleHeader:
    """The clear-text, authenticated front of a bundle."""

    device_id: str
    direction: str
    created_at: str
    nonce: bytes
    app_version: str | None = None
    format: int = FORMAT_VERSION

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"format": self.format, "device_id": self.device_id,
                               "direction": self.direction, "created_at": self.created_at,
                               "nonce": _b64(self.nonce)}
        if self.app_version is not None:
            out["app_version"] = self.app_version
        return out


@dataclass(frozen=True)
class Bundle:
    """A bundle's content once opened. To central: `batches`. To a device: `pages` (apply each
    like a pulled page, in order, keeping the larger cursor) and `answers` (central's stored
    answers to that device's batches taken at or after `since`, conflicts included)."""

    header: BundleHeader
    batches: tuple[Batch, ...] = ()
    pages: tuple[ChangesPage, ...] = ()
    answers: tuple[BatchAnswer, ...] = ()
    since: int = 0

    @property
    def next_cursor(self) -> int:
        """The pull cursor after applying every page (the `since` it was made from if none)."""
        return self.pages[-1].next_cursor if self.pages else self.since

    @property
    def more(self) -> bool:
        """True when central had more changes than fitted: ask for another bundle."""
        return bool(self.pages) and self.pages[-1].more


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def bundle_key_from_token(device_id: str, device_token: str) -> bytes:
    """The device's 256-bit bundle key, derived from the token central gave it at enrolment."""
    return HKDF(hashes.SHA256(), KEY_BYTES, _SALT, device_id.encode("utf-8")).derive(
        device_token.encode("utf-8"))


def _direction_key(key: bytes, direction: str) -> bytes:
    if len(key) != KEY_BYTES:
        raise BundleError(e.BUNDLE_AUTH)
    return HKDF(hashes.SHA256(), KEY_BYTES, _SALT, direction.encode("ascii")).derive(key)


def _seal(header: BundleHeader, payload: dict[str, Any], key: bytes) -> bytes:
    plain = dumps(payload)
    if len(plain) > MAX_PAYLOAD_BYTES:
        raise BundleError(e.BUNDLE_TOO_LARGE)
    head = json.dumps(header.to_json(), sort_keys=True, separators=(",", ":")).encode()
    front = MAGIC + len(head).to_bytes(2, "big") + head
    sealed = AESGCM(_direction_key(key, header.direction)).encrypt(
        header.nonce, gzip_bytes(plain), front)
    return front + sealed


def write_bundle(batches: Iterable[Batch], key: bytes, device_id: str, created_at: str,
                 app_version: str | None = None) -> bytes:
    """A bundle of *batches* (each with the batch id stored before) for central.

    Every batch must be the device's own; the caller keeps the batches in its outbox until
    central's answers come back (online, or in a bundle from central): re-sending is safe.
    Raises BundleError(TOO_LARGE) past MAX_PAYLOAD_BYTES: split with split_batches first.
    """
    check_device_id(device_id)
    batches = list(batches)
    for batch in batches:
        if batch.device_id != device_id:
            raise ProtocolError(e.BAD_DEVICE, "batches.device_id")
    header = BundleHeader(device_id, TO_CENTRAL, created_at, os.urandom(NONCE_BYTES),
                          app_version)
    return _seal(header, {"batches": [b.to_json() for b in batches]}, key)


def write_return_bundle(pages: Sequence[ChangesPage], answers: Sequence[BatchAnswer],
                        since: int, key: bytes, device_id: str, created_at: str) -> bytes:
    """A bundle from central to *device_id*: pages of others' changes after *since*, and the
    answers to the device's own batches."""
    check_device_id(device_id)
    header = BundleHeader(device_id, TO_DEVICE, created_at, os.urandom(NONCE_BYTES))
    return _seal(header, {"since": since, "pages": [p.to_json() for p in pages],
                          "answers": [a.to_json() for a in answers]}, key)


def split_batches(batches: Iterable[Batch], max_bytes: int = MAX_PAYLOAD_BYTES
                  ) -> list[list[Batch]]:
    """Group *batches* so that each group fits one bundle."""
    groups: list[list[Batch]] = [[]]
    size = 20
    for batch in batches:
        cost = len(dumps(batch.to_json())) + 1
        if groups[-1] and size + cost > max_bytes:
            groups.append([])
            size = 20
        groups[-1].append(batch)
        size += cost
    return [g for g in groups if g]


def read_header(data: bytes) -> tuple[BundleHeader, int]:
    """The header of *data* and where the ciphertext starts; not yet authenticated."""
    if len(data) > MAX_BUNDLE_BYTES:
        raise BundleError(e.BUNDLE_TOO_LARGE)
    if len(data) < len(MAGIC) + 2 or not data.startswith(MAGIC):
        raise BundleError(e.BUNDLE_NOT_A_BUNDLE)
    size = int.from_bytes(data[len(MAGIC):len(MAGIC) + 2], "big")
    start = len(MAGIC) + 2
    if size > MAX_HEADER_BYTES or len(data) < start + size + 16:
        raise BundleError(e.BUNDLE_NOT_A_BUNDLE)
    try:
        obj = loads(data[start:start + size])
    except ProtocolError:
        raise BundleError(e.BUNDLE_NOT_A_BUNDLE) from None
    if not isinstance(obj, dict):
        raise BundleError(e.BUNDLE_NOT_A_BUNDLE)
    if obj.get("format") != FORMAT_VERSION or isinstance(obj.get("format"), bool):
        raise BundleError(e.BUNDLE_FORMAT)
    known = {"format", "device_id", "direction", "created_at", "nonce", "app_version"}
    if set(obj) - known or not {"device_id", "direction", "created_at", "nonce"} <= set(obj):
        raise BundleError(e.BUNDLE_NOT_A_BUNDLE)
    try:
        device_id = check_device_id(obj["device_id"])
        nonce = _unb64(obj["nonce"]) if isinstance(obj["nonce"], str) else b""
    except (ProtocolError, ValueError):
        raise BundleError(e.BUNDLE_NOT_A_BUNDLE) from None
    version = obj.get("app_version")
    if (obj["direction"] not in DIRECTIONS or len(nonce) != NONCE_BYTES
            or not isinstance(obj["created_at"], str) or not _ISO_TIME.fullmatch(obj["created_at"])
            or (version is not None and (not isinstance(version, str)
                                         or not _VERSION.fullmatch(version)))):
        raise BundleError(e.BUNDLE_NOT_A_BUNDLE)
    return BundleHeader(device_id, obj["direction"], obj["created_at"], nonce, version), \
        start + size


def read_bundle(data: bytes, key: bytes, direction: str | None = None,
                device_id: str | None = None) -> Bundle:
    """Open *data* with the device's bundle *key*; every batch or page parsed strictly.

    *direction* and *device_id*, when given, must match the header (central passes
    TO_CENTRAL; a laptop passes TO_DEVICE and its own id). Raises BundleError before
    returning anything if the bundle was altered, damaged or made with another key.
    """
    header, start = read_header(data)
    if direction is not None and header.direction != direction:
        raise BundleError(e.BUNDLE_DIRECTION)
    if device_id is not None and header.device_id != device_id:
        raise BundleError(e.BUNDLE_WRONG_DEVICE)
    try:
        packed = AESGCM(_direction_key(key, header.direction)).decrypt(
            header.nonce, data[start:], data[:start])
    except InvalidTag:
        raise BundleError(e.BUNDLE_AUTH) from None
    try:
        payload = loads(gunzip_bytes(packed, MAX_PAYLOAD_BYTES))
    except ProtocolError as exc:
        # Authentic yet unreadable: written by a broken writer, not tampered with.
        raise BundleError(e.BUNDLE_TOO_LARGE if exc.code == e.TOO_LARGE
                          else e.BUNDLE_NOT_A_BUNDLE) from None
    if not isinstance(payload, dict):
        raise BundleError(e.BUNDLE_NOT_A_BUNDLE)
    if header.direction == TO_CENTRAL:
        items = payload.get("batches")
        if set(payload) != {"batches"} or not isinstance(items, list):
            raise BundleError(e.BUNDLE_NOT_A_BUNDLE)
        batches = tuple(parse_batch(b) for b in items)
        if any(b.device_id != header.device_id for b in batches):
            raise BundleError(e.BUNDLE_WRONG_DEVICE)
        return Bundle(header, batches=batches)
    pages, answers, since = payload.get("pages"), payload.get("answers"), payload.get("since")
    if (set(payload) != {"pages", "answers", "since"} or not isinstance(pages, list)
            or not isinstance(answers, list) or isinstance(since, bool)
            or not isinstance(since, int) or since < 0):
        raise BundleError(e.BUNDLE_NOT_A_BUNDLE)
    return Bundle(header, pages=tuple(parse_changes_page(p) for p in pages),
                  answers=tuple(parse_batch_answer(a) for a in answers), since=since)
