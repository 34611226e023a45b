"""Child health rules other than growth: anaemia, feeding, danger signs, development
warning signs, and what follows from them (referral, special management, HBIG).

Sources: shared/domain.md §2.2 (child health management) and §5.3 (anaemia). Every
threshold marked UNCONFIRMED is data in this module, to be checked against the official
text before it becomes a hard rule.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from desktop.domain.child_schedule import special_management_reasons

__all__ = ["special_management_reasons"]

# --- anaemia -------------------------------------------------------------------------

ANAEMIA_NONE = "none"
ANAEMIA_MILD = "mild"
ANAEMIA_MODERATE = "moderate"
ANAEMIA_SEVERE = "severe"

# [S] Hb < 110 g/L is anaemia from 6 months to under 6 years (mfk.com, domain.md §5.3).
ANAEMIA_AGE_MONTHS = (6, 72)
ANAEMIA_BELOW_G_L = 110.0
# UNCONFIRMED as the Chinese MCH rule (WHO 6-59 months): mild 100-109, moderate 70-99,
# severe < 70 g/L. (lower bound g/L, grade), checked from the top.
ANAEMIA_GRADES: tuple[tuple[float, str], ...] = (
    (100.0, ANAEMIA_MILD),
    (70.0, ANAEMIA_MODERATE),
    (0.0, ANAEMIA_SEVERE),
)
DAYS_PER_MONTH = 30.4375


def anaemia_grade(hb_g_l: float | None, age_days: int) -> str | None:
    """"none", "mild", "moderate" or "severe" for a haemoglobin in g/L; None when no Hb
    was measured or the child is outside 6 months-6 years (no threshold for that age)."""
    if hb_g_l is None:
        return None
    months = age_days / DAYS_PER_MONTH
    if not ANAEMIA_AGE_MONTHS[0] <= months < ANAEMIA_AGE_MONTHS[1]:
        return None
    if hb_g_l >= ANAEMIA_BELOW_G_L:
        return ANAEMIA_NONE
    for lower, grade in ANAEMIA_GRADES:
        if hb_g_l >= lower:
            return grade
    return ANAEMIA_SEVERE


# --- feeding ---------------------------------------------------------------------------

EXCLUSIVE_BREASTFEEDING = "exclusive_breastfeeding"
MIXED = "mixed"                  # breast milk and formula
FORMULA = "formula"
COMPLEMENTARY = "complementary"  # complementary foods started (with or without milk)
FEEDING_CODES = (EXCLUSIVE_BREASTFEEDING, MIXED, FORMULA, COMPLEMENTARY)

EXCLUSIVE_UNTIL_DAYS = 183       # [S] exclusive breastfeeding to 6 months (issue 4)
COMPLEMENTARY_TOO_EARLY_DAYS = 122  # before 4 months: UNCONFIRMED (common guidance)
COMPLEMENTARY_LATE_DAYS = 213    # not started by 7 months: UNCONFIRMED

# Feeding findings (codes the UI translates)
NOT_EXCLUSIVE_UNDER_6M = "not_exclusive_under_6m"
COMPLEMENTARY_TOO_EARLY = "complementary_too_early"
COMPLEMENTARY_NOT_STARTED = "complementary_not_started"


def feeding_findings(feeding: str | None, age_days: int) -> tuple[str, ...]:
    """Guidance codes for a feeding code at an age: under 6 months anything other than
    exclusive breastfeeding; complementary foods before 4 months; none yet at 7 months."""
    if feeding is None:
        return ()
    if feeding not in FEEDING_CODES:
        raise ValueError(f"unknown feeding code {feeding!r}")
    found = []
    if age_days < EXCLUSIVE_UNTIL_DAYS and feeding != EXCLUSIVE_BREASTFEEDING:
        found.append(NOT_EXCLUSIVE_UNDER_6M)
    if feeding == COMPLEMENTARY and age_days < COMPLEMENTARY_TOO_EARLY_DAYS:
        found.append(COMPLEMENTARY_TOO_EARLY)
    if feeding != COMPLEMENTARY and age_days >= COMPLEMENTARY_LATE_DAYS:
        found.append(COMPLEMENTARY_NOT_STARTED)
    return tuple(found)


# --- newborn findings --------------------------------------------------------------------

JAUNDICE_CODES = ("none", "mild", "marked")            # marked: face and trunk or beyond
UMBILICUS_CODES = ("normal", "not_dropped", "red", "discharge")
SCREENING_METABOLIC = ("normal", "abnormal", "pending", "not_done")
SCREENING_HEARING = ("pass", "refer", "not_done")
HEARING_CODES = ("pass", "refer", "not_done")
VISION_CODES = ("normal", "abnormal", "not_done")

# --- danger signs ----------------------------------------------------------------------

# Newborn / young infant danger signs (WHO IMCI young infant; UNCONFIRMED as the exact
# Chinese list). Any one means referral.
NEWBORN_DANGER_SIGNS = (
    "not_feeding",            # not feeding well / unable to suck
    "convulsions",
    "fast_breathing",         # >= 60 breaths/min
    "chest_indrawing",        # severe chest indrawing
    "fever",                  # >= 37.5 °C
    "hypothermia",            # < 35.5 °C
    "lethargy",               # moves only when stimulated, or not at all
    "severe_jaundice",        # jaundice in the first 24 h, or palms and soles yellow
    "umbilical_infection",    # redness spreading to the skin, or pus
    "cyanosis",
)
# General danger signs for older children (IMCI; UNCONFIRMED as the Chinese list).
CHILD_DANGER_SIGNS = ("cannot_drink", "vomits_everything", "convulsions", "lethargy")
DANGER_SIGNS = tuple(dict.fromkeys(NEWBORN_DANGER_SIGNS + CHILD_DANGER_SIGNS))

FEVER_FROM_C = 37.5       # UNCONFIRMED (IMCI)
HYPOTHERMIA_BELOW_C = 35.5  # UNCONFIRMED (IMCI)
FAST_BREATHING_FROM = 60  # breaths/min under 2 months (IMCI), UNCONFIRMED


def danger_signs(signs: Iterable[str], temperature_c: float | None = None,
                 breaths_per_min: int | None = None, age_days: int | None = None
                 ) -> tuple[str, ...]:
    """The danger signs found: those ticked plus those read from the temperature and
    (under 2 months) the breathing rate, each once, in table order. Raises ValueError for
    an unknown code."""
    found = set(signs)
    unknown = found - set(DANGER_SIGNS)
    if unknown:
        raise ValueError(f"unknown danger sign codes {sorted(unknown)}")
    if temperature_c is not None:
        if temperature_c >= FEVER_FROM_C:
            found.add("fever")
        elif temperature_c < HYPOTHERMIA_BELOW_C:
            found.add("hypothermia")
    if (breaths_per_min is not None and breaths_per_min >= FAST_BREATHING_FROM
            and (age_days is None or age_days < 60)):
        found.add("fast_breathing")
    return tuple(s for s in DANGER_SIGNS if s in found)


# --- development warning signs (儿童心理行为发育问题预警征象) ---------------------------

# Four signs per check age; any one means referral for assessment. From background
# knowledge of the NHC 预警征象筛查表 (UNCONFIRMED wording; the Chinese item is the comment).
DEVELOPMENT_SIGNS: dict[str, tuple[str, ...]] = {
    "3m": ("3m_no_sound_response",   # 对很大声音没有反应
           "3m_no_smile",            # 逗引时不发音或不会微笑
           "3m_no_tracking",         # 不注视人脸，不追视移动人或物品
           "3m_no_head_lift"),       # 俯卧时不会抬头
    "6m": ("6m_no_laugh",            # 发音少，不会笑出声
           "6m_no_reach",            # 不会伸手抓物
           "6m_fists_closed",        # 紧握拳松不开
           "6m_no_sitting"),         # 不能扶坐
    "8m": ("8m_no_response",         # 听到声音无应答
           "8m_no_stranger",         # 不会区分生人和熟人
           "8m_no_transfer",         # 双手间不会传递玩具
           "8m_no_sitting"),         # 不会独坐
    "12m": ("12m_no_name_response",  # 呼唤名字无反应
            "12m_no_imitation",      # 不会模仿"再见"或"欢迎"动作
            "12m_no_pincer",         # 不会用拇食指对捏小物品
            "12m_no_standing"),      # 不会扶物站立
    "18m": ("18m_no_words",          # 不会有意识叫"爸爸"或"妈妈"
            "18m_no_pointing",       # 不会按要求指人或物
            "18m_no_eye_contact",    # 与人无目光交流
            "18m_no_walking"),       # 不会独走
    "24m": ("24m_no_naming",         # 不会说3个物品的名称
            "24m_no_instructions",   # 不会按吩咐做简单事情
            "24m_no_spoon",          # 不会用勺吃饭
            "24m_no_stairs"),        # 不会扶栏上楼梯/台阶
    "30m": ("30m_no_phrases",        # 不会说2-3个字的短语
            "30m_narrow_interest",   # 兴趣单一、刻板
            "30m_no_toilet_signal",  # 不会示意大小便
            "30m_no_running"),       # 不会跑
    "36m": ("36m_no_own_name",       # 不会说自己的名字
            "36m_no_pretend_play",   # 不会玩"拿棍当马骑"等假想游戏
            "36m_no_circle",         # 不会模仿画圆
            "36m_no_jumping"),       # 不会双脚跳
    "4y": ("4y_no_adjectives",       # 不会说带形容词的句子
           "4y_no_turn_taking",      # 不能按要求等待或轮流
           "4y_no_dressing",         # 不会独立穿衣
           "4y_no_one_foot"),        # 不会单脚站立
    "5y": ("5y_no_story",            # 不能简单叙说事情经过
           "5y_no_gender",           # 不知道自己的性别
           "5y_no_chopsticks",       # 不会用筷子吃饭
           "5y_no_hopping"),         # 不会单脚跳
    "6y": ("6y_no_feelings",         # 不会表达自己的感受或想法
           "6y_no_role_play",        # 不会玩角色扮演的集体游戏
           "6y_no_square",           # 不会画方形
           "6y_no_running"),         # 不会奔跑
}
ALL_DEVELOPMENT_SIGNS = tuple(s for signs in DEVELOPMENT_SIGNS.values() for s in signs)


def development_signs_for(kind: str) -> tuple[str, ...]:
    """The warning signs asked at check *kind* (empty for the newborn and 28-day checks)."""
    return DEVELOPMENT_SIGNS.get(kind, ())


# --- what follows ----------------------------------------------------------------------

REFER_DANGER_SIGN = "danger_sign"
REFER_DEVELOPMENT = "development_warning"
REFER_HEARING = "hearing_refer"
REFER_SEVERE_ANAEMIA = "severe_anaemia"
REFER_SEVERE_MALNUTRITION = "severe_malnutrition"
REFER_METABOLIC = "metabolic_screen_abnormal"


@dataclass(frozen=True)
class Referral:
    needed: bool
    reasons: tuple[str, ...]
    urgent: bool  # a danger sign: refer today


def referral(danger: Iterable[str] = (), development: Iterable[str] = (),
             hearing: str | None = None, anaemia: str | None = None,
             growth_codes: Iterable[str] = (), metabolic: str | None = None) -> Referral:
    """Whether a child should be referred, and why. Danger signs make it urgent; a
    development warning sign, a failed hearing screen, severe anaemia, severe wasting or
    severe underweight, or an abnormal metabolic screen make it needed (UNCONFIRMED list
    beyond danger signs and warning signs, which domain.md §2.2 names)."""
    danger, development = tuple(danger), tuple(development)
    reasons = []
    if danger:
        reasons.append(REFER_DANGER_SIGN)
    if development:
        reasons.append(REFER_DEVELOPMENT)
    if hearing == "refer":
        reasons.append(REFER_HEARING)
    if anaemia == ANAEMIA_SEVERE:
        reasons.append(REFER_SEVERE_ANAEMIA)
    if {"severe_wasting", "severely_underweight"} & set(growth_codes):
        reasons.append(REFER_SEVERE_MALNUTRITION)
    if metabolic == "abnormal":
        reasons.append(REFER_METABOLIC)
    return Referral(bool(reasons), tuple(reasons), bool(danger))


def needs_hbig(mother_hbsag_positive: bool | None) -> bool:
    """A newborn of an HBsAg-positive mother needs hepatitis B immunoglobulin (HBIG) with
    the first HepB dose, within 12 hours of birth (national PMTCT programme; the 12-hour
    limit is UNCONFIRMED here). Unknown status is not a positive one."""
    return bool(mother_hbsag_positive)
