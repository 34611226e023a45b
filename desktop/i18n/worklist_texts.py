"""Words for worklist item kinds (desktop.domain.worklist.WorkItem.kind), sections and the
codes the maternal screens show (case statuses, referral levels, choices of the forms).

The maternal kinds come from desktop.domain.schedule and desktop.services.maternal_worklist;
the child kinds are "child_" + a kind of desktop.domain.child_schedule (and
"child_vaccination"), as desktop.services.worklist_child registers them. A kind missing here
still shows (as its code); tests/ui/test_worklist_page.py checks every known kind has words.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from desktop.i18n import N_, _

KIND_TEXTS: Mapping[str, str] = MappingProxyType({
    # maternal
    "prenatal_1": N_("1st prenatal visit (before 13 weeks)"),
    "prenatal_2": N_("2nd prenatal visit (16–20 weeks)"),
    "prenatal_3": N_("3rd prenatal visit (21–24 weeks)"),
    "prenatal_4": N_("4th prenatal visit (28–36 weeks)"),
    "prenatal_5": N_("5th prenatal visit (37–40 weeks)"),
    "delivery_record": N_("Record the delivery (EDD passed)"),
    "postpartum_7d": N_("Postpartum home visit (3–7 days)"),
    "postpartum_42d": N_("42-day postpartum check"),
    "case_followup": N_("High-risk case follow-up"),
    # child (desktop/services/worklist_child.py)
    "child_newborn": N_("Newborn home visit"),
    "child_28d": N_("28-day check"),
    "child_3m": N_("3-month check"),
    "child_6m": N_("6-month check"),
    "child_8m": N_("8-month check"),
    "child_12m": N_("12-month check"),
    "child_18m": N_("18-month check"),
    "child_24m": N_("24-month check"),
    "child_30m": N_("30-month check"),
    "child_36m": N_("36-month check"),
    "child_4y": N_("4-year check"),
    "child_5y": N_("5-year check"),
    "child_6y": N_("6-year check"),
    "child_special_14d": N_("Special care visit (14 days)"),
    "child_special_21d": N_("Special care visit (21 days)"),
    "child_special_2m": N_("Special care check (2 months)"),
    "child_special_4m": N_("Special care check (4 months)"),
    "child_special_5m": N_("Special care check (5 months)"),
    "child_special_10m": N_("Special care check (10 months)"),
    "child_vaccination": N_("Vaccination due"),
})

SECTION_TEXTS: Mapping[str, str] = MappingProxyType({
    "overdue": N_("Overdue"),
    "today": N_("Due today"),
    "this_week": N_("This week"),
})

CASE_STATUS_TEXTS: Mapping[str, str] = MappingProxyType({
    "registered": N_("Registered"),
    "reported": N_("Reported"),
    "managed": N_("Managed"),
    "referred": N_("Referred"),
    "treated": N_("Treated"),
    "closed": N_("Closed"),
})

CASE_OUTCOME_TEXTS: Mapping[str, str] = MappingProxyType({
    "recovered": N_("Recovered"),
    "not_recovered": N_("Not recovered"),
    "referred_out": N_("Referred elsewhere"),
    "moved_away": N_("Moved away"),
    "pregnancy_ended": N_("Pregnancy ended"),
    "maternal_death": N_("Maternal death"),
    "other": N_("Other"),
})

FOLLOWUP_STATUS_TEXTS: Mapping[str, str] = MappingProxyType({
    "stable": N_("Stable"),
    "improved": N_("Improved"),
    "worse": N_("Worse"),
    "referred": N_("Referred"),
    "not_reached": N_("Not reached"),
})

LEVEL_TEXTS: Mapping[str, str] = MappingProxyType({
    "township": N_("Township health centre"),
    "secondary": N_("Secondary hospital or above"),
    "county": N_("County level or above"),
    "tertiary": N_("Tertiary hospital"),
})

PLACE_LEVEL_TEXTS: Mapping[str, str] = MappingProxyType({
    "home": N_("Home"),
    "village": N_("Village clinic"),
    "township": N_("Township health centre"),
    "county": N_("County hospital"),
    "city": N_("City hospital"),
    "tertiary": N_("Tertiary hospital"),
    "other": N_("Other"),
})

ETHNICITY_TEXTS: Mapping[str, str] = MappingProxyType({
    "han": N_("Han"),
    "mongol": N_("Mongol"),
    "manchu": N_("Manchu"),
    "hui": N_("Hui"),
    "daur": N_("Daur"),
    "ewenki": N_("Ewenki"),
    "oroqen": N_("Oroqen"),
    "korean": N_("Korean"),
    "other": N_("Other"),
})

DELIVERY_MODE_TEXTS: Mapping[str, str] = MappingProxyType({
    "vaginal": N_("Vaginal"),
    "assisted": N_("Assisted vaginal"),
    "caesarean": N_("Caesarean"),
})

DELIVERY_OUTCOME_TEXTS: Mapping[str, str] = MappingProxyType({
    "live_birth": N_("Live birth"),
    "stillbirth": N_("Stillbirth"),
    "neonatal_death": N_("Neonatal death"),
    "miscarriage": N_("Miscarriage"),
})

SEX_TEXTS: Mapping[str, str] = MappingProxyType({"F": N_("Girl"), "M": N_("Boy")})

DANGER_SIGN_TEXTS: Mapping[str, str] = MappingProxyType({
    "vaginal_bleeding": N_("Vaginal bleeding"),
    "severe_headache": N_("Severe headache"),
    "blurred_vision": N_("Blurred vision"),
    "convulsions": N_("Convulsions"),
    "fever": N_("Fever"),
    "reduced_fetal_movement": N_("Reduced fetal movement"),
    "waters_broken": N_("Waters broken"),
    "severe_abdominal_pain": N_("Severe abdominal pain"),
    "breathlessness": N_("Breathlessness"),
    "swelling_face_hands": N_("Swelling of face and hands"),
})

EDD_METHOD_TEXTS: Mapping[str, str] = MappingProxyType({
    "lmp": N_("from the LMP"),
    "ultrasound": N_("by ultrasound"),
})

PLAN_TEXTS: Mapping[str, str] = MappingProxyType({
    "routine": N_("Routine care"),
})
PLAN_EVERY = N_("Follow up every {days} days")

PERSON_STATUS_TEXTS: Mapping[str, str] = MappingProxyType({
    "active": N_("Active"),
    "dead": N_("Died"),
    "moved_away": N_("Moved away"),
})


def text(table: Mapping[str, str], code: object) -> str:
    """The words for *code* in *table* (the code itself when unknown, empty for None)."""
    if code is None or code == "":
        return ""
    found = table.get(str(code))
    return _(found) if found else str(code)


def kind_text(kind: str) -> str:
    return text(KIND_TEXTS, kind)


def plan_text(plan: str | None) -> str:
    if plan and plan.startswith("followup_every_") and plan.endswith("_days"):
        days = plan[len("followup_every_"):-len("_days")]
        if days.isdigit():
            return _(PLAN_EVERY, days=int(days))
    return text(PLAN_TEXTS, plan)
