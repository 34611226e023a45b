"""The login screen: pick a user, type the password, Enter. Unlocking runs off the GUI
thread (Argon2 takes about half a second) while a busy bar shows."""

from __future__ import annotations

import time
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.errors import AppError
from desktop.i18n import _
from desktop.services.session import KdfParams, Session, login_users
from desktop.ui.errors import log_exception, message_for
from desktop.ui.tasks import run_task
from desktop.ui.views.recover import DamagedDialog, RecoverDialog
from desktop.ui.widgets.base import BusyBar, FieldError, Retranslatable

THROTTLED = "store.login_throttled"
DAMAGED = "store.damaged"


class LoginWindow(Retranslatable, QWidget):
    """Emits `logged_in(session, unlock_seconds)` after a successful unlock."""

    logged_in = Signal(object, float)
    failed = Signal(object)

    def __init__(self, data_dir: Path, kdf: KdfParams | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("login_window")
        self.data_dir = data_dir
        self.kdf = kdf
        self._busy = False
        self._throttle_exc: AppError | None = None
        self._throttle_left = 0
        self.title = QLabel(objectName="login_title")
        title_font = QFont(self.title.font())
        title_font.setPointSizeF(title_font.pointSizeF() * 1.6)
        self.title.setFont(title_font)
        self.users_label = QLabel(objectName="login_users_label")
        self.users = QListWidget(objectName="login_users")
        self.password_label = QLabel(objectName="login_password_label")
        self.password = QLineEdit(objectName="login_password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.returnPressed.connect(self.try_login)
        self.users.itemActivated.connect(lambda _item: self.password.setFocus())
        self.error = FieldError("login_error")
        self.busy = BusyBar("login_busy")
        self.login_button = QPushButton(objectName="login_button")
        self.login_button.setDefault(True)
        self.login_button.clicked.connect(self.try_login)
        self.forgot_button = QPushButton(objectName="forgot_password")
        self.forgot_button.setFlat(True)
        self.forgot_button.clicked.connect(self.open_recovery)
        self.countdown = QTimer(self, objectName="throttle_timer")
        self.countdown.setInterval(1000)
        self.countdown.timeout.connect(self._tick)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(48, 32, 48, 32)
        layout.addWidget(self.title)
        layout.addWidget(self.users_label)
        layout.addWidget(self.users, 1)
        layout.addWidget(self.password_label)
        layout.addWidget(self.password)
        layout.addWidget(self.error)
        layout.addWidget(self.busy)
        buttons = QHBoxLayout()
        buttons.addWidget(self.forgot_button)
        buttons.addStretch(1)
        buttons.addWidget(self.login_button)
        layout.addLayout(buttons)
        self.resize(480, 520)
        self.reload_users()
        self.retranslate()

    def retranslate(self) -> None:
        self.setWindowTitle(_("Eke – log in"))
        self.title.setText(_("Maternal and Child Health Handbook"))
        self.users_label.setText(_("User"))
        self.password_label.setText(_("Password"))
        self.login_button.setText(_("Log in"))
        self.forgot_button.setText(_("Forgot password? Use the recovery key"))
        if self._throttle_exc is not None:
            self._show_throttle()

    # -- users --------------------------------------------------------------------------
    def reload_users(self, select: str | None = None) -> None:
        self.users.clear()
        for user in login_users(self.data_dir):
            item = QListWidgetItem(user.display_name)
            item.setData(Qt.ItemDataRole.UserRole, user.username)
            self.users.addItem(item)
            if user.username == select:
                self.users.setCurrentItem(item)
        if self.users.currentItem() is None and self.users.count():
            self.users.setCurrentRow(0)

    def select_user(self, username: str) -> bool:
        for row in range(self.users.count()):
            if self.users.item(row).data(Qt.ItemDataRole.UserRole) == username:
                self.users.setCurrentRow(row)
                return True
        return False

    def selected_username(self) -> str | None:
        item = self.users.currentItem()
        return None if item is None else str(item.data(Qt.ItemDataRole.UserRole))

    # -- logging in -----------------------------------------------------------------------
    def try_login(self) -> None:
        username = self.selected_username()
        if self._busy or self._throttle_left > 0:
            return
        if username is None:
            self.error.show_message(_("Please choose a user."))
            return
        self.login_as(username, self.password.text())

    def login_as(self, username: str, password: str) -> None:
        """Unlock as *username* in the background (also used for automatic login)."""
        self.error.clear_message()
        self._set_busy(True)

        def unlock(_ctx: object) -> tuple[Session, float]:
            start = time.perf_counter()
            session = Session.login(self.data_dir, username, password)
            return session, time.perf_counter() - start

        run_task(self, unlock, self._unlocked, self._failed)

    def _unlocked(self, result: tuple[Session, float]) -> None:
        self._set_busy(False)
        self.password.clear()
        self.logged_in.emit(*result)

    def _failed(self, exc: BaseException) -> None:
        self._set_busy(False)
        self.password.clear()
        self.password.setFocus()
        self.failed.emit(exc)
        if isinstance(exc, AppError) and exc.code == THROTTLED:
            self._throttle_exc = exc
            self._throttle_left = int(exc.params.get("seconds", 1))
            self._show_throttle()
            self.countdown.start()
            return
        if not isinstance(exc, AppError):
            log_exception(exc)
        self.error.show_message(message_for(exc))
        if isinstance(exc, AppError) and exc.code == DAMAGED:
            self.show_damaged()

    def _show_throttle(self) -> None:
        assert self._throttle_exc is not None
        self._throttle_exc.params["seconds"] = self._throttle_left
        self.error.show_message(message_for(self._throttle_exc))
        self.login_button.setEnabled(self._throttle_left <= 0 and not self._busy)

    def _tick(self) -> None:
        self._throttle_left -= 1
        if self._throttle_left <= 0:
            self.countdown.stop()
            self._throttle_exc = None
            self._throttle_left = 0
            self.error.clear_message()
            self.login_button.setEnabled(not self._busy)
            return
        self._show_throttle()

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        self.busy.setVisible(busy)
        self.login_button.setEnabled(not busy and self._throttle_left <= 0)
        self.password.setEnabled(not busy)
        self.users.setEnabled(not busy)
        self.forgot_button.setEnabled(not busy)

    @property
    def busy_now(self) -> bool:
        return self._busy

    # -- recovery and damage --------------------------------------------------------------
    def open_recovery(self) -> RecoverDialog:
        dialog = RecoverDialog(self.data_dir, self.selected_username(), self.kdf, self)
        dialog.recovered.connect(lambda session: self.logged_in.emit(session, 0.0))
        dialog.damaged.connect(self.show_damaged)
        dialog.open()
        return dialog

    def show_damaged(self) -> DamagedDialog:
        dialog = DamagedDialog(self.data_dir, self)
        dialog.restored.connect(self._restored)
        dialog.open()
        return dialog

    def _restored(self) -> None:
        self.reload_users(self.selected_username())
        self.error.show_message(_("The backup was restored. Please log in again."))
