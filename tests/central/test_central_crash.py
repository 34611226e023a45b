"""kill -9 of central in the middle of a large batch, on both backends: the batch is there
whole or not at all; the client's retry (same batch id) succeeds; nothing is duplicated."""

from __future__ import annotations

import threading
import time
import uuid
from pathlib import Path

import requests
from central_harness import Central, database_url, person, township

from desktop.sync.client import CentralClient
from desktop.sync.protocol import Batch, dumps, gzip_bytes, parse_change

BATCH_CHANGES = 500
# Kill moments, as fractions of a warm-up batch's round trip: before, during and after commit.
FRACTIONS = (0.25, 0.5, 0.75, 0.9, 1.0, 1.1, 1.25, 1.5, 2.0, 3.0)


def big_batch(device_id: str, village: str) -> Batch:
    # ~1.7 KB a change: 500 of them stay just under the 1 MiB batch limit
    changes = tuple(parse_change(person(device_id, village, notes="孕期随访记录" * 80))
                    for _ in range(BATCH_CHANGES))
    return Batch(device_id, str(uuid.uuid4()), 0, changes)


def client(server: Central, token: str) -> CentralClient:
    session = requests.Session()
    session.trust_env = False
    return CentralClient(server.url, token, session=session, timeout_s=60, retries=3,
                         sleep=lambda s: time.sleep(min(s, 0.5)))


def test_kill_9_mid_batch_is_all_or_nothing(backend: str, tmp_path: Path) -> None:
    server = Central(database_url(backend, tmp_path))
    try:
        area, village = township()
        laptop, observer = server.enroll(area), server.enroll(area)
        warm_up = big_batch(laptop.id, village).to_json()
        started = time.monotonic()
        _post_ignoring_failure(server, laptop.headers, warm_up)
        duration = time.monotonic() - started
        cursor = observer.pull_all()[1]
        outcomes = []
        for fraction in FRACTIONS:
            batch = big_batch(laptop.id, village)
            ids = {c.id for c in batch.changes}
            body = batch.to_json()
            sent = threading.Thread(target=_post_ignoring_failure,
                                    args=(server, laptop.headers, body))
            sent.start()
            time.sleep(duration * fraction)
            server.kill()
            sent.join(timeout=60)
            server.start()  # the same database, as after a power cut
            seen = [c["id"] for c in observer.pull_all(cursor)[0] if c["id"] in ids]
            assert len(seen) in (0, BATCH_CHANGES), f"{len(seen)} of a batch after kill -9"
            assert len(set(seen)) == len(seen)
            outcomes.append(len(seen))
            # the laptop retries the same batch id: accepted, whole, exactly once
            answer = client(server, laptop.token).push(batch)
            assert answer.batch_id == batch.batch_id and answer.accepted == BATCH_CHANGES
            pulled, cursor_after = observer.pull_all(cursor)
            got = [c["id"] for c in pulled if c["id"] in ids]
            assert sorted(got) == sorted(ids)
            cursor = cursor_after
        print("batches found after kill -9:", outcomes)  # shown with -s
    finally:
        server.close()


def _post_ignoring_failure(server: Central, headers: dict[str, str], body: dict) -> None:
    data = gzip_bytes(dumps(body))  # as the program's client sends it
    try:
        r = server.http.post(server.url + "/v1/batches", data=data, timeout=60, headers={
            **headers, "Content-Encoding": "gzip", "Content-Type": "application/json"})
        assert r.status_code == 200, r.text
    except requests.RequestException:
        pass  # the server died under us: that is the point
