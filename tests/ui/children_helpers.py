"""Helpers of the child-health screen tests: a session on a real encrypted store, the
Children page at a fixed date, and forms driven by objectName."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QComboBox, QDateEdit, QLabel, QLineEdit, QPushButton, QWidget

from desktop.ui.views.children import ChildrenPage

VILLAGE = "150525100201"


def ago(today: date, days: int) -> date:
    return today - timedelta(days=days)


def find(parent: QWidget, kind: type, name: str):  # noqa: ANN201
    found = parent.findChild(kind, name)
    assert found is not None, f"no {kind.__name__} named {name}"
    return found


def set_date(form: QWidget, name: str, day: date) -> None:
    find(form, QDateEdit, name).setDate(QDate(day.year, day.month, day.day))


def choose(form: QWidget, name: str, code: object) -> None:
    combo = find(form, QComboBox, name)
    index = combo.findData(code)
    assert index >= 0, f"{code!r} not in {name}"
    combo.setCurrentIndex(index)


def type_into(qtbot, form: QWidget, values: dict[str, str]) -> None:  # noqa: ANN001
    for name, text in values.items():
        field = find(form, QLineEdit, name)
        field.clear()
        if text.isascii():
            qtbot.keyClicks(field, text)
        else:  # QTest types ASCII only; Chinese arrives through the input method
            field.setText(text)


def press_enter(qtbot, form: QWidget, field: str) -> None:  # noqa: ANN001
    qtbot.keyClick(find(form, QLineEdit, field), Qt.Key.Key_Return)


def wait_saved(qtbot, form: QWidget) -> None:  # noqa: ANN001
    qtbot.waitUntil(lambda: find(form, QLabel, "form_result").isVisible()
                    or find(form, QLabel, "form_error").isVisible(), timeout=5000)
    error = find(form, QLabel, "form_error")
    assert not error.isVisible(), error.text()


def wait_refused(qtbot, form: QWidget) -> None:  # noqa: ANN001
    qtbot.waitUntil(lambda: find(form, QLabel, "form_error").isVisible(), timeout=5000)
    assert not find(form, QLabel, "form_result").isVisible()


def make_page(qtbot, session, today: date) -> ChildrenPage:  # noqa: ANN001
    page = ChildrenPage(session, today=today)
    qtbot.addWidget(page)
    page.resize(1366, 768)
    page.show()
    with qtbot.waitSignal(page.listed, timeout=5000):
        pass
    # Let the finished task's helper object go (deferred delete) before anything else:
    # deleting the page while it is still queued crashed PySide at teardown.
    qtbot.wait(20)
    return page


def open_record(qtbot, page: ChildrenPage, child_id: str):  # noqa: ANN001, ANN201
    with qtbot.waitSignal(page.record.loaded, timeout=5000):
        page.open_child(child_id)
    qtbot.wait(20)
    return page.record


def click(qtbot, parent: QWidget, name: str) -> None:  # noqa: ANN001
    qtbot.mouseClick(find(parent, QPushButton, name), Qt.MouseButton.LeftButton)
