"""A report's bulk work on arrays (numpy): the children found by id among a year's checks
and doses, and the facts of the checks and the first doses filed by child, with no Python
per check or dose.

A year of a 100,000-person township is some 70,000 checks and 130,000 doses; looked up one
by one in a dict of the children's ids (UUID texts) they cost a report more than all its
SQL. Here each id is read as two 64-bit numbers straight from the packed text
(report_data's comma-joined ids) and found by binary search, and the facts are filed with
ufunc.at. numpy lets go of the GIL for most of this, so the worker threads that read the
doses and the checks run beside the one that files them.

Imported by the report alone: the program starts without numpy.
"""

from __future__ import annotations

from array import array
from collections.abc import Sequence
from datetime import date
from itertools import repeat
from typing import Any

import numpy as np

from desktop.domain import indicator_batch as batch

_COMMA, _DASH = ord(","), ord("-")
_DASHES = [8, 13, 18, 23]
_HEX_AT = [i for i in range(36) if i not in _DASHES]
_NIBBLE = np.full(256, 255, np.uint8)
for _value, _char in enumerate(b"0123456789abcdef"):
    _NIBBLE[_char] = _value


def _uuid_halves(text: str) -> tuple[np.ndarray, np.ndarray] | None:
    """The (high, low) 64-bit halves of each id of *text* (comma-joined), or None unless
    every id is a UUID written the one way new_id writes it (36 characters, lower-case hex,
    dashes at 8, 13, 18 and 23): two different texts never give the same halves."""
    try:
        raw = np.frombuffer((text + ",").encode("ascii"), np.uint8)
    except UnicodeEncodeError:
        return None
    if raw.size % 37:
        return None
    rows = raw.reshape(-1, 37)
    if not ((rows[:, 36] == _COMMA).all() and (rows[:, _DASHES] == _DASH).all()):
        return None
    nibbles = _NIBBLE[rows[:, _HEX_AT]]
    if nibbles.max(initial=0) > 15:
        return None
    # Two hex digits a byte; the 16 bytes read as two big-endian 64-bit numbers.
    halves = np.ascontiguousarray((nibbles[:, 0::2] << 4) | nibbles[:, 1::2]).view(">u8")
    return halves[:, 0].astype(np.uint64), halves[:, 1].astype(np.uint64)


class IdIndex:
    """The index of each id of a list, found for many ids at once (find)."""

    def __init__(self, ids: Sequence[str]) -> None:
        self._ids = ids
        self._dict: dict[str, int] | None = None
        halves = _uuid_halves(",".join(ids)) if ids else None
        if halves is not None:
            high, low = halves
            order = np.argsort(low, kind="stable")
            low = low[order]
            if (low[1:] == low[:-1]).any():  # two ids alike in one half: never seen
                halves = None
            else:
                self._order, self._low, self._high = order, low, high
        if halves is None:
            self._dict = dict(zip(ids, range(len(ids)), strict=True))

    def find(self, text: str) -> np.ndarray:
        """The index of each id of *text* (comma-joined; "" for none) in the list, -1 for
        an id not in it."""
        if not text:
            return np.empty(0, np.int64)
        if self._dict is None:
            halves = _uuid_halves(text)
            if halves is not None:
                high, low = halves
                at = np.searchsorted(self._low, low)
                at[at == len(self._low)] = 0
                found = self._order[at]
                hit = (self._low[at] == low) & (self._high[found] == high)
                return np.where(hit, found, -1)
            self._dict = dict(zip(self._ids, range(len(self._ids)), strict=True))
        return np.fromiter(map(self._dict.get, text.split(","), repeat(-1)), np.int64)


def ordinals(days: Sequence[date]) -> np.ndarray:
    return np.fromiter(map(date.toordinal, days), np.int64, len(days))


