"""Words for the child-health codes (desktop/domain/child_*.py, vaccines.py, growth.py):
check kinds, nutrition classes, feeding, newborn findings, danger signs, development
warning signs, screening results, vaccines, dose statuses, special-management and
referral reasons. English msgids marked with N_; `code_text(table, code)` translates
where shown, and an unknown code is shown as itself rather than hidden.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date

from desktop.i18n import N_, _

SEXES = {"M": N_("Boy"), "F": N_("Girl")}

CHECK_KINDS = {
    "newborn": N_("Newborn home visit"),
    "28d": N_("28–30-day check"),
    "3m": N_("3-month check"), "6m": N_("6-month check"), "8m": N_("8-month check"),
    "12m": N_("12-month check"), "18m": N_("18-month check"), "24m": N_("24-month check"),
    "30m": N_("30-month check"), "36m": N_("36-month check"),
    "4y": N_("4-year check"), "5y": N_("5-year check"), "6y": N_("6-year check"),
    "special_14d": N_("Special management visit (14 days)"),
    "special_21d": N_("Special management visit (21 days)"),
    "special_2m": N_("Special management check (2 months)"),
    "special_4m": N_("Special management check (4 months)"),
    "special_5m": N_("Special management check (5 months)"),
    "special_10m": N_("Special management check (10 months)"),
}

NUTRITION = {
    "underweight": N_("Underweight"),
    "severely_underweight": N_("Severely underweight"),
    "stunting": N_("Stunting"),
    "severe_stunting": N_("Severe stunting"),
    "wasting": N_("Wasting"),
    "severe_wasting": N_("Severe wasting"),
    "overweight": N_("Overweight"),
    "obesity": N_("Obesity"),
    "microcephaly": N_("Small head (< −2 SD)"),
    "macrocephaly": N_("Large head (> +2 SD)"),
}
NUTRITION_NORMAL = N_("Normal growth")

ANAEMIA = {"none": N_("No anaemia"), "mild": N_("Mild anaemia"),
           "moderate": N_("Moderate anaemia"), "severe": N_("Severe anaemia")}

FEEDING = {
    "exclusive_breastfeeding": N_("Exclusive breastfeeding"),
    "mixed": N_("Breast milk and formula"),
    "formula": N_("Formula only"),
    "complementary": N_("Complementary foods started"),
}
FEEDING_FINDINGS = {
    "not_exclusive_under_6m": N_("Not exclusively breastfed before 6 months: advise "
                                 "exclusive breastfeeding"),
    "complementary_too_early": N_("Complementary foods before 4 months: too early"),
    "complementary_not_started": N_("No complementary foods yet at 7 months: start them"),
}

JAUNDICE = {"none": N_("None"), "mild": N_("Mild (face only)"),
            "marked": N_("Marked (trunk or beyond)")}
UMBILICUS = {"normal": N_("Normal, dropped off"), "not_dropped": N_("Not dropped off yet"),
             "red": N_("Red"), "discharge": N_("Discharge or pus")}
SCREEN_METABOLIC = {"normal": N_("Normal"), "abnormal": N_("Abnormal"),
                    "pending": N_("Result pending"), "not_done": N_("Not done")}
SCREEN_HEARING = {"pass": N_("Passed"), "refer": N_("Did not pass (refer)"),
                  "not_done": N_("Not done")}
HEARING = SCREEN_HEARING
VISION = {"normal": N_("Normal"), "abnormal": N_("Abnormal"), "not_done": N_("Not done")}

DANGER_SIGNS = {
    "not_feeding": N_("Not feeding well, cannot suck"),
    "convulsions": N_("Convulsions"),
    "fast_breathing": N_("Fast breathing (60/min or more)"),
    "chest_indrawing": N_("Severe chest indrawing"),
    "fever": N_("Fever (37.5 °C or more)"),
    "hypothermia": N_("Low temperature (below 35.5 °C)"),
    "lethargy": N_("Moves only when stimulated, or not at all"),
    "severe_jaundice": N_("Severe jaundice (first day, or palms and soles)"),
    "umbilical_infection": N_("Umbilical infection (red skin around it, or pus)"),
    "cyanosis": N_("Blue lips or skin"),
    "cannot_drink": N_("Cannot drink or breastfeed"),
    "vomits_everything": N_("Vomits everything"),
}

DEVELOPMENT_SIGNS = {
    "3m_no_sound_response": N_("No reaction to loud sounds"),
    "3m_no_smile": N_("Does not make sounds or smile when played with"),
    "3m_no_tracking": N_("Does not look at faces or follow moving things"),
    "3m_no_head_lift": N_("Cannot lift the head lying on the tummy"),
    "6m_no_laugh": N_("Makes few sounds, does not laugh aloud"),
    "6m_no_reach": N_("Does not reach for things"),
    "6m_fists_closed": N_("Fists tightly closed, cannot open"),
    "6m_no_sitting": N_("Cannot sit with support"),
    "8m_no_response": N_("Does not respond to voices"),
    "8m_no_stranger": N_("Does not tell strangers from familiar people"),
    "8m_no_transfer": N_("Does not pass a toy from hand to hand"),
    "8m_no_sitting": N_("Cannot sit alone"),
    "12m_no_name_response": N_("No response to own name"),
    "12m_no_imitation": N_("Does not imitate “bye-bye” or “welcome”"),
    "12m_no_pincer": N_("Cannot pick up small things with thumb and finger"),
    "12m_no_standing": N_("Cannot stand holding on"),
    "18m_no_words": N_("Does not say “mama” or “papa” meaningfully"),
    "18m_no_pointing": N_("Does not point to people or things when asked"),
    "18m_no_eye_contact": N_("No eye contact with people"),
    "18m_no_walking": N_("Cannot walk alone"),
    "24m_no_naming": N_("Cannot name 3 things"),
    "24m_no_instructions": N_("Does not follow simple instructions"),
    "24m_no_spoon": N_("Cannot eat with a spoon"),
    "24m_no_stairs": N_("Cannot climb stairs holding the rail"),
    "30m_no_phrases": N_("Does not say 2–3-word phrases"),
    "30m_narrow_interest": N_("Narrow, repetitive interests"),
    "30m_no_toilet_signal": N_("Does not signal the need for the toilet"),
    "30m_no_running": N_("Cannot run"),
    "36m_no_own_name": N_("Cannot say own name"),
    "36m_no_pretend_play": N_("No pretend play (riding a stick as a horse)"),
    "36m_no_circle": N_("Cannot copy a circle"),
    "36m_no_jumping": N_("Cannot jump with both feet"),
    "4y_no_adjectives": N_("Does not use sentences with adjectives"),
    "4y_no_turn_taking": N_("Cannot wait or take turns when asked"),
    "4y_no_dressing": N_("Cannot dress alone"),
    "4y_no_one_foot": N_("Cannot stand on one foot"),
    "5y_no_story": N_("Cannot tell simply what happened"),
    "5y_no_gender": N_("Does not know own sex"),
    "5y_no_chopsticks": N_("Cannot eat with chopsticks"),
    "5y_no_hopping": N_("Cannot hop on one foot"),
    "6y_no_feelings": N_("Cannot express own feelings or ideas"),
    "6y_no_role_play": N_("Does not join role-play group games"),
    "6y_no_square": N_("Cannot draw a square"),
    "6y_no_running": N_("Cannot run fast"),
}

VACCINES = {
    "HepB": N_("Hepatitis B vaccine"),
    "BCG": N_("BCG vaccine"),
    "IPV": N_("Inactivated polio vaccine"),
    "bOPV": N_("Oral polio vaccine (bivalent)"),
    "DTaP": N_("DTaP vaccine"),
    "DT": N_("DT vaccine"),
    "MMR": N_("Measles, mumps, rubella vaccine"),
    "JE-L": N_("Japanese encephalitis vaccine (live)"),
    "JE-I": N_("Japanese encephalitis vaccine (inactivated)"),
    "MPSV-A": N_("Meningococcal A vaccine"),
    "MPSV-AC": N_("Meningococcal A+C vaccine"),
    "HepA-L": N_("Hepatitis A vaccine (live)"),
    "HepA-I": N_("Hepatitis A vaccine (inactivated)"),
}
DOSE_STATUS = {
    "given": N_("Given"), "upcoming": N_("Upcoming"), "due": N_("Due now"),
    "overdue": N_("Overdue: catch up"), "too_late": N_("Too late to give"),
    "waiting": N_("After the earlier dose"),
}
SPECIAL_MGMT = {
    "preterm": N_("Preterm (< 37 weeks)"),
    "lbw": N_("Low birth weight (< 2,500 g)"),
    "multiple": N_("Twin or multiple birth"),
    "birth_defect": N_("Birth defect"),
}
REFERRAL = {
    "danger_sign": N_("Danger sign: refer today"),
    "development_warning": N_("Development warning sign"),
    "hearing_refer": N_("Hearing screen not passed"),
    "severe_anaemia": N_("Severe anaemia"),
    "severe_malnutrition": N_("Severe malnutrition"),
    "metabolic_screen_abnormal": N_("Abnormal metabolic screen"),
}
REPORT_KINDS = {"neonatal_death": N_("Neonatal death"), "child_death": N_("Child death"),
                "birth_defect": N_("Birth defect report")}
INDICATORS = {"waz": N_("Weight-for-age"), "lhaz": N_("Length/height-for-age"),
              "wlhz": N_("Weight-for-length/height"), "bmiz": N_("BMI-for-age"),
              "hcz": N_("Head circumference-for-age")}

AGE_DAYS = N_("{days} days")
AGE_MONTHS = N_("{months} months")
AGE_MONTHS_DAYS = N_("{months} months {days} days")
AGE_YEARS_MONTHS = N_("{years} years {months} months")
DOSE_LABEL = N_("{vaccine} dose {dose}")
LIST_SEPARATOR = N_(", ")


def code_text(table: Mapping[str, str], code: str | None) -> str:
    """The translated word for *code* in *table*; the code itself when unknown, "" for None."""
    if code is None or code == "":
        return ""
    message = table.get(code)
    return _(message) if message else str(code)


def codes_text(table: Mapping[str, str], codes: Iterable[str]) -> str:
    return _(LIST_SEPARATOR).join(code_text(table, c) for c in codes)


def dose_text(vaccine: str, dose: int) -> str:
    return _(DOSE_LABEL, vaccine=code_text(VACCINES, vaccine), dose=dose)


def age_parts(birth: date, on: date) -> tuple[int, int, int]:
    """(years, months, days) of calendar age on *on* (0s before the birth)."""
    if on < birth:
        return 0, 0, 0
    months = (on.year - birth.year) * 12 + on.month - birth.month
    if on.day < birth.day:
        months -= 1
    from desktop.domain.child_schedule import add_months

    days = (on - add_months(birth, months)).days
    return months // 12, months % 12, days


def age_text(birth: date | None, on: date) -> str:
    """Age as a worker says it: days in the first month, months (and days) to 2 years,
    then years and months."""
    if birth is None:
        return ""
    total_days = max(0, (on - birth).days)
    years, months, days = age_parts(birth, on)
    if years == 0 and months == 0:
        return _(AGE_DAYS, days=total_days)
    if years < 2:
        all_months = years * 12 + months
        if days and all_months < 3:
            return _(AGE_MONTHS_DAYS, months=all_months, days=days)
        return _(AGE_MONTHS, months=all_months)
    return _(AGE_YEARS_MONTHS, years=years, months=months)
