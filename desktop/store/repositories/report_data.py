"""What the indicator reports read (issue 8): a handful of big queries per report, never
one query per person.

Each function returns plain tuples in a documented column order; desktop.services.reports
turns them into the domain's records. Rows are live (not tombstoned); events that a later
correction supersedes are left out (design §5). Area codes filter by prefix: a township
(9 digits) takes its villages. The covering indexes of migration 0006 keep these reads on
compact index pages.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date
from operator import itemgetter

import sqlcipher3

CHILD_DEATHS = ("neonatal_death", "child_death")
MATERNAL_DEATHS = ("maternal_death",)


def _area(area: str | None) -> tuple[str, list[str]]:
    if not area:
        return "", []
    return " AND {col} LIKE ? ", [area.replace("%", "").replace("_", "") + "%"]


def _superseded(conn: sqlcipher3.Connection, table: str) -> set[str]:
    """Ids of *table*'s events replaced by a live correction (a partial index: tiny)."""
    return {r[0] for r in conn.execute(
        f"SELECT supersedes FROM {table} WHERE supersedes IS NOT NULL AND deleted = 0")}


def deliveries(conn: sqlcipher3.Connection, first: date, last: date, area: str | None
               ) -> list[tuple]:
    """Deliveries dated *first*..*last* of women of *area*: (person_id, pregnancy_id,
    delivery_date, place_level, outcome, babies, discharge_date, woman's area_code,
    registered_ga_days, risk_colours JSON, woman's status). One row per pregnancy (the
    latest live record when a delivery was corrected)."""
    where, params = _area(area)
    rows = conn.execute(
        "SELECT d.id, d.person_id, d.pregnancy_id, d.delivery_date, d.place_level, d.outcome,"
        " d.babies, d.discharge_date, w.area_code, p.registered_ga_days, p.risk_colours,"
        " w.status, d.rev FROM deliveries d JOIN persons w ON w.id = d.person_id"
        " JOIN pregnancies p ON p.id = d.pregnancy_id"
        " WHERE d.deleted = 0 AND d.delivery_date BETWEEN ? AND ? AND p.deleted = 0"
        " AND w.deleted = 0" + where.format(col="w.area_code"),
        [first.isoformat(), last.isoformat(), *params]).fetchall()
    gone = _superseded(conn, "deliveries") if rows else set()
    latest: dict[str, tuple] = {}
    for r in rows:
        if r[0] in gone:
            continue
        if r[2] not in latest or r[12] > latest[r[2]][12]:
            latest[r[2]] = r
    return [r[1:12] for r in latest.values()]


def _for_pregnancies(conn: sqlcipher3.Connection, sql: str, pregnancy_ids: list[str]
                     ) -> list[tuple]:
    """*sql* with {ids} standing for the pregnancies given: one query whatever their number
    (a JSON list, not one parameter each)."""
    return conn.execute(sql.format(ids="SELECT value FROM json_each(?1)"),
                        (json.dumps(pregnancy_ids),)).fetchall()


def _live_rows(rows: list[tuple]) -> list[tuple]:
    """*rows* ending in (id, supersedes) without the rows a live correction among them
    replaces, and without those two values. The correction of an event is an event of the
    same pregnancy, so it is among the rows read: found here, not by a second pass over
    the pregnancies' events in SQL."""
    gone = set(map(itemgetter(-1), rows))
    gone.discard(None)
    if gone:  # rare: the rows are otherwise only cut, without Python per row
        rows = [r for r in rows if r[-2] not in gone]
    return list(map(itemgetter(*range(len(rows[0]) - 2)), rows)) if rows else []


def prenatal_visits(conn: sqlcipher3.Connection, pregnancy_ids: list[str]) -> list[tuple]:
    """(pregnancy_id, visit_date) of the live prenatal visits of these pregnancies, each
    pregnancy's in date order."""
    return _live_rows(_for_pregnancies(
        conn, "SELECT pregnancy_id, visit_date, id, supersedes FROM prenatal_visits WHERE"
        " deleted = 0 AND pregnancy_id IN ({ids}) ORDER BY pregnancy_id, visit_date",
        pregnancy_ids))


def postpartum_visits(conn: sqlcipher3.Connection, pregnancy_ids: list[str]) -> list[tuple]:
    """(pregnancy_id, kind, visit_date) of the live postpartum visits and 42-day checks."""
    return _live_rows(_for_pregnancies(
        conn, "SELECT pregnancy_id, kind, visit_date, id, supersedes FROM postpartum_visits"
        " WHERE deleted = 0 AND pregnancy_id IN ({ids})", pregnancy_ids))


def assessment_colours(conn: sqlcipher3.Connection, pregnancy_ids: list[str]) -> list[tuple]:
    """(pregnancy_id, colours JSON) of every risk assessment of these pregnancies."""
    return _for_pregnancies(conn, "SELECT pregnancy_id, colours FROM risk_assessments WHERE"
                            " deleted = 0 AND pregnancy_id IN ({ids})", pregnancy_ids)


def cases(conn: sqlcipher3.Connection, pregnancy_ids: list[str]) -> list[tuple]:
    """(pregnancy_id, status, follow-ups recorded, outcome, closed_on) of their cases."""
    return _for_pregnancies(
        conn, "SELECT c.pregnancy_id, c.status, (SELECT count(*) FROM case_followups f"
        " WHERE f.case_id = c.id AND f.deleted = 0), c.outcome, c.closed_on FROM cases c"
        " WHERE c.deleted = 0 AND c.pregnancy_id IN ({ids})", pregnancy_ids)


