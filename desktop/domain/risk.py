"""Pregnancy risk screening (附件1) and five-colour grading (附件2).

Source: 孕产妇妊娠风险评估与管理工作规范 (国卫办妇幼发〔2017〕35号) as restated in
shared/domain.md §1.1–1.4. Every screening item and every grading criterion is one row of a
table below (``SCREENING_ITEMS``, ``CRITERIA``) so that a reviewer can check each line against
the official text and correct it as data. The Chinese wording in the tables is our rendering of
the source line (domain.md restates most of it in English); compare it with the official PDF
before release.

Facts
-----
``assess`` and ``screen`` take one flat mapping of fact codes to values:

* measurements (``MEASUREMENTS``): numbers in the units named there (``age_years``,
  ``hb_g_l``, ``plt_10e9_l``, ``bmi`` …); ``bmi`` is also computed from ``weight_kg`` and
  ``height_cm``;
* ticks (``FLAG_FACTS``): booleans for things a worker ticks. Every row code of every table is
  a tick (ticking ``anaemia_hb_40_to_60`` grades orange even without an Hb value), and so are
  the few condition codes that tests read (``rh_negative``, ``malpresentation``,
  ``bleeding_tendency`` …).

``None`` means "not recorded" and ``False`` means "not ticked"; neither ever matches, so a row
only matches on recorded facts and adding facts never lowers the grade (monotone). An unknown
code, a bool where a number belongs or a number where a bool belongs raises ``ValueError``:
a typo must not grade silently green.

Boundary decisions
------------------
An explicit sign in the source wins (red "Hb ≤40", red "PLT <30", red "PAH ≥50", yellow
"≥5 cm"). An endpoint shared by two bands written as ranges ("40–60" and "60–110") belongs to
the more severe band. The healthy end of a band follows the definition of the abnormality
(anaemia is Hb <110 g/L and the screening form flags PLT <100; a normal EF is ≥50 %):

* Hb g/L:      red ≤ 40 < orange ≤ 60 < yellow < 110 ≤ green.
* PLT 10⁹/L:   red < 30 ≤ orange ≤ 50 < yellow < 100 ≤ green.
* EF %:        red < 40 ≤ orange < 50 ≤ no criterion.
* PA systolic: no criterion < 30 ≤ orange < 50 ≤ red (the 30 is ours, UNCONFIRMED).
* NYHA:        orange = II, red = III–IV.
* Age and BMI follow the source literally: yellow age ≥35 or ≤18, orange ≥40; yellow BMI >25
  or <18.5, orange ≥28 (so a 41-year-old matches both yellow and orange age rows; the result
  keeps only the most severe colour's reasons).

``confirmed`` is True only for rows that domain.md marks [S] without a restored sign; rows
marked [S-partial], UNCONFIRMED, or with a sign restored from context (†) are False and carry
a note. Grading uses numbers only where the source names a number; it does not derive
diagnoses (e.g. no pre-eclampsia from a blood pressure).
"""

from __future__ import annotations

import difflib
import math
import operator
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from types import MappingProxyType

GREEN = "green"
YELLOW = "yellow"
ORANGE = "orange"
RED = "red"
PURPLE = "purple"

COLOUR_ORDER: tuple[str, ...] = (GREEN, YELLOW, ORANGE, RED)
"""Severity order of the grade, least severe first. Purple is not on this scale: it is an
infectious-disease flag shown together with the grade (domain.md §1.1)."""

COLOURS: tuple[str, ...] = (*COLOUR_ORDER, PURPLE)
CASE_MANAGED_COLOURS: frozenset[str] = frozenset({ORANGE, RED, PURPLE})  # 专案管理, §1.4


def more_severe(a: str, b: str) -> str:
    """The more severe of two grade colours; raises ValueError for purple or an unknown colour."""
    for colour in (a, b):
        if colour not in COLOUR_ORDER:
            raise ValueError(f"not a grade colour on the severity scale: {colour!r}")
    return a if COLOUR_ORDER.index(a) >= COLOUR_ORDER.index(b) else b


# ---------------------------------------------------------------------------------------------
# Measurements


@dataclass(frozen=True)
class Measurement:
    """A numeric fact: its unit, whether it must be an int, and its allowed range."""

    unit: str
    integer: bool = False
    minimum: float = 0
    maximum: float | None = None
    meaning: str = ""


MEASUREMENTS: Mapping[str, Measurement] = MappingProxyType({
    "age_years": Measurement("years", True, 0, 120, "completed years (周岁)"),
    "height_cm": Measurement("cm", minimum=50, maximum=250),
    "weight_kg": Measurement("kg", minimum=10, maximum=300),
    "bmi": Measurement("kg/m²", minimum=5, maximum=100,
                       meaning="recorded BMI; also computed from weight and height"),
    "hb_g_l": Measurement("g/L", meaning="haemoglobin"),
    "plt_10e9_l": Measurement("10⁹/L", meaning="platelet count"),
    "sbp": Measurement("mmHg", meaning="systolic blood pressure"),
    "dbp": Measurement("mmHg", meaning="diastolic blood pressure"),
    "fasting_glucose_mmol_l": Measurement("mmol/L"),
    "ga_weeks": Measurement("weeks", maximum=45, meaning="gestational age, completed weeks"),
    "ferritin_ug_l": Measurement("µg/L", meaning="serum ferritin"),
    "months_since_last_birth": Measurement("months", meaning="birth interval"),
    "previous_caesareans": Measurement("count", True),
    "uterine_surgeries": Measurement(
        "count", True,
        meaning="uterine operations of any kind that scar the uterus, caesareans included"),
    "abortions": Measurement("count", True, meaning="abortions/miscarriages of any kind"),
    "fetuses": Measurement("count", True, 1, meaning="fetuses in this pregnancy"),
    "nyha_class": Measurement("class", True, 1, 4, "NYHA heart-function class I–IV"),
    "ef_percent": Measurement("%", maximum=100, meaning="left-ventricular ejection fraction"),
    "pa_pressure_mmhg": Measurement(
        "mmHg", meaning="pulmonary artery systolic pressure (echo estimate)"),
    "fibroid_or_cyst_cm": Measurement(
        "cm", meaning="largest uterine fibroid or ovarian cyst diameter"),
})


def bmi(weight_kg: float, height_cm: float) -> float:
    """Body-mass index in kg/m², rounded to 2 decimals (only to drop float noise)."""
    value = weight_kg / (height_cm / 100) ** 2 if weight_kg > 0 and height_cm > 0 else math.nan
    if not math.isfinite(value):
        raise ValueError("weight and height must be positive")
    return round(value, 2)


