"""Push rate per device (429 + Retry-After) and the oldest program version (409 client_too_old)."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
import requests
from central_harness import AREA, VILLAGE, Central, person

import desktop
from desktop.sync import errors
from desktop.sync.client import CentralClient
from desktop.sync.protocol import Batch, parse_change


def test_a_device_pushing_too_fast_gets_429_with_retry_after(tmp_path: Path) -> None:
    server = Central(tmp_path / "c.sqlite3", serve_args=("--push-rate", "0.1",
                                                          "--push-burst", "3"))
    try:
        a, b = server.enroll(AREA), server.enroll(AREA)
        assert [a.push([person(a, VILLAGE)]).status_code for _ in range(3)] == [200] * 3
        refused = a.push([person(a, VILLAGE)])
        assert refused.status_code == 429
        assert refused.json()["error"] == "central.rate_limited"
        wait = int(refused.headers["Retry-After"])
        assert 1 <= wait <= 10  # one token at 0.1 per second
        # the limit is per device: another laptop still pushes, and pulls are not limited
        assert b.push([person(b, VILLAGE)]).status_code == 200
        assert a.pull().status_code == 200
        # the client honours Retry-After, then gives up without losing anything
        waits: list[float] = []
        session = requests.Session()
        session.trust_env = False
        client = CentralClient(server.url, a.token, session=session, retries=2,
                               sleep=waits.append)
        batch = Batch(a.id, str(uuid.uuid4()), 0, (parse_change(person(a, VILLAGE)),))
        with pytest.raises(errors.SyncOfflineError):
            client.push(batch)
        assert len(waits) == 2 and all(w >= 1 for w in waits)
    finally:
        server.close()


def test_too_old_client_gets_409_with_the_minimum(tmp_path: Path) -> None:
    server = Central(tmp_path / "c.sqlite3", serve_args=("--min-client-version", "99.2"))
    try:
        old = server.http.post(server.url + "/v1/enroll", timeout=10, headers={
            "X-Eke-Version": desktop.__version__}, json={
            "enrollment_code": server.issue_code(AREA), "device_name": "x"})
        assert old.status_code == 409
        assert old.json() == {"error": "client_too_old", "min_version": "99.2"}
        # no version at all: a program from before the header, too old as well
        assert server.http.get(server.url + "/v1/changes", timeout=10).status_code == 409
        assert server.http.get(server.url + "/v1/health", timeout=10).status_code == 200
        new = server.http.post(server.url + "/v1/enroll", timeout=10, headers={
            "X-Eke-Version": "99.2.0"}, json={
            "enrollment_code": server.issue_code(AREA), "device_name": "x"})
        assert new.status_code == 200, new.text
        garbage = server.http.get(server.url + "/v1/changes", timeout=10,
                                  headers={"X-Eke-Version": "new!"})
        assert garbage.status_code == 400
        # the program's own client says which version it needs
        session = requests.Session()
        session.trust_env = False
        client = CentralClient(server.url, new.json()["device_token"], session=session)
        with pytest.raises(errors.SyncClientTooOldError) as info:
            client.pull(0)
        assert info.value.params["min_version"] == "99.2"
    finally:
        server.close()


def test_serve_refuses_bad_limit_options(tmp_path: Path) -> None:
    import subprocess
    import sys

    from central_harness import ROOT

    for args in (["--min-client-version", "soon"], ["--push-rate", "0"]):
        out = subprocess.run([sys.executable, "-m", "central", "serve", "--database-url",
                              str(tmp_path / "c.sqlite3"), *args], cwd=ROOT,
                             capture_output=True, text=True, timeout=60)
        assert out.returncode == 2 and out.stderr.startswith("error:")
