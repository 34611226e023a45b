"""The application shell: QApplication, fonts, translations, and which window shows.

No store → first-run wizard; otherwise the login screen; after unlocking, the main window.
Locking (button, switch user, idle) closes the store, destroys the main window with
everything it showed, and returns to the login screen.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication, QDialog

from desktop import i18n
from desktop.i18n import _
from desktop.i18n.messages import ERROR_TEXTS
from desktop.services.session import KdfParams, Session, has_store
from desktop.ui import errors, fonts, input_method, language, tasks
from desktop.ui.main_window import MainWindow
from desktop.ui.views.backups import attach_daily_backups
from desktop.ui.views.login import LoginWindow
from desktop.ui.views.wizard import SetupWizard
from desktop.ui.widgets import text_fields

_IMPORTED_AT = time.perf_counter()


def process_start() -> float:
    """perf_counter() at the earliest point we know: desktop/__main__.py's START."""
    start = getattr(sys.modules.get("__main__"), "START", None)
    return start if isinstance(start, float) else _IMPORTED_AT


def prepare_application(app: QApplication, data_dir: Path) -> None:
    """Fonts, Qt's own translations, the language switch and error logging (once per app)."""
    fonts.apply_app_font(app)  # loads resources/fonts first
    language.install_qt_translator(i18n.current_language())
    language.connect_language_switch()
    language.apply_locale(i18n.current_language())
    text_fields.install_pua_check(app)
    errors.configure_logging(data_dir)


class Shell(QObject):
    """Decides which window is shown and owns the unlocked session."""

    main_ready = Signal(object)  # MainWindow, shown and usable
    login_failed = Signal(object)  # the exception of a failed (automatic) login
    locked = Signal()

    def __init__(self, data_dir: Path, kdf: KdfParams | None = None) -> None:
        super().__init__()
        self.data_dir = data_dir
        self.kdf = kdf
        self.session: Session | None = None
        self.wizard: SetupWizard | None = None
        self.login: LoginWindow | None = None
        self.main: MainWindow | None = None
        self.unlock_s: float | None = None
        # The whole-file check reads every page (~20 s for 2 GB): once per program run.
        self._integrity_checked = False

    def start(self, user: str | None = None, password: str | None = None) -> None:
        if not has_store(self.data_dir):
            self.show_wizard()
            return
        login = self.show_login(select=user)
        if user and password:
            login.login_as(user, password)

    # -- windows ----------------------------------------------------------------------------
    def show_wizard(self) -> SetupWizard:
        self.wizard = SetupWizard(self.data_dir, self.kdf)
        self.wizard.completed.connect(self._setup_done)
        self.wizard.restored.connect(self._restored_from_package)
        self.wizard.show()
        return self.wizard

    def show_login(self, select: str | None = None) -> LoginWindow:
        self.login = LoginWindow(self.data_dir, self.kdf)
        if select:
            self.login.select_user(select)
        self.login.logged_in.connect(self._logged_in)
        self.login.failed.connect(self.login_failed)
        self.login.show()
        self.login.password.setFocus()
        return self.login

    def _setup_done(self, session: Session) -> None:
        wizard, self.wizard = self.wizard, None
        self.open_main(session)
        if wizard is not None:
            wizard.close()
            wizard.deleteLater()

    def _restored_from_package(self) -> None:
        """The wizard installed a package or backup: log in to open it (and upgrade it)."""
        wizard, self.wizard = self.wizard, None
        login = self.show_login()
        login.error.show_message(_("The backup was restored. Please log in again."))
        if wizard is not None:
            wizard.close()
            wizard.deleteLater()

    def _logged_in(self, session: Session, unlock_s: float) -> None:
        self.unlock_s = unlock_s
        login, self.login = self.login, None
        self.open_main(session)
        if login is not None:
            login.close()
            login.deleteLater()

    def open_main(self, session: Session) -> MainWindow:
        self.session = session
        i18n.set_language(session.user.language)
        self.main = MainWindow(session, self.kdf, check_integrity=not self._integrity_checked)
        self.main.integrity_checked.connect(self._note_integrity_checked)
        self.main.lock_requested.connect(self.lock)
        self.main.damaged.connect(self.lock_damaged)
        self.main.show()
        self.main.start()
        attach_daily_backups(self.main, session)  # lives and dies with the main window
        main = self.main
        # After the first paint has been queued: the window is on screen and takes input.
        QTimer.singleShot(0, lambda: self.main is main and self.main_ready.emit(main))
        return main

    def _note_integrity_checked(self, _problems: list[str]) -> None:
        self._integrity_checked = True

    # -- locking ----------------------------------------------------------------------------
    def lock(self) -> LoginWindow:
        """Close the store and every window showing its data; show the login screen."""
        last_user = self.session.user.username if self.session else None
        login = self.show_login(select=last_user)  # first, so the app never has no window
        self._close_session_windows()
        self.locked.emit()
        return login

    def lock_damaged(self) -> LoginWindow:
        """The open file turned out damaged: close it and offer a backup to restore."""
        login = self.lock()
        template = ERROR_TEXTS["store.damaged"]  # a variable: keeps the code out of the catalog
        login.error.show_message(_(template))
        login.show_damaged()
        return login

    def _close_session_windows(self) -> None:
        # First, so no result of the session's work reaches its windows from here on: they
        # are only scheduled for deletion, and a late callback would read a closed store.
        tasks.abandon_all()
        main, self.main = self.main, None
        if main is not None:
            main.shut_down()
            for dialog in main.findChildren(QDialog):
                dialog.close()  # message boxes and dialogs showing the session's data
            main.hide()
            main.deleteLater()
        # Workers may still hold the session: they were told to stop; let the rest finish.
        # Should the wait run out, close() still waits for the session lock, which every
        # use of the session's connection holds.
        tasks.wait_for_attached()
        session, self.session = self.session, None
        if session is not None:
            session.close()

    def shut_down(self) -> None:
        """Close everything (application quit)."""
        self._close_session_windows()
        for window in (self.login, self.wizard):
            if window is not None:
                window.close()
        wizard_session = self.wizard.session if self.wizard else None
        if wizard_session is not None:
            wizard_session.close()


def fail(app: QApplication, exc: BaseException) -> None:
    """End a run that cannot become ready (automatic login failed) with exit code 2."""
    print(errors.message_for(exc), file=sys.stderr, flush=True)
    app.exit(2)


def run(data_dir: Path, user: str | None = None, exit_when_ready: bool = False) -> int:
    """Start the window on *data_dir*; with *user* and EKE_PASSWORD set, log in at once.

    With *exit_when_ready*, print {"startup_s", "unlock_s"} as one JSON line as soon as
    the main window is usable (or the first screen, without automatic login) and quit.
    """
    start = process_start()
    input_method.choose_input_module()  # before QApplication reads QT_IM_MODULE
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName("Eke")
    prepare_application(app, data_dir)
    errors.install_excepthook()
    shell = Shell(data_dir)
    app.aboutToQuit.connect(shell.shut_down)
    password = os.environ.get("EKE_PASSWORD") if user else None

    if exit_when_ready:
        def report(_window: object = None) -> None:
            print(json.dumps({"startup_s": round(time.perf_counter() - start, 3),
                              "unlock_s": None if shell.unlock_s is None
                              else round(shell.unlock_s, 3)}), flush=True)
            app.quit()

        if password and has_store(data_dir):
            shell.main_ready.connect(report)
            shell.login_failed.connect(lambda exc: fail(app, exc))
        else:
            QTimer.singleShot(0, report)
    shell.start(user, password)
    code = app.exec()
    tasks.wait_for_all()
    return code