def age_in_completed_years(birth: date, on: date) -> int:
    """Age in completed years (周岁) on *on*; a 29 February birthday counts from 1 March."""
    years = on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))
    if years < 0:
        raise ValueError("date before birth")
    return years


def completed_months(start: date, on: date) -> int:
    """Whole calendar months from *start* to *on* (for ``months_since_last_birth``)."""
    months = (on.year - start.year) * 12 + on.month - start.month - (on.day < start.day)
    if months < 0:
        raise ValueError("date before start")
    return months


# ---------------------------------------------------------------------------------------------
# Conditions: small, printable tests on the facts


class FactView:
    """Validated facts: which codes are ticked and which numbers are recorded."""

    __slots__ = ("_ticked", "_numbers")

    def __init__(self, ticked: frozenset[str], numbers: Mapping[str, tuple[float, ...]]):
        self._ticked = ticked
        self._numbers = numbers

    def ticked(self, code: str) -> bool:
        return code in self._ticked

    def numbers(self, code: str) -> tuple[float, ...]:
        """Recorded values of a measurement: none, one, or (for bmi) recorded and computed."""
        return self._numbers.get(code, ())


class Condition:
    """A test on the facts. Subclasses are frozen dataclasses whose str() reads like the rule."""

    def __call__(self, facts: FactView) -> bool:
        raise NotImplementedError

    def reads(self) -> frozenset[str]:
        """The fact codes this condition looks at."""
        raise NotImplementedError


@dataclass(frozen=True)
class Ticked(Condition):
    fact: str

    def __call__(self, facts: FactView) -> bool:
        return facts.ticked(self.fact)

    def reads(self) -> frozenset[str]:
        return frozenset({self.fact})

    def __str__(self) -> str:
        return self.fact


_OPERATORS: Mapping[str, Callable[[float, float], bool]] = MappingProxyType({
    "<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge, "==": operator.eq,
})
_SYMBOLS = {"<": "<", "<=": "≤", ">": ">", ">=": "≥", "==": "="}


@dataclass(frozen=True)
class Compare(Condition):
    """``fact <op> value``; matches if any recorded value of the fact does."""

    fact: str
    op: str
    value: float

    def __post_init__(self) -> None:
        if self.op not in _OPERATORS:
            raise ValueError(f"unknown operator {self.op!r}")

    def __call__(self, facts: FactView) -> bool:
        compare = _OPERATORS[self.op]
        return any(compare(x, self.value) for x in facts.numbers(self.fact))

    def reads(self) -> frozenset[str]:
        return frozenset({self.fact})

    def __str__(self) -> str:
        return f"{self.fact} {_SYMBOLS[self.op]} {self.value:g}"


@dataclass(frozen=True)
class Band(Condition):
    """``low <(=) fact <(=) high``; each end's inclusiveness is stated at every use."""

    fact: str
    low: float
    high: float
    low_inclusive: bool
    high_inclusive: bool

    def __call__(self, facts: FactView) -> bool:
        above = operator.ge if self.low_inclusive else operator.gt
        below = operator.le if self.high_inclusive else operator.lt
        return any(above(x, self.low) and below(x, self.high) for x in facts.numbers(self.fact))

    def reads(self) -> frozenset[str]:
        return frozenset({self.fact})

    def __str__(self) -> str:
        left = "≤" if self.low_inclusive else "<"
        right = "≤" if self.high_inclusive else "<"
        return f"{self.low:g} {left} {self.fact} {right} {self.high:g}"


@dataclass(frozen=True)
class AnyOf(Condition):
    parts: tuple[Condition, ...]

    def __call__(self, facts: FactView) -> bool:
        return any(part(facts) for part in self.parts)

    def reads(self) -> frozenset[str]:
        return frozenset().union(*(part.reads() for part in self.parts))

    def __str__(self) -> str:
        return "(" + " or ".join(map(str, self.parts)) + ")"


@dataclass(frozen=True)
class AllOf(Condition):
    parts: tuple[Condition, ...]

    def __call__(self, facts: FactView) -> bool:
        return all(part(facts) for part in self.parts)

    def reads(self) -> frozenset[str]:
        return frozenset().union(*(part.reads() for part in self.parts))

    def __str__(self) -> str:
        return "(" + " and ".join(map(str, self.parts)) + ")"


def ticked(fact: str) -> Ticked:
    return Ticked(fact)


def at_least(fact: str, value: float) -> Compare:
    return Compare(fact, ">=", value)


def at_most(fact: str, value: float) -> Compare:
    return Compare(fact, "<=", value)


def above(fact: str, value: float) -> Compare:
    return Compare(fact, ">", value)


def below(fact: str, value: float) -> Compare:
    return Compare(fact, "<", value)


def equal(fact: str, value: float) -> Compare:
    return Compare(fact, "==", value)


def between(fact: str, low: float, high: float, *, low_inclusive: bool,
            high_inclusive: bool) -> Band:
    return Band(fact, low, high, low_inclusive, high_inclusive)


def any_of(*parts: Condition) -> AnyOf:
    return AnyOf(parts)


def all_of(*parts: Condition) -> AllOf:
    return AllOf(parts)


# ---------------------------------------------------------------------------------------------
# 附件2 孕产妇妊娠风险评估表: one row per criterion


@dataclass(frozen=True)
class Criterion:
    """One line of the grading table.

    The criterion matches when its own ``code`` is ticked or its ``test`` matches the facts.
    ``source`` is the place in the official form ("附件2 黄色 1.1"; numbers we could not see
    are left out), ``wording`` the Chinese text, ``evidence`` the domain.md label and URL.
    """

    code: str
    colour: str
    source: str
    wording: str
    test: Condition | None = None
    confirmed: bool = True
    note: str = ""
    evidence: str = ""

    def matches(self, facts: FactView) -> bool:
        return facts.ticked(self.code) or (self.test is not None and self.test(facts))


_EV_Y = "[S] kao110.com/html/7f/9d/169821.html; 360docs.net/doc/3c3033182.html"
_EV_Y3 = "[S-partial] mnio123890.com/news/jn9mlpmjlq.html (repost)"
_EV_O = "[S] jinpaidaiban.com/xjyzqzl/3547.html (repost)"
_EV_O3 = "[S] 360docs.net/doc/3c3033182.html"
_EV_R = ("[S-partial] mnio123890.com/news/jn9mlpmjlq.html; bbs.boshih.com/archiver/"
         "showtopic-4830.aspx; dcxfybjy.cn/newsinfo/10706687.html")
