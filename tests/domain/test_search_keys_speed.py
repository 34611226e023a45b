"""The shortcuts that make keying 100,000 demo persons fast give the keys of the long way."""

from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from desktop.domain import search_keys
from desktop.domain.search_keys import _ascii_alnum_upper, person_keys


def _long_way(text: str) -> str:
    """_ascii_alnum_upper without its ASCII shortcut."""
    out = []
    for ch in unicodedata.normalize("NFKC", text):
        if ch.isdecimal():
            out.append(str(unicodedata.decimal(ch)))
        elif ch.isascii() and ch.isalpha():
            out.append(ch.upper())
    return "".join(out)


@given(st.text(alphabet=st.characters(max_codepoint=127)))
def test_ascii_shortcut_keeps_the_same_characters(text: str) -> None:
    assert _ascii_alnum_upper(text) == _long_way(text)


@given(st.text())
def test_any_text_keeps_the_same_characters(text: str) -> None:
    assert _ascii_alnum_upper(text) == _long_way(text)


def test_a_name_keyed_again_gives_the_same_keys_whatever_the_caller_did() -> None:
    first = person_keys("王丽", "ᠰᠠᠷᠠᠨ", "Saran", None, None, None)
    expected = set(first)
    first.clear()  # a caller's set is its own: the remembered keys of the name stay
    assert person_keys("王丽", "ᠰᠠᠷᠠᠨ", "Saran", None, None, None) == expected
    search_keys._name_keys.cache_clear()
    assert person_keys("王丽", "ᠰᠠᠷᠠᠨ", "Saran", None, None, None) == expected
    assert {"z:丽", "p:wangli", "i:wl", "r:saran"} <= expected
