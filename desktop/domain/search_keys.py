"""Prefix-searchable keys for people, and the keys to look up for what a user types.

Design §7: FTS5 cannot split Chinese and its trigram tokenizer needs three characters, while
most given names have one or two, so the store keeps its own index of normalised keys and
finds people by prefix range scans (``key >= lo AND key < hi``, see :func:`prefix_range`).

Every key starts with its kind so that kinds never collide (a phone number never matches a
handbook number that happens to share digits, "li" as pinyin never matches "li" as Latin):

==== =====================================================================================
z:   Chinese characters: the name and every suffix of it (丽 finds 王丽)
p:   full pinyin without tones, for the name and every suffix (wangli, li)
i:   pinyin initials, for the name and every suffix (wl, l)
m:   Mongolian exact key (shaping controls and spaces dropped), whole name and each word
l:   Mongolian loose key (look-alike letters folded), whole name and each word
r:   Latin: the Latin name and the ASCII transliteration of the Mongolian name, lower-case
     ASCII, whole name and each word
d:   resident ID: the whole ID and its last 4 and 6 characters
t:   telephone: all digits and the last 4
h:   handbook number: letters and digits, upper-case
==== =====================================================================================

Keys are throw-away: they may use NFKC (which is wrong for stored text, see
:func:`desktop.domain.mongolian.normalise_input`) and lose information freely.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

from desktop.domain import mongolian
from desktop.domain.ids import normalise_resident_id

KIND_CHINESE = "z:"
KIND_PINYIN = "p:"
KIND_INITIALS = "i:"
KIND_MONGOLIAN_EXACT = "m:"
KIND_MONGOLIAN_LOOSE = "l:"
KIND_LATIN = "r:"
KIND_RESIDENT_ID = "d:"
KIND_PHONE = "t:"
KIND_HANDBOOK = "h:"
KINDS = (
    KIND_CHINESE, KIND_PINYIN, KIND_INITIALS, KIND_MONGOLIAN_EXACT, KIND_MONGOLIAN_LOOSE,
    KIND_LATIN, KIND_RESIDENT_ID, KIND_PHONE, KIND_HANDBOOK,
)

# Surnames whose reading differs from the character's everyday reading, which is what pypinyin
# picks. Written with tone numbers (TONE3) so that sorting can use the tone; the toneless
# pinyin is derived. Compound surnames are matched first.
COMPOUND_SURNAMES = {
    "尉迟": ("yu4", "chi2"), "长孙": ("zhang3", "sun1"), "万俟": ("mo4", "qi2"),
    "单于": ("chan2", "yu2"), "澹台": ("tan2", "tai2"), "令狐": ("ling2", "hu2"),
}
SURNAMES = {
    "曾": "zeng1", "单": "shan4", "解": "xie4", "区": "ou1", "仇": "qiu2", "朴": "piao2",
    "查": "zha1", "盖": "ge3", "乐": "yue4", "覃": "qin2", "缪": "miao4", "翟": "zhai2",
    "召": "shao4", "繁": "po2", "员": "yun4", "黑": "he4", "种": "chong2", "秘": "bi4",
    "蕃": "pi2", "句": "gou1", "宓": "mi4", "阚": "kan4", "折": "she2", "隗": "wei3",
    "眭": "sui1", "过": "guo1", "重": "chong2", "褚": "chu3", "任": "ren2", "华": "hua4",
    "纪": "ji3", "燕": "yan1", "那": "na1", "尉": "wei4", "牟": "mou2", "薄": "bo2",
    "冼": "xian3", "都": "du1", "曲": "qu1", "应": "ying1", "盛": "sheng4",
}

# Separators inside names: spaces are dropped by the isspace test; these are the dots used in
# transcribed minority and foreign names (乌云·其其格) and hyphens in Latin names.
_NAME_SEPARATORS = frozenset("·•‧・.-‐‑–—'’_/")
_HAN_RANGES = (
    (0x3007, 0x3007),  # 〇
    (0x3400, 0x4DBF),  # extension A
    (0x4E00, 0x9FFF),  # unified ideographs
    (0xF900, 0xFAFF),  # compatibility ideographs (NFKC maps most onto unified ones)
    (0x20000, 0x323AF),  # extensions B–H: rare characters do occur in names
)
# Joiners outside the Mongolian block that belong inside a Mongolian word (FVS and MVS are
# inside the block).
_MONGOLIAN_JOINERS = frozenset("\u200c\u200d\u202f")


def is_han(ch: str) -> bool:
    """True for a Chinese character (CJK unified or compatibility ideograph, or 〇)."""
    code = ord(ch)
    return any(low <= code <= high for low, high in _HAN_RANGES)


def _fold(text: str) -> str:
    """NFKC for keys: full-width letters and digits become ASCII, compatibility ideographs
    become unified ones. Safe only because keys are never shown or stored as text."""
    return unicodedata.normalize("NFKC", text)


def _han_chars(text: str) -> str:
    return "".join(ch for ch in _fold(text) if is_han(ch))


def _no_reading(chars: str) -> list[str]:
    # One empty syllable per unknown character keeps syllables aligned with characters.
    return [""] * len(chars)


def _everyday_reading(han: str) -> list[str]:
    """pypinyin's TONE3 reading of a string of Chinese characters, one syllable per character."""
    # Imported on first use: loading its dictionaries took a fifth of the program's start.
    from pypinyin import Style, lazy_pinyin

    syllables = list(lazy_pinyin(han, style=Style.TONE3, neutral_tone_with_five=True,
                                 errors=_no_reading))
    if len(syllables) != len(han):
        # Suffix keys rely on alignment; reading character by character never loses it.
        syllables = [
            (lazy_pinyin(ch, style=Style.TONE3, neutral_tone_with_five=True,
                         errors=_no_reading) or [""])[0]
            for ch in han
        ]
    return syllables


