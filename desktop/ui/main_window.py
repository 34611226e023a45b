"""The main window of an unlocked session: navigation, pages, status bar, lock.

Nothing heavy runs on the GUI thread at start: pages are built when first shown and the
status bar is filled by a background query.
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    QToolBar,
    QWidget,
)

from desktop import i18n
from desktop.errors import AppError
from desktop.i18n import _
from desktop.i18n.messages import role_text
from desktop.services.session import Changes, KdfParams, Session, Status
from desktop.ui.idle import IdleWatcher
from desktop.ui.pages import PAGES, PageSpec
from desktop.ui.tasks import run_task
from desktop.ui.widgets.base import Retranslatable
from desktop.ui.widgets.vertical_text import (
    VerticalItemDelegate,
    VerticalLabel,
    is_vertical_language,
)

# Names of the languages in themselves (menu items): never translated.
LANGUAGE_MENU_NAMES = {"zh_Hans_CN": "中文", "mn_Mong_CN": "ᠮᠣᠩᠭᠣᠯ"}
NAV_WIDTH = 160
STATUS_REFRESH_MS = 60_000
# The whole-file check waits a little so it does not compete with the first screens.
INTEGRITY_DELAY_MS = 5_000
DAMAGED = "store.damaged"


def format_moment(iso: str | None) -> str:
    """A stored UTC ISO moment as local 'YYYY-MM-DD HH:MM', or 'never'."""
    if not iso:
        return _("never")
    try:
        return datetime.fromisoformat(iso.replace("Z", "+00:00")).astimezone().strftime(
            "%Y-%m-%d %H:%M")
    except ValueError:
        return iso


class MainWindow(Retranslatable, QMainWindow):
    """Emits `lock_requested` (lock button, switch user, idle timeout) and `damaged`
    (the data file failed its check: lock and offer a backup)."""

    lock_requested = Signal()
    damaged = Signal()
    status_loaded = Signal(object)
    integrity_checked = Signal(object)  # the list of problems (empty: healthy)

    def __init__(self, session: Session, kdf: KdfParams | None = None,
                 pages: list[PageSpec] | None = None, check_integrity: bool = True) -> None:
        super().__init__()
        self.setObjectName("main_window")
        self.session = session
        self.kdf = kdf
        self.specs = list(pages or PAGES)
        self.status: Status | None = None
        self._check_integrity = check_integrity
        self._pages: dict[str, QWidget] = {}

        self.nav = QListWidget(objectName="nav")
        self.nav.setFixedWidth(NAV_WIDTH)
        self._plain_delegate = self.nav.itemDelegate()
        # Narrow columns: the navigation takes room from the page beside it.
        self._vertical_delegate = VerticalItemDelegate(self.nav, padding=5)
        # Traditional Mongolian only: the current page's title as a vertical header strip.
        self.page_header = VerticalLabel(object_name="page_header_vertical", margin=8)
        self.page_header.hide()
        self.nav.setIconSize(QSize(0, 0))
        for spec in self.specs:
            item = QListWidgetItem()
            item.setData(Qt.ItemDataRole.UserRole, spec.key)
            self.nav.addItem(item)
        self.stack = QStackedWidget(objectName="pages")
        for _spec in self.specs:
            self.stack.addWidget(QWidget())  # replaced by the real page when first shown
        self.nav.currentRowChanged.connect(self.show_page_at)
        body = QWidget()
        row = QHBoxLayout(body)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.nav)
        row.addWidget(self.page_header)
        row.addWidget(self.stack, 1)
        self.setCentralWidget(body)

        self._build_actions()
        self._build_status_bar()
        self.idle = IdleWatcher(session.auto_lock_minutes(), self)
        self.idle.idle.connect(self.lock_requested)
        self.status_timer = QTimer(self, objectName="status_timer")
        self.status_timer.setInterval(STATUS_REFRESH_MS)
        self.status_timer.timeout.connect(self.refresh_status)
        self.integrity_timer = QTimer(self, objectName="integrity_timer")
        self.integrity_timer.setSingleShot(True)
        self.integrity_timer.setInterval(INTEGRITY_DELAY_MS)
        self.integrity_timer.timeout.connect(self.check_integrity)
        from desktop.ui.views.sync_page import AutoSyncer  # the page module imports ours

        self.auto_sync = AutoSyncer(session, self)
        self.auto_sync.finished.connect(self._auto_synced)
        self.resize(1100, 720)
        self.retranslate()
        self.nav.setCurrentRow(0)

    # -- building ---------------------------------------------------------------------------
    def _build_actions(self) -> None:
        self.toolbar = QToolBar(objectName="main_toolbar")
        self.toolbar.setMovable(False)
        self.addToolBar(self.toolbar)
        self.lock_button = QPushButton(objectName="lock_button")
        self.lock_button.clicked.connect(self.lock_requested)
        self.switch_button = QPushButton(objectName="switch_user_button")
        self.switch_button.clicked.connect(self.lock_requested)
        spacer = QWidget()
        spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.clinic_label = QLabel(objectName="clinic_label")
        self.toolbar.addWidget(self.clinic_label)
        self.sync_button = QPushButton(objectName="sync_button")
        self.sync_button.clicked.connect(self.sync_now)
        self.toolbar.addWidget(self.sync_button)
        self.toolbar.addWidget(spacer)
        self.toolbar.addWidget(self.switch_button)
        self.toolbar.addWidget(self.lock_button)

        self.app_menu = self.menuBar().addMenu("")
        self.app_menu.setObjectName("app_menu")
        self.lock_action = QAction(self, objectName="lock_action")
        self.lock_action.setShortcut("Ctrl+L")
        self.lock_action.triggered.connect(self.lock_requested)
        self.switch_action = QAction(self, objectName="switch_user_action")
        self.switch_action.triggered.connect(self.lock_requested)
        self.quit_action = QAction(self, objectName="quit_action")
        self.quit_action.triggered.connect(self.close)
        self.app_menu.addActions([self.lock_action, self.switch_action])
        self.app_menu.addSeparator()
        self.app_menu.addAction(self.quit_action)
        self.language_menu = self.menuBar().addMenu("")
        self.language_menu.setObjectName("language_menu")
        self.language_group = QActionGroup(self)
        self.language_actions: dict[str, QAction] = {}
        for code in i18n.LANGUAGES:
            action = QAction(LANGUAGE_MENU_NAMES.get(code, code), self,
                             objectName=f"language_{code}_action", checkable=True)
            action.setData(code)
            action.triggered.connect(lambda _checked=False, c=code: self.switch_language(c))
            self.language_group.addAction(action)
            self.language_menu.addAction(action)
            self.language_actions[code] = action
        self.help_menu = self.menuBar().addMenu("")
        self.help_menu.setObjectName("help_menu")
        self.about_action = QAction(self, objectName="about_action")
        self.about_action.triggered.connect(self.show_about)
        self.help_menu.addAction(self.about_action)

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        bar.setObjectName("status_bar")
        self.status_user = QLabel(objectName="status_user")
        self.status_pending = QLabel(objectName="status_pending")
        self.status_sync = QLabel(objectName="status_sync")
        self.status_clock = QLabel(objectName="status_clock")
        self.status_clock.setStyleSheet("color: #b00020; font-weight: bold;")
        self.status_clock.hide()
        for label in (self.status_user, self.status_pending, self.status_sync):
            label.setContentsMargins(4, 0, 16, 0)
            bar.addWidget(label)
        bar.addPermanentWidget(self.status_clock)

    def retranslate(self) -> None:
        self.setWindowTitle(_("Eke – Maternal and Child Health Handbook"))
        for row, spec in enumerate(self.specs):
            self.nav.item(row).setText(_(spec.title))
        self.lock_button.setText(_("Lock"))
        self.sync_button.setText(_("Sync"))
        self.switch_button.setText(_("Switch user"))
        self.app_menu.setTitle(_("&Eke"))
        self.lock_action.setText(_("Lock"))
        self.switch_action.setText(_("Switch user"))
        self.quit_action.setText(_("Quit"))
        self.language_menu.setTitle(_("&Language"))
        action = self.language_actions.get(i18n.current_language())
        if action is not None:
            action.setChecked(True)
        self.help_menu.setTitle(_("&Help"))
        self.about_action.setText(_("About Eke…"))
        self._arrange_navigation()
        self._show_status()

    def _arrange_navigation(self) -> None:
        """Vertical Mongolian navigation (columns side by side) or the Chinese list."""
        vertical = is_vertical_language()
        self.nav.setItemDelegate(self._vertical_delegate if vertical else self._plain_delegate)
        self.nav.setFlow(QListWidget.Flow.LeftToRight if vertical
                         else QListWidget.Flow.TopToBottom)
        self.nav.setWrapping(False)  # one row of columns, as Mongolian is read
        self.nav.setSpacing(2 if vertical else 0)
        if vertical:
            option = self._nav_option()
            hints = [self._vertical_delegate.sizeHint(option, self.nav.model().index(row, 0))
                     for row in range(self.nav.count())]
            # Each item gets its hint plus the spacing on both sides.
            width = sum(h.width() + 2 * self.nav.spacing() for h in hints)
            self.nav.setFixedWidth(width + 2 * self.nav.frameWidth() + 8)
        else:
            self.nav.setFixedWidth(NAV_WIDTH)
        self.nav.doItemsLayout()
        self._show_page_header()

    def _nav_option(self):  # noqa: ANN202 - QStyleOptionViewItem
        from PySide6.QtWidgets import QStyleOptionViewItem

        option = QStyleOptionViewItem()
        option.initFrom(self.nav)
        option.font = self.nav.font()
        option.widget = self.nav
        return option

    def _show_page_header(self) -> None:
        row = self.nav.currentRow()
        vertical = is_vertical_language()
        if vertical and 0 <= row < len(self.specs):
            self.page_header.setText(_(self.specs[row].title))
        self.page_header.setVisible(vertical)

    def switch_language(self, code: str) -> None:
        """The Language menu: remember *code* for this user and switch every window now."""
        if code == i18n.current_language():
            return
        try:
            changes = self.session.set_language(code)
        except Exception as exc:  # noqa: BLE001 - shown to the user, logged if unexpected
            from desktop.ui.errors import show_error

            show_error(self, exc)
            self.retranslate()  # put the check mark back
            return
        i18n.set_language(code)
        self.apply_changes(changes)

    # -- pages ------------------------------------------------------------------------------
    def show_page_at(self, row: int) -> None:
        if 0 <= row < len(self.specs):
            self.stack.setCurrentWidget(self.page(self.specs[row].key))
            self._show_page_header()

    def show_page(self, key: str) -> QWidget:
        row = next(i for i, spec in enumerate(self.specs) if spec.key == key)
        self.nav.setCurrentRow(row)
        return self.page(key)

    def page(self, key: str) -> QWidget:
        """The page for *key*, built on first use."""
        if key not in self._pages:
            row = next(i for i, spec in enumerate(self.specs) if spec.key == key)
            widget = self.specs[row].factory(self.session, self.kdf, self.stack)
            changed = getattr(widget, "changed", None)
            if changed is not None:
                changed.connect(self.apply_changes)
            old = self.stack.widget(row)
            self.stack.insertWidget(row, widget)
            self.stack.removeWidget(old)
            old.deleteLater()
            self._pages[key] = widget
        return self._pages[key]

    # -- status -----------------------------------------------------------------------------
    def start(self) -> None:
        """Begin watching for idleness and load the status (call after show())."""
        self.idle.start()
        self.status_timer.start()
        self.auto_sync.start()
        if self._check_integrity:
            self.integrity_timer.start()
        self.refresh_status()

    def refresh_status(self) -> None:
        if self.session.closed:
            return
        session = self.session
        run_task(self, lambda _ctx: session.status(), self._status_ready,
                 self._background_failed)

    def _background_failed(self, exc: BaseException) -> None:
        if isinstance(exc, AppError) and exc.code == DAMAGED:
            self.damaged.emit()
        # Otherwise a failed refresh keeps the old figures; the next one may succeed.

    def check_integrity(self) -> None:
        """Read the whole file in the background; emit `damaged` if any page is bad."""
        if self.session.closed:
            return
        session = self.session
        run_task(self, lambda ctx: session.integrity_problems(lambda: ctx.cancelled),
                 self._integrity_done, self._background_failed, detached=True)

    def _integrity_done(self, problems: list[str] | None) -> None:
        if problems is None:
            return  # stopped (lock or quit): nothing was learned
        self.integrity_checked.emit(problems)
        if problems:
            self.damaged.emit()

    def _status_ready(self, status: Status) -> None:
        self.status = status
        self._show_status()
        self.status_loaded.emit(status)

    def _show_status(self) -> None:
        user = self.session.user
        self.status_user.setText(_("{name} ({role})", name=user.display_name,
                                   role=role_text(user.role)))
        status = self.status
        if status is None:
            self.status_pending.setText("")
            self.status_sync.setText("")
            return
        self.clinic_label.setText(status.clinic_name)
        self.status_pending.setText(_("Changes not yet sent: {count}",
                                      count=status.pending_changes))
        self.status_sync.setText(_("Last sync: {when}", when=format_moment(status.last_sync)))
        self.status_clock.setText(_("The computer's clock is wrong. Please correct the date "
                                    "and time."))
        self.status_clock.setVisible(status.clock_wrong)

    def apply_changes(self, changes: Changes) -> None:
        """Redraw what a mutation touched (settings may change the idle time)."""
        if changes.settings:
            self.idle.set_minutes(self.session.auto_lock_minutes())
        if changes.users:
            self._show_status()
        self.refresh_status()

    def sync_now(self) -> QWidget:
        """The toolbar's Sync button: show the Sync page and start a sync there."""
        page = self.show_page("sync")
        start = getattr(page, "start_sync", None)
        if start is not None:
            start()
        return page

    def _auto_synced(self, outcome: object) -> None:
        if outcome is not None:
            self.refresh_status()
            page = self._pages.get("sync")
            if page is not None and hasattr(page, "refresh"):
                page.refresh()

    # -- dialogs and closing ----------------------------------------------------------------
    def show_about(self) -> QWidget:
        from desktop.ui.views.about import AboutDialog

        dialog = AboutDialog(self)
        dialog.open()
        return dialog

    def shut_down(self) -> None:
        """Stop timers and the idle filter; the caller closes the session."""
        self.idle.stop()
        self.status_timer.stop()
        self.auto_sync.stop()
        self.integrity_timer.stop()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        self.shut_down()
        super().closeEvent(event)
