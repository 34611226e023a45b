"""Traditional Mongolian script (Unicode block U+1800–U+18AF): keys, order, transliteration.

Source: shared/mongolian.md ("Search keys", "Sorting", "Legacy input"). Stored text is kept
exactly as typed (NFC only); everything here that drops or folds characters produces
throw-away keys for searching and sorting, never text to store or show.
"""

from __future__ import annotations

import unicodedata

# Free variation selectors FVS1–3 and FVS4 (added in Unicode 14, used by the UTN #57 shaping
# rules), and the vowel separator MVS. They only choose a glyph, so two spellings that differ
# only in them are the same word to the person searching.
FVS = frozenset("\u180b\u180c\u180d\u180f")
MVS = "\u180e"
NNBSP = "\u202f"  # narrow no-break space: joins a suffix to its stem and selects its form
ZWNJ = "\u200c"
ZWJ = "\u200d"

# Joiners and spaces the exact key drops. Spaces go too, so "ᠮᠣᠩᠭᠣᠯ ᠤᠨ", "ᠮᠣᠩᠭᠣᠯ\u202fᠤᠨ" and
# "ᠮᠣᠩᠭᠣᠯᠤᠨ" (all seen in real typing) share one key. U+200B and U+2060 are invisible too.
_SHAPING_CONTROLS = FVS | {MVS, ZWNJ, ZWJ, NNBSP, "\u200b", "\u2060", "\ufeff"}

# The traditional alphabet order (shared/mongolian.md "Sorting"). It coincides with code point
# order U+1820–U+1842; U+1827 ᠧ (ē, used in loan words) is not in the traditional list and sits
# after the other vowels, where its code point puts it.
ALPHABET = (
    "\u1820\u1821\u1822\u1823\u1824\u1825\u1826\u1827"  # a e i o u ö ü ē
    "\u1828\u1829\u182a\u182b\u182c\u182d\u182e\u182f"  # n ŋ b p q γ m l
    "\u1830\u1831\u1832\u1833\u1834\u1835\u1836\u1837"  # s š t d č ǰ y r
    "\u1838\u1839\u183a\u183b\u183c\u183d\u183e\u183f"  # w f k kh c z h ž
    "\u1840\u1841\u1842"  # lh zh ch
)
_RANK = {ch: i for i, ch in enumerate(ALPHABET)}
# Sort ranks: word breaks first (so "ᠪᠠᠲᠤ ᠡᠷᠳᠡᠨᠢ" comes before "ᠪᠠᠲᠤᠷ"), then the alphabet,
# then the rest of the block (Todo, Sibe, Manchu letters) by code point, then everything else.
_SORT_WORD_BREAK = 0
_SORT_ALPHABET_BASE = 1
_SORT_BLOCK_BASE = _SORT_ALPHABET_BASE + len(ALPHABET)
_SORT_OTHER_BASE = _SORT_BLOCK_BASE + 0x100

# Letters that look the same in handwriting and print, folded for the loose key. Each pair maps
# onto its first member in alphabet order.
_FOLD_EVERYWHERE = {
    "\u1824": "\u1823",  # u → o: ᠣ and ᠤ share every positional form
    "\u1826": "\u1825",  # ü → ö: ᠥ and ᠦ share every positional form
    "\u182d": "\u182c",  # γ → q: told apart mainly by dots that handwriting often leaves out
    "\u1836": "\u1835",  # y → ǰ: the spec lists j/y with no position, so everywhere
    # t/d: the spec says "medially", but its own test 9 pairs ᠲᠡᠷᠡ with ᠳᠡᠷᠡ, which differ in
    # the initial letter, so we fold everywhere. The cost is a few extra candidate matches in a
    # list the health worker picks from, which is cheaper than a record that cannot be found.
    "\u1833": "\u1832",  # d → t
}
# a and e differ only in the initial form; medial and final ᠠ/ᠡ are the same glyph, so a
# writer copying from a handbook cannot tell them apart except at the start of a word.
_FOLD_AFTER_INITIAL = {"\u1821": "\u1820"}  # e → a

# Scholarly transliteration (close to Poppe / Library of Congress), our own table because
# ICU's Mongolian transliterator covers only Cyrillic.
_LATIN = {
    "\u1820": "a", "\u1821": "e", "\u1822": "i", "\u1823": "o", "\u1824": "u",
    "\u1825": "ö", "\u1826": "ü", "\u1827": "ē", "\u1828": "n", "\u1829": "ng",
    "\u182a": "b", "\u182b": "p", "\u182c": "q", "\u182d": "γ", "\u182e": "m",
    "\u182f": "l", "\u1830": "s", "\u1831": "š", "\u1832": "t", "\u1833": "d",
    "\u1834": "č", "\u1835": "ǰ", "\u1836": "y", "\u1837": "r", "\u1838": "w",
    "\u1839": "f", "\u183a": "k", "\u183b": "kh", "\u183c": "c", "\u183d": "z",
    "\u183e": "h", "\u183f": "ž", "\u1840": "lh", "\u1841": "zh", "\u1842": "ch",
    "\u1802": ",", "\u1803": ".", "\u1800": "", "\u180a": "",
    NNBSP: "-",  # scholarly practice writes suffixes with a hyphen: mongγol-un
}
# The ASCII fold is a separate table, not a diacritic strip of _LATIN: γ does not decompose
# under NFKD, and stripping the caron from š, č, ž would give s, c, z where people on a Latin
# keyboard type sh, ch, zh.
_ASCII = {
    **{ch: latin for ch, latin in _LATIN.items() if latin.isascii()},
    "\u1825": "o", "\u1826": "u", "\u1827": "e", "\u182d": "g",
    "\u1831": "sh", "\u1834": "ch", "\u1835": "j", "\u183f": "zh",
}
for _digit in range(10):
    _LATIN[chr(0x1810 + _digit)] = str(_digit)  # Mongolian digits ᠐–᠙
    _ASCII[chr(0x1810 + _digit)] = str(_digit)

