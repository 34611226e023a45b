"""Main window: navigation, status bar, lock, auto-lock, switch user, About, language."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLabel, QListWidget, QPushButton, QWidget
from ui_helpers import ADMIN_PASSWORD, child, click, log_in, screenshot

from desktop import i18n
from desktop.domain.hlc import Rev
from desktop.i18n import _
from desktop.store.records import now_ms
from desktop.ui.pages import PAGES


def test_navigation_shows_every_page(qtbot, shell, store):
    shell.start()
    main = log_in(qtbot, shell, "admin", ADMIN_PASSWORD)
    nav = child(main, QListWidget, "nav")
    keys = [nav.item(i).data(Qt.ItemDataRole.UserRole) for i in range(nav.count())]
    assert keys == [spec.key for spec in PAGES]
    assert {"worklist", "women", "highrisk", "children", "reports", "sync",
            "settings"} <= set(keys)
    for row, spec in enumerate(PAGES):
        nav.setCurrentRow(row)
        page = main.stack.currentWidget()
        assert page.objectName() == f"page_{spec.key}"
        assert nav.item(row).text() == _(spec.title)
    # Every page is a real view now: none says "coming in a later version".
    assert main.findChild(QLabel, "page_reports_note") is None


def test_status_bar_shows_user_pending_and_last_sync(qtbot, shell, store):
    shell.start()
    main = log_in(qtbot, shell, "admin", ADMIN_PASSWORD)
    qtbot.waitUntil(lambda: main.status is not None)
    screenshot(main, "main_window")
    assert "乌云其其格" in child(main, QLabel, "status_user").text()
    assert child(main, QLabel, "status_pending").text() == _(
        "Changes not yet sent: {count}", count=main.status.pending_changes)
    assert child(main, QLabel, "status_sync").text() == _("Last sync: {when}", when=_("never"))
    assert not child(main, QLabel, "status_clock").isVisible()


def test_wrong_clock_warning(qtbot, shell, store):
    shell.start()
    main = log_in(qtbot, shell, "admin", ADMIN_PASSWORD)
    # A rev from three days ahead means this computer's clock is behind (design §4).
    ahead = Rev(now_ms() + 3 * 24 * 3600 * 1000, 0, "central")
    shell.session.store.set_meta(None, "hlc", str(ahead))
    main.refresh_status()
    clock = child(main, QLabel, "status_clock")
    qtbot.waitUntil(lambda: main.status is not None and main.status.clock_wrong)
    assert clock.isVisible()
    screenshot(main, "main_window_clock_wrong")


def test_lock_button_closes_store_and_returns_to_login(qtbot, shell, store):
    shell.start()
    main = log_in(qtbot, shell, "admin", ADMIN_PASSWORD)
    session = shell.session
    with qtbot.waitSignal(main.destroyed):
        click(qtbot, main, "lock_button")
    assert session.closed
    assert shell.session is None and shell.main is None
    assert shell.login is not None and shell.login.isVisible()
    assert shell.login.selected_username() == "admin"
    assert not any(w.objectName() == "main_window" for w in qtbot_top_levels())


def qtbot_top_levels() -> list[QWidget]:
    from PySide6.QtWidgets import QApplication

    return [w for w in QApplication.topLevelWidgets() if w.isVisible()]


def test_auto_lock_fires_after_idle_time(qtbot, shell, store):
    shell.start()
    main = log_in(qtbot, shell, "admin", ADMIN_PASSWORD)
    session = shell.session
    assert main.idle.interval_ms == 10 * 60_000  # the store's default: 10 minutes
    main.idle.set_interval_ms(50)
    qtbot.waitUntil(lambda: shell.login is not None and shell.login.isVisible(), timeout=5000)
    assert session.closed and shell.main is None
    assert not main.idle.timer.isActive() if shell.main else True


def test_input_restarts_the_idle_timer(qtbot, shell, store):
    shell.start()
    main = log_in(qtbot, shell, "admin", ADMIN_PASSWORD)
    timer = main.idle.timer
    main.idle.set_interval_ms(60_000)
    qtbot.wait(300)
    before = timer.remainingTime()
    # A key that changes nothing (the first page is shown): building another page here took
    # longer than the wait above on a loaded machine, and the test then failed.
    qtbot.keyClick(child(main, QListWidget, "nav"), Qt.Key.Key_Up)
    assert main.nav.currentRow() == 0
    assert timer.remainingTime() > before


def test_switch_user_locks_and_lets_another_user_log_in(qtbot, shell, store):
    shell.start()
    main = log_in(qtbot, shell, "admin", ADMIN_PASSWORD)
    shell.session.add_user("doctor1", "其木格", "village_doctor", ["150525100201"],
                           "doctor-pw-1", kdf=shell.kdf)
    session = shell.session
    click(qtbot, main, "switch_user_button")
    assert session.closed
    main = log_in(qtbot, shell, "doctor1", "doctor-pw-1")
    assert shell.session.user.username == "doctor1"


def test_about_shows_versions(qtbot, shell, store):
    import PySide6

    from desktop import __version__

    shell.start()
    main = log_in(qtbot, shell, "admin", ADMIN_PASSWORD)
    child(main, type(main.about_action), "about_action").trigger()
    dialog = child(main, QWidget, "about_dialog")
    text = child(dialog, QLabel, "about_versions").text()
    assert f"Eke {__version__}" in text
    assert f"PySide6 {PySide6.__version__}" in text
    assert "SQLCipher 4." in text
    dialog.close()


def test_language_switch_retranslates_and_is_stored(qtbot, shell, store, data_dir):
    shell.start()
    main = log_in(qtbot, shell, "admin", ADMIN_PASSWORD)
    nav = child(main, QListWidget, "nav")
    settings = main.show_page("settings")
    combo = child(settings, QComboBox, "language_combo")
    lock = child(main, QPushButton, "lock_button")
    chinese = (nav.item(0).text(), lock.text())
    combo.setCurrentIndex(combo.findData("mn_Mong_CN"))
    assert i18n.current_language() == "mn_Mong_CN"
    assert shell.session.user.language == "mn_Mong_CN"
    assert (nav.item(0).text(), lock.text()) == (_("Worklist"), _("Lock"))
    assert (nav.item(0).text(), lock.text()) != chinese
    combo.setCurrentIndex(combo.findData("zh_Hans_CN"))
    assert (nav.item(0).text(), lock.text()) == chinese
    # The choice is kept with the user and applied at the next login.
    combo.setCurrentIndex(combo.findData("mn_Mong_CN"))
    shell.lock()
    i18n.set_language("zh_Hans_CN")
    log_in(qtbot, shell, "admin", ADMIN_PASSWORD)
    assert i18n.current_language() == "mn_Mong_CN"