_EV_P = "[S] 360docs.net/doc/3c3033182.html; shiguan.snsnb.com/ask/902314868264.html"
_UNCONF = "UNCONFIRMED (background knowledge only); check against the official 附件2"
_Y3_NOTE = "listed as yellow by a repost; national numbering and wording UNCONFIRMED"
_Y3_EXPECTED = "UNCONFIRMED: expected in yellow 3 but not seen in a source"
_DAGGER = "comparison sign lost in the source and restored from context (†)"
_R_PARTIAL = "example from reposts ([S-partial]); national wording and numbering UNCONFIRMED"

_HB = "hb_g_l"
_PLT = "plt_10e9_l"
_EF = "ef_percent"
_PA = "pa_pressure_mmhg"

YELLOW_CRITERIA: tuple[Criterion, ...] = (
    # 1 基本情况
    Criterion("age_35_or_over", YELLOW, "附件2 黄色 1.1", "年龄≥35岁或≤18岁",
              at_least("age_years", 35), evidence=_EV_Y),
    Criterion("age_18_or_under", YELLOW, "附件2 黄色 1.1", "年龄≥35岁或≤18岁",
              at_most("age_years", 18), evidence=_EV_Y),
    Criterion("bmi_over_25", YELLOW, "附件2 黄色 1.2", "BMI>25或<18.5",
              above("bmi", 25), evidence=_EV_Y),
    Criterion("bmi_under_18_5", YELLOW, "附件2 黄色 1.2", "BMI>25或<18.5",
              below("bmi", 18.5), evidence=_EV_Y),
    Criterion("genital_tract_malformation", YELLOW, "附件2 黄色 1.3", "生殖道畸形",
              evidence=_EV_Y),
    Criterion("small_pelvis", YELLOW, "附件2 黄色 1.4", "骨盆狭小", evidence=_EV_Y),
    Criterion("adverse_obstetric_history", YELLOW, "附件2 黄色 1.5",
              "不良孕产史（各类流产≥3次、早产、围产儿死亡、出生缺陷、异位妊娠、滋养细胞疾病等）",
              any_of(at_least("abortions", 3), ticked("previous_preterm_birth"),
                     ticked("previous_perinatal_death"), ticked("previous_birth_defect"),
                     ticked("previous_ectopic_pregnancy"),
                     ticked("previous_trophoblastic_disease")),
              evidence=_EV_Y),
    Criterion("scarred_uterus", YELLOW, "附件2 黄色 1.6", "瘢痕子宫",
              any_of(at_least("previous_caesareans", 1), at_least("uterine_surgeries", 1)),
              note="a caesarean or other uterine operation leaves a scarred uterus",
              evidence=_EV_Y),
    Criterion("fibroid_or_ovarian_cyst_5cm", YELLOW, "附件2 黄色 1.7",
              "子宫肌瘤或卵巢囊肿≥5cm", at_least("fibroid_or_cyst_cm", 5), evidence=_EV_Y),
    Criterion("pelvic_surgery_history", YELLOW, "附件2 黄色 1.8", "盆腔手术史", evidence=_EV_Y),
    Criterion("assisted_reproduction", YELLOW, "附件2 黄色 1.9", "辅助生殖妊娠", evidence=_EV_Y),
    # 2 妊娠合并症
    Criterion("heart_disease_no_treatment", YELLOW, "附件2 黄色 2.1",
              "心脏病（经心内科诊治无需药物治疗、心功能正常）：先天性心脏病（不伴有肺动脉高压的"
              "房缺、室缺、动脉导管未闭；法洛四联症修补术后无残余心脏结构异常等）；心肌炎后遗症；"
              "心律失常；无合并症的轻度的肺动脉狭窄和二尖瓣脱垂",
              evidence=_EV_Y),
    Criterion("respiratory_disease_no_treatment", YELLOW, "附件2 黄色 2.2",
              "呼吸系统疾病：经呼吸内科诊治无需药物治疗、肺功能正常", evidence=_EV_Y),
    Criterion("hbsag_positive", YELLOW, "附件2 黄色 2.3",
              "消化系统疾病：肝炎病毒携带（表面抗原阳性、肝功能正常）", evidence=_EV_Y),
    Criterion("renal_disease_stable", YELLOW, "附件2 黄色 2.4",
              "泌尿系统疾病：肾脏疾病（目前病情稳定肾功能正常）", evidence=_EV_Y),
    Criterion("endocrine_disease_no_treatment", YELLOW, "附件2 黄色 2.5",
              "内分泌系统疾病：无需药物治疗的糖尿病、甲状腺疾病、垂体泌乳素瘤等",
              evidence=_EV_Y),
    Criterion("thrombocytopenia_plt_50_to_100", YELLOW, "附件2 黄色 2.6.1",
              "血液系统疾病：妊娠合并血小板减少（PLT 50-100×10⁹/L）但无出血倾向",
              between(_PLT, 50, 100, low_inclusive=False, high_inclusive=False),
              note="50 belongs to orange (shared endpoint → more severe); 100 is not "
                   "thrombocytopenia (screening flags PLT <100)",
              evidence=_EV_Y),
    Criterion("anaemia_hb_60_to_110", YELLOW, "附件2 黄色 2.6.2",
              "血液系统疾病：妊娠合并贫血（Hb 60-110g/L）",
              between(_HB, 60, 110, low_inclusive=False, high_inclusive=False),
              note="60 belongs to orange (shared endpoint → more severe); anaemia is Hb <110",
              evidence=_EV_Y),
    Criterion("neurological_disease_mild", YELLOW, "附件2 黄色 2.7",
              "神经系统疾病：癫痫（单纯部分性发作和复杂部分性发作），重症肌无力（眼肌型）等",
              evidence=_EV_Y),
    Criterion("immune_disease_no_treatment", YELLOW, "附件2 黄色 2.8",
              "免疫系统疾病：无需药物治疗（如系统性红斑狼疮、IgA肾病、类风湿性关节炎、干燥综合征、"
              "未分化结缔组织病等）",
              evidence=_EV_Y),
    Criterion("sexually_transmitted_disease", YELLOW, "附件2 黄色 2.9",
              "尖锐湿疣、淋病等性传播疾病", evidence=_EV_Y),
    # 3 妊娠并发症 ([S-partial] or UNCONFIRMED)
    Criterion("premature_rupture_of_membranes", YELLOW, "附件2 黄色 3", "胎膜早破",
              confirmed=False, note=_Y3_NOTE, evidence=_EV_Y3),
    Criterion("oligohydramnios", YELLOW, "附件2 黄色 3", "羊水过少",
              confirmed=False, note=_Y3_NOTE, evidence=_EV_Y3),
    Criterion("polyhydramnios", YELLOW, "附件2 黄色 3", "羊水过多",
              confirmed=False, note=_Y3_NOTE, evidence=_EV_Y3),
    Criterion("malpresentation_at_36_weeks", YELLOW, "附件2 黄色 3", "≥36周胎位不正",
              all_of(ticked("malpresentation"), at_least("ga_weeks", 36)),
              confirmed=False, note=_Y3_NOTE, evidence=_EV_Y3),
    Criterion("low_lying_placenta", YELLOW, "附件2 黄色 3", "低置胎盘",
              confirmed=False, note=_Y3_NOTE, evidence=_EV_Y3),
    Criterion("hyperemesis_gravidarum", YELLOW, "附件2 黄色 3", "妊娠剧吐",
              confirmed=False, note=_Y3_NOTE, evidence=_EV_Y3),
    Criterion("multiple_pregnancy", YELLOW, "附件2 黄色 3", "双胎妊娠",
              at_least("fetuses", 2), confirmed=False, note=_Y3_EXPECTED),
    Criterion("threatened_preterm_labour", YELLOW, "附件2 黄色 3", "先兆早产",
              confirmed=False, note=_Y3_EXPECTED),
    Criterion("fetal_growth_restriction", YELLOW, "附件2 黄色 3", "胎儿宫内生长受限",
              confirmed=False, note=_Y3_EXPECTED),
    Criterion("macrosomia", YELLOW, "附件2 黄色 3", "巨大儿",
              confirmed=False, note=_Y3_EXPECTED),
    Criterion("hypertensive_disorder_mild", YELLOW, "附件2 黄色 3",
              "妊娠期高血压疾病（除外红、橙色）", confirmed=False,
              note=_Y3_EXPECTED + "; not derived from a BP reading (screening 4.1/7.1 flags BP)"),
    Criterion("intrahepatic_cholestasis", YELLOW, "附件2 黄色 3", "妊娠期肝内胆汁淤积症",
              confirmed=False, note=_Y3_EXPECTED),
)

