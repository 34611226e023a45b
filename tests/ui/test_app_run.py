"""`python -m desktop --exit-when-ready`: the real start-up path in a subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from ui_helpers import ADMIN_PASSWORD

ROOT = Path(__file__).resolve().parents[2]


def start(data_dir: Path, *args: str, password: str | None = None
          ) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    env.pop("EKE_PASSWORD", None)
    if password is not None:
        env["EKE_PASSWORD"] = password
    return subprocess.run([sys.executable, "-m", "desktop", "--data-dir", str(data_dir),
                           "--exit-when-ready", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


def test_automatic_login_reports_startup_and_unlock_times(store):
    done = start(store.data_dir, "--user", "admin", password=ADMIN_PASSWORD)
    assert done.returncode == 0, done.stderr
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    assert set(figures) == {"startup_s", "unlock_s"}
    assert figures["startup_s"] > 0 and figures["unlock_s"] > 0
    assert figures["unlock_s"] < figures["startup_s"]


def test_wrong_password_ends_with_an_error_instead_of_waiting(store):
    done = start(store.data_dir, "--user", "admin", password="not-the-password")
    assert done.returncode == 2
    assert done.stdout.strip() == ""
    assert done.stderr.strip()


def test_without_a_store_the_wizard_is_the_ready_screen(data_dir: Path):
    done = start(data_dir)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.strip().splitlines()[-1])["unlock_s"] is None
    assert not (data_dir / "eke.db").exists()
