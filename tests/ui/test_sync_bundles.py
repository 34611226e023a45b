"""USB bundles from the Sync page and the update message, against the real central on
127.0.0.1, driven by objectName: Export to USB… writes the file into the chosen folder,
Import from USB… applies central's bundle (a damaged one is refused with words, nothing
changed), and a central that refuses this version tells the user to update."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QFileDialog, QLabel, QPushButton
from ui_helpers import child, screenshot

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "sync"))
from sync_world import Central, enrol, laptop, rows_of, sync, township  # noqa: E402

import desktop  # noqa: E402
from desktop.i18n import _  # noqa: E402
from desktop.i18n.messages import ERROR_TEXTS  # noqa: E402
from desktop.services.session import Session  # noqa: E402
from desktop.store.repositories import sync_state  # noqa: E402
from desktop.ui import tasks  # noqa: E402
from desktop.ui.main_window import MainWindow  # noqa: E402
from desktop.ui.views.sync_page import ALL_SENT, SyncPage  # noqa: E402


@pytest.fixture(scope="module")
def central(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Central]:
    server = Central(tmp_path_factory.mktemp("central") / "central.sqlite3")
    yield server
    server.stop()


def _open(qtbot, session: Session) -> tuple[MainWindow, SyncPage]:  # noqa: ANN001
    win = MainWindow(session, check_integrity=False)
    qtbot.addWidget(win)
    win.show()
    page = win.show_page("sync")
    assert isinstance(page, SyncPage)
    qtbot.waitUntil(lambda: page.overview is not None)
    return win, page


def _close(win: MainWindow, session: Session) -> None:
    tasks.wait_for_all()
    win.shut_down()
    win.close()
    session.close()


def _dialog(page: SyncPage, name: str) -> QFileDialog:
    """The open file dialog called *name* (a closed one may linger until deleted)."""
    [dialog] = [d for d in page.findChildren(QFileDialog, name) if d.isVisible()]
    return dialog


def _choose(qtbot, dialog: QFileDialog, path: Path) -> None:  # noqa: ANN001
    dialog.selectFile(str(path))
    dialog.accept()


def test_export_and_import_from_the_sync_page(qtbot, central: Central, tmp_path: Path) -> None:  # noqa: ANN001
    area, village = township()
    session = laptop(tmp_path, "ui", area, [village])
    other = laptop(tmp_path, "other", area, [village])
    enrol(session, central, area)
    enrol(other, central, area)
    win, page = _open(qtbot, session)
    try:
        with session.store.transaction(session.user.id) as tx:
            pid = tx.save("persons", {"kind": "woman", "name_zh": "王丽",
                                      "area_code": village})["id"]
        export = child(page, QPushButton, "bundle_export_button")
        qtbot.waitUntil(export.isEnabled)
        stick = tmp_path / "stick"
        stick.mkdir()
        export.click()
        dialog = _dialog(page, "bundle_export_dialog")
        with qtbot.waitSignal(page.bundle_finished, timeout=30000) as done:
            _choose(qtbot, dialog, stick)
        result = done.args[0]
        [path] = result.files
        assert path.parent == stick and path.exists()
        label = child(page, QLabel, "bundle_result")
        assert label.text() == _(
            "{changes} changes written to {files}. At the banner, import it into central,"
            " then ask for the bundle back for device {device} from number {since}.",
            changes=1, files=str(path), device=result.device_id, since=0)
        screenshot(win, "sync_page_bundle_export")

        # Central takes the stick, and writes the other laptop's share back.
        central.cli("import-bundle", str(path))
        other_id = sync_state.enrollment(other.store.conn).device_id
        back = tmp_path / "back.ekebundle"
        central.cli("export-bundle", "--device", other_id, "--out", str(back))
        other_win, other_page = _open(qtbot, other)
        try:
            # A damaged file first: words, nothing changed.
            bad = bytearray(back.read_bytes())
            bad[len(bad) // 2] ^= 0x04
            (tmp_path / "bad.ekebundle").write_bytes(bytes(bad))
            child(other_page, QPushButton, "bundle_import_button").click()
            dialog = _dialog(other_page, "bundle_import_dialog")
            with qtbot.waitSignal(other_page.bundle_finished, timeout=30000) as done:
                _choose(qtbot, dialog, tmp_path / "bad.ekebundle")
            assert isinstance(done.args[0], Exception)
            other_label = child(other_page, QLabel, "bundle_result")
            assert other_label.text() == _(ERROR_TEXTS["sync.bundle.auth"])
            assert rows_of(other) == {}
            # Then the good one.
            button = child(other_page, QPushButton, "bundle_import_button")
            qtbot.waitUntil(button.isEnabled)
            button.click()
            dialog = _dialog(other_page, "bundle_import_dialog")
            with qtbot.waitSignal(other_page.bundle_finished, timeout=30000) as done:
                _choose(qtbot, dialog, back)
            assert done.args[0].pulled == 1
            assert other_label.text() == _(
                "Central confirmed {acknowledged} changes of this laptop; {pulled} changes"
                " received; {conflicts} conflicts.", acknowledged=0, pulled=1, conflicts=0)
            assert rows_of(other) == rows_of(session) and ("persons", pid) in rows_of(other)
            screenshot(other_win, "sync_page_bundle_import")
        finally:
            _close(other_win, other)
        # Back on the first laptop: central's answers acknowledge its outbox.
        mine = tmp_path / "mine.ekebundle"
        central.cli("export-bundle", "--device", result.device_id, "--out", str(mine))
        child(page, QPushButton, "bundle_import_button").click()
        dialog = _dialog(page, "bundle_import_dialog")
        with qtbot.waitSignal(page.bundle_finished, timeout=30000) as done:
            _choose(qtbot, dialog, mine)
        assert done.args[0].acknowledged == 1
        pending = child(page, QLabel, "sync_pending")
        qtbot.waitUntil(lambda: page.overview.pending == 0 and pending.text() == _(ALL_SENT))
        assert (sync(session).pushed, sync(session).pulled) == (0, 0)
    finally:
        _close(win, session)


def test_sync_page_tells_a_too_old_program_to_update(qtbot, tmp_path: Path,  # noqa: ANN001
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    server = Central(tmp_path / "old.sqlite3", serve_args=("--min-client-version", "99.2"))
    area, village = township()
    session = laptop(tmp_path, "old", area, [village])
    try:
        with monkeypatch.context() as m:
            m.setattr(desktop, "__version__", "99.2.0")
            enrol(session, server, area)
        with session.store.transaction(session.user.id) as tx:
            tx.save("persons", {"kind": "woman", "name_zh": "张梅", "area_code": village})
        win, page = _open(qtbot, session)
        try:
            button = child(page, QPushButton, "sync_now_button")
            qtbot.waitUntil(button.isEnabled)
            with qtbot.waitSignal(page.sync_finished, timeout=30000) as done:
                button.click()
            assert isinstance(done.args[0], Exception)
            words = _(ERROR_TEXTS["sync.client_too_old"], min_version="99.2")
            assert "99.2" in words and "{" not in words
            assert child(page, QLabel, "sync_progress_label").text() == words
            result = child(page, QLabel, "sync_result")
            qtbot.waitUntil(lambda: words in result.text())
            assert sync_state.pending_count(session.store.conn) == 1  # kept for after the update
            screenshot(win, "sync_page_too_old")
            last = json.loads(session.store.conn.execute(
                "SELECT last_result FROM sync_state").fetchone()[0])
            assert last["params"] == {"min_version": "99.2"} or \
                last["params"]["min_version"] == "99.2"
        finally:
            _close(win, session)
    finally:
        server.close()