ORANGE_CRITERIA: tuple[Criterion, ...] = (
    # 1 基本情况
    Criterion("age_40_or_over", ORANGE, "附件2 橙色 1.1", "年龄≥40岁",
              at_least("age_years", 40), evidence=_EV_O),
    Criterion("bmi_28_or_over", ORANGE, "附件2 橙色 1.2", "BMI≥28",
              at_least("bmi", 28), evidence=_EV_O),
    # 2 妊娠合并症: 心血管系统疾病
    Criterion("heart_function_mildly_reduced", ORANGE, "附件2 橙色 2 心血管",
              "心功能II级，轻度左心功能障碍或者EF 40%-50%",
              any_of(equal("nyha_class", 2),
                     between(_EF, 40, 50, low_inclusive=True, high_inclusive=False)),
              note="EF 40 is orange (red is written EF <40); EF 50 is the lower limit of "
                   "normal, so no criterion",
              evidence=_EV_O),
    Criterion("arrhythmia_or_myocarditis_treated", ORANGE, "附件2 橙色 2 心血管",
              "需药物治疗的心肌炎后遗症、心律失常等", evidence=_EV_O),
    Criterion("valvular_heart_disease_mild", ORANGE, "附件2 橙色 2 心血管",
              "瓣膜性心脏病（轻度二尖瓣狭窄瓣口>1.5cm²，主动脉瓣狭窄跨瓣压差<50mmHg，"
              "无合并症的轻度肺动脉狭窄，二尖瓣脱垂，二叶式主动脉瓣疾病，Marfan综合征无主动脉扩张）",
              confirmed=False, note=_DAGGER, evidence=_EV_O),
    Criterion("aortic_disease_mild", ORANGE, "附件2 橙色 2 心血管",
              "主动脉疾病（主动脉直径<45mm），主动脉缩窄矫治术后",
              confirmed=False, note=_DAGGER, evidence=_EV_O),
    Criterion("cardiomyopathy_stable", ORANGE, "附件2 橙色 2 心血管", "经治疗后稳定的心肌病",
              evidence=_EV_O),
    Criterion("pulmonary_hypertension_mild", ORANGE, "附件2 橙色 2 心血管",
              "各种原因的轻度肺动脉高压（<50mmHg）",
              between(_PA, 30, 50, low_inclusive=True, high_inclusive=False),
              confirmed=False,
              note=_DAGGER + "; the lower limit 30 mmHg (echo PASP that counts as pulmonary "
                             "hypertension) is ours, UNCONFIRMED",
              evidence=_EV_O),
    Criterion("cardiovascular_other", ORANGE, "附件2 橙色 2 心血管", "其他", evidence=_EV_O),
    # 呼吸 / 消化 / 泌尿 / 内分泌
    Criterion("asthma", ORANGE, "附件2 橙色 2 呼吸", "哮喘", evidence=_EV_O),
    Criterion("scoliosis_or_chest_wall_deformity", ORANGE, "附件2 橙色 2 呼吸",
              "脊柱侧弯；胸廓畸形等伴轻度肺功能不全", evidence=_EV_O),
    Criterion("liver_dysfunction_unexplained", ORANGE, "附件2 橙色 2 消化",
              "原因不明的肝功能异常", evidence=_EV_O),
    Criterion("digestive_disease_drug_treated", ORANGE, "附件2 橙色 2 消化",
              "仅需要药物治疗的肝硬化、肠梗阻、消化道出血等", evidence=_EV_O),
    Criterion("chronic_kidney_disease_compensated", ORANGE, "附件2 橙色 2 泌尿",
              "慢性肾脏疾病伴肾功能不全代偿期（肌酐超过正常值上限）", evidence=_EV_O),
    Criterion("endocrine_disease_drug_treated", ORANGE, "附件2 橙色 2 内分泌",
              "需药物治疗的糖尿病、甲状腺疾病、垂体泌乳素瘤", evidence=_EV_O),
    Criterion("nephrogenic_diabetes_insipidus", ORANGE, "附件2 橙色 2 内分泌",
              "肾性尿崩症（尿量超过4000ml/日）等", confirmed=False,
              note="the urine volume is missing in the source; 4000 ml/day is UNCONFIRMED "
                   "(tick only, no numeric test)",
              evidence=_EV_O),
    # 血液
    Criterion("thrombocytopenia_plt_30_to_50", ORANGE, "附件2 橙色 2 血液",
              "血小板减少（PLT 30-50×10⁹/L）",
              between(_PLT, 30, 50, low_inclusive=True, high_inclusive=True),
              note="30 is orange (red is written PLT <30); 50 is orange (shared endpoint → "
                   "more severe)",
              evidence=_EV_O),
    Criterion("anaemia_hb_40_to_60", ORANGE, "附件2 橙色 2 血液", "重度贫血（Hb 40-60g/L）",
              between(_HB, 40, 60, low_inclusive=False, high_inclusive=True),
              note="40 is red (red is written Hb ≤40); 60 is orange (shared endpoint → more "
                   "severe)",
              evidence=_EV_O),
    Criterion("coagulopathy", ORANGE, "附件2 橙色 2 血液", "凝血功能障碍无出血倾向",
              note="with bleeding_tendency also ticked the red row coagulopathy_with_bleeding "
                   "matches",
              evidence=_EV_O),
    Criterion("thrombophilia", ORANGE, "附件2 橙色 2 血液",
              "易栓症（如抗凝血酶缺陷症、蛋白C缺陷症、蛋白S缺陷症、抗磷脂综合征、肾病综合征等）",
              evidence=_EV_O),
    # 免疫 / 神经 / 肿瘤
    Criterion("immune_disease_low_dose_steroid", ORANGE, "附件2 橙色 2 免疫",
              "应用小剂量激素（如强的松5-10mg/天）6个月以上，无临床活动表现（如系统性红斑狼疮、"
              "重症IgA肾病、类风湿性关节炎、干燥综合征、未分化结缔组织病等）",
              evidence=_EV_O),
    Criterion("neurological_disease_moderate", ORANGE, "附件2 橙色 2 神经",
              "神经系统疾病（条目待核对）", confirmed=False,
              note="UNCONFIRMED: heading only; the items are not in our sources"),
    Criterion("malignancy", ORANGE, "附件2 橙色 2 肿瘤", "恶性肿瘤（条目待核对）",
              confirmed=False, note="UNCONFIRMED: heading only; the items are not in our sources"),
    # 3 妊娠并发症 (3.1–3.4 not seen, UNCONFIRMED)
    Criterion("uterine_surgery_2_or_more", ORANGE, "附件2 橙色 3.5",
              "各类子宫手术史（如剖宫产、宫角妊娠、子宫肌瘤挖除术等）≥2次",
              any_of(at_least("uterine_surgeries", 2), at_least("previous_caesareans", 2)),
              evidence=_EV_O3),
    Criterion("multiple_or_polyhydramnios_cardiopulmonary", ORANGE, "附件2 橙色 3.6",
              "双胎、羊水过多伴发心肺功能减退",
              all_of(any_of(at_least("fetuses", 2), ticked("polyhydramnios")),
                     ticked("cardiopulmonary_function_reduced")),
              evidence=_EV_O3),
    Criterion("severe_preeclampsia", ORANGE, "附件2 橙色 3.7", "重度子痫前期、慢性高血压合并子痫前期",
              ticked("chronic_hypertension_with_preeclampsia"), evidence=_EV_O3),
    Criterion("fever_unexplained", ORANGE, "附件2 橙色 3.8", "原因不明的发热", evidence=_EV_O3),
    Criterion("puerperal_complication", ORANGE, "附件2 橙色 3.9", "产后抑郁症、产褥期中暑、产褥感染等",
              evidence=_EV_O3),
)

