"""Writing a computed report to CSV (UTF-8 with BOM, so Excel opens Chinese correctly) or
XLSX (openpyxl): one row per indicator and area (the whole area, then each village) with
numerator, denominator and rate. Titles come translated from the caller (*label*), so the
file is in the user's language; codes stay as they are for machines.

Exports hold counts, not names: no personal data leaves the store this way.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from pathlib import Path

from desktop.services.reports import Report

HEADER = ("code", "indicator", "area", "numerator", "denominator", "rate", "per",
          "status", "period_from", "period_to")


def table(report: Report, label: Callable[[str], str] = lambda code: code
          ) -> Iterator[tuple]:
    """The export's rows after HEADER: each indicator for the area, then per village."""
    whole = report.area or ""
    for row in report.rows:
        title = label(row.code)
        figures = [(whole, row.figure)] + list(row.by_village.items())
        for area, figure in figures:
            yield (row.code, title, area, figure.numerator, figure.denominator,
                   figure.rate if figure.rate is not None else "", row.indicator.per,
                   row.indicator.status, report.period.start.isoformat(),
                   report.period.end.isoformat())


def to_csv(report: Report, path: Path, label: Callable[[str], str] = lambda c: c,
           header: tuple[str, ...] = HEADER) -> Path:
    """Write *path* (replaced when it exists; written beside it first, then moved)."""
    tmp = path.with_name(path.name + ".part")
    with tmp.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(table(report, label))
    tmp.replace(path)
    return path


def to_xlsx(report: Report, path: Path, label: Callable[[str], str] = lambda c: c,
            header: tuple[str, ...] = HEADER, sheet_title: str = "report") -> Path:
    """Write *path* as one worksheet with the same columns as the CSV."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = sheet_title[:31]
    sheet.append(list(header))
    for line in table(report, label):
        sheet.append(list(line))
    sheet.freeze_panes = "A2"
    widths = (24, 40, 14, 12, 12, 10, 6, 14, 12, 12)
    for column, width in zip("ABCDEFGHIJ", widths, strict=True):
        sheet.column_dimensions[column].width = width
    tmp = path.with_name(path.name + ".part")
    book.save(tmp)
    tmp.replace(path)
    return path
