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
    return [r[1:12] for r in _latest_deliveries(conn, rows, 12)]


def _latest_deliveries(conn: sqlcipher3.Connection, rows: list[tuple], rev: int
                       ) -> Iterable[tuple]:
    """Rows starting (id, person_id, pregnancy_id) with the delivery's rev at *rev*: one
    per pregnancy (the latest live record when a delivery was corrected), in the order
    each pregnancy first came."""
    gone = _superseded(conn, "deliveries") if rows else set()
    latest: dict[str, tuple] = {}
    for r in rows:
        if r[0] in gone:
            continue
        if r[2] not in latest or r[rev] > latest[r[2]][rev]:
            latest[r[2]] = r
    return latest.values()


COLOURS_SEP = "\x1f"
"""Between the colours texts of a pregnancy's risk assessments in delivery_facts."""


def delivery_facts(conn: sqlcipher3.Connection, first: date, last: date, area: str | None,
                   postpartum_days: int, check_42d: str, managed: Iterable[str]
                   ) -> list[tuple]:
    """deliveries() with what the maternal indicators ask of each pregnancy's events
    worked out here, instead of the events themselves: (person_id, pregnancy_id,
    delivery_date, place_level, outcome, babies, discharge_date, woman's area_code,
    registered_ga_days, risk_colours JSON, prenatal, postpartum, the colours texts of its
    risk assessments joined by COLOURS_SEP or None, a case of a *managed* status or with a
    follow-up 0/1). *prenatal*: the prenatal visits on or before the delivery date, plus
    CORRECTED if a live visit of the pregnancy corrects another; *postpartum*: 1 for a
    visit other than *check_42d* from the delivery to *postpartum_days* after the
    discharge (the delivery when none), plus 2 for a *check_42d* visit, plus CORRECTED if
    a live visit corrects another. A pregnancy with corrections is to be read again with
    prenatal_visits and postpartum_visits (which leave the corrected visits out): the
    counts here count them (rare; one index range per pregnancy and table, no lookup of
    corrections per visit)."""
    where, params = _area(area)
    # One JSON text for all the rows: SQLite builds it without the GIL, and a report reads
    # this in a worker thread while another thread files the children (a row at a time,
    # each row would wait for the GIL). The deliveries are walked in pregnancy order, so
    # the look-ups of each pregnancy's events go along their indexes instead of jumping
    # (a quarter less time), and handed back in the order of the report_deliveries_cover
    # index, as deliveries() reads them.
    text = conn.execute(
        "WITH d AS MATERIALIZED (SELECT id, person_id, pregnancy_id, delivery_date,"
        " place_level, outcome, babies, discharge_date, rev FROM deliveries INDEXED BY"
        " report_deliveries_cover WHERE deleted = 0 AND delivery_date BETWEEN :first AND"
        " :last ORDER BY pregnancy_id)"
        " SELECT json_group_array(json_array(d.id, d.person_id, d.pregnancy_id,"
        " d.delivery_date, d.place_level, d.outcome, d.babies, d.discharge_date, w.area_code,"
        " p.registered_ga_days, p.risk_colours,"
        " (SELECT coalesce(sum(x.visit_date <= d.delivery_date), 0)"
        " + :corrected * count(x.supersedes) FROM prenatal_visits x INDEXED BY report_prenatal"
        " WHERE x.pregnancy_id = d.pregnancy_id AND x.deleted = 0),"
        " (SELECT coalesce(max(x.kind IS NOT :k42 AND coalesce(x.visit_date BETWEEN"
        " d.delivery_date AND date(coalesce(nullif(d.discharge_date, ''), d.delivery_date),"
        " :days), 0)), 0) + 2 * coalesce(max(coalesce(x.kind = :k42, 0)), 0)"
        " + :corrected * count(x.supersedes) FROM postpartum_visits x INDEXED BY"
        " report_postpartum WHERE x.pregnancy_id = d.pregnancy_id AND x.deleted = 0),"
        " (SELECT group_concat(r.colours, :sep) FROM risk_assessments r INDEXED BY"
        " report_risk_colours WHERE r.pregnancy_id = d.pregnancy_id AND r.deleted = 0),"
        " d.rev) ORDER BY d.delivery_date, d.person_id, d.pregnancy_id, d.place_level,"
        " d.outcome, d.babies, d.discharge_date, d.rev, d.id)"
        " FROM d JOIN persons w ON w.id = d.person_id"
        " JOIN pregnancies p ON p.id = d.pregnancy_id"
        " WHERE p.deleted = 0 AND w.deleted = 0"
        + where.format(col="w.area_code").replace("?", ":area"),
        {"first": first.isoformat(), "last": last.isoformat(), "k42": check_42d,
         "days": f"+{int(postpartum_days)} days", "sep": COLOURS_SEP, "corrected": CORRECTED,
         "area": params[0] if params else None}).fetchone()[0]
    # The managed pregnancies are few: found once, not looked up per delivery.
    cared = managed_pregnancies(conn, managed)
    rows = [(*r[:14], int(r[2] in cared), r[14]) for r in json.loads(text)]
    return [r[1:15] for r in _latest_deliveries(conn, rows, 15)]


