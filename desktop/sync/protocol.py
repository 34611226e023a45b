"""Sync protocol v1 (design §5): the wire format the desktop client and central share.

Every message is a UTF-8 JSON object, optionally gzip-compressed. Parsing is strict: each
`parse_*` function takes the decoded JSON value and returns a frozen dataclass, or raises
ProtocolError with a stable code and the path of the first bad element (never its value,
which may be personal data). `to_json()` gives back the plain JSON value to send.

Pure Python: no Qt, no SQL, no HTTP, and nothing from desktop/store (the synced table names
below mirror desktop/store/schema.py; a test keeps them equal).
"""

from __future__ import annotations

import gzip
import json
import math
import re
import uuid
import zlib
from collections.abc import Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from desktop.domain import hlc
from desktop.sync import errors as e
from desktop.sync.errors import ProtocolError

PROTOCOL_VERSION = 1
PROTOCOL_HEADER = "X-Eke-Protocol"

MAX_BATCH_CHANGES = 500
MAX_BATCH_BYTES = 1024 * 1024  # the uncompressed JSON body of one batch
DEFAULT_PAGE_CHANGES = 500
MAX_PAGE_CHANGES = 1000
MAX_PAGE_BYTES = 2 * 1024 * 1024  # a soft cap: a page always carries at least one change
MAX_FIELDS_PER_CHANGE = 64
MAX_TEXT_CHARS = 20_000  # longer than any free-text note or JSON list a form can hold
MAX_NAME_CHARS = 100
MAX_SAFE_INT = 2**53  # larger integers do not survive a JSON round trip in every language

# Synced tables (mirror of desktop/store/schema.py TABLES, in the same order).
MUTABLE_TABLES = ("persons", "pregnancies", "cases")
EVENT_TABLES = (
    "prenatal_visits", "risk_assessments", "case_followups", "deliveries", "postpartum_visits",
    "child_visits", "vaccinations", "case_reports", "worklist_outcomes",
)
SYNCED_TABLES = MUTABLE_TABLES + EVENT_TABLES
URGENT_TABLES = frozenset({"cases", "risk_assessments", "case_followups", "case_reports"})
# Columns the write path fills; a change carries them outside `fields`, never inside.
SYSTEM_COLUMNS = frozenset({"id", "rev", "origin", "deleted", "updated_by", "field_revs"})

_FIELD_NAME = re.compile(r"[a-z][a-z0-9_]{0,62}")
_DEVICE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_]{0,63}")
_AREA_CODE = re.compile(r"\d{2}|\d{4}|\d{6}|\d{9}|\d{12}")
ENROLLMENT_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud on the phone
ENROLLMENT_CODE_CHARS = 16

Scalar = str | int | float | bool | None


def table_kind(table: str) -> str:
    """'mutable' or 'event' (the same words as desktop/store/schema.py)."""
    if table in MUTABLE_TABLES:
        return "mutable"
    if table in EVENT_TABLES:
        return "event"
    raise ProtocolError(e.BAD_TABLE)


# -- areas -----------------------------------------------------------------------------

_LEVEL_ENDS = (2, 4, 6, 9, 12)  # province, city, county (banner), township, village


def area_prefix(code: str) -> str:
    """The significant prefix of a statistical area code: its trailing all-zero levels cut off.

    "150525100000" (a township) → "150525100"; "150525" (a banner) stays "150525".
    """
    prefix = code
    for end in reversed(_LEVEL_ENDS[:-1]):
        if len(prefix) > end and set(prefix[end:]) == {"0"}:
            prefix = prefix[:end]
    return prefix


def area_in_scope(area: object, scope: Iterable[str]) -> bool:
    """True when the row area *area* lies inside one of the areas of *scope*."""
    if not isinstance(area, str) or not _AREA_CODE.fullmatch(area):
        return False
    return any(area.startswith(area_prefix(s)) for s in scope)


def check_area_code(code: object, path: str = "area") -> str:
    if not isinstance(code, str) or not _AREA_CODE.fullmatch(code):
        raise ProtocolError(e.BAD_AREA, path)
    return code


def normalise_enrollment_code(text: str) -> str:
    """Upper-case the code and drop the dashes and spaces people type between groups."""
    return re.sub(r"[\s-]", "", text).upper()


# -- bytes ----------------------------------------------------------------------------


