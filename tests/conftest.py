"""Fixtures shared by every test folder: a real encrypted store in a temporary folder.

Subfolders add their own fixtures in their own conftest.py; keep this one small.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# Test this checkout even when the virtualenv has no editable install of it.
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from desktop.store.database import Store, UserRecord  # noqa: E402
from desktop.store.keys import KdfParams  # noqa: E402

ADMIN = "admin"
ADMIN_PASSWORD = "admin-pass-1"
TOWNSHIP = "150525100"
VILLAGES = ["150525100201", "150525100202"]


@dataclass
class MadeStore:
    store: Store
    admin: UserRecord
    recovery_key: str
    data_dir: Path
    password: str = ADMIN_PASSWORD


def new_store(tmp_path: Path, name: str = "data", **create_args: object) -> MadeStore:
    """A new store in *tmp_path*/*name* with an administrator, using the weakest allowed
    Argon2id parameters so each key slot takes milliseconds. The caller closes it."""
    data_dir = tmp_path / name
    args: dict[str, object] = dict(
        clinic_name="白音昌乡卫生院", township_code=TOWNSHIP, village_codes=VILLAGES,
        admin_username=ADMIN, admin_display_name="管理员", admin_password=ADMIN_PASSWORD,
        kdf=KdfParams.floor())
    args.update(create_args)
    store, admin, recovery = Store.create(data_dir, **args)  # type: ignore[arg-type]
    return MadeStore(store, admin, recovery, data_dir)


@pytest.fixture(scope="session")
def make_store():
    """The new_store helper, as a fixture: test modules never import conftest (several
    conftest.py files would shadow each other): `made = make_store(tmp_path)`."""
    return new_store


@pytest.fixture
def made(tmp_path: Path):
    """A fresh store (see new_store), closed after the test."""
    m = new_store(tmp_path)
    yield m
    m.store.close()


_exit_status = {"code": 0}


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    _exit_status["code"] = int(exitstatus)


@pytest.hookimpl(trylast=True)
def pytest_unconfigure(config: pytest.Config) -> None:
    # PySide6 may abort during interpreter teardown after heavy use (style.md, known
    # traps), turning a green run red after the summary. The results are final here, so
    # leave without the teardown, keeping pytest's own exit status.
    if "PySide6.QtCore" in sys.modules:
        import os

        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(_exit_status["code"])
