"""Both catalogs are complete; Mongolian entries are in traditional script; every catalog
string is drawn without a missing glyph by the fonts the program loads; the glossary."""

from __future__ import annotations

import csv
import re
import string
from datetime import date

from PySide6.QtGui import QTextLayout
from PySide6.QtWidgets import QApplication

from desktop.domain.mongolian import is_mongolian_letter
from desktop.i18n import LANGUAGES
from desktop.i18n.catalogs import load, msgids, problems
from desktop.i18n.formatting import format_date, format_datetime, format_number
from desktop.paths import I18N_DIR
from desktop.ui import fonts

HAN = re.compile(r"[\u3400-\u9fff]")


def translations(language: str) -> dict[str, str]:
    catalog = load(language)
    wanted = msgids()
    return {str(m.id): str(m.string) for m in catalog if m.id and str(m.id) in wanted}


def words_only(text: str) -> str:
    """*text* without {placeholders}, mnemonics and punctuation."""
    text = re.sub(r"\{[^}]*\}|\(&\w\)|&|\b(KiB|MiB|KB|MB|kg|cm|m²|BMI)\b", "", text)
    return "".join(ch for ch in text if ch not in string.punctuation and not ch.isspace()
                   and ch not in "—–…᠂᠃（）：")


def test_the_mongolian_catalog_is_complete_with_matching_placeholders():
    assert problems("mn_Mong_CN") == []


def test_the_chinese_catalog_is_complete_with_matching_placeholders():
    assert problems("zh_Hans_CN") == []


def test_mongolian_entries_are_in_mongolian_script_without_chinese():
    wrong = []
    for msgid, text in translations("mn_Mong_CN").items():
        letters = words_only(text)
        if HAN.search(text) or (letters and not any(is_mongolian_letter(c) for c in letters)):
            wrong.append(msgid)
    assert wrong == []


def test_chinese_entries_have_no_mongolian_letters():
    assert [m for m, t in translations("zh_Hans_CN").items()
            if any(is_mongolian_letter(c) for c in t)] == []


def test_every_catalog_string_has_all_its_glyphs(qapp: QApplication):
    fonts.apply_app_font(qapp)
    font = qapp.font()
    missing = []
    for language in LANGUAGES:
        for msgid, text in translations(language).items():
            layout = QTextLayout(text, font)
            layout.beginLayout()
            layout.createLine()
            layout.endLayout()
            for run in layout.glyphRuns():
                if 0 in list(run.glyphIndexes()):
                    missing.append((language, msgid, run.rawFont().familyName()))
    assert missing == []


def test_mongolian_dates_use_our_month_names_never_cldr_placeholders():
    day = date(2026, 11, 24)
    for style in ("short", "medium", "long"):
        text = format_date(day, "mn_Mong_CN", style)
        assert "M0" not in text and "M1" not in text and "{" not in text
    assert format_date(day, "mn_Mong_CN", "medium") == "2026 ᠣᠨ\u202fᠤ 11 ᠰᠠᠷ᠎ᠠ\u202fᠶᠢᠨ 24"
    long = format_date(day, "mn_Mong_CN", "long")
    assert "ᠠᠷᠪᠠᠨ ᠨᠢᠭᠡᠳᠦᠭᠡᠷ ᠰᠠᠷ᠎ᠠ" in long and "ᠭᠠᠷᠠᠭ\u202fᠤᠨ ᠬᠣᠶᠠᠷ" in long  # Tuesday
    assert format_date(day, "zh_Hans_CN", "medium") == "2026年11月24日"
    assert format_date(day, "zh_Hans_CN", "long") == "2026年11月24日星期二"
    for language in LANGUAGES:
        assert format_date(day, language, "short") == "2026-11-24"
    from datetime import datetime

    assert format_datetime(datetime(2026, 1, 2, 7, 5), "mn_Mong_CN") == "2026-01-02 07:05"
    assert format_number(1234567.5, "mn_Mong_CN") == "1,234,567.5"
    assert format_number(3, "zh_Hans_CN", decimals=1) == "3.0"


def test_every_month_and_weekday_has_a_distinct_mongolian_name():
    names = {format_date(date(2026, m, 1), "mn_Mong_CN", "long").split("\u202fᠶᠢᠨ")[0]
             for m in range(1, 13)}
    assert len(names) == 12
    weekdays = {format_date(date(2026, 11, d), "mn_Mong_CN", "long").split("᠂ ")[-1]
                for d in range(23, 30)}
    assert len(weekdays) == 7


def test_the_glossary_has_the_medical_and_ui_terms():
    path = I18N_DIR / "glossary.tsv"
    rows = [row for row in csv.reader(
        (line for line in path.read_text(encoding="utf-8").splitlines()
         if line and not line.startswith("#")), delimiter="\t")][1:]
    assert len(rows) >= 60
    assert all(len(row) == 3 and all(row) for row in rows)
    chinese = [row[0] for row in rows]
    assert len(set(chinese)) == len(chinese)
    assert all(any(is_mongolian_letter(c) for c in row[1]) and not HAN.search(row[1])
               for row in rows)
    for term in ("产前检查", "新生儿", "预防接种", "血红蛋白", "头围", "同步", "备份", "村"):
        assert term in chinese
    # The catalog uses the glossary's words.
    mn = translations("mn_Mong_CN")
    glossary = {row[2]: row[1] for row in rows}
    assert mn["Password"] == glossary["password"]
    assert mn["Settings"] == glossary["settings"]
    assert mn["Worklist"] == glossary["worklist"]
    assert glossary["maternal and child health"] in mn["Maternal and Child Health Handbook"]
