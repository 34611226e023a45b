"""Correcting a woman and her pregnancy through the Session facade on a real encrypted
store: a corrected birth date re-grades the ongoing pregnancy (event with cause and who
confirmed it); a corrected LMP moves the EDD and the registration GA; a blank field clears;
an LMP after the first visit and unknown fields are refused with nothing written."""

from __future__ import annotations

from datetime import date

import pytest
from maternal_helpers import TODAY, admin_session, woman_fields

from desktop.services.errors import StateError, ValidationError


def _pregnant(s) -> tuple[str, str]:  # noqa: ANN001
    woman_id = s.register_woman(woman_fields(resident_id=None), today=TODAY).ids[0]
    pregnancy_id = s.register_pregnancy(woman_id, {
        "registered_on": "2026-10-01", "lmp": "2026-08-01", "gravidity": 2, "parity": 1,
        "handbook_no": "150525100-2026-00001"}, today=TODAY).ids[0]
    return woman_id, pregnancy_id


def test_a_corrected_birth_date_regrades_with_its_cause(made):
    s = admin_session(made)
    woman_id, _pregnancy_id = _pregnant(s)
    assert s.open_record(woman_id).current.pregnancy["risk_colours"] == ["green"]
    s.update_woman(woman_id, {"birth_date": "1990-02-01"}, today=TODAY)   # 36: yellow
    current = s.open_record(woman_id).current
    assert current.pregnancy["risk_colours"] == ["yellow"]
    assert current.pregnancy["risk_reasons"] == ["age_35_or_over"]
    latest = current.assessments[-1]
    assert (latest["trigger"], latest["confirmed_by"], latest["reasons"]) == (
        "woman_changed", made.admin.id, ["age_35_or_over"])
    assert current.cases == []                      # yellow is managed routinely
    s.update_woman(woman_id, {"birth_date": "1985-02-01"}, today=TODAY)   # 41: orange
    current = s.open_record(woman_id).current
    assert current.pregnancy["risk_colours"] == ["orange"]
    assert [c["status"] for c in current.cases] == ["registered"]
    assert [a["colour"] for a in current.assessments] == ["green", "yellow", "orange"]


def test_a_corrected_lmp_moves_the_edd_and_the_registration_ga(made):
    s = admin_session(made)
    woman_id, pregnancy_id = _pregnant(s)
    before = s.open_record(woman_id).current.pregnancy
    assert (before["edd"], before["registered_ga_days"], before["early_registration"]) == (
        "2027-05-08", 61, 1)
    s.update_pregnancy(pregnancy_id, {"lmp": "2026-06-20"}, today=TODAY)
    after = s.open_record(woman_id).current.pregnancy
    assert after["lmp"] == "2026-06-20" and after["edd"] == "2027-03-27"
    assert after["registered_ga_days"] == 103 and after["early_registration"] == 0
    assert after["handbook_no"] == "150525100-2026-00001"     # untouched


def test_a_blank_field_clears_it(made):
    s = admin_session(made)
    woman_id, pregnancy_id = _pregnant(s)
    s.update_pregnancy(pregnancy_id, {"handbook_no": None, "parity": ""}, today=TODAY)
    pregnancy = s.open_record(woman_id).current.pregnancy
    assert pregnancy["handbook_no"] is None and pregnancy["parity"] is None
    assert pregnancy["gravidity"] == 2
    assert s.search("150525100-2026-00001") == []


def test_an_lmp_after_the_first_visit_and_unknown_fields_write_nothing(made):
    s = admin_session(made)
    woman_id, pregnancy_id = _pregnant(s)
    # A visit dated before the registration (recorded late, from the paper handbook).
    s.record_prenatal_visit(pregnancy_id, {"visit_date": "2026-09-01", "weight_kg": 56,
                                           "sbp": 110, "dbp": 70}, today=TODAY)
    before = s.open_record(woman_id).current.pregnancy
    with pytest.raises(ValidationError) as caught:
        s.update_pregnancy(pregnancy_id, {"lmp": "2026-09-10"}, today=TODAY)
    assert [(i.field, i.code) for i in caught.value.issues] == [
        ("lmp", "validation.lmp_after_visit")]
    with pytest.raises(StateError):
        s.update_pregnancy(pregnancy_id, {"edd": "2027-01-01"}, today=TODAY)
    assert s.open_record(woman_id).current.pregnancy["rev"] == before["rev"]
    assert date.fromisoformat(before["edd"]) == date(2027, 5, 8)
