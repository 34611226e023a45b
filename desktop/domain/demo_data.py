"""Tables for demo townships: places, names, schedules and growth medians.

Pure data, no I/O. Names are common ones in eastern Inner Mongolia; the township
code → name pairs are illustrative (real towns of Naiman Banner, 奈曼旗 150525, but not
checked against the NBS 统计用区划代码 table), and village names are typical, not a list of
real villages. Mongolian-script names use the written (Uighur-script) spelling as commonly
used in Inner Mongolian name registers.
"""

from __future__ import annotations

from functools import cache

DEFAULT_COUNTY = "150525"  # 奈曼旗, Tongliao
DEFAULT_TOWNSHIP = "150525100"

TOWNSHIP_NAMES = {
    "150525100": "大沁他拉镇",
    "150525101": "八仙筒镇",
    "150525102": "青龙山镇",
    "150525103": "新镇",
    "150525104": "治安镇",
    "150525105": "东明镇",
    "150525106": "沙日浩来镇",
    "150525107": "义隆永镇",
    "150525200": "白音他拉苏木",
    "150525201": "固日班花苏木",
    "150525202": "黄花塔拉苏木",
    "150525203": "明仁苏木",
}

# Counties of Tongliao and a neighbour: women married in keep the ID of where they were born.
OTHER_ID_COUNTIES = ("150502", "150521", "150522", "150523", "150524", "150526", "210922")

GACHA_NAMES = (
    "白音他拉嘎查", "乌兰敖道嘎查", "哈日干图嘎查", "巴嘎塔拉嘎查", "查干诺尔嘎查",
    "宝日胡舒嘎查", "伊和乌素嘎查", "呼和格日嘎查", "朝鲁吐嘎查", "塔布胡都嘎查",
    "敖包营子嘎查", "那林塔拉嘎查", "乌兰胡硕嘎查", "西沙日塔拉嘎查", "格日朝鲁嘎查",
    "阿古拉嘎查", "巴彦宝力格嘎查", "哈沙图嘎查", "苏布日干嘎查", "扎格斯台嘎查",
)
HAN_VILLAGE_NAMES = (
    "东五家子村", "三合村", "前进村", "太平庄村", "兴隆地村", "永安村", "新发村",
    "四家子村", "双合兴村", "胜利村", "北大营子村", "六号村", "土城子村", "南湾子村",
    "白家湾村", "东明村", "西营子村", "大沟村", "榆树林子村", "平安地村", "复兴村",
    "孟家段村", "联合村", "三道营子村", "昂乃村",
)
GROUPS = ("一组", "二组", "三组", "四组", "五组", "六组", "七组")

# Northern Han surnames, most common first (weights roughly follow their frequency).
HAN_SURNAMES = (
    ("王", 90), ("李", 85), ("张", 80), ("刘", 70), ("杨", 35), ("赵", 35), ("孙", 30),
    ("陈", 28), ("于", 22), ("高", 22), ("马", 20), ("郭", 18), ("周", 16), ("徐", 15),
    ("吴", 14), ("韩", 14), ("朱", 12), ("胡", 12), ("董", 11), ("宋", 10), ("田", 10),
    ("曹", 9), ("冯", 9), ("邢", 8), ("付", 8), ("崔", 8), ("贾", 7), ("石", 7), ("姜", 7),
    ("魏", 6), ("郝", 6), ("白", 6), ("包", 6), ("梁", 5), ("任", 5), ("苏", 5), ("闫", 5),
    ("孟", 5), ("吕", 4), ("谢", 4), ("常", 4), ("侯", 4), ("薛", 3), ("曾", 3), ("单", 2),
    ("解", 2), ("仇", 1), ("区", 1),
)

