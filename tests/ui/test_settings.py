"""Settings: the administrator adds and removes users; everyone changes their password;
non-administrators see no user management."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QWidget,
)
from ui_helpers import ADMIN_PASSWORD, VILLAGES, child, click, log_in, screenshot

from desktop.i18n.messages import error_text
from desktop.services.errors import LastAdminError
from desktop.services.session import Session, login_users
from desktop.store.errors import WrongPasswordError


def add_doctor(qtbot, settings: QWidget, username: str = "doctor1") -> None:
    qtbot.keyClicks(child(settings, QLineEdit, "new_username"), username)
    child(settings, QLineEdit, "new_display_name").setText("其木格")
    role = child(settings, QComboBox, "new_role")
    role.setCurrentIndex(role.findData("village_doctor"))
    villages = child(settings, QListWidget, "new_villages")
    assert [villages.item(i).text() for i in range(villages.count())] == VILLAGES
    villages.item(1).setCheckState(Qt.CheckState.Checked)
    qtbot.keyClicks(child(settings, QLineEdit, "new_password"), "doctor-pw-1")
    qtbot.keyClicks(child(settings, QLineEdit, "new_password2"), "doctor-pw-1")
    click(qtbot, settings, "add_user_button")


def remove_user(qtbot, settings: QWidget, username: str) -> None:
    assert settings.users.select_username(username)
    click(qtbot, settings, "remove_user_button")
    box = child(settings, QMessageBox, "confirm_remove_user")
    qtbot.mouseClick(child(box, QPushButton, "confirm_remove_yes"), Qt.MouseButton.LeftButton)


def test_admin_adds_a_user_who_can_then_log_in(qtbot, shell, store):
    shell.start()
    main = log_in(qtbot, shell, "admin", ADMIN_PASSWORD)
    settings = main.show_page("settings")
    table = child(settings, QTableWidget, "users_table")
    assert table.rowCount() == 1
    add_doctor(qtbot, settings)
    qtbot.waitUntil(lambda: table.rowCount() == 2)
    screenshot(main, "settings_admin")
    assert "doctor1" in [u.username for u in login_users(store.data_dir)]
    shell.lock()
    log_in(qtbot, shell, "doctor1", "doctor-pw-1")
    user = shell.session.user
    assert (user.role, user.areas, user.display_name) == ("village_doctor", (VILLAGES[1],),
                                                          "其木格")


def test_adding_a_village_doctor_needs_villages_and_matching_passwords(qtbot, shell, store):
    shell.start()
    settings = log_in(qtbot, shell, "admin", ADMIN_PASSWORD).show_page("settings")
    qtbot.keyClicks(child(settings, QLineEdit, "new_username"), "doctor2")
    role = child(settings, QComboBox, "new_role")
    role.setCurrentIndex(role.findData("village_doctor"))
    click(qtbot, settings, "add_user_button")
    error = child(settings, QLabel, "add_user_error")
    assert error.isVisible()
    role.setCurrentIndex(role.findData("mch_worker"))
    assert not child(settings, QListWidget, "new_villages").isEnabled()
    qtbot.keyClicks(child(settings, QLineEdit, "new_password"), "doctor-pw-1")
    qtbot.keyClicks(child(settings, QLineEdit, "new_password2"), "doctor-pw-2")
    click(qtbot, settings, "add_user_button")
    assert error.isVisible()
    assert [u.username for u in login_users(store.data_dir)] == ["admin"]


def test_admin_removes_a_user_whose_login_then_fails(qtbot, shell, store, data_dir):
    shell.start()
    main = log_in(qtbot, shell, "admin", ADMIN_PASSWORD)
    settings = main.show_page("settings")
    table = child(settings, QTableWidget, "users_table")
    add_doctor(qtbot, settings)
    qtbot.waitUntil(lambda: table.rowCount() == 2)
    remove_user(qtbot, settings, "doctor1")
    qtbot.waitUntil(lambda: table.rowCount() == 1)
    assert [u.username for u in login_users(data_dir)] == ["admin"]
    shell.lock()
    assert not shell.login.select_user("doctor1")  # no longer listed
    try:
        Session.login(data_dir, "doctor1", "doctor-pw-1").close()
    except WrongPasswordError:
        pass
    else:
        raise AssertionError("a removed user could still unlock the store")


def test_last_admin_cannot_be_removed(qtbot, shell, store):
    shell.start()
    settings = log_in(qtbot, shell, "admin", ADMIN_PASSWORD).show_page("settings")
    remove_user(qtbot, settings, "admin")
    error = child(settings, QLabel, "remove_user_error")
    assert error.isVisible() and error.text() == error_text(LastAdminError())
    assert child(settings, QTableWidget, "users_table").rowCount() == 1


def test_non_admin_sees_no_user_management(qtbot, shell, store, data_dir, kdf):
    admin = Session.login(data_dir, "admin", ADMIN_PASSWORD)
    admin.add_user("worker1", "萨仁", "mch_worker", [], "worker-pw-1", kdf=kdf)
    admin.close()
    shell.start()
    main = log_in(qtbot, shell, "worker1", "worker-pw-1")
    settings = main.show_page("settings")
    screenshot(main, "settings_worker")
    assert settings.findChild(QWidget, "admin_box") is None
    assert settings.findChild(QTableWidget, "users_table") is None
    assert settings.findChild(QSpinBox, "auto_lock_minutes") is None
    assert child(settings, QLineEdit, "my_password").isVisible()


def test_every_user_changes_their_own_password(qtbot, shell, store, data_dir):
    shell.start()
    settings = log_in(qtbot, shell, "admin", ADMIN_PASSWORD).show_page("settings")
    qtbot.keyClicks(child(settings, QLineEdit, "my_password"), "changed-pw-1")
    qtbot.keyClicks(child(settings, QLineEdit, "my_password2"), "changed-pw-1")
    click(qtbot, settings, "change_password_button")
    done = child(settings, QLabel, "my_password_done")
    qtbot.waitUntil(done.isVisible)
    shell.lock()
    log_in(qtbot, shell, "admin", "changed-pw-1")


def test_admin_sets_auto_lock_minutes(qtbot, shell, store):
    shell.start()
    main = log_in(qtbot, shell, "admin", ADMIN_PASSWORD)
    settings = main.show_page("settings")
    child(settings, QSpinBox, "auto_lock_minutes").setValue(3)
    click(qtbot, settings, "save_auto_lock")
    assert shell.session.auto_lock_minutes() == 3
    assert main.idle.interval_ms == 3 * 60_000