def managed_pregnancies(conn: sqlcipher3.Connection, managed: Iterable[str]) -> set[str]:
    """The pregnancies with a live case of a *managed* status or with a follow-up."""
    return set(json.loads(conn.execute(
        "SELECT json_group_array(pregnancy_id) FROM cases c WHERE c.deleted = 0"
        " AND (c.status IN (SELECT value FROM json_each(?)) OR EXISTS (SELECT 1 FROM"
        " case_followups f WHERE f.case_id = c.id AND f.deleted = 0))",
        (json.dumps(sorted(managed)),)).fetchone()[0]))


CORRECTED = 1 << 16
"""Added to delivery_facts' counts of a pregnancy with a corrected visit."""


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
    text = conn.execute(
        "SELECT json_group_array(json_array(mother_id, birth_date, n)) FROM (SELECT"
        " mother_id, birth_date, count(*) AS n FROM persons WHERE kind = 'child'"
        " AND birth_date BETWEEN ? AND ? AND deleted = 0 AND mother_id IS NOT NULL"
        " GROUP BY mother_id, birth_date)", (first.isoformat(), last.isoformat())
        ).fetchone()[0]
    return {(m, b): n for m, b, n in json.loads(text)}  # one text: see delivery_facts


def moved_away(conn: sqlcipher3.Connection) -> dict[str, str]:
    """{person_id: first date recorded as moved away} (worklist marks and cases closed
    with outcome moved_away)."""
    marks, cases = conn.execute(  # one row: see delivery_facts
        "SELECT (SELECT json_group_array(json_array(person_id, day)) FROM (SELECT person_id,"
        " min(recorded_on) AS day FROM worklist_outcomes WHERE deleted = 0"
        " AND outcome = 'moved_away' GROUP BY person_id)),"
        " (SELECT json_group_array(json_array(person_id, day)) FROM (SELECT person_id,"
        " min(closed_on) AS day FROM cases WHERE deleted = 0 AND outcome = 'moved_away'"
        " AND closed_on IS NOT NULL GROUP BY person_id))").fetchone()
    out: dict[str, str] = dict(map(tuple, json.loads(marks)))
    for person, day in json.loads(cases):
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


# --- the report's columns: a few rows of text per day, not a row per event --------------
#
# A year of a township is some 250,000 events; each value a row returns is a Python object
# to make (most of a report's time went there). These reads let SQLite walk its covering
# indexes in their own order and hand back one row per day (or birth date) whose events
# are packed into texts: the ids joined by commas and, per fact, one character per event
# in the same order. The caller splits them (str.split, zip, dict.update: no Python code
# per event). Ids are UUIDs and area codes digits, so a comma never occurs in them.


def children_by_birth(conn: sqlcipher3.Connection, born_from: date, born_to: date,
                      area: str | None) -> list[tuple]:
    """Children born *born_from*..*born_to* in *area*, one row per birth date in date
    order: (birth_date, ids, area codes ('' for none), ids of those marked dead or None),
    each list comma-joined, the children of a day in the order of the report_children
    index (as children() gives them)."""
    where, params = _area(area)
    return conn.execute(
        "SELECT birth_date, group_concat(id), group_concat(coalesce(area_code, '')),"
        " group_concat(CASE WHEN status = 'dead' THEN id END)"
        " FROM persons INDEXED BY report_children WHERE kind = 'child'"
        " AND birth_date BETWEEN ? AND ? AND deleted = 0" + where.format(col="area_code")
        + " GROUP BY birth_date ORDER BY birth_date",
        [born_from.isoformat(), born_to.isoformat(), *params]).fetchall()


def _code(value: str, below: str) -> str:
    """One character per contact: '-' for the birth record or without the value, '1' when
    *below* holds, else '0'."""
    return (f"CASE WHEN kind = 'birth' OR {value} IS NULL THEN '-' WHEN {below} THEN '1'"
            " ELSE '0' END")