def _with_surname(han: str, syllables: list[str]) -> list[str]:
    out = list(syllables)
    # A compound surname needs a given name after it; a two-character name 单于 is more
    # likely surname 单 plus given name 于.
    if len(han) >= 3 and han[:2] in COMPOUND_SURNAMES:
        out[:2] = COMPOUND_SURNAMES[han[:2]]
    elif han and han[0] in SURNAMES:
        out[0] = SURNAMES[han[0]]
    return out


def pinyin_with_tones(name: str) -> list[str]:
    """One TONE3 syllable per Chinese character of *name* (neutral tone 5), surname-aware.

    Non-Chinese characters are skipped; a character pypinyin does not know gives "". The first
    character (or two, for a compound surname) is read as a surname from :data:`SURNAMES`;
    the rest takes pypinyin's reading in context (heteronyms off).
    """
    han = _han_chars(name)
    return _with_surname(han, _everyday_reading(han))


def _toneless(syllable: str) -> str:
    # pypinyin writes ü as "v"; fold it to "u" because queries reach us as "lv", "lu" or "lü"
    # (NFKD turns that into "lu"), and "v" is no pinyin letter otherwise.
    return syllable.rstrip("012345").replace("v", "u")


def pinyin(name: str) -> list[str]:
    """Toneless pinyin, one syllable per Chinese character (曾国藩 → zeng guo fan)."""
    return [_toneless(s) for s in pinyin_with_tones(name)]


# Latin letters NFKD does not decompose, spelled the way a Latin keyboard user would type them.
# γ and ə come from scholarly transliterations of Mongolian typed into the Latin name field.
_LATIN_EXTRA = str.maketrans({
    "ø": "o", "æ": "ae", "œ": "oe", "đ": "d", "ð": "d", "þ": "th", "ł": "l", "ŋ": "ng",
    "ı": "i", "ə": "e", "γ": "g",
})


def _latin_words(text: str) -> list[str]:
    """Lower-case ASCII words of a Latin-script name: accents stripped, ß → ss, others dropped.

    Words break at spaces, hyphens, dots and other ASCII punctuation. Non-ASCII letters that
    cannot be folded (Cyrillic, Chinese, Mongolian) are dropped: r: keys are ASCII by contract
    and those scripts have their own kinds.
    """
    folded = unicodedata.normalize("NFKD", _fold(text).casefold().translate(_LATIN_EXTRA))
    words: list[str] = []
    current: list[str] = []
    for ch in folded:
        if ch.isascii() and ch.isalnum():
            current.append(ch)
        elif ch.isascii() or ch.isspace() or ch in _NAME_SEPARATORS:
            if current:
                words.append("".join(current))
                current = []
    if current:
        words.append("".join(current))
    return words


