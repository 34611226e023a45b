"""First-run wizard: clinic and areas, the first administrator, then the recovery key
(shown once, printable, confirmed before Finish). A laptop that takes over an existing
store instead restores a move package or backup from the first page, then logs in."""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtCore import QRectF, Qt, Signal
from PySide6.QtGui import QFont, QPagedPaintDevice, QPainter, QRegularExpressionValidator
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from desktop.errors import AppError
from desktop.i18n import _
from desktop.i18n.messages import error_text
from desktop.services.errors import PasswordMismatchError
from desktop.services.session import (
    KdfParams,
    Session,
    SetupInfo,
    check_area_codes,
    check_password,
    check_username,
    install_package,
)
from desktop.ui.tasks import run_task
from desktop.ui.widgets.base import BusyBar, FieldError, Retranslatable, add_row

CODE_SPLIT = re.compile(r"[\s,，;；、]+")


def parse_codes(text: str) -> list[str]:
    """Village codes typed one per line (or separated by commas/spaces), duplicates dropped."""
    seen: list[str] = []
    for code in CODE_SPLIT.split(text.strip()):
        if code and code not in seen:
            seen.append(code)
    return seen


class ClinicPage(Retranslatable, QWizardPage):
    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("wizard_clinic_page")
        self.clinic_name = QLineEdit(objectName="clinic_name")
        self.clinic_name_error = FieldError("clinic_name_error")
        self.township_code = QLineEdit(objectName="township_code")
        self.township_code.setValidator(QRegularExpressionValidator(r"\d{0,9}", self))
        self.township_code_error = FieldError("township_code_error")
        self.village_codes = QPlainTextEdit(objectName="village_codes")
        self.village_codes.setTabChangesFocus(True)
        self.village_codes_error = FieldError("village_codes_error")
        self.village_hint = QLabel(objectName="village_codes_hint")
        self.village_hint.setWordWrap(True)
        form = QFormLayout(self)
        self.labels = [add_row(form, self.clinic_name)]
        form.addRow("", self.clinic_name_error)
        self.labels.append(add_row(form, self.township_code))
        form.addRow("", self.township_code_error)
        self.labels.append(add_row(form, self.village_codes))
        form.addRow("", self.village_hint)
        form.addRow("", self.village_codes_error)
        # Moving to a new laptop: the store comes from a package instead of this wizard.
        self.restore_hint = QLabel(objectName="restore_package_hint")
        self.restore_hint.setWordWrap(True)
        self.restore_button = QPushButton(objectName="restore_package_button")
        self.restore_error = FieldError("restore_package_error")
        self.restore_busy = BusyBar("restore_package_busy")
        form.addRow(self.restore_hint)
        form.addRow("", self.restore_button)
        form.addRow("", self.restore_error)
        form.addRow(self.restore_busy)
        self.retranslate()

    def retranslate(self) -> None:
        self.setTitle(_("Your clinic"))
        self.setSubTitle(_("These details are stored in the encrypted data file."))
        for label, text in zip(self.labels, (_("Clinic name"), _("Township code (9 digits)"),
                                             _("Village codes (12 digits)")), strict=True):
            label.setText(text)
        self.village_hint.setText(_("One code per line. Each starts with the township code."))
        self.restore_hint.setText(_("Moving Eke from another laptop? Restore the package or "
                                    "backup made there instead of setting up anew."))
        self.restore_button.setText(_("Restore from a package or backup…"))

    def validatePage(self) -> bool:  # noqa: N802 - Qt override
        for label in (self.clinic_name_error, self.township_code_error,
                      self.village_codes_error):
            label.clear_message()
        ok = True
        if not self.clinic_name.text().strip():
            self.clinic_name_error.show_message(_("Please enter the clinic name."))
            ok = False
        villages = parse_codes(self.village_codes.toPlainText())
        try:
            check_area_codes(self.township_code.text().strip(), villages)
        except AppError as exc:
            target = (self.township_code_error if exc.params.get("digits") == 9
                      else self.village_codes_error)
            target.show_message(error_text(exc))
            return False
        if not villages:
            self.village_codes_error.show_message(_("Please enter at least one village code."))
            ok = False
        return ok


