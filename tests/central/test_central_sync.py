"""Central over real HTTP: enrollment, push, pull, scope, limits, idempotence, clocks."""

from __future__ import annotations

import gzip
import json
import re

from central_harness import Central, new_id, now_ms, person, township, visit


def test_health_and_openapi(central: Central) -> None:
    assert central.http.get(central.url + "/v1/health", timeout=10).json()["status"] == "ok"
    schema = central.http.get(central.url + "/openapi.json", timeout=10).json()
    assert {"/v1/enroll", "/v1/batches", "/v1/changes", "/v1/health"} <= set(schema["paths"])
    body = schema["paths"]["/v1/batches"]["post"]["requestBody"]
    assert "changes" in body["content"]["application/json"]["schema"]["properties"]


def test_enrollment_code_works_once(central: Central) -> None:
    area, _ = township()
    code = central.issue_code(area)
    assert re.fullmatch(r"[A-Z2-9]{4}(-[A-Z2-9]{4}){3}", code)
    first = central.http.post(central.url + "/v1/enroll", timeout=10, json={
        "enrollment_code": code.lower(), "device_name": "x", "device_id": "k2j4abcd7xyz"})
    assert first.status_code == 200, first.text
    data = first.json()
    assert data["device_id"] == "k2j4abcd7xyz" and data["areas"] == [area]
    assert len(data["device_token"]) >= 43
    again = central.http.post(central.url + "/v1/enroll", timeout=10, json={
        "enrollment_code": code, "device_name": "y"})
    assert again.status_code == 401
    assert again.json()["error"] == "central.auth.bad_code"
    # The proposed id is taken now: the next device gets a fresh one.
    other = central.enroll(area, device_id="k2j4abcd7xyz")
    assert other.id != "k2j4abcd7xyz"


def test_push_then_pull_on_a_second_device_without_own_echoes(central: Central) -> None:
    area, village = township()
    a, b = central.enroll(area), central.enroll(area)
    woman = person(a, village)
    seen = visit(a, woman["id"])
    r = a.push([seen, woman])  # urgent-first order: the visit before its person
    assert r.status_code == 200, r.text
    answer = r.json()
    assert answer["accepted"] == 2 and answer["conflicts"] == [] and answer["cursor"] > 0
    pulled, cursor = b.pull_all()
    mine = [c for c in pulled if c["id"] in (woman["id"], seen["id"])]
    assert [c["table"] for c in mine] == ["persons", "prenatal_visits"]  # parents first
    assert mine[0]["fields"] == woman["fields"] and mine[0]["rev"] == woman["rev"]
    assert mine[0]["origin"] == a.id
    own, _ = a.pull_all()
    assert not [c for c in own if c["origin"] == a.id]
    assert b.pull(cursor).json()["changes"] == []


def test_pull_pages_with_more_and_cursor(central: Central) -> None:
    area, village = township()
    a, b = central.enroll(area), central.enroll(area)
    people = [person(a, village) for _ in range(5)]
    assert a.push(people).status_code == 200
    ids, since = [], 0
    for _ in range(10):  # bounded
        page = b.pull(since, limit=2).json()
        assert len(page["changes"]) <= 2
        ids += [c["id"] for c in page["changes"]]
        since = page["next_cursor"]
        if not page["more"]:
            break
    assert ids == [p["id"] for p in people]
    assert b.pull(0, limit=0).status_code == 400
    assert b.pull(0, limit=1001).status_code == 400
    assert central.http.get(central.url + "/v1/changes?since=-1", headers=b.headers,
                            timeout=10).status_code == 400


def test_out_of_area_is_forbidden(central: Central) -> None:
    area, village = township()
    other_area, other_village = township()
    a, stranger = central.enroll(area), central.enroll(other_area)
    theirs = person(stranger, other_village)
    assert stranger.push([theirs]).status_code == 200
    r = a.push([person(a, other_village)])
    assert r.status_code == 403 and r.json()["error"] == "central.scope.out_of_area"
    # a visit to the other township's woman, and moving her into one's own area
    assert a.push([visit(a, theirs["id"])]).status_code == 403
    moved = person(a, village, row_id=theirs["id"])
    assert a.push([moved]).status_code == 403
    # a visit whose woman central has never seen
    r = a.push([visit(a, new_id())])
    assert r.status_code == 403 and r.json()["error"] == "central.scope.unknown_person"
    # and nothing of the other township comes down on a pull
    assert not [c for c in a.pull_all()[0] if c["id"] == theirs["id"]]


