"""`python -m central serve` on 127.0.0.1 for the sync benchmarks (central_load.py and
sync_bench.py): a fresh port, the database they name, enrolment codes from its CLI."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent


def http_session() -> requests.Session:
    http = requests.Session()
    http.trust_env = False  # 127.0.0.1 only, never through a proxy
    return http


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Central:
    def __init__(self, url: str, db_args: list[str]) -> None:
        self.url = url
        self.db_args = db_args
        self.http = http_session()

    def issue_code(self, area: str) -> str:
        return subprocess.run([sys.executable, "-m", "central", "issue-code", "--areas", area,
                               *self.db_args], cwd=ROOT, capture_output=True, text=True,
                              check=True).stdout.strip()


@contextmanager
def serving(database_url: str, *serve_args: str, key_file: Path | None = None
            ) -> Iterator[Central]:
    """A server on *database_url* (key file: *key_file*, else central's default) until the
    block ends."""
    db_args = ["--database-url", database_url]
    if key_file is not None:
        db_args += ["--key-file", str(key_file)]
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "central", "serve", "--host", "127.0.0.1",
                             "--port", str(port), *serve_args, *db_args], cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    try:
        server = Central(f"http://127.0.0.1:{port}", db_args)
        for _ in range(300):  # at most ~30 s for the server to come up
            try:
                if server.http.get(server.url + "/v1/health", timeout=1).status_code == 200:
                    break
            except requests.ConnectionError:
                time.sleep(0.1)
        else:
            raise RuntimeError("central did not start")
        yield server
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
