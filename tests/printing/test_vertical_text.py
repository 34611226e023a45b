"""The vertical Mongolian painter shared by widgets and print: orientation, column order,
sizes, and resolution on a PDF writer (real QImage and QPdfWriter, read back)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402
from PySide6.QtCore import QPointF  # noqa: E402
from PySide6.QtGui import QColor, QImage, QPageSize, QPainter, QPdfWriter  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from desktop.printing.vertical_text import (  # noqa: E402
    column_width,
    paint_vertical,
    vertical_size,
    vertical_text_only,
)
from desktop.ui import fonts  # noqa: E402

WORD = "ᠮᠣᠩᠭᠣᠯ"


@pytest.fixture
def font(qapp: QApplication):  # noqa: ANN201 - QFont
    fonts.apply_app_font(qapp)
    return fonts.ui_font(point_size=20)


def render(lines: list[str], font) -> QImage:  # noqa: ANN001
    probe = QImage(10, 10, QImage.Format.Format_ARGB32)
    size = vertical_size(lines, font, probe)
    image = QImage(int(size.width()) + 20, int(size.height()) + 20,
                   QImage.Format.Format_ARGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    painter.setPen(QColor("black"))
    paint_vertical(painter, QPointF(10, 10), lines, font)
    painter.end()
    return image


def ink_rows_and_columns(image: QImage, x0: int = 0, x1: int | None = None):  # noqa: ANN201
    x1 = image.width() if x1 is None else x1
    rows, cols = [], []
    for y in range(image.height()):
        for x in range(x0, x1):
            if QColor(image.pixel(x, y)).lightness() < 128:
                rows.append(y)
                cols.append(x)
    return rows, cols


def test_a_line_reads_top_to_bottom(font):  # noqa: ANN001
    # The first letter, then wide no-break spaces: with the right rotation (+90°) the only
    # ink is at the top; the usual −90° recipe would put it at the bottom.
    image = render([WORD[0] + "\u2003" * 12], font)
    rows, _cols = ink_rows_and_columns(image)
    assert rows, "nothing was painted"
    assert max(rows) < image.height() / 3


def test_three_lines_are_columns_from_left_to_right(font):  # noqa: ANN001
    lines = ["ᠠ", "ᠠᠠᠠᠠᠠ", "ᠠᠠᠠᠠᠠᠠᠠᠠᠠᠠᠠᠠ"]  # ink heights grow with the line number
    image = render(lines, font)
    pitch = column_width(font, image)
    heights = []
    for k in range(3):
        rows, _ = ink_rows_and_columns(image, int(10 + k * pitch), int(10 + (k + 1) * pitch))
        assert rows, f"column {k} is empty"
        heights.append(max(rows) - min(rows))
    assert heights[0] < heights[1] < heights[2]


def test_size_holds_the_whole_text(font):  # noqa: ANN001
    lines = [WORD + "\u202fᠤᠨ ᠬᠡᠯᠡ", "ᠡᠬᠡ ᠬᠡᠦᠬᠡᠳ"]
    image = render(lines, font)
    rows, cols = ink_rows_and_columns(image)
    size = vertical_size(lines, font, image)
    assert min(cols) >= 10 - 1 and max(cols) <= 10 + size.width() + 1
    assert min(rows) >= 10 - 1 and max(rows) <= 10 + size.height() + 1


def test_chinese_and_latin_are_kept_out_of_vertical_lines():
    assert vertical_text_only("中文 ᠮᠣᠩᠭᠣᠯ abc 12") == "ᠮᠣᠩᠭᠣᠯ 12"
    assert vertical_text_only("ᠲᠣᠬᠢᠷᠠᠭᠤᠯᠭ᠎ᠠ") == "ᠲᠣᠬᠢᠷᠠᠭᠤᠯᠭ᠎ᠠ"  # MVS stays


def test_a_pdf_writer_gets_print_sized_columns(font, tmp_path: Path):  # noqa: ANN001
    path = tmp_path / "vertical.pdf"
    writer = QPdfWriter(str(path))
    writer.setResolution(300)
    writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    font12 = fonts.ui_font(point_size=12)
    nominal = 12 * 300 / 72  # the em in device pixels: 50
    pitch = column_width(font12, writer)
    screen_ratio = column_width(font12) / (12 * QImage(1, 1, QImage.Format.Format_ARGB32)
                                           .logicalDpiY() / 72)
    assert pitch == pytest.approx(nominal * screen_ratio, rel=0.1)
    assert nominal <= pitch <= 2 * nominal  # not screen-sized (a third of this)
    painter = QPainter(writer)
    used = paint_vertical(painter, QPointF(300, 300), [WORD, "ᠡᠬᠡ"], font12)
    painter.end()
    assert used.width() == pytest.approx(2 * pitch)
    if shutil.which("pdffonts"):
        listing = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True,
                                 check=True).stdout
        line = next(row for row in listing.splitlines() if "NotoSansMongolian" in row)
        assert " yes " in line  # embedded


def test_widget_and_print_share_the_painter(font, qtbot):  # noqa: ANN001
    from desktop.ui.widgets.vertical_text import VerticalLabel

    label = VerticalLabel(f"{WORD}\nᠡᠬᠡ\nᠬᠡᠯᠡ 中文")
    label.setFont(font)
    qtbot.addWidget(label)
    assert label.lines() == [WORD, "ᠡᠬᠡ", "ᠬᠡᠯᠡ"]
    hint = label.sizeHint()
    size = vertical_size(label.lines(), font, label)
    assert hint.width() >= size.width() and hint.height() >= size.height()
    label.resize(hint)
    image = label.grab().toImage()
    rows, cols = ink_rows_and_columns(image)
    assert rows and max(rows) < hint.height() and max(cols) < hint.width()
