"""The report as computed (reports.compute: records read column by column, every row judged
at once by indicator_batch) against a straightforward reference on a demo township: the
child records read row by row with plain queries, and each indicator evaluated alone by its
rule (indicators.evaluate). Every figure must be equal: numerator, denominator, the ids
behind them in their order, and each village's. On top of the demo: a child's death, a
child who moved away, a child marked dead without a report, a corrected dose and a corrected
check."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

import pytest

from desktop.domain import indicators as ind
from desktop.domain.child_schedule import add_months
from desktop.services import reports
from desktop.services.demo import create_demo
from desktop.services.session import Session
from desktop.store.connection import one_snapshot
from desktop.store.database import Store
from desktop.store.keys import KdfParams
from desktop.store.repositories import report_data as data

TODAY = date(2026, 3, 15)
PASSWORD = "demo-pass-8"
PERIODS = [ind.Period.year(2025), ind.Period.parse("2025-10..2026-02"), ind.Period.month(2025, 7)]


def _on_time_doses(conn):
    """(dose id, child, vaccine, dose, given_on) of doses given in 2025 within a month of
    their age in 2025, for a dose row of the 2025 report."""
    rows = {(i.params["vaccine"], i.params["dose"]): i.params["months"]
            for i in ind.indicators(date(2025, 12, 31)) if i.group == ind.VACCINATION}
    out = []
    for vid, pid, vaccine, dose, given, birth in conn.execute(
            "SELECT v.id, v.person_id, v.vaccine, v.dose, v.given_on, p.birth_date FROM"
            " vaccinations v JOIN persons p ON p.id = v.person_id WHERE v.given_on BETWEEN"
            " '2025-03-01' AND '2025-10-31' ORDER BY v.given_on, v.id"):
        if (vaccine, dose) in rows:
            due = add_months(date.fromisoformat(birth), rows[(vaccine, dose)])
            if due.year == 2025 and abs((date.fromisoformat(given) - due).days) < 20:
                out.append((vid, pid, vaccine, dose, given))
    return out


@pytest.fixture(scope="module")
def township(tmp_path_factory):
    path = tmp_path_factory.mktemp("report") / "demo"
    create_demo(path, persons=700, password=PASSWORD, today=TODAY, kdf=KdfParams.floor())
    store, admin = Store.unlock(path, "admin", PASSWORD)
    conn = store.conn
    s = Session(store, admin)
    doses = _on_time_doses(conn)
    children = list(dict.fromkeys(d[1] for d in doses))
    assert len(children) >= 5
    dead, moved, unreported, corrected, twice = children[:5]
    s.report_child_death(dead, {"death_date": "2025-06-01", "cause": "肺炎"},
                         today=date(2025, 6, 2))
    fix = next(d for d in doses if d[1] == corrected)
    again = next(d for d in doses if d[1] == twice)
    # A child's only check of 2025, measured: corrected to a day of 2026 below.
    visit = conn.execute(
        "SELECT max(id), person_id, kind, age_days FROM child_visits WHERE visit_date"
        " BETWEEN '2025-01-01' AND '2025-12-31' AND kind != 'birth' AND deleted = 0"
        " AND waz IS NOT NULL GROUP BY person_id HAVING count(*) = 1 ORDER BY person_id"
        ).fetchone()
    with store.transaction(admin.id) as tx:
        tx.save("worklist_outcomes", {"person_id": moved, "item": "child:x",
                                      "outcome": "moved_away", "reason": "搬走了",
                                      "recorded_on": "2025-08-01"})
        tx.save("persons", {"status": "dead"}, id=unreported)
        # A dose corrected to a day after the year: the year's report no longer counts it.
        tx.save("vaccinations", {"person_id": corrected, "vaccine": fix[2], "dose": fix[3],
                                 "given_on": "2026-02-01", "supersedes": fix[0]})
        # The same dose given two months earlier too: the first one is too early to count.
        tx.save("vaccinations", {"person_id": twice, "vaccine": again[2], "dose": again[3],
                                 "given_on": (date.fromisoformat(again[4])
                                              - timedelta(days=60)).isoformat()})
        tx.save("child_visits", {"person_id": visit[1], "kind": visit[2],
                                 "visit_date": "2026-01-10", "age_days": visit[3] + 200,
                                 "weight_kg": 9.0, "waz": -1.0, "supersedes": visit[0]})
    yield store, {"corrected": (corrected, f"vacc_{fix[2]}_{fix[3]}"),
                  "twice": (twice, f"vacc_{again[2]}_{again[3]}"), "visit": visit[1]}
    store.close()


def _reference_children(conn, period: ind.Period, visits_from: date | None = None
                        ) -> ind.Children:
    """The children as the indicators' text describes them, one row at a time."""
    born_from = add_months(period.start, -ind.UNDER_7_MONTHS) - timedelta(days=3)
    first_visit = visits_from or min(period.start, add_months(period.end + timedelta(days=1),
                                                              -ind.LOOK_BACK_MONTHS))
    first_dose = period.start - timedelta(days=ind.EARLY_DOSE_TOLERANCE_DAYS)

    def replaced(table: str) -> set[str]:
        return {r[0] for r in conn.execute(f"SELECT supersedes FROM {table} WHERE"
                                           " supersedes IS NOT NULL AND deleted = 0")}

    checks: dict[str, list[ind.ChildCheck]] = defaultdict(list)
    gone = replaced("child_visits")
    # Oldest first; a child's checks of one day in the order of the report's index.
    for (vid, pid, day, kind, age, waz, lhaz, wlhz, hb, feeding) in conn.execute(
            "SELECT id, person_id, visit_date, kind, age_days, waz, lhaz, wlhz, hb_g_l,"
            " feeding FROM child_visits WHERE deleted = 0 AND visit_date BETWEEN ? AND ?"
            " ORDER BY visit_date, person_id, kind, age_days, weight_kg, length_cm, lying,"
            " hb_g_l, feeding, waz, lhaz, wlhz, rowid",
            (first_visit.isoformat(), period.end.isoformat())):
        if vid not in gone:
            assert waz is not None or lhaz is not None or wlhz is not None or kind == "birth"
            checks[pid].append(ind.ChildCheck(date.fromisoformat(day), kind, age or 0, waz,
                                              lhaz, wlhz, hb, feeding))
    doses: dict[str, list[tuple[str, int, date]]] = defaultdict(list)
    gone = replaced("vaccinations")
    for vid, pid, vaccine, dose, given in conn.execute(
            "SELECT id, person_id, vaccine, dose, given_on FROM vaccinations WHERE"
            " deleted = 0 AND given_on BETWEEN ? AND ?",
            (first_dose.isoformat(), period.end.isoformat())):
        if vid not in gone:
            doses[pid].append((vaccine, dose, date.fromisoformat(given)))
    moved = data.moved_away(conn)
    died = data.deaths(conn, data.CHILD_DEATHS)
    records = []
    for pid, area, sex, birth, status in conn.execute(
            "SELECT id, area_code, sex, birth_date, status FROM persons WHERE kind = 'child'"
            " AND deleted = 0 AND birth_date BETWEEN ? AND ?",
            (born_from.isoformat(), period.end.isoformat())):
        death = died.get(pid) or (birth if status == "dead" else None)
        records.append(ind.ChildRecord(
            pid, area, sex, date.fromisoformat(birth), tuple(checks[pid]), tuple(doses[pid]),
            date.fromisoformat(death) if death else None, None,
            date.fromisoformat(moved[pid]) if pid in moved else None))
    return ind.Children(records)