def _mongolian_words(text: str) -> list[str]:
    """Space-separated Mongolian words of *text*, keeping FVS, MVS, joiners and U+202F.

    U+202F does not split: it joins a suffix to its stem within one word. Characters of other
    scripts act as word breaks; they are keyed by their own kinds.
    """
    kept = "".join(
        ch if ("\u1800" <= ch <= "\u18af" or ch in _MONGOLIAN_JOINERS) else " "
        for ch in mongolian.normalise_input(text)
    )
    return kept.split()


def _chinese_keys(text: str) -> set[str]:
    han = _han_chars(text)
    if not han:
        return set()
    everyday = _everyday_reading(han)
    syllables = [_toneless(s) for s in _with_surname(han, everyday)]
    keys: set[str] = set()
    for start in range(len(han)):
        keys.add(KIND_CHINESE + han[start:])
        keys |= _pinyin_keys(syllables[start:])
    # Someone who reads 曾 or 单 without knowing it is a surname types the everyday reading;
    # let that find the person too. Sorting uses only the surname reading.
    keys |= _pinyin_keys([_toneless(s) for s in everyday])
    return keys


def _pinyin_keys(syllables: list[str]) -> set[str]:
    known = [s for s in syllables if s]
    if not known:
        return set()
    return {KIND_PINYIN + "".join(known), KIND_INITIALS + "".join(s[0] for s in known)}


def _mongolian_keys(text: str) -> set[str]:
    words = _mongolian_words(text)
    keys: set[str] = set()
    for part in [" ".join(words), *words]:
        exact = mongolian.exact_key(part)
        if not exact:
            continue  # a word of joiners only
        keys.add(KIND_MONGOLIAN_EXACT + exact)
        keys.add(KIND_MONGOLIAN_LOOSE + mongolian.loose_key(part))
        latin = "".join(_latin_words(mongolian.to_ascii(part)))
        if latin:
            keys.add(KIND_LATIN + latin)
    return keys


def _latin_keys(text: str) -> set[str]:
    words = _latin_words(text)
    if not words:
        return set()
    return {KIND_LATIN + "".join(words)} | {KIND_LATIN + w for w in words}


@lru_cache(maxsize=16384)
def _name_keys(text: str) -> frozenset[str]:
    # Names repeat a lot (a township has a few thousand distinct ones) and pinyin is the
    # slow part of keying a person, so the keys of a name are computed once per process.
    # Every name field is keyed by every script found in it: a Chinese transcription typed
    # into the Mongolian field, or Latin into the Chinese one, is still found.
    return frozenset(_chinese_keys(text) | _mongolian_keys(text) | _latin_keys(text))


_NOT_ASCII_ALNUM = re.compile(r"[^0-9A-Za-z]")


def _ascii_alnum_upper(text: str) -> str:
    """Digits of any script as ASCII (full-width, Mongolian ᠐–᠙) and ASCII letters upper-cased;
    everything else (spaces, hyphens) dropped."""
    if text.isascii():  # NFKC and decimal() change nothing in ASCII
        return _NOT_ASCII_ALNUM.sub("", text).upper()
    out: list[str] = []
    for ch in _fold(text):
        if ch.isdecimal():
            out.append(str(unicodedata.decimal(ch)))
        elif ch.isascii() and ch.isalpha():
            out.append(ch.upper())
    return "".join(out)


def _resident_id(text: str) -> str:
    return _ascii_alnum_upper(normalise_resident_id(text))


def _phone_digits(text: str) -> str:
    """All digits of a phone number, without China's country code (+86, 0086, 86 + mobile)."""
    digits = "".join(ch for ch in _ascii_alnum_upper(text) if ch.isdigit())
    typed = _fold(text).strip()
    if typed.startswith("+86"):
        return digits[2:]
    if typed.startswith("0086") and len(digits) > 11:
        return digits[4:]
    if len(digits) == 13 and digits.startswith("861"):
        return digits[2:]  # a mobile number with the country code but no "+"
    return digits


def _tail_keys(kind: str, value: str, lengths: Iterable[int]) -> set[str]:
    keys = {kind + value} if value else set()
    for n in lengths:
        if len(value) > n:
            keys.add(kind + value[-n:])
    return keys


def person_keys(
    name_zh: str | None,
    name_mn: str | None,
    name_latin: str | None,
    resident_id: str | None,
    phone: str | None,
    handbook_no: str | None,
) -> set[str]:
    """All search keys for one person; each starts with its kind (see the module docstring).

    Pure: the caller stores them (replacing the person's old keys) in the same transaction
    as the change to the person.
    """
    keys: set[str] = set()
    for name in (name_zh, name_mn, name_latin):
        if name:
            keys |= _name_keys(name)
    if resident_id:
        keys |= _tail_keys(KIND_RESIDENT_ID, _resident_id(resident_id), (4, 6))
    if phone:
        keys |= _tail_keys(KIND_PHONE, _phone_digits(phone), (4,))
    if handbook_no:
        keys |= _tail_keys(KIND_HANDBOOK, _ascii_alnum_upper(handbook_no), ())
    return keys


