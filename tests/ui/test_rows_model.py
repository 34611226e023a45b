"""The table model the Women, High-risk and Children lists share: counts, translated
headings, the id role, ids by row, and a language switch redrawing headings and cells."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QModelIndex, Qt

from desktop import i18n
from desktop.ui.models.highrisk import COLUMNS, HighRiskModel
from desktop.ui.models.rows import ID_ROLE

TODAY = date(2026, 3, 1)
CASES = [
    {"person_id": "p-late", "name_zh": "王丽", "status": "open", "next_followup": "2026-02-01",
     "colour": "red"},
    {"person_id": "p-closed", "name_zh": "李梅", "status": "closed", "colour": "orange"},
]


def test_rows_headings_and_ids(qtbot) -> None:  # noqa: ANN001
    model = HighRiskModel()
    assert model.rowCount() == 0 and model.columnCount() == len(COLUMNS)
    model.set_cases(CASES, TODAY)
    assert model.rowCount() == 2 and model.rowCount(model.index(0, 0)) == 0
    assert model.headerData(0, Qt.Orientation.Horizontal) == i18n._(COLUMNS[0])
    assert model.headerData(len(COLUMNS), Qt.Orientation.Horizontal) is None
    assert model.headerData(0, Qt.Orientation.Vertical) is None
    assert [model.index(r, 0).data(ID_ROLE) for r in range(2)] == ["p-late", "p-closed"]
    assert [model.id_at(r) for r in (0, 1, 2, -1)] == ["p-late", "p-closed", None, None]
    assert model.index(0, 0).data() == "王丽"
    assert model.data(QModelIndex()) is None


def test_a_language_switch_redraws_headings_and_every_cell(qtbot) -> None:  # noqa: ANN001
    model = HighRiskModel()
    model.set_cases(CASES, TODAY)
    headers: list[tuple] = []
    cells: list[tuple] = []
    model.headerDataChanged.connect(lambda *args: headers.append(args))
    model.dataChanged.connect(lambda top, bottom, _roles: cells.append(
        (top.row(), top.column(), bottom.row(), bottom.column())))
    chinese = model.headerData(0, Qt.Orientation.Horizontal)
    i18n.set_language("mn_Mong_CN")  # the conftest fixture sets Chinese back
    model.retranslate()
    assert headers == [(Qt.Orientation.Horizontal, 0, len(COLUMNS) - 1)]
    assert cells == [(0, 0, 1, len(COLUMNS) - 1)]
    mongolian = model.headerData(0, Qt.Orientation.Horizontal)
    assert mongolian == i18n._(COLUMNS[0]) and mongolian != chinese
