"""Background work for the UI (style.md example 1, after Anki's CollectionOp/QueryOp).

`run_task` runs a callable on a worker thread and calls back on the GUI thread. The
callable receives a TaskContext to report progress and to see whether the user cancelled;
it must never touch Qt widgets (they belong to the GUI thread). Callbacks are tied to an
owner QObject: when the owner is gone, late results are dropped instead of reaching deleted
widgets. Locking abandons every task first (`abandon_all`): a result that arrives after
the session was closed is dropped too, though the window it was meant for is only
scheduled for deletion and would otherwise redraw from a closed store.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

import shiboken6
from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal
from PySide6.QtWidgets import QProgressDialog, QPushButton, QWidget

T = TypeVar("T")

_pool: QThreadPool | None = None
# Ops that have not returned yet (worker side), for wait_for_attached.
_active: set[Task] = set()
_active_lock = threading.Lock()
# Tasks whose GUI-side callback has not run yet (a returned op's result may still be
# queued to the GUI thread), for abandon_all. Touched on the GUI thread only.
_pending: set[Task] = set()


def pool() -> QThreadPool:
    """The thread pool of all UI background work (separate from Qt's global pool)."""
    global _pool
    if _pool is None:
        _pool = QThreadPool()
        _pool.setMaxThreadCount(2)
    return _pool


def wait_for_all(msecs: int = 30000) -> bool:
    """Block until every background task has finished (shutdown and lock)."""
    return pool().waitForDone(msecs)


def abandon_all() -> None:
    """Cancel every task and drop its result (before closing the session, when locking).

    Ops not started yet do not run; running ones see the cancel flag; results already on
    their way to the GUI thread call neither callback. Call on the GUI thread.
    """
    for task in list(_pending):
        task.abandon()
    _pending.clear()


def wait_for_attached(timeout_s: float = 30.0) -> bool:
    """Block until every op that shares the session's connection has returned.

    Detached ops (their own connection, e.g. the whole-file check) are not waited for:
    their late results are dropped with their owner. False if the timeout ran out.
    """
    deadline = time.monotonic() + timeout_s
    with _active_lock:
        attached = [t for t in _active if not t.detached]
    for task in attached:
        if not task.returned.wait(max(0.0, deadline - time.monotonic())):
            return False
    return True


class Cancelled(Exception):
    """Raised inside an op (via TaskContext.check) when the user pressed Cancel."""


class TaskContext:
    """Handed to the op on the worker thread: progress reports and the cancel flag."""

    def __init__(self, bridge: _Bridge) -> None:
        self._bridge = bridge
        self._cancel = threading.Event()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def cancel(self) -> None:
        self._cancel.set()

    def check(self) -> None:
        """Stop the op here if the user cancelled."""
        if self._cancel.is_set():
            raise Cancelled()

    def report(self, done: int, total: int) -> None:
        """Tell the GUI how far the op is (*done* of *total* steps)."""
        _emit(self._bridge.progress, done, total)


class _Bridge(QObject):
    # Lives in the GUI thread, so signals emitted from the worker are queued to it.
    succeeded = Signal(object)
    failed = Signal(object)
    progress = Signal(int, int)


def _emit(signal: Any, *args: Any) -> None:
    try:
        signal.emit(*args)
    except RuntimeError:
        pass  # the owner (and with it the bridge) was deleted: nobody is waiting any more


class _Runner(QRunnable):
    def __init__(self, op: Callable[[TaskContext], Any], task: Task, bridge: _Bridge) -> None:
        super().__init__()
        self._op = op
        self._task = task
        self._bridge = bridge

    def run(self) -> None:
        try:
            if self._task.abandoned:
                raise Cancelled()  # abandoned while queued: the session may be closed
            result = self._op(self._task.context)
        except BaseException as exc:  # noqa: BLE001 - every failure goes to the callback
            self._returned()
            _emit(self._bridge.failed, exc)
        else:
            self._returned()
            _emit(self._bridge.succeeded, result)

    def _returned(self) -> None:
        with _active_lock:
            _active.discard(self._task)
        self._task.returned.set()


class Task:
    """A running op; `cancel()` asks it to stop, `context` is what the op sees."""

    def __init__(self, ctx: TaskContext, detached: bool) -> None:
        self.context = ctx
        self.detached = detached
        self.finished = False  # the GUI-side callback ran
        self.returned = threading.Event()  # the op returned (worker side)
        self.abandoned = False  # its result is dropped (set on the GUI thread)
        self.bridge: QObject | None = None

    def cancel(self) -> None:
        self.context.cancel()

    def abandon(self) -> None:
        """Cancel and drop the result: no callback runs for this task any more."""
        self.abandoned = True
        self.context.cancel()


def run_task(owner: QObject, op: Callable[[TaskContext], T],
             on_success: Callable[[T], None],
             on_failure: Callable[[BaseException], None] | None = None, *,
             progress_label: str | None = None,
             on_progress: Callable[[int, int], None] | None = None,
             detached: bool = False) -> Task:
    """Run *op* off the GUI thread; call *on_success*(result) or *on_failure*(exc) on it.

    Without *on_failure* the error is shown by desktop.ui.errors. With *progress_label* a
    modal progress dialog shows (done, total) reports and its Cancel sets the cancel flag.
    A failure that is a Cancelled exception calls neither callback. *detached* ops use
    no connection of the session (locking does not wait for them).
    """
    bridge = _Bridge(owner)
    ctx = TaskContext(bridge)
    task = Task(ctx, detached)
    task.bridge = bridge
    dialog = _progress_dialog(owner, progress_label, task) if progress_label else None

    def finish() -> None:
        task.finished = True
        _pending.discard(task)
        if dialog is not None:
            dialog.reset()
            dialog.deleteLater()
        bridge.deleteLater()

    def succeeded(result: Any) -> None:
        finish()
        if not task.abandoned:
            on_success(result)

    def failed(exc: BaseException) -> None:
        finish()
        if task.abandoned or isinstance(exc, Cancelled):
            return
        if on_failure is not None:
            on_failure(exc)
        else:
            from desktop.ui.errors import show_error

            show_error(owner if isinstance(owner, QWidget) else None, exc)

    def progressed(done: int, total: int) -> None:
        if task.abandoned:
            return
        if dialog is not None:
            dialog.setMaximum(max(total, 0))
            dialog.setValue(min(done, total) if total else 0)
        if on_progress is not None:
            on_progress(done, total)

    bridge.succeeded.connect(succeeded)
    bridge.failed.connect(failed)
    bridge.progress.connect(progressed)
    with _active_lock:
        _active.add(task)
    # Tasks whose owner was deleted never call back: forget them here.
    _pending.difference_update([t for t in _pending if not shiboken6.isValid(t.bridge)])
    _pending.add(task)
    pool().start(_Runner(op, task, bridge))
    return task


def _progress_dialog(owner: QObject, label: str, task: Task) -> QProgressDialog:
    from desktop.i18n import _

    parent = owner if isinstance(owner, QWidget) else None
    dialog = QProgressDialog(label, "", 0, 0, parent)
    dialog.setObjectName("task_progress")
    dialog.setCancelButton(QPushButton(_("Cancel"), objectName="task_cancel"))
    dialog.setMinimumDuration(300)  # quick ops finish before a dialog flickers up
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)
    dialog.canceled.connect(task.cancel)
    return dialog
