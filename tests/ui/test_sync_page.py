"""The Sync page against the real central server on 127.0.0.1, driven by objectName:
enrol from the dialog, sync now from the toolbar, progress and result, the conflict inbox
(pick a value), per-record errors, the background sync switch."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QCheckBox, QLabel, QLineEdit, QPushButton, QTableWidget
from ui_helpers import child, screenshot

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "sync"))
from sync_world import Central, enrol, laptop, sync, township  # noqa: E402

from desktop.i18n import _  # noqa: E402
from desktop.services.session import Session  # noqa: E402
from desktop.ui import tasks  # noqa: E402
from desktop.ui.main_window import MainWindow  # noqa: E402
from desktop.ui.views.sync_page import (  # noqa: E402
    ALL_SENT,
    NOTHING_RECEIVED,
    RECEIVED_UP_TO,
    AutoSyncer,
    SyncPage,
)


@pytest.fixture(scope="module")
def central(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Central]:
    server = Central(tmp_path_factory.mktemp("central") / "central.sqlite3")
    yield server
    server.stop()


@pytest.fixture
def window(qtbot, tmp_path: Path) -> Iterator[tuple[MainWindow, Session, str, str]]:  # noqa: ANN001
    area, village = township()
    session = laptop(tmp_path, "ui", area, [village])
    win = MainWindow(session, check_integrity=False)
    qtbot.addWidget(win)
    win.show()
    yield win, session, area, village
    tasks.abandon_all()  # as locking does: no result reaches the window once it closes
    tasks.wait_for_all()
    win.shut_down()
    win.close()
    session.close()


def _page(qtbot, win: MainWindow) -> SyncPage:  # noqa: ANN001
    page = win.show_page("sync")
    assert isinstance(page, SyncPage)
    qtbot.waitUntil(lambda: page.overview is not None)
    return page


def test_enrol_sync_and_resolve_a_conflict(qtbot, window, central: Central, tmp_path) -> None:  # noqa: ANN001
    win, session, area, village = window
    page = _page(qtbot, win)
    assert not child(page, QPushButton, "sync_now_button").isEnabled()  # not enrolled yet
    assert child(page, QLabel, "sync_cursor").text() == _(NOTHING_RECEIVED)
    # Empty lists say why they are empty instead of showing blank tables.
    assert child(page, QLabel, "sync_no_conflicts").isVisible()
    assert not child(page, QTableWidget, "conflict_table").isVisible()
    assert child(page, QLabel, "sync_no_errors").isVisible()
    # Enrol from the dialog: a wrong code first (message, nothing lost), then the right one.
    dialog = page.open_enrol()
    child(dialog, QLineEdit, "enrol_endpoint").setText(central.url)
    child(dialog, QLineEdit, "enrol_code").setText("ABCD-EFGH-JKLM-NPQR")
    child(dialog, QPushButton, "enrol_ok").click()
    error = child(dialog, QLabel, "enrol_error")
    qtbot.waitUntil(lambda: error.isVisible())
    assert error.text() and child(dialog, QLineEdit, "enrol_endpoint").text() == central.url
    child(dialog, QLineEdit, "enrol_code").setText(central.issue_code(area))
    with qtbot.waitSignal(page.overview_loaded, timeout=20000):
        child(dialog, QPushButton, "enrol_ok").click()
    qtbot.waitUntil(lambda: page.overview.enrolled)
    assert child(page, QPushButton, "sync_now_button").isEnabled()

    # Another laptop edits the same woman: the conflict shows both values.
    with session.store.transaction(session.user.id) as tx:
        pid = tx.save("persons", {"kind": "woman", "name_zh": "王丽", "area_code": village})["id"]
    with qtbot.waitSignal(page.sync_finished, timeout=30000) as done:
        child(win, QPushButton, "sync_button").click()  # the toolbar button
    assert done.args[0].pushed == 1
    other = laptop(tmp_path, "other", area, [village])
    try:
        enrol(other, central, area)
        sync(other)
        with other.store.transaction(other.user.id) as tx:
            tx.save("persons", {"phone": "13900000002"}, id=pid)
        with session.store.transaction(session.user.id) as tx:
            tx.save("persons", {"phone": "13900000001"}, id=pid)
        sync(other)
        button = child(page, QPushButton, "sync_now_button")
        qtbot.waitUntil(button.isEnabled)
        with qtbot.waitSignal(page.sync_finished, timeout=30000) as done:
            button.click()
        assert done.args[0].conflicts == 1
        table = child(page, QTableWidget, "conflict_table")
        qtbot.waitUntil(lambda: table.rowCount() == 1)
        assert table.isVisible() and not child(page, QLabel, "sync_no_conflicts").isVisible()
        cells = [table.item(0, col).text() for col in range(5)]
        assert cells[:4] == ["王丽", "phone", "13900000001", "13900000002"]
        assert "1" in child(page, QLabel, "sync_result").text()
        screenshot(win, "sync_page_conflict")
        table.selectRow(0)
        with qtbot.waitSignal(page.inbox_loaded, timeout=20000):
            child(page, QPushButton, "conflict_keep_remote").click()
        assert table.rowCount() == 0
        with qtbot.waitSignal(page.sync_finished, timeout=30000):
            child(page, QPushButton, "sync_now_button").click()
        sync(other)
        phones = {s.store.conn.execute("SELECT phone FROM persons WHERE id = ?",
                                       (pid,)).fetchone()[0] for s in (session, other)}
        assert phones == {"13900000002"}
        pending = child(page, QLabel, "sync_pending")
        qtbot.waitUntil(lambda: page.overview.pending == 0 and pending.text() == _(ALL_SENT))
        # How far this laptop has received central's changes, in words.
        assert page.overview.cursor > 0
        assert child(page, QLabel, "sync_cursor").text() == _(
            RECEIVED_UP_TO, cursor=page.overview.cursor)
    finally:
        other.close()


def test_offline_sync_fails_visibly_and_background_switch_is_stored(qtbot, window) -> None:  # noqa: ANN001
    win, session, area, village = window
    from desktop.store.repositories import sync_state

    conn = session.store.connect()
    try:  # enrolled with an address where nothing listens
        from central_harness import free_port

        sync_state.save_enrollment(conn, session.user.id, f"http://127.0.0.1:{free_port()}",
                                   session.store.device_id, "token", [area],
                                   "0000000000001-0000-central", 1, session.store.device_id)
    finally:
        conn.close()
    page = _page(qtbot, win)
    qtbot.waitUntil(lambda: page.overview.enrolled)
    check = child(page, QCheckBox, "auto_sync_check")
    assert check.isChecked()
    # The switch is saved by a background task; the test writes on the session's connection
    # below, so it waits for that save to end (not only for the value to be visible).
    with qtbot.waitSignal(page.changed, timeout=20000):
        check.setChecked(False)
    assert session.store.meta("auto_sync") == "0"
    with qtbot.waitSignal(page.overview_loaded, timeout=20000):
        page.refresh()
    assert not page.overview.auto_sync and not check.isChecked()
    # The background check does nothing while switched off, even with changes pending.
    with session.store.transaction(session.user.id) as tx:
        tx.save("persons", {"kind": "woman", "name_zh": "张梅", "area_code": village})
    syncer = AutoSyncer(session, win, minutes=1)
    with qtbot.waitSignal(syncer.finished, timeout=20000) as done:
        syncer.check()
    assert done.args[0] is None
    syncer.stop()
