"""Fixtures of tests/central: a running central server (see central_harness.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from central_harness import Central


@pytest.fixture(scope="module")
def central(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Central]:
    server = Central(tmp_path_factory.mktemp("central") / "central.sqlite3")
    yield server
    server.stop()


@pytest.fixture
def fresh_central(tmp_path: Path) -> Iterator[Central]:
    """A server of its own, for tests that count rows."""
    server = Central(tmp_path / "central.sqlite3")
    yield server
    server.stop()
