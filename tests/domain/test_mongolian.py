"""Traditional Mongolian helpers against shared/mongolian.md (tests 8, 9 and 13, sorting)."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop.domain import mongolian
from desktop.domain.mongolian import (
    exact_key,
    is_mongolian,
    loose_key,
    menksoft_pua,
    normalise_input,
    sort_key,
    to_ascii,
    to_latin,
)

FVS1, FVS2, FVS3, MVS, FVS4 = "\u180b", "\u180c", "\u180d", "\u180e", "\u180f"
NNBSP = "\u202f"

# Words built from letters, with the controls that real typing puts inside them.
letters = st.sampled_from(mongolian.ALPHABET)
controls = st.sampled_from([FVS1, FVS2, FVS3, FVS4, MVS, NNBSP, "\u200c", "\u200d", " "])
mongolian_text = st.lists(st.one_of(letters, letters, letters, controls), max_size=20).map(
    "".join
)


# --- test 8: stored text keeps U+202F and FVS ------------------------------------------------

@pytest.mark.parametrize(
    "text",
    [
        "ᠮᠣᠩᠭᠣᠯ\u202fᠤᠨ",  # suffix joined by NNBSP
        "ᠴᠢᠨ\u180eᠠ",  # MVS before a separated final a
        "ᠭ\u180bᠠ\u180cᠯ\u180d",  # FVS1–3
        "ᠠ\u180f",  # FVS4 (Unicode 14)
        "ᠪ\u200dᠠ\u200c",  # joiners
    ],
)
def test_normalise_input_keeps_shaping_controls(text: str) -> None:
    assert normalise_input(text) == text
    # The contrast that makes NFKC wrong for storage: it would turn U+202F into a space.
    if NNBSP in text:
        assert unicodedata.normalize("NFKC", text) != text


def test_normalise_input_is_nfc() -> None:
    assert normalise_input("e\u0301") == "\u00e9"


# --- exact keys -----------------------------------------------------------------------------

@pytest.mark.parametrize(
    "control", [FVS1, FVS2, FVS3, FVS4, MVS, NNBSP, "\u200c", "\u200d", " ", "\u3000"]
)
def test_exact_key_drops_each_shaping_control_and_space(control: str) -> None:
    assert exact_key(f"ᠪᠠ{control}ᠲᠤ") == "ᠪᠠᠲᠤ"


def test_exact_key_keeps_letters_that_only_look_alike() -> None:
    assert exact_key("ᠮᠣᠩᠭᠣᠯ") != exact_key("ᠮᠤᠩᠭᠤᠯ")


def test_exact_key_composes_after_dropping_a_selector() -> None:
    # Without NFC after dropping, the key of the key would differ from the key.
    assert exact_key("e\u180b\u0301") == "\u00e9"


# --- test 9: loose search -------------------------------------------------------------------

@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("ᠴᠢᠨᠠ", "ᠴᠢᠨ\u180eᠠ"),
        ("ᠮᠣᠩᠭᠣᠯ", "ᠮᠤᠩᠭᠤᠯ"),
        ("ᠮᠣᠩᠭᠣᠯ\u202fᠤᠨ", "ᠮᠣᠩᠭᠣᠯ ᠤᠨ"),
        ("ᠮᠣᠩᠭᠣᠯ\u202fᠤᠨ", "ᠮᠣᠩᠭᠣᠯᠤᠨ"),
        ("ᠲᠡᠷᠡ", "ᠳᠡᠷᠡ"),
    ],
)
def test_loose_key_matches_spellings_that_look_alike(a: str, b: str) -> None:
    assert loose_key(a) == loose_key(b)


def test_loose_key_does_not_match_a_longer_word() -> None:
    # As a prefix ᠪᠠᠲᠤ does find ᠪᠠᠲᠤᠷ (that is prefix search); the keys themselves differ.
    assert loose_key("ᠪᠠᠲᠤ") != loose_key("ᠪᠠᠲᠤᠷ")
    assert loose_key("ᠪᠠᠲᠤᠷ").startswith(loose_key("ᠪᠠᠲᠤ"))


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("ᠣ", "ᠤ"),  # o/u
        ("ᠥ", "ᠦ"),  # ö/ü
        ("ᠬᠠ", "ᠭᠠ"),  # q/γ
        ("ᠵᠠ", "ᠶᠠ"),  # j/y
        ("ᠠᠲᠠ", "ᠠᠳᠠ"),  # t/d medially
        ("ᠯᠠᠯ", "ᠯᠡᠯ"),  # a/e medially
        ("ᠯᠠ", "ᠯᠡ"),  # a/e finally (same glyph as well)
    ],
)
def test_loose_key_folds_each_look_alike_pair(a: str, b: str) -> None:
    assert exact_key(a) != exact_key(b)
    assert loose_key(a) == loose_key(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("ᠠᠯᠠ", "ᠡᠯᠠ"),  # initial a and e are written differently
        ("ᠣ", "ᠥ"),  # o/u and ö/ü stay apart
        ("ᠨᠠ", "ᠩᠠ"),
        ("ᠪᠠ", "ᠫᠠ"),
    ],
)
def test_loose_key_keeps_letters_that_are_written_differently(a: str, b: str) -> None:
    assert loose_key(a) != loose_key(b)


@given(mongolian_text)
def test_keys_are_idempotent(text: str) -> None:
    assert exact_key(exact_key(text)) == exact_key(text)
    assert loose_key(loose_key(text)) == loose_key(text)
    assert loose_key(exact_key(text)) == loose_key(text)


@given(st.text())
def test_keys_of_any_text_are_idempotent_and_ignore_normalisation(text: str) -> None:
    assert exact_key(exact_key(text)) == exact_key(text)
    assert loose_key(loose_key(text)) == loose_key(text)
    assert exact_key(normalise_input(text)) == exact_key(text)
    assert loose_key(normalise_input(text)) == loose_key(text)


@given(mongolian_text, mongolian_text)
def test_loose_key_of_a_prefix_is_a_prefix_of_the_loose_key(head: str, tail: str) -> None:
    # Prefix search on loose keys relies on this: typing the start of a word must give the
    # start of the word's key, whatever follows.
    assert loose_key(head + tail).startswith(loose_key(head))
    assert exact_key(head + tail).startswith(exact_key(head))


# --- detection ------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("text", "expected"),
    [("ᠮᠣᠩᠭᠣᠯ", True), ("王丽 ᠪᠠᠲᠤ", True), ("᠑᠒", True), ("王丽", False), ("Batu", False),
     ("", False), ("\u202f", False)],
)
def test_is_mongolian(text: str, expected: bool) -> None:
    assert is_mongolian(text) is expected


# --- test 13: Menksoft legacy PUA -----------------------------------------------------------

@pytest.mark.parametrize(
    ("text", "positions"),
    [
        ("a\ue234b\ue71d", [1, 3]),  # both ends of the range
        ("\ue300\ue301", [0, 1]),
        ("\ue233\ue71e", []),  # just outside
        ("ᠮᠣᠩᠭᠣᠯ\u202fᠤᠨ", []),  # Unicode Mongolian is not legacy
        ("", []),
    ],
)
def test_menksoft_pua_positions(text: str, positions: list[int]) -> None:
    assert menksoft_pua(text) == positions


# --- transliteration ------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("text", "latin", "ascii"),
    [
        ("ᠮᠣᠩᠭᠣᠯ", "mongγol", "monggol"),
        ("ᠮᠣᠩᠭᠣᠯ\u202fᠤᠨ", "mongγol-un", "monggol-un"),
        ("ᠴᠢᠨ\u180eᠠ", "čina", "china"),  # MVS is shaping only
        ("ᠴᠢᠩᠭᠢᠰ", "čingγis", "chinggis"),
        ("ᠥᠨᠳᠦᠷ", "öndür", "ondur"),
        ("ᠵᠠᠶᠠ", "ǰaya", "jaya"),
        ("ᠱᠢᠷ\u180bᠠ", "šira", "shira"),
        ("ᠪᠠᠲᠤ ᠡᠷᠳᠡᠨᠢ", "batu erdeni", "batu erdeni"),
        ("᠑᠙᠒᠐", "1920", "1920"),
        ("王丽", "王丽", ""),  # other scripts pass to_latin; the ASCII fold drops them
    ],
)
def test_transliteration(text: str, latin: str, ascii: str) -> None:
    assert to_latin(text) == latin
    assert to_ascii(text) == ascii


@given(st.text())
def test_ascii_transliteration_is_ascii(text: str) -> None:
    assert to_ascii(text).isascii()


def test_every_alphabet_letter_has_a_transliteration() -> None:
    for letter in mongolian.ALPHABET:
        assert to_ascii(letter) and to_ascii(letter).isalpha(), hex(ord(letter))
        assert not is_mongolian(to_latin(letter)), hex(ord(letter))


# --- sorting --------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("unsorted", "expected"),
    [
        # Alphabet order: a e i o u ö ü n ŋ b p q γ m l s š t d č ǰ y r w …
        (["ᠷᠠ", "ᠪᠠ", "ᠡᠯ", "ᠨᠠ", "ᠠᠯ", "ᠭᠠ", "ᠬᠠ"], ["ᠠᠯ", "ᠡᠯ", "ᠨᠠ", "ᠪᠠ", "ᠬᠠ", "ᠭᠠ", "ᠷᠠ"]),
        # FVS ignored: by code point ᠪᠠᠲᠤ<FVS1>ᠷ would come first (U+180B < U+1820).
        (["ᠪᠠᠲᠤ\u180bᠷ", "ᠪᠠᠲᠤᠠ"], ["ᠪᠠᠲᠤᠠ", "ᠪᠠᠲᠤ\u180bᠷ"]),
        # A word break (space or U+202F) sorts before any letter; U+202F's code point is high.
        (["ᠮᠣᠩᠭᠣᠯᠠ", "ᠮᠣᠩᠭᠣᠯ\u202fᠤᠨ"], ["ᠮᠣᠩᠭᠣᠯ\u202fᠤᠨ", "ᠮᠣᠩᠭᠣᠯᠠ"]),
        (["ᠪᠠᠲᠤᠷ", "ᠪᠠᠲᠤ ᠡᠷᠳᠡᠨᠢ", "ᠪᠠᠲᠤ"], ["ᠪᠠᠲᠤ", "ᠪᠠᠲᠤ ᠡᠷᠳᠡᠨᠢ", "ᠪᠠᠲᠤᠷ"]),
        # Todo/Manchu letters of the block come after the traditional alphabet.
        (["\u1865", "ᡂ"], ["ᡂ", "\u1865"]),
    ],
)
def test_sort_order(unsorted: list[str], expected: list[str]) -> None:
    assert sorted(unsorted, key=sort_key) == expected


@pytest.mark.parametrize(
    ("a", "b"),
    [("ᠴᠢᠨᠠ", "ᠴᠢᠨ\u180eᠠ"), ("ᠭᠠ", "ᠭ\u180bᠠ"), ("ᠠ\u180f", "ᠠ"),
     ("ᠪᠠᠲᠤ  ᠡ", "ᠪᠠᠲᠤ\u202fᠡ"), (" ᠠ\u202f\u180b", "ᠠ")],
)
def test_sort_key_ignores_selectors_and_treats_breaks_alike(a: str, b: str) -> None:
    assert sort_key(a) == sort_key(b)


@given(mongolian_text, st.lists(st.sampled_from([FVS1, FVS2, FVS3, FVS4, MVS]), max_size=3))
def test_sort_key_ignores_inserted_selectors(text: str, selectors: list[str]) -> None:
    spliced = text
    for i, selector in enumerate(selectors):
        cut = (i * 7) % (len(spliced) + 1)
        spliced = spliced[:cut] + selector + spliced[cut:]
    assert sort_key(spliced) == sort_key(text)
