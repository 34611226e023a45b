"""Fonts for printed pages (QtGui only: printing runs in commands without widgets).

Sizes are typographic points turned into pixels of the PAINT DEVICE (a QPdfWriter or
QPrinter), never of the screen: a layout measured with screen metrics comes out about a
third of its size at 300 dpi (shared/mongolian.md, "Printing"). Mongolian runs get a family
list with Noto Sans Mongolian FIRST (suffixes after U+202F take the wrong form otherwise);
Chinese runs put Noto Sans CJK SC first so digits and Latin letters match the Chinese.
Qt embeds the fonts used into the PDF by itself.
"""

from __future__ import annotations

import sys

from PySide6.QtGui import QFont, QFontDatabase, QPaintDevice

from desktop.paths import RESOURCES

MONGOLIAN_FAMILY = "Noto Sans Mongolian"
CHINESE_FAMILIES = (("Microsoft YaHei", "SimSun") if sys.platform == "win32"
                    else ("Noto Sans CJK SC",))
FALLBACK_FAMILIES = ("Noto Sans SC", "Source Han Sans SC", "WenQuanYi Micro Hei", "sans-serif")
FONT_SUFFIXES = (".ttf", ".otf", ".ttc")

_loaded = False


def load_fonts() -> None:
    """Register the bundled fonts (resources/fonts) once per process; needs a
    QGuiApplication. The UI's own loader may have done it already: adding twice is
    harmless but wasteful, so a family already known is not added again."""
    global _loaded
    if _loaded:
        return
    folder = RESOURCES / "fonts"
    if folder.is_dir() and not QFontDatabase.hasFamily(MONGOLIAN_FAMILY):
        for path in sorted(folder.rglob("*")):
            if path.suffix.lower() in FONT_SUFFIXES:
                QFontDatabase.addApplicationFont(str(path))
    _loaded = True


def points_to_pixels(points: float, device: QPaintDevice) -> float:
    return points * device.logicalDpiY() / 72.0


def chinese_font(points: float, device: QPaintDevice, bold: bool = False) -> QFont:
    """A font for Chinese (and digits) at *points* on *device*."""
    font = QFont()
    font.setFamilies([*CHINESE_FAMILIES, MONGOLIAN_FAMILY, *FALLBACK_FAMILIES])
    font.setPixelSize(max(1, round(points_to_pixels(points, device))))
    font.setBold(bold)
    return font


def mongolian_font(points: float, device: QPaintDevice, bold: bool = False) -> QFont:
    """A font for traditional Mongolian at *points* on *device* (Mongolian first)."""
    font = QFont()
    font.setFamilies([MONGOLIAN_FAMILY, *CHINESE_FAMILIES, *FALLBACK_FAMILIES])
    font.setPixelSize(max(1, round(points_to_pixels(points, device))))
    font.setBold(bold)
    return font