def child_visit_days(conn: sqlcipher3.Connection, first: date, last: date, z_cut: float,
                     hb_below: float, feeding: str, feeding_days: int) -> list[tuple]:
    """Child contacts dated *first*..*last* (every child), corrections applied, one row per
    day in date order: (visit_date, person ids, kinds, waz, lhaz, wlhz, hb, feeding,
    unscored). The ids are comma-joined in the order of the report_child_visits index
    (child_visits' order: a day's rows come straight from the index, no sort between);
    each other value has one character per contact in that order: kinds 'b' (the birth
    record), 'n' (newborn visit) or '-'; the z-scores '1' below *z_cut*, '0' not, '-' none
    or the birth record; hb '1' below *hb_below*; feeding '1' for *feeding*, '0' another,
    '-' none, the birth record or the child *feeding_days* days old or more; unscored 'u'
    for a contact with a weight or length but no z-score (to be scored by the caller; the
    birth record is never scored), else '-'."""
    codes = (
        "CASE kind WHEN 'birth' THEN 'b' WHEN 'newborn' THEN 'n' ELSE '-' END",
        _code("waz", "waz < :cut"), _code("lhaz", "lhaz < :cut"), _code("wlhz", "wlhz < :cut"),
        _code("hb_g_l", "hb_g_l < :hb"),
        "CASE WHEN kind = 'birth' OR feeding IS NULL OR coalesce(age_days, 0) >= :days"
        " THEN '-'"
        " WHEN feeding = :feeding THEN '1' ELSE '0' END",
        "CASE WHEN kind != 'birth' AND waz IS NULL AND lhaz IS NULL AND wlhz IS NULL"
        " AND (weight_kg OR length_cm) THEN 'u' ELSE '-' END")
    return conn.execute(
        "SELECT visit_date, group_concat(person_id), "
        + ", ".join(f"group_concat({c}, '')" for c in codes)
        + " FROM child_visits INDEXED BY report_child_visits WHERE visit_date BETWEEN :first"
        " AND :last AND deleted = 0" + _live("child_visits")
        + " GROUP BY visit_date ORDER BY visit_date",
        {"first": first.isoformat(), "last": last.isoformat(), "cut": z_cut, "hb": hb_below,
         "feeding": feeding, "days": feeding_days}).fetchall()


def child_visits_of(conn: sqlcipher3.Connection, person_ids: list[str], first: date,
                    last: date) -> list[tuple]:
    """child_visits() of these children only, in the same order and columns."""
    return conn.execute(
        "SELECT person_id, visit_date, kind, coalesce(age_days, 0), waz, lhaz, wlhz, hb_g_l,"
        " feeding, CASE WHEN waz IS NULL AND lhaz IS NULL AND wlhz IS NULL AND (weight_kg OR"
        " length_cm) THEN rowid END FROM child_visits WHERE person_id IN (SELECT value FROM"
        " json_each(?)) AND visit_date BETWEEN ? AND ? AND deleted = 0" + _live("child_visits")
        + " ORDER BY visit_date, person_id, kind, age_days, weight_kg, length_cm, lying,"
        " hb_g_l, feeding, waz, lhaz, wlhz, rowid",
        (json.dumps(person_ids), first.isoformat(), last.isoformat())).fetchall()


def sexes(conn: sqlcipher3.Connection, person_ids: list[str]) -> dict[str, str | None]:
    """{id: sex} of these persons."""
    return dict(conn.execute("SELECT id, sex FROM persons WHERE id IN (SELECT value FROM"
                             " json_each(?))", (json.dumps(person_ids),)).fetchall())


def dose_days(conn: sqlcipher3.Connection, doses: Iterable[tuple[str, int]], first: date,
              last: date) -> list[tuple[str | None, str | None]]:
    """For each of these doses, its doses given *first*..*last*, corrections applied, as
    two texts: the children's ids comma-joined, day by day (the latest day first), and
    the days with the number of ids of each, "day n;day n;..." (None, None: none). Each
    dose is one range of the report_doses index; all of them are the columns of one row:
    a report reads this in a worker thread, which would wait for the GIL after each row,
    and hands the ids text on to numpy as it comes."""
    doses = list(doses)
    if not doses:
        return []
    # The corrected doses, found once for all the ranges (usually none).
    gone = [r[0] for r in conn.execute(
        "SELECT rowid FROM vaccinations WHERE id IN (SELECT supersedes FROM vaccinations"
        " WHERE supersedes IS NOT NULL AND deleted = 0)")]
    days = ("FROM (SELECT given_on, group_concat(person_id) AS ids, count(*) AS n"
            " FROM vaccinations INDEXED BY report_doses WHERE vaccine = ? AND dose = ?"
            " AND given_on BETWEEN ? AND ? AND deleted = 0"
            + (" AND rowid NOT IN (SELECT value FROM json_each(?))" if gone else "")
            + " GROUP BY given_on ORDER BY given_on DESC)")
    # Both texts from one pass over the range, split where they meet.
    pair = f"(SELECT group_concat(ids) || '|' || group_concat(given_on || ' ' || n, ';') {days})"
    more = (json.dumps(gone),) if gone else ()
    params = [v for vaccine, dose in doses
              for v in (vaccine, dose, first.isoformat(), last.isoformat(), *more)]
    row = conn.execute("SELECT " + ", ".join([pair] * len(doses)), params).fetchone()
    out: list[tuple[str | None, str | None]] = []
    for text in row:
        ids, _bar, days = text.partition("|") if text else (None, "", None)
        out.append((ids, days))
    return out
