"""Print jobs: lay out and paint handbooks or visit sheets on a PDF file or a printer.

Each job builds its layouts ON the output device (text measured there), keeps the pages
chosen, paints them with progress and cancel, and returns what was printed (page keys and
digests) for the caller to log through the services. No store access here: the data
arrives as the plain dicts desktop.services.printing_service gathered.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QMarginsF
from PySide6.QtGui import QPagedPaintDevice, QPageLayout, QPageSize, QPainter

from desktop.printing.handbook import build_handbook
from desktop.printing.layout import PageLayout, Sheet
from desktop.printing.render import (
    PAGE_SIZE_IDS,
    Cancelled,
    PrintCancelled,
    Progress,
    ensure_gui_application,
    paint_pages,
    pdf_writer,
)
from desktop.printing.sheets import build_visit_sheets

Selector = Callable[[str | None, list[PageLayout]], list[PageLayout]]

__all__ = ["PrintCancelled", "ensure_gui_application"]


@dataclass
class PrintedDocument:
    """What one handbook (or one batch of sheets) put on paper."""

    person_id: str | None
    pages: list[tuple[str, str]] = field(default_factory=list)  # (key, content hash)
    numbers: list[int] = field(default_factory=list)


def select_all(_person: str | None, pages: list[PageLayout]) -> list[PageLayout]:
    return pages


def select_keys(keys: Sequence[str]) -> Selector:
    """Only the pages whose key is in *keys* (e.g. the pages changed since the last print)."""
    wanted = set(keys)
    return lambda _person, pages: [p for p in pages if p.key in wanted]


def select_numbers(numbers: Sequence[int]) -> Selector:
    """Only pages with these numbers (1-based, as printed at the foot of each page)."""
    wanted = set(numbers)
    return lambda _person, pages: [p for p in pages if p.number in wanted]


def parse_page_ranges(text: str) -> list[int]:
    """"1-3, 7" → [1, 2, 3, 7]; ValueError on anything else."""
    numbers: list[int] = []
    for part in text.replace("，", ",").split(","):
        part = part.strip()
        if not part:
            continue
        low, dash, high = part.partition("-")
        start = int(low)
        end = int(high) if dash else start
        if start < 1 or end < start:
            raise ValueError(part)
        numbers.extend(range(start, end + 1))
    if not numbers:
        raise ValueError(text)
    return numbers


def prepare_device(device: QPagedPaintDevice, size: str) -> None:
    """Whole pages of *size*, no device margins: the layouts place their own (binding)
    margins. A QPrinter must also be set to full-page mode by its owner."""
    device.setPageLayout(QPageLayout(QPageSize(PAGE_SIZE_IDS[size]),
                                     QPageLayout.Orientation.Portrait, QMarginsF(0, 0, 0, 0)))


def layout_handbooks(device: QPagedPaintDevice, size: str,
                     handbooks: Sequence[Mapping[str, Any]], selector: Selector = select_all,
                     today: date | None = None, cancelled: Cancelled | None = None
                     ) -> list[tuple[str | None, list[PageLayout]]]:
    """The chosen pages of each handbook, laid out on *device* (which must already have
    its page size and resolution)."""
    sheet = Sheet(device, size)
    out = []
    for data in handbooks:
        if cancelled is not None and cancelled():
            raise PrintCancelled()
        person = data.get("person_id")
        out.append((person, selector(person, build_handbook(sheet, data, today))))
    return out


def paint_documents(device: QPagedPaintDevice,
                    documents: Sequence[tuple[str | None, list[PageLayout]]],
                    progress: Progress | None = None, cancelled: Cancelled | None = None
                    ) -> list[PrintedDocument]:
    """Paint laid-out documents one after another on *device*; returns what was printed.
    Nothing is painted (and no painter opened) when no page was chosen."""
    flat = [(person, page) for person, pages in documents for page in pages]
    if not flat:
        return []
    painter = QPainter()
    if not painter.begin(device):
        raise OSError("the printer or PDF file could not be opened")
    printed: dict[str | None, PrintedDocument] = {}
    try:
        total = len(flat)
        for index, (person, page) in enumerate(flat):
            if cancelled is not None and cancelled():
                raise PrintCancelled()
            if index:
                device.newPage()
            paint_pages(painter, [page], lambda: True)
            doc = printed.setdefault(person, PrintedDocument(person))
            doc.pages.append((page.key, page.content_hash))
            doc.numbers.append(page.number)
            if progress is not None:
                progress(index + 1, total)
    finally:
        painter.end()
    return list(printed.values())


def handbooks_to_device(device: QPagedPaintDevice, size: str,
                        handbooks: Sequence[Mapping[str, Any]],
                        selector: Selector = select_all, today: date | None = None,
                        progress: Progress | None = None, cancelled: Cancelled | None = None
                        ) -> list[PrintedDocument]:
    prepare_device(device, size)
    documents = layout_handbooks(device, size, handbooks, selector, today, cancelled)
    return paint_documents(device, documents, progress, cancelled)


def handbooks_to_pdf(path: Path, size: str, handbooks: Sequence[Mapping[str, Any]],
                     selector: Selector = select_all, today: date | None = None,
                     progress: Progress | None = None, cancelled: Cancelled | None = None
                     ) -> list[PrintedDocument]:
    """Write the chosen pages of *handbooks* to the PDF *path* (300 dpi, fonts embedded).
    On cancel or error the half-written file is removed."""
    ensure_gui_application()
    path = Path(path)
    writer = pdf_writer(path, size, "Eke")
    try:
        return handbooks_to_device(writer, size, handbooks, selector, today, progress,
                                   cancelled)
    except BaseException:
        del writer
        path.unlink(missing_ok=True)
        raise


def sheets_to_device(device: QPagedPaintDevice, size: str, sheets: Sequence[Mapping[str, Any]],
                     progress: Progress | None = None, cancelled: Cancelled | None = None
                     ) -> PrintedDocument:
    prepare_device(device, size)
    pages = build_visit_sheets(Sheet(device, size), sheets)
    printed = paint_documents(device, [(None, pages)], progress, cancelled)
    return printed[0] if printed else PrintedDocument(None)


def sheets_to_pdf(path: Path, size: str, sheets: Sequence[Mapping[str, Any]],
                  progress: Progress | None = None, cancelled: Cancelled | None = None
                  ) -> PrintedDocument:
    ensure_gui_application()
    path = Path(path)
    writer = pdf_writer(path, size, "Eke")
    try:
        return sheets_to_device(writer, size, sheets, progress, cancelled)
    except BaseException:
        del writer
        path.unlink(missing_ok=True)
        raise
