"""The report's reads of a pregnancy's events (desktop.store.repositories.report_data) on a
real store: a visit that a live correction replaces is left out, a deleted correction
replaces nothing, and each pregnancy's prenatal visits come in date order."""

from __future__ import annotations

from desktop.store.repositories import report_data as data


def test_corrected_visits_are_left_out(made) -> None:
    conn = made.store.conn
    with made.store.transaction(made.admin.id) as tx:
        def visit(table: str, preg: str, day: str, **more: object) -> str:
            fields = {"person_id": "w", "pregnancy_id": preg, "visit_date": day, **more}
            return tx.save(table, fields)["id"]

        visit("prenatal_visits", "p1", "2025-05-01")
        wrong = visit("prenatal_visits", "p1", "2025-03-01")
        visit("prenatal_visits", "p1", "2025-03-02", supersedes=wrong)
        visit("prenatal_visits", "p2", "2025-04-01")
        visit("prenatal_visits", "other", "2025-04-01")
        slip = visit("postpartum_visits", "p1", "2025-06-01", kind="postpartum_7d")
        visit("postpartum_visits", "p1", "2025-06-03", kind="postpartum_7d", supersedes=slip)
        kept = visit("postpartum_visits", "p2", "2025-06-10", kind="postpartum_42d")
        undone = visit("postpartum_visits", "p2", "2025-06-11", kind="postpartum_42d",
                       supersedes=kept)
    conn.execute("UPDATE postpartum_visits SET deleted = 1 WHERE id = ?", (undone,))
    assert data.prenatal_visits(conn, ["p1", "p2"]) == [
        ("p1", "2025-03-02"), ("p1", "2025-05-01"), ("p2", "2025-04-01")]
    assert sorted(data.postpartum_visits(conn, ["p1", "p2"])) == [
        ("p1", "postpartum_7d", "2025-06-03"), ("p2", "postpartum_42d", "2025-06-10")]


def test_days_of_checks_and_first_doses_pack_what_the_rows_give(made) -> None:
    """child_visit_days packs each day's checks in child_visits' order with their codes;
    dose_days gives each dose's children day by day; both leave corrected events out."""
    from datetime import date

    conn = made.store.conn
    with made.store.transaction(made.admin.id) as tx:
        def check(person: str, day: str, kind: str = "3m", **more: object) -> str:
            fields = {"person_id": person, "kind": kind, "visit_date": day, **more}
            return tx.save("child_visits", fields)["id"]

        check("k1", "2025-02-01", waz=-2.5, lhaz=-1.0, hb_g_l=100.0, age_days=100,
              feeding="exclusive_breastfeeding")
        check("k2", "2025-02-01", "birth", waz=-3.0)
        check("k5", "2025-02-01", "birth", weight_kg=3.1)  # never scored: not 'u'
        check("k3", "2025-02-01", "newborn", waz=0.5, wlhz=-2.1, age_days=200,
              feeding="exclusive_breastfeeding")
        wrong = check("k1", "2025-03-01", waz=1.0)
        check("k1", "2025-03-02", waz=-2.2, supersedes=wrong)
        check("k4", "2025-03-02", weight_kg=7.5)
        for person, vaccine, dose, day in (("k1", "BCG", 1, "2025-01-05"),
                                           ("k1", "BCG", 1, "2025-01-02"),
                                           ("k2", "HepB", 2, "2025-02-01")):
            tx.save("vaccinations", {"person_id": person, "vaccine": vaccine, "dose": dose,
                                     "given_on": day})
        slip = tx.save("vaccinations", {"person_id": "k3", "vaccine": "BCG", "dose": 1,
                                        "given_on": "2025-01-01"})["id"]
        tx.save("vaccinations", {"person_id": "k3", "vaccine": "BCG", "dose": 1,
                                 "given_on": "2025-01-09", "supersedes": slip})
    first, last = date(2025, 1, 1), date(2025, 12, 31)
    days = data.child_visit_days(conn, first, last, -2.0, 110.0, "exclusive_breastfeeding",
                                 183)
    rows = data.child_visits(conn, first, last)
    # Per check: kind, waz, lhaz, wlhz, hb, feeding, unscored (k1's 1 March check is
    # replaced by its correction of 2 March).
    codes = {("k1", "2025-02-01"): "-10-11-", ("k2", "2025-02-01"): "b------",
             ("k3", "2025-02-01"): "n0-1---", ("k5", "2025-02-01"): "b------",
             ("k1", "2025-03-02"): "-1-----",
             ("k4", "2025-03-02"): "------u"}
    want = []
    for day in ("2025-02-01", "2025-03-02"):
        mine = [r[0] for r in rows if r[1] == day]
        texts = ["".join(codes[(p, day)][k] for p in mine) for k in range(7)]
        want.append((day, ",".join(mine), *texts))
    assert days == want
    assert [p for _day, ids, *_codes in days for p in ids.split(",")] == [r[0] for r in rows]
    # Each dose's ids day by day, the latest day first, with the count of each day; k3's
    # dose of 1 January is replaced by its correction of 9 January.
    assert data.dose_days(conn, [("BCG", 1), ("HepB", 2), ("MMR", 1)], first, last) == [
        ("k3,k1,k1", "2025-01-09 1;2025-01-05 1;2025-01-02 1"), ("k2", "2025-02-01 1"),
        (None, None)]
