"""The worklist as a tree: villages, then their rows (who, what, since, colours, phone)."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QFont, QStandardItem, QStandardItemModel

from desktop.i18n import N_, _
from desktop.i18n.worklist_texts import SECTION_TEXTS, kind_text, text
from desktop.ui.models.display import day_text, person_name, village_text
from desktop.ui.widgets.risk_badge import COLOURS_ROLE

ROW_ROLE = Qt.ItemDataRole.UserRole + 2
COLUMNS = (N_("Who"), N_("What is due"), N_("Since"), N_("Risk"), N_("Phone"))
RISK_COLUMN = 3
FILTERS = ("all", "overdue", "today", "this_week")
FILTER_TEXTS = {"all": N_("All"), "overdue": N_("Overdue"), "today": N_("Due today"),
                "this_week": N_("This week")}
OVERDUE_INK = "#b00020"


def since_text(row: Any, today: date) -> str:
    """When the item became due, and how late it is."""
    if row.section == "overdue":
        return _("{date} ({days} days overdue)", date=day_text(row.since.isoformat()),
                 days=row.days_overdue)
    if row.section == "this_week":
        return _("from {date}", date=day_text(row.since.isoformat()))
    return day_text(row.since.isoformat())


def build_model(model: QStandardItemModel, worklist: Any, section_filter: str = "all"
                ) -> int:
    """Fill *model* from a worklist.Worklist; returns the number of rows shown."""
    model.clear()
    model.setHorizontalHeaderLabels([_(c) for c in COLUMNS])
    shown = 0
    for village, sections in worklist.by_village().items():
        rows = [r for name in ("overdue", "today", "this_week") for r in sections[name]
                if section_filter in ("all", name)]
        if not rows:
            continue
        head = QStandardItem(_("Village {code} ({count})", code=village_text(village),
                               count=len(rows)))
        font = QFont(head.font())
        font.setBold(True)
        head.setFont(font)
        head.setEditable(False)
        filler = [QStandardItem("") for _c in COLUMNS[1:]]
        for item in filler:
            item.setEditable(False)
        model.appendRow([head, *filler])
        for row in rows:
            who = QStandardItem(person_name(row))
            who.setData(row, ROW_ROLE)
            what = QStandardItem(kind_text(row.item.kind))
            what.setToolTip(text(SECTION_TEXTS, row.section))
            since = QStandardItem(since_text(row, worklist.today))
            if row.section == "overdue":
                since.setForeground(QBrush(QColor(OVERDUE_INK)))
            risk = QStandardItem("")
            risk.setData(tuple(row.item.colours), COLOURS_ROLE)
            phone = QStandardItem(row.phone or "")
            cells = [who, what, since, risk, phone]
            for cell in cells:
                cell.setEditable(False)
                cell.setData(row, ROW_ROLE)
            head.appendRow(cells)
            shown += 1
    return shown
