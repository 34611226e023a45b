"""Helpers shared by the UI tests (drive widgets by objectName, never by label text)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QPushButton, QWidget

from desktop.ui.app import Shell
from desktop.ui.main_window import MainWindow

OUT_DIR = Path(__file__).resolve().parents[1] / "out"
ADMIN_PASSWORD = "admin-secret-1"
TOWNSHIP = "150525100"
VILLAGES = ["150525100201", "150525100202", "150525100203"]


def child(parent: QWidget, kind: type, name: str):  # noqa: ANN201 - the widget of *kind*
    """The widget called *name* under *parent*; fails the test if it is missing."""
    found = parent.findChild(kind, name)
    assert found is not None, f"no {kind.__name__} named {name}"
    return found


def screenshot(widget: QWidget, name: str) -> Path:
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    path = OUT_DIR / f"{name}.png"
    assert widget.grab().save(str(path))
    return path


def log_in(qtbot, shell: Shell, username: str, password: str) -> MainWindow:  # noqa: ANN001
    """Type *password* for *username* on the login screen, press Enter, wait for the window."""
    login = shell.login
    assert login is not None and login.isVisible()
    assert login.select_user(username)
    field = child(login, QLineEdit, "login_password")
    qtbot.keyClicks(field, password)
    qtbot.keyClick(field, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: shell.main is not None and shell.main.isVisible())
    assert shell.main is not None
    return shell.main


def click(qtbot, parent: QWidget, name: str) -> None:  # noqa: ANN001
    qtbot.mouseClick(child(parent, QPushButton, name), Qt.MouseButton.LeftButton)
