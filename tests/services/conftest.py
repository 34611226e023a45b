"""Fixtures of tests/services: `central` and `pair` (a central server and two enrolled
laptops) from tests/sync/sync_world.py, which is put on sys.path here so that test modules
of this folder import it by name."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "sync"))
from sync_world import central, pair  # noqa: E402, F401 - fixtures, found by pytest by name
