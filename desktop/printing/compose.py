"""Flowing content onto pages: headings, label/value fields, ruled tables that continue on
new pages, blank lines for handwriting. Every text box is measured before it is placed,
so nothing overlaps or leaves the printable area; a row that does not fit starts a page.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QColor, QFont

from desktop.printing.layout import (
    CENTRE,
    LEFT,
    LIGHT_RULE,
    RIGHT,
    BoxItem,
    Column,
    LineItem,
    PageLayout,
    Sheet,
    TextItem,
    VerticalItem,
    content_hash,
    normalised,
)

PAD_MM = 1.0


@dataclass(frozen=True)
class Heading:
    chinese: str
    mongolian: str  # may be empty: then no vertical strip is drawn


class Composer:
    """Appends pages to *pages*; the current page's free area runs from `y` down to
    `bottom`, between `left` and `right`."""

    def __init__(self, sheet: Sheet, footer: str = "", first_number: int = 1) -> None:
        self.sheet = sheet
        self.footer = footer
        self.pages: list[PageLayout] = []
        self.next_number = first_number
        self.page: PageLayout | None = None
        self.left = self.right = self.y = self.bottom = 0.0
        self._content: list[Any] = []
        self._keys: dict[str, int] = {}

    # -- pages ------------------------------------------------------------------------
    def start_page(self, key: str, heading: Heading, content: Any = None) -> PageLayout:
        """A new page named *key* with the section heading: Chinese across the top,
        Mongolian down a strip at the left edge (where it fits)."""
        self.finish_page()
        # Continuation pages get "key.2", "key.3"…: keys stay unique and stable.
        self._keys[key] = self._keys.get(key, 0) + 1
        if self._keys[key] > 1:
            key = f"{key}.{self._keys[key]}"
        sheet = self.sheet
        number = self.next_number
        self.next_number += 1
        printable = sheet.printable(number)
        page = PageLayout(key, heading.chinese, "", number, QRectF(sheet.page),
                          sheet.reachable(), printable)
        self.page = page
        self._content = [content]
        self.left, self.right = printable.left(), printable.right()
        self.y, self.bottom = printable.top(), printable.bottom()
        fitted = sheet.vertical_fit(heading.mongolian, printable.height()) \
            if heading.mongolian else None
        if fitted is not None:
            lines, font, size = fitted
            rect = QRectF(printable.left(), printable.top(), size.width(), size.height())
            page.items.append(VerticalItem(rect, lines, font))
            page.items.append(LineItem(QPointF(rect.right() + sheet.mm(1.2), printable.top()),
                                       QPointF(rect.right() + sheet.mm(1.2),
                                               printable.bottom()), 0.4, QColor(LIGHT_RULE)))
            self.left = rect.right() + sheet.mm(3)
        title_font = sheet.font(1.45, bold=True)
        self.text(heading.chinese, title_font)
        self.y += sheet.mm(1)
        page.items.append(LineItem(QPointF(self.left, self.y), QPointF(self.right, self.y), 0.8))
        self.y += sheet.mm(2.5)
        return page

    def finish_page(self) -> None:
        page = self.page
        if page is None:
            return
        page.content_hash = content_hash(self._content)
        sheet = self.sheet
        foot = sheet.footer_rect(page.number)
        font = sheet.font(0.85)
        number_text = str(page.number)
        number_w = sheet.text_width("0000", font)
        # The page number sits on the outer edge, where a reader's thumb finds it.
        outer_right = page.number % 2 == 1
        nx = foot.right() - number_w if outer_right else foot.left()
        page.items.append(TextItem(QRectF(nx, foot.top(), number_w, sheet.line_height(font)),
                                   number_text, font, RIGHT if outer_right else LEFT))
        if self.footer:
            avail = foot.width() - number_w - sheet.mm(3)
            fx = foot.left() if outer_right else foot.left() + number_w + sheet.mm(3)
            text = sheet.elided(self.footer, font, avail)
            page.items.append(TextItem(QRectF(fx, foot.top(), avail, sheet.line_height(font)),
                                       text, font, LEFT, QColor(90, 90, 90)))
        self.pages.append(page)
        self.page = None

    def note_content(self, content: Any) -> None:
        """Add *content* to what the current page's hash covers."""
        self._content.append(content)

    @property
    def width(self) -> float:
        return self.right - self.left

    def room(self) -> float:
        return self.bottom - self.y

    # -- text -------------------------------------------------------------------------
    def text(self, text: str, font: QFont | None = None, align=LEFT,
             colour: QColor | None = None) -> float:
        """A paragraph across the free width at the cursor; returns its height. The caller
        checks room first (ensure); a paragraph never runs past the bottom."""
        font = font or self.sheet.font()
        height = self.sheet.text_height(text, font, self.width)
        assert self.page is not None
        item = TextItem(QRectF(self.left, self.y, self.width, height), text, font, align)
        if colour is not None:
            item.colour = colour
        self.page.items.append(item)
        self.y += height
        return height

    def ensure(self, height: float, key: str, heading: Heading) -> bool:
        """Start a continuation page when less than *height* is left; True if it did."""
        if self.room() >= height:
            return False
        self.start_page(key, heading)
        return True

    def subheading(self, text: str, key: str, heading: Heading) -> None:
        font = self.sheet.font(1.1, bold=True)
        need = self.sheet.text_height(text, font, self.width) + self.sheet.mm(8)
        self.ensure(need, key, heading)
        self.y += self.sheet.mm(1)
        self.text(text, font)
        self.y += self.sheet.mm(1)

    def fields(self, pairs: Sequence[tuple[str, str]], key: str, heading: Heading,
               columns: int = 2) -> None:
        """Label/value pairs in *columns* columns; an empty value gets a rule to write on.
        Values wrap inside their cell; each row is as tall as its tallest cell."""
        sheet = self.sheet
        label_font = sheet.font(0.9)
        value_font = sheet.font(1.0)
        pad = sheet.mm(PAD_MM)
        gap = sheet.mm(3)
        cell_w = (self.width - gap * (columns - 1)) / columns
        label_w = min(cell_w * 0.42, max(sheet.text_width(label, label_font)
                                        for label, _ in pairs) + pad)
        for start in range(0, len(pairs), columns):
            row = pairs[start:start + columns]
            heights = []
            for label, value in row:
                heights.append(max(sheet.text_height(label, label_font, label_w),
                                   sheet.text_height(value or " ", value_font,
                                                     cell_w - label_w - pad)))
            row_h = max(heights) + pad * 2
            self.ensure(row_h, key, heading)
            assert self.page is not None
            for index, (label, value) in enumerate(row):
                x = self.left + index * (cell_w + gap)
                lh = sheet.text_height(label, label_font, label_w)
                self.page.items.append(TextItem(QRectF(x, self.y + pad, label_w, lh), label,
                                                label_font, LEFT, QColor(70, 70, 70)))
                vw = cell_w - label_w - pad
                vh = sheet.text_height(value or " ", value_font, vw)
                if value:
                    self.page.items.append(TextItem(QRectF(x + label_w + pad, self.y + pad,
                                                           vw, vh), value, value_font))
                base = self.y + row_h - pad * 0.5
                self.page.items.append(LineItem(QPointF(x + label_w + pad, base),
                                                QPointF(x + cell_w, base), 0.3,
                                                QColor(LIGHT_RULE)))
            self.y += row_h

    def table(self, columns: Sequence[Column], rows: Sequence[Sequence[str]], key: str,
              heading: Heading, blank_rows: int = 0, fill_page: bool = False,
              on_new_page: Callable[[], None] | None = None) -> None:
        """A ruled table: the header repeats on every page the rows run onto; *blank_rows*
        empty rows follow for handwriting (*fill_page*: as many as the last page holds)."""
        sheet = self.sheet
        pad = sheet.mm(PAD_MM)
        widths = normalised(columns, self.width)
        head_font = sheet.font(0.85, bold=True)
        cell_font = sheet.font(0.9)
        blank_h = sheet.line_height(cell_font) * 1.6 + 2 * pad

        def header_height() -> float:
            return max(sheet.text_height(c.header, head_font, w - 2 * pad)
                       for c, w in zip(columns, widths, strict=True)) + 2 * pad

        def draw_header() -> None:
            assert self.page is not None
            h = header_height()
            x = self.left
            self.page.items.append(BoxItem(QRectF(self.left, self.y, self.width, h),
                                           QColor(236, 236, 236), 0.5))
            for column, w in zip(columns, widths, strict=True):
                th = sheet.text_height(column.header, head_font, w - 2 * pad)
                self.page.items.append(TextItem(QRectF(x + pad, self.y + (h - th) / 2,
                                                       w - 2 * pad, th), column.header,
                                                head_font, CENTRE))
                x += w
            self.y += h

        def row_height(cells: Sequence[str]) -> float:
            return max(sheet.text_height(text or " ", cell_font, w - 2 * pad)
                       for text, w in zip(cells, widths, strict=True)) + 2 * pad

        def new_page() -> None:
            self.start_page(key, heading)
            if on_new_page is not None:
                on_new_page()
            draw_header()

        if self.room() < header_height() + (row_height(rows[0]) if rows else blank_h):
            new_page()
        else:
            draw_header()
        all_rows: list[Sequence[str] | None] = [*rows, *([None] * blank_rows)]
        index = 0
        while True:
            if index < len(all_rows):
                cells = all_rows[index]
            elif fill_page and self.room() >= blank_h:
                cells = None
            else:
                break
            h = row_height(cells) if cells is not None else blank_h
            if self.room() < h:
                if index >= len(all_rows):
                    break
                new_page()
                continue
            assert self.page is not None
            if cells is not None:
                self.note_content(list(cells))
            x = self.left
            for n, w in enumerate(widths):
                self.page.items.append(BoxItem(QRectF(x, self.y, w, h), None, 0.4))
                if cells is not None and cells[n]:
                    th = sheet.text_height(cells[n], cell_font, w - 2 * pad)
                    self.page.items.append(TextItem(QRectF(x + pad, self.y + pad, w - 2 * pad,
                                                           th), cells[n], cell_font,
                                                    columns[n].align))
                x += w
            self.y += h
            index += 1

    def ruled_lines(self, count: int | None = None) -> None:
        """Lines for handwriting: *count* of them, or down to the bottom of the page."""
        sheet = self.sheet
        step = sheet.mm(7)
        drawn = 0
        assert self.page is not None
        while self.room() >= step and (count is None or drawn < count):
            self.y += step
            self.page.items.append(LineItem(QPointF(self.left, self.y),
                                            QPointF(self.right, self.y), 0.3,
                                            QColor(LIGHT_RULE)))
            drawn += 1

    def swatch(self, rect: QRectF, colour: QColor) -> None:
        assert self.page is not None
        self.page.items.append(BoxItem(rect, colour, 0.6))


def empty(value: Any) -> str:
    return "" if value is None else str(value)


__all__ = ["CENTRE", "LEFT", "RIGHT", "Column", "Composer", "Heading", "empty"]
