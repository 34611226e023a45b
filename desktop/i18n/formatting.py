"""Dates, times and numbers in the interface language.

Chinese goes through Babel (CLDR zh_Hans_CN is complete). CLDR has no usable data for
traditional Mongolian (mn_Mong_CN months come out as "M01"), so Mongolian month and weekday
names and the date patterns are ordinary translated strings of our catalog.

Mongolian forms used (the common form of Inner Mongolian official documents, with Arabic
digits as in horizontal text on screens and forms):
- short:  2026-11-24 (the numeric form printed on forms and in tables, both languages)
- medium: 2026 ᠣᠨ ᠤ 11 ᠰᠠᠷ᠎ᠠ ᠶᠢᠨ 24   ("year's 11th month's 24", suffixes after U+202F)
- long:   2026 ᠣᠨ ᠤ ᠠᠷᠪᠠᠨ ᠨᠢᠭᠡᠳᠦᠭᠡᠷ ᠰᠠᠷ᠎ᠠ ᠶᠢᠨ 24᠂ ᠭᠠᠷᠠᠭ ᠤᠨ ᠬᠣᠶᠠᠷ (month name, weekday)
Weekdays are ᠭᠠᠷᠠᠭ ᠤᠨ ᠨᠢᠭᠡᠨ … ᠭᠠᠷᠠᠭ ᠤᠨ ᠵᠢᠷᠭᠤᠭ᠎ᠠ, ᠭᠠᠷᠠᠭ ᠤᠨ ᠡᠳᠦᠷ (Monday … Sunday).
Numbers in Mongolian use Arabic digits, "," between thousands and "." before decimals.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from babel.dates import format_date as babel_format_date
from babel.dates import format_time as babel_format_time
from babel.numbers import format_decimal

from desktop.i18n import N_, _, current_language

Style = Literal["short", "medium", "long"]

MONTH_NAMES = (
    N_("January"), N_("February"), N_("March"), N_("April"), N_("May"), N_("June"),
    N_("July"), N_("August"), N_("September"), N_("October"), N_("November"),
    N_("December"),
)
WEEKDAY_NAMES = (  # date.weekday() order: Monday first
    N_("Monday"), N_("Tuesday"), N_("Wednesday"), N_("Thursday"), N_("Friday"),
    N_("Saturday"), N_("Sunday"),
)
# Translators: a date with the month as a number, e.g. 2026 ᠣᠨ ᠤ 11 ᠰᠠᠷ᠎ᠠ ᠶᠢᠨ 24.
MEDIUM_DATE = N_("{day}/{month}/{year}")
# Translators: a date with the month's name and the weekday.
LONG_DATE = N_("{weekday}, {day} {month_name} {year}")
# Translators: a date followed by a time of day (24-hour HH:MM).
DATE_TIME = N_("{date} at {time}")

BABEL_LOCALES = {"zh_Hans_CN": "zh_Hans_CN"}
_BABEL_DATE_FORMATS = {"short": "yyyy-MM-dd", "medium": "long", "long": "full"}


def _language(language: str | None) -> str:
    return language or current_language()


def month_name(month: int) -> str:
    """The name of *month* (1–12) in the current language."""
    return _(MONTH_NAMES[month - 1])


def weekday_name(day: date) -> str:
    return _(WEEKDAY_NAMES[day.weekday()])


def format_date(day: date, language: str | None = None, style: Style = "medium") -> str:
    """*day* as shown in *language* (default: the current one); see the module docstring."""
    language = _language(language)
    locale = BABEL_LOCALES.get(language)
    if locale is not None:
        return babel_format_date(day, _BABEL_DATE_FORMATS[style], locale=locale)
    if style == "short":
        return f"{day.year:04d}-{day.month:02d}-{day.day:02d}"
    if style == "medium":
        return _in(language, MEDIUM_DATE, year=day.year, month=day.month, day=day.day)
    return _in(language, LONG_DATE, year=day.year, month_name=_in(language, MONTH_NAMES[
        day.month - 1]), day=day.day, weekday=_in(language, WEEKDAY_NAMES[day.weekday()]))


def format_time(moment: datetime, language: str | None = None) -> str:
    """The time of day as 24-hour HH:MM (the form used in both languages)."""
    locale = BABEL_LOCALES.get(_language(language))
    if locale is not None:
        return babel_format_time(moment, "HH:mm", locale=locale)
    return f"{moment.hour:02d}:{moment.minute:02d}"


def format_datetime(moment: datetime, language: str | None = None,
                    style: Style = "short") -> str:
    """*moment* (already in local time) as a date followed by HH:MM."""
    language = _language(language)
    return _in(language, DATE_TIME, date=format_date(moment.date(), language, style),
               time=format_time(moment, language))


def format_number(value: float | int, language: str | None = None,
                  decimals: int | None = None) -> str:
    """*value* with thousands grouped; *decimals* fixes the digits after the point."""
    language = _language(language)
    locale = BABEL_LOCALES.get(language)
    if locale is not None:
        if decimals is None:
            return format_decimal(value, locale=locale)
        pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
        return format_decimal(value, format=pattern, locale=locale)
    if decimals is None:
        if isinstance(value, int) or float(value).is_integer():
            return f"{int(value):,}"
        return f"{value:,.3f}".rstrip("0").rstrip(".")
    return f"{value:,.{decimals}f}"


def _in(language: str, message: str, **params: object) -> str:
    """*message* translated into *language* even when another language is current."""
    from desktop.i18n import translate

    return translate(language, message, **params)
