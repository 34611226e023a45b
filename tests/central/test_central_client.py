"""desktop.sync.client against the real server: every answer passes the strict parsers."""

from __future__ import annotations

import uuid

import pytest
import requests
from central_harness import Central, free_port, person, township, visit

from desktop.sync import errors
from desktop.sync.client import CentralClient
from desktop.sync.protocol import Batch, parse_change


def client(central: Central, token: str | None = None) -> CentralClient:
    session = requests.Session()
    session.trust_env = False  # 127.0.0.1 only
    return CentralClient(central.url, token, session=session, sleep=lambda _: None)


def test_enroll_push_pull_through_the_client(central: Central) -> None:
    area, village = township()
    a, b = client(central), client(central)
    ea = a.enroll(central.issue_code(area), "乡卫生院", "clientdevicea")
    eb = b.enroll(central.issue_code(area), "村卫生室")
    assert ea.device_id == "clientdevicea" and ea.areas == (area,)
    woman = person(ea.device_id, village)
    changes = (parse_change(woman), parse_change(visit(ea.device_id, woman["id"])))
    batch = Batch(ea.device_id, str(uuid.uuid4()), 0, changes)
    answer = a.push(batch)
    assert answer.accepted == 2 and a.push(batch) == answer  # retry: same answer
    page = b.pull(0, limit=1)
    assert page.more and len(page.changes) == 1
    rest = b.pull(page.next_cursor)
    got = {c.id: c for c in page.changes + rest.changes}
    assert got[woman["id"]].fields == woman["fields"] and got[woman["id"]].origin == "clientdevicea"
    assert eb.device_id != ea.device_id


def test_client_maps_refusals_to_sync_errors(central: Central) -> None:
    area, village = township()
    _, other_village = township()
    a = client(central)
    enrolled = a.enroll(central.issue_code(area), "x")
    stranger = person(enrolled.device_id, other_village)
    with pytest.raises(errors.SyncForbiddenError):
        a.push(Batch(enrolled.device_id, str(uuid.uuid4()), 0, (parse_change(stranger),)))
    with pytest.raises(errors.SyncUnauthorizedError):
        client(central, "not-a-token").pull(0)
    with pytest.raises(errors.SyncUnauthorizedError):
        client(central).enroll("ABCD-EFGH-JKLM-NPQR", "x")


def test_unreachable_central_is_offline_after_bounded_retries() -> None:
    waits: list[float] = []
    session = requests.Session()
    session.trust_env = False
    # nothing listens on this port of 127.0.0.1: every attempt is refused at once
    dead = CentralClient(f"http://127.0.0.1:{free_port()}", "t", session=session, retries=3,
                         sleep=waits.append, rng=lambda: 1.0)
    with pytest.raises(errors.SyncOfflineError):
        dead.pull(0)
    assert waits == [1.0, 2.0, 4.0]
