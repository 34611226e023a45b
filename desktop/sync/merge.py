"""The merge rules of design §5 as pure functions over row states; client and central share them.

A row state is what one side knows of a row: its fields, the rev of each field, the tombstone
flag and the row rev (the largest rev it has seen for the row). `join` merges two states and
is commutative, associative and idempotent, so changes may arrive in any order, any number of
times, through any path (online, bundle, relayed by central) and every side converges.

- Mutable tables (registration facts): per field, the larger rev wins (last writer wins).
- Event tables (clinical encounters): immutable, so per field the first write (smaller rev)
  stays; the same event arriving twice is absorbed. A correction is a new event.
- Tombstones, both kinds: the row's (rev, deleted) pair with the larger rev wins, so a delete
  wins over everything written before it, and an edit written after a delete revives the row
  (a mistaken delete is recoverable; nothing is physically removed anyway).

Ties on a rev (one rev is only ever written once, so this means damaged data) are broken by
the canonical JSON of the value, which keeps the join deterministic. `merge_row` adds what a
caller needs on top of `join`: which fields changed locally and the conflicts to keep.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field

from desktop.sync.protocol import Change, Conflict, Scalar, table_kind


@dataclass(frozen=True)
class RowState:
    fields: Mapping[str, Scalar] = field(default_factory=dict)
    field_revs: Mapping[str, str] = field(default_factory=dict)
    deleted: bool = False
    rev: str = ""


def state_of(change: Change) -> RowState:
    """The row state one change stands for: each of its fields written at its rev."""
    return RowState(dict(change.fields), {name: change.rev for name in change.fields},
                    change.deleted, change.rev)


def canonical(value: Scalar) -> str:
    """A total order and equality on values that tells 1, 1.0 and true apart."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _pick(kind: str, a: RowState, b: RowState, name: str) -> tuple[Scalar, str]:
    if name not in b.fields:
        return a.fields[name], a.field_revs[name]
    if name not in a.fields:
        return b.fields[name], b.field_revs[name]
    ka = (a.field_revs[name], canonical(a.fields[name]))
    kb = (b.field_revs[name], canonical(b.fields[name]))
    # mutable: the last writer wins; event: the first write stays (insert-if-absent)
    take_a = ka >= kb if kind == "mutable" else ka <= kb
    src = a if take_a else b
    return src.fields[name], src.field_revs[name]


def join(kind: str, a: RowState, b: RowState) -> RowState:
    """The merge of two states of one row of a table of *kind* ('mutable' or 'event')."""
    fields: dict[str, Scalar] = {}
    revs: dict[str, str] = {}
    for name in sorted(set(a.fields) | set(b.fields)):
        fields[name], revs[name] = _pick(kind, a, b, name)
    rev, deleted = max((a.rev, a.deleted), (b.rev, b.deleted))
    return RowState(fields, revs, deleted, rev)


@dataclass(frozen=True)
class Merged:
    """The merged row, what changed against the local state, and the conflicts to keep."""

    state: RowState
    changed_fields: tuple[str, ...]
    deleted_changed: bool
    conflicts: tuple[Conflict, ...]

    @property
    def changed(self) -> bool:
        return bool(self.changed_fields) or self.deleted_changed


def _conflicts(table: str, row_id: str, kind: str, local: RowState, remote: RowState,
               agreed: Mapping[str, str] | None) -> list[Conflict]:
    found = []
    for name in sorted(set(local.fields) & set(remote.fields)):
        lv, rv = local.fields[name], remote.fields[name]
        if canonical(lv) == canonical(rv):
            continue  # both sides made the same change: nothing to review
        lr, rr = local.field_revs[name], remote.field_revs[name]
        if kind == "mutable" and agreed is not None:
            base = agreed.get(name, "")
            if not (lr > base and rr > base):
                continue  # one side had seen the other's value: an ordinary update
        found.append(Conflict(table, row_id, name, lv, lr, rv, rr))
    return found


def merge_row(table: str, row_id: str, local: RowState | None, remote: RowState,
              agreed: Mapping[str, str] | None = None) -> Merged:
    """Merge *remote* into *local* (None: the row is new here).

    *agreed* maps a field to the rev both sides last agreed on: a field changed on both sides
    since then (both revs larger) with different values is a conflict. Pass an empty mapping
    when the sides never agreed, None to treat every differing value as a conflict. Event
    rows conflict only when the same event arrives with different contents (damage).
    """
    kind = table_kind(table)
    if local is None:
        return Merged(join(kind, RowState(), remote), tuple(sorted(remote.fields)),
                      remote.deleted, ())
    state = join(kind, local, remote)
    changed = tuple(name for name in state.fields
                    if name not in local.fields
                    or state.field_revs[name] != local.field_revs[name]
                    or canonical(state.fields[name]) != canonical(local.fields[name]))
    return Merged(state, changed, state.deleted != local.deleted,
                  tuple(_conflicts(table, row_id, kind, local, remote, agreed)))
