"""The worklist's rows and list (desktop.services.worklist), apart so that the registry,
the providers and the stored items (desktop.services.worklist_due) can all use them
without importing each other.

A township's list has tens of thousands of rows and the page is opened many times a day,
so a row is the tuple of values desktop.store.repositories.due_items.listed reads (its
rank, village, person and packed item) with the fields the screens use as properties:
making a row runs no Python code. The packed item is split the first time a row is looked
at, and its WorkItem (dates parsed, details kept as JSON until read) built when asked for.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from operator import itemgetter
from types import MappingProxyType

from desktop.domain.worklist import DUE_THIS_WEEK, DUE_TODAY, OVERDUE, WorkItem
from desktop.store.repositories.due_items import ITEM_FIELDS, ITEM_SEP, RANK, pack_item

SECTIONS = (OVERDUE, DUE_TODAY, DUE_THIS_WEEK)
# A row's rank // RANK: section * 2, plus 1 when not urgent (due_items.listed).
_GROUP_SECTION = (OVERDUE, OVERDUE, DUE_TODAY, DUE_TODAY, DUE_THIS_WEEK, DUE_THIS_WEEK)
_EMPTY: Mapping[str, object] = MappingProxyType({})


def item_key(item: WorkItem) -> str:
    """The stable name of an item for worklist_outcomes: kind and the record it is about."""
    return f"{item.kind}:{item.ref_id or item.person_id}"


def rank_of(section: str, urgent: bool, days_overdue: int) -> int:
    """The rank due_items.listed gives a row of *section* (what a called provider's row
    sorts by)."""
    group = SECTIONS.index(section) * 2 + (not urgent)
    return group * RANK + (RANK - 1 - days_overdue if section == OVERDUE else 0)


class WorklistRow(tuple):
    """One row as the screen shows it: who, what, since when, colours, phone.

    Values: (rank, area_code, person_id, packed item as read: UTF-8 bytes), see
    due_items.listed; rows compare and hash as these values. Build one from a WorkItem with ``WorklistRow.of``.
    """

    rank = property(itemgetter(0))
    area_code = property(itemgetter(1))

    @classmethod
    def of(cls, item: WorkItem, section: str, name_zh: str | None, name_mn: str | None,
           phone: str | None, days_overdue: int) -> WorklistRow:
        details = json.dumps(dict(item.details), ensure_ascii=False, default=str
                             ) if item.details else None
        row = tuple.__new__(cls, (
            rank_of(section, item.urgent, days_overdue), item.area_code, item.person_id,
            pack_item(item.kind, item.ref_id, item.due_from.isoformat(),
                      item.due_by.isoformat(), item.colours, details, name_zh, name_mn,
                      phone, item.person_id).encode()))
        row.__dict__["item"] = item  # the provider's own object, details as it made them
        return row

    @cached_property
    def _fields(self) -> list[str]:
        fields = self[3].decode().split(ITEM_SEP)
        if len(fields) != ITEM_FIELDS:
            raise ValueError(f"damaged worklist item {self[3]!r}")
        return fields

    @property
    def section(self) -> str:
        """overdue / today / this_week."""
        return _GROUP_SECTION[self[0] // RANK]

    @property
    def days_overdue(self) -> int:
        rank = self[0]
        return RANK - 1 - rank % RANK if rank < 2 * RANK else 0

    @property
    def key(self) -> str:
        """item_key, for worklist.mark()."""
        return item_key(self.item)

    @property
    def since(self) -> date:
        """The first day of the window (or when it became due)."""
        return self.item.due_from

    @property
    def name_zh(self) -> str | None:
        return self._fields[6] or None

    @property
    def name_mn(self) -> str | None:
        return self._fields[7] or None

    @property
    def phone(self) -> str | None:
        return self._fields[8] or None

    @cached_property
    def item(self) -> WorkItem:
        kind, ref_id, due_from, due_by, colours, details = self._fields[:6]
        person_id = self[2]
        item = object.__new__(WorkItem)
        # The frozen dataclass's own fields, set as its __init__ would.
        object.__setattr__(item, "__dict__", {
            "person_id": person_id, "kind": kind, "due_from": date.fromisoformat(due_from),
            "due_by": date.fromisoformat(due_by), "area_code": self[1],
            "colours": tuple(colours.split(",")) if colours else (),
            "urgent": not self[0] // RANK & 1, "ref_id": ref_id or person_id,
            "details": LazyDetails(details) if details else _EMPTY})
        return item

    def __repr__(self) -> str:
        return f"WorklistRow({self.section}, {self.name_zh or self.name_mn}, {self.item!r})"




@dataclass(frozen=True)
class Worklist:
    today: date
    rows: tuple[WorklistRow, ...]

    def by_village(self) -> dict[str, dict[str, list[WorklistRow]]]:
        """{village code: {section: rows}} with villages in code order."""
        out: dict[str, dict[str, list[WorklistRow]]] = {}
        for row in self.rows:
            out.setdefault(row.area_code, {s: [] for s in SECTIONS})[row.section].append(row)
        return dict(sorted(out.items()))

    def section(self, name: str) -> list[WorklistRow]:
        return [r for r in self.rows if r.section == name]


class LazyDetails(Mapping):
    """A WorkItem's details, parsed from their JSON the first time they are read (the
    list holds tens of thousands of rows; a form opens one). Read-only, like every
    consumer treats details."""

    __slots__ = ("_text", "_value")

    def __init__(self, text: str | None) -> None:
        self._text = text
        self._value: dict | None = None if text else {}

    def _load(self) -> dict:
        if self._value is None:
            value = json.loads(self._text or "{}")
            self._value = value if isinstance(value, dict) else {}
        return self._value

    def __getitem__(self, key: str) -> object:
        return self._load()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._load())

    def __len__(self) -> int:
        return len(self._load())

    def __repr__(self) -> str:
        return repr(self._load())