def _no_constants(name: str) -> Any:
    raise ValueError(f"not JSON: {name}")


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out = dict(pairs)
    if len(out) != len(pairs):  # a repeated key would let two readers see different values
        raise ValueError("duplicate key")
    return out


def loads(body: bytes) -> Any:
    """Strict JSON: UTF-8, no NaN/Infinity, no repeated keys; ProtocolError(BAD_JSON) else."""
    try:
        return json.loads(body.decode("utf-8"), parse_constant=_no_constants,
                          object_pairs_hook=_unique_keys)
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise ProtocolError(e.BAD_JSON) from None


def dumps(value: Any) -> bytes:
    """Compact UTF-8 JSON (Chinese and Mongolian stay as they are, a third the size of \\u)."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"),
                      allow_nan=False).encode("utf-8")


def gzip_bytes(data: bytes) -> bytes:
    return gzip.compress(data, compresslevel=6, mtime=0)


def gunzip_bytes(data: bytes, max_bytes: int = MAX_BATCH_BYTES) -> bytes:
    """Decompress one gzip member, refusing (TOO_LARGE) more than *max_bytes* of output.

    Stops reading as soon as the limit is passed, so a small "gzip bomb" cannot fill memory.
    """
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        out = inflater.decompress(data, max_bytes + 1)
    except zlib.error:
        raise ProtocolError(e.BAD_ENCODING) from None
    if len(out) > max_bytes:
        raise ProtocolError(e.TOO_LARGE)
    if not inflater.eof or inflater.unused_data:
        raise ProtocolError(e.BAD_ENCODING)
    return out


# -- field checks -------------------------------------------------------------------------


def _obj(value: Any, path: str, required: Collection[str], optional: Collection[str] = ()
         ) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ProtocolError(e.BAD_TYPE, path)
    for key in value:
        if key not in required and key not in optional:
            raise ProtocolError(e.UNKNOWN_KEY, f"{path}.{key}" if path else str(key))
    for key in sorted(required):
        if key not in value:
            raise ProtocolError(e.MISSING, f"{path}.{key}" if path else key)
    return value


def _message(value: Any, required: Collection[str], optional: Collection[str] = ()
             ) -> dict[str, Any]:
    """A top-level message: the version first, so a newer peer hears 409, not 'unknown key'."""
    if isinstance(value, dict) and "protocol" in value:
        check_version(value["protocol"])
    return _obj(value, "", required, optional)


def _text(value: Any, path: str, max_chars: int = MAX_NAME_CHARS) -> str:
    if not isinstance(value, str) or not value:
        raise ProtocolError(e.BAD_TYPE, path)
    if len(value) > max_chars:
        raise ProtocolError(e.TOO_LONG, path)
    if any(ord(c) < 32 or ord(c) == 127 for c in value):
        raise ProtocolError(e.BAD_VALUE, path)
    return value


def _uint(value: Any, path: str, code: str = e.BAD_TYPE) -> int:
    # bool is an int in Python but not a number on the wire
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_SAFE_INT:
        raise ProtocolError(code, path)
    return value


def _bool(value: Any, path: str) -> bool:
    if not isinstance(value, bool):
        raise ProtocolError(e.BAD_TYPE, path)
    return value


def check_uuid(value: Any, path: str = "id") -> str:
    """A UUID in canonical lower-case text form."""
    if not isinstance(value, str) or len(value) != 36:
        raise ProtocolError(e.BAD_ID, path)
    try:
        canonical = str(uuid.UUID(value))
    except ValueError:
        raise ProtocolError(e.BAD_ID, path) from None
    if canonical != value:
        raise ProtocolError(e.BAD_ID, path)
    return value


def check_device_id(value: Any, path: str = "device_id") -> str:
    if not isinstance(value, str) or not _DEVICE_ID.fullmatch(value):
        raise ProtocolError(e.BAD_DEVICE, path)
    return value


def check_rev(value: Any, path: str = "rev") -> str:
    """A rev as desktop.domain.hlc writes it, with a well-formed device id."""
    if not isinstance(value, str) or len(value) > 100:
        raise ProtocolError(e.BAD_REV, path)
    try:
        rev = hlc.parse(value)
    except ValueError:
        raise ProtocolError(e.BAD_REV, path) from None
    if not _DEVICE_ID.fullmatch(rev.device) or str(rev) != value:
        raise ProtocolError(e.BAD_REV, path)
    return value


def check_value(value: Any, path: str) -> Scalar:
    """A field value: a JSON scalar; nested lists and maps travel as JSON text (as stored)."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int):
        if abs(value) > MAX_SAFE_INT:
            raise ProtocolError(e.BAD_VALUE, path)
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ProtocolError(e.BAD_VALUE, path)
        return value
    if isinstance(value, str):
        if len(value) > MAX_TEXT_CHARS:
            raise ProtocolError(e.TOO_LONG, path)
        return value
    raise ProtocolError(e.BAD_VALUE, path)


