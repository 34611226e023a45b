"""Importing a laptop's offline bundle into central, and writing a bundle back to a laptop.

A bundle's batches are applied one by one exactly as if pushed online (central/batches.py):
each in its own transaction, each idempotent by batch id, so a bundle imported twice, or
imported after some of its batches came online, changes nothing the second time. A batch
refused (e.g. a row outside the device's areas) stops the import there: the batches
before it stay applied, as they would online, and importing again resumes after them.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

from central.auth import utc_now_iso
from central.batches import apply_batch, read_page
from central.errors import BundleRefused, Unauthorized
from central.keys import KeyFile
from central.limits import TokenBucket, check_client_version
from central.storage import Device, Storage
from desktop.sync import bundle as b
from desktop.sync.errors import BUNDLE_DIRECTION, BundleError
from desktop.sync.protocol import DEFAULT_PAGE_CHANGES, MAX_PAGE_BYTES, parse_batch_answer

# A bundle back to a laptop stops growing past this much JSON (pages are at most 2 MiB).
RETURN_BUNDLE_BYTES = b.MAX_PAYLOAD_BYTES - 2 * MAX_PAGE_BYTES


@dataclass(frozen=True)
class ImportResult:
    device_id: str
    batches: int
    changes: int
    conflicts: int

    def to_json(self) -> dict[str, object]:
        """Counts only: the uploader of a bundle is not authenticated beyond the bundle."""
        return {"device_id": self.device_id, "batches": self.batches, "changes": self.changes,
                "conflicts": self.conflicts}


def _device_and_key(storage: Storage, keys: KeyFile, device_id: str) -> tuple[Device, bytes]:
    device = storage.device(device_id)
    if device is None:
        raise BundleRefused("central.bundle.unknown_device")
    if device.revoked_at is not None:
        raise Unauthorized("central.auth.revoked")
    sealed = storage.sealed_bundle_key(device_id)
    key = keys.unseal(device_id, sealed) if sealed else None
    if key is None:
        # Enrolled before bundles existed, or the key file was replaced: enrol again.
        raise BundleRefused("central.bundle.no_key")
    return device, key


def import_bundle(storage: Storage, keys: KeyFile, data: bytes, now_ms: int,
                  min_client_version: str | None = None, rate: TokenBucket | None = None
                  ) -> ImportResult:
    """Authenticate *data* with its device's key, then apply its batches in order.

    *rate*, if given, is charged one push for the device once the bundle is authentic (a
    stranger sending garbage in the device's name cannot use up the device's pushes).
    """
    try:
        header, _ = b.read_header(data)
        device, key = _device_and_key(storage, keys, header.device_id)
        if header.direction != b.TO_CENTRAL:
            raise BundleError(BUNDLE_DIRECTION)
        bundle = b.read_bundle(data, key, b.TO_CENTRAL, device.id)
    except BundleError as exc:
        raise BundleRefused(exc.code) from None
    check_client_version(header.app_version, min_client_version)
    if rate is not None:
        rate.check(device.id)
    changes = conflicts = 0
    for batch in bundle.batches:
        answer = apply_batch(storage, device, batch, now_ms)
        changes += answer.accepted
        conflicts += len(answer.conflicts)
    return ImportResult(device.id, len(bundle.batches), changes, conflicts)


@dataclass(frozen=True)
class ExportResult:
    data: bytes
    device_id: str
    changes: int
    answers: int
    since: int
    next_cursor: int
    more: bool

    def to_json(self) -> dict[str, object]:
        return {"device_id": self.device_id, "changes": self.changes, "answers": self.answers,
                "since": self.since, "next_cursor": self.next_cursor, "more": self.more,
                "bytes": len(self.data)}


def export_bundle(storage: Storage, keys: KeyFile, device_id: str, since: int,
                  now_ms: Callable[[], int]) -> ExportResult:
    """Others' changes in the device's areas after *since*, and the answers to the device's
    batches taken since then, encrypted for the device. `more` asks for a further bundle."""
    try:
        device, key = _device_and_key(storage, keys, device_id)
    except BundleError as exc:
        raise BundleRefused(exc.code) from None
    pages = []
    size, cursor, more = 0, since, True
    while more and size < RETURN_BUNDLE_BYTES:
        page = read_page(storage, device, cursor, DEFAULT_PAGE_CHANGES, MAX_PAGE_BYTES, now_ms)
        pages.append(page)
        size += len(json.dumps(page.to_json(), ensure_ascii=False).encode())
        cursor, more = page.next_cursor, page.more
    answers = [parse_batch_answer(json.loads(a)) for a in storage.answers_since(device.id, since)]
    data = b.write_return_bundle(pages, answers, since, key, device.id, utc_now_iso())
    return ExportResult(data, device.id, sum(len(p.changes) for p in pages), len(answers),
                        since, cursor, more)
