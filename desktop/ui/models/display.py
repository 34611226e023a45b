"""How person and pregnancy facts read in lists and headers (names, ages, villages,
gestational age). Pure formatting over the service's rows; no Qt."""

from __future__ import annotations

from datetime import date

from desktop.domain.gestation import format_ga
from desktop.domain.schedule import ga_days_on
from desktop.i18n import _
from desktop.i18n.formatting import format_date


def person_name(row: object) -> str:
    """Chinese and Mongolian names together (either may be missing), Latin as a last resort."""
    get = row.get if isinstance(row, dict) else lambda k: getattr(row, k, None)
    names = [n for n in (get("name_zh"), get("name_mn")) if n]
    if not names and get("name_latin"):
        names = [get("name_latin")]
    return " / ".join(names) if names else _("(no name)")


def age_years(birth: str | None, today: date) -> int | None:
    if not birth:
        return None
    try:
        born = date.fromisoformat(birth)
    except ValueError:
        return None
    years = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
    return years if years >= 0 else None


def age_text(birth: str | None, today: date) -> str:
    years = age_years(birth, today)
    return "" if years is None else _("{years} y", years=years)


def village_text(code: str | None) -> str:
    """A village code as shown: the 12 digits (the store keeps no names for villages)."""
    return code or ""


def day_text(iso: str | None) -> str:
    """A stored ISO date as the short form of both languages (YYYY-MM-DD); '' for none."""
    if not iso:
        return ""
    try:
        return format_date(date.fromisoformat(str(iso)[:10]), style="short")
    except ValueError:
        return str(iso)


def ga_text(ga_days: int | None) -> str:
    """Gestational age in the handbook's W+D notation."""
    if ga_days is None or ga_days < 0:
        return ""
    return format_ga(*divmod(int(ga_days), 7))


def ga_today(edd: str | None, today: date) -> int | None:
    if not edd:
        return None
    try:
        return ga_days_on(date.fromisoformat(edd), today)
    except ValueError:
        return None


def edd_ga_text(edd: str | None, today: date) -> str:
    """"EDD 2027-05-08 · 16+3 weeks" for an ongoing pregnancy; '' without an EDD."""
    if not edd:
        return ""
    ga = ga_today(edd, today)
    if ga is None or ga < 0 or ga > 44 * 7:
        return _("EDD {date}", date=day_text(edd))
    return _("EDD {date} · {ga} weeks", date=day_text(edd), ga=ga_text(ga))