def check_version(value: Any, path: str = "protocol") -> None:
    """VERSION unless *value* is this protocol's version (ints or their text, as in headers)."""
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value)
    if isinstance(value, bool) or value != PROTOCOL_VERSION:
        raise ProtocolError(e.VERSION, path)


def _check_fields(value: Any, path: str) -> dict[str, Scalar]:
    if not isinstance(value, dict):
        raise ProtocolError(e.BAD_TYPE, path)
    if len(value) > MAX_FIELDS_PER_CHANGE:
        raise ProtocolError(e.TOO_LONG, path)
    for name, item in value.items():
        if not _FIELD_NAME.fullmatch(name):
            raise ProtocolError(e.BAD_FIELD, path)  # not an identifier: do not echo it
        if name in SYSTEM_COLUMNS:
            raise ProtocolError(e.BAD_FIELD, f"{path}.{name}")
        check_value(item, f"{path}.{name}")
    return dict(value)


# -- messages -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    """One row change: its fields as written at *rev*, or a tombstone (deleted, no fields).

    `origin` is filled by central on the way out (the device that pushed the change); a
    client may leave it out when pushing, or send its own device id.
    """

    table: str
    id: str
    rev: str
    fields: Mapping[str, Scalar] = field(default_factory=dict)
    deleted: bool = False
    origin: str | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"table": self.table, "id": self.id, "rev": self.rev,
                               "fields": dict(self.fields), "deleted": self.deleted}
        if self.origin is not None:
            out["origin"] = self.origin
        return out


def parse_change(value: Any, path: str = "change") -> Change:
    obj = _obj(value, path, {"table", "id", "rev", "fields"}, {"deleted", "origin"})
    table = obj["table"]
    if not isinstance(table, str) or table not in SYNCED_TABLES:
        raise ProtocolError(e.BAD_TABLE, f"{path}.table")
    origin = obj.get("origin")
    if origin is not None:
        check_device_id(origin, f"{path}.origin")
    return Change(table=table, id=check_uuid(obj["id"], f"{path}.id"),
                  rev=check_rev(obj["rev"], f"{path}.rev"),
                  fields=_check_fields(obj["fields"], f"{path}.fields"),
                  deleted=_bool(obj.get("deleted", False), f"{path}.deleted"), origin=origin)


def _changes(value: Any, path: str, max_count: int) -> tuple[Change, ...]:
    if not isinstance(value, list):
        raise ProtocolError(e.BAD_TYPE, path)
    if len(value) > max_count:
        raise ProtocolError(e.TOO_LARGE, path)
    return tuple(parse_change(item, f"{path}[{i}]") for i, item in enumerate(value))


@dataclass(frozen=True)
class EnrollRequest:
    """A device asks to join with a one-time code; it may propose its own device id."""

    enrollment_code: str
    device_name: str
    device_id: str | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"protocol": PROTOCOL_VERSION,
                               "enrollment_code": self.enrollment_code,
                               "device_name": self.device_name}
        if self.device_id is not None:
            out["device_id"] = self.device_id
        return out


def parse_enroll_request(value: Any) -> EnrollRequest:
    obj = _message(value, {"enrollment_code", "device_name"}, {"device_id", "protocol"})
    code = normalise_enrollment_code(_text(obj["enrollment_code"], "enrollment_code"))
    if len(code) != ENROLLMENT_CODE_CHARS or any(c not in ENROLLMENT_CODE_ALPHABET for c in code):
        raise ProtocolError(e.BAD_CODE, "enrollment_code")
    device_id = obj.get("device_id")
    if device_id is not None:
        check_device_id(device_id)
    return EnrollRequest(code, _text(obj["device_name"], "device_name"), device_id)


@dataclass(frozen=True)
class EnrollResponse:
    device_id: str
    device_token: str
    areas: tuple[str, ...]
    server_hlc: str

    def to_json(self) -> dict[str, Any]:
        return {"protocol": PROTOCOL_VERSION, "device_id": self.device_id,
                "device_token": self.device_token, "areas": list(self.areas),
                "server_hlc": self.server_hlc}


def parse_enroll_response(value: Any) -> EnrollResponse:
    obj = _message(value, {"device_id", "device_token", "areas", "server_hlc"}, {"protocol"})
    areas = obj["areas"]
    if not isinstance(areas, list) or not areas:
        raise ProtocolError(e.BAD_TYPE, "areas")
    return EnrollResponse(
        check_device_id(obj["device_id"]), _text(obj["device_token"], "device_token", 200),
        tuple(check_area_code(a, f"areas[{i}]") for i, a in enumerate(areas)),
        check_rev(obj["server_hlc"], "server_hlc"))


@dataclass(frozen=True)
class Batch:
    """Changes pushed together; `batch_id` is chosen and stored before the first send."""

    device_id: str
    batch_id: str
    base_cursor: int
    changes: tuple[Change, ...]

    def to_json(self) -> dict[str, Any]:
        return {"protocol": PROTOCOL_VERSION, "device_id": self.device_id,
                "batch_id": self.batch_id, "base_cursor": self.base_cursor,
                "changes": [c.to_json() for c in self.changes]}


def parse_batch(value: Any) -> Batch:
    obj = _message(value, {"device_id", "batch_id", "base_cursor", "changes"}, {"protocol"})
    device_id = check_device_id(obj["device_id"])
    changes = _changes(obj["changes"], "changes", MAX_BATCH_CHANGES)
    for i, change in enumerate(changes):
        # A device pushes only its own changes; relaying others' is central's job.
        if change.origin is not None and change.origin != device_id:
            raise ProtocolError(e.BAD_DEVICE, f"changes[{i}].origin")
    return Batch(device_id, check_uuid(obj["batch_id"], "batch_id"),
                 _uint(obj["base_cursor"], "base_cursor", e.BAD_CURSOR), changes)


@dataclass(frozen=True)
class Conflict:
    """Both sides changed one field since they last agreed; the two values and their revs.

    Seen from whoever merged: `local` is what it held, `remote` what came in. The larger rev
    won; the other value is kept here so that a person can review it (nothing is dropped).
    """

    table: str
    id: str
    field: str
    local_value: Scalar
    local_rev: str
    remote_value: Scalar
    remote_rev: str

    def swapped(self) -> Conflict:
        """The same conflict seen from the other side."""
        return Conflict(self.table, self.id, self.field, self.remote_value, self.remote_rev,
                        self.local_value, self.local_rev)

    def to_json(self) -> dict[str, Any]:
        return {"table": self.table, "id": self.id, "field": self.field,
                "local_value": self.local_value, "local_rev": self.local_rev,
                "remote_value": self.remote_value, "remote_rev": self.remote_rev}


def parse_conflict(value: Any, path: str = "conflict") -> Conflict:
    keys = {"table", "id", "field", "local_value", "local_rev", "remote_value", "remote_rev"}
    obj = _obj(value, path, keys)
    if obj["table"] not in SYNCED_TABLES:
        raise ProtocolError(e.BAD_TABLE, f"{path}.table")
    name = obj["field"]
    if not isinstance(name, str) or not _FIELD_NAME.fullmatch(name):
        raise ProtocolError(e.BAD_FIELD, f"{path}.field")
    return Conflict(obj["table"], check_uuid(obj["id"], f"{path}.id"), name,
                    check_value(obj["local_value"], f"{path}.local_value"),
                    check_rev(obj["local_rev"], f"{path}.local_rev"),
                    check_value(obj["remote_value"], f"{path}.remote_value"),
                    check_rev(obj["remote_rev"], f"{path}.remote_rev"))


@dataclass(frozen=True)
class Clamp:
    """A pushed rev more than 24 h ahead of central's clock, and the rev central ordered it by."""

    table: str
    id: str
    rev: str
    stored_rev: str

    def to_json(self) -> dict[str, Any]:
        return {"table": self.table, "id": self.id, "rev": self.rev,
                "stored_rev": self.stored_rev}


