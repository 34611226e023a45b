"""Finding persons by anything a worker may type (issue 3 item 10, design §7).

Any part of a Chinese name (one and two characters too), full pinyin or initials,
traditional Mongolian (variant-insensitive through the loose key), Latin, resident ID
(whole, or its last 4 or 6), phone (whole or last 4) and handbook number. Each query key
is a prefix range scan on the search_keys primary key; candidates are capped per key, so
a one-character query over 100k persons costs a few hundred index entries.

Ordering: persons whose key equals the query (the whole name, or a whole suffix) before
prefix matches, earlier (more specific) key kinds first, then by name (pinyin order).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import sqlcipher3

from desktop.domain.search_keys import display_sort_key, prefix_range, query_keys
from desktop.services.access import visible_areas
from desktop.store.database import Store, UserRecord

DEFAULT_LIMIT = 50
CANDIDATES_PER_KEY = 200
MAX_QUERY = 100


@lru_cache(maxsize=4096)
def _sort_key(name_zh: str | None, name_mn: str | None) -> tuple:
    # Pinyin of a name costs tens of microseconds and names repeat a lot: cached.
    return display_sort_key(name_zh, name_mn)


@dataclass(frozen=True)
class PersonHit:
    id: str
    kind: str
    name_zh: str | None
    name_mn: str | None
    name_latin: str | None
    sex: str | None
    birth_date: str | None
    area_code: str | None
    phone: str | None
    mother_id: str | None
    status: str
    risk_colours: tuple[str, ...]   # of an ongoing pregnancy; () for none
    matched: str                     # the key kind that matched ("z:", "p:", "d:"…)


def _candidates(conn: sqlcipher3.Connection, query: str) -> dict[str, tuple[int, int, str]]:
    """person id → (exact? 0/1, key order, kind) for the best key that matched."""
    found: dict[str, tuple[int, int, str]] = {}
    for order, key in enumerate(query_keys(query)):
        lo, hi = prefix_range(key)
        for stored, person_id in conn.execute(
                "SELECT key, person_id FROM search_keys WHERE key >= ? AND key < ? LIMIT ?",
                (lo, hi, CANDIDATES_PER_KEY)):
            rank = (0 if stored == key else 1, order, key[:2])
            if person_id not in found or rank < found[person_id]:
                found[person_id] = rank
    return found


def search(conn: sqlcipher3.Connection, query: str, areas: frozenset[str] | None,
           limit: int = DEFAULT_LIMIT) -> list[PersonHit]:
    """Live persons matching *query* in *areas* (None: all), best first, at most *limit*."""
    text = (query or "").strip()[:MAX_QUERY]
    if not text:
        return []
    ranks = _candidates(conn, text)
    if not ranks:
        return []
    ids = list(ranks)
    people: list[tuple] = []
    for lo in range(0, len(ids), 500):
        chunk = ids[lo:lo + 500]
        people += conn.execute(
            "SELECT id, kind, name_zh, name_mn, name_latin, sex, birth_date, area_code, phone,"
            " mother_id, status FROM persons WHERE deleted = 0"
            f" AND id IN ({','.join('?' * len(chunk))})", chunk).fetchall()
    if areas is not None:
        people = [p for p in people if p[7] in areas]
    people.sort(key=lambda p: (ranks[p[0]][:2], _sort_key(p[2], p[3]), p[0]))
    people = people[:limit]
    colours = _ongoing_colours(conn, [p[0] for p in people])
    return [PersonHit(*p[:10], p[10] or "active", colours.get(p[0], ()), ranks[p[0]][2])
            for p in people]


def _ongoing_colours(conn: sqlcipher3.Connection, ids: list[str]) -> dict[str, tuple[str, ...]]:
    import json

    if not ids:
        return {}
    out = {}
    for person_id, text in conn.execute(
            "SELECT person_id, risk_colours FROM pregnancies WHERE deleted = 0 AND"
            f" status = 'ongoing' AND person_id IN ({','.join('?' * len(ids))})", ids):
        try:
            out[person_id] = tuple(json.loads(text)) if text else ()
        except ValueError:
            out[person_id] = ()
    return out


def search_persons(store: Store, user: UserRecord, query: str, limit: int = DEFAULT_LIMIT
                   ) -> list[PersonHit]:
    return search(store.conn, query, visible_areas(user), limit)
