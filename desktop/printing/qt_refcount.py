"""A guard against a PySide6 6.12 bug on CPython < 3.12: every call of a Qt method that
returns void gives back one reference to None it never took (measured: QTextLayout.
beginLayout, QTextLine.setLineWidth, QPainter.save… each lower sys.getrefcount(None) by
one). A printed handbook makes hundreds of thousands of such calls; when None's count
reaches zero the interpreter aborts ("none_dealloc"). From 3.12 None is immortal and the
bug is harmless.

`keep_none_alive()` adds a large number of references to None before heavy painting:
references to None that are never released cost nothing.
"""

from __future__ import annotations

import ctypes
import sys

_FLOOR = 100_000_000
_TOP_UP = 1_000_000_000


def keep_none_alive() -> None:
    """Top up None's reference count when it runs low (no-op on CPython ≥ 3.12)."""
    if sys.version_info >= (3, 12) or sys.implementation.name != "cpython":
        return
    if sys.getrefcount(None) < _FLOOR:
        # ob_refcnt is the first field of every CPython object header.
        ctypes.c_ssize_t.from_address(id(None)).value += _TOP_UP