WOMAN_GIVEN = (
    "丽", "芳", "敏", "静", "燕", "艳", "娟", "霞", "红", "玲", "梅", "英", "慧", "颖", "婷",
    "雪", "琳", "萍", "洁", "娜", "秀兰", "桂英", "丽娟", "海燕", "晓燕", "春梅", "玉梅",
    "雪梅", "红梅", "丽华", "艳红", "晓红", "婷婷", "丽娜", "晓丽", "艳秋", "春燕", "美玲",
    "雅静", "佳琪", "欣悦", "淑华", "凤霞", "秀云", "金凤", "翠兰", "晓梅", "思雨", "梦瑶",
    "雨欣", "佳怡", "宏艳", "冬梅", "亚楠",
)
MAN_GIVEN = (
    "伟", "强", "军", "磊", "勇", "杰", "涛", "斌", "超", "明", "刚", "平", "辉", "鹏", "飞",
    "鑫", "波", "宁", "海", "建国", "建军", "志强", "海波", "永刚", "国庆", "春雷", "宏伟",
    "立新", "晓东", "文博", "俊峰", "志刚", "玉龙", "金山", "德胜", "宝军", "长青", "立国",
)
GIRL_GIVEN = (
    "欣怡", "梓涵", "一诺", "雨桐", "诗涵", "可馨", "语汐", "若汐", "思琪", "佳怡", "沐晴",
    "安然", "萱", "琪", "涵", "悦", "梓萱", "芷若", "紫涵", "梦琪", "子琪", "依诺",
)
BOY_GIVEN = (
    "浩然", "子轩", "宇轩", "梓豪", "俊杰", "子墨", "一鸣", "博文", "天佑", "沐阳", "浩宇",
    "铭泽", "睿", "轩", "浩", "宇", "博", "泽宇", "思远", "皓轩", "奕辰", "嘉懿",
)

# (Chinese transcription, Mongolian script, Latin). Compound names are written as one word.
MONGOL_FEMALE = (
    ("其其格", "ᠴᠢᠴᠢᠭ", "Chichig"),
    ("萨仁高娃", "ᠰᠠᠷᠠᠨᠭᠣᠸᠠ", "Sarangowa"),
    ("乌云", "ᠤᠶᠤᠨ", "Uyun"),
    ("斯琴", "ᠰᠡᠴᠡᠨ", "Sechen"),
    ("图雅", "ᠲᠤᠶᠠ", "Tuya"),
    ("娜仁", "ᠨᠠᠷᠠᠨ", "Naran"),
    ("萨仁", "ᠰᠠᠷᠠᠨ", "Saran"),
    ("乌兰", "ᠤᠯᠠᠭᠠᠨ", "Ulaan"),
    ("高娃", "ᠭᠣᠸᠠ", "Gowa"),
    ("阿拉坦其其格", "ᠠᠯᠲᠠᠨᠴᠢᠴᠢᠭ", "Altanchichig"),
    ("乌云其其格", "ᠤᠶᠤᠨᠴᠢᠴᠢᠭ", "Uyunchichig"),
    ("斯琴高娃", "ᠰᠡᠴᠡᠨᠭᠣᠸᠠ", "Sechengowa"),
    ("其木格", "ᠴᠢᠮᠡᠭ", "Chimeg"),
    ("哈斯", "ᠬᠠᠰᠤ", "Has"),
    ("格日乐", "ᠭᠡᠷᠡᠯ", "Gerel"),
    ("塔娜", "ᠲᠠᠨ᠎ᠠ", "Tana"),  # final a after n stands apart: MVS U+180E
    ("萨日娜", "ᠰᠠᠷᠠᠨ᠎ᠠ", "Sarana"),
    ("苏布达", "ᠰᠤᠪᠤᠳ", "Subud"),
    ("乌仁图雅", "ᠤᠷᠠᠨᠲᠤᠶᠠ", "Urantuya"),
    ("那仁格日乐", "ᠨᠠᠷᠠᠨᠭᠡᠷᠡᠯ", "Narangerel"),
    ("斯琴图雅", "ᠰᠡᠴᠡᠨᠲᠤᠶᠠ", "Sechentuya"),
    ("萨仁图雅", "ᠰᠠᠷᠠᠨᠲᠤᠶᠠ", "Sarantuya"),
    ("乌兰图雅", "ᠤᠯᠠᠭᠠᠨᠲᠤᠶᠠ", "Ulaantuya"),
    ("阿拉坦高娃", "ᠠᠯᠲᠠᠨᠭᠣᠸᠠ", "Altangowa"),
)
MONGOL_MALE = (
    ("巴特尔", "ᠪᠠᠭᠠᠲᠤᠷ", "Bagatur"),
    ("额尔德尼", "ᠡᠷᠳᠡᠨᠢ", "Erdeni"),
    ("苏和", "ᠰᠦᠬᠡ", "Sukh"),
    ("朝鲁", "ᠴᠢᠯᠠᠭᠤ", "Chuluu"),
    ("巴雅尔", "ᠪᠠᠶᠠᠷ", "Bayar"),
    ("宝音", "ᠪᠤᠶᠠᠨ", "Buyan"),
    ("阿拉坦", "ᠠᠯᠲᠠᠨ", "Altan"),
    ("那顺", "ᠨᠠᠰᠤᠨ", "Nasun"),
    ("孟和", "ᠮᠥᠩᠬᠡ", "Mongkh"),
    ("特木尔", "ᠲᠡᠮᠦᠷ", "Temur"),
    ("毕力格", "ᠪᠢᠯᠢᠭ", "Bilig"),
    ("乌力吉", "ᠥᠯᠵᠡᠢ", "Olzii"),
    ("查干", "ᠴᠠᠭᠠᠨ", "Chagaan"),
    ("布和", "ᠪᠦᠬᠡ", "Bukh"),
    ("达来", "ᠳᠠᠯᠠᠢ", "Dalai"),
    ("呼和", "ᠬᠥᠬᠡ", "Khukh"),
    ("巴图", "ᠪᠠᠲᠤ", "Batu"),
    ("吉日嘎拉", "ᠵᠢᠷᠭᠠᠯ", "Jirgal"),
    ("额尔德木图", "ᠡᠷᠳᠡᠮᠲᠦ", "Erdemtu"),
    ("图门", "ᠲᠦᠮᠡᠨ", "Tumen"),
    ("那日松", "ᠨᠠᠷᠠᠰᠤ", "Narasu"),
    ("巴音", "ᠪᠠᠶᠠᠨ", "Bayan"),
)
# "Speaks Mongolian": the instrumental suffix is joined with a narrow no-break space (U+202F).
MONGOL_NOTE = "ᠮᠣᠩᠭᠣᠯ ᠬᠡᠯᠡ\u202fᠪᠡᠷ ᠶᠠᠷᠢᠳᠠᠭ"
# Sinicised Mongolian surnames (包 from Borjigin, 白, 吴…), for Mongolians with Han-style names.
MONGOL_HAN_SURNAMES = ("包", "白", "吴", "韩", "陈", "鲍", "云", "宝")

