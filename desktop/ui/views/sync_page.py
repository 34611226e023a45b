"""The Sync page: sync now (progress in batches and records, cancel), last sync and its
result, pending changes, the conflict inbox (both values side by side; pick one), per-record
sync errors, the background sync switch, the administrator's Enrol dialog, and USB bundles
(export pending changes to a file for central, import the file central wrote back).

Every call to the services runs through desktop.ui.tasks.run_task: syncing, reading the
overview and the inbox never block the GUI thread. `AutoSyncer` (owned by the main window)
checks every few minutes whether central answers and syncs when changes are pending.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.errors import AppError
from desktop.i18n import N_, _
from desktop.i18n.messages import error_text
from desktop.services.session import Changes, KdfParams, Session
from desktop.ui.main_window import format_moment
from desktop.ui.tasks import Task, run_task
from desktop.ui.widgets.base import FieldError, QuietLabel, Retranslatable, add_row
from desktop.ui.widgets.tables import fit_columns
from desktop.ui.widgets.vertical_text import is_vertical_language

# The sync cursor in words: how far this laptop has received central's numbered changes,
# and how many of its own changes central has not confirmed yet.
RECEIVED_UP_TO = N_("Received from central: every change up to number {cursor}.")
NOTHING_RECEIVED = N_("Received from central: nothing yet.")
WAITING = N_("Waiting to be sent: {count} changes made on this laptop.")
ALL_SENT = N_("Waiting to be sent: none. Central has every change made on this laptop.")


def _value_text(value: Any) -> str:
    if value is None:
        return _("(empty)")
    return str(value)


class SyncPage(Retranslatable, QWidget):
    """Emits `changed` after a sync or a resolved conflict (screens redraw)."""

    changed = Signal(object)
    sync_finished = Signal(object)  # the SyncResult, or the exception that stopped it
    overview_loaded = Signal(object)
    inbox_loaded = Signal()
    bundle_finished = Signal(object)  # the ExportResult/ImportResult, or the exception

    def __init__(self, session: Session, kdf: KdfParams | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("page_sync")
        self.session = session
        self.task: Task | None = None
        self.overview: Any = None
        self.conflict_rows: list[Any] = []
        self._latest: Any = None  # the last SyncProgress, written by the worker thread

        self.heading = QLabel(objectName="sync_heading")
        font = self.heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        self.heading.setFont(font)
        self.enrolled_label = QLabel(objectName="sync_enrolled")
        self.enrolled_label.setWordWrap(True)
        self.enrol_button = QPushButton(objectName="enrol_button")
        self.enrol_button.clicked.connect(self.open_enrol)
        self.enrol_button.setVisible(session.user.is_admin)
        self.sync_button = QPushButton(objectName="sync_now_button")
        self.sync_button.clicked.connect(self.start_sync)
        self.cancel_button = QPushButton(objectName="sync_cancel_button")
        self.cancel_button.clicked.connect(self.cancel_sync)
        self.cancel_button.setEnabled(False)
        self.export_button = QPushButton(objectName="bundle_export_button")
        self.export_button.clicked.connect(self.choose_export)
        self.import_button = QPushButton(objectName="bundle_import_button")
        self.import_button.clicked.connect(self.choose_import)
        self.bundle_label = QuietLabel(objectName="bundle_result")
        self.bundle_label.setWordWrap(True)
        self.bundle_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.progress = QProgressBar(objectName="sync_progress")
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.progress.hide()  # shown while a sync or a bundle runs
        self.progress_label = QuietLabel(objectName="sync_progress_label")
        self.progress_label.setWordWrap(True)
        self.last_label = QLabel(objectName="sync_last")
        self.result_label = QuietLabel(objectName="sync_result")
        self.result_label.setWordWrap(True)
        # How far this laptop has pulled and what it still has to push, in words.
        self.cursor_label = QLabel(objectName="sync_cursor")
        self.cursor_label.setWordWrap(True)
        self.pending_label = QLabel(objectName="sync_pending")
        self.pending_label.setWordWrap(True)
        self.auto_check = QCheckBox(objectName="auto_sync_check")
        self.auto_minutes = QSpinBox(objectName="auto_sync_minutes")
        self.auto_minutes.setRange(1, 240)
        self.auto_check.toggled.connect(self._save_auto)
        self.auto_minutes.editingFinished.connect(self._save_auto)

        top = QHBoxLayout()
        top.addWidget(self.sync_button)
        top.addWidget(self.cancel_button)
        top.addWidget(self.export_button)
        top.addWidget(self.import_button)
        top.addWidget(self.enrol_button)
        top.addStretch(1)
        auto = QHBoxLayout()
        auto.addWidget(self.auto_check)
        auto.addWidget(self.auto_minutes)
        auto.addStretch(1)

        self.conflict_box = QGroupBox(objectName="conflict_box")
        self.conflicts = QTableWidget(0, 5, objectName="conflict_table")
        self.conflicts.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.conflicts.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.conflicts.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        fit_columns(self.conflicts)
        self.keep_local = QPushButton(objectName="conflict_keep_local")
        self.keep_remote = QPushButton(objectName="conflict_keep_remote")
        self.keep_local.clicked.connect(lambda: self.resolve_selected("local"))
        self.keep_remote.clicked.connect(lambda: self.resolve_selected("remote"))
        self.no_conflicts = QLabel(objectName="sync_no_conflicts")
        self.no_conflicts.setWordWrap(True)
        picks = QHBoxLayout()
        picks.addWidget(self.keep_local)
        picks.addWidget(self.keep_remote)
        picks.addStretch(1)
        box = QVBoxLayout(self.conflict_box)
        box.addWidget(self.no_conflicts)
        box.addWidget(self.conflicts)
        box.addLayout(picks)

        self.error_box = QGroupBox(objectName="sync_error_box")
        self.errors = QTableWidget(0, 4, objectName="sync_error_table")
        self.errors.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        fit_columns(self.errors)
        self.retry_button = QPushButton(objectName="sync_retry_errors")
        self.retry_button.clicked.connect(self.retry_errors)
        self.no_errors = QLabel(objectName="sync_no_errors")
        self.no_errors.setWordWrap(True)
        ebox = QVBoxLayout(self.error_box)
        ebox.addWidget(self.no_errors)
        ebox.addWidget(self.errors)
        ebox.addWidget(self.retry_button, 0, Qt.AlignmentFlag.AlignLeft)

        body = QWidget(objectName="sync_body")
        layout = QVBoxLayout(body)
        self._body_layout = layout
        for widget in (self.heading, self.enrolled_label):
            layout.addWidget(widget)
        layout.addLayout(top)
        for widget in (self.progress, self.progress_label, self.bundle_label, self.last_label,
                       self.result_label, self.cursor_label, self.pending_label):
            layout.addWidget(widget)
        layout.addLayout(auto)
        layout.addWidget(self.conflict_box)
        layout.addWidget(self.error_box)
        layout.addStretch(1)
        self._show_tables(0, 0)
        # Scrolls rather than growing past a 768-pixel screen when both lists are full.
        scroll = QScrollArea(objectName="sync_scroll")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(body)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)
        self.retranslate()
        self.refresh()

    # -- texts ---------------------------------------------------------------------------
    def retranslate(self) -> None:
        self.heading.setText(_("Sync with central"))
        # In Mongolian the window shows the page's title as a vertical strip beside it.
        self.heading.setVisible(not is_vertical_language())
        self.enrol_button.setText(_("Enrol this laptop…"))
        self.sync_button.setText(_("Sync now"))
        self.cancel_button.setText(_("Cancel"))
        self.export_button.setText(_("Export to USB…"))
        self.import_button.setText(_("Import from USB…"))
        self.auto_check.setText(_("Sync in the background when central answers, every"))
        self.auto_minutes.setSuffix(_(" minutes"))
        self.conflict_box.setTitle(_("Conflicts to review"))
        self.conflicts.setHorizontalHeaderLabels([
            _("Record"), _("Field"), _("This laptop"), _("Other side"), _("Now")])
        self.keep_local.setText(_("Keep this laptop's value"))
        self.keep_remote.setText(_("Keep the other side's value"))
        self.error_box.setTitle(_("Records that could not be synced"))
        self.errors.setHorizontalHeaderLabels([_("Record"), _("Direction"), _("Reason"),
                                               _("When")])
        self.retry_button.setText(_("Send refused records again"))
        self.no_conflicts.setText(_("No conflicts: where this laptop and central changed the "
                                    "same field, the choice to make would be listed here."))
        self.no_errors.setText(_("None: central has accepted every record sent so far."))
        self._show_overview()

    def _show_overview(self) -> None:
        view = self.overview
        if view is None:
            return
        if view.enrolled:
            self.enrolled_label.setText(_("Enrolled with {endpoint} as device {device}.",
                                          endpoint=view.endpoint, device=view.device_id))
        else:
            self.enrolled_label.setText(_("This laptop is not enrolled with central yet."))
        self.sync_button.setEnabled(view.enrolled and self.task is None)
        self.export_button.setEnabled(view.enrolled and self.task is None)
        self.import_button.setEnabled(view.enrolled and self.task is None)
        self.last_label.setText(_("Last sync: {when}", when=format_moment(view.last_sync_at)))
        self.result_label.setText(self._result_text(view.last_result))
        self.cursor_label.setText(_(RECEIVED_UP_TO, cursor=view.cursor) if view.cursor
                                  else _(NOTHING_RECEIVED))
        self.pending_label.setText(_(WAITING, count=view.pending) if view.pending
                                   else _(ALL_SENT))
        self.auto_check.blockSignals(True)
        self.auto_minutes.blockSignals(True)
        self.auto_check.setChecked(view.auto_sync)
        self.auto_minutes.setValue(view.auto_minutes)
        self.auto_check.blockSignals(False)
        self.auto_minutes.blockSignals(False)

    @staticmethod
    def _result_text(result: dict[str, Any] | None) -> str:
        if not result:
            return ""
        if result.get("ok"):
            return _("Last result: {pushed} sent, {pulled} received, {conflicts} conflicts.",
                     pushed=result.get("pushed", 0), pulled=result.get("pulled", 0),
                     conflicts=result.get("conflicts", 0))
        params = result.get("params") if isinstance(result.get("params"), dict) else {}
        return _("Last result: failed. {reason}",
                 reason=error_text(_coded(result.get("code", ""))(**params)))

    # -- loading ---------------------------------------------------------------------------
    def refresh(self) -> None:
        """Reload the overview, the conflict inbox and the sync errors in the background."""
        if self.session.closed:
            return
        session = self.session
        run_task(self, lambda _ctx: (session.sync_overview(), session.conflicts(),
                                     session.sync_errors()), self._loaded, self._failed_load)

    def _failed_load(self, exc: BaseException) -> None:
        self.result_label.setText(error_text(exc))

    def _loaded(self, loaded: tuple[Any, list[Any], list[Any]]) -> None:
        self.overview, conflicts, errors = loaded
        self._show_overview()
        self.conflict_rows = conflicts
        self.conflicts.setRowCount(len(conflicts))
        for row, c in enumerate(conflicts):
            for col, text in enumerate((c.record_label or c.table, c.field,
                                        _value_text(c.local_value),
                                        _value_text(c.remote_value),
                                        _value_text(c.current_value))):
                self.conflicts.setItem(row, col, QTableWidgetItem(text))
        if conflicts:
            self.conflicts.selectRow(0)
        self.errors.setRowCount(len(errors))
        for row, e in enumerate(errors):
            direction = _("sending") if e.direction == "push" else _("receiving")
            reason = error_text(_coded(e.code)())
            for col, text in enumerate((e.record_label or e.table, direction, reason,
                                        format_moment(e.at))):
                self.errors.setItem(row, col, QTableWidgetItem(text))
        self.retry_button.setEnabled(any(e.direction == "push" for e in errors))
        self._show_tables(len(conflicts), len(errors))
        self.overview_loaded.emit(self.overview)
        self.inbox_loaded.emit()

    def _show_tables(self, conflicts: int, errors: int) -> None:
        """A list with rows, or the words saying why it is empty."""
        self.conflicts.setVisible(conflicts > 0)
        self.no_conflicts.setVisible(conflicts == 0)
        self.keep_local.setEnabled(conflicts > 0)
        self.keep_remote.setEnabled(conflicts > 0)
        self.errors.setVisible(errors > 0)
        self.no_errors.setVisible(errors == 0)
        # The lists share the room left; with both empty it stays below them.
        layout = self._body_layout
        layout.setStretchFactor(self.conflict_box, 2 if conflicts else 0)
        layout.setStretchFactor(self.error_box, 1 if errors else 0)
        layout.setStretch(layout.count() - 1, 0 if conflicts or errors else 1)

    # -- syncing ---------------------------------------------------------------------------
    def start_sync(self) -> None:
        if self.task is not None or self.session.closed:
            return
        session = self.session
        self.sync_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self.progress.setRange(0, 0)
        self.progress.show()
        self.progress_label.setText(_("Connecting to central…"))

        def op(ctx: Any) -> Any:
            def progress(p: Any) -> None:
                self._latest = p  # read on the GUI thread when the report arrives
                ctx.report(p.records, p.total)

            return session.sync_now(progress=progress, cancelled=lambda: ctx.cancelled)

        self.task = run_task(self, op, self._synced, self._sync_failed,
                             on_progress=self._progressed)

    def cancel_sync(self) -> None:
        if self.task is not None:
            self.task.cancel()
            self.progress_label.setText(_("Stopping after the current step…"))

    def _progressed(self, done: int, total: int) -> None:
        p = self._latest
        if p is None:
            return
        if p.phase == "push":
            self.progress.setRange(0, max(p.total, 1))
            self.progress.setValue(min(p.records, p.total))
            self.progress_label.setText(_("Sending: {batches} batches, {records} of {total}"
                                          " records", batches=p.batches, records=p.records,
                                          total=p.total))
        else:
            self.progress.setRange(0, 0)
            self.progress_label.setText(_("Receiving: {batches} pages, {records} records",
                                          batches=p.batches, records=p.records))

    def _end(self) -> None:
        self.task = None
        self.cancel_button.setEnabled(False)
        self.progress.setRange(0, 1)
        self.progress.hide()
        enrolled = bool(self.overview is not None and self.overview.enrolled)
        for button in (self.sync_button, self.export_button, self.import_button):
            button.setEnabled(enrolled)

    def _synced(self, result: Any) -> None:
        self._end()
        self.progress.setValue(1)
        self.progress_label.setText(_("Sync complete."))
        self.refresh()
        self.changed.emit(Changes(tables=frozenset({"sync"})))
        self.sync_finished.emit(result)

    def _sync_failed(self, exc: BaseException) -> None:
        self._end()
        self.progress.setValue(0)
        self.progress_label.setText(error_text(exc))
        self.refresh()
        self.sync_finished.emit(exc)

    # -- USB bundles -----------------------------------------------------------------------
    def choose_export(self) -> QFileDialog:
        """Ask for the folder (a USB stick) to write the bundle into; non-blocking."""
        dialog = QFileDialog(self, _("Export to USB: choose the USB stick or a folder"),
                             objectName="bundle_export_dialog")
        dialog.setFileMode(QFileDialog.FileMode.Directory)
        dialog.setOption(QFileDialog.Option.ShowDirsOnly, True)
        dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.fileSelected.connect(lambda path: self.export_to(Path(path)))
        dialog.open()
        return dialog

    def choose_import(self) -> QFileDialog:
        """Ask for the bundle file central wrote for this laptop; non-blocking."""
        dialog = QFileDialog(self, _("Import from USB: choose the bundle from central"),
                             objectName="bundle_import_dialog")
        dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        dialog.setNameFilters([_("Eke bundles (*.ekebundle)"), _("All files (*)")])
        dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.fileSelected.connect(lambda path: self.import_from(Path(path)))
        dialog.open()
        return dialog

    def _start_bundle(self, op: Any, done: Any, busy_text: str) -> None:
        if self.task is not None or self.session.closed:
            return
        for button in (self.sync_button, self.export_button, self.import_button):
            button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self.progress.setRange(0, 0)
        self.progress.show()
        self.progress_label.setText(busy_text)
        self.bundle_label.clear()

        def work(ctx: Any) -> Any:
            return op(lambda d, t: ctx.report(d, t), lambda: ctx.cancelled)

        self.task = run_task(self, work, done, self._bundle_failed,
                             on_progress=self._bundle_progressed)

    def _bundle_progressed(self, done: int, total: int) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(min(done, max(total, 1)))

    def export_to(self, folder: Path) -> None:
        """Write the pending changes into a bundle in *folder*, in the background."""
        session = self.session
        self._start_bundle(lambda report, stop: session.export_bundle(folder, report, stop),
                           self._exported, _("Writing the bundle…"))

    def import_from(self, source: Path) -> None:
        """Apply the bundle *source* from central, in the background."""
        session = self.session
        self._start_bundle(lambda report, stop: session.import_bundle(source, report, stop),
                           self._imported, _("Reading the bundle…"))

    def _exported(self, result: Any) -> None:
        self._end()
        self.progress.setValue(1)
        self.progress_label.setText("")
        if not result.files:
            text = _("No changes are waiting to be sent; no file was written.")
        else:
            text = _("{changes} changes written to {files}. At the banner, import it into"
                     " central, then ask for the bundle back for device {device} from number"
                     " {since}.", changes=result.changes,
                     files=", ".join(str(f) for f in result.files), device=result.device_id,
                     since=result.cursor)
        self.bundle_label.setText(text)
        self.refresh()
        self.bundle_finished.emit(result)

    def _imported(self, result: Any) -> None:
        self._end()
        self.progress.setValue(1)
        self.progress_label.setText("")
        parts = []
        if result.changed:
            parts.append(_("Central confirmed {acknowledged} changes of this laptop;"
                           " {pulled} changes received; {conflicts} conflicts.",
                           acknowledged=result.acknowledged, pulled=result.pulled,
                           conflicts=result.conflicts))
        elif not result.gap:
            parts.append(_("Nothing new in this bundle: it was imported before."))
        if result.gap:
            parts.append(_("This bundle starts after number {since}, but this laptop has"
                           " received changes only up to {cursor}: its changes were not"
                           " applied. Ask for a bundle from number {cursor}.",
                           since=result.since, cursor=result.cursor))
        if result.more:
            parts.append(_("Central has more changes: ask for another bundle from number"
                           " {cursor}.", cursor=result.cursor))
        self.bundle_label.setText(" ".join(parts))
        self.refresh()
        self.changed.emit(Changes(tables=frozenset({"sync"})))
        self.bundle_finished.emit(result)

    def _bundle_failed(self, exc: BaseException) -> None:
        self._end()
        self.progress.setValue(0)
        self.progress_label.setText("")
        self.bundle_label.setText(error_text(exc))
        self.refresh()
        self.bundle_finished.emit(exc)

    # -- conflicts, errors, settings -------------------------------------------------------
    def resolve_selected(self, choice: str) -> None:
        rows = self.conflicts.selectionModel().selectedRows()
        if not rows or rows[0].row() >= len(self.conflict_rows):
            return
        conflict_id = self.conflict_rows[rows[0].row()].id
        session = self.session
        run_task(self, lambda _ctx: session.resolve_conflict(conflict_id, choice),
                 self._resolved)

    def _resolved(self, changes: Changes) -> None:
        self.changed.emit(changes)
        self.refresh()

    def retry_errors(self) -> None:
        session = self.session
        run_task(self, lambda _ctx: session.retry_sync_errors(), lambda _n: self.refresh())

    def _save_auto(self) -> None:
        enabled, minutes = self.auto_check.isChecked(), self.auto_minutes.value()
        session = self.session
        run_task(self, lambda _ctx: session.set_auto_sync(enabled, minutes), self.changed.emit)

    def open_enrol(self) -> EnrolDialog:
        dialog = EnrolDialog(self.session, self)
        dialog.accepted.connect(self.refresh)
        dialog.open()
        return dialog


def _coded(code: str) -> type[AppError]:
    """An AppError class carrying *code*, so error_text can word a stored code."""
    return type("StoredSyncError", (AppError,), {"code": code})


class EnrolDialog(Retranslatable, QDialog):
    """Endpoint and one-time code; enrols in the background (administrators only)."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("enrol_dialog")
        self.session = session
        self.endpoint = QLineEdit(objectName="enrol_endpoint")
        self.endpoint.setPlaceholderText("https://")
        self.code = QLineEdit(objectName="enrol_code")
        self.code.setPlaceholderText("XXXX-XXXX-XXXX-XXXX")
        self.error = FieldError("enrol_error")
        form = QFormLayout()
        self.endpoint_label = add_row(form, self.endpoint)
        self.code_label = add_row(form, self.code)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setObjectName("enrol_ok")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setObjectName(
            "enrol_cancel")
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        self.note = QLabel(objectName="enrol_note")
        self.note.setWordWrap(True)
        layout.addWidget(self.note)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.retranslate()

    def retranslate(self) -> None:
        self.setWindowTitle(_("Enrol this laptop"))
        self.note.setText(_("Type central's address and the one-time code from the banner"
                            " MCH institute."))
        self.endpoint_label.setText(_("Central address"))
        self.code_label.setText(_("Enrollment code"))
        self.ok.setText(_("Enrol"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))

    def submit(self) -> None:
        endpoint, code = self.endpoint.text().strip(), self.code.text().strip()
        self.error.clear_message()
        self.ok.setEnabled(False)
        session = self.session
        run_task(self, lambda _ctx: session.enroll(endpoint, code), self._done, self._failed)

    def _done(self, _result: dict) -> None:
        self.ok.setEnabled(True)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.ok.setEnabled(True)
        self.error.show_message(error_text(exc))  # what was typed stays for correcting


class AutoSyncer(QObject):
    """While the program is open, every few minutes (the page's setting, off switch stored
    in meta) checks in the background whether central answers and syncs when changes wait."""

    finished = Signal(object)  # the SyncResult, None (nothing to do), or the exception

    def __init__(self, session: Session, parent: QObject | None = None,
                 minutes: int | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.task: Task | None = None
        self.timer = QTimer(self, objectName="auto_sync_timer")
        self.timer.timeout.connect(self.check)
        self._minutes = minutes

    def start(self) -> None:
        minutes = self._minutes
        if minutes is None:
            try:
                minutes = self.session.auto_sync_minutes()
            except AppError:
                minutes = 5
        self.timer.start(max(1, minutes) * 60_000)

    def stop(self) -> None:
        self.timer.stop()
        if self.task is not None:
            self.task.cancel()

    def check(self) -> None:
        if self.task is not None or self.session.closed:
            return
        session = self.session
        self.task = run_task(self, lambda ctx: session.auto_sync(lambda: ctx.cancelled),
                             self._done, self._done)

    def _done(self, outcome: Any) -> None:
        self.task = None
        self.finished.emit(outcome)
