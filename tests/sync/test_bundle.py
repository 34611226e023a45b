"""Offline bundles as pure functions: round trips, tampering, wrong keys, wrong direction."""

from __future__ import annotations

import os
import uuid

import pytest

from desktop.sync import bundle as b
from desktop.sync import errors as e
from desktop.sync.errors import BundleError, ProtocolError
from desktop.sync.protocol import Batch, BatchAnswer, Change, ChangesPage

DEVICE = "k2j4abcd7xyz"
TOKEN = "t" * 43
WHEN = "2026-03-01T08:30:00.000Z"


def change(n: int, device: str = DEVICE) -> Change:
    return Change("persons", str(uuid.uuid4()), f"{1767225600000 + n:013d}-0000-{device}",
                  {"name_zh": "其其格", "phone": "13900000000", "area_code": "150525100201"})


def batches(count: int = 3, per: int = 4) -> list[Batch]:
    return [Batch(DEVICE, str(uuid.uuid4()), 7, tuple(change(i * per + j) for j in range(per)))
            for i in range(count)]


def key() -> bytes:
    return b.bundle_key_from_token(DEVICE, TOKEN)


def test_round_trip_to_central() -> None:
    sent = batches()
    data = b.write_bundle(sent, key(), DEVICE, WHEN, app_version="0.1.0")
    opened = b.read_bundle(data, key(), b.TO_CENTRAL, DEVICE)
    assert opened.batches == tuple(sent)
    assert opened.header.device_id == DEVICE and opened.header.created_at == WHEN
    assert opened.header.app_version == "0.1.0" and opened.header.direction == b.TO_CENTRAL
    # The content is not readable in the file: names and phone numbers are encrypted.
    assert "其其格".encode() not in data and b"13900000000" not in data
    # Two bundles of the same batches differ (fresh nonce) but open to the same content.
    again = b.write_bundle(sent, key(), DEVICE, WHEN)
    assert again != data and b.read_bundle(again, key()).batches == tuple(sent)


def test_round_trip_to_device() -> None:
    pages = (ChangesPage((change(1, "otherdevice"),), 12, True, f"{1767225600000:013d}-0000-central"),
             ChangesPage((change(2, "otherdevice"),), 15, False,
                         f"{1767225600001:013d}-0000-central"))
    answer = BatchAnswer(str(uuid.uuid4()), 4, 11, (), f"{1767225600000:013d}-0001-central")
    data = b.write_return_bundle(pages, [answer], 9, key(), DEVICE, WHEN)
    opened = b.read_bundle(data, key(), b.TO_DEVICE, DEVICE)
    assert opened.pages == pages and opened.answers == (answer,) and opened.since == 9
    assert opened.next_cursor == 15 and not opened.more
    empty = b.read_bundle(b.write_return_bundle([], [], 9, key(), DEVICE, WHEN), key())
    assert empty.next_cursor == 9 and not empty.more


def test_every_flipped_byte_is_refused() -> None:
    data = b.write_bundle(batches(1, 1), key(), DEVICE, WHEN)
    _, start = b.read_header(data)
    # every header byte, then a spread of ciphertext and tag bytes
    positions = list(range(len(data)))[:start] + list(range(start, len(data), 7)) + [len(data) - 1]
    for i in positions:
        bad = bytearray(data)
        bad[i] ^= 0x01
        with pytest.raises(BundleError):
            b.read_bundle(bytes(bad), key())
    with pytest.raises(BundleError) as info:
        b.read_bundle(data[:-1], key())
    assert info.value.code == e.BUNDLE_AUTH


def test_ciphertext_flip_is_an_authentication_error() -> None:
    data = bytearray(b.write_bundle(batches(), key(), DEVICE, WHEN))
    data[-30] ^= 0x80
    with pytest.raises(BundleError) as info:
        b.read_bundle(bytes(data), key())
    assert info.value.code == e.BUNDLE_AUTH


def test_wrong_key_wrong_device_and_wrong_direction() -> None:
    data = b.write_bundle(batches(), key(), DEVICE, WHEN)
    other = b.bundle_key_from_token("otherdevice1", TOKEN)
    assert other != key() and b.bundle_key_from_token(DEVICE, TOKEN + "x") != key()
    with pytest.raises(BundleError) as info:
        b.read_bundle(data, other)
    assert info.value.code == e.BUNDLE_AUTH
    with pytest.raises(BundleError) as info:
        b.read_bundle(data, key(), device_id="otherdevice1")
    assert info.value.code == e.BUNDLE_WRONG_DEVICE
    with pytest.raises(BundleError) as info:
        b.read_bundle(data, key(), direction=b.TO_DEVICE)
    assert info.value.code == e.BUNDLE_DIRECTION
    # Relabelling the direction in the header breaks authentication (separate subkeys + AAD).
    relabelled = data.replace(b'"to_central"', b'"to_device" ', 1)
    with pytest.raises(BundleError):
        b.read_bundle(relabelled, key())
    with pytest.raises(BundleError):
        b.read_bundle(data, b"short")


def test_not_a_bundle_and_newer_format() -> None:
    for junk in (b"", b"PK\x03\x04zipfile", os.urandom(200), b.MAGIC + b"\xff\xff" + b"x" * 40):
        with pytest.raises(BundleError) as info:
            b.read_bundle(junk, key())
        assert info.value.code == e.BUNDLE_NOT_A_BUNDLE
    data = b.write_bundle(batches(), key(), DEVICE, WHEN)
    newer = data.replace(b'"format":1', b'"format":2', 1)
    with pytest.raises(BundleError) as info:
        b.read_bundle(newer, key())
    assert info.value.code == e.BUNDLE_FORMAT


def test_a_bundle_carries_only_the_devices_own_batches() -> None:
    foreign = Batch("otherdevice1", str(uuid.uuid4()), 0, (change(1, "otherdevice1"),))
    with pytest.raises(ProtocolError):
        b.write_bundle([foreign], key(), DEVICE, WHEN)


def test_split_batches_fits_each_group_in_a_bundle() -> None:
    many = batches(10, 20)
    one = len(b.dumps(many[0].to_json()))
    groups = b.split_batches(many, max_bytes=3 * one + 40)
    assert [bt for g in groups for bt in g] == many
    assert all(1 <= len(g) <= 3 for g in groups) and len(groups) >= 4
    with pytest.raises(BundleError) as info:
        b._seal(b.BundleHeader(DEVICE, b.TO_CENTRAL, WHEN, os.urandom(12)),
                {"batches": ["x" * (b.MAX_PAYLOAD_BYTES + 1)]}, key())
    assert info.value.code == e.BUNDLE_TOO_LARGE
