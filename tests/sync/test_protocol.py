"""Sync protocol v1 validation: every bad message is refused with the right code and path."""

from __future__ import annotations

import copy
import gzip
from typing import Any

import pytest

from desktop.sync import errors as e
from desktop.sync import protocol as p
from desktop.sync.errors import ProtocolError

ID = "0190a0a0-0000-7000-8000-000000000001"
BATCH_ID = "0190a0a0-0000-7000-8000-0000000000b1"
REV = "1700000000000-0003-dev1"


def good_batch() -> dict[str, Any]:
    return {"protocol": 1, "device_id": "dev1", "batch_id": BATCH_ID, "base_cursor": 7,
            "changes": [{"table": "persons", "id": ID, "rev": REV,
                         "fields": {"name_zh": "王丽", "area_code": "150525100201", "weight": 1.5,
                                    "lying": True, "notes": None, "gravidity": 2},
                         "deleted": False}]}


def with_change(**over: Any) -> dict[str, Any]:
    batch = good_batch()
    batch["changes"][0].update(over)
    return batch


def test_good_batch_round_trips() -> None:
    batch = p.parse_batch(good_batch())
    assert batch.base_cursor == 7 and batch.changes[0].fields["name_zh"] == "王丽"
    assert p.parse_batch(p.loads(p.dumps(batch.to_json()))) == batch


def drop(key: str) -> dict[str, Any]:
    batch = good_batch()
    del batch[key]
    return batch


def drop_change(key: str) -> dict[str, Any]:
    batch = good_batch()
    del batch["changes"][0][key]
    return batch


BAD_BATCHES = [
    # (what, message, code, path)
    ("not an object", [], e.BAD_TYPE, ""),
    ("unknown top key", {**good_batch(), "extra": 1}, e.UNKNOWN_KEY, "extra"),
    ("no device", drop("device_id"), e.MISSING, "device_id"),
    ("no changes", drop("changes"), e.MISSING, "changes"),
    ("version 2", {**good_batch(), "protocol": 2}, e.VERSION, "protocol"),
    ("version true", {**good_batch(), "protocol": True}, e.VERSION, "protocol"),
    ("batch id not uuid", {**good_batch(), "batch_id": "b-1"}, e.BAD_ID, "batch_id"),
    ("batch id upper case", {**good_batch(), "batch_id": BATCH_ID.upper()}, e.BAD_ID, "batch_id"),
    ("negative cursor", {**good_batch(), "base_cursor": -1}, e.BAD_CURSOR, "base_cursor"),
    ("cursor as text", {**good_batch(), "base_cursor": "7"}, e.BAD_CURSOR, "base_cursor"),
    ("cursor bool", {**good_batch(), "base_cursor": True}, e.BAD_CURSOR, "base_cursor"),
    ("device with dash", {**good_batch(), "device_id": "dev-1"}, e.BAD_DEVICE, "device_id"),
    ("changes not list", {**good_batch(), "changes": {}}, e.BAD_TYPE, "changes"),
    ("unknown table", with_change(table="users"), e.BAD_TABLE, "changes[0].table"),
    ("outbox table", with_change(table="outbox"), e.BAD_TABLE, "changes[0].table"),
    ("id not uuid", with_change(id="42"), e.BAD_ID, "changes[0].id"),
    ("id number", with_change(id=42), e.BAD_ID, "changes[0].id"),
    ("rev garbage", with_change(rev="yesterday"), e.BAD_REV, "changes[0].rev"),
    ("rev short wall", with_change(rev="170000000000-0003-dev1"), e.BAD_REV, "changes[0].rev"),
    ("rev no device", with_change(rev="1700000000000-0003-"), e.BAD_REV, "changes[0].rev"),
    ("rev bad device", with_change(rev="1700000000000-0003-d/1"), e.BAD_REV, "changes[0].rev"),
    ("no rev", drop_change("rev"), e.MISSING, "changes[0].rev"),
    ("no fields", drop_change("fields"), e.MISSING, "changes[0].fields"),
    ("fields a list", with_change(fields=[]), e.BAD_TYPE, "changes[0].fields"),
    ("field not identifier", with_change(fields={"Name zh": "x"}), e.BAD_FIELD,
     "changes[0].fields"),
    ("field sql", with_change(fields={"a;drop": "x"}), e.BAD_FIELD, "changes[0].fields"),
    ("system field", with_change(fields={"origin": "x"}), e.BAD_FIELD,
     "changes[0].fields.origin"),
    ("nested value", with_change(fields={"tests": ["hb"]}), e.BAD_VALUE,
     "changes[0].fields.tests"),
    ("map value", with_change(fields={"tests": {"hb": 1}}), e.BAD_VALUE,
     "changes[0].fields.tests"),
    ("huge int", with_change(fields={"parity": 2**60}), e.BAD_VALUE, "changes[0].fields.parity"),
    ("long text", with_change(fields={"notes": "x" * (p.MAX_TEXT_CHARS + 1)}), e.TOO_LONG,
     "changes[0].fields.notes"),
    ("too many fields", with_change(fields={f"f{i}": 1 for i in range(65)}), e.TOO_LONG,
     "changes[0].fields"),
    ("deleted as int", with_change(deleted=1), e.BAD_TYPE, "changes[0].deleted"),
    ("unknown change key", with_change(urgent=True), e.UNKNOWN_KEY, "changes[0].urgent"),
    ("bad origin", with_change(origin="a b"), e.BAD_DEVICE, "changes[0].origin"),
    ("another device's change", with_change(origin="dev2"), e.BAD_DEVICE, "changes[0].origin"),
    ("too many changes", {**good_batch(), "changes": good_batch()["changes"] * 501},
     e.TOO_LARGE, "changes"),
]


