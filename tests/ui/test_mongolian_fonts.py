"""The Mongolian font the program loads: version, FVS4, first in every family list, and
the suffix form after U+202F (shaped with the program's real widget font)."""

from __future__ import annotations

from PySide6.QtGui import QTextLayout
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit

from desktop.ui import fonts
from desktop.ui.widgets.text_fields import NameLineEdit
from desktop.ui.widgets.vertical_text import VerticalLabel


def glyph_runs(text: str, font):  # noqa: ANN001, ANN201
    layout = QTextLayout(text, font)
    layout.beginLayout()
    layout.createLine()
    layout.endLayout()
    return layout.glyphRuns()


def test_bundled_mongolian_font_is_3_002_or_newer_with_fvs4(qapp: QApplication):
    fonts.apply_app_font(qapp)
    assert fonts.MONGOLIAN_FAMILY in fonts.load_bundled_fonts()
    version = fonts.font_version()
    assert version is not None and version >= (3, 2)
    raw = fonts.raw_font()
    assert raw.familyName() == fonts.MONGOLIAN_FAMILY
    assert raw.supportsCharacter(0x180F)
    assert fonts.mongolian_font_ok()


def test_mongolian_comes_first_in_every_widget_font(qapp: QApplication, qtbot):  # noqa: ANN001
    fonts.apply_app_font(qapp)
    assert qapp.font().families()[0] == fonts.MONGOLIAN_FAMILY
    assert "Noto Sans CJK SC" in qapp.font().families()
    for widget in (QLabel("x"), QLineEdit(), NameLineEdit(), VerticalLabel("ᠡᠬᠡ")):
        qtbot.addWidget(widget)
        assert widget.font().families()[0] == fonts.MONGOLIAN_FAMILY


def test_suffix_after_nnbsp_takes_its_own_form_in_the_widget_font(qapp: QApplication,
                                                                  qtbot):  # noqa: ANN001
    fonts.apply_app_font(qapp)
    label = QLabel()
    qtbot.addWidget(label)
    font = label.font()
    joined = glyph_runs("ᠮᠣᠩᠭᠣᠯ\u202fᠤᠨ", font)
    spaced = glyph_runs("ᠮᠣᠩᠭᠣᠯ ᠤᠨ", font)
    assert {run.rawFont().familyName() for run in joined} == {fonts.MONGOLIAN_FAMILY}
    assert {run.rawFont().familyName() for run in spaced} == {fonts.MONGOLIAN_FAMILY}
    joined_glyphs = [g for run in joined for g in run.glyphIndexes()]
    spaced_glyphs = [g for run in spaced for g in run.glyphIndexes()]
    assert 0 not in joined_glyphs
    # The stem is the same; the glyph after the joiner differs from the one after a space.
    stem = len(glyph_runs("ᠮᠣᠩᠭᠣᠯ", font)[0].glyphIndexes())
    assert joined_glyphs[:stem] == spaced_glyphs[:stem]
    assert joined_glyphs[stem + 1] != spaced_glyphs[stem + 1]
