"""Shared set-up of the maternal screen tests: a main window on a fresh encrypted store,
and small helpers to fill forms by objectName."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QComboBox, QDialog, QLineEdit, QWidget
from ui_helpers import ADMIN_PASSWORD, TOWNSHIP, VILLAGES

from desktop.domain.ids import check_char
from desktop.services.session import KdfParams, Session, SetupInfo
from desktop.ui import tasks
from desktop.ui.main_window import MainWindow

TODAY = date.today()


def resident_id(born: date, seq: int = 22, county: str = "150525") -> str:
    first17 = f"{county}{born:%Y%m%d}{seq:03d}"
    return first17 + check_char(first17)


@pytest.fixture
def window(qtbot, tmp_path: Path) -> Iterator[MainWindow]:  # noqa: ANN001
    session, _key = Session.setup(tmp_path / "data", SetupInfo(
        clinic_name="八仙筒镇卫生院", township_code=TOWNSHIP, village_codes=VILLAGES,
        admin_username="admin", admin_display_name="乌云其其格",
        admin_password=ADMIN_PASSWORD, kdf=KdfParams.floor()))
    win = MainWindow(session, check_integrity=False)
    qtbot.addWidget(win)
    win.resize(1366, 768)
    win.show()
    yield win
    tasks.abandon_all()  # as locking does: no result reaches the window once it closes
    tasks.wait_for_all()
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, QDialog):
            widget.close()
    win.shut_down()
    win.close()
    session.close()


def field(parent: QWidget, name: str) -> QWidget:
    found = parent.findChild(QWidget, name)
    assert found is not None, f"no widget named {name}"
    return found


def type_into(qtbot, parent: QWidget, name: str, text: str) -> QLineEdit:  # noqa: ANN001
    line = field(parent, name)
    assert isinstance(line, QLineEdit)
    line.clear()
    line.setFocus()
    if text.isascii():
        qtbot.keyClicks(line, text)
    else:
        # QTest types ASCII only; an input method commits Chinese and Mongolian text
        # as one insertion, which is what insert() does.
        line.insert(text)
    return line


def choose(parent: QWidget, name: str, code: object) -> None:
    combo = field(parent, name)
    assert isinstance(combo, QComboBox)
    index = combo.findData(code)
    assert index >= 0, f"{code!r} is not a choice of {name}"
    combo.setCurrentIndex(index)


def press_enter(qtbot, parent: QWidget, name: str) -> None:  # noqa: ANN001
    qtbot.keyClick(field(parent, name), Qt.Key.Key_Return)


def error_text(parent: QWidget, name: str) -> str:
    """The message shown beside field *name* ('' when hidden)."""
    label = field(parent, f"{name}_error")
    return label.text() if label.isVisibleTo(parent) else ""


def register_woman(qtbot, page, name: str = "王丽", born: date = date(1996, 3, 1),  # noqa: ANN001
                   phone: str = "13800001111", seq: int = 22):  # noqa: ANN201
    """Fill the New woman form and press Enter; returns the record dialog that opens."""
    form = page.new_woman()
    type_into(qtbot, form, "name_zh", name)
    type_into(qtbot, form, "resident_id", resident_id(born, seq))
    choose(form, "ethnicity", "mongol")
    type_into(qtbot, form, "phone", phone)
    type_into(qtbot, form, "address", "东村一组")
    choose(form, "area_code", VILLAGES[0])
    choose(form, "blood_group", "A")
    choose(form, "rh", "+")
    press_enter(qtbot, form, "phone")
    qtbot.waitUntil(lambda: page.last_dialog is not None
                    and page.last_dialog.objectName() == "record_dialog")
    return page.last_dialog
