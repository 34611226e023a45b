"""The print dialog with real widgets offscreen (driven by objectName): PDF output in the
background, chosen pages, bad page numbers, changed pages, the preview, visit sheets."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402
from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtWidgets import QLineEdit, QPushButton, QRadioButton  # noqa: E402
from test_print_log import TODAY, pregnant_woman  # noqa: E402

from desktop.services.session import Session  # noqa: E402
from desktop.ui import tasks  # noqa: E402
from desktop.ui.views.print_dialog import PrintDialog, open_visit_sheets_dialog  # noqa: E402


def pages_of(path: Path) -> int:
    out = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True,
                         check=True).stdout
    return int(next(line.split()[-1] for line in out.splitlines() if line.startswith("Pages")))


def click(dialog: PrintDialog, name: str) -> None:
    from PySide6.QtTest import QTest

    QTest.mouseClick(dialog.findChild(QPushButton, name), Qt.MouseButton.LeftButton)


def printed(qtbot, dialog: PrintDialog) -> list:  # noqa: ANN001
    dialog.last_result = None
    click(dialog, "printButton")
    qtbot.waitUntil(lambda: dialog.last_result is not None, timeout=20000)
    return dialog.last_result


@pytest.fixture
def session(made):  # noqa: ANN001, ANN201
    s = Session(made.store, made.admin)
    yield s
    tasks.wait_for_all()


def test_print_to_pdf_chosen_and_changed_pages(qtbot, session, made, tmp_path: Path):  # noqa: ANN001
    woman, _pregnancy = pregnant_woman(session)
    dialog = PrintDialog(session, woman, None, today=TODAY)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.data is not None, timeout=10000)
    out = tmp_path / "whole.pdf"
    dialog.findChild(QLineEdit, "pdfPath").setText(str(out))
    docs = printed(qtbot, dialog)
    assert pages_of(out) == len(docs[0].pages) >= 7

    # One chosen page.
    dialog.findChild(QRadioButton, "pagesChosen").setChecked(True)
    dialog.findChild(QLineEdit, "pageNumbers").setText("3")
    one = tmp_path / "one.pdf"
    dialog.findChild(QLineEdit, "pdfPath").setText(str(one))
    docs = printed(qtbot, dialog)
    assert [k for k, _ in docs[0].pages] == ["pregnancy"] and pages_of(one) == 1

    # Bad page numbers: a message beside the field, nothing printed.
    dialog.findChild(QLineEdit, "pageNumbers").setText("3-1")
    dialog.last_result = None
    click(dialog, "printButton")
    assert dialog.page_error.isVisibleTo(dialog) and dialog.page_error.text()
    assert dialog.last_result is None

    # Changed since the last print: nothing, so no file and no page.
    dialog.findChild(QRadioButton, "pagesChanged").setChecked(True)
    dialog.findChild(QLineEdit, "pdfPath").setText(str(tmp_path / "changed.pdf"))
    assert printed(qtbot, dialog) == []
    assert dialog.changed_keys == []
    assert not (tmp_path / "changed.pdf").exists()
    audits = made.store.conn.execute("SELECT count(*) FROM audit WHERE action = 'print'"
                                     ).fetchone()[0]
    assert audits == 2


def test_preview_uses_the_same_painters(qtbot, session):  # noqa: ANN001
    woman, _pregnancy = pregnant_woman(session)
    dialog = PrintDialog(session, woman, None, today=TODAY)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.data is not None, timeout=10000)
    painted: list = []
    original = dialog._paint
    dialog._paint = lambda device, selector, *a: painted.append(original(device, selector))
    click(dialog, "previewButton")
    preview = dialog.preview_dialog
    qtbot.waitUntil(lambda: bool(painted), timeout=10000)
    assert painted[0] and [k for k, _ in painted[0][0].pages][0] == "cover"
    preview.close()


def test_visit_sheets_dialog(qtbot, session, tmp_path: Path):  # noqa: ANN001
    pregnant_woman(session)
    dialog = open_visit_sheets_dialog(None, session, TODAY)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.data is not None, timeout=10000)
    assert not dialog.findChild(QRadioButton, "pagesChanged").isVisibleTo(dialog)
    out = tmp_path / "sheets.pdf"
    dialog.findChild(QLineEdit, "pdfPath").setText(str(out))
    result = printed(qtbot, dialog)
    assert pages_of(out) == len(result[0].pages) == len(dialog.data) >= 1


def test_record_view_and_worklist_have_print_actions(qtbot, session):  # noqa: ANN001
    from desktop.ui.views.record_view import RecordView
    from desktop.ui.views.worklist_page import WorklistPage

    woman, _pregnancy = pregnant_woman(session)
    view = RecordView(session, woman)
    qtbot.addWidget(view)
    click_in(view, "print_handbook_button")
    dialog = view.last_form
    assert isinstance(dialog, PrintDialog) and dialog.person_id == woman
    qtbot.waitUntil(lambda: dialog.data is not None, timeout=10000)
    page = WorklistPage(session)
    qtbot.addWidget(page)
    click_in(page, "worklist_print_sheets_button")
    sheets = page.last_dialog
    assert isinstance(sheets, PrintDialog) and sheets.kind == "sheets"
    qtbot.waitUntil(lambda: sheets.data is not None, timeout=10000)
    tasks.wait_for_all()


def click_in(widget, name: str) -> None:  # noqa: ANN001
    from PySide6.QtTest import QTest

    QTest.mouseClick(widget.findChild(QPushButton, name), Qt.MouseButton.LeftButton)
