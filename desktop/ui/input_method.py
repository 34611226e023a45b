"""Chinese and Mongolian input methods on Linux.

PySide6's wheels carry Qt's ibus and compose input-context plugins but no fcitx5 one. On a
desktop where fcitx5 runs (the usual Chinese input framework on Kylin/UOS and many
distributions) and QT_IM_MODULE says "fcitx", Qt would find no plugin and every text field
would take only Latin keys. fcitx5 also speaks the ibus D-Bus protocol, so we ask Qt for
ibus instead. Must run before QApplication exists. Windows and macOS need nothing.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, MutableMapping
from pathlib import Path

FCITX_PROCESSES = ("fcitx5", "fcitx")


def _running_process_names(proc: Path = Path("/proc")) -> Iterable[str]:
    try:
        entries = list(proc.iterdir())
    except OSError:
        return
    for entry in entries:
        if entry.name.isdigit():
            try:
                yield (entry / "comm").read_text(encoding="utf-8", errors="replace").strip()
            except OSError:
                continue


def fcitx_running(proc: Path = Path("/proc")) -> bool:
    return any(name in FCITX_PROCESSES for name in _running_process_names(proc))


def qt_has_fcitx_plugin() -> bool:
    from PySide6.QtCore import QLibraryInfo

    folder = Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.PluginsPath)) / \
        "platforminputcontexts"
    return any("fcitx" in path.name for path in folder.glob("*"))


def choose_input_module(environ: MutableMapping[str, str] | None = None,
                        platform: str = sys.platform, fcitx: bool | None = None,
                        plugin: bool | None = None) -> str | None:
    """Set QT_IM_MODULE=ibus in *environ* when fcitx runs and Qt cannot talk to it.

    Returns the module set, or None when nothing was changed (a value the user set that
    Qt can use is kept).
    """
    env = os.environ if environ is None else environ
    if not platform.startswith("linux"):
        return None
    current = env.get("QT_IM_MODULE", "")
    if current and "fcitx" not in current:
        return None  # the user's choice (ibus, xim, …) works with our plugins
    if not (fcitx_running() if fcitx is None else fcitx):
        return None
    if qt_has_fcitx_plugin() if plugin is None else plugin:
        return None
    env["QT_IM_MODULE"] = "ibus"
    return "ibus"
