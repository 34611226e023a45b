"""USB bundles on the laptop (design §5): pending changes out to a file, central's answer in.

A laptop that does not see the network for weeks still syncs through the banner:

- **export** stamps its pending changes into outbox batches exactly as an online push does
  (the same ids, limits and order; batches stamped earlier keep their ids), seals them with
  desktop.sync.bundle and writes one or more ``eke-<device>-<time>.ekebundle`` files. The
  batches stay in the outbox until central's answers come back, online or in a bundle: a
  later online sync re-sends the same batch ids and central answers from memory, so nothing
  is stored twice.
- **import** opens a bundle central wrote for this laptop (authenticated before anything is
  applied: a tampered, damaged or foreign file changes nothing). Its answers acknowledge the
  outbox batches they name (conflicts and clamped revs kept, as after a push); its pages are
  applied like pulled pages, each with its cursor in one transaction, but only when the
  bundle starts at or before this laptop's cursor, and the cursor never moves backwards.
  Answers for batches no longer held and pages at or before the cursor are skipped, so a
  second import of the same bundle writes nothing at all.

File names hold the device id and the time only, never a name or an area. Every step
commits on its own (like sync_once): a power cut mid-import loses nothing and importing the
same file again finishes the job.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import desktop
from desktop.services import sync_service
from desktop.services.sync_service import (
    NotEnrolledError,
    SyncBusyError,
    SyncCancelledError,
    SyncServiceError,
    merge_pulled,
)
from desktop.store.repositories import sync_state as repo
from desktop.store.repositories.sync_state import LocalRow, PulledChange, RowMerge
from desktop.sync import bundle as b
from desktop.sync import errors as sync_errors
from desktop.sync.errors import BundleError

SUFFIX = ".ekebundle"
Progress = Callable[[int, int], None]


class BundleFileError(SyncServiceError):
    """The bundle file could not be read or written (a full or pulled-out USB stick)."""

    code = "sync.bundle.file"


@dataclass(frozen=True)
class ExportResult:
    """What an export wrote: the files (in order), batches and changes in them, and the
    cursor to give central's export-bundle (``--since``) for the bundle coming back."""

    files: tuple[Path, ...]
    batches: int
    changes: int
    device_id: str
    cursor: int

    def to_json(self) -> dict[str, Any]:
        return {"files": [str(f) for f in self.files], "batches": self.batches,
                "changes": self.changes, "device_id": self.device_id, "since": self.cursor}


@dataclass(frozen=True)
class ImportResult:
    """What an import did. `acknowledged` changes of this laptop central confirmed,
    `pulled` others' changes applied, `gap` True when the bundle starts after this laptop's
    cursor (its pages were not applied: ask central for a bundle from `cursor`), `more`
    True when central had more than fitted (ask for another bundle from `cursor`)."""

    acknowledged: int
    batches: int
    pulled: int
    conflicts: int
    errors: int
    cursor: int
    since: int
    gap: bool = False
    more: bool = False
    skipped: dict[str, int] = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        return bool(self.batches or self.pulled or self.conflicts or self.errors)

    def to_json(self) -> dict[str, Any]:
        return {"acknowledged": self.acknowledged, "batches": self.batches,
                "pulled": self.pulled, "conflicts": self.conflicts, "errors": self.errors,
                "cursor": self.cursor, "since": self.since, "gap": self.gap,
                "more": self.more}


def _stamp() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def bundle_name(device_id: str, created_at: str, part: int = 1, parts: int = 1) -> str:
    """``eke-<device>-<YYYYmmddTHHMMSSZ>[-<i>of<n>].ekebundle``: no personal data."""
    moment = created_at.replace("-", "").replace(":", "")
    tail = f"-{part}of{parts}" if parts > 1 else ""
    return f"eke-{device_id[:8]}-{moment}{tail}{SUFFIX}"