RED_CRITERIA: tuple[Criterion, ...] = (
    Criterion("pulmonary_hypertension_severe", RED, "附件2 红色 1.1.1",
              "各种原因引起的肺动脉高压（≥50mmHg），如房缺、室缺、动脉导管未闭等",
              at_least(_PA, 50), evidence="[S] 360docs.net/doc/3c3033182.html"),
    Criterion("severe_heart_disease", RED, "附件2 红色", "严重心脏病",
              confirmed=False, note=_R_PARTIAL, evidence=_EV_R),
    Criterion("infective_endocarditis", RED, "附件2 红色", "感染性心内膜炎",
              confirmed=False, note=_R_PARTIAL, evidence=_EV_R),
    Criterion("heart_function_nyha_3_4", RED, "附件2 红色", "心功能III-IV级",
              at_least("nyha_class", 3), confirmed=False, note=_UNCONF),
    Criterion("ejection_fraction_under_40", RED, "附件2 红色", "左心室射血分数（EF）<40%",
              below(_EF, 40), confirmed=False, note=_UNCONF),
    Criterion("status_asthmaticus", RED, "附件2 红色", "哮喘持续状态",
              confirmed=False, note=_R_PARTIAL, evidence=_EV_R),
    Criterion("decompensated_cirrhosis", RED, "附件2 红色", "失代偿期肝硬化",
              confirmed=False, note=_R_PARTIAL, evidence=_EV_R),
    Criterion("chronic_kidney_disease_severe", RED, "附件2 红色",
              "慢性肾脏疾病伴严重高血压、蛋白尿、肾功能不全",
              confirmed=False, note=_R_PARTIAL, evidence=_EV_R),
    Criterion("thrombocytopenia_severe", RED, "附件2 红色",
              "血小板减少（PLT<30×10⁹/L）或进行性下降或伴有出血倾向",
              any_of(below(_PLT, 30), ticked("plt_falling"),
                     all_of(ticked("bleeding_tendency"),
                            any_of(below(_PLT, 100), ticked("thrombocytopenia_plt_50_to_100"),
                                   ticked("thrombocytopenia_plt_30_to_50")))),
              confirmed=False,
              note=_UNCONF + "; 'with bleeding tendency' read as PLT <100 plus bleeding_tendency",
              ),
    Criterion("anaemia_hb_40_or_under", RED, "附件2 红色", "重度贫血（Hb≤40g/L）",
              at_most(_HB, 40), confirmed=False,
              note=_UNCONF + "; reposts list 'severe anaemia' as red ([S-partial])",
              evidence=_EV_R),
    Criterion("aplastic_anaemia", RED, "附件2 红色", "再生障碍性贫血",
              confirmed=False, note=_UNCONF),
    Criterion("leukaemia", RED, "附件2 红色", "白血病",
              confirmed=False, note=_R_PARTIAL, evidence=_EV_R),
    Criterion("coagulopathy_with_bleeding", RED, "附件2 红色", "凝血功能障碍伴有出血倾向",
              all_of(ticked("coagulopathy"), ticked("bleeding_tendency")),
              confirmed=False, note=_UNCONF),
    Criterion("thromboembolic_disease", RED, "附件2 红色", "血栓栓塞性疾病",
              confirmed=False, note=_UNCONF),
    Criterion("placenta_accreta_spectrum", RED, "附件2 红色", "凶险性前置胎盘",
              confirmed=False, note=_R_PARTIAL, evidence=_EV_R),
)

