"""Re-grading through the service: adding a fact never lowers the stored colour, and every
change of grade is one assessment event (hypothesis, on a real store)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from maternal_helpers import TODAY, admin_session, woman_fields

from desktop.domain import risk

SEVERITY = {"green": 0, "yellow": 1, "orange": 2, "red": 3, "purple": 0}
TICKS = sorted(c.code for c in risk.CRITERIA)


def _severity(colours: list[str]) -> tuple[int, bool]:
    return max(SEVERITY[c] for c in colours), "purple" in colours


@settings(max_examples=25, deadline=None)
@given(st.lists(st.sampled_from(TICKS), min_size=1, max_size=6, unique=True))
def test_adding_ticks_never_lowers_the_stored_colour(make_store, tmp_path_factory, ticks):
    made = make_store(tmp_path_factory.mktemp("regrade"))
    try:
        s = admin_session(made)
        woman_id = s.register_woman(woman_fields(), today=TODAY).ids[0]
        pregnancy_id = s.register_pregnancy(woman_id, {"registered_on": "2026-10-01",
                                                       "lmp": "2026-08-01"},
                                            today=TODAY).ids[0]
        last = (0, False)
        seen = []
        for tick in ticks:
            s.update_pregnancy(pregnancy_id, {"screening": {tick: True}}, today=TODAY)
            record = s.open_record(woman_id)
            colours = record.current.pregnancy["risk_colours"]
            now = _severity(colours)
            assert now[0] >= last[0] and (now[1] or not last[1])
            assert tuple(colours) == risk.assess(dict.fromkeys(ticks[:len(seen) + 1],
                                                               True)).colours
            last = now
            seen.append(tick)
            stored = record.current.assessments
            # One event per change of grade, never two equal ones in a row.
            assert all((a["colours"], a["reasons"]) != (b["colours"], b["reasons"])
                       for a, b in zip(stored, stored[1:], strict=False))
            if risk.assess(dict.fromkeys(seen, True)).is_case_managed:
                assert len(record.current.cases) == 1
    finally:
        made.store.close()
