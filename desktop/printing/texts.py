"""Words on printed pages: Chinese labels with traditional Mongolian section headings.

The paper handbook is bilingual whatever language the screen shows, so labels are
translated into Chinese explicitly (translate("zh_Hans_CN", …)) and headings also into
Mongolian. A heading the Mongolian catalog does not have yet falls back to the words
written here, taken from i18n/glossary.tsv (the catalog's own source of terms) or composed
from its terms (basic information, growth charts, notes: to be checked by the i18n
engineer), so a page never goes out without its Mongolian heading.

Code words (risk reasons, vaccines, visit kinds) come from the screens' text tables when
they are installed (desktop.i18n.risk_texts, child_texts, worklist_texts), else from the
domain's own Chinese wording, else the code itself.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from desktop.i18n import N_, translate
from desktop.printing.compose import Heading

ZH = "zh_Hans_CN"
MN = "mn_Mong_CN"


def zh(message: str, **params: Any) -> str:
    return translate(ZH, message, **params)


# Section headings: English msgid and the glossary's Mongolian term (fallback).
HEADINGS: Mapping[str, tuple[str, str]] = {
    "cover": (N_("Maternal and Child Health Handbook"),
              "ᠡᠬᠡ ᠬᠡᠦᠬᠡᠳ ᠦᠨ ᠡᠷᠡᠭᠦᠯ ᠮᠡᠨᠳᠦ ᠶᠢᠨ ᠭᠠᠷ ᠳᠡᠪᠲᠡᠷ"),
    "identity": (N_("Basic information"), "ᠦᠨᠳᠦᠰᠦᠨ ᠪᠠᠶᠢᠳᠠᠯ"),
    "pregnancy": (N_("Pregnancy registration and risk assessment"),
                  "ᠵᠢᠷᠦᠮᠰᠡᠯᠲᠡ ᠵᠢᠴᠢ ᠠᠶᠤᠯ ᠤᠨ ᠲᠦᠪᠰᠢᠨ"),
    "prenatal": (N_("Prenatal visit records"),
                 "ᠲᠥᠷᠥᠯᠲᠡ ᠶᠢᠨ ᠡᠮᠦᠨ᠎ᠡ ᠬᠢ ᠪᠠᠶᠢᠴᠠᠭᠠᠯᠲᠠ"),
    "delivery": (N_("Delivery record"), "ᠲᠥᠷᠥᠯᠲᠡ"),
    "postpartum": (N_("Postpartum visits"), "ᠲᠥᠷᠥᠯᠲᠡ ᠶᠢᠨ ᠳᠠᠷᠠᠭ᠎ᠠ ᠬᠢ ᠠᠶᠢᠯᠴᠢᠯᠠᠯ"),
    "newborn": (N_("Newborn home visit"), "ᠰᠢᠨ᠎ᠡ ᠲᠥᠷᠥᠭᠰᠡᠨ ᠨᠢᠯᠬ᠎ᠠ ᠶᠢᠨ ᠠᠶᠢᠯᠴᠢᠯᠠᠯ"),
    "checks": (N_("Child health checks"), "ᠬᠡᠦᠬᠡᠳ ᠦᠨ ᠡᠷᠡᠭᠦᠯ ᠮᠡᠨᠳᠦ ᠶᠢᠨ ᠪᠠᠶᠢᠴᠠᠭᠠᠯᠲᠠ"),
    "growth": (N_("Growth charts"), "ᠪᠡᠶ᠎ᠡ ᠶᠢᠨ ᠬᠦᠨᠳᠦ ᠪᠡᠶ᠎ᠡ ᠶᠢᠨ ᠤᠷᠲᠤ"),
    "vaccination": (N_("Vaccination record"), "ᠰᠡᠷᠡᠭᠡᠶᠢᠯᠡᠬᠦ ᠲᠠᠷᠢᠯᠭ᠎ᠠ"),
    "notes": (N_("Notes"), "ᠲᠡᠮᠳᠡᠭᠯᠡᠯ"),
    "sheet": (N_("Visit sheet"), "ᠠᠵᠢᠯ ᠤᠨ ᠵᠢᠭᠰᠠᠭᠠᠯᠲᠠ"),
}


def heading(key: str) -> Heading:
    message, glossary = HEADINGS[key]
    mongolian = translate(MN, message)
    if mongolian == message:  # not in the Mongolian catalog yet
        mongolian = glossary
    return Heading(zh(message), mongolian)


def mongolian(key: str) -> str:
    return heading(key).mongolian


# Own msgids: a bare "Red" is also a finding ("red umbilicus") in the catalog.
COLOURS = {"green": N_("green (risk colour)"), "yellow": N_("yellow (risk colour)"),
           "orange": N_("orange (risk colour)"), "red": N_("red (risk colour)"),
           "purple": N_("purple (risk colour)")}
SEXES = {"M": N_("Male"), "F": N_("Female")}
ETHNICITIES = {"han": N_("Han"), "mongol": N_("Mongol"), "hui": N_("Hui"),
               "manchu": N_("Manchu"), "daur": N_("Daur"), "ewenki": N_("Ewenki"),
               "oroqen": N_("Oroqen"), "other": N_("Other")}
OCCUPATIONS = {"farmer": N_("Farmer"), "herder": N_("Herder"), "worker": N_("Worker"),
               "student": N_("Student"), "civil_servant": N_("Civil servant"),
               "teacher": N_("Teacher"), "self_employed": N_("Self-employed"),
               "unemployed": N_("Unemployed"), "housework": N_("Housework"),
               "other": N_("Other")}
DELIVERY_MODES = {"vaginal": N_("Vaginal"), "caesarean": N_("Caesarean section"),
                  "assisted": N_("Assisted vaginal")}
OUTCOMES = {"live_birth": N_("Live birth"), "stillbirth": N_("Stillbirth"),
            "miscarriage": N_("Miscarriage"), "abortion": N_("Abortion")}
CLASSIFICATIONS = {"recovered": N_("Recovered"), "not_recovered": N_("Not recovered")}
DISPOSALS = {"close": N_("Case closed"), "refer": N_("Referred")}
SITES = {"right_deltoid": N_("Right upper arm"), "left_deltoid": N_("Left upper arm"),
         "upper_arm": N_("Upper arm"), "thigh": N_("Thigh"), "oral": N_("Oral")}
FEEDING = {"exclusive_breastfeeding": N_("Exclusive breastfeeding"), "mixed": N_("Mixed"),
           "formula": N_("Formula"), "complementary": N_("Complementary foods")}


def word(table: Mapping[str, str], code: Any) -> str:
    """Chinese words for *code* in *table*; the code itself if unknown, "" for None."""
    if code is None or code == "":
        return ""
    message = table.get(str(code))
    return zh(message) if message else str(code)


def _table(module: str, name: str) -> Mapping[str, str]:
    try:
        from importlib import import_module

        return getattr(import_module(module), name)
    except (ImportError, AttributeError):
        return {}


def risk_reason(code: str) -> str:
    """A risk reason in Chinese: the maternal screens' text, else the criterion's own
    Chinese wording in desktop.domain.risk, else the code."""
    message = _table("desktop.i18n.risk_texts", "ALL_TEXTS").get(code)
    if message:
        return zh(message)
    from desktop.domain.risk import CRITERIA_BY_CODE

    criterion = CRITERIA_BY_CODE.get(code)
    return criterion.wording if criterion is not None else code


def risk_reasons(codes: Iterable[Any] | None) -> str:
    return zh(N_("; ")).join(risk_reason(str(c)) for c in (codes or ()))


def vaccine(code: str) -> str:
    message = _table("desktop.i18n.child_texts", "VACCINES").get(code)
    return zh(message) if message else code


def check_kind(kind: str) -> str:
    message = _table("desktop.i18n.child_texts", "CHECK_KINDS").get(kind)
    return zh(message) if message else kind


def work_kind(kind: str) -> str:
    message = _table("desktop.i18n.worklist_texts", "KIND_TEXTS").get(kind)
    return zh(message) if message else kind
