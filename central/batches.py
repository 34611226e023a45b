"""Applying pushed batches and serving pulls (design §5), over the Storage interface.

A batch is applied in one storage transaction: any refused change (outside the device's
areas) raises and rolls back every change of the batch. Each new change is logged with the
next server sequence; the merged row state decides area and conflicts. A change already
logged (same table, id and rev, e.g. from a bundle imported twice) is absorbed.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from central.auth import require_areas, utc_now_iso
from central.errors import Conflicting, Forbidden
from central.storage import BatchTx, Device, LoggedChange, Storage, StoredRow
from desktop.domain import hlc
from desktop.sync.merge import merge_row, state_of
from desktop.sync.protocol import (
    SYNCED_TABLES,
    Batch,
    BatchAnswer,
    Change,
    ChangesPage,
    Clamp,
    Conflict,
    parse_batch_answer,
)

CENTRAL_DEVICE = "central"
MAX_AHEAD_MS = hlc.WRONG_CLOCK_MS  # a rev further ahead of central's clock is clamped
# Parents first, so a visit finds its person even when the client sent urgent rows first.
_RANK = {name: i for i, name in enumerate(SYNCED_TABLES)}


def server_hlc(storage: Storage, now_ms: int) -> str:
    """Central's clock as of now, for answers that write nothing."""
    stored = storage.clock()
    return str(hlc.tick(hlc.parse(stored) if stored else hlc.ZERO, now_ms, CENTRAL_DEVICE))


def _row_area(tx: BatchTx, table: str, fields: dict, device: Device) -> str | None:
    """The area a row belongs to: its own area code, else its person's (design §5 scope)."""
    area = fields.get("area_code")
    if table == "persons":
        # A person registered without an area code belongs to the area of whoever sent it.
        return area if isinstance(area, str) and area else device.areas[0]
    if table == "pregnancies" and isinstance(area, str) and area:
        return area
    person_id = fields.get("person_id")
    person = tx.row("persons", person_id) if isinstance(person_id, str) else None
    if person is None:
        raise Forbidden("central.scope.unknown_person")
    return person.area


def _stored_rev(change: Change, clock: hlc.Rev, now_ms: int) -> tuple[str, hlc.Rev, bool]:
    """(rev to order by, central's clock after it, flagged) for one incoming change."""
    rev = hlc.parse(change.rev)
    if rev.wall > now_ms + MAX_AHEAD_MS:
        # Clamp to central's own next tick: ordered as if written on arrival, and central's
        # clock never jumps to the sender's future.
        clock = hlc.tick(clock, now_ms, CENTRAL_DEVICE)
        return str(hlc.Rev(clock.wall, clock.counter, rev.device)), clock, True
    return change.rev, hlc.receive(clock, rev, now_ms, CENTRAL_DEVICE), False


def _apply_change(tx: BatchTx, device: Device, batch: Batch, change: Change, stored_rev: str,
                  flagged: bool) -> list[Conflict]:
    existing = tx.row(change.table, change.id)
    seq = tx.log_change(LoggedChange(change.table, change.id, change.rev, stored_rev,
                                     dict(change.fields), change.deleted, device.id,
                                     batch.batch_id, None, flagged))
    remote = state_of(Change(change.table, change.id, stored_rev, change.fields, change.deleted))
    agreed: dict[str, str] = {}
    if existing is not None:
        for name, (src_seq, src_device) in existing.field_src.items():
            # The device had seen central's value if it pulled past it or wrote it itself.
            if src_seq <= batch.base_cursor or src_device == device.id:
                agreed[name] = existing.state.field_revs[name]
    merged = merge_row(change.table, change.id, existing.state if existing else None, remote,
                       agreed)
    area = _row_area(tx, change.table, dict(merged.state.fields), device)
    require_areas(device, [area] + ([existing.area] if existing else []))
    src = dict(existing.field_src) if existing else {}
    for name in merged.changed_fields:
        if merged.state.field_revs[name] == stored_rev:
            src[name] = (seq, device.id)
    person_id = merged.state.fields.get("person_id")
    tx.put_row(StoredRow(change.table, change.id, area,
                         person_id if isinstance(person_id, str) else None, merged.state, src,
                         seq))
    tx.set_change_area(seq, area)
    return [c.swapped() for c in merged.conflicts]


def apply_batch(storage: Storage, device: Device, batch: Batch, now_ms: int) -> BatchAnswer:
    """Apply *batch* whole or not at all; a batch id seen before gets its stored answer."""
    if batch.device_id != device.id:
        raise Forbidden("central.auth.wrong_device")
    with storage.batch_transaction() as tx:
        seen = tx.stored_answer(batch.batch_id)
        if seen is not None:
            if seen[0] != device.id:
                raise Conflicting("central.batch.id_taken")
            return parse_batch_answer(json.loads(seen[1]))
        stored_clock = tx.clock()
        clock = hlc.parse(stored_clock) if stored_clock else hlc.ZERO
        conflicts: list[Conflict] = []
        clamps: list[Clamp] = []
        for change in sorted(batch.changes, key=lambda c: _RANK[c.table]):
            if tx.has_change(change.table, change.id, change.rev):
                continue  # the same change came before (another batch, a bundle)
            stored_rev, clock, flagged = _stored_rev(change, clock, now_ms)
            if flagged:
                clamps.append(Clamp(change.table, change.id, change.rev, stored_rev))
            conflicts += _apply_change(tx, device, batch, change, stored_rev, flagged)
        clock = hlc.tick(clock, now_ms, CENTRAL_DEVICE)  # the answer is an event of its own
        answer = BatchAnswer(batch.batch_id, len(batch.changes), tx.max_seq(), tuple(conflicts),
                             str(clock), tuple(clamps))
        tx.set_clock(str(clock))
        tx.add_conflicts(batch.batch_id, [c.to_json() for c in conflicts])
        tx.save_answer(batch.batch_id, device.id, json.dumps(answer.to_json()), utc_now_iso(),
                       answer.cursor)
    return answer


def read_page(storage: Storage, device: Device, since: int, limit: int, max_bytes: int,
              now_ms: Callable[[], int]) -> ChangesPage:
    """Others' changes in the device's areas after *since*, oldest first."""
    logged, next_cursor, more = storage.read_changes(since, limit, max_bytes, device.id,
                                                     device.areas)
    changes = tuple(Change(c.table, c.id, c.stored_rev, c.fields, c.deleted, c.device_id)
                    for c in logged)
    return ChangesPage(changes, next_cursor, more, server_hlc(storage, now_ms()))