def _same_in_parallel(store, report, sides=reports.READERS):
    """The report read in worker threads on side connections (as the Reports page reads
    it) gives every figure and id as *report* (read on one connection)."""
    with one_snapshot(store.connect, 1 + sides) as (conn, *more):
        again = reports.compute(conn, report.period, report.area, sides=more)
    assert again.to_json(with_ids=True) == report.to_json(with_ids=True)


@pytest.mark.parametrize("period", PERIODS, ids=lambda p: p.label)
def test_the_report_gives_each_rule_evaluated_alone(township, period):
    conn = township[0].conn
    report = reports.compute(conn, period)
    for sides in (1, 2):
        _same_in_parallel(township[0], report, sides)
    episodes = reports.load_episodes(conn, period, None)
    kids = _reference_children(conn, period)
    assert report.counts == {"deliveries": len(episodes), "children": len(kids)}
    for row in report.rows:
        records = episodes if row.indicator.group == ind.MATERNAL else kids
        figure, villages = ind.evaluate(row.indicator, records, period)
        assert (row.figure, row.by_village) == (figure, villages), row.code
    if period == PERIODS[0]:  # a year of the demo reaches each kind of rule
        counted = {r.code for r in report.rows if r.figure.numerator}
        assert {"maternal_system_mgmt", "under7_health_mgmt", "underweight_u5",
                "vacc_MMR_1"} <= counted


