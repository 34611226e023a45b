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
