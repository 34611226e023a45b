"""Village doctors see and write only their own villages (user.areas)."""

from __future__ import annotations

import pytest
from maternal_helpers import (
    OTHER_VILLAGE,
    TODAY,
    VILLAGE,
    admin_session,
    count,
    village_doctor_session,
    woman_fields,
)

from desktop.store.errors import PermissionDeniedError


@pytest.fixture
def two_villages(made):
    admin = admin_session(made)
    mine = admin.register_woman(woman_fields(), today=TODAY).ids[0]
    theirs = admin.register_woman(woman_fields(
        name_zh="赵敏", resident_id=None, birth_date="1995-05-05", phone="13700003333",
        area_code=OTHER_VILLAGE), today=TODAY).ids[0]
    preg = admin.register_pregnancy(theirs, {"registered_on": "2026-10-01",
                                             "lmp": "2026-08-01"}, today=TODAY).ids[0]
    admin.register_pregnancy(mine, {"registered_on": "2026-10-01", "lmp": "2026-08-01"},
                             today=TODAY)
    return village_doctor_session(made), mine, theirs, preg


def test_out_of_area_reads_and_writes_are_refused(made, two_villages):
    doctor, mine, theirs, their_pregnancy = two_villages
    assert doctor.open_record(mine).person["id"] == mine
    before = count(made, "prenatal_visits")
    reads = made.store.conn.execute("SELECT count(*) FROM audit WHERE action = 'read'"
                                    " AND row_id = ?", (theirs,)).fetchone()[0]
    with pytest.raises(PermissionDeniedError):
        doctor.open_record(theirs)
    with pytest.raises(PermissionDeniedError):
        doctor.record_prenatal_visit(their_pregnancy, {"visit_date": "2026-11-20"},
                                     today=TODAY)
    with pytest.raises(PermissionDeniedError):
        doctor.update_woman(theirs, {"phone": "13700009999"}, today=TODAY)
    with pytest.raises(PermissionDeniedError):
        doctor.register_woman(woman_fields(name_zh="孙娜", resident_id=None,
                                           birth_date="1994-04-04", phone="13600004444",
                                           area_code=OTHER_VILLAGE), today=TODAY)
    with pytest.raises(PermissionDeniedError):
        doctor.update_woman(mine, {"area_code": OTHER_VILLAGE}, today=TODAY)
    assert count(made, "prenatal_visits") == before
    assert made.store.conn.execute("SELECT count(*) FROM audit WHERE action = 'read'"
                                   " AND row_id = ?", (theirs,)).fetchone()[0] == reads


def test_lists_show_only_own_villages(made, two_villages):
    doctor, mine, theirs, _ = two_villages
    assert {h.id for h in doctor.search("13")} == {mine}
    assert {h.id for h in admin_session(made).search("13")} == {mine, theirs}
    rows = doctor.worklist(today=TODAY).rows
    assert rows and {r.area_code for r in rows} == {VILLAGE}
    assert theirs in {r.item.person_id for r in admin_session(made).worklist(today=TODAY).rows}
    assert doctor.high_risk_register() == []


def test_a_doctor_without_villages_sees_nothing(made, two_villages):
    nobody = village_doctor_session(made, areas=(), name="doctor2")
    assert nobody.search("王丽") == [] and nobody.worklist(today=TODAY).rows == ()
