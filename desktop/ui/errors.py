"""The one place that turns exceptions into dialogs (style.md example 9, after Anki's
aqt/errors.py).

An AppError is expected: the user sees its text in their language. Anything else is a bug:
the user sees a generic message and the traceback goes to data_dir/logs/eke.log. The log
keeps only the exception type and the code locations, never the exception's message or
local values, because those can hold names, ID numbers or passwords.
"""

from __future__ import annotations

import logging
import sys
import traceback
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget

from desktop.errors import AppError
from desktop.i18n import _
from desktop.i18n.messages import error_text

LOG_NAME = "eke.ui"
_log_dir: Path | None = None


def configure_logging(data_dir: Path) -> Path:
    """Send UI error reports to data_dir/logs/eke.log; returns the log file path."""
    global _log_dir
    _log_dir = data_dir / "logs"
    _log_dir.mkdir(parents=True, exist_ok=True)
    path = _log_dir / "eke.log"
    logger = logging.getLogger(LOG_NAME)
    for handler in list(logger.handlers):
        logger.removeHandler(handler)
        handler.close()
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False
    return path


def scrubbed_traceback(exc: BaseException) -> str:
    """The traceback of *exc* without its message: type names and code locations only."""
    lines: list[str] = []
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        lines.append(f"{type(current).__module__}.{type(current).__qualname__}")
        for frame in traceback.extract_tb(current.__traceback__):
            lines.append(f"  {Path(frame.filename).name}:{frame.lineno} in {frame.name}")
        current = current.__cause__ or current.__context__
        if current is not None:
            lines.append("caused by:")
    return "\n".join(lines)


def log_exception(exc: BaseException) -> None:
    logging.getLogger(LOG_NAME).error("unexpected error\n%s", scrubbed_traceback(exc))


def message_for(exc: BaseException) -> str:
    """What the user is told about *exc*, in the current language."""
    if isinstance(exc, AppError):
        return error_text(exc)
    return _("Something unexpected went wrong. The details were written to the log file.")


def show_error(parent: QWidget | None, exc: BaseException) -> QMessageBox:
    """Show *exc* in a window-modal message box (not blocking) and log it if unexpected."""
    if not isinstance(exc, AppError):
        log_exception(exc)
    box = QMessageBox(QMessageBox.Icon.Warning, _("Eke"), message_for(exc),
                      QMessageBox.StandardButton.Ok, parent)
    box.setObjectName("error_dialog")
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    return box


def install_excepthook() -> None:
    """Route uncaught exceptions (e.g. in slots) to the log and a dialog, not stderr only."""

    def hook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if isinstance(exc, KeyboardInterrupt):
            sys.__excepthook__(kind, exc, tb)
            return
        show_error(None, exc)

    sys.excepthook = hook