OCCUPATIONS = (("farmer", 45), ("herder", 12), ("homemaker", 15), ("migrant_worker", 8),
               ("self_employed", 7), ("teacher", 3), ("civil_servant", 2),
               ("student", 3), ("other", 5))
PHONE_PREFIXES = ("130", "131", "132", "133", "134", "135", "136", "137", "138", "139",
                  "150", "151", "152", "155", "156", "157", "158", "159", "166", "177",
                  "180", "182", "183", "185", "186", "187", "188", "189", "198", "199")
BLOOD_GROUPS = (("O", 31), ("A", 28), ("B", 32), ("AB", 9))
DELIVERY_PLACES = (
    ("奈曼旗人民医院", "county", 45), ("奈曼旗妇幼保健计划生育服务中心", "county", 30),
    ("通辽市医院", "city", 12), ("内蒙古民族大学附属医院", "tertiary", 8),
    ("奈曼旗蒙医医院", "county", 5),
)

# Prenatal visit windows in completed weeks (服务规范第三版, shared/domain.md §2.1).
PRENATAL_WINDOWS = ((6, 12), (16, 20), (21, 24), (28, 36), (37, 40))

# Risk colours with their share among booked women and demo reason codes (the grading
# module owns the real codes; these only have to look plausible).
RISK_COLOURS = (("green", 72.0), ("yellow", 20.0), ("orange", 5.0), ("red", 1.0))
PURPLE_SHARE = 0.02
RISK_REASONS = {
    "yellow": ("age_ge_35", "bmi_gt_25", "bmi_lt_18_5", "anaemia_hb_60_110", "scarred_uterus",
               "adverse_obstetric_history", "hbsag_carrier", "thyroid_no_drugs",
               "fibroid_ge_5cm", "assisted_reproduction"),
    "orange": ("age_ge_40", "bmi_ge_28", "diabetes_on_drugs", "thyroid_on_drugs",
               "severe_anaemia_hb_40_60", "uterine_surgery_ge_2", "severe_preeclampsia",
               "asthma"),
    "red": ("pulmonary_hypertension_ge_50", "severe_heart_disease", "placenta_accreta"),
    "purple": ("hbv_infection", "syphilis", "tuberculosis", "hiv"),
}
REFERRAL_LEVEL = {"orange": "county", "red": "tertiary", "purple": "county"}

