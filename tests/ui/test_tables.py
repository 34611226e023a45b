"""fit_columns: the last column fills the view when there is room and is never narrower than
its own text (the view scrolls sideways instead of cutting it with "…")."""

from __future__ import annotations

from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QTableView

from desktop.ui.widgets.tables import fit_columns

LONG = "ᠲᠥᠷᠥᠬᠦ ᠪᠠᠭᠴᠠᠭ᠎ᠠ ᠡᠳᠦᠷ 2027-04-18 · ᠵᠢᠷᠦᠮᠰᠡᠯᠲᠡ ᠶᠢᠨ ᠳᠣᠯᠣᠭ᠎ᠠ ᠬᠣᠨᠣᠭ 20+2"


def _view(qtbot, width: int, last: str) -> QTableView:  # noqa: ANN001
    model = QStandardItemModel(0, 3)
    model.setHorizontalHeaderLabels(["姓名", "村", "预产期 / 孕周"])
    for n in range(5):
        model.appendRow([QStandardItem(f"王{n}"), QStandardItem("150525100201"),
                         QStandardItem(last)])
    view = QTableView()
    view.setModel(model)
    qtbot.addWidget(view)
    fit_columns(view)
    view.resize(width, 300)
    view.show()
    qtbot.wait(30)
    return view


def test_a_long_last_column_keeps_its_text_and_scrolls(qtbot) -> None:  # noqa: ANN001
    view = _view(qtbot, 360, LONG)
    need = view.sizeHintForColumn(2)
    assert view.columnWidth(2) >= need
    assert view.horizontalScrollBar().maximum() > 0


def test_a_short_last_column_fills_the_view(qtbot) -> None:  # noqa: ANN001
    view = _view(qtbot, 900, "2027-04-18")
    header = view.horizontalHeader()
    assert header.length() == view.viewport().width()
    assert view.horizontalScrollBar().maximum() == 0


def test_new_rows_widen_the_column(qtbot) -> None:  # noqa: ANN001
    view = _view(qtbot, 360, "短")
    model = view.model()
    model.appendRow([QStandardItem("李"), QStandardItem("1"), QStandardItem(LONG)])
    qtbot.wait(30)
    assert view.columnWidth(2) >= view.sizeHintForColumn(2) > 200
