"""The session's one connection shared by the GUI thread and background tasks, on a real
store: a save running on a worker thread and a save on the GUI thread wait for each other
instead of meeting inside one transaction, and locking drops results that arrive after the
session was closed."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import date

import pytest
from maternal_ui import resident_id
from PySide6.QtCore import QObject
from PySide6.QtWidgets import QApplication, QTableWidget
from ui_helpers import ADMIN_PASSWORD, VILLAGES, child, click, log_in

from desktop.services.session import Session
from desktop.store.writer import now_ms
from desktop.ui import tasks
from desktop.ui.tasks import run_task


@pytest.fixture
def session(store) -> Iterator[Session]:  # noqa: ANN001
    opened = Session.login(store.data_dir, "admin", ADMIN_PASSWORD)
    yield opened
    tasks.wait_for_all()
    opened.close()


def _pause_worker_saves(session: Session) -> tuple[threading.Event, threading.Event]:
    """Make the next save on a worker thread stop inside its transaction (the store's
    clock is read there for the record's revision) until `release` is set."""
    inside, release = threading.Event(), threading.Event()

    def clock() -> int:
        if threading.current_thread() is not threading.main_thread() and not inside.is_set():
            inside.set()
            release.wait(10)
        return now_ms()

    session.store.clock_ms = clock
    return inside, release


def test_a_gui_save_waits_for_a_save_running_on_a_worker(qtbot, session) -> None:  # noqa: ANN001
    inside, release = _pause_worker_saves(session)
    owner = QObject()
    saved: list[object] = []
    fields = {"name_zh": "王丽", "birth_date": "1996-03-01",
              "resident_id": resident_id(date(1996, 3, 1)), "area_code": VILLAGES[0]}
    run_task(owner, lambda _ctx: session.register_woman(fields, duplicates_seen=True),
             saved.append, saved.append)
    assert inside.wait(10)  # the worker is inside its write transaction now
    # The worker goes on a moment later; the GUI thread's save meanwhile must wait for it
    # (before the fix it began its own transaction on the same connection and failed).
    threading.Timer(0.3, release.set).start()
    session.set_auto_lock_minutes(25)
    qtbot.waitUntil(lambda: bool(saved), timeout=10_000)
    assert not isinstance(saved[0], BaseException), saved[0]
    assert session.auto_lock_minutes() == 25
    assert [h.name_zh for h in session.search("王丽")] == ["王丽"]
    owner.deleteLater()


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