@pytest.mark.parametrize(("what", "message", "code", "path"), BAD_BATCHES,
                         ids=[case[0] for case in BAD_BATCHES])
def test_bad_batch_is_refused(what: str, message: Any, code: str, path: str) -> None:
    with pytest.raises(ProtocolError) as caught:
        p.parse_batch(copy.deepcopy(message))
    assert (caught.value.code, caught.value.path) == (code, path)


def test_error_never_echoes_values() -> None:
    with pytest.raises(ProtocolError) as caught:
        p.parse_batch(with_change(fields={"name_zh": "王丽" * 20_000}))
    assert "王" not in str(caught.value)


def test_exactly_500_changes_pass() -> None:
    batch = good_batch()
    batch["changes"] = batch["changes"] * 500
    assert len(p.parse_batch(batch).changes) == 500


@pytest.mark.parametrize("body", [b"{", b'{"a": NaN}', b'{"a": 1, "a": 2}', b"\xff\xfe",
                                  b"[" * 100_000])
def test_loads_refuses_malformed_json(body: bytes) -> None:
    with pytest.raises(ProtocolError) as caught:
        p.loads(body)
    assert caught.value.code == e.BAD_JSON


def test_gzip_round_trip_and_bomb() -> None:
    data = p.dumps(good_batch())
    assert p.gunzip_bytes(p.gzip_bytes(data)) == data
    bomb = gzip.compress(b" " * (p.MAX_BATCH_BYTES + 1))
    assert len(bomb) < 10_000
    with pytest.raises(ProtocolError) as caught:
        p.gunzip_bytes(bomb)
    assert caught.value.code == e.TOO_LARGE
    for broken in (b"not gzip", p.gzip_bytes(data)[:-4], p.gzip_bytes(data) + b"junk"):
        with pytest.raises(ProtocolError) as caught:
            p.gunzip_bytes(broken)
        assert caught.value.code == e.BAD_ENCODING


@pytest.mark.parametrize(("message", "code", "path"), [
    ({"enrollment_code": "ABCD-EFGH-JKLM-NPQ", "device_name": "x"}, e.BAD_CODE,
     "enrollment_code"),
    ({"enrollment_code": "ABCD-EFGH-JKLM-NPQ0", "device_name": "x"}, e.BAD_CODE,
     "enrollment_code"),
    ({"enrollment_code": "ABCD-EFGH-JKLM-NPQR", "device_name": ""}, e.BAD_TYPE, "device_name"),
    ({"enrollment_code": "ABCD-EFGH-JKLM-NPQR", "device_name": "a\nb"}, e.BAD_VALUE,
     "device_name"),
    ({"enrollment_code": "ABCD-EFGH-JKLM-NPQR", "device_name": "x" * 101}, e.TOO_LONG,
     "device_name"),
    ({"enrollment_code": "ABCD-EFGH-JKLM-NPQR", "device_name": "x", "device_id": "a b"},
     e.BAD_DEVICE, "device_id"),
    ({"enrollment_code": "ABCD-EFGH-JKLM-NPQR", "device_name": "x", "protocol": "2"},
     e.VERSION, "protocol"),
    ({"device_name": "x"}, e.MISSING, "enrollment_code"),
])
def test_bad_enroll_request(message: dict[str, Any], code: str, path: str) -> None:
    with pytest.raises(ProtocolError) as caught:
        p.parse_enroll_request(message)
    assert (caught.value.code, caught.value.path) == (code, path)


