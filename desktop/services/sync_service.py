"""Sync with central (design §5): push the outbox in batches, then pull pages until done.

The service joins three layers that do not know each other: the store (outbox, cursor,
pulled rows: desktop/store/repositories/sync_state.py), the wire format and merge rules
(desktop/sync) and the HTTP client. Sync runs on a connection of its own, so the UI can run
it on a worker thread while people keep typing; every step commits on its own, so a power
cut or a kill at any instant loses nothing and a resync finishes the job:

- a batch id is stamped in the outbox before the first send; a retry re-sends the same id
  and central answers from its memory (idempotent), so nothing is stored twice;
- a pulled page and its cursor commit together, so a page is never applied twice or skipped.

A timeout, a dropped connection or an answer that is not protocol JSON (a captive portal's
login page) raises a SyncError with a code; it is never reported as success.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlparse

import requests

from desktop.errors import AppError
from desktop.store.errors import PermissionDeniedError
from desktop.store.repositories import sync_state as repo
from desktop.store.repositories.sync_state import LocalRow, OutboxChange, PulledChange, RowMerge
from desktop.sync import errors as sync_errors
from desktop.sync.client import CentralClient
from desktop.sync.merge import RowState, merge_row
from desktop.sync.protocol import (
    ENROLLMENT_CODE_ALPHABET,
    ENROLLMENT_CODE_CHARS,
    MAX_BATCH_BYTES,
    MAX_BATCH_CHANGES,
    MAX_SAFE_INT,
    Batch,
    Change,
    ProtocolError,
    dumps,
    normalise_enrollment_code,
    parse_change,
)

DEFAULT_AUTO_MINUTES = 5
HEALTH_TIMEOUT_S = 5.0
# The envelope of a batch without changes, as chunk_changes measures it.
_ENVELOPE = len(dumps(Batch("x" * 64, str(uuid.UUID(int=0)), MAX_SAFE_INT, ()).to_json()))


class SyncServiceError(sync_errors.SyncError):
    code = "sync.error"


class NotEnrolledError(SyncServiceError):
    """This laptop has no central endpoint yet: an administrator enrols it first."""

    code = "sync.not_enrolled"


class BadEndpointError(SyncServiceError):
    """The endpoint is not an http:// or https:// address."""

    code = "sync.bad_endpoint"


class BadCodeError(SyncServiceError):
    """The enrollment code is not 16 letters and digits, or central does not know it."""

    code = "sync.bad_code"


class NotJsonError(SyncServiceError):
    """The answer was not Eke data: often a Wi-Fi login page between laptop and central."""

    code = "sync.not_json"


class BadAnswerError(SyncServiceError):
    """The answer was JSON but not protocol v1 (a wrong address, or a broken server)."""

    code = "sync.bad_answer"


class SyncCancelledError(SyncServiceError):
    """The user stopped the sync; what was sent and received so far is kept."""

    code = "sync.cancelled"


class SyncBusyError(SyncServiceError):
    """Another sync of this data is running."""

    code = "sync.busy"


class ConflictGoneError(SyncServiceError):
    """The conflict was already resolved (by another user, or in another window)."""

    code = "sync.conflict_gone"


@dataclass(frozen=True)
class SyncResult:
    pushed: int
    pulled: int
    conflicts: int
    cursor: int
    batches: int = 0
    errors: int = 0

    def to_json(self) -> dict[str, int]:
        return {"pushed": self.pushed, "pulled": self.pulled, "conflicts": self.conflicts,
                "cursor": self.cursor}


@dataclass(frozen=True)
class SyncProgress:
    """Where a running sync is: phase "push" or "pull", batches and records done so far,
    and the records to push (counted at the start; 0 for the pull, whose size is unknown)."""

    phase: str
    batches: int
    records: int
    total: int


@dataclass(frozen=True)
class SyncOverview:
    enrolled: bool
    endpoint: str | None
    device_id: str | None
    areas: tuple[str, ...]
    cursor: int
    last_sync_at: str | None
    last_result: dict[str, Any] | None
    pending: int
    open_conflicts: int
    open_errors: int
    auto_sync: bool
    auto_minutes: int


Progress = Callable[[SyncProgress], None]
_locks: dict[str, threading.Lock] = {}
_locks_guard = threading.Lock()


