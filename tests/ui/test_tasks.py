"""Background work and the exception-to-dialog boundary."""

from __future__ import annotations

import threading
from pathlib import Path

from PySide6.QtWidgets import QMessageBox, QWidget

from desktop.i18n.messages import error_text
from desktop.services.errors import LastAdminError
from desktop.ui import errors
from desktop.ui.tasks import run_task


def test_op_runs_off_the_gui_thread_and_calls_back_on_it(qtbot):
    owner = QWidget()
    gui = threading.get_ident()
    seen: dict[str, object] = {}

    def op(ctx) -> int:
        seen["op_thread"] = threading.get_ident()
        for done in range(1, 4):
            ctx.report(done, 3)
        return 42

    def success(result: int) -> None:
        seen["result"] = result
        seen["callback_thread"] = threading.get_ident()

    progress: list[tuple[int, int]] = []
    task = run_task(owner, op, success, on_progress=lambda d, t: progress.append((d, t)))
    qtbot.waitUntil(lambda: "result" in seen)
    assert seen["result"] == 42 and task.finished
    assert seen["op_thread"] != gui and seen["callback_thread"] == gui
    assert progress == [(1, 3), (2, 3), (3, 3)]
    owner.deleteLater()


def test_failure_goes_to_the_failure_callback(qtbot):
    owner = QWidget()
    failures: list[BaseException] = []

    def op(_ctx) -> None:
        raise LastAdminError()

    run_task(owner, op, lambda _r: None, failures.append)
    qtbot.waitUntil(lambda: bool(failures))
    assert isinstance(failures[0], LastAdminError)
    owner.deleteLater()


def test_cancelled_op_calls_neither_callback(qtbot):
    owner = QWidget()
    started = threading.Event()
    release = threading.Event()
    calls: list[str] = []

    def op(ctx) -> None:
        started.set()
        release.wait(5)
        ctx.check()  # raises Cancelled: the user pressed Cancel meanwhile
        calls.append("went on")

    task = run_task(owner, op, lambda _r: calls.append("success"),
                    lambda _e: calls.append("failure"))
    assert started.wait(5)
    task.cancel()
    release.set()
    qtbot.waitUntil(lambda: task.finished)
    assert calls == []
    owner.deleteLater()


def test_results_for_a_deleted_owner_are_dropped(qtbot):
    owner = QWidget()
    release = threading.Event()
    calls: list[object] = []
    run_task(owner, lambda _ctx: release.wait(5), calls.append, calls.append)
    owner.deleteLater()
    qtbot.wait(10)  # the owner (and its bridge) is gone before the op ends
    release.set()
    from desktop.ui.tasks import wait_for_all

    assert wait_for_all(5000)
    qtbot.wait(10)
    assert calls == []


def test_app_error_dialog_shows_its_text(qtbot):
    parent = QWidget()
    box = errors.show_error(parent, LastAdminError())
    assert box.objectName() == "error_dialog"
    assert box.text() == error_text(LastAdminError())
    box.close()
    parent.deleteLater()


def test_unexpected_error_is_logged_without_its_message(qtbot, tmp_path: Path):
    log = errors.configure_logging(tmp_path)
    try:
        raise ValueError("王秀英 152301199001011234")  # personal data in a message
    except ValueError as exc:
        box = errors.show_error(None, exc)
    assert box.text() == errors.message_for(RuntimeError())
    box.close()
    text = log.read_text(encoding="utf-8")
    assert "builtins.ValueError" in text and "test_tasks.py" in text
    assert "王秀英" not in text and "152301199001011234" not in text
    assert isinstance(box, QMessageBox)


def test_locking_waits_for_attached_ops_only(qtbot):
    from desktop.ui.tasks import abandon_all, wait_for_all, wait_for_attached

    owner = QWidget()
    release = threading.Event()
    run_task(owner, lambda _ctx: release.wait(5), lambda _r: None, detached=True)
    assert wait_for_attached(0.5)  # the detached op keeps running: not waited for
    attached = run_task(owner, lambda ctx: release.wait(5) and ctx.cancelled,
                        lambda _r: None)
    assert not wait_for_attached(0.05)
    abandon_all()
    assert attached.context.cancelled
    release.set()
    assert wait_for_attached(5) and wait_for_all(5000)
    owner.deleteLater()


def test_progress_dialog_shows_reports_and_its_cancel_stops_the_op(qtbot):
    from PySide6.QtWidgets import QProgressDialog

    owner = QWidget()
    owner.show()
    step = threading.Event()
    proceed = threading.Event()

    def op(ctx) -> None:
        ctx.report(1, 4)
        step.set()
        proceed.wait(5)
        ctx.check()

    task = run_task(owner, op, lambda _r: None, progress_label="…")
    dialog = owner.findChild(QProgressDialog, "task_progress")
    assert dialog is not None
    assert step.wait(5)
    qtbot.waitUntil(lambda: dialog.maximum() == 4 and dialog.value() == 1)
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QPushButton

    dialog.show()
    qtbot.mouseClick(dialog.findChild(QPushButton, "task_cancel"), Qt.MouseButton.LeftButton)
    assert task.context.cancelled
    proceed.set()
    qtbot.waitUntil(lambda: task.finished)
    owner.close()
    owner.deleteLater()
