"""Fixtures of tests/central: a running central server (see central_harness.py).

`central` and `fresh_central` run every test twice: on SQLite and on PostgreSQL (a private
cluster that packaging/ci_postgres.sh starts; without it the PostgreSQL runs skip, and fail
under CI=true).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from central_harness import BACKENDS, Central, database_url


@pytest.fixture(scope="module", params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="module")
def central(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Central]:
    server = Central(database_url(backend, tmp_path_factory.mktemp("central")))
    yield server
    server.close()


@pytest.fixture
def fresh_central(backend: str, tmp_path: Path) -> Iterator[Central]:
    """A server of its own, for tests that count rows."""
    server = Central(database_url(backend, tmp_path))
    yield server
    server.close()