def _lock_for(session: Any) -> threading.Lock:
    key = str(session.store.data_dir.resolve())
    with _locks_guard:
        return _locks.setdefault(key, threading.Lock())


def _now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def http_session() -> requests.Session:
    """A requests session for central; proxies from the environment are honoured, except
    for loopback addresses (a local test server is never reached through a proxy)."""
    return requests.Session()


def make_client(endpoint: str, token: str | None, timeout_s: float = 60.0,
                retries: int = 4) -> CentralClient:
    http = http_session()
    host = urlparse(endpoint).hostname or ""
    if host in ("127.0.0.1", "localhost", "::1"):
        http.trust_env = False
    return CentralClient(endpoint, token, session=http, timeout_s=timeout_s, retries=retries)


def check_endpoint(endpoint: str) -> str:
    endpoint = (endpoint or "").strip().rstrip("/")
    parsed = urlparse(endpoint)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise BadEndpointError(endpoint)
    return endpoint


def _translate(exc: ProtocolError) -> SyncServiceError:
    if exc.code == sync_errors.BAD_JSON:
        return NotJsonError(exc.path)
    return BadAnswerError(f"{exc.code} {exc.path}".strip())


# -- merge (called by the store inside its transaction) ------------------------------------


def _norm(value: Any) -> Any:
    # SQLite gives 60.0 back for an int stored in a REAL column; the wire may carry 60.
    if isinstance(value, float) and value.is_integer() and abs(value) <= MAX_SAFE_INT:
        return int(value)
    return value


def merge_pulled(kind: str, change: PulledChange, local: LocalRow | None) -> RowMerge:
    """The merge rules of desktop.sync.merge applied to one pulled change.

    A field with a local change central has not acknowledged yet is compared as never
    agreed (both sides changed it: a conflict if the values differ); every other local field
    is what central already had, so a newer remote value is an ordinary update.
    """
    fields = {k: _norm(v) for k, v in change.fields.items()}
    remote = RowState(fields, dict.fromkeys(fields, change.rev), change.deleted, change.rev)
    if local is None:
        merged = merge_row(change.table, change.id, None, remote)
    else:
        state = RowState({k: _norm(v) for k, v in local.fields.items()}, local.field_revs,
                         local.deleted, local.rev)
        agreed = {k: v for k, v in local.field_revs.items() if k not in local.pending_fields}
        merged = merge_row(change.table, change.id, state, remote, agreed)
    s = merged.state
    return RowMerge(dict(s.fields), dict(s.field_revs), s.deleted, s.rev,
                    merged.changed_fields, merged.deleted_changed,
                    tuple(c.to_json() for c in merged.conflicts))


def _inspect(device_id: str) -> Callable[[OutboxChange], int]:
    def inspect(change: OutboxChange) -> int:
        wire = Change(change.table, change.id, change.rev, change.fields, change.deleted)
        try:
            parse_change(wire.to_json())  # what central would refuse, refused here, alone
        except ProtocolError as exc:
            raise AppError(exc.code) from None
        return len(dumps(wire.to_json())) + 1

    return inspect


# -- the sync itself -------------------------------------------------------------------------


def stamp_batch(conn: Any, inspect: Callable[[OutboxChange], int],
                max_changes: int = MAX_BATCH_CHANGES, resume: bool = True
                ) -> repo.OutboxBatch | None:
    """The next outbox batch, stamped with a new id before it leaves the laptop (online or
    in a USB bundle: the same limits, so central sees the same batches either way)."""
    return repo.next_batch(conn, str(uuid.uuid4()), inspect, max_changes,
                           MAX_BATCH_BYTES - _ENVELOPE, resume)


def wire_batch(device: str, batch: repo.OutboxBatch) -> Batch:
    """*batch* as protocol v1 sends it (the stamped id and base cursor, changes as held)."""
    return Batch(device, batch.batch_id, batch.base_cursor,
                 tuple(Change(c.table, c.id, c.rev, c.fields, c.deleted)
                       for c in batch.changes))


def inspector(device: str) -> Callable[[OutboxChange], int]:
    """What sync_once uses to size changes and park the ones central would refuse."""
    return _inspect(device)



