"""Case status transitions and possible duplicates across scripts."""

from __future__ import annotations

import pytest
from maternal_helpers import TODAY, admin_session, woman_fields

from desktop.services import cases
from desktop.services.errors import StateError, ValidationError


@pytest.fixture
def case_id(made):
    s = admin_session(made)
    woman_id = s.register_woman(woman_fields(), today=TODAY).ids[0]
    pregnancy_id = s.register_pregnancy(woman_id, {
        "registered_on": "2026-10-01", "lmp": "2026-08-01",
        "screening": {"placenta_accreta_spectrum": True}}, today=TODAY).ids[0]
    (case,) = s.open_record(woman_id).current.cases
    assert case["colour"] == "red" and case["referral_level"] == "tertiary"
    assert case["plan"] == "followup_every_7_days"
    assert maternal_case_pregnancy(made, case["id"]) == pregnancy_id
    return s, case["id"]


def maternal_case_pregnancy(made, case_id: str) -> str:
    return made.store.conn.execute("SELECT pregnancy_id FROM cases WHERE id = ?",
                                   (case_id,)).fetchone()[0]


def _status(s, case_id: str) -> str:
    return next(c for c in s.high_risk_register(include_closed=True) if c["id"] == case_id
                )["status"]


ALL_STEPS = [(a, b) for a in cases.STATUSES for b in cases.STATUSES if a != b]


def _walk_to(s, case_id: str, target: str) -> None:
    path = {"registered": [], "reported": ["reported"], "managed": ["reported", "managed"],
            "referred": ["reported", "referred"], "treated": ["reported", "managed", "treated"],
            "closed": ["closed"]}[target]
    for step in path:
        s.set_case_status(case_id, step, outcome="recovered", today=TODAY)


@pytest.mark.parametrize(("start", "step"), ALL_STEPS)
def test_every_transition_is_allowed_or_refused_by_the_table(case_id, start, step):
    s, cid = case_id
    _walk_to(s, cid, start)
    assert _status(s, cid) == start
    if step in cases.TRANSITIONS[start]:
        s.set_case_status(cid, step, outcome="recovered", referred_to="盟医院", today=TODAY)
        assert _status(s, cid) == step
    else:
        with pytest.raises(StateError):
            s.set_case_status(cid, step, outcome="recovered", today=TODAY)
        assert _status(s, cid) == start


def test_closing_needs_an_outcome_and_a_closed_case_takes_no_followup(case_id):
    s, cid = case_id
    with pytest.raises(ValidationError):
        s.set_case_status(cid, "closed", today=TODAY)
    with pytest.raises(ValidationError):
        s.set_case_status(cid, "closed", outcome="cured by magic", today=TODAY)
    s.set_case_status(cid, "closed", outcome="pregnancy_ended", today=TODAY)
    closed = next(c for c in s.high_risk_register(include_closed=True) if c["id"] == cid)
    assert closed["closed_on"] == TODAY.isoformat() and closed["next_followup"] is None
    with pytest.raises(StateError):
        s.record_case_followup(cid, {"followup_date": TODAY.isoformat()}, today=TODAY)
    assert s.high_risk_register() == []


def test_followup_refuses_bad_dates(case_id):
    s, cid = case_id
    with pytest.raises(ValidationError) as caught:
        s.record_case_followup(cid, {"followup_date": "2026-12-01"}, today=TODAY)
    assert {i.code for i in caught.value.issues} == {"validation.date_in_future"}
    s.record_case_followup(cid, {"followup_date": "2026-11-20", "status": "stable"},
                           today=TODAY)
    (row,) = s.high_risk_register()
    assert row["next_followup"] == "2026-11-27"   # red: every 7 days


def test_duplicates_by_name_and_birth_across_scripts_and_phone(made):
    s = admin_session(made)
    stored = s.register_woman(woman_fields(name_zh="萨仁", name_mn="ᠰᠠᠷᠠᠨ", resident_id=None,
                                           birth_date="1991-05-05", phone="13800009999"),
                              today=TODAY).ids[0]
    # The same woman typed in Mongolian only (another phone, no ID): same name and birth.
    check = s.check_woman(woman_fields(name_zh=None, name_mn="ᠰᠠᠷᠠᠨ", resident_id=None,
                                       birth_date="1991-05-05", phone="13700000000"),
                          today=TODAY)
    assert [(d.person_id, d.reasons) for d in check.duplicates] == [
        (stored, ("same_name_and_birth",))]
    # Her name in Latin letters finds her through the pinyin of the Chinese name.
    check = s.check_woman(woman_fields(name_zh=None, name_mn="ᠰᠠᠷᠠᠨ", name_latin="Sa Ren",
                                       resident_id=None, birth_date="1991-05-05",
                                       phone="13700000000"), today=TODAY)
    assert [d.person_id for d in check.duplicates] == [stored]
    # Another birth date and phone: not a duplicate. Same phone: a duplicate.
    assert s.check_woman(woman_fields(name_zh="萨仁", resident_id=None,
                                      birth_date="1992-05-05", phone="13700000000"),
                         today=TODAY).duplicates == []
    phone = s.check_woman(woman_fields(name_zh="其其格", resident_id=None,
                                       birth_date="1992-05-05", phone="138 0000 9999"),
                          today=TODAY)
    assert [(d.person_id, d.reasons) for d in phone.duplicates] == [(stored, ("same_phone",))]
    # Seen and confirmed: saved anyway.
    assert s.register_woman(woman_fields(name_zh="其其格", resident_id=None,
                                         birth_date="1992-05-05", phone="13800009999"),
                            duplicates_seen=True, today=TODAY).ids