def live_births(conn: sqlcipher3.Connection, first: date, last: date) -> dict[tuple, int]:
    """{(mother_id, birth date): children} for children born *first*..*last*."""
    return {(m, b): n for m, b, n in conn.execute(
        "SELECT mother_id, birth_date, count(*) FROM persons WHERE kind = 'child'"
        " AND birth_date BETWEEN ? AND ? AND deleted = 0 AND mother_id IS NOT NULL"
        " GROUP BY mother_id, birth_date", (first.isoformat(), last.isoformat()))}


def moved_away(conn: sqlcipher3.Connection) -> dict[str, str]:
    """{person_id: first date recorded as moved away} (worklist marks and cases closed
    with outcome moved_away)."""
    out: dict[str, str] = {}
    for person, day in conn.execute(
            "SELECT person_id, min(recorded_on) FROM worklist_outcomes WHERE deleted = 0"
            " AND outcome = 'moved_away' GROUP BY person_id"):
        out[person] = day
    for person, day in conn.execute(
            "SELECT person_id, min(closed_on) FROM cases WHERE deleted = 0"
            " AND outcome = 'moved_away' AND closed_on IS NOT NULL GROUP BY person_id"):
        if person not in out or day < out[person]:
            out[person] = day
    return out


def deaths(conn: sqlcipher3.Connection, kinds: Iterable[str]) -> dict[str, str]:
    """{person_id: date of death} from the death case reports of *kinds*."""
    kinds = list(kinds)
    return dict(conn.execute(
        "SELECT person_id, min(event_date) FROM case_reports WHERE deleted = 0 AND kind IN"
        f" ({','.join('?' * len(kinds))}) GROUP BY person_id", kinds).fetchall())


def children(conn: sqlcipher3.Connection, born_from: date, born_to: date, area: str | None
             ) -> list[tuple]:
    """Children born *born_from*..*born_to* in *area*: (id, area_code, sex, birth_date,
    status)."""
    where, params = _area(area)
    return conn.execute(
        "SELECT id, area_code, sex, birth_date, status FROM persons WHERE kind = 'child'"
        " AND birth_date BETWEEN ? AND ? AND deleted = 0" + where.format(col="area_code"),
        [born_from.isoformat(), born_to.isoformat(), *params]).fetchall()


def _live(table: str) -> str:
    """A condition leaving out *table*'s events that a live correction replaces, in rowids
    (every index holds them, so a covering read stays on its index)."""
    return (f" AND rowid NOT IN (SELECT rowid FROM {table} WHERE id IN (SELECT supersedes"
            f" FROM {table} WHERE supersedes IS NOT NULL AND deleted = 0))")


def child_visits(conn: sqlcipher3.Connection, first: date, last: date) -> list[tuple]:
    """Child contacts dated *first*..*last* (every child; the caller keeps its own), oldest
    first, corrections applied: (person_id, visit_date, kind, age_days or 0, waz, lhaz,
    wlhz, hb_g_l, feeding, rowid). The rowid is only given for a row without z-scores but
    with a weight or length (to be scored by the caller, its measures read by
    child_measures), None otherwise: most rows carry their scores, and every value a row
    returns is an object to make."""
    return conn.execute(
        "SELECT person_id, visit_date, kind, coalesce(age_days, 0), waz, lhaz, wlhz, hb_g_l,"
        " feeding, CASE WHEN waz IS NULL AND lhaz IS NULL AND wlhz IS NULL AND (weight_kg OR"
        " length_cm) THEN rowid END FROM child_visits INDEXED BY report_child_visits"
        " WHERE visit_date BETWEEN ? AND ? AND deleted = 0" + _live("child_visits")
        + " ORDER BY visit_date", (first.isoformat(), last.isoformat())).fetchall()


def child_measures(conn: sqlcipher3.Connection, rowids: list[int]) -> dict[int, tuple]:
    """{rowid: (weight_kg, length_cm, lying, age_days)} of these child contacts."""
    return {r[0]: r[1:] for r in conn.execute(
        "SELECT rowid, weight_kg, length_cm, lying, age_days FROM child_visits WHERE rowid IN"
        " (SELECT value FROM json_each(?))", (json.dumps(rowids),))}


def vaccinations(conn: sqlcipher3.Connection, first: date, last: date) -> list[tuple]:
    """Doses given *first*..*last*, the latest first: ("vaccine dose", person_id,
    given_on), corrections applied. Vaccine and dose come as one text: a value fewer to
    make per row, and the key the caller files the row under."""
    return conn.execute(
        "SELECT vaccine || ' ' || dose, person_id, given_on FROM vaccinations"
        " INDEXED BY report_vaccinations WHERE given_on BETWEEN ? AND ? AND deleted = 0"
        + _live("vaccinations") + " ORDER BY given_on DESC",
        (first.isoformat(), last.isoformat())).fetchall()


def persons_brief(conn: sqlcipher3.Connection, ids: list[str]) -> list[tuple]:
    """(id, kind, name_zh, name_mn, sex, birth_date, area_code, phone, status) of *ids*, in
    the order given (missing ids are skipped). A list, not a record open: not audited."""
    found: dict[str, tuple] = {}
    for lo in range(0, len(ids), 900):
        chunk = ids[lo:lo + 900]
        for r in conn.execute(
                "SELECT id, kind, name_zh, name_mn, sex, birth_date, area_code, phone, status"
                f" FROM persons WHERE id IN ({','.join('?' * len(chunk))})", chunk):
            found[r[0]] = r
    return [found[i] for i in dict.fromkeys(ids) if i in found]