def _targets(target: Path, device_id: str, created_at: str, parts: int) -> list[Path]:
    """Where to write *parts* files: inside *target* when it is a folder, else next to it
    under its name (numbered ``-1of3`` when there is more than one part)."""
    if target.is_dir():
        return [target / bundle_name(device_id, created_at, i + 1, parts)
                for i in range(parts)]
    if not target.parent.is_dir():
        raise BundleFileError("no such folder", path=str(target))
    if parts == 1:
        return [target]
    return [target.with_name(f"{target.stem}-{i + 1}of{parts}{target.suffix}")
            for i in range(parts)]


def _write_file(path: Path, data: bytes) -> None:
    """Written aside and renamed: a stick pulled out mid-write never holds half a bundle
    under the final name."""
    tmp = path.with_name(path.name + ".part")
    try:
        with open(tmp, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        try:
            tmp.unlink(missing_ok=True)
        except OSError:
            pass
        raise BundleFileError(exc.strerror or str(exc), path=str(path)) from None


def _enrolled(conn: Any) -> repo.Enrollment:
    state = repo.enrollment(conn)
    if not state.enrolled:
        raise NotEnrolledError()
    return state


class _Locked:
    """The sync lock of this data folder: an export or import never runs beside a sync."""

    def __init__(self, session: Any) -> None:
        self.lock = sync_service._lock_for(session)  # noqa: SLF001 - one lock for both paths

    def __enter__(self) -> None:
        if not self.lock.acquire(blocking=False):
            raise SyncBusyError()

    def __exit__(self, *_exc: object) -> None:
        self.lock.release()


def export_bundle(session: Any, target: Path, progress: Progress | None = None,
                  cancelled: Callable[[], bool] | None = None) -> ExportResult:
    """Write every pending change into bundle file(s) at *target* (a folder, or a file).

    Batches stamped earlier come first with their own ids, then the rest is stamped as
    sync_once would. Nothing leaves the outbox. An audit entry names the files and batch
    count. Returns ExportResult (no files when nothing is pending). Raises NotEnrolledError,
    SyncBusyError, SyncCancelledError (stamps kept: harmless), BundleFileError.
    Runs on a connection of its own (safe on a worker thread).
    """
    report = progress or (lambda _d, _t: None)
    with _Locked(session):
        conn = session.store.connect()
        try:
            state = _enrolled(conn)
            device = state.device_id or session.store.device_id
            total = repo.pending_count(conn)
            report(0, total)
            held = repo.held_batches(conn)
            done = sum(len(x.changes) for x in held)
            report(done, total)
            inspect = sync_service.inspector(device)
            while True:
                if cancelled is not None and cancelled():
                    raise SyncCancelledError()
                batch = sync_service.stamp_batch(conn, inspect, resume=False)
                if batch is None:
                    break
                held.append(batch)
                done += len(batch.changes)
                report(done, total)
            if not held:
                return ExportResult((), 0, 0, device, state.cursor)
            wires = [sync_service.wire_batch(device, x) for x in held]
            groups = b.split_batches(wires)
            created = _stamp()
            key = b.bundle_key_from_token(device, state.token or "")
            paths = _targets(target, device, created, len(groups))
            for path, group in zip(paths, groups, strict=True):
                if cancelled is not None and cancelled():
                    raise SyncCancelledError()
                _write_file(path, b.write_bundle(group, key, device, created,
                                                 app_version=desktop.__version__))
            changes = sum(len(w.changes) for w in wires)
            repo.note(conn, session.user.id, "sync_bundle_export",
                      f"{len(paths)} files, {len(wires)} batches, {changes} changes:"
                      f" {', '.join(p.name for p in paths)}")
            return ExportResult(tuple(paths), len(wires), changes, device, state.cursor)
        finally:
            conn.close()


def read_file(source: Path) -> bytes:
    """The bytes of a bundle file, refused before reading when far too large."""
    try:
        if source.stat().st_size > b.MAX_BUNDLE_BYTES:
            raise BundleError(sync_errors.BUNDLE_TOO_LARGE)
        return source.read_bytes()
    except OSError as exc:
        raise BundleFileError(exc.strerror or str(exc), path=str(source)) from None


def _merge_seen(kind: str, change: PulledChange, local: LocalRow | None) -> RowMerge:
    """merge_pulled, except that a change this laptop already holds is left alone.

    A bundle may start before the laptop's cursor (central was asked from an older number):
    the part of its first page this laptop pulled before must not be merged again, or a
    later local edit of the same field would look like a conflict. A change every field of
    which (and its rev) is already at or below the local revs adds nothing to the row; a
    real conflict with a pending edit is still found by central when that edit is pushed.
    """
    if (local is not None and local.rev >= change.rev
            and all(local.field_revs.get(k, "") >= change.rev for k in change.fields)):
        return RowMerge(dict(local.fields), dict(local.field_revs), local.deleted, local.rev,
                        (), False, ())
    return merge_pulled(kind, change, local)


def import_bundle(session: Any, source: Path, progress: Progress | None = None,
                  cancelled: Callable[[], bool] | None = None) -> ImportResult:
    """Apply a bundle central wrote for this laptop (see the module docstring).

    Raises BundleError (not a bundle, another format, tampered, for another laptop, the
    laptop's own export) or BundleFileError before anything is written; NotEnrolledError,
    SyncBusyError, SyncCancelledError (what was applied is kept; import again to finish).
    """
    report = progress or (lambda _d, _t: None)
    data = read_file(source)
    with _Locked(session):
        conn = session.store.connect()
        try:
            state = _enrolled(conn)
            device = state.device_id or session.store.device_id
            key = b.bundle_key_from_token(device, state.token or "")
            bundle = b.read_bundle(data, key, b.TO_DEVICE, device)
            result = _apply(session, conn, state.cursor, bundle, report, cancelled)
            if result.changed:
                repo.save_result(conn, {"ok": True, "at": sync_service._now_iso(),  # noqa: SLF001
                                        "pushed": result.acknowledged,
                                        "pulled": result.pulled,
                                        "conflicts": result.conflicts,
                                        "cursor": result.cursor, "bundle": True,
                                        "errors": result.errors}, True)
            return result
        finally:
            conn.close()


def _apply(session: Any, conn: Any, cursor: int, bundle: b.Bundle, report: Progress,
           cancelled: Callable[[], bool] | None) -> ImportResult:
    store, user_id = session.store, session.user.id
    total = len(bundle.answers) + len(bundle.pages)
    step = 0

    def check() -> None:
        if cancelled is not None and cancelled():
            raise SyncCancelledError()

    # Answers first, as online (push, then pull): a pulled change then meets this laptop's
    # edits already acknowledged, exactly as after an online push.
    held = repo.held_batch_ids(conn)
    acknowledged = batches = conflicts = errors = pulled = 0
    stale_answers = 0
    for answer in bundle.answers:
        check()
        if answer.batch_id in held:
            found = [c.to_json() for c in answer.conflicts]
            clamps = [(c.table, c.id, c.rev, c.stored_rev) for c in answer.clamped]
            acknowledged += repo.acknowledge(conn, user_id, answer.batch_id, found, clamps,
                                             answer.server_hlc, store.clock_ms(),
                                             store.device_id)
            held.discard(answer.batch_id)
            conflicts += len(found)
            batches += 1
        else:
            stale_answers += 1  # acknowledged before (online, or an earlier import)
        step += 1
        report(step, total)

    gap = bundle.since > cursor
    skipped_pages = 0
    start = bundle.since
    for page in bundle.pages:
        check()
        if gap or page.next_cursor <= cursor:
            skipped_pages += 1  # not reachable from here, or pulled before
        else:
            changes = [PulledChange(c.table, c.id, c.rev, dict(c.fields), c.deleted, c.origin)
                       for c in page.changes]
            merge = _merge_seen if start < cursor else merge_pulled
            done = repo.apply_page(conn, user_id, changes, merge, page.next_cursor,
                                   page.server_hlc, store.clock_ms(), store.device_id)
            pulled += done.applied
            conflicts += done.conflicts
            errors += done.errors
            cursor = page.next_cursor
        start = page.next_cursor
        step += 1
        report(step, total)
    if pulled or errors:
        repo.retry_parked_pulls(conn, user_id, merge_pulled)
    return ImportResult(acknowledged, batches, pulled, conflicts, errors, cursor,
                        bundle.since, gap, bundle.more and not gap,
                        {"answers": stale_answers, "pages": skipped_pages})