_PURPLE_WORDING = ("所有妊娠合并传染性疾病——如病毒性肝炎、梅毒、HIV感染及艾滋病、结核病、重症感染性肺炎、"
                   "特殊病毒感染（H1N7、寨卡等）")

PURPLE_CRITERIA: tuple[Criterion, ...] = (
    Criterion("viral_hepatitis", PURPLE, "附件2 紫色", _PURPLE_WORDING, evidence=_EV_P),
    Criterion("hbv_infection", PURPLE, "附件2 紫色", _PURPLE_WORDING, ticked("hbsag_positive"),
              confirmed=False,
              note="UNCONFIRMED whether an HBsAg carrier with normal liver function (yellow 2.3) "
                   "is also purple; we say yes: HBsAg positive is diagnosed as HBV infection "
                   "(乙型肝炎病毒母婴传播预防临床指南 2020) and purple management covers "
                   "prevention of HBV mother-to-child transmission (domain.md §1.4)",
              evidence=_EV_P),
    Criterion("syphilis", PURPLE, "附件2 紫色", _PURPLE_WORDING, evidence=_EV_P),
    Criterion("hiv", PURPLE, "附件2 紫色", _PURPLE_WORDING, note="HIV infection or AIDS",
              evidence=_EV_P),
    Criterion("tuberculosis", PURPLE, "附件2 紫色", _PURPLE_WORDING, evidence=_EV_P),
    Criterion("severe_infectious_pneumonia", PURPLE, "附件2 紫色", _PURPLE_WORDING,
              evidence=_EV_P),
    Criterion("special_viral_infection", PURPLE, "附件2 紫色", _PURPLE_WORDING,
              note="the source writes 'H1N7' (sic) and Zika", evidence=_EV_P),
)

CRITERIA: tuple[Criterion, ...] = (
    YELLOW_CRITERIA + ORANGE_CRITERIA + RED_CRITERIA + PURPLE_CRITERIA
)
"""The national table (附件2) that ``assess`` uses unless told otherwise."""

_EV_ZJ = "[S] renrendoc.com/paper/213501624.html (Zhejiang 2018, local)"

ZHEJIANG_2018_ADDITIONS: tuple[Criterion, ...] = (
    Criterion("height_145_or_under", YELLOW, "浙江2018 黄色", "身高≤145cm",
              at_most("height_cm", 145), evidence=_EV_ZJ),
    Criterion("intellectual_disability_mild", YELLOW, "浙江2018 黄色", "轻度智力障碍",
              evidence=_EV_ZJ),
    Criterion("drug_use_history", YELLOW, "浙江2018 黄色", "吸毒史", evidence=_EV_ZJ),
    Criterion("uterine_scar_under_18_months", YELLOW, "浙江2018 黄色",
              "瘢痕子宫距末次子宫手术间隔<18月", evidence=_EV_ZJ),
    Criterion("essential_hypertension", YELLOW, "浙江2018 黄色",
              "原发性高血压，血压持续≥140/90mmHg", evidence=_EV_ZJ),
    Criterion("heart_failure_history", RED, "浙江2018 红色", "心力衰竭史", evidence=_EV_ZJ),
    Criterion("uterine_rupture_history", RED, "浙江2018 红色", "子宫破裂史", evidence=_EV_ZJ),
    Criterion("caesareans_3_or_more", RED, "浙江2018 红色", "剖宫产≥3次",
              at_least("previous_caesareans", 3), evidence=_EV_ZJ),
)
"""A provincial variant (domain.md §1.3 "Local note"): NOT applied by default. Pass
``criteria=CRITERIA + ZHEJIANG_2018_ADDITIONS`` to use it; whether Inner Mongolia has its own
实施方案 is UNCONFIRMED."""


# ---------------------------------------------------------------------------------------------
# 附件1 孕产妇妊娠风险筛查表: one row per screening item


@dataclass(frozen=True)
class ScreeningItem:
    """One line of the screening form; positive when ``code`` is ticked or ``test`` matches."""

    number: str
    code: str
    wording: str
    test: Condition | None = None
    confirmed: bool = True
    note: str = ""

    def matches(self, facts: FactView) -> bool:
        return facts.ticked(self.code) or (self.test is not None and self.test(facts))


_BP_HIGH = any_of(at_least("sbp", 140), at_least("dbp", 90))
_S7_NOTE = "UNCONFIRMED: likely this system; the item is not seen in sources"