def test_enroll_request_normalises_code() -> None:
    req = p.parse_enroll_request({"enrollment_code": " abcd efgh-jkLM-npqr ",
                                  "device_name": "乡卫生院 1", "device_id": "k2j4abcd7xyz"})
    assert req.enrollment_code == "ABCDEFGHJKLMNPQR"


def test_answers_and_pages_round_trip() -> None:
    conflict = p.Conflict("persons", ID, "phone", "1", REV, "2", "1700000000001-0000-dev2")
    answer = p.BatchAnswer(BATCH_ID, 3, 42, (conflict,), "1700000000002-0000-central",
                           (p.Clamp("persons", ID, "2999999999999-0000-dev1",
                                    "1700000000002-0001-dev1"),))
    assert p.parse_batch_answer(p.loads(p.dumps(answer.to_json()))) == answer
    assert conflict.swapped().swapped() == conflict
    page = p.ChangesPage(p.parse_batch(good_batch()).changes, 9, True, REV)
    assert p.parse_changes_page(p.loads(p.dumps(page.to_json()))) == page
    response = p.EnrollResponse("k2j4abcd7xyz", "t" * 43, ("150525100",), REV)
    assert p.parse_enroll_response(response.to_json()) == response
    with pytest.raises(ProtocolError):
        p.parse_changes_page({**page.to_json(), "more": "yes"})


@pytest.mark.parametrize(("area", "scope", "inside"), [
    ("150525100201", ["150525100000"], True),    # village in its township
    ("150525100201", ["150525"], True),          # village in its banner
    ("150525101201", ["150525100000"], False),   # next township
    ("150526100201", ["150525"], False),         # next banner
    ("150525100201", ["150526", "150525100"], True),
    ("15052510020", ["150525"], False),          # 11 digits: not an area code
    (None, ["150525"], False),
    ("150525100201", [], False),
])
def test_area_scope(area: object, scope: list[str], inside: bool) -> None:
    assert p.area_in_scope(area, scope) is inside


def test_parse_cursor() -> None:
    assert p.parse_cursor(None) == 0 and p.parse_cursor("12") == 12
    for bad in ("-1", "1.5", "x", "9" * 17):
        with pytest.raises(ProtocolError):
            p.parse_cursor(bad)


def test_chunk_changes_respects_both_limits() -> None:
    change = p.parse_batch(good_batch()).changes[0]
    chunks = list(p.chunk_changes([change] * 1201, "dev1"))
    assert [len(c) for c in chunks] == [500, 500, 201]
    big = p.Change("persons", ID, REV, {f"f{i}": "字" * 15_000 for i in range(10)})
    chunks = list(p.chunk_changes([big] * 7, "dev1"))
    assert sum(len(c) for c in chunks) == 7 and len(chunks) > 1
    for chunk in chunks:
        body = p.dumps(p.Batch("dev1", BATCH_ID, 123, tuple(chunk)).to_json())
        assert len(body) <= p.MAX_BATCH_BYTES
    huge = p.Change("persons", ID, REV, {f"f{i}": "字" * 19_000 for i in range(64)})
    with pytest.raises(ProtocolError):
        list(p.chunk_changes([huge], "dev1"))


def test_a_newer_peer_hears_version_before_anything_else() -> None:
    newer = {**good_batch(), "protocol": 2, "new_v2_key": True}
    with pytest.raises(ProtocolError) as caught:
        p.parse_batch(newer)
    assert caught.value.code == e.VERSION
