"""Settings: every user changes their own password and language; the administrator also
manages users and the auto-lock time. Non-administrators never get the admin widgets."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop import i18n
from desktop.errors import AppError
from desktop.i18n import _
from desktop.i18n.messages import ROLE_TEXTS, role_text
from desktop.services.errors import PasswordMismatchError
from desktop.services.session import Changes, KdfParams, Session, check_password
from desktop.ui.errors import log_exception, message_for, show_error
from desktop.ui.tasks import run_task
from desktop.ui.views.backups import BackupsBox
from desktop.ui.widgets.base import BusyBar, FieldError, Retranslatable, add_row

ROLE = Qt.ItemDataRole.UserRole + 1
# Names of the languages in themselves: never translated.
LANGUAGE_NAMES = {"zh_Hans_CN": "中文（简体）", "mn_Mong_CN": "ᠮᠣᠩᠭᠣᠯ ᠬᠡᠯᠡ"}


def _password_pair(first: QLineEdit, second: QLineEdit) -> str:
    """The new password typed twice; raises the service's error when it is not usable."""
    check_password(first.text())
    if first.text() != second.text():
        raise PasswordMismatchError()
    return first.text()


class OwnAccountBox(Retranslatable, QGroupBox):
    """Password and language of the logged-in user."""

    changed = Signal(object)

    def __init__(self, session: Session, kdf: KdfParams | None) -> None:
        super().__init__()
        self.setObjectName("own_account_box")
        self.session = session
        self.kdf = kdf
        self.password = QLineEdit(objectName="my_password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password2 = QLineEdit(objectName="my_password2")
        self.password2.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_error = FieldError("my_password_error")
        self.password_done = QLabel(objectName="my_password_done")
        self.password_done.hide()
        self.busy = BusyBar("my_password_busy")
        self.change_button = QPushButton(objectName="change_password_button")
        self.change_button.clicked.connect(self.change_password)
        # A button as wide as its words, not a bar across the page.
        self.change_button.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.language = QComboBox(objectName="language_combo")
        for code in i18n.LANGUAGES:
            self.language.addItem(LANGUAGE_NAMES.get(code, code), code)
        self.language.setCurrentIndex(max(0, self.language.findData(session.user.language)))
        self.language.currentIndexChanged.connect(self.change_language)
        form = QFormLayout(self)
        self.labels = [add_row(form, self.password), add_row(form, self.password2)]
        form.addRow("", self.password_error)
        form.addRow("", self.change_button)
        form.addRow("", self.password_done)
        form.addRow(self.busy)
        self.labels.append(add_row(form, self.language))
        self.retranslate()

    def retranslate(self) -> None:
        self.setTitle(_("My account"))
        for label, text in zip(self.labels, (_("New password"), _("New password again"),
                                             _("Language")), strict=True):
            label.setText(text)
        self.change_button.setText(_("Change my password"))
        self.password_done.setText(_("Your password was changed."))
        # The language may have been switched from the main window's menu.
        index = self.language.findData(i18n.current_language())
        if index >= 0 and index != self.language.currentIndex():
            self.language.blockSignals(True)
            self.language.setCurrentIndex(index)
            self.language.blockSignals(False)

    def change_password(self) -> None:
        self.password_error.clear_message()
        self.password_done.hide()
        try:
            password = _password_pair(self.password, self.password2)
        except AppError as exc:
            self.password_error.show_message(message_for(exc))
            return
        self.busy.show()
        self.change_button.setEnabled(False)
        run_task(self, lambda _ctx: self.session.change_password(password, kdf=self.kdf),
                 self._changed, self._failed)

    def _changed(self, changes: Changes) -> None:
        self.busy.hide()
        self.change_button.setEnabled(True)
        self.password.clear()
        self.password2.clear()
        self.password_done.show()
        self.changed.emit(changes)

    def _failed(self, exc: BaseException) -> None:
        self.busy.hide()
        self.change_button.setEnabled(True)
        if not isinstance(exc, AppError):
            log_exception(exc)
        self.password_error.show_message(message_for(exc))

    def change_language(self) -> None:
        code = self.language.currentData()
        if not code or code == self.session.user.language:
            return
        try:
            changes = self.session.set_language(code)
        except Exception as exc:  # noqa: BLE001 - shown to the user, logged if unexpected
            show_error(self, exc)
            return
        i18n.set_language(code)
        self.changed.emit(changes)


class UsersBox(Retranslatable, QGroupBox):
    """The administrator's list of users, with add and remove."""

    changed = Signal(object)

    def __init__(self, session: Session, kdf: KdfParams | None) -> None:
        super().__init__()
        self.setObjectName("admin_box")
        self.session = session
        self.kdf = kdf
        self.table = QTableWidget(0, 3, objectName="users_table")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().hide()
        self.table.setMinimumHeight(160)
        self.remove_button = QPushButton(objectName="remove_user_button")
        self.remove_button.clicked.connect(self.confirm_remove)
        self.remove_button.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.remove_error = FieldError("remove_user_error")

        self.new_username = QLineEdit(objectName="new_username")
        self.new_display_name = QLineEdit(objectName="new_display_name")
        self.new_role = QComboBox(objectName="new_role")
        for role in ROLE_TEXTS:
            self.new_role.addItem("", role)
        self.new_role.currentIndexChanged.connect(self._role_changed)
        self.new_villages = QListWidget(objectName="new_villages")
        self.new_villages.setMaximumHeight(120)
        for code in session.areas()[1]:
            item = QListWidgetItem(code)
            item.setData(Qt.ItemDataRole.UserRole, code)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.new_villages.addItem(item)
        self.new_password = QLineEdit(objectName="new_password")
        self.new_password.setEchoMode(QLineEdit.EchoMode.Password)
        self.new_password2 = QLineEdit(objectName="new_password2")
        self.new_password2.setEchoMode(QLineEdit.EchoMode.Password)
        self.add_error = FieldError("add_user_error")
        self.busy = BusyBar("add_user_busy")
        self.add_button = QPushButton(objectName="add_user_button")
        self.add_button.clicked.connect(self.add_user)
        self.add_title = QLabel(objectName="add_user_title")

        self.form = QFormLayout()
        self.labels = [add_row(self.form, field) for field in (
            self.new_username, self.new_display_name, self.new_role, self.new_villages,
            self.new_password, self.new_password2)]
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        remove_row = QHBoxLayout()
        remove_row.addWidget(self.remove_error, 1)
        remove_row.addWidget(self.remove_button)
        layout.addLayout(remove_row)
        layout.addWidget(self.add_title)
        layout.addLayout(self.form)
        layout.addWidget(self.add_error)
        layout.addWidget(self.busy)
        layout.addWidget(self.add_button, 0, Qt.AlignmentFlag.AlignRight)
        self._role_changed()
        self.reload()
        self.retranslate()

    def retranslate(self) -> None:
        self.setTitle(_("Users of this computer"))
        self.table.setHorizontalHeaderLabels([_("User name"), _("Display name"), _("Role")])
        self.remove_button.setText(_("Remove user…"))
        self.add_title.setText(_("Add a user"))
        for label, text in zip(self.labels, (_("User name"), _("Display name"), _("Role"),
                                             _("Villages"), _("Initial password"),
                                             _("Initial password again")), strict=True):
            label.setText(text)
        for index in range(self.new_role.count()):
            self.new_role.setItemText(index, role_text(self.new_role.itemData(index)))
        self.add_button.setText(_("Add user"))
        for row in range(self.table.rowCount()):  # no database reads here: only texts
            item = self.table.item(row, 2)
            item.setText(role_text(str(item.data(ROLE))))

    def reload(self) -> None:
        users = self.session.users()
        self.table.setRowCount(len(users))
        for row, user in enumerate(users):
            for column, text in enumerate((user.username, user.display_name,
                                           role_text(user.role))):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, user.id)
                item.setData(ROLE, user.role)
                self.table.setItem(row, column, item)

    def select_username(self, username: str) -> bool:
        for row in range(self.table.rowCount()):
            if self.table.item(row, 0).text() == username:
                self.table.selectRow(row)
                return True
        return False

    def _role_changed(self) -> None:
        is_village = self.new_role.currentData() == "village_doctor"
        self.new_villages.setEnabled(is_village)
        self.labels[3].setEnabled(is_village)

    def checked_villages(self) -> list[str]:
        return [self.new_villages.item(i).data(Qt.ItemDataRole.UserRole)
                for i in range(self.new_villages.count())
                if self.new_villages.item(i).checkState() == Qt.CheckState.Checked]

    # -- adding --------------------------------------------------------------------------
    def add_user(self) -> None:
        self.add_error.clear_message()
        role = str(self.new_role.currentData())
        villages = self.checked_villages() if role == "village_doctor" else []
        if role == "village_doctor" and not villages:
            self.add_error.show_message(_("Choose the villages of this village doctor."))
            return
        try:
            password = _password_pair(self.new_password, self.new_password2)
        except AppError as exc:
            self.add_error.show_message(message_for(exc))
            return
        username = self.new_username.text().strip()
        display = self.new_display_name.text().strip()
        self.busy.show()
        self.add_button.setEnabled(False)
        run_task(self, lambda _ctx: self.session.add_user(username, display, role, villages,
                                                          password, kdf=self.kdf),
                 self._added, self._add_failed)

    def _added(self, changes: Changes) -> None:
        self.busy.hide()
        self.add_button.setEnabled(True)
        for field in (self.new_username, self.new_display_name, self.new_password,
                      self.new_password2):
            field.clear()
        self.reload()
        self.changed.emit(changes)

    def _add_failed(self, exc: BaseException) -> None:
        self.busy.hide()
        self.add_button.setEnabled(True)
        if not isinstance(exc, AppError):
            log_exception(exc)
        self.add_error.show_message(message_for(exc))

    # -- removing ------------------------------------------------------------------------
    def selected_user(self) -> tuple[str, str] | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        item = self.table.item(rows[0].row(), 0)
        return str(item.data(Qt.ItemDataRole.UserRole)), item.text()

    def confirm_remove(self) -> QMessageBox | None:
        self.remove_error.clear_message()
        selected = self.selected_user()
        if selected is None:
            self.remove_error.show_message(_("Choose a user in the list first."))
            return None
        user_id, username = selected
        box = QMessageBox(QMessageBox.Icon.Question, _("Remove user"),
                          _("Remove user {name}? They can no longer open the data on this "
                            "computer. Their records stay.", name=username),
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                          self)
        box.setObjectName("confirm_remove_user")
        box.setDefaultButton(QMessageBox.StandardButton.No)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.button(QMessageBox.StandardButton.Yes).setObjectName("confirm_remove_yes")
        box.button(QMessageBox.StandardButton.No).setObjectName("confirm_remove_no")
        box.buttonClicked.connect(
            lambda button: self.remove(user_id)
            if box.standardButton(button) == QMessageBox.StandardButton.Yes else None)
        box.open()
        return box

    def remove(self, user_id: str) -> None:
        try:
            changes = self.session.remove_user(user_id)
        except Exception as exc:  # noqa: BLE001 - shown to the user, logged if unexpected
            if not isinstance(exc, AppError):
                log_exception(exc)
            self.remove_error.show_message(message_for(exc))
            return
        self.reload()
        self.changed.emit(changes)


