"""Application fonts: the Mongolian font first, then Chinese, then the system default
(shared/mongolian.md: if the Mongolian font is reached only through fallback, suffixes after
U+202F take the wrong form). Fonts are never downloaded here; bundled ones are loaded from
resources/fonts when the packaging step has put them there."""

from __future__ import annotations

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

from desktop.paths import RESOURCES

PREFERRED_FAMILIES = ("Noto Sans Mongolian", "Noto Sans CJK SC", "Microsoft YaHei",
                      "Mongolian Baiti", "SimSun")
FONT_SUFFIXES = (".ttf", ".otf", ".ttc")


def load_bundled_fonts() -> list[str]:
    """Register every font file under resources/fonts; returns the families they add."""
    folder = RESOURCES / "fonts"
    families: list[str] = []
    if not folder.is_dir():
        return families
    for path in sorted(folder.rglob("*")):
        if path.suffix.lower() in FONT_SUFFIXES:
            font_id = QFontDatabase.addApplicationFont(str(path))
            if font_id >= 0:
                families += QFontDatabase.applicationFontFamilies(font_id)
    return families


def font_families(default_family: str) -> list[str]:
    """The family list for every widget: preferred ones that exist, then the default."""
    found = [f for f in PREFERRED_FAMILIES if QFontDatabase.hasFamily(f)]
    return found + ([default_family] if default_family not in found else [])


def apply_app_font(app: QApplication) -> list[str]:
    """Set the application-wide font family list; returns it."""
    font = QFont(app.font())
    families = font_families(font.family())
    font.setFamilies(families)
    app.setFont(font)
    return families
