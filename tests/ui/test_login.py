"""Login screen: right and wrong passwords, throttling, the recovery-key path."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QPushButton
from ui_helpers import ADMIN_PASSWORD, child, click, log_in, screenshot

from desktop.i18n.messages import error_text
from desktop.services.errors import PasswordMismatchError
from desktop.services.session import Session
from desktop.store.errors import LoginThrottledError, WrongPasswordError


def wrong_password_text() -> str:
    return error_text(WrongPasswordError())


def test_login_with_right_password_opens_main_window(qtbot, shell, store):
    shell.start()
    login = shell.login
    assert login is not None and login.isVisible()
    assert shell.wizard is None
    screenshot(login, "login")
    main = log_in(qtbot, shell, "admin", ADMIN_PASSWORD)
    assert shell.session is not None and not shell.session.closed
    assert shell.session.user.username == "admin"
    assert main.isVisible()
    assert shell.login is None


def test_wrong_password_shows_message_under_the_field(qtbot, shell, store):
    shell.start()
    login = shell.login
    field = child(login, QLineEdit, "login_password")
    qtbot.keyClicks(field, "not-the-password")
    qtbot.keyClick(field, Qt.Key.Key_Return)
    error = child(login, QLabel, "login_error")
    qtbot.waitUntil(lambda: not login.busy_now and error.isVisible())
    assert error.text() == wrong_password_text()
    assert shell.session is None and shell.main is None
    assert field.text() == ""
    # And the right one still works afterwards.
    log_in(qtbot, shell, "admin", ADMIN_PASSWORD)


def test_repeated_wrong_passwords_show_the_throttle_countdown(qtbot, shell, store):
    shell.start()
    login = shell.login
    error = child(login, QLabel, "login_error")
    button = child(login, QPushButton, "login_button")
    for _attempt in range(4):  # three free tries, then the store asks to wait
        qtbot.waitUntil(lambda: button.isEnabled())
        login.password.setText("wrong-password")
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: not login.busy_now)
    assert login.countdown.isActive()
    assert not button.isEnabled()
    left = login._throttle_left
    assert error.text() == error_text(LoginThrottledError(seconds=left))
    login.countdown.timeout.emit()  # one second later
    if left > 1:
        assert error.text() == error_text(LoginThrottledError(seconds=left - 1))
        assert not button.isEnabled()
    else:
        assert not login.countdown.isActive() and button.isEnabled()


def test_forgotten_password_is_reset_with_the_recovery_key(qtbot, shell, store, data_dir):
    shell.start()
    dialog = shell.login.open_recovery()
    qtbot.keyClicks(child(dialog, QLineEdit, "recovery_key_input"), store.recovery_key.lower())
    assert child(dialog, QComboBox, "recover_user").currentData() == "admin"
    qtbot.keyClicks(child(dialog, QLineEdit, "recover_password"), "brand-new-pw")
    qtbot.keyClicks(child(dialog, QLineEdit, "recover_password2"), "brand-new-pw2")
    click(qtbot, dialog, "recover_ok")
    assert child(dialog, QLabel, "recover_error").text() == error_text(PasswordMismatchError())
    child(dialog, QLineEdit, "recover_password2").setText("brand-new-pw")
    click(qtbot, dialog, "recover_ok")
    qtbot.waitUntil(lambda: shell.main is not None and shell.main.isVisible())
    shell.lock()
    # The new password opens the store; the old one no longer does.
    Session.login(data_dir, "admin", "brand-new-pw").close()
    log_in(qtbot, shell, "admin", "brand-new-pw")


def test_wrong_recovery_key_is_refused(qtbot, shell, store):
    shell.start()
    dialog = shell.login.open_recovery()
    qtbot.keyClicks(child(dialog, QLineEdit, "recovery_key_input"), "AAAA-BBBB-CCCC-DDDD")
    qtbot.keyClicks(child(dialog, QLineEdit, "recover_password"), "brand-new-pw")
    qtbot.keyClicks(child(dialog, QLineEdit, "recover_password2"), "brand-new-pw")
    click(qtbot, dialog, "recover_ok")
    error = child(dialog, QLabel, "recover_error")
    qtbot.waitUntil(lambda: error.isVisible())
    assert error.text() == wrong_password_text()
    assert shell.main is None
    dialog.reject()