def test_a_batch_with_one_bad_change_applies_nothing(central: Central) -> None:
    area, village = township()
    other_area, other_village = township()
    a, b = central.enroll(area), central.enroll(area)
    good = person(a, village)
    assert a.push([good, person(a, other_village)]).status_code == 403
    broken = person(a, village)
    broken["id"] = "not-a-uuid"
    r = a.push([good, broken])
    assert r.status_code == 400
    assert r.json() == {"error": "sync.protocol.bad_id", "path": "changes[1].id"}
    assert not [c for c in b.pull_all()[0] if c["id"] == good["id"]]
    # the same good change alone then goes through
    assert a.push([good]).status_code == 200
    assert [c["id"] for c in b.pull_all()[0] if c["id"] == good["id"]] == [good["id"]]


def test_tokens_missing_bad_or_revoked_are_401(central: Central) -> None:
    area, village = township()
    a = central.enroll(area)
    url = central.url + "/v1/batches"
    body = a.batch([person(a, village)])
    assert central.http.post(url, json=body, timeout=10).status_code == 401
    bad = central.http.post(url, json=body, timeout=10,
                            headers={"Authorization": "Bearer " + "x" * 43})
    assert bad.status_code == 401 and bad.headers["WWW-Authenticate"] == "Bearer"
    assert a.post(body).status_code == 200
    out = central.cli("revoke-device", a.id)
    assert json.loads(out.stdout) == {"revoked": a.id}
    revoked = a.push([person(a, village)])
    assert revoked.status_code == 401 and revoked.json()["error"] == "central.auth.revoked"
    assert a.pull().status_code == 401
    assert central.cli("revoke-device", "nosuchdevice", check=False).returncode == 1
    listed = {d["id"]: d for d in json.loads(central.cli("list-devices").stdout)}
    assert listed[a.id]["revoked_at"] and listed[a.id]["areas"] == [area]


def test_batch_for_another_device_id_is_403(central: Central) -> None:
    area, village = township()
    a, b = central.enroll(area), central.enroll(area)
    body = b.batch([person(b, village)])
    assert a.post(body).status_code == 403


def test_size_limits_are_413(central: Central) -> None:
    area, village = township()
    a = central.enroll(area)
    many = a.push([person(a, village) for _ in range(501)])
    assert many.status_code == 413 and many.json()["error"] == "sync.protocol.too_large"
    # 60 changes of ~20,000 characters: under 500 changes but over 1 MiB
    big = [person(a, village, notes="x" * 19_000) for _ in range(60)]
    assert a.push(big).status_code == 413
    # a small gzip body that inflates past the limit is refused while inflating
    bomb = gzip.compress(b" " * (2 * 1024 * 1024))
    r = a.central.http.post(a.central.url + "/v1/batches", data=bomb, timeout=30,
                            headers={**a.headers, "Content-Encoding": "gzip",
                                     "Content-Type": "application/json"})
    assert r.status_code == 413
    # the largest allowed batch still goes through
    assert a.push([person(a, village) for _ in range(500)]).status_code == 200


def test_gzip_bodies_are_accepted(central: Central) -> None:
    area, village = township()
    a, b = central.enroll(area), central.enroll(area)
    woman = person(a, village, notes="阿拉坦其其格")
    body = gzip.compress(json.dumps(a.batch([woman]), ensure_ascii=False).encode())
    r = central.http.post(central.url + "/v1/batches", data=body, timeout=30,
                          headers={**a.headers, "Content-Encoding": "gzip",
                                   "Content-Type": "application/json"})
    assert r.status_code == 200, r.text
    got = [c for c in b.pull_all()[0] if c["id"] == woman["id"]]
    assert got[0]["fields"]["notes"] == "阿拉坦其其格"
    broken = central.http.post(central.url + "/v1/batches", data=b"not gzip", timeout=30,
                               headers={**a.headers, "Content-Encoding": "gzip"})
    assert broken.status_code == 400


def test_malformed_json_is_400(central: Central) -> None:
    area, _ = township()
    a = central.enroll(area)
    for body in (b'{"device_id": ', b"\xff\xfe", b'{"a": NaN}', b"[]"):
        r = central.http.post(central.url + "/v1/batches", data=body, timeout=10,
                              headers={**a.headers, "Content-Type": "application/json"})
        assert r.status_code == 400, body
        assert r.json()["error"].startswith("sync.protocol.")
    r = central.http.post(central.url + "/v1/enroll", data=b"{", timeout=10)
    assert r.status_code == 400


