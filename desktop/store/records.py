"""Record identity and time: UUIDv7 ids, UTC moments, and NFC text (design §3)."""

from __future__ import annotations

import os
import time
import unicodedata
import uuid
from datetime import UTC, datetime


def new_id(now_ms: int | None = None) -> str:
    """A UUIDv7 (RFC 9562) as text: 48-bit Unix milliseconds, then 74 random bits.

    Ids sort roughly by creation time, which keeps B-tree inserts local.
    """
    ms = int(time.time() * 1000) if now_ms is None else now_ms
    rand = int.from_bytes(os.urandom(10), "big")
    value = (ms & ((1 << 48) - 1)) << 80
    value |= 0x7 << 76
    value |= ((rand >> 62) & 0xFFF) << 64
    value |= 0b10 << 62
    value |= rand & ((1 << 62) - 1)
    return str(uuid.UUID(int=value))


def now_ms() -> int:
    return int(time.time() * 1000)


def utc_now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def clean_text(value: object) -> object:
    """NFC-normalise text exactly as typed (never NFKC: it would destroy U+202F)."""
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    return value