def query_keys(query: str) -> list[str]:
    """Keys to look up by prefix for what the user typed, most specific kinds first.

    The query is one term: spaces inside it are ignored (so "wang li" finds 王丽). A query
    with any digit is a number (ID, phone, handbook); otherwise each script in it gives keys of
    its kinds: Chinese characters → z:, Latin letters → p:, i: and r:, Mongolian → m: and l:.
    A person matches when any of their keys starts with any returned key.
    """
    keys: list[str] = []
    if any(ch.isdecimal() for ch in _fold(query)):
        number = _ascii_alnum_upper(query)
        if re.fullmatch(r"[0-9]+X?", number):
            keys.append(KIND_RESIDENT_ID + number)
        if number.isdigit():
            keys.append(KIND_PHONE + _phone_digits(query))
        if number:
            keys.append(KIND_HANDBOOK + number)
        return keys
    han = _han_chars(query)
    if han:
        keys.append(KIND_CHINESE + han)
    latin = "".join(_latin_words(query))
    if latin:
        keys += [KIND_PINYIN + latin.replace("v", "u"), KIND_INITIALS + latin.replace("v", "u"),
                 KIND_LATIN + latin]
    words = _mongolian_words(query)
    exact = mongolian.exact_key(" ".join(words))
    if exact:
        keys += [KIND_MONGOLIAN_EXACT + exact,
                 KIND_MONGOLIAN_LOOSE + mongolian.loose_key(" ".join(words))]
    return list(dict.fromkeys(keys))


def prefix_range(key: str) -> tuple[str, str]:
    """(low, high) such that ``low <= k < high`` exactly when k starts with *key*.

    High is *key* with its last character incremented. SQLite compares TEXT as UTF-8 bytes,
    whose order is code point order, so this is an index range scan. Surrogates cannot be
    stored, so U+D7FF steps to U+E000; U+10FFFF carries into the previous character.
    """
    if not key:
        raise ValueError("an empty prefix matches every key of every kind")
    head = key
    while head and head[-1] == "\U0010ffff":
        head = head[:-1]
    if not head:
        raise ValueError("no upper bound for a prefix of U+10FFFF only")
    last = ord(head[-1]) + 1
    if 0xD800 <= last <= 0xDFFF:
        last = 0xE000
    return key, head[:-1] + chr(last)


ZhSortKey = tuple[int, tuple[str, ...], tuple[int, ...], str]
MnSortKey = tuple[int, tuple[int, ...]]


def _zh_sort_key(name_zh: str | None) -> ZhSortKey:
    text = _fold(name_zh or "").strip()
    tones = pinyin_with_tones(text)
    if tones:
        syllables = tuple(_toneless(s) for s in tones)
        tone_numbers = tuple(int(s[-1]) if s[-1:].isdigit() else 0 for s in tones)
    else:
        syllables, tone_numbers = tuple(_latin_words(text)), ()
    # Dictionary order: syllables letter by letter (wan before wang), then tones, then the
    # characters themselves so different names with one reading keep a stable order.
    return (0 if text else 1, syllables, tone_numbers, text)


def _mn_sort_key(name_mn: str | None) -> MnSortKey:
    key = mongolian.sort_key(name_mn or "")
    return (0 if key else 1, key)


def display_sort_key(
    name_zh: str | None, name_mn: str | None, *, mongolian_first: bool = False
) -> tuple[ZhSortKey, MnSortKey] | tuple[MnSortKey, ZhSortKey]:
    """Sort key for lists of people: Chinese names by pinyin (surname-aware, then tone),
    Mongolian names by the traditional alphabet ignoring FVS/MVS.

    By default the Chinese name decides and the Mongolian one breaks ties; the Mongolian UI
    passes ``mongolian_first=True``. People without the leading name sort after those with it.
    Only compare keys made with the same ``mongolian_first``.
    """
    zh, mn = _zh_sort_key(name_zh), _mn_sort_key(name_mn)
    return (mn, zh) if mongolian_first else (zh, mn)
