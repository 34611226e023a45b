"""The child worklist provider: newborn visits, child checks (regular and special
management) and vaccinations that are due, due soon or overdue, for children 0-6 years in
the given areas.

A provider is a function (conn, today, areas) -> iterable of WorkItem (the registry lives in
desktop/services/worklist.py). Reads only; a few bulk queries, then pure domain rules per
child, so the whole township's list is built in one pass.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Iterator
from datetime import date, timedelta

import sqlcipher3

from desktop.domain import child_schedule as sched
from desktop.domain import vaccines as vacc
from desktop.domain.worklist import WorkItem

HORIZON_DAYS = 14          # list a contact this many days before its window opens
VACCINE_HORIZON_DAYS = 7   # and a dose this many days before it can be given
AGE_LIMIT_DAYS = 7 * 366

KIND_PREFIX = "child_"
VACCINATION_KIND = "child_vaccination"


def _in_areas(code: str | None, areas: Iterable[str] | None) -> bool:
    if areas is None:
        return True
    return code is not None and any(code.startswith(a) for a in areas)


def _loads(text: str | None) -> list:
    try:
        value = json.loads(text) if text else []
    except ValueError:
        return []
    return value if isinstance(value, list) else []


def child_items(conn: sqlcipher3.Connection, today: date,
                areas: Iterable[str] | None) -> Iterator[WorkItem]:
    """WorkItems for every living child under 7 in *areas* (area code prefixes; None =
    every area): one per open, soon-open or missed contact, and one per child with doses
    due, overdue or due within a week. A missed contact stays until the next regular
    contact's window opens (then it is history, not work)."""
    areas = None if areas is None else tuple(areas)
    oldest = (today - timedelta(days=AGE_LIMIT_DAYS)).isoformat()
    children = [c for c in conn.execute(
        "SELECT id, birth_date, area_code, mother_id, special_mgmt, discharge_date,"
        " hbig_needed FROM persons WHERE kind = 'child' AND deleted = 0 AND status = 'active'"
        " AND birth_date IS NOT NULL AND birth_date >= ? AND birth_date <= ?",
        (oldest, today.isoformat())) if _in_areas(c[2], areas)]
    if not children:
        return
    done: dict[str, set[str]] = defaultdict(set)
    for person_id, kind in conn.execute(
            "SELECT v.person_id, v.kind FROM child_visits v JOIN persons p ON p.id ="
            " v.person_id WHERE p.kind = 'child' AND v.deleted = 0 AND p.birth_date >= ?",
            (oldest,)):
        done[person_id].add(kind)
    # Superseded doses are dropped in Python: vaccinations has no index on supersedes, and
    # a correlated NOT EXISTS over the whole table is quadratic on a township's doses.
    dose_rows = conn.execute(
        "SELECT v.id, v.supersedes, v.person_id, v.vaccine, v.dose, v.given_on"
        " FROM vaccinations v JOIN persons p ON p.id = v.person_id"
        " WHERE p.kind = 'child' AND v.deleted = 0 AND p.birth_date >= ?", (oldest,)).fetchall()
    superseded = {r[1] for r in dose_rows if r[1]}
    given: dict[str, list[vacc.GivenDose]] = defaultdict(list)
    for dose_id, _, person_id, vaccine, dose, given_on in dose_rows:
        if dose_id not in superseded:
            given[person_id].append(vacc.GivenDose(vaccine, int(dose),
                                                   date.fromisoformat(given_on)))
    discharges = {(m, d): x for m, d, x in conn.execute(
        "SELECT person_id, delivery_date, discharge_date FROM deliveries"
        " WHERE deleted = 0 AND discharge_date IS NOT NULL")}
    version = vacc.version_on(today)

    for child_id, birth_text, area, mother_id, special_text, discharge_text, hbig in children:
        birth = date.fromisoformat(birth_text)
        discharge_text = discharge_text or discharges.get((mother_id, birth_text))
        discharge = date.fromisoformat(discharge_text) if discharge_text else None
        special = _loads(special_text)
        yield from _check_items(child_id, birth, area, discharge, special, done[child_id],
                                today)
        item = _vaccination_item(child_id, birth, area, given[child_id], today, version,
                                 bool(hbig))
        if item is not None:
            yield item


def _check_items(child_id: str, birth: date, area: str, discharge: date | None,
                 special: list, done: set[str], today: date) -> Iterator[WorkItem]:
    windows = sched.schedule(birth, discharge, bool(special))
    regular = [w for w in windows if not w.special]
    for w in windows:
        if w.kind in done or w.due_from > today + timedelta(days=HORIZON_DAYS):
            continue
        later = [r.due_from for r in regular if r.nominal > w.nominal]
        expires = min(later) if later else birth + timedelta(days=AGE_LIMIT_DAYS)
        if today >= expires and today > w.due_by:
            continue
        overdue = today > w.due_by
        yield WorkItem(
            person_id=child_id, kind=KIND_PREFIX + w.kind, due_from=w.due_from,
            due_by=w.due_by, area_code=area,
            urgent=overdue and (bool(special) or w.kind == sched.NEWBORN),
            ref_id=child_id,
            details={"check": w.kind, "special": w.special, "special_mgmt": list(special),
                     "birth_date": birth.isoformat()})


def _vaccination_item(child_id: str, birth: date, area: str, given: list[vacc.GivenDose],
                      today: date, version: vacc.ScheduleVersion, hbig: bool
                      ) -> WorkItem | None:
    return vaccination_item(child_id, birth, area, given, today, version, hbig)[0]


def vaccination_item(child_id: str, birth: date, area: str, given: list[vacc.GivenDose],
                     today: date, version: vacc.ScheduleVersion, hbig: bool,
                     near_days: int = 0) -> tuple[WorkItem | None, date | None]:
    """The child's vaccination item on *today* (None: no dose to list) and the first later
    day on which it may be another (vaccines.next_change; None: never). *near_days*: the
    caller also shows the item that many days before its window opens."""
    statuses = vacc.dose_statuses(birth, given, today, version)
    after = vacc.next_change(birth, statuses, today, version,
                             ahead=(VACCINE_HORIZON_DAYS, near_days))
    return _item_of(child_id, birth, area, statuses, today, hbig), after


def _item_of(child_id: str, birth: date, area: str, statuses: list[vacc.DoseStatus],
             today: date, hbig: bool) -> WorkItem | None:
    horizon = today + timedelta(days=VACCINE_HORIZON_DAYS)
    doses = [s for s in statuses
             if s.status in (vacc.DUE, vacc.OVERDUE)
             or (s.status == vacc.UPCOMING and s.planned_on is not None
                 and s.planned_on <= horizon)]
    if not doses:
        return None
    # The item is as late as its latest-running dose: overdue once any dose is.
    due_from = min(s.earliest for s in doses)
    due_by = min(s.due_by for s in doses)
    urgent = hbig and any(s.vaccine == "HepB" and s.dose == 1 for s in doses)
    return WorkItem(
        person_id=child_id, kind=VACCINATION_KIND, due_from=due_from,
        due_by=max(due_by, due_from), area_code=area, urgent=urgent,
        ref_id=child_id,
        details={"doses": [{"vaccine": s.vaccine, "dose": s.dose, "status": s.status,
                            "planned_on": s.planned_on.isoformat() if s.planned_on else None}
                           for s in doses],
                 "birth_date": birth.isoformat()})


# Registered where the worklist service looks for providers (PROVIDER_MODULES names this
# module); imported last so the registry sees the finished function.
from desktop.services.worklist import register_provider  # noqa: E402

register_provider(child_items)
