"""Settings → Backups and the wizard's restore, driven by objectName on real widgets: the
list shows the backups, Restore… asks first and returns to the login, the extra folder is
stored, the daily backup tells once about a missing folder, and a new laptop restores a
move package from the first-run wizard."""

from __future__ import annotations

import shutil
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QMessageBox, QPushButton, QTableWidget, QWidget
from ui_helpers import ADMIN_PASSWORD, child, click, log_in, screenshot

from desktop.services.session import Session
from desktop.ui.app import Shell
from desktop.ui.views.backups import DailyBackups


def _clinic(data_dir: Path) -> str | None:
    session = Session.login(data_dir, "admin", ADMIN_PASSWORD)
    try:
        return session.store.meta("clinic_name")
    finally:
        session.close()


def _settings(qtbot, shell: Shell) -> QWidget:
    shell.start()
    main = log_in(qtbot, shell, "admin", ADMIN_PASSWORD)
    return main.show_page("settings")


def test_the_list_shows_backups_and_back_up_now_adds_one(qtbot, shell, store):
    settings = _settings(qtbot, shell)
    table = child(settings, QTableWidget, "backups_table")
    before = table.rowCount()
    none = child(settings, QWidget, "backups_none")
    # An empty list says so in words instead of showing a blank table.
    assert none.isVisibleTo(settings) == (before == 0) != table.isVisibleTo(settings)
    click(qtbot, settings, "backup_now_button")
    qtbot.waitUntil(lambda: table.rowCount() == before + 1)
    assert table.isVisibleTo(settings) and not none.isVisibleTo(settings)
    assert child(settings, QWidget, "backups_done").isVisible()
    texts = [table.item(0, c).text() for c in range(4)]
    assert texts[1] == "手动" or texts[1]  # the reason, translated
    assert texts[3]  # where it is
    screenshot(shell.main, "settings_backups")


def test_restore_asks_first_then_returns_to_login_with_the_old_data(qtbot, shell, store):
    session = Session.login(store.data_dir, "admin", ADMIN_PASSWORD)
    session.store.set_meta(session.user.id, "clinic_name", "备份时的名字")
    session.run_backup()
    session.store.set_meta(session.user.id, "clinic_name", "后来的名字")
    session.close()

    settings = _settings(qtbot, shell)
    box = settings.backups
    table = child(settings, QTableWidget, "backups_table")
    assert table.rowCount() >= 1
    table.selectRow(0)
    # "No" leaves everything as it is.
    click(qtbot, settings, "restore_backup_button")
    confirm = child(settings, QMessageBox, "confirm_restore")
    qtbot.mouseClick(child(confirm, QPushButton, "confirm_restore_no"),
                     Qt.MouseButton.LeftButton)
    assert shell.main is not None and not shell.session.closed

    table.selectRow(0)
    click(qtbot, settings, "restore_backup_button")
    confirm = child(settings, QMessageBox, "confirm_restore")
    with qtbot.waitSignal(box.restored, timeout=10_000):
        qtbot.mouseClick(child(confirm, QPushButton, "confirm_restore_yes"),
                         Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: shell.login is not None and shell.login.isVisible())
    assert shell.main is None and shell.session is None
    assert _clinic(store.data_dir) == "备份时的名字"


def test_restore_without_a_choice_says_so(qtbot, shell, store):
    settings = _settings(qtbot, shell)
    child(settings, QTableWidget, "backups_table").clearSelection()
    click(qtbot, settings, "restore_backup_button")
    assert child(settings, QWidget, "backups_error").isVisible()
    assert settings.findChild(QMessageBox, "confirm_restore") is None


def test_the_chosen_folder_is_stored_and_backups_go_there(qtbot, shell, store, tmp_path):
    usb = tmp_path / "usb"
    usb.mkdir()
    settings = _settings(qtbot, shell)
    settings.backups.set_folder(str(usb))
    assert child(settings, QLineEdit, "backup_folder").text() == str(usb)
    click(qtbot, settings, "backup_now_button")
    qtbot.waitUntil(lambda: any(usb.rglob("eke-*-manual.db")))
    shell.lock()
    again = Session.login(store.data_dir, "admin", ADMIN_PASSWORD)
    try:
        assert again.backup_folder() == str(usb)  # stored, not only shown
    finally:
        again.close()
    settings = log_in(qtbot, shell, "admin", ADMIN_PASSWORD).show_page("settings")
    assert child(settings, QLineEdit, "backup_folder").text() == str(usb)
    click(qtbot, settings, "clear_backup_folder")
    assert child(settings, QLineEdit, "backup_folder").text() == ""


def test_the_daily_backup_tells_once_when_the_usb_folder_is_missing(qtbot, shell, store,
                                                                     tmp_path):
    settings = _settings(qtbot, shell)
    main = shell.main
    settings.backups.set_folder(str(tmp_path / "not-plugged-in"))
    daily = DailyBackups(main, shell.session, first_delay_ms=0)
    with qtbot.waitSignal(daily.finished, timeout=10_000) as first:
        daily.start()
    assert first.args[0] is not None and first.args[0].tell_user
    qtbot.waitUntil(lambda: main.findChild(QMessageBox, "backup_folder_missing_box")
                    is not None)
    main.findChild(QMessageBox, "backup_folder_missing_box").close()
    with qtbot.waitSignal(daily.finished, timeout=10_000) as second:
        daily.run_now()
    assert second.args[0] is None  # already made today: not repeated
    daily.stop()


def test_a_new_laptop_restores_a_move_package_from_the_wizard(qtbot, shell, store,
                                                              tmp_path, qapp, kdf):
    session = Session.login(store.data_dir, "admin", ADMIN_PASSWORD)
    session.store.set_meta(session.user.id, "clinic_name", "搬家的卫生院")
    package = session.export_for_move(tmp_path / "usb")
    session.close()

    laptop = tmp_path / "laptop"
    laptop.mkdir()
    new_shell = Shell(laptop, kdf)
    try:
        new_shell.start()
        wizard = new_shell.wizard
        assert wizard is not None
        # A file that is no package is refused on the page, and nothing is installed.
        junk = tmp_path / "junk.zip"
        junk.write_bytes(b"not a zip")
        wizard.restore_from(junk)
        error = child(wizard, QWidget, "restore_package_error")
        qtbot.waitUntil(error.isVisible)
        assert not any(laptop.iterdir())

        wizard.restore_from(package)
        qtbot.waitUntil(lambda: new_shell.login is not None and new_shell.login.isVisible())
        assert new_shell.wizard is None
        log_in(qtbot, new_shell, "admin", ADMIN_PASSWORD)
        assert new_shell.session.store.meta("clinic_name") == "搬家的卫生院"
    finally:
        from desktop.ui import tasks

        tasks.wait_for_all()
        new_shell.shut_down()
    shutil.rmtree(laptop)
