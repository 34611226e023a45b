"""Backups in Settings (administrators): the extra folder (a USB drive), back up now, the
list of backups with Restore…, and the package that moves the store to another laptop.
Also the daily backup that runs in the background of every unlocked session."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.errors import AppError
from desktop.i18n import N_, _
from desktop.services.backups import LOCATION_DATA, BackupEntry, BackupOutcome
from desktop.services.session import Session
from desktop.ui.errors import log_exception, message_for
from desktop.ui.tasks import run_task
from desktop.ui.widgets.base import BusyBar, FieldError, Retranslatable

REASON_TEXTS = {
    "daily": N_("Daily"),
    "migration": N_("Before an update"),
    "manual": N_("By hand"),
    "restore": N_("Before a restore"),
}
STOPPED = "store.backup_stopped"
# The first daily check waits until the first screens are drawn; then once an hour, so a
# program left running over midnight makes the next day's copy.
DAILY_FIRST_DELAY_MS = 15_000
DAILY_INTERVAL_MS = 60 * 60 * 1000


def size_text(size: int) -> str:
    """*size* bytes as KiB below 1 MiB, else MiB with one decimal."""
    if size < 1024 * 1024:
        return _("{n} KiB", n=max(1, size // 1024))
    return _("{n} MiB", n=f"{size / (1024 * 1024):.1f}")


def tell_folder_missing(parent: QWidget, folder: Path | None) -> QMessageBox:
    """Say once that the extra backup folder was not there (non-modal)."""
    box = QMessageBox(QMessageBox.Icon.Information, _("Backup"),
                      _("The backup folder {folder} was not found (is the USB drive plugged "
                        "in?). The backup was saved on this computer only. This message is "
                        "shown once.", folder=str(folder or "")),
                      QMessageBox.StandardButton.Ok, parent)
    box.setObjectName("backup_folder_missing_box")
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    return box


class BackupsBox(Retranslatable, QGroupBox):
    """Emits `changed(Changes)` when the folder setting changed and `restored` after a
    backup replaced the data (the session is closed: the app must go to the login)."""

    changed = Signal(object)
    restored = Signal()

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("backups_box")
        self.session = session
        self.entries: list[BackupEntry] = []
        self.folder_label = QLabel(objectName="backup_folder_label")
        self.folder = QLineEdit(objectName="backup_folder")
        self.folder.setReadOnly(True)
        self.choose_button = QPushButton(objectName="choose_backup_folder")
        self.choose_button.clicked.connect(self.choose_folder)
        self.clear_button = QPushButton(objectName="clear_backup_folder")
        self.clear_button.clicked.connect(lambda: self.set_folder(None))
        self.folder_hint = QLabel(objectName="backup_folder_hint")
        self.folder_hint.setWordWrap(True)
        self.table = QTableWidget(0, 4, objectName="backups_table")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().hide()
        self.table.setMinimumHeight(180)
        self.none_label = QLabel(objectName="backups_none")
        self.none_label.setWordWrap(True)
        self.none_label.hide()
        self.backup_button = QPushButton(objectName="backup_now_button")
        self.backup_button.clicked.connect(self.backup_now)
        self.restore_button = QPushButton(objectName="restore_backup_button")
        self.restore_button.clicked.connect(self.confirm_restore)
        self.export_button = QPushButton(objectName="export_move_button")
        self.export_button.clicked.connect(self.choose_export_folder)
        self.error = FieldError("backups_error")
        self.done = QLabel(objectName="backups_done")
        self.done.setWordWrap(True)
        self.done.hide()
        self.busy = BusyBar("backups_busy")

        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder_label)
        folder_row.addWidget(self.folder, 1)
        folder_row.addWidget(self.choose_button)
        folder_row.addWidget(self.clear_button)
        buttons = QHBoxLayout()
        buttons.addWidget(self.backup_button)
        buttons.addWidget(self.restore_button)
        buttons.addStretch(1)
        buttons.addWidget(self.export_button)
        layout = QVBoxLayout(self)
        layout.addLayout(folder_row)
        layout.addWidget(self.folder_hint)
        layout.addWidget(self.none_label)
        layout.addWidget(self.table)
        layout.addLayout(buttons)
        layout.addWidget(self.error)
        layout.addWidget(self.done)
        layout.addWidget(self.busy)
        self.folder.setText(session.backup_folder())
        self.reload()
        self.retranslate()

    def retranslate(self) -> None:
        self.setTitle(_("Backups"))
        self.folder_label.setText(_("Extra backup folder"))
        self.choose_button.setText(_("Choose…"))
        self.clear_button.setText(_("Do not use"))
        self.folder_hint.setText(_(
            "Eke backs up every day and before every update, on this computer and, when it "
            "is plugged in, in the extra folder (for example on a USB drive). Backups are "
            "encrypted: they open only with a user's password or the recovery key."))
        self.table.setHorizontalHeaderLabels([_("Made"), _("Why"), _("Size"), _("Where")])
        self.backup_button.setText(_("Back up now"))
        self.restore_button.setText(_("Restore…"))
        self.export_button.setText(_("Export for another laptop…"))
        self.none_label.setText(_("No backup has been made yet. Eke makes one every day; "
                                  "“Back up now” makes one at once."))
        self._fill()

    # -- the list -------------------------------------------------------------------------
    def reload(self) -> None:
        try:
            self.entries = self.session.all_backups()
        except OSError as exc:  # an unreadable USB folder: show what can be read
            log_exception(exc)
            self.entries = []
        self._fill()

    def _fill(self) -> None:
        self.table.setRowCount(len(self.entries))
        # An empty list says why it is empty instead of showing a blank table.
        self.table.setVisible(bool(self.entries))
        self.none_label.setVisible(not self.entries)
        for row, entry in enumerate(self.entries):
            where = (_("This computer") if entry.location == LOCATION_DATA
                     else _("Extra folder"))
            texts = (entry.made_at.astimezone().strftime("%Y-%m-%d %H:%M"),
                     _(REASON_TEXTS.get(entry.reason, entry.reason)), size_text(entry.size),
                     where)
            for column, text in enumerate(texts):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, str(entry.path))
                item.setToolTip(str(entry.path))
                self.table.setItem(row, column, item)

    def selected_path(self) -> Path | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        return Path(self.table.item(rows[0].row(), 0).data(Qt.ItemDataRole.UserRole))

    # -- the extra folder -------------------------------------------------------------------
    def choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, _("Choose the backup folder"),
                                                  self.folder.text() or str(Path.home()))
        if folder:
            self.set_folder(folder)

    def set_folder(self, folder: str | None) -> None:
        self._clear_messages()
        try:
            changes = self.session.set_backup_folder(folder)
        except Exception as exc:  # noqa: BLE001 - shown to the user, logged if unexpected
            self._show_error(exc)
            return
        self.folder.setText(self.session.backup_folder())
        self.reload()
        self.changed.emit(changes)

    # -- backing up and exporting -------------------------------------------------------------
    def backup_now(self) -> None:
        self._clear_messages()
        self._set_busy(True)
        session = self.session
        run_task(self, lambda ctx: session.run_backup(lambda: ctx.cancelled),
                 self._backed_up, self._failed)

    def _backed_up(self, outcome: BackupOutcome) -> None:
        self._set_busy(False)
        self.reload()
        if outcome.extra_missing:
            self.done.setText(_("The backup was saved on this computer only: the backup "
                                "folder {folder} was not found.",
                                folder=str(outcome.extra_folder)))
        else:
            self.done.setText(_("The backup was made."))
        self.done.show()

    def choose_export_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(
            self, _("Choose where to save the package (for example a USB drive)"),
            str(Path.home()))
        if folder:
            self.export_to(Path(folder))

    def export_to(self, folder: Path) -> None:
        """Write the move package into *folder* in the background."""
        self._clear_messages()
        self._set_busy(True)
        session = self.session
        run_task(self, lambda _ctx: session.export_for_move(folder), self._exported,
                 self._failed)

    def _exported(self, package: Path) -> None:
        self._set_busy(False)
        self.done.setText(_(
            "Saved {file}. On the new laptop, install Eke, choose \"Restore from a package or "
            "backup\" and log in with your password or the recovery key.", file=str(package)))
        self.done.show()

    # -- restoring ---------------------------------------------------------------------------
    def confirm_restore(self) -> QMessageBox | None:
        self._clear_messages()
        path = self.selected_path()
        if path is None:
            self.error.show_message(_("Choose a backup in the list first."))
            return None
        entry = next(e for e in self.entries if e.path == path)
        box = QMessageBox(
            QMessageBox.Icon.Warning, _("Restore backup"),
            _("Replace all data on this computer with the backup of {when}? Changes made "
              "after it are lost unless they were synced. The current data is kept aside. "
              "Everyone is logged out.",
              when=entry.made_at.astimezone().strftime("%Y-%m-%d %H:%M")),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, self)
        box.setObjectName("confirm_restore")
        box.setDefaultButton(QMessageBox.StandardButton.No)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.button(QMessageBox.StandardButton.Yes).setObjectName("confirm_restore_yes")
        box.button(QMessageBox.StandardButton.No).setObjectName("confirm_restore_no")
        box.buttonClicked.connect(
            lambda button: self.restore(path)
            if box.standardButton(button) == QMessageBox.StandardButton.Yes else None)
        box.open()
        return box

    def restore(self, path: Path) -> None:
        self._set_busy(True)
        session = self.session
        run_task(self, lambda _ctx: session.restore_backup(path), self._restored,
                 self._failed)

    def _restored(self, _aside: Path) -> None:
        self._set_busy(False)
        self.restored.emit()
        # The session is closed now: the main window's lock takes everyone to the login.
        lock = getattr(self.window(), "lock_requested", None)
        if lock is not None:
            lock.emit()

    # -- helpers ---------------------------------------------------------------------------
    def _failed(self, exc: BaseException) -> None:
        self._set_busy(False)
        self.reload()
        self._show_error(exc)

    def _show_error(self, exc: BaseException) -> None:
        if not isinstance(exc, AppError):
            log_exception(exc)
        self.error.show_message(message_for(exc))

    def _clear_messages(self) -> None:
        self.error.clear_message()
        self.done.hide()

    def _set_busy(self, busy: bool) -> None:
        self.busy.setVisible(busy)
        for button in (self.backup_button, self.restore_button, self.export_button,
                       self.choose_button, self.clear_button):
            button.setEnabled(not busy)


class DailyBackups(QObject):
    """Makes the day's backup in the background of an unlocked session: soon after the
    main window opens (the first unlock of a day) and then hourly while it runs. Work is
    tied to *window*: locking stops a running copy (nothing half-made is kept)."""

    finished = Signal(object)  # BackupOutcome or None (nothing was due)

    def __init__(self, window: QWidget, session: Session,
                 first_delay_ms: int = DAILY_FIRST_DELAY_MS) -> None:
        super().__init__(window)
        self.setObjectName("daily_backups")
        self.owner = window
        self.session = session
        self.timer = QTimer(self, objectName="daily_backup_timer")
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self.run_now)
        self.first_delay_ms = first_delay_ms
        self._running = False

    def start(self) -> None:
        self.timer.start(self.first_delay_ms)

    def stop(self) -> None:
        self.timer.stop()

    def run_now(self) -> None:
        self.timer.start(DAILY_INTERVAL_MS)
        if self._running or self.session.closed:
            return
        self._running = True
        session = self.session
        run_task(self.owner, lambda ctx: session.run_daily_backup(lambda: ctx.cancelled),
                 self._done, self._failed)

    def _done(self, outcome: BackupOutcome | None) -> None:
        self._running = False
        if outcome is not None and outcome.tell_user:
            tell_folder_missing(self.owner, outcome.extra_folder)
        self.finished.emit(outcome)

    def _failed(self, exc: BaseException) -> None:
        self._running = False
        if not (isinstance(exc, AppError) and exc.code == STOPPED):
            # A failed automatic copy must not interrupt the work; the next hour retries.
            log_exception(exc)
        self.finished.emit(None)


def attach_daily_backups(window: QWidget, session: Session) -> DailyBackups:
    """Start the daily backups of *session* for the life of *window*."""
    daily = DailyBackups(window, session)
    daily.start()
    return daily

