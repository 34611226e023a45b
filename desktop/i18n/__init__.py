"""Run-time translation: gettext catalogs in i18n/<locale>/LC_MESSAGES/eke.po, read with
Babel when a language is chosen, switchable while the program runs.

Source strings (msgids) are English; Chinese is the default interface language. Mark
strings at import time with N_ and translate them with _ where they are shown, never at
import time, so a language switch reaches every text.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

from babel.messages.pofile import read_po

from desktop.paths import I18N_DIR

DEFAULT_LANGUAGE = "zh_Hans_CN"
LANGUAGES = ("zh_Hans_CN", "mn_Mong_CN")
DOMAIN = "eke"

_current = DEFAULT_LANGUAGE
_listeners: list[Callable[[str], None]] = []


def N_(message: str) -> str:  # noqa: N802 - gettext convention
    """Mark *message* for extraction without translating it (translate where shown)."""
    return message


@cache
def _catalog(language: str) -> dict[str, str]:
    path = I18N_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"
    if not path.exists():
        return {}
    with open(path, "rb") as fh:
        catalog = read_po(fh, locale=None)
    return {str(m.id): str(m.string) for m in catalog
            if m.id and m.string and not m.fuzzy and isinstance(m.id, str)}


def catalog_path(language: str) -> Path:
    return I18N_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def _(message: str, **params: Any) -> str:  # noqa: N802 - gettext convention
    """*message* in the current language, with {placeholders} filled from *params*."""
    return translate(_current, message, **params)


def translate(language: str, message: str, **params: Any) -> str:
    """*message* in *language* (current or not), with {placeholders} filled from *params*."""
    text = _catalog(language).get(message, message)
    if params:
        try:
            return text.format(**params)
        except (KeyError, IndexError, ValueError):
            return message.format(**params)
    return text


def current_language() -> str:
    return _current


def set_language(language: str) -> None:
    """Switch the interface language and tell every listener (the UI re-sets its texts)."""
    global _current
    if language not in LANGUAGES:
        language = DEFAULT_LANGUAGE
    if language == _current:
        return
    _current = language
    for listener in list(_listeners):
        listener(language)


def on_language_change(listener: Callable[[str], None]) -> None:
    _listeners.append(listener)


def reload_catalogs() -> None:
    _catalog.cache_clear()
