"""Application fonts, all set up in one place at start.

The Mongolian font comes FIRST in the family list of the application font (which every
widget inherits) and of every font made for Mongolian text: if Noto Sans Mongolian is only
reached through fallback, Qt shapes the narrow no-break space (U+202F) before a suffix with
another font and the suffix takes the wrong form (shared/mongolian.md). Chinese follows
(Noto Sans CJK SC on Linux from Debian's fonts-noto-cjk, Microsoft YaHei on Windows), then
the system default for Latin text and digits.

Fonts are never downloaded here: packaging/fetch_fonts.py puts Noto Sans Mongolian 3.002
(with its OFL licence) into resources/fonts at set-up and in the packaging step.
"""

from __future__ import annotations

import struct
import sys
from pathlib import Path

from PySide6.QtGui import QFont, QFontDatabase, QRawFont
from PySide6.QtWidgets import QApplication

from desktop.paths import RESOURCES

FONT_DIR = RESOURCES / "fonts"
MONGOLIAN_FAMILY = "Noto Sans Mongolian"
# Pinned by packaging/fetch_fonts.py: the first version with FVS4 (U+180F) and the
# UTN #57 (2024) shaping rules. Debian's 2.001 lacks both.
MONGOLIAN_MIN_VERSION = (3, 2)
# Windows has Mongolian Baiti (not redistributable): better than nothing if ours is missing.
MONGOLIAN_FALLBACKS = ("Mongolian Baiti",)
CHINESE_FAMILIES = (("Microsoft YaHei", "SimSun") if sys.platform == "win32"
                    else ("Noto Sans CJK SC",))
FONT_SUFFIXES = (".ttf", ".otf", ".ttc")

_loaded: list[str] | None = None


def load_bundled_fonts(folder: Path = FONT_DIR) -> list[str]:
    """Register every font file under *folder* once per process; returns their families."""
    global _loaded
    if _loaded is not None and folder == FONT_DIR:
        return list(_loaded)
    families: list[str] = []
    if folder.is_dir():
        for path in sorted(folder.rglob("*")):
            if path.suffix.lower() in FONT_SUFFIXES:
                font_id = QFontDatabase.addApplicationFont(str(path))
                if font_id >= 0:
                    families += QFontDatabase.applicationFontFamilies(font_id)
    if folder == FONT_DIR:
        _loaded = families
    return families


def font_families(default_family: str) -> list[str]:
    """The family list for widgets: Mongolian first, then Chinese, then *default_family*.

    Noto Sans Mongolian is listed even when it is missing (Qt skips it) so that a font
    installed later is still found first; the Windows fallback only when ours is absent.
    """
    families = [MONGOLIAN_FAMILY]
    if not QFontDatabase.hasFamily(MONGOLIAN_FAMILY):
        families += [f for f in MONGOLIAN_FALLBACKS if QFontDatabase.hasFamily(f)]
    families += [f for f in CHINESE_FAMILIES if QFontDatabase.hasFamily(f)]
    if default_family and default_family not in families:
        families.append(default_family)
    return families


def ui_font(base: QFont | None = None, point_size: float | None = None) -> QFont:
    """A copy of *base* (default: the application font) with our family list."""
    app = QApplication.instance()
    font = QFont(base) if base is not None else (
        QFont(app.font()) if isinstance(app, QApplication) else QFont())
    font.setFamilies(font_families(font.family() if font.family() != MONGOLIAN_FAMILY
                                   else QFont().family()))
    if point_size is not None:
        font.setPointSizeF(point_size)
    return font


def apply_app_font(app: QApplication) -> list[str]:
    """Load bundled fonts and set the application-wide family list; returns it."""
    load_bundled_fonts()
    font = QFont(app.font())
    default = font.family()
    if default == MONGOLIAN_FAMILY:  # called twice: keep the system default found first
        default = QFontDatabase.systemFont(QFontDatabase.SystemFont.GeneralFont).family()
    families = font_families(default)
    font.setFamilies(families)
    app.setFont(font)
    return families


# -- checking the loaded font ---------------------------------------------------------------
def raw_font(family: str = MONGOLIAN_FAMILY, pixel_size: float = 16) -> QRawFont:
    """The font file Qt really uses for *family* (invalid if the family is missing)."""
    font = QFont(family)
    font.setPixelSize(int(pixel_size))
    font.setStyleStrategy(QFont.StyleStrategy.NoFontMerging)
    return QRawFont.fromFont(font)


def name_table_entry(raw: QRawFont, name_id: int) -> str | None:
    """String *name_id* of the font's OpenType 'name' table (5 = version), or None."""
    data = bytes(raw.fontTable("name").data())
    if len(data) < 6:
        return None
    _format, count, string_offset = struct.unpack(">HHH", data[:6])
    fallback: str | None = None
    for index in range(count):
        record = data[6 + 12 * index: 18 + 12 * index]
        if len(record) < 12:
            break
        platform, _encoding, _lang, nid, length, offset = struct.unpack(">HHHHHH", record)
        if nid != name_id:
            continue
        raw_text = data[string_offset + offset: string_offset + offset + length]
        if platform in (0, 3):
            return raw_text.decode("utf-16-be", errors="replace")
        fallback = raw_text.decode("mac_roman", errors="replace")
    return fallback


def font_version(family: str = MONGOLIAN_FAMILY) -> tuple[int, int] | None:
    """(major, minor) from the 'name' table's "Version 3.002" string, or None."""
    raw = raw_font(family)
    if not raw.isValid():
        return None
    text = name_table_entry(raw, 5) or ""
    digits = text.replace("Version", "").strip().split(";")[0].strip()
    major, _dot, minor = digits.partition(".")
    try:
        return int(major), int(minor[:3].ljust(3, "0"))
    except ValueError:
        return None


def mongolian_font_ok() -> bool:
    """True when the loaded Mongolian font has FVS4 and is at least the pinned version."""
    raw = raw_font()
    version = font_version()
    return (raw.isValid() and raw.familyName() == MONGOLIAN_FAMILY
            and raw.supportsCharacter(0x180F) and version is not None
            and version >= MONGOLIAN_MIN_VERSION)
