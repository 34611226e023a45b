"""Maternal worklist providers: scheduled prenatal visits, the delivery record once the EDD
has passed, postpartum visits, and high-risk case follow-ups (desktop.services.worklist).

Each provider reads with one grouped query per kind and turns windows into WorkItems with
desktop.domain.schedule (bench/run.py worklist_maternal_ms). The list itself reads the
items stored per person (desktop.services.worklist_due); these functions are what that
table is tested against.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from datetime import date, timedelta
from functools import lru_cache

import sqlcipher3

from desktop.domain.risk import CASE_MANAGED_COLOURS
from desktop.domain.schedule import pending, postpartum_windows, prenatal_windows
from desktop.domain.worklist import WorkItem
from desktop.services.worklist import register_provider

POSTPARTUM_LOOKBACK_DAYS = 120  # deliveries older than this have no postpartum item left
DELIVERY_GRACE_DAYS = 14        # "record the delivery" is due from the EDD for two weeks
OPEN_CASE_STATUSES = ("registered", "reported", "managed", "referred", "treated")


def _area_clause(column: str, areas: frozenset[str] | None) -> tuple[str, list[str]]:
    if areas is None:
        return "", []
    codes = sorted(areas)
    if not codes:
        return " AND 0", []
    return f" AND {column} IN ({','.join('?' * len(codes))})", codes


@lru_cache(maxsize=256)
def _colours(text: str | None) -> tuple[str, ...]:
    # Cached: a township has only a handful of distinct colour lists.
    if not text:
        return ()
    try:
        value = json.loads(text)
    except ValueError:
        return ()
    return tuple(c for c in value if c != "green") if isinstance(value, list) else ()


def _urgent(colours: Iterable[str]) -> bool:
    return any(c in CASE_MANAGED_COLOURS for c in colours)


@register_provider
def prenatal_items(conn: sqlcipher3.Connection, today: date,
                   areas: frozenset[str] | None) -> Iterator[WorkItem]:
    clause, args = _area_clause("g.area_code", areas)
    for preg_id, person_id, area, edd_text, colours_text, dates in conn.execute(
            "SELECT g.id, g.person_id, g.area_code, g.edd, g.risk_colours,"
            " (SELECT group_concat(v.visit_date) FROM prenatal_visits v"
            "  WHERE v.pregnancy_id = g.id AND v.deleted = 0)"
            " FROM pregnancies g WHERE g.status = 'ongoing' AND g.deleted = 0"
            " AND g.edd IS NOT NULL" + clause, args):
        edd = date.fromisoformat(edd_text)
        colours = _colours(colours_text)
        visits = [date.fromisoformat(d) for d in dates.split(",")] if dates else []
        for window in pending(prenatal_windows(edd, visits), today):
            yield WorkItem(person_id, window.kind, window.first, window.last, area or "",
                           colours, _urgent(colours), preg_id)
        if today >= edd:
            yield WorkItem(person_id, "delivery_record", edd,
                           edd + timedelta(days=DELIVERY_GRACE_DAYS), area or "", colours,
                           _urgent(colours), preg_id)


@register_provider
def postpartum_items(conn: sqlcipher3.Connection, today: date,
                     areas: frozenset[str] | None) -> Iterator[WorkItem]:
    clause, args = _area_clause("g.area_code", areas)
    since = (today - timedelta(days=POSTPARTUM_LOOKBACK_DAYS)).isoformat()
    for preg_id, person_id, area, colours_text, delivered, discharged, done in conn.execute(
            "SELECT g.id, g.person_id, g.area_code, g.risk_colours, d.delivery_date,"
            " d.discharge_date, (SELECT group_concat(p.kind || '=' || p.visit_date)"
            "  FROM postpartum_visits p WHERE p.pregnancy_id = g.id AND p.deleted = 0)"
            " FROM pregnancies g JOIN deliveries d ON d.pregnancy_id = g.id AND d.deleted = 0"
            " WHERE g.status = 'delivered' AND g.deleted = 0 AND g.ended_on >= ?" + clause,
            [since, *args]):
        visits: dict[str, date] = {}
        for part in (done or "").split(","):
            if "=" in part:
                kind, day = part.split("=", 1)
                visits.setdefault(kind, date.fromisoformat(day))
        colours = _colours(colours_text)
        windows = postpartum_windows(date.fromisoformat(delivered),
                                     date.fromisoformat(discharged) if discharged else None,
                                     visits)
        for window in pending(windows, today):
            yield WorkItem(person_id, window.kind, window.first, window.last, area or "",
                           colours, _urgent(colours), preg_id)


@register_provider
def case_followup_items(conn: sqlcipher3.Connection, today: date,
                        areas: frozenset[str] | None) -> Iterator[WorkItem]:
    clause, args = _area_clause("p.area_code", areas)
    marks = ",".join("?" * len(OPEN_CASE_STATUSES))
    horizon = (today + timedelta(days=7)).isoformat()
    for case_id, person_id, area, colour, colours_text, due in conn.execute(
            "SELECT c.id, c.person_id, p.area_code, c.colour, c.colours, c.next_followup"
            " FROM cases c JOIN persons p ON p.id = c.person_id"
            f" WHERE c.status IN ({marks}) AND c.deleted = 0 AND c.next_followup IS NOT NULL"
            " AND c.next_followup <= ?" + clause, [*OPEN_CASE_STATUSES, horizon, *args]):
        colours = _colours(colours_text) or ((colour,) if colour else ())
        day = date.fromisoformat(due)
        # A follow-up is due on its day; from the next day it is overdue.
        yield WorkItem(person_id, "case_followup", day, day, area or "", colours, True,
                       case_id)