def test_one_village_and_the_changes_on_top_of_the_demo(township):
    store, changed = township
    conn = store.conn
    period = PERIODS[0]
    village = conn.execute("SELECT area_code FROM persons WHERE kind = 'child'"
                           " GROUP BY area_code ORDER BY count(*) DESC").fetchone()[0]
    report = reports.compute(conn, period, village)
    _same_in_parallel(store, report)
    kids = ind.Children(c for c in _reference_children(conn, period)
                        if c.area_code == village)
    for row in report.rows:
        if row.indicator.group != ind.MATERNAL:
            assert (row.figure, row.by_village) == ind.evaluate(row.indicator, kids, period)
    assert set(report.villages) == {village}
    # The changes made on top of the demo are in what the report judges.
    everyone = reports.compute(conn, period)
    for child, code in (changed["corrected"], changed["twice"]):
        row = everyone.row(code).figure
        assert child in row.denominator_ids and child not in row.numerator_ids, code
    assert changed["visit"] not in everyone.row("underweight_u5").figure.denominator_ids
    records = reports.load_children(conn, period, None)
    assert sum(1 for c in records if c.died_on is not None) >= 2
    assert any(c.moved_out == date(2025, 8, 1) for c in records)


@pytest.mark.parametrize("code", ["vacc_DTaP_1", "under3_system_mgmt", "prenatal_5"])
def test_monthly_trend_gives_each_month_evaluated_alone(township, code):
    conn = township[0].conn
    period = PERIODS[0]
    indicator = next(i for i in ind.indicators(period.end) if i.code == code)
    if indicator.group == ind.MATERNAL:
        records = reports.load_episodes(conn, period, None)
    else:
        first = add_months(period.months()[0].end + timedelta(days=1),
                           -ind.LOOK_BACK_MONTHS)
        records = _reference_children(conn, period, visits_from=first)
    months = reports.trend(conn, period, code)
    assert [m for m, _f in months] == period.months()
    for month, figure in months:
        assert figure == ind.evaluate(indicator, records, month)[0], month.label
    assert sum(f.denominator for _m, f in months)


def test_a_stopped_parallel_report_leaves_no_reader_running(township):
    """Stopped by the user while the side connections read: ReportStoppedError, and the
    worker threads have ended when compute returns (their connections can be closed)."""
    import threading

    store = township[0]
    asked = []

    def cancelled() -> bool:
        asked.append(1)
        return len(asked) > 1  # after the reads were started

    with one_snapshot(store.connect, 1 + reports.READERS) as (conn, *more):
        with pytest.raises(reports.ReportStoppedError):
            reports.compute(conn, PERIODS[0], sides=more, cancelled=cancelled)
        assert not [t for t in threading.enumerate() if t.name.startswith("report-read")]
        assert conn.execute("SELECT count(*) FROM persons").fetchone()[0] > 0
