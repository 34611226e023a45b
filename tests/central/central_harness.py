"""Test harness for central: `python -m central serve` on 127.0.0.1, a free port, a tmp SQLite
file or a fresh PostgreSQL database (see `database_url`).

A uniquely named module rather than conftest.py, so that test modules can import it by name
without meeting another directory's conftest.

Requests go through a session that ignores proxy settings, so no test traffic can leave
this machine.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import pytest
import requests

import desktop

ROOT = Path(__file__).resolve().parents[2]
AREA = "150525100000"          # a township of Naiman Banner
VILLAGE = "150525100201"       # a village in it
OTHER_AREA = "150525101000"    # the next township
OTHER_VILLAGE = "150525101203"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def new_id() -> str:
    return str(uuid.uuid4())


def rev(wall_ms: int, device: str, counter: int = 0) -> str:
    return f"{wall_ms:013d}-{counter:04d}-{device}"


def now_ms() -> int:
    return int(time.time() * 1000)


POSTGRES_ENV = "EKE_TEST_POSTGRES_URL"  # set by packaging/ci_postgres.sh
BACKENDS = ("sqlite", "postgresql")


def postgres_admin_url() -> str:
    """The test cluster's URL; skips the test (fails it under CI=true) when there is none."""
    url = os.environ.get(POSTGRES_ENV)
    if url:
        return url
    why = os.environ.get("EKE_TEST_POSTGRES_SKIP", f"{POSTGRES_ENV} is not set")
    message = (f"PostgreSQL backend not tested: {why} (run the tests through"
               " `bash packaging/dev.sh test`, which starts a private cluster)")
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message)
    pytest.skip(message)


def new_postgres_database() -> str:
    """A fresh, empty database on the test cluster; its URL."""
    import psycopg

    admin = postgres_admin_url()
    name = "eke_" + uuid.uuid4().hex[:16]
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    return admin.rsplit("/", 1)[0] + "/" + name


def drop_postgres_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(postgres_admin_url(), autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def database_url(backend: str, folder: Path) -> str:
    """Where a server of *backend* keeps its data: a file in *folder* or a new database."""
    if backend == "sqlite":
        return str(folder / "central.sqlite3")
    return new_postgres_database()


class Central:
    """A running server and the helpers the tests share.

    *db* is an SQLite path or a postgresql:// URL; the key file lives in *key_dir* (default:
    next to an SQLite file, else in a fresh temporary folder). *serve_args* go to `serve`.
    """

    def __init__(self, db: Path | str, key_file: Path | None = None,
                 serve_args: tuple[str, ...] = ()) -> None:
        self.db = db
        if key_file is None and str(db).startswith("postgresql:"):
            import tempfile

            key_file = Path(tempfile.mkdtemp(prefix="eke-key-")) / "central.key"
        self.key_file = key_file
        self.serve_args = serve_args
        self.http = requests.Session()
        self.http.trust_env = False  # never through a proxy: 127.0.0.1 only
        self.start()

    @property
    def is_postgres(self) -> bool:
        return str(self.db).startswith("postgresql:")

    def _db_args(self) -> list[str]:
        args = ["--database-url", str(self.db)]
        return args + (["--key-file", str(self.key_file)] if self.key_file else [])

    def start(self) -> None:
        """Start (or restart, on the same database) the server on a fresh port."""
        self.port = free_port()
        self.killed = False
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "central", "serve", "--host", "127.0.0.1", "--port",
             str(self.port), *self._db_args(), *self.serve_args],
            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        for _ in range(300):  # bounded: at most ~30 s for the server to come up
            if self.proc.poll() is not None:
                raise RuntimeError(self.proc.stdout.read().decode() if self.proc.stdout else "")
            try:
                if self.http.get(self.url + "/v1/health", timeout=1).status_code == 200:
                    break
            except requests.ConnectionError:
                time.sleep(0.1)
        else:
            raise RuntimeError("central did not start")

    def stop(self) -> str:
        if self.killed:
            return ""
        self.proc.terminate()
        try:
            out, _ = self.proc.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            out, _ = self.proc.communicate()
        return out.decode("utf-8", "replace")

    def kill(self) -> None:
        """SIGKILL the server: no shutdown, no flush, as a power cut does to the process."""
        self.proc.kill()
        self.proc.wait(timeout=20)
        if self.proc.stdout:
            self.proc.stdout.close()
        self.killed = True

    def close(self) -> str:
        """Stop for good: the server, the session and a PostgreSQL test database."""
        out = self.stop()
        self.http.close()
        if self.is_postgres:
            drop_postgres_database(str(self.db))
        return out

    def cli(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "central", *args, *self._db_args()],
                              cwd=ROOT, capture_output=True, text=True, timeout=60,
                              check=check)

    def issue_code(self, *areas: str) -> str:
        return self.cli("issue-code", "--areas", ",".join(areas)).stdout.strip()

    def enroll(self, *areas: str, device_id: str | None = None) -> Device:
        body: dict[str, Any] = {"enrollment_code": self.issue_code(*areas),
                                "device_name": "卫生院 laptop"}
        if device_id:
            body["device_id"] = device_id
        r = self.http.post(self.url + "/v1/enroll", json=body, timeout=10)
        assert r.status_code == 200, r.text
        data = r.json()
        return Device(self, data["device_id"], data["device_token"])