class AutoLockBox(Retranslatable, QGroupBox):
    changed = Signal(object)

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.setObjectName("auto_lock_box")
        self.session = session
        self.minutes = QSpinBox(objectName="auto_lock_minutes")
        self.minutes.setRange(1, 240)
        self.minutes.setValue(session.auto_lock_minutes())
        self.save_button = QPushButton(objectName="save_auto_lock")
        self.save_button.clicked.connect(self.save)
        self.label = QLabel()
        row = QHBoxLayout(self)
        row.addWidget(self.label)
        row.addWidget(self.minutes)
        row.addStretch(1)
        row.addWidget(self.save_button)
        self.retranslate()

    def retranslate(self) -> None:
        self.setTitle(_("Automatic lock"))
        self.label.setText(_("Lock after this many idle minutes:"))
        self.save_button.setText(_("Save"))

    def save(self) -> None:
        try:
            changes = self.session.set_auto_lock_minutes(self.minutes.value())
        except Exception as exc:  # noqa: BLE001 - shown to the user, logged if unexpected
            show_error(self, exc)
            return
        self.changed.emit(changes)


class SettingsPage(QScrollArea):
    """Emits `changed(Changes)` after any setting or user changed."""

    changed = Signal(object)

    def __init__(self, session: Session, kdf: KdfParams | None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("page_settings")
        self.setWidgetResizable(True)
        body = QWidget()
        layout = QVBoxLayout(body)
        self.own = OwnAccountBox(session, kdf)
        self.own.changed.connect(self.changed)
        layout.addWidget(self.own)
        self.users: UsersBox | None = None
        self.auto_lock: AutoLockBox | None = None
        self.backups: BackupsBox | None = None
        if session.user.is_admin:
            self.users = UsersBox(session, kdf)
            self.users.changed.connect(self.changed)
            self.auto_lock = AutoLockBox(session)
            self.auto_lock.changed.connect(self.changed)
            layout.addWidget(self.users)
            layout.addWidget(self.auto_lock)
            self.backups = BackupsBox(session)
            self.backups.changed.connect(self.changed)
            layout.addWidget(self.backups)
        layout.addStretch(1)
        self.setWidget(body)
