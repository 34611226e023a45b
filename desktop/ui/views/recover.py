"""Dialogs of the login screen: a forgotten password (open with the recovery key and set
a new one) and a damaged data file (restore a backup)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
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
from desktop.services.errors import PasswordMismatchError
from desktop.services.session import (
    KdfParams,
    Session,
    check_password,
    list_backups,
    login_users,
    restore_backup,
)
from desktop.ui.errors import log_exception, message_for
from desktop.ui.tasks import run_task
from desktop.ui.widgets.base import BusyBar, FieldError, Retranslatable, add_row

DAMAGED = "store.damaged"


class RecoverDialog(Retranslatable, QDialog):
    """Emits `recovered(session)` once the recovery key opened the store and the chosen
    user has a new password."""

    recovered = Signal(object)
    damaged = Signal()

    def __init__(self, data_dir: Path, username: str | None, kdf: KdfParams | None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("recover_dialog")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.data_dir = data_dir
        self.kdf = kdf
        self.explain = QLabel(objectName="recover_explain")
        self.explain.setWordWrap(True)
        self.key = QLineEdit(objectName="recovery_key_input")
        self.user = QComboBox(objectName="recover_user")
        for user in login_users(data_dir):
            self.user.addItem(user.display_name, user.username)
            if user.username == username:
                self.user.setCurrentIndex(self.user.count() - 1)
        self.password = QLineEdit(objectName="recover_password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password2 = QLineEdit(objectName="recover_password2")
        self.password2.setEchoMode(QLineEdit.EchoMode.Password)
        self.error = FieldError("recover_error")
        self.busy = BusyBar("recover_busy")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setObjectName("recover_ok")
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        self.form = QFormLayout()
        self.labels = [add_row(self.form, field) for field in
                       (self.key, self.user, self.password, self.password2)]
        layout = QVBoxLayout(self)
        layout.addWidget(self.explain)
        layout.addLayout(self.form)
        layout.addWidget(self.error)
        layout.addWidget(self.busy)
        layout.addWidget(self.buttons)
        self.retranslate()

    def retranslate(self) -> None:
        self.setWindowTitle(_("Forgot password"))
        self.explain.setText(_("Type the recovery key that was printed when Eke was set up, "
                               "then choose a new password."))
        for label, text in zip(self.labels, (_("Recovery key"), _("User"), _("New password"),
                                             _("New password again")), strict=True):
            label.setText(text)

    def submit(self) -> None:
        self.error.clear_message()
        username = self.user.currentData()
        if not username:
            self.error.show_message(_("Please choose a user."))
            return
        try:
            check_password(self.password.text())
            if self.password.text() != self.password2.text():
                raise PasswordMismatchError()
        except AppError as exc:
            self.error.show_message(message_for(exc))
            return
        key, password = self.key.text(), self.password.text()
        self._set_busy(True)
        run_task(self, lambda _ctx: Session.recover(self.data_dir, key, str(username),
                                                    password, kdf=self.kdf),
                 self._done, self._failed)

    def _done(self, session: Session) -> None:
        self._set_busy(False)
        self.accept()
        self.recovered.emit(session)

    def _failed(self, exc: BaseException) -> None:
        self._set_busy(False)
        if not isinstance(exc, AppError):
            log_exception(exc)
        self.error.show_message(message_for(exc))
        if isinstance(exc, AppError) and exc.code == DAMAGED:
            self.damaged.emit()

    def _set_busy(self, busy: bool) -> None:
        self.busy.setVisible(busy)
        self.buttons.setEnabled(not busy)


class DamagedDialog(Retranslatable, QDialog):
    """Offers the backups of a damaged store; emits `restored` after one was put back.

    The damaged file is moved aside by restore_backup, never deleted.
    """

    restored = Signal()

    def __init__(self, data_dir: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("damaged_dialog")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.data_dir = data_dir
        self.explain = QLabel(objectName="damaged_explain")
        self.explain.setWordWrap(True)
        self.backups = QListWidget(objectName="backup_list")
        for info in list_backups(data_dir):
            made = info.made_at.astimezone().strftime("%Y-%m-%d %H:%M")
            item = QListWidgetItem(f"{made}  ({info.size // 1024} KiB)")
            item.setData(Qt.ItemDataRole.UserRole, str(info.path))
            self.backups.addItem(item)
        if self.backups.count():
            self.backups.setCurrentRow(0)
        self.error = FieldError("damaged_error")
        self.busy = BusyBar("restore_busy")
        self.restore_button = QPushButton(objectName="restore_button")
        self.restore_button.setEnabled(self.backups.count() > 0)
        self.restore_button.clicked.connect(self.restore_selected)
        self.close_button = QPushButton(objectName="damaged_close")
        self.close_button.clicked.connect(self.reject)
        buttons = QDialogButtonBox()
        buttons.addButton(self.restore_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.close_button, QDialogButtonBox.ButtonRole.RejectRole)
        layout = QVBoxLayout(self)
        layout.addWidget(self.explain)
        layout.addWidget(self.backups, 1)
        layout.addWidget(self.error)
        layout.addWidget(self.busy)
        layout.addWidget(buttons)
        self.resize(460, 360)
        self.retranslate()

    def retranslate(self) -> None:
        self.setWindowTitle(_("Damaged data file"))
        if self.backups.count():
            self.explain.setText(_(
                "The data file is damaged. Choose a backup to restore. Changes made after "
                "that backup are lost; the damaged file is kept aside."))
        else:
            self.explain.setText(_(
                "The data file is damaged and there is no backup on this computer. Please "
                "ask your administrator or the banner MCH institute for help."))
        self.restore_button.setText(_("Restore this backup"))
        self.close_button.setText(_("Close"))

    def restore_selected(self) -> None:
        item = self.backups.currentItem()
        if item is None:
            return
        path = Path(item.data(Qt.ItemDataRole.UserRole))
        self.busy.show()
        self.restore_button.setEnabled(False)
        run_task(self, lambda _ctx: restore_backup(self.data_dir, path), self._done,
                 self._failed)

    def _done(self, _aside: Path) -> None:
        self.busy.hide()
        self.accept()
        self.restored.emit()

    def _failed(self, exc: BaseException) -> None:
        self.busy.hide()
        self.restore_button.setEnabled(True)
        if not isinstance(exc, AppError):
            log_exception(exc)
        self.error.show_message(message_for(exc))
