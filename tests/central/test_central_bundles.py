"""Offline bundles through central: import (command and endpoint), twice, tampered, wrong key,
and the bundle central writes back to a laptop."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

from central_harness import Central, Device, now_ms, person, township, visit

from desktop.sync import bundle as b
from desktop.sync.protocol import Batch, parse_change

WHEN = "2026-03-01T08:30:00.000Z"


def key_of(device: Device) -> bytes:
    return b.bundle_key_from_token(device.id, device.token)


def bundle_of(device: Device, *change_lists: list[dict], base_cursor: int = 0) -> bytes:
    batches = [Batch(device.id, str(uuid.uuid4()), base_cursor,
                     tuple(parse_change(c) for c in changes)) for changes in change_lists]
    return b.write_bundle(batches, key_of(device), device.id, WHEN, app_version="0.1.0")


def post_bundle(central: Central, data: bytes):
    return central.http.post(central.url + "/v1/bundles", data=data, timeout=60,
                             headers={"Content-Type": "application/octet-stream"})


def test_import_command_applies_once_and_twice_changes_nothing(fresh_central: Central,
                                                               tmp_path: Path) -> None:
    area, village = township()
    laptop, other = fresh_central.enroll(area), fresh_central.enroll(area)
    women = [person(laptop, village) for _ in range(3)]
    visits = [visit(laptop, w["id"]) for w in women]
    file = tmp_path / "laptop.eke-bundle"
    file.write_bytes(bundle_of(laptop, women, visits))
    first = fresh_central.cli("import-bundle", str(file))
    assert json.loads(first.stdout) == {"device_id": laptop.id, "batches": 2, "changes": 6,
                                        "conflicts": 0}
    stats = json.loads(fresh_central.cli("stats").stdout)
    pulled, cursor = other.pull_all()
    assert sorted(c["id"] for c in pulled) == sorted(c["id"] for c in women + visits)
    # the same file again, by command and by endpoint: nothing new anywhere
    assert fresh_central.cli("import-bundle", str(file)).returncode == 0
    r = post_bundle(fresh_central, file.read_bytes())
    assert r.status_code == 200, r.text
    assert json.loads(fresh_central.cli("stats").stdout) == stats
    assert other.pull(cursor).json()["changes"] == []
    # the batches come online afterwards (the laptop found a network): same answers, no rows
    assert laptop.push(women).status_code == 200
    assert json.loads(fresh_central.cli("stats").stdout) == stats


def test_tampered_or_foreign_bundles_are_refused_and_change_nothing(central: Central,
                                                                    tmp_path: Path) -> None:
    area, village = township()
    laptop, thief = central.enroll(area), central.enroll(area)
    woman = person(laptop, village)
    data = bundle_of(laptop, [woman])
    flipped = bytearray(data)
    flipped[-20] ^= 0x01
    r = post_bundle(central, bytes(flipped))
    assert r.status_code == 400 and r.json()["error"] == "sync.bundle.auth"
    file = tmp_path / "flipped.eke-bundle"
    file.write_bytes(bytes(flipped))
    out = central.cli("import-bundle", str(file), check=False)
    assert out.returncode == 1 and "sync.bundle.auth" in out.stderr
    # another device's key, or a bundle claiming to be another device's
    forged = b.write_bundle([Batch(laptop.id, str(uuid.uuid4()), 0, (parse_change(woman),))],
                            key_of(thief), laptop.id, WHEN)
    assert post_bundle(central, forged).json()["error"] == "sync.bundle.auth"
    unknown = b.write_bundle([], key_of(laptop), "nosuchdevice", WHEN)
    assert post_bundle(central, unknown).json()["error"] == "central.bundle.unknown_device"
    assert post_bundle(central, b"not a bundle").json()["error"] == "sync.bundle.not_a_bundle"
    assert not [c for c in thief.pull_all()[0] if c["id"] == woman["id"]]
    # the genuine bundle still goes in
    assert post_bundle(central, data).json()["changes"] == 1
    assert [c["id"] for c in thief.pull_all()[0] if c["id"] == woman["id"]] == [woman["id"]]


def test_bundle_scope_and_revocation_hold(central: Central) -> None:
    area, village = township()
    _, other_village = township()
    laptop = central.enroll(area)
    r = post_bundle(central, bundle_of(laptop, [person(laptop, other_village)]))
    assert r.status_code == 403
    central.cli("revoke-device", laptop.id)
    r = post_bundle(central, bundle_of(laptop, [person(laptop, village)]))
    assert r.status_code == 401 and r.json()["error"] == "central.auth.revoked"


def test_export_bundle_carries_others_changes_and_answers_back(fresh_central: Central,
                                                               tmp_path: Path) -> None:
    area, village = township()
    other_area, other_village = township()
    laptop, clinic, stranger = (fresh_central.enroll(area), fresh_central.enroll(area),
                                fresh_central.enroll(other_area))
    t = now_ms()
    mine = person(laptop, village, rev_=laptop.rev(t), phone="13900000000")
    assert laptop.push([mine]).status_code == 200
    theirs = [person(clinic, village) for _ in range(3)]
    assert clinic.push(theirs).status_code == 200
    assert stranger.push([person(stranger, other_village)]).status_code == 200
    # the laptop edits offline while the clinic changes the same phone: the answer has the conflict
    edit = {"table": "persons", "id": mine["id"], "rev": clinic.rev(t + 50),
            "fields": {"phone": "13911111111"}, "deleted": False}
    assert clinic.push([edit]).status_code == 200
    offline = {"table": "persons", "id": mine["id"], "rev": laptop.rev(t + 10),
               "fields": {"phone": "13922222222"}, "deleted": False}
    up = bundle_of(laptop, [offline], base_cursor=1)
    assert post_bundle(fresh_central, up).json()["conflicts"] == 1

    out = tmp_path / "for-laptop.eke-bundle"
    done = json.loads(fresh_central.cli("export-bundle", "--device", laptop.id, "--since", "0",
                                        "--out", str(out)).stdout)
    assert done["changes"] == 4 and not done["more"] and done["answers"] == 2
    back = b.read_bundle(out.read_bytes(), key_of(laptop), b.TO_DEVICE, laptop.id)
    got = [c for p in back.pages for c in p.changes]
    assert sorted(c.id for c in got) == sorted([t_["id"] for t_ in theirs] + [mine["id"]])
    assert all(c.origin == clinic.id for c in got)  # nothing of its own, nothing out of area
    assert back.next_cursor == done["next_cursor"] == laptop.pull_all()[1]
    (conflicted,) = [a for a in back.answers if a.conflicts]
    assert conflicted.conflicts[0].local_value == "13922222222"
    assert conflicted.conflicts[0].remote_value == "13911111111"
    # central's bundle cannot be fed back to central, nor opened by another device
    assert post_bundle(fresh_central, out.read_bytes()).status_code == 400
    nothing = json.loads(fresh_central.cli("export-bundle", "--device", laptop.id, "--since",
                                           str(back.next_cursor), "--out", str(out)).stdout)
    assert nothing["changes"] == 0 and nothing["next_cursor"] == back.next_cursor
    missing = fresh_central.cli("export-bundle", "--device", "nosuchdevice", "--out", str(out),
                                check=False)
    assert missing.returncode == 1 and "unknown_device" in missing.stderr