# Child health visits (kind, age in days at the visit) for 0–6 years (shared/domain.md §2.2).
CHILD_VISITS = (
    ("newborn", 5), ("28d", 28), ("3m", 91), ("6m", 183), ("8m", 243), ("12m", 365),
    ("18m", 548), ("24m", 730), ("30m", 913), ("36m", 1095), ("4y", 1461), ("5y", 1826),
    ("6y", 2191),
)
HB_VISITS = frozenset({"6m", "12m", "24m", "36m"})

# National immunisation schedule 2021 (shared/domain.md §4): (vaccine, dose, age in days).
VACCINES = (
    ("HepB", 1, 0), ("BCG", 1, 0), ("HepB", 2, 30), ("IPV", 1, 61), ("IPV", 2, 91),
    ("DTaP", 1, 91), ("bOPV", 1, 122), ("DTaP", 2, 122), ("DTaP", 3, 152), ("HepB", 3, 183),
    ("MPSV-A", 1, 183), ("MMR", 1, 243), ("JE-L", 1, 243), ("MPSV-A", 2, 274),
    ("DTaP", 4, 548), ("MMR", 2, 548), ("HepA-L", 1, 548), ("JE-L", 2, 730),
    ("MPSV-AC", 1, 1095), ("bOPV", 2, 1461), ("MPSV-AC", 2, 2191), ("DT", 1, 2191),
)
VACCINE_SITES = {"HepB": "right_deltoid", "BCG": "left_deltoid", "IPV": "thigh",
                 "bOPV": "oral", "DTaP": "thigh", "MMR": "upper_arm", "JE-L": "upper_arm",
                 "MPSV-A": "upper_arm", "MPSV-AC": "upper_arm", "HepA-L": "upper_arm",
                 "DT": "upper_arm"}

# WHO 2006 medians (and WHO 2007 at 72 months) by age in months: weight kg,
# length/height cm (lying under 24 months), head circumference cm.
GROWTH_MONTHS = (0, 1, 3, 6, 8, 12, 18, 24, 30, 36, 48, 60, 72)
GROWTH_MEDIANS = {
    "M": {"weight": (3.3, 4.5, 6.4, 7.9, 8.6, 9.6, 10.9, 12.2, 13.3, 14.3, 16.3, 18.3, 20.5),
          "length": (49.9, 54.7, 61.4, 67.6, 70.6, 75.7, 82.3, 87.1, 91.9, 96.1, 103.3,
                     110.0, 116.0),
          "head": (34.5, 37.3, 40.5, 43.3, 44.5, 46.1, 47.4, 48.3, 49.0, 49.5, 50.3, 50.7,
                   51.1)},
    "F": {"weight": (3.2, 4.2, 5.8, 7.3, 7.9, 8.9, 10.2, 11.5, 12.7, 13.9, 16.1, 18.2, 20.2),
          "length": (49.1, 53.7, 59.8, 65.7, 68.7, 74.0, 80.7, 85.7, 90.7, 95.1, 102.7,
                     109.4, 115.1),
          "head": (33.9, 36.5, 39.5, 42.2, 43.4, 45.0, 46.2, 47.2, 47.9, 48.5, 49.3, 49.9,
                   50.3)},
}
# Coefficients of variation that turn a z-score into a plausible spread around the median.
GROWTH_CV = {"weight": 0.11, "length": 0.037, "head": 0.03}


@cache  # at most 2 sexes x 3 measures x ~2,600 days
def growth_median(sex: str, measure: str, age_days: int) -> float:
    """The median of *measure* for *sex* at *age_days*, linear between the table's months."""
    months = age_days / 30.4375
    values = GROWTH_MEDIANS[sex][measure]
    if months >= GROWTH_MONTHS[-1]:
        return values[-1]
    for i in range(len(GROWTH_MONTHS) - 1):
        lo, hi = GROWTH_MONTHS[i], GROWTH_MONTHS[i + 1]
        if months <= hi:
            share = (months - lo) / (hi - lo)
            return values[i] + share * (values[i + 1] - values[i])
    return values[-1]
