"""The installed PySide6 must not leak references to None on void calls (6.12.0 on
CPython 3.11 does: after some ten thousand paint calls the interpreter aborts)."""

from __future__ import annotations

import sys

from PySide6.QtGui import QImage, QPainter


def test_void_qt_calls_keep_none_s_reference_count(qapp):
    image = QImage(8, 8, QImage.Format.Format_ARGB32)
    painter = QPainter(image)
    try:
        before = sys.getrefcount(None)
        for _ in range(2000):
            painter.save()
            painter.restore()
        after = sys.getrefcount(None)
    finally:
        painter.end()
    # Other threads may hold or drop a few references meanwhile; a leak loses 4,000.
    assert before - after < 500
