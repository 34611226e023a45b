"""First-run wizard: validation beside the fields, store creation, the recovery key once."""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QPdfWriter
from PySide6.QtWidgets import QCheckBox, QLabel, QLineEdit, QPlainTextEdit, QPushButton
from ui_helpers import TOWNSHIP, VILLAGES, child, screenshot

from desktop.i18n.messages import error_text
from desktop.services.errors import AreaCodeError
from desktop.services.session import has_store, login_users
from desktop.ui.views.wizard import SetupWizard, parse_codes, render_recovery_sheet

KEY_RE = re.compile(r"^[A-Z2-9]{4}(-[A-Z2-9]{4}){7}$")


def fill_clinic(qtbot, wizard: SetupWizard, township: str = TOWNSHIP) -> None:
    child(wizard, QLineEdit, "clinic_name").setText("八仙筒镇卫生院")  # keyClicks is Latin-1 only
    qtbot.keyClicks(child(wizard, QLineEdit, "township_code"), township)
    child(wizard, QPlainTextEdit, "village_codes").setPlainText("\n".join(VILLAGES))


def fill_admin(qtbot, wizard: SetupWizard, password2: str = "admin-secret-1") -> None:
    qtbot.keyClicks(child(wizard, QLineEdit, "admin_username"), "admin")
    child(wizard, QLineEdit, "admin_display_name").setText("乌云其其格")
    qtbot.keyClicks(child(wizard, QLineEdit, "admin_password"), "admin-secret-1")
    qtbot.keyClicks(child(wizard, QLineEdit, "admin_password2"), password2)


def press(qtbot, wizard: SetupWizard, name: str) -> None:
    button = child(wizard, QPushButton, name)
    assert button.isEnabled(), name
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def test_wizard_creates_store_and_shows_recovery_key_once(qtbot, shell, data_dir: Path):
    shell.start()
    wizard = shell.wizard
    assert wizard is not None and wizard.isVisible()
    assert not has_store(data_dir)
    fill_clinic(qtbot, wizard)
    screenshot(wizard, "wizard_clinic")
    press(qtbot, wizard, "wizard_next")
    assert wizard.currentId() == SetupWizard.ADMIN
    fill_admin(qtbot, wizard)
    screenshot(wizard, "wizard_admin")
    press(qtbot, wizard, "wizard_commit")
    qtbot.waitUntil(lambda: wizard.currentId() == SetupWizard.RECOVERY)

    assert has_store(data_dir)
    assert [u.username for u in login_users(data_dir)] == ["admin"]
    key_label = child(wizard, QLabel, "recovery_key")
    assert KEY_RE.match(key_label.text()), key_label.text()
    screenshot(wizard, "wizard_recovery")
    finish = child(wizard, QPushButton, "wizard_finish")
    assert not finish.isEnabled()  # the key must be confirmed first
    wizard.reject()  # closing is refused while the key is unconfirmed
    assert wizard.isVisible()

    child(wizard, QCheckBox, "recovery_confirmed").setChecked(True)
    press(qtbot, wizard, "wizard_finish")
    qtbot.waitUntil(lambda: shell.main is not None and shell.main.isVisible())
    assert key_label.text() == ""
    assert shell.session is not None and shell.session.user.is_admin


def test_wizard_shows_validation_beside_the_fields(qtbot, shell, data_dir: Path):
    shell.start()
    wizard = shell.wizard
    fill_clinic(qtbot, wizard, township="15052510")  # 8 digits
    press(qtbot, wizard, "wizard_next")
    error = child(wizard, QLabel, "township_code_error")
    assert wizard.currentId() == SetupWizard.CLINIC
    assert error.isVisible()
    assert error.text() == error_text(AreaCodeError(code="15052510", digits=9))

    qtbot.keyClicks(child(wizard, QLineEdit, "township_code"), "0")
    child(wizard, QPlainTextEdit, "village_codes").setPlainText("150525999201")
    press(qtbot, wizard, "wizard_next")
    assert wizard.currentId() == SetupWizard.CLINIC  # a village of another township
    assert child(wizard, QLabel, "village_codes_error").isVisible()
    assert not error.isVisible()

    child(wizard, QPlainTextEdit, "village_codes").setPlainText("\n".join(VILLAGES))
    press(qtbot, wizard, "wizard_next")
    assert wizard.currentId() == SetupWizard.ADMIN
    fill_admin(qtbot, wizard, password2="something-else")
    press(qtbot, wizard, "wizard_commit")
    assert child(wizard, QLabel, "admin_password_error").isVisible()
    assert wizard.currentId() == SetupWizard.ADMIN
    assert not has_store(data_dir)


def test_recovery_sheet_prints_to_pdf(tmp_path: Path, qapp):
    out = tmp_path / "key.pdf"
    writer = QPdfWriter(str(out))
    writer.setResolution(300)
    render_recovery_sheet(writer, "八仙筒镇卫生院", "ABCD-EFGH-JKLM-NPQR-STUV-WXYZ-2345-6789")
    del writer
    assert out.read_bytes().startswith(b"%PDF")
    assert out.stat().st_size > 1000


def test_village_codes_may_be_separated_by_lines_commas_or_spaces():
    assert parse_codes("150525100201\n150525100202, 150525100203，150525100201 ") == VILLAGES
    assert parse_codes("  ") == []