# Menksoft's older input method wrote glyph codes into the Private Use Area.
MENKSOFT_PUA_FIRST = 0xE234
MENKSOFT_PUA_LAST = 0xE71D


def normalise_input(text: str) -> str:
    """Text as it is stored: NFC and nothing else.

    Never NFKC: it maps U+202F (which selects a suffix's form) to a plain space and so changes
    how the word is written. NFKC belongs only inside throw-away search keys.
    """
    return unicodedata.normalize("NFC", text)


def is_mongolian_letter(ch: str) -> bool:
    """True for a letter of the Mongolian block (including Todo, Sibe and Manchu letters)."""
    return "\u1820" <= ch <= "\u18aa"


def is_mongolian(text: str) -> bool:
    """True when *text* contains at least one character of the Mongolian block U+1800–U+18AF."""
    return any("\u1800" <= ch <= "\u18af" for ch in text)


def _is_dropped(ch: str) -> bool:
    return ch in _SHAPING_CONTROLS or ch.isspace()


def exact_key(text: str) -> str:
    """Search key that ignores only how a word is shaped and spaced.

    Drops FVS1–4, MVS, ZWJ/ZWNJ, U+202F and all spaces. NFC is applied before (so canonically
    equal input gives one key) and after (dropping a selector can bring a base letter and a
    combining mark together), which makes the key idempotent.
    """
    kept = "".join(ch for ch in unicodedata.normalize("NFC", text) if not _is_dropped(ch))
    return unicodedata.normalize("NFC", kept)


def loose_key(text: str) -> str:
    """Exact key with letters that look alike in writing folded together.

    Folds o/u, ö/ü, t/d, q/γ and j/y everywhere and a/e except at the start of a word (or of
    the key). Spaces are gone by then, so the second word of a phrase counts as medial; that is
    consistent for stored names and queries alike, and names are also keyed word by word.
    """
    key = exact_key(text)
    out: list[str] = []
    previous_is_letter = False
    for ch in key:
        folded = _FOLD_EVERYWHERE.get(ch, ch)
        if previous_is_letter:
            folded = _FOLD_AFTER_INITIAL.get(folded, folded)
        out.append(folded)
        previous_is_letter = is_mongolian_letter(ch)
    return "".join(out)


def sort_key(text: str) -> tuple[int, ...]:
    """Key ordering Mongolian text by the traditional alphabet, ignoring FVS, MVS and joiners.

    Runs of spaces and U+202F count as one word break, which sorts before any letter; breaks
    at either end do not count.
    """
    ranks: list[int] = []
    for ch in unicodedata.normalize("NFC", text):
        if ch in FVS or ch in (MVS, ZWJ, ZWNJ, "\u200b", "\u2060", "\ufeff"):
            continue
        if ch == NNBSP or ch.isspace():
            if ranks and ranks[-1] != _SORT_WORD_BREAK:
                ranks.append(_SORT_WORD_BREAK)
            continue
        if ch in _RANK:
            ranks.append(_SORT_ALPHABET_BASE + _RANK[ch])
        elif "\u1800" <= ch <= "\u18ff":
            ranks.append(_SORT_BLOCK_BASE + ord(ch) - 0x1800)
        else:
            ranks.append(_SORT_OTHER_BASE + ord(ch))
    if ranks and ranks[-1] == _SORT_WORD_BREAK:
        ranks.pop()  # leading breaks are never added; trailing ones must not count either
    return tuple(ranks)


def _transliterate(text: str, table: dict[str, str]) -> str:
    out: list[str] = []
    for ch in unicodedata.normalize("NFC", text):
        if ch in FVS or ch in (MVS, ZWJ, ZWNJ):
            continue  # shaping only; "ᠴᠢᠨ᠎ᠠ" is čina, not čin-a
        out.append(table.get(ch, ch))
    return "".join(out)


def to_latin(text: str) -> str:
    """Scholarly transliteration with diacritics (ᠮᠣᠩᠭᠣᠯ → mongγol); other characters pass."""
    return _transliterate(text, _LATIN)


def to_ascii(text: str) -> str:
    """ASCII-only transliteration for search keys (ᠮᠣᠩᠭᠣᠯ → monggol, ᠰᠢᠷᠠ → shira).

    Mongolian letters map through our table; anything else left non-ASCII is decomposed and
    stripped of accents, and dropped if that does not make it ASCII.
    """
    mapped = _transliterate(text, _ASCII)
    decomposed = unicodedata.normalize("NFKD", mapped)
    return "".join(ch for ch in decomposed if ch.isascii())


def menksoft_pua(text: str) -> list[int]:
    """Indexes into *text* of Menksoft legacy Private Use Area code points (U+E234–U+E71D).

    Such text shows as boxes or wrong letters in any Unicode font and cannot be searched, so
    paste and import warn about it. Converting it needs Menksoft's glyph tables (not done).
    """
    return [
        i for i, ch in enumerate(text) if MENKSOFT_PUA_FIRST <= ord(ch) <= MENKSOFT_PUA_LAST
    ]