def ages_of(births: Sequence[date]) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The ordinals of batch._ages' four days of each child born on *births*, each birth
    date worked out once."""
    distinct = sorted(set(births))
    where = dict(zip(distinct, range(len(distinct)), strict=True))
    spread = np.fromiter(map(where.__getitem__, births), np.int64, len(births))
    columns = [ordinals(column) for column in zip(*map(batch._ages, distinct), strict=True)]
    if not columns:
        columns = [ordinals([]) for _ in range(4)]
    return columns[0][spread], columns[1][spread], columns[2][spread], columns[3][spread]


_NONE, _NEVER = date.min.toordinal(), date.max.toordinal()


class _Ordinals(dict):
    """ISO date text -> ordinal, each distinct text parsed once."""

    def __missing__(self, text: str) -> int:
        value = self[text] = date.fromisoformat(text).toordinal()
        return value


def first_doses(doses: Sequence[tuple[str | None, str | None]], index: IdIndex, n: int
                ) -> list[array]:
    """For each dose's texts (report_data.dose_days: ids, "day n;..."): the ordinal of
    each of the n children's first day in it (0: none), by index. All the doses go through
    numpy together: a few calls in all, not a few per dose (each call lets go of the GIL
    and may wait to have it back)."""
    ordinal = _Ordinals().__getitem__
    days, counts, products = [], [], []
    for k, (ids, text) in enumerate(doses):
        if ids and text:
            for day, count in map(str.split, text.split(";")):
                days.append(ordinal(day))
                counts.append(int(count))
                products.append(k)
    first = np.full((len(doses), n + 1), _NEVER, np.int64)
    if days:
        at = index.find(",".join(ids for ids, _text in doses if ids))
        at[at < 0] = n
        on = np.repeat(np.array(days, np.int64), counts)
        at += np.repeat(np.array(products, np.int64) * (n + 1), counts)
        np.minimum.at(first.reshape(-1), at, on)
    first[first == _NEVER] = 0
    # array('q'), not lists: a report's doses are a million ordinals, which as ints would
    # be a million objects to make and free.
    return [array("q", row.tobytes()) for row in first[:, :n]]


def file_checks(visit_days: list[tuple], index: IdIndex, n: int, births: np.ndarray,
                ages: Sequence[np.ndarray], back: date, start: date, end: date
                ) -> tuple[list[list[Any]], set[int]]:
    """The ChildFacts columns (contacts, visited, then the flag of the latest check of the
    period with each measure) of the n children and the indexes of those to work out from
    their checks instead, from their checks *visit_days* (report_data.child_visit_days:
    dated back..end, in date order, each day's in index order). *births*: the children's
    birth ordinals in birth order; *ages*: the ordinals of batch._ages' four days of each.

    The latest check wins, ties going to the later row (the greatest position in the
    run); a child not among the n takes the spare index n."""
    if not visit_days:
        columns: list[list[Any]] = [[0] * n, [False] * n, *([None] * n for _ in range(5))]
        return columns, set()
    at = index.find(",".join(row[1] for row in visit_days))
    at[at < 0] = n
    counts = [len(row[2]) for row in visit_days]
    on = np.repeat(ordinals([date.fromisoformat(row[0]) for row in visit_days]), counts)
    kinds, *codes, unscored_codes = (
        np.frombuffer("".join(row[k] for row in visit_days).encode("ascii"), np.uint8)
        for k in range(2, 9))
    newborn_last, five, six_months, _past_anaemia = ages
    seen = kinds != ord("b")
    born = np.append(births, _NONE)  # the spare index: never born after a check
    edge = set(np.unique(at[seen & (on < born[at])]).tolist())
    edge.update(np.unique(at[unscored_codes == ord("u")]).tolist())
    edge.discard(n)
    from_back = int(np.searchsorted(on, back.toordinal()))
    contacts = np.bincount(at[from_back:][seen[from_back:]], minlength=n + 1)
    newborn = kinds == ord("n")
    first_newborn = np.full(n + 1, _NEVER, np.int64)
    np.minimum.at(first_newborn, at[newborn], on[newborn])
    columns = [contacts[:n].tolist(), (first_newborn[:n] <= newborn_last).tolist()]
    from_start = int(np.searchsorted(on, start.toordinal()))
    at, on = at[from_start:], on[from_start:]
    latest_day, first_day = [], []
    for code in codes:
        code = code[from_start:]
        where = np.flatnonzero(code != _DASH)
        last = np.full(n + 1, -1, np.int64)
        np.maximum.at(last, at[where], where)
        first = np.full(n + 1, len(code), np.int64)
        np.minimum.at(first, at[where], where)
        has = last[:n] >= 0
        day_at = np.append(on, _NEVER)
        latest_day.append(np.where(has, day_at[last[:n]], _NONE))
        first_day.append(day_at[first[:n]])
        flags = np.where(has, np.append(code, ord("-"))[last[:n]] == ord("1"), False)
        column = flags.astype(object)
        column[~has] = None
        columns.append(column.tolist())
    # Measures whose window ends at 5 years (z-scores, haemoglobin) or starts at 6 months
    # (haemoglobin), for the children who reach those ages by the period end: the latest
    # measure decides when it is inside the window; one before 6 months means none inside;
    # past 5 years, the first one of the period says whether any is inside (none, or the
    # checks are walked). Every child's facts hold, whichever birth range a row asks for.
    five_by_end = int(np.searchsorted(five, end.toordinal(), side="right"))
    six_after_start = int(np.searchsorted(six_months, start.toordinal(), side="right"))
    young = max(six_after_start, five_by_end)
    hb = columns[5]
    for i in (np.flatnonzero(latest_day[3][young:] < six_months[young:]) + young).tolist():
        hb[i] = None
    for k in range(4):
        past = np.flatnonzero(latest_day[k][:five_by_end] >= five[:five_by_end])
        if past.size:
            # Its first measure of the period at 5 or later (five is also the end of the
            # anaemia age): none inside the window; else the checks are walked.
            inside = first_day[k][past] < five[past]
            column = columns[2 + k]
            for i in past[~inside].tolist():
                column[i] = None
            edge.update(past[inside].tolist())
    return columns, edge
