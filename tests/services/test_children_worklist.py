"""The child worklist provider and the urgent case reports, on a real store."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

from desktop.services import worklist_child
from desktop.services.child_errors import InvalidFormError
from desktop.services.session import Session

TODAY = date(2024, 9, 1)
VILLAGE, OTHER_VILLAGE = "150525100201", "150525100202"


@pytest.fixture
def session(made):
    return Session(made.store, made.admin)


def child(session: Session, birth: date, area: str = VILLAGE, **extra) -> str:
    return session.register_child({"sex": "F", "birth_date": birth.isoformat(),
                                   "area_code": area, **extra}, today=TODAY).ids[0]


def items(session: Session, areas=None, today: date = TODAY):
    return list(worklist_child.child_items(session.store.conn, today, areas))


def test_newborn_visit_due_then_gone_when_done(session: Session) -> None:
    baby = child(session, TODAY - timedelta(days=3), discharge_date=TODAY - timedelta(days=1))
    found = {i.kind: i for i in items(session) if i.person_id == baby}
    newborn = found["child_newborn"]
    assert (newborn.due_from, newborn.due_by) == (TODAY - timedelta(days=1),
                                                  TODAY + timedelta(days=6))
    assert newborn.status(TODAY) == "today" and newborn.area_code == VILLAGE
    assert "child_28d" not in found  # opens in 25 days: beyond the 14-day horizon
    vaccination = found["child_vaccination"]
    doses = {(d["vaccine"], d["dose"]): d["status"] for d in vaccination.details["doses"]}
    assert doses[("HepB", 1)] == "overdue" and doses[("BCG", 1)] == "due"
    assert vaccination.status(TODAY) == "overdue"

    session.record_newborn_visit(baby, {"visit_date": TODAY, "weight_kg": 3.4,
                                        "length_cm": 50.5, "vaccinations": [
                                            {"vaccine": "HepB", "dose": 1,
                                             "given_on": TODAY - timedelta(days=3)},
                                            {"vaccine": "BCG", "dose": 1}]}, today=TODAY)
    kinds = {i.kind for i in items(session) if i.person_id == baby}
    assert kinds == set()


def test_missed_check_overdue_until_the_next_one_opens(session: Session) -> None:
    kid = child(session, date(2024, 4, 20))  # 3 months on 20 Jul; window to 19 Aug
    overdue = [i for i in items(session) if i.kind == "child_3m"]
    assert len(overdue) == 1 and overdue[0].status(TODAY) == "overdue"
    assert overdue[0].days_overdue(TODAY) == 13
    # Once the 6-month window opens (13 Oct), the missed 3-month check leaves the list.
    later = {i.kind for i in items(session, today=date(2024, 10, 14)) if i.person_id == kid}
    assert "child_3m" not in later and "child_6m" in later


def test_special_management_and_hbig_items(session: Session) -> None:
    baby = child(session, TODAY - timedelta(days=12), birth_weight_kg=2.2,
                 mother_hbsag_positive=True)
    found = {i.kind: i for i in items(session) if i.person_id == baby}
    assert found["child_special_14d"].details["special_mgmt"] == ["lbw"]
    assert found["child_newborn"].urgent  # overdue, and the child is in special management
    assert found["child_vaccination"].urgent  # HepB 1 missing for an HBIG child


def test_areas_filter_and_old_or_dead_children_left_out(session: Session) -> None:
    here = child(session, date(2024, 4, 20))
    there = child(session, date(2024, 4, 20), OTHER_VILLAGE)
    with session.store.transaction(session.user.id) as tx:  # 7 years old: out of the programme
        tx.save("persons", {"kind": "child", "sex": "M", "birth_date": "2017-01-01",
                            "area_code": VILLAGE})
    assert {i.person_id for i in items(session, [VILLAGE])} == {here}
    assert {i.person_id for i in items(session, ["150525100"])} == {here, there}
    assert {i.person_id for i in items(session)} == {here, there}
    session.report_child_death(there, {"death_date": "2024-08-01", "cause": "pneumonia"},
                               today=TODAY)
    assert {i.person_id for i in items(session)} == {here}


def test_case_reports_are_urgent_in_the_outbox(session: Session) -> None:
    baby = child(session, TODAY - timedelta(days=10))
    death = session.report_child_death(baby, {"death_date": TODAY - timedelta(days=2),
                                              "cause": "asphyxia"}, today=TODAY)
    other = child(session, date(2024, 1, 5))
    defect = session.report_birth_defect(other, {"defects": ["cleft lip"],
                                                 "diagnosed_on": "2024-01-05"}, today=TODAY)
    conn = session.store.conn
    rows = conn.execute("SELECT id, kind, details, urgent FROM case_reports ORDER BY kind"
                        ).fetchall()
    assert [(r[1], r[3]) for r in rows] == [("birth_defect", 1), ("neonatal_death", 1)]
    assert json.loads(rows[1][2])["age_days"] == 8
    for report_id in (death.ids[0], defect.ids[0]):
        urgent = conn.execute("SELECT urgent FROM outbox WHERE table_name = 'case_reports'"
                              " AND row_id = ?", (report_id,)).fetchone()
        assert urgent == (1,)
    record = session.child_record(other, TODAY)
    assert record["person"]["birth_defects"] == ("cleft lip",)
    assert record["person"]["special_mgmt"] == ("birth_defect",)
    assert session.child_record(baby, TODAY)["person"]["status"] == "dead"
    # An older child's death is a child death, not a neonatal one.
    older = child(session, date(2023, 1, 5))
    session.report_child_death(older, {"death_date": "2024-03-01"}, today=TODAY)
    kinds = [r[0] for r in conn.execute("SELECT kind FROM case_reports WHERE person_id = ?",
                                        (older,))]
    assert kinds == ["child_death"]
    with pytest.raises(InvalidFormError):
        session.report_birth_defect(older, {"defects": []}, today=TODAY)


def test_child_items_reach_the_worklist_service(session: Session) -> None:
    from desktop.services import worklist

    assert worklist_child.child_items in worklist.providers()
    baby = child(session, TODAY - timedelta(days=3))
    built = worklist.build(session.store.conn, TODAY, frozenset({VILLAGE}))
    kinds = {r.item.kind for r in built.rows if r.item.person_id == baby}
    assert {"child_newborn", "child_vaccination"} <= kinds