def sync_once(session: Any, endpoint: str | None = None, progress: Progress | None = None,
              cancelled: Callable[[], bool] | None = None, *,
              client: CentralClient | None = None) -> SyncResult:
    """Push every pending change (urgent first), then pull until central has no more.

    *endpoint* overrides the enrolled address (the token stays the enrolled one). Raises
    NotEnrolledError, SyncCancelledError (what was done is kept), SyncBusyError, or a
    SyncError for every network or server failure; returns only after a complete sync.
    Runs on a connection of its own (safe on a worker thread).
    """
    lock = _lock_for(session)
    if not lock.acquire(blocking=False):
        raise SyncBusyError()
    conn = session.store.connect()
    try:
        state = repo.enrollment(conn)
        if not state.enrolled:
            raise NotEnrolledError()
        client = client or make_client(check_endpoint(endpoint or state.endpoint or ""),
                                       state.token)
        try:
            result = _sync(session, conn, state, client, progress, cancelled)
        except SyncServiceError as exc:
            if not isinstance(exc, SyncCancelledError):
                _save_failure(conn, exc)
            raise
        except ProtocolError as exc:
            translated = _translate(exc)
            _save_failure(conn, translated)
            raise translated from None
        except sync_errors.SyncError as exc:
            _save_failure(conn, exc)
            raise
        repo.save_result(conn, {"ok": True, "at": _now_iso(), **result.to_json(),
                                "batches": result.batches, "errors": result.errors}, True)
        return result
    finally:
        conn.close()
        lock.release()


def _save_failure(conn: Any, exc: AppError) -> None:
    try:
        # The parameters go too (min_version of client_too_old): the page words them later.
        params = {k: v for k, v in exc.params.items() if isinstance(v, (str, int))}
        repo.save_result(conn, {"ok": False, "at": _now_iso(), "code": exc.code,
                                **({"params": params} if params else {})}, False)
    except AppError:
        pass  # the failure itself is what the caller must hear about


def _sync(session: Any, conn: Any, state: repo.Enrollment, client: CentralClient,
          progress: Progress | None, cancelled: Callable[[], bool] | None) -> SyncResult:
    store = session.store
    user_id = session.user.id
    device = state.device_id or store.device_id
    report = progress or (lambda _p: None)

    def check() -> None:
        if cancelled is not None and cancelled():
            raise SyncCancelledError()

    total = repo.pending_count(conn)
    pushed = batches = conflicts = errors = 0
    isolate = 0  # after a refused batch, send its changes one by one to find the bad one
    inspect = _inspect(device)
    report(SyncProgress("push", 0, 0, total))
    while True:
        check()
        batch = stamp_batch(conn, inspect, 1 if isolate else MAX_BATCH_CHANGES)
        if batch is None:
            break
        wire = wire_batch(device, batch)
        try:
            answer = client.push(wire)
        except (sync_errors.SyncForbiddenError, sync_errors.SyncRejectedError) as exc:
            status = getattr(exc, "params", {}).get("status")
            if isinstance(exc, sync_errors.SyncRejectedError) and status not in (400, 403, 413):
                raise  # a server failure, not this batch's fault: try again later
            if len(batch.changes) == 1:
                repo.park_batch_change(conn, batch.batch_id,
                                       exc.params.get("server_code") or exc.code)
                errors += 1
                isolate = max(0, isolate - 1)
            else:
                isolate = repo.unstamp(conn, batch.batch_id)
            continue
        found = [c.to_json() for c in answer.conflicts]
        clamps = [(c.table, c.id, c.rev, c.stored_rev) for c in answer.clamped]
        pushed += repo.acknowledge(conn, user_id, batch.batch_id, found, clamps,
                                   answer.server_hlc, store.clock_ms(), store.device_id)
        conflicts += len(found)
        batches += 1
        isolate = max(0, isolate - 1)
        report(SyncProgress("push", batches, pushed, total))

    pulled = 0
    cursor = state.cursor
    report(SyncProgress("pull", 0, 0, 0))
    pages = 0
    while True:
        check()
        page = client.pull(cursor)
        changes = [PulledChange(c.table, c.id, c.rev, dict(c.fields), c.deleted, c.origin)
                   for c in page.changes]
        done = repo.apply_page(conn, user_id, changes, merge_pulled, page.next_cursor,
                               page.server_hlc, store.clock_ms(), store.device_id)
        pulled += len(changes)
        conflicts += done.conflicts
        errors += done.errors
        cursor = page.next_cursor
        pages += 1
        report(SyncProgress("pull", pages, pulled, 0))
        if not page.more:
            break
    if errors or pulled:
        repo.retry_parked_pulls(conn, user_id, merge_pulled)
    return SyncResult(pushed, pulled, conflicts, cursor, batches, errors)


