"""Where Eke keeps its data, settings and logs.

EKE_HOME or --data-dir override the platform's user data folder, so tests, demos and a
USB-stick install can each point at their own store.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import platformdirs

APP_NAME = "Eke"


def bundle_root() -> Path:
    """The folder that holds resources/ and i18n/: the checkout when run from source, the
    unpacked bundle (sys._MEIPASS) when run as the program PyInstaller built."""
    unpacked = getattr(sys, "_MEIPASS", None)
    if getattr(sys, "frozen", False) and unpacked:
        return Path(unpacked)
    return Path(__file__).resolve().parent.parent


RESOURCES = bundle_root() / "resources"
I18N_DIR = bundle_root() / "i18n"


def default_data_dir() -> Path:
    """The data folder when no --data-dir is given: EKE_HOME, else the user's data dir."""
    home = os.environ.get("EKE_HOME")
    if home:
        return Path(home)
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def resolve_data_dir(arg: str | os.PathLike[str] | None) -> Path:
    """The data folder for *arg* (a --data-dir value or None), created if missing."""
    path = Path(arg) if arg else default_data_dir()
    path.mkdir(parents=True, exist_ok=True)
    return path
