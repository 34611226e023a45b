"""python -m central commands: issue-code, stats, list-devices (design §8)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

from central_harness import ROOT, VILLAGE, Central, person, visit

TABLES = {"persons", "pregnancies", "cases", "prenatal_visits", "risk_assessments",
          "case_followups", "deliveries", "postpartum_visits", "child_visits", "vaccinations",
          "case_reports", "worklist_outcomes"}


def run(*args: str, env: dict[str, str] | None = None, cwd: Path = ROOT
        ) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "central", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=60)


def test_issue_code_prints_one_code_and_checks_areas(tmp_path: Path) -> None:
    db = str(tmp_path / "c.sqlite3")
    out = run("issue-code", "--areas", "150525100000,150525101000", "--database-url", db)
    assert out.returncode == 0
    assert re.fullmatch(r"[A-HJ-NP-Z2-9]{4}(-[A-HJ-NP-Z2-9]{4}){3}\n", out.stdout)
    second = run("issue-code", "--areas", "150525", "--database-url", "sqlite:///" + db)
    assert second.returncode == 0 and second.stdout != out.stdout
    bad = run("issue-code", "--areas", "Naiman", "--database-url", db)
    assert bad.returncode == 2 and bad.stdout == ""
    assert run("issue-code", "--areas", "150525",
               "--database-url", "postgresql://x/y").returncode == 2


def test_stats_counts_live_rows_per_table(fresh_central: Central) -> None:
    empty = json.loads(fresh_central.cli("stats").stdout)
    assert empty == dict.fromkeys(TABLES, 0)
    a = fresh_central.enroll("150525100000")
    women = [person(a, VILLAGE) for _ in range(3)]
    visits = [visit(a, women[0]["id"]), visit(a, women[1]["id"])]
    assert a.push([*women, *visits]).status_code == 200
    gone = {"table": "persons", "id": women[2]["id"], "rev": a.rev(), "fields": {},
            "deleted": True}
    assert a.push([gone]).status_code == 200
    stats = json.loads(fresh_central.cli("stats").stdout)
    assert stats == {**dict.fromkeys(TABLES, 0), "persons": 2, "prenatal_visits": 2}


def test_default_database_is_env_then_current_folder(tmp_path: Path) -> None:
    import os

    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("EKE_CENTRAL_DB", None)
    assert run("issue-code", "--areas", "150525", env=env, cwd=tmp_path).returncode == 0
    assert (tmp_path / "eke-central.sqlite3").exists()
    env["EKE_CENTRAL_DB"] = str(tmp_path / "from-env.sqlite3")
    assert run("stats", env=env, cwd=tmp_path).returncode == 0
    assert (tmp_path / "from-env.sqlite3").exists()


def test_server_log_holds_ids_and_counts_but_no_personal_data(tmp_path: Path) -> None:
    server = Central(tmp_path / "c.sqlite3")
    try:
        a = server.enroll("150525100000")
        woman = person(a, VILLAGE, name_zh="其其格", phone="13987654321", address="白音他拉苏木")
        body = a.batch([woman])
        assert a.post(body).status_code == 200
        bad = person(a, VILLAGE, name_zh="其其格")
        bad["fields"]["notes"] = ["一", "二"]  # refused: the error names the path only
        assert a.push([bad]).status_code == 400
        assert a.pull().status_code == 200
    finally:
        log = server.stop()
    assert body["batch_id"] in log and a.id in log and "status=400" in log
    for secret in ("其其格", "13987654321", "白音他拉苏木", a.token, "一"):
        assert secret not in log