# -- enrollment, reachability, overview --------------------------------------------------


def check_code(code: str) -> str:
    normal = normalise_enrollment_code(code or "")
    if len(normal) != ENROLLMENT_CODE_CHARS or any(c not in ENROLLMENT_CODE_ALPHABET
                                                   for c in normal):
        raise BadCodeError()
    return normal


def enroll(session: Any, endpoint: str, code: str, *, client: CentralClient | None = None
           ) -> dict[str, Any]:
    """Join central with a one-time code (administrators only); stores the device id, its
    token (inside the encrypted file only) and areas. Returns {device_id, areas, endpoint}."""
    if not session.user.is_admin:
        raise PermissionDeniedError(session.user.role)
    endpoint = check_endpoint(endpoint)
    normal = check_code(code)
    store = session.store
    client = client or make_client(endpoint, None)
    with session._lock:  # noqa: SLF001 - the session's connection is shared with the GUI
        name = store.meta("clinic_name", "") or "Eke"
    try:
        answer = client.enroll(normal, name[:100], store.device_id or None)
    except sync_errors.SyncUnauthorizedError as exc:
        raise BadCodeError(exc.detail) from None
    except ProtocolError as exc:
        raise _translate(exc) from None
    conn = store.connect()
    try:
        repo.save_enrollment(conn, session.user.id, endpoint, answer.device_id,
                             answer.device_token, answer.areas, answer.server_hlc,
                             store.clock_ms(), store.device_id)
    finally:
        conn.close()
    return {"device_id": answer.device_id, "areas": list(answer.areas), "endpoint": endpoint}


def endpoint_answers(session: Any, timeout_s: float = HEALTH_TIMEOUT_S) -> bool:
    """True when the enrolled endpoint answers its health check now (one quick try)."""
    conn = session.store.connect()
    try:
        state = repo.enrollment(conn)
    finally:
        conn.close()
    if not state.enrolled or not state.endpoint:
        return False
    client = make_client(state.endpoint, None)
    try:
        r = client.session.get(state.endpoint + "/v1/health", timeout=timeout_s)
        return r.status_code == 200 and r.json().get("status") == "ok"
    except (requests.RequestException, ValueError, AttributeError):
        return False
    finally:
        client.session.close()


def overview(session: Any) -> SyncOverview:
    """What the Sync page shows; reads on a connection of its own (call off the GUI thread)."""
    conn = session.store.connect()
    try:
        state = repo.enrollment(conn)
        meta = {k: repo.read_meta(conn, k) for k in ("last_sync_at", repo.AUTO_SYNC_KEY,
                                                     repo.AUTO_SYNC_MINUTES_KEY)}
        return SyncOverview(
            enrolled=state.enrolled, endpoint=state.endpoint, device_id=state.device_id,
            areas=state.areas, cursor=state.cursor, last_sync_at=meta["last_sync_at"],
            last_result=state.last_result, pending=repo.pending_count(conn),
            open_conflicts=repo.count_open_conflicts(conn),
            open_errors=len(repo.open_errors(conn)),
            auto_sync=(meta[repo.AUTO_SYNC_KEY] or "1") == "1",
            auto_minutes=int(meta[repo.AUTO_SYNC_MINUTES_KEY] or DEFAULT_AUTO_MINUTES))
    finally:
        conn.close()


def auto_sync(session: Any, cancelled: Callable[[], bool] | None = None,
              progress: Progress | None = None) -> SyncResult | None:
    """The background check: sync when enrolled, switched on, something is pending and the
    endpoint answers; None when any of these is not so (nothing was tried)."""
    view = overview(session)
    if not (view.enrolled and view.auto_sync and view.pending > 0):
        return None
    if not endpoint_answers(session):
        return None
    try:
        return sync_once(session, progress=progress, cancelled=cancelled)
    except SyncBusyError:
        return None
