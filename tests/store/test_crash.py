"""Crash safety (design §7): a writer killed with SIGKILL at a random moment loses nothing it
acknowledged and leaves a file that opens, checks clean, and whose outbox and audit log
match its rows exactly.

EKE_CRASH_ITERATIONS sets the number of kills (default 200); EKE_CRASH_SEED replays a run.
"""

from __future__ import annotations

import os
import random
import shutil
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from desktop.store import audit
from desktop.store.database import Store

WRITER = Path(__file__).with_name("crash_writer.py")
ITERATIONS = int(os.environ.get("EKE_CRASH_ITERATIONS", "200"))
SEED = int(os.environ.get("EKE_CRASH_SEED", "20261124"))
PER_STORE = 20  # kills on one file before starting on a fresh copy: keeps the checks cheap
EARLY_KILLS = 0.2  # share of kills aimed at start-up (unlock, login audit entry)


def _spawn(data_dir: Path, username: str, password: str) -> subprocess.Popen[str]:
    env = dict(os.environ, EKE_PASSWORD=password)
    return subprocess.Popen([sys.executable, str(WRITER), str(data_dir), username],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=env)


def _run_and_kill(proc: subprocess.Popen[str], rng: random.Random) -> list[str]:
    """Kill *proc* at a random moment; the ids it acknowledged before dying."""
    acked = []
    if rng.random() < EARLY_KILLS:
        time.sleep(rng.uniform(0.0, 0.25))
    else:
        # Wait for the first commit so that most kills land in the middle of writing,
        # however slow the machine is to start Python.
        first = proc.stdout.readline()  # type: ignore[union-attr]
        if first.endswith("\n"):
            acked.append(first.strip())
        time.sleep(rng.uniform(0.0, 0.15))
    if proc.poll() is not None:
        err = proc.stderr.read()  # type: ignore[union-attr]
        pytest.fail(f"the writer stopped by itself ({proc.returncode}):\n{err}")
    proc.kill()
    out, _err = proc.communicate(timeout=30)
    # A line cut short by the kill was never acknowledged.
    lines = out.split("\n")
    acked += [line for line in lines[:-1] if line]
    return acked


def _check(data_dir: Path, username: str, password: str, acked: set[str], where: str) -> int:
    """Every invariant of a file after a crash; returns the number of rows."""
    store, _user = Store.unlock(data_dir, username, password)
    try:
        conn = store.conn
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)], where
        assert conn.execute("PRAGMA cipher_integrity_check").fetchall() == [], where

        persons = dict(conn.execute("SELECT id, rev FROM persons").fetchall())
        missing = acked - persons.keys()
        assert not missing, f"{where}: {len(missing)} acknowledged records lost"
        visits = conn.execute("SELECT id, rev, person_id FROM prenatal_visits").fetchall()
        # Person and visit were one transaction: never one without the other.
        per_person = Counter(v[2] for v in visits)
        assert set(per_person) == set(persons), where
        assert set(per_person.values()) <= {1}, where

        rows = {("persons", i, r) for i, r in persons.items()}
        rows |= {("prenatal_visits", i, r) for i, r, _ in visits}
        outbox = conn.execute("SELECT table_name, row_id, rev FROM outbox").fetchall()
        assert len(outbox) == len(rows), where
        assert set(outbox) == rows, where

        assert audit.verify_chain(conn) is None, where
        inserts = conn.execute("SELECT table_name, row_id, rev FROM audit"
                               " WHERE action = 'insert'").fetchall()
        assert len(inserts) == len(rows), where
        assert set(inserts) == rows, where
        return len(rows)
    finally:
        store.close()


@pytest.mark.slow
@pytest.mark.skipif(os.name != "posix", reason="SIGKILL is a POSIX signal")
def test_killed_writers_lose_nothing_acknowledged(make_store, tmp_path):
    template = make_store(tmp_path, "template")
    username, password = template.admin.username, template.password
    template.store.close()
    rng = random.Random(SEED)
    data_dir = tmp_path / "unused"
    acked: set[str] = set()
    total_acked = 0
    for i in range(ITERATIONS):
        if i % PER_STORE == 0:
            data_dir = tmp_path / f"store-{i // PER_STORE}"
            shutil.copytree(template.data_dir, data_dir)
            acked = set()
        new = _run_and_kill(_spawn(data_dir, username, password), rng)
        acked.update(new)
        total_acked += len(new)
        _check(data_dir, username, password, acked,
               f"seed {SEED}, kill {i + 1} of {ITERATIONS}")
    # The kills must have hit a writer that was writing, or the test proved nothing.
    assert total_acked >= ITERATIONS * (1 - EARLY_KILLS) / 2