class Device:
    def __init__(self, central: Central, device_id: str, token: str) -> None:
        self.central, self.id, self.token = central, device_id, token
        self.headers = {"Authorization": f"Bearer {token}", "X-Eke-Protocol": "1",
                        "X-Eke-Version": desktop.__version__}

    def batch(self, changes: list[dict[str, Any]], batch_id: str | None = None,
              base_cursor: int = 0) -> dict[str, Any]:
        return {"protocol": 1, "device_id": self.id, "batch_id": batch_id or new_id(),
                "base_cursor": base_cursor, "changes": changes}

    def push(self, changes: list[dict[str, Any]], **kw: Any) -> requests.Response:
        return self.post(self.batch(changes, **kw))

    def post(self, body: Any, **kw: Any) -> requests.Response:
        return self.central.http.post(self.central.url + "/v1/batches", json=body,
                                      headers=self.headers, timeout=30, **kw)

    def pull(self, since: int = 0, limit: int | None = None) -> requests.Response:
        params: dict[str, Any] = {"since": since}
        if limit is not None:
            params["limit"] = limit
        return self.central.http.get(self.central.url + "/v1/changes", params=params,
                                     headers=self.headers, timeout=30)

    def pull_all(self, since: int = 0, limit: int = 500) -> tuple[list[dict[str, Any]], int]:
        changes: list[dict[str, Any]] = []
        for _ in range(1000):  # bounded
            r = self.pull(since, limit)
            assert r.status_code == 200, r.text
            page = r.json()
            changes += page["changes"]
            since = page["next_cursor"]
            if not page["more"]:
                return changes, since
        raise AssertionError("paging never ended")

    def rev(self, wall_ms: int | None = None, counter: int = 0) -> str:
        return rev(now_ms() if wall_ms is None else wall_ms, self.id, counter)


def _rev_of(device: Device | str) -> str:
    return device.rev() if isinstance(device, Device) else rev(now_ms(), device)


def person(device: Device | str, area: str = VILLAGE, row_id: str | None = None,
           rev_: str | None = None, **fields: Any) -> dict[str, Any]:
    """A person change; *device* is an enrolled Device or just a device id."""
    return {"table": "persons", "id": row_id or new_id(), "rev": rev_ or _rev_of(device),
            "fields": {"kind": "woman", "name_zh": "王丽", "area_code": area, **fields},
            "deleted": False}


def visit(device: Device | str, person_id: str, **fields: Any) -> dict[str, Any]:
    return {"table": "prenatal_visits", "id": new_id(), "rev": _rev_of(device),
            "fields": {"person_id": person_id, "pregnancy_id": new_id(),
                       "visit_date": "2025-03-01", "sbp": 120, "dbp": 80, **fields},
            "deleted": False}


_townships = iter(range(100, 1000))


def township() -> tuple[str, str]:
    """A township code no other test in this process uses, and a village in it."""
    n = next(_townships)
    return f"150525{n:03d}000", f"150525{n:03d}201"