def test_protocol_version_mismatch_is_409(central: Central) -> None:
    area, village = township()
    a = central.enroll(area)
    body = a.batch([person(a, village)])
    r = central.http.post(central.url + "/v1/batches", json=body, timeout=10,
                          headers={**a.headers, "X-Eke-Protocol": "2"})
    assert r.status_code == 409 and r.json()["error"] == "sync.protocol.version"
    assert a.post({**body, "protocol": 2}).status_code == 409
    assert a.central.http.get(a.central.url + "/v1/changes", timeout=10,
                              headers={**a.headers, "X-Eke-Protocol": "0"}).status_code == 409
    enroll = central.http.post(central.url + "/v1/enroll", timeout=10, json={
        "protocol": 2, "enrollment_code": central.issue_code(area), "device_name": "x"})
    assert enroll.status_code == 409
    assert a.post(body).status_code == 200


def test_retried_batch_gets_the_same_answer_and_no_duplicates(central: Central) -> None:
    area, village = township()
    a, b = central.enroll(area), central.enroll(area)
    woman = person(a, village)
    body = a.batch([woman, visit(a, woman["id"])])
    first = a.post(body)
    # meanwhile another device writes, so the server's cursor and clock move on
    assert b.push([person(b, village)]).status_code == 200
    second = a.post(body)
    assert first.status_code == second.status_code == 200
    assert first.json() == second.json()
    # the same changes in a new batch (e.g. a bundle imported later) are absorbed
    assert a.push(body["changes"]).status_code == 200
    pulled = [c for c in b.pull_all()[0] if c["origin"] == a.id]
    assert sorted(c["id"] for c in pulled) == sorted(c["id"] for c in body["changes"])
    # a batch id is the device's own: another device cannot read its answer
    assert b.post({**body, "device_id": b.id}).status_code == 409


def test_concurrent_edits_of_one_field_come_back_as_a_conflict(central: Central) -> None:
    area, village = township()
    a, b = central.enroll(area), central.enroll(area)
    t = now_ms()
    woman = person(a, village, rev_=a.rev(t), phone="13900000000")
    cursor = a.push([woman]).json()["cursor"]
    b.pull_all()
    # both edit the phone having seen only the first version (base cursor = cursor)
    b_edit = {"table": "persons", "id": woman["id"], "rev": b.rev(t + 20),
              "fields": {"phone": "13911111111"}, "deleted": False}
    a_edit = {"table": "persons", "id": woman["id"], "rev": a.rev(t + 10),
              "fields": {"phone": "13922222222", "address": "新村"}, "deleted": False}
    assert b.push([b_edit], base_cursor=cursor).json()["conflicts"] == []
    answer = a.push([a_edit], base_cursor=cursor).json()
    assert answer["conflicts"] == [{
        "table": "persons", "id": woman["id"], "field": "phone",
        "local_value": "13922222222", "local_rev": a_edit["rev"],
        "remote_value": "13911111111", "remote_rev": b_edit["rev"]}]
    # an edit made after pulling b's value is an ordinary update, no conflict
    later = {"table": "persons", "id": woman["id"], "rev": a.rev(t + 30),
             "fields": {"phone": "13933333333"}, "deleted": False}
    top = b.pull_all()[1]
    assert a.push([later], base_cursor=top).json()["conflicts"] == []


def test_a_rev_far_in_the_future_is_clamped_and_never_moves_the_clock(central: Central) -> None:
    area, village = township()
    a, b = central.enroll(area), central.enroll(area)
    future = now_ms() + 48 * 3600 * 1000  # a laptop whose clock runs two days ahead
    woman = person(a, village, rev_=a.rev(future))
    answer = a.push([woman]).json()
    (clamp,) = answer["clamped"]
    assert clamp["rev"] == woman["rev"]
    stored_wall = int(clamp["stored_rev"][:13])
    assert stored_wall < future - 24 * 3600 * 1000 and clamp["stored_rev"].endswith(a.id)
    assert int(answer["server_hlc"][:13]) < future - 24 * 3600 * 1000
    got = [c for c in b.pull_all()[0] if c["id"] == woman["id"]]
    assert got[0]["rev"] == clamp["stored_rev"]
    page = b.pull().json()
    assert int(page["server_hlc"][:13]) < future - 24 * 3600 * 1000
    # a later ordinary edit from another device wins over the clamped one
    edit = {"table": "persons", "id": woman["id"], "rev": b.rev(), "fields": {"name_zh": "王莉"},
            "deleted": False}
    assert b.push([edit]).json()["clamped"] == []
    # a rev less than 24 h ahead is taken as it is
    near = person(a, village, rev_=a.rev(now_ms() + 3600 * 1000))
    assert a.push([near]).json()["clamped"] == []
