"""Background tasks and the session's end, on a real store: locking drops results that
arrive after the session was closed."""

from __future__ import annotations

import threading

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QApplication, QTableWidget
from ui_helpers import ADMIN_PASSWORD, child, click, log_in

from desktop.ui import tasks
from desktop.ui.tasks import run_task


def test_a_result_arriving_after_the_lock_reaches_no_window(qtbot, shell, store) -> None:  # noqa: ANN001
    shell.start()
    settings = log_in(qtbot, shell, "admin", ADMIN_PASSWORD).show_page("settings")
    table = child(settings, QTableWidget, "backups_table")
    before = table.rowCount()
    click(qtbot, settings, "backup_now_button")
    # The backup is made and its result is queued to the GUI thread, not delivered yet.
    assert tasks.wait_for_all(20_000)
    shell.lock()
    QApplication.processEvents()  # before the fix: the page reloaded from the closed store
    assert table.rowCount() == before


def test_an_abandoned_task_calls_nothing_and_a_queued_one_does_not_run(qtbot) -> None:  # noqa: ANN001
    owner = QObject()
    release = threading.Event()
    ran: list[str] = []
    called: list[object] = []
    # The pool runs two at a time: two blockers keep the third queued.
    for _ in range(2):
        run_task(owner, lambda _ctx: release.wait(10), called.append, called.append)
    run_task(owner, lambda _ctx: ran.append("queued"), called.append, called.append)
    tasks.abandon_all()
    release.set()
    assert tasks.wait_for_all(10_000)
    QApplication.processEvents()
    assert ran == [] and called == []
    owner.deleteLater()