SCREENING_ITEMS: tuple[ScreeningItem, ...] = (
    ScreeningItem("1.1", "screen_age", "年龄≥35或≤18岁",
                  any_of(at_least("age_years", 35), at_most("age_years", 18))),
    ScreeningItem("1.2", "screen_height", "身高≤145cm，或对生育可能有影响的躯体残疾",
                  any_of(at_most("height_cm", 145), ticked("physical_disability"))),
    ScreeningItem("1.3", "screen_bmi", "体质指数（BMI）>25或<18.5",
                  any_of(above("bmi", 25), below("bmi", 18.5))),
    ScreeningItem("1.4", "screen_rh_negative", "RH血型阴性", ticked("rh_negative")),
    ScreeningItem("2.1", "screen_birth_interval", "生育间隔<18月或>5年",
                  any_of(below("months_since_last_birth", 18),
                         above("months_since_last_birth", 60)),
                  note=">5 years read as >60 months"),
    ScreeningItem("2.2", "screen_previous_caesarean", "剖宫产史",
                  at_least("previous_caesareans", 1)),
    ScreeningItem("2.3", "screen_infertility", "不孕史"),
    ScreeningItem("2.4", "screen_adverse_obstetric_history",
                  "不良孕产史（各类流产≥3次、早产史、围产儿死亡史、出生缺陷、异位妊娠史、"
                  "滋养细胞疾病史、既往妊娠并发症及合并症史）",
                  any_of(at_least("abortions", 3), ticked("adverse_obstetric_history"),
                         ticked("previous_preterm_birth"), ticked("previous_perinatal_death"),
                         ticked("previous_birth_defect"), ticked("previous_ectopic_pregnancy"),
                         ticked("previous_trophoblastic_disease"))),
    ScreeningItem("2.5", "screen_current_pregnancy_abnormal",
                  "本次妊娠异常情况（如多胎妊娠、辅助生殖妊娠等）",
                  any_of(at_least("fetuses", 2), ticked("assisted_reproduction"))),
    ScreeningItem("3.1", "screen_genital_tract_malformation", "生殖道畸形",
                  ticked("genital_tract_malformation")),
    ScreeningItem("3.2", "screen_fibroid_or_cyst", "子宫肌瘤或卵巢囊肿≥5cm",
                  any_of(at_least("fibroid_or_cyst_cm", 5),
                         ticked("fibroid_or_ovarian_cyst_5cm"))),
    ScreeningItem("3.3", "screen_vaginal_or_cervical_surgery", "阴道及宫颈锥切手术史"),
    ScreeningItem("3.4", "screen_hysteroscopic_or_laparoscopic_surgery", "宫/腹腔镜手术史"),
    ScreeningItem("3.5", "screen_scarred_uterus",
                  "瘢痕子宫（如子宫肌瘤挖除术后、子宫肌腺瘤挖除术后、子宫整形术后、宫角妊娠后、"
                  "子宫穿孔史等）",
                  any_of(ticked("scarred_uterus"), at_least("uterine_surgeries", 1))),
    ScreeningItem("3.6", "screen_gynaecological_malignancy_surgery", "子宫或附件恶性肿瘤手术史"),
    ScreeningItem("4.1", "screen_family_hypertension",
                  "高血压家族史且孕妇目前血压≥140/90mmHg",
                  all_of(ticked("family_history_hypertension"), _BP_HIGH),
                  note="≥140/90 read as systolic ≥140 or diastolic ≥90"),
    ScreeningItem("4.2", "screen_family_diabetes", "糖尿病（直系亲属）"),
    ScreeningItem("4.3", "screen_family_coagulation_deficiency", "凝血因子缺乏"),
    ScreeningItem("4.4", "screen_family_hereditary_disease",
                  "严重的遗传性疾病（如遗传性高脂血症、血友病、地中海贫血等）"),
    ScreeningItem("5.1", "screen_organ_disease", "各种重要脏器疾病史"),
    ScreeningItem("5.2", "screen_malignancy", "恶性肿瘤病史", ticked("malignancy")),
    ScreeningItem("5.3", "screen_other_surgery_or_drug_allergy", "其他特殊、重大手术史、药物过敏史"),
    ScreeningItem("6.1", "screen_hb", "血红蛋白<110g/L", below(_HB, 110)),
    ScreeningItem("6.2", "screen_plt", "血小板计数<100×10⁹/L", below(_PLT, 100)),
    ScreeningItem("6.3", "screen_syphilis", "梅毒筛查阳性", ticked("syphilis")),
    ScreeningItem("6.4", "screen_hiv", "HIV筛查阳性", ticked("hiv")),
    ScreeningItem("6.5", "screen_urine", "清洁中段尿常规异常（如蛋白、管型、红细胞、白细胞）持续两次以上"),
    ScreeningItem("6.6", "screen_glucose",
                  "尿糖阳性且空腹血糖异常（妊娠24周前≥7.0mmol/L；妊娠24周起≥5.1mmol/L）",
                  all_of(ticked("glycosuria"),
                         any_of(at_least("fasting_glucose_mmol_l", 7.0),
                                all_of(at_least("ga_weeks", 24),
                                       at_least("fasting_glucose_mmol_l", 5.1)))),
                  note="without a gestational age only ≥7.0 counts"),
    ScreeningItem("6.7", "screen_ferritin", "血清铁蛋白<20μg/L", below("ferritin_ug_l", 20)),
    ScreeningItem("7.1", "screen_cardiorespiratory",
                  "心悸、胸闷、胸痛或背部牵涉痛、气促、夜间不能平卧；哮喘及哮喘史、咳嗽、咯血等；"
                  "长期低热、消瘦、盗汗；心肺听诊异常；高血压BP≥140/90mmHg；心脏病史、心衰史、"
                  "心脏手术史；胸廓畸形",
                  _BP_HIGH, note="only the BP part is tested; the rest is ticked"),
    ScreeningItem("7.2", "screen_digestive", "消化系统症状及病史", confirmed=False, note=_S7_NOTE),
    ScreeningItem("7.3", "screen_urinary", "泌尿系统症状及病史", confirmed=False, note=_S7_NOTE),
    ScreeningItem("7.4", "screen_haematological", "血液系统症状及病史",
                  confirmed=False, note=_S7_NOTE),
    ScreeningItem("7.5", "screen_endocrine_immune",
                  "多饮、多尿、多食；烦渴、心悸、烦躁、多汗；明显关节酸痛、脸部蝶形或盘形红斑等"),
    ScreeningItem("7.6", "screen_std_history", "性传播疾病史",
                  any_of(ticked("sexually_transmitted_disease"), ticked("syphilis"),
                         ticked("hiv")),
                  note="the source shows sub-item 7.6.3 only; 7.6.1–7.6.2 not seen"),
    ScreeningItem("7.7", "screen_psychiatric_neurological",
                  "言语交流困难、智力障碍、抑郁状态、精神疾病；反复出现头痛、恶心、呕吐；癫痫史；"
                  "不明原因晕厥史"),
    ScreeningItem("7.8", "screen_drug_abuse", "吸毒史", ticked("drug_use_history")),
)
"""附件1 items 1.1–7.8. Sources: [S] renrendoc.com/paper/204094189.html; max.book118.com/html/
2020/0809/5040342041002330.shtm (1.x–2.x); biz.doczj.com/doc/1110469010.html (7.x). Which items
are 必选 (mandatory) and which 建议 (recommended) is decided locally (UNCONFIRMED)."""


# ---------------------------------------------------------------------------------------------
# Fact vocabulary and table checks


def _rows() -> Iterable[Criterion | ScreeningItem]:
    yield from CRITERIA
    yield from ZHEJIANG_2018_ADDITIONS
    yield from SCREENING_ITEMS


