"""python -m desktop demo / stats as a user runs them: JSON on success, one line on error."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from desktop import i18n
from desktop.errors import AppError
from desktop.i18n.messages import error_text
from desktop.store.errors import StoreDamagedError, StoreExistsError, WrongPasswordError

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "cmd-pass-1"
LANGUAGE = "zh_Hans_CN"


def expected_line(exc: AppError) -> str:
    """The line the command should print for *exc*, in the language it runs in."""
    before = i18n.current_language()
    i18n.set_language(LANGUAGE)
    try:
        return error_text(exc)
    finally:
        i18n.set_language(before)


def run(*args: str, password: str | None = PASSWORD, **env: str
        ) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("EKE_")}
    environ.update(EKE_KDF="floor", EKE_LANGUAGE=LANGUAGE, PYTHONPATH=str(ROOT), **env)
    if password is not None:
        environ["EKE_PASSWORD"] = password
    return subprocess.run([sys.executable, "-m", "desktop", *args], cwd=ROOT, env=environ,
                          capture_output=True, text=True, timeout=120)


def assert_one_line_error(proc: subprocess.CompletedProcess[str]) -> str:
    assert proc.returncode != 0
    assert "Traceback" not in proc.stderr + proc.stdout
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].strip(), proc.stderr
    return lines[0]


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory) -> tuple[Path, dict]:
    path = tmp_path_factory.mktemp("cmd") / "data"
    proc = run("demo", "--data-dir", str(path), "--persons", "60")
    assert proc.returncode == 0, proc.stderr
    return path, json.loads(proc.stdout)


def test_demo_prints_a_summary_and_stats_counts_match(demo_dir):
    path, summary = demo_dir
    assert summary["persons"] == 60 and summary["rows"]["persons"] == 60
    assert "--user admin" in summary["login"]
    proc = run("stats", "--data-dir", str(path))
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.strip().splitlines()
    assert len(lines) == 1
    stats = json.loads(lines[0])
    for table, count in summary["rows"].items():
        assert stats[table] == count
    assert stats["case_reports"] == 0 and stats["worklist_outcomes"] == 0
    assert stats["users"] == 1
    assert stats["outbox_pending"] == sum(summary["rows"].values())


def test_stats_as_named_user(demo_dir):
    proc = run("stats", "--data-dir", str(demo_dir[0]), "--user", "admin")
    assert proc.returncode == 0 and json.loads(proc.stdout)["persons"] == 60


def test_demo_refuses_a_folder_with_a_store(demo_dir):
    line = assert_one_line_error(run("demo", "--data-dir", str(demo_dir[0]),
                                     "--persons", "1"))
    assert line == expected_line(StoreExistsError())


def test_without_password(demo_dir, tmp_path):
    assert_one_line_error(run("stats", "--data-dir", str(demo_dir[0]), password=None))
    assert_one_line_error(run("demo", "--data-dir", str(tmp_path / "x"), "--persons", "1",
                              password=""))
    assert not (tmp_path / "x" / "eke.db").exists()


def test_wrong_password(tmp_path):
    path = tmp_path / "data"
    assert run("demo", "--data-dir", str(path), "--persons", "0").returncode == 0
    line = assert_one_line_error(run("stats", "--data-dir", str(path), password="wrong"))
    assert line == expected_line(WrongPasswordError())


def test_missing_store(tmp_path):
    assert_one_line_error(run("stats", "--data-dir", str(tmp_path / "empty")))


def test_damaged_file(tmp_path):
    path = tmp_path / "data"
    assert run("demo", "--data-dir", str(path), "--persons", "5").returncode == 0
    with open(path / "eke.db", "r+b") as fh:
        fh.seek(100)
        fh.write(b"\xff" * 64)
    line = assert_one_line_error(run("stats", "--data-dir", str(path)))
    assert line == expected_line(StoreDamagedError())


@pytest.mark.parametrize("args", [
    ("demo", "--persons", "-1"),
    ("demo", "--persons", "many"),
    ("demo", "--persons", "3", "--area", "15052"),
    ("stats", "--bogus"),
    ("frobnicate",),
])
def test_bad_arguments(tmp_path, args):
    command, *rest = args
    assert_one_line_error(run(command, "--data-dir", str(tmp_path / "d"), *rest))
    assert not (tmp_path / "d" / "eke.db").exists()


def test_help_exits_zero():
    for args in (("--help",), ("demo", "--help"), ("stats", "--help")):
        proc = run(*args)
        assert proc.returncode == 0 and "--data-dir" in proc.stdout
