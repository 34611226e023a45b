"""Fixtures for the UI tests: real Qt widgets offscreen, real encrypted stores in tmp dirs.

Argon2 runs at its floor parameters (KdfParams.floor(), through the services layer) so
each unlock takes milliseconds instead of half a second.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402
from PySide6.QtCore import QEvent  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402
from ui_helpers import ADMIN_PASSWORD, TOWNSHIP, VILLAGES  # noqa: E402

from desktop import i18n  # noqa: E402
from desktop.services.session import KdfParams, Session, SetupInfo  # noqa: E402
from desktop.ui import tasks  # noqa: E402
from desktop.ui.app import Shell, prepare_application  # noqa: E402


@dataclass
class StoreInfo:
    data_dir: Path
    recovery_key: str


@pytest.fixture
def kdf() -> KdfParams:
    return KdfParams.floor()


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    path = tmp_path / "data"
    path.mkdir()
    return path


@pytest.fixture(autouse=True)
def chinese_interface() -> Iterator[None]:
    i18n.set_language("zh_Hans_CN")
    yield
    i18n.set_language("zh_Hans_CN")


@pytest.fixture
def store(data_dir: Path, kdf: KdfParams) -> StoreInfo:
    """A store with its administrator "admin" (closed again)."""
    session, recovery_key = Session.setup(data_dir, SetupInfo(
        clinic_name="八仙筒镇卫生院", township_code=TOWNSHIP, village_codes=VILLAGES,
        admin_username="admin", admin_display_name="乌云其其格", admin_password=ADMIN_PASSWORD,
        kdf=kdf))
    session.close()
    return StoreInfo(data_dir, recovery_key)


@pytest.fixture
def shell(qapp: QApplication, data_dir: Path, kdf: KdfParams) -> Iterator[Shell]:
    prepare_application(qapp, data_dir)
    the_shell = Shell(data_dir, kdf)
    yield the_shell
    tasks.wait_for_all()
    the_shell.shut_down()
    for widget in QApplication.topLevelWidgets():
        widget.close()
    # Delete now what the shell scheduled for deletion, so no widget outlives its test.
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    qapp.processEvents()
