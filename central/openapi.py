"""JSON Schemas of the request bodies for the OpenAPI document (documentation only).

Validation itself is desktop.sync.protocol's, which is stricter than these schemas (rev and
UUID formats, field name rules); keep the two telling the same story.
"""

from __future__ import annotations

from typing import Any

from desktop.sync.protocol import (
    MAX_BATCH_CHANGES,
    MAX_FIELDS_PER_CHANGE,
    MAX_TEXT_CHARS,
    PROTOCOL_VERSION,
    SYNCED_TABLES,
)

_VALUE = {"anyOf": [{"type": "string", "maxLength": MAX_TEXT_CHARS}, {"type": "number"},
                    {"type": "boolean"}, {"type": "null"}]}

CHANGE: dict[str, Any] = {
    "type": "object", "additionalProperties": False,
    "required": ["table", "id", "rev", "fields"],
    "properties": {
        "table": {"type": "string", "enum": list(SYNCED_TABLES)},
        "id": {"type": "string", "format": "uuid"},
        "rev": {"type": "string", "pattern": r"^\d{13}-\d{4}-[A-Za-z0-9][A-Za-z0-9_]{0,63}$"},
        "fields": {"type": "object", "maxProperties": MAX_FIELDS_PER_CHANGE,
                   "propertyNames": {"pattern": r"^[a-z][a-z0-9_]{0,62}$"},
                   "additionalProperties": _VALUE},
        "deleted": {"type": "boolean", "default": False},
        "origin": {"type": "string"},
    },
}

_PROTOCOL = {"type": "integer", "enum": [PROTOCOL_VERSION]}


def _body(schema: dict[str, Any]) -> dict[str, Any]:
    return {"requestBody": {"required": True,
                            "content": {"application/json": {"schema": schema}}}}


BATCH_BODY = _body({
    "type": "object", "additionalProperties": False,
    "required": ["device_id", "batch_id", "base_cursor", "changes"],
    "properties": {
        "protocol": _PROTOCOL, "device_id": {"type": "string"},
        "batch_id": {"type": "string", "format": "uuid"},
        "base_cursor": {"type": "integer", "minimum": 0},
        "changes": {"type": "array", "maxItems": MAX_BATCH_CHANGES, "items": CHANGE},
    },
})

ENROLL_BODY = _body({
    "type": "object", "additionalProperties": False,
    "required": ["enrollment_code", "device_name"],
    "properties": {"protocol": _PROTOCOL, "enrollment_code": {"type": "string"},
                   "device_name": {"type": "string", "maxLength": 100},
                   "device_id": {"type": "string"}},
})

BUNDLE_BODY = {"requestBody": {"required": True, "content": {
    "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}}}