def _flag_facts() -> frozenset[str]:
    codes: set[str] = set()
    for row in _rows():
        codes.add(row.code)
        if row.test is not None:
            codes.update(f for f in row.test.reads() if f not in MEASUREMENTS)
    return frozenset(codes)


FLAG_FACTS: frozenset[str] = _flag_facts()
"""Every tick a caller may pass: all row codes plus the condition codes the tests read."""

FACT_CODES: frozenset[str] = FLAG_FACTS | frozenset(MEASUREMENTS)

CRITERIA_BY_CODE: Mapping[str, Criterion] = MappingProxyType(
    {c.code: c for c in CRITERIA + ZHEJIANG_2018_ADDITIONS})


def _numbers_read(condition: Condition) -> Iterable[str]:
    if isinstance(condition, Compare | Band):
        yield condition.fact
    elif isinstance(condition, AnyOf | AllOf):
        for part in condition.parts:
            yield from _numbers_read(part)


def _check_tables() -> None:
    """Fail at import if a table edit breaks an invariant the grading relies on."""
    criteria = CRITERIA + ZHEJIANG_2018_ADDITIONS
    if len(CRITERIA_BY_CODE) != len(criteria):
        raise ValueError("duplicate criterion code")
    if len({s.code for s in SCREENING_ITEMS}) != len(SCREENING_ITEMS):
        raise ValueError("duplicate screening code")
    for row in _rows():
        if row.code in MEASUREMENTS:
            raise ValueError(f"row code {row.code!r} is a measurement")
        if isinstance(row, Criterion) and row.colour not in COLOURS:
            raise ValueError(f"{row.code}: unknown colour {row.colour!r}")
        if not row.confirmed and not row.note:
            raise ValueError(f"{row.code}: unconfirmed row without a note")
        if row.test is not None:
            compared = set(_numbers_read(row.test))
            for fact in compared - set(MEASUREMENTS):
                raise ValueError(f"{row.code}: compares {fact!r}, not a measurement")
            for fact in (row.test.reads() - compared) & set(MEASUREMENTS):
                raise ValueError(f"{row.code}: ticks {fact!r}, a measurement")


_check_tables()


# ---------------------------------------------------------------------------------------------
# Validation and grading


def _view(facts: Mapping[str, object]) -> FactView:
    """Validate *facts* and index them; raises ValueError on any unknown code or bad value."""
    tick: set[str] = set()
    numbers: dict[str, tuple[float, ...]] = {}
    for code, value in facts.items():
        if code in MEASUREMENTS:
            if value is not None:
                numbers[code] = (_number(code, value, MEASUREMENTS[code]),)
        elif code in FLAG_FACTS:
            if value is not None and not isinstance(value, bool):
                raise ValueError(f"fact {code!r} must be True, False or None, not {value!r}")
            if value:
                tick.add(code)
        else:
            guess = difflib.get_close_matches(str(code), FACT_CODES, n=1)
            hint = f" (did you mean {guess[0]!r}?)" if guess else ""
            raise ValueError(f"unknown fact code {code!r}{hint}")
    weight, height = numbers.get("weight_kg"), numbers.get("height_cm")
    if weight and height:  # both within their ranges, so the BMI is finite
        # A recorded BMI and the computed one both count, so adding facts never un-matches.
        numbers["bmi"] = (*numbers.get("bmi", ()), bmi(weight[0], height[0]))
    return FactView(frozenset(tick), numbers)


def _number(code: str, value: object, spec: Measurement) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"fact {code!r} must be a number, not {value!r}")
    if spec.integer and not isinstance(value, int):
        raise ValueError(f"fact {code!r} must be a whole number, not {value!r}")
    number = float(value)
    if not math.isfinite(number) or number < spec.minimum or (
            spec.maximum is not None and number > spec.maximum):
        raise ValueError(f"fact {code!r} out of range: {value!r}")
    return number


def _rank(colour: str) -> int:
    return COLOUR_ORDER.index(colour) if colour in COLOUR_ORDER else -1


@dataclass(frozen=True)
class RiskResult:
    """The grade of one assessment.

    ``colour``: the most severe non-purple colour matched, else "purple" if only purple rows
    matched, else "green". ``colours``: every colour that applies (the grade, then "purple").
    ``reasons``: codes of the matched rows behind ``colours``, in table order. ``factors``: all
    matched criterion codes, most severe colour first and purple last (for a full list).
    """

    colour: str
    colours: tuple[str, ...]
    reasons: tuple[str, ...]
    factors: tuple[str, ...] = field(default=())

    @property
    def grade(self) -> str:
        """The colour on the green–red scale, ignoring purple ("green" if only purple)."""
        return self.colour if self.colour != PURPLE else GREEN

    @property
    def is_purple(self) -> bool:
        return PURPLE in self.colours

    @property
    def is_case_managed(self) -> bool:
        """True for orange, red or purple: 高危孕产妇专案管理 (domain.md §1.4)."""
        return any(c in CASE_MANAGED_COLOURS for c in self.colours)


def assess(facts: Mapping[str, object], *,
           criteria: tuple[Criterion, ...] = CRITERIA) -> RiskResult:
    """Grade a pregnancy from *facts* (fact code → value, see the module docstring).

    Pure: no clock, no I/O. Raises ValueError for an unknown fact code or a badly typed or
    out-of-range value.
    """
    view = _view(facts)
    matched = [c for c in criteria if c.matches(view)]
    grade = GREEN
    for c in matched:
        if c.colour != PURPLE:
            grade = more_severe(grade, c.colour)
    purple = any(c.colour == PURPLE for c in matched)
    if grade == GREEN:
        colour, colours = (PURPLE, (PURPLE,)) if purple else (GREEN, (GREEN,))
    else:
        colour, colours = grade, (grade, PURPLE) if purple else (grade,)
    reasons = tuple(c.code for c in matched if c.colour in colours)
    factors = tuple(c.code for c in sorted(matched, key=lambda c: -_rank(c.colour)))
    return RiskResult(colour, colours, reasons, factors)


def screen(facts: Mapping[str, object]) -> tuple[str, ...]:
    """Codes of the positive 附件1 screening items, in form order; () when screening negative.

    Takes the same facts as ``assess`` and raises ValueError the same way.
    """
    view = _view(facts)
    return tuple(item.code for item in SCREENING_ITEMS if item.matches(view))