class AdminPage(Retranslatable, QWizardPage):
    """The first administrator. Leaving this page creates the store (commit page)."""

    def __init__(self, data_dir: Path, kdf: KdfParams | None) -> None:
        super().__init__()
        self.setObjectName("wizard_admin_page")
        self.data_dir = data_dir
        self.kdf = kdf
        self.session: Session | None = None
        self.recovery_key = ""
        self._busy = False
        self.username = QLineEdit(objectName="admin_username")
        self.username_error = FieldError("admin_username_error")
        self.display_name = QLineEdit(objectName="admin_display_name")
        self.password = QLineEdit(objectName="admin_password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password2 = QLineEdit(objectName="admin_password2")
        self.password2.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_error = FieldError("admin_password_error")
        self.create_error = FieldError("setup_error")
        self.busy = BusyBar("setup_busy")
        form = QFormLayout(self)
        self.labels = [add_row(form, self.username)]
        form.addRow("", self.username_error)
        self.labels += [add_row(form, self.display_name), add_row(form, self.password),
                        add_row(form, self.password2)]
        form.addRow("", self.password_error)
        form.addRow(self.busy)
        form.addRow(self.create_error)
        self.setCommitPage(True)
        self.retranslate()

    def retranslate(self) -> None:
        self.setTitle(_("First administrator"))
        self.setSubTitle(_("The administrator adds the other users of this computer."))
        for label, text in zip(self.labels, (_("User name"), _("Display name"), _("Password"),
                                             _("Password again")), strict=True):
            label.setText(text)
        self.setButtonText(QWizard.WizardButton.CommitButton, _("Create"))

    def isComplete(self) -> bool:  # noqa: N802 - Qt override
        return not self._busy and super().isComplete()

    def validatePage(self) -> bool:  # noqa: N802 - Qt override
        if self.session is not None:
            return True
        if self._busy:
            return False
        for label in (self.username_error, self.password_error, self.create_error):
            label.clear_message()
        try:
            check_username(self.username.text().strip())
        except AppError as exc:
            self.username_error.show_message(error_text(exc))
            return False
        try:
            check_password(self.password.text())
            if self.password.text() != self.password2.text():
                raise PasswordMismatchError()
        except AppError as exc:
            self.password_error.show_message(error_text(exc))
            return False
        self._create()
        return False  # the wizard moves on when the store exists (see _created)

    def _create(self) -> None:
        clinic: ClinicPage = self.wizard().page(SetupWizard.CLINIC)  # type: ignore[assignment]
        info = SetupInfo(
            clinic_name=clinic.clinic_name.text().strip(),
            township_code=clinic.township_code.text().strip(),
            village_codes=parse_codes(clinic.village_codes.toPlainText()),
            admin_username=self.username.text().strip(),
            admin_display_name=self.display_name.text().strip(),
            admin_password=self.password.text(),
            kdf=self.kdf)
        self._set_busy(True)
        run_task(self, lambda _ctx: Session.setup(self.data_dir, info), self._created,
                 self._failed)

    def _created(self, result: tuple[Session, str]) -> None:
        self.session, self.recovery_key = result
        self.password.clear()
        self.password2.clear()
        self._set_busy(False)
        self.wizard().next()

    def _failed(self, exc: BaseException) -> None:
        self._set_busy(False)
        from desktop.ui.errors import log_exception, message_for

        if not isinstance(exc, AppError):
            log_exception(exc)
        self.create_error.show_message(message_for(exc))

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        self.busy.setVisible(busy)
        for field in (self.username, self.display_name, self.password, self.password2):
            field.setEnabled(not busy)
        self.completeChanged.emit()


class RecoveryPage(Retranslatable, QWizardPage):
    """Shows the recovery key once; Finish needs the confirmation box ticked."""

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("wizard_recovery_page")
        self.explain = QLabel(objectName="recovery_explain")
        self.explain.setWordWrap(True)
        self.key_label = QLabel(objectName="recovery_key")
        self.key_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.key_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        key_font = QFont("monospace")
        key_font.setStyleHint(QFont.StyleHint.TypeWriter)
        key_font.setPointSize(16)
        key_font.setBold(True)
        self.key_label.setFont(key_font)
        self.print_button = QPushButton(objectName="print_recovery_key")
        self.print_button.clicked.connect(self.print_key)
        self.confirm = QCheckBox(objectName="recovery_confirmed")
        layout = QVBoxLayout(self)
        layout.addWidget(self.explain)
        layout.addWidget(self.key_label)
        layout.addWidget(self.print_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addStretch(1)
        layout.addWidget(self.confirm)
        self.registerField("recovery_confirmed*", self.confirm)
        self.retranslate()

    def retranslate(self) -> None:
        self.setTitle(_("Recovery key"))
        self.explain.setText(_(
            "If every password is forgotten, only this key opens the data. It is shown only "
            "now. Write it down or print it, and keep it locked away from the computer."))
        self.print_button.setText(_("Print…"))
        self.confirm.setText(_("I have written it down or printed it"))

    def initializePage(self) -> None:  # noqa: N802 - Qt override
        self.key_label.setText(self._admin().recovery_key)

    def _admin(self) -> AdminPage:
        return self.wizard().page(SetupWizard.ADMIN)  # type: ignore[return-value]

    def print_key(self) -> None:
        from PySide6.QtPrintSupport import QPrintDialog, QPrinter

        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        dialog = QPrintDialog(printer, self)
        dialog.setObjectName("recovery_print_dialog")
        if dialog.exec() == QPrintDialog.DialogCode.Accepted:
            clinic: ClinicPage = self.wizard().page(SetupWizard.CLINIC)  # type: ignore
            render_recovery_sheet(printer, clinic.clinic_name.text().strip(),
                                  self._admin().recovery_key)


def render_recovery_sheet(device: QPagedPaintDevice, clinic_name: str, key: str) -> None:
    """Paint the recovery key page on a printer or PDF writer (sizes in points)."""
    painter = QPainter(device)
    try:
        dpi = device.logicalDpiY()
        margin = dpi * 0.8
        width = device.width() - 2 * margin
        y = margin

        def block(text: str, size: float, bold: bool = False, mono: bool = False) -> None:
            nonlocal y
            font = QFont(QFont("monospace") if mono else painter.font())
            font.setPointSizeF(size)
            font.setBold(bold)
            painter.setFont(font)
            rect = painter.boundingRect(QRectF(margin, y, width, 10 * dpi),
                                        Qt.TextFlag.TextWordWrap, text)
            painter.drawText(rect, Qt.TextFlag.TextWordWrap, text)
            y += rect.height() + size * dpi / 72

        block(_("Eke recovery key"), 20, bold=True)
        block(clinic_name, 12)
        block(key, 22, bold=True, mono=True)
        block(_("If every password is forgotten, only this key opens the data. Keep this "
                "page locked away from the computer."), 11)
    finally:
        painter.end()


class SetupWizard(Retranslatable, QWizard):
    """Emits `completed(session)` when the user finishes after confirming the key."""

    CLINIC, ADMIN, RECOVERY = 0, 1, 2
    completed = Signal(object)
    restored = Signal()  # a package or backup was installed: log in to open it

    def __init__(self, data_dir: Path, kdf: KdfParams | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("setup_wizard")
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.setOption(QWizard.WizardOption.NoCancelButtonOnLastPage, True)
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage, True)
        self.clinic_page = ClinicPage()
        self.admin_page = AdminPage(data_dir, kdf)
        self.recovery_page = RecoveryPage()
        self.setPage(self.CLINIC, self.clinic_page)
        self.setPage(self.ADMIN, self.admin_page)
        self.setPage(self.RECOVERY, self.recovery_page)
        for button, name in ((QWizard.WizardButton.NextButton, "wizard_next"),
                             (QWizard.WizardButton.BackButton, "wizard_back"),
                             (QWizard.WizardButton.CommitButton, "wizard_commit"),
                             (QWizard.WizardButton.FinishButton, "wizard_finish"),
                             (QWizard.WizardButton.CancelButton, "wizard_cancel")):
            self.button(button).setObjectName(name)
        self.clinic_page.restore_button.clicked.connect(self.choose_package)
        self.resize(640, 520)
        self.retranslate()

    def retranslate(self) -> None:
        self.setWindowTitle(_("Set up Eke"))
        self.setButtonText(QWizard.WizardButton.NextButton, _("Next"))
        self.setButtonText(QWizard.WizardButton.BackButton, _("Back"))
        self.setButtonText(QWizard.WizardButton.FinishButton, _("Finish"))
        self.setButtonText(QWizard.WizardButton.CancelButton, _("Cancel"))

    @property
    def session(self) -> Session | None:
        return self.admin_page.session

    def choose_package(self) -> None:
        from PySide6.QtWidgets import QFileDialog

        path, _filter = QFileDialog.getOpenFileName(
            self, _("Choose the package or backup"), str(Path.home()),
            _("Eke packages and backups (*.zip *.db)"))
        if path:
            self.restore_from(Path(path))

    def restore_from(self, path: Path) -> None:
        """Install the package or backup at *path* as this laptop's store (background);
        emits `restored` when done, shows the reason on the first page when refused."""
        page = self.clinic_page
        page.restore_error.clear_message()
        page.restore_busy.show()
        page.restore_button.setEnabled(False)
        data_dir = self.admin_page.data_dir
        run_task(self, lambda _ctx: install_package(data_dir, path), self._installed,
                 self._install_failed)

    def _installed(self, _store_id: str) -> None:
        self.clinic_page.restore_busy.hide()
        self.restored.emit()

    def _install_failed(self, exc: BaseException) -> None:
        from desktop.ui.errors import log_exception, message_for

        page = self.clinic_page
        page.restore_busy.hide()
        page.restore_button.setEnabled(True)
        if not isinstance(exc, AppError):
            log_exception(exc)
        page.restore_error.show_message(message_for(exc))

    def accept(self) -> None:
        session = self.admin_page.session
        if session is None or not self.recovery_page.confirm.isChecked():
            return
        # The key is shown once: drop it from memory and from the screen.
        self.admin_page.recovery_key = ""
        self.recovery_page.key_label.clear()
        super().accept()
        self.completed.emit(session)

    def reject(self) -> None:
        if self.admin_page.session is not None:
            return  # the store exists: the key must be confirmed before leaving
        super().reject()