@dataclass(frozen=True)
class BatchAnswer:
    """Central's answer to a batch; the same answer, byte for byte, for every retry.

    `accepted` counts the changes taken (all of them: a batch is applied whole or not at
    all). `cursor` is the server sequence after this batch; it is not a pull cursor (changes
    of others may lie between the device's pull cursor and it). `conflicts` are seen from the
    pushing device: local is what it sent, remote what it met at central.
    """

    batch_id: str
    accepted: int
    cursor: int
    conflicts: tuple[Conflict, ...]
    server_hlc: str
    clamped: tuple[Clamp, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {"protocol": PROTOCOL_VERSION, "batch_id": self.batch_id,
                "accepted": self.accepted, "cursor": self.cursor,
                "conflicts": [c.to_json() for c in self.conflicts],
                "server_hlc": self.server_hlc, "clamped": [c.to_json() for c in self.clamped]}


def parse_batch_answer(value: Any) -> BatchAnswer:
    obj = _message(value, {"batch_id", "accepted", "cursor", "conflicts", "server_hlc"},
                   {"protocol", "clamped"})
    conflicts, clamped = obj["conflicts"], obj.get("clamped", [])
    if not isinstance(conflicts, list) or not isinstance(clamped, list):
        raise ProtocolError(e.BAD_TYPE, "conflicts")
    clamps = []
    for i, item in enumerate(clamped):
        path = f"clamped[{i}]"
        c = _obj(item, path, {"table", "id", "rev", "stored_rev"})
        if c["table"] not in SYNCED_TABLES:
            raise ProtocolError(e.BAD_TABLE, f"{path}.table")
        clamps.append(Clamp(c["table"], check_uuid(c["id"], f"{path}.id"),
                            check_rev(c["rev"], f"{path}.rev"),
                            check_rev(c["stored_rev"], f"{path}.stored_rev")))
    return BatchAnswer(check_uuid(obj["batch_id"], "batch_id"),
                       _uint(obj["accepted"], "accepted"), _uint(obj["cursor"], "cursor"),
                       tuple(parse_conflict(c, f"conflicts[{i}]")
                             for i, c in enumerate(conflicts)),
                       check_rev(obj["server_hlc"], "server_hlc"), tuple(clamps))


@dataclass(frozen=True)
class ChangesPage:
    """One page of others' changes after a cursor; store `next_cursor` with the applied page."""

    changes: tuple[Change, ...]
    next_cursor: int
    more: bool
    server_hlc: str

    def to_json(self) -> dict[str, Any]:
        return {"protocol": PROTOCOL_VERSION, "changes": [c.to_json() for c in self.changes],
                "next_cursor": self.next_cursor, "more": self.more,
                "server_hlc": self.server_hlc}


def parse_changes_page(value: Any) -> ChangesPage:
    obj = _message(value, {"changes", "next_cursor", "more", "server_hlc"}, {"protocol"})
    return ChangesPage(_changes(obj["changes"], "changes", MAX_PAGE_CHANGES),
                       _uint(obj["next_cursor"], "next_cursor", e.BAD_CURSOR),
                       _bool(obj["more"], "more"), check_rev(obj["server_hlc"], "server_hlc"))


def parse_cursor(text: str | None, default: int = 0) -> int:
    """A cursor from a query string: a non-negative decimal integer."""
    if text is None:
        return default
    if not text.isdigit() or len(text) > 16:
        raise ProtocolError(e.BAD_CURSOR, "since")
    return int(text)


def chunk_changes(changes: Iterable[Change], device_id: str, max_changes: int = MAX_BATCH_CHANGES,
                  max_bytes: int = MAX_BATCH_BYTES) -> Iterator[list[Change]]:
    """Split *changes* into lists each of which fits one batch (count and encoded size).

    A single change too large for any batch raises TOO_LARGE: it can never be sent.
    """
    envelope = len(dumps(Batch(device_id, str(uuid.UUID(int=0)), MAX_SAFE_INT, ()).to_json()))
    chunk: list[Change] = []
    size = envelope
    for change in changes:
        cost = len(dumps(change.to_json())) + 1  # the comma between changes
        if envelope + cost > max_bytes:
            raise ProtocolError(e.TOO_LARGE, f"{change.table}.{change.id}")
        if chunk and (len(chunk) >= max_changes or size + cost > max_bytes):
            yield chunk
            chunk, size = [], envelope
        chunk.append(change)
        size += cost
    if chunk:
        yield chunk
