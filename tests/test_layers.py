"""The layer rules of design §2, as import-linter contracts in pyproject.toml."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_import_contracts_are_kept():
    lint_imports = Path(sys.executable).parent / ("lint-imports.exe" if os.name == "nt"
                                                  else "lint-imports")
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    done = subprocess.run([str(lint_imports), "--no-cache"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 broken" in done.stdout
