"""Search keys for people (design §7, shared/mongolian.md "Search keys", test 10)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop.domain import mongolian
from desktop.domain.mongolian import normalise_input
from desktop.domain.search_keys import (
    KINDS,
    display_sort_key,
    person_keys,
    pinyin,
    pinyin_with_tones,
    prefix_range,
    query_keys,
)


def keys(
    zh: str = "", mn: str = "", latin: str = "", rid: str = "", phone: str = "",
    handbook: str = "",
) -> set[str]:
    return person_keys(zh, mn, latin, rid, phone, handbook)


def finds(person: set[str], query: str) -> bool:
    """What the store does: a person matches when a key starts with a query key."""
    return any(key.startswith(q) for q in query_keys(query) for key in person)


# --- test 10 and the surname table ----------------------------------------------------------

@pytest.mark.parametrize(
    ("name", "full"),
    [
        ("曾国藩", "zengguofan"),  # pypinyin alone says ceng
        ("单丽", "shanli"),  # pypinyin alone says dan
        ("解放", "xiefang"),  # pypinyin alone says jie
        ("区海", "ouhai"),
        ("仇英", "qiuying"),
        ("朴成", "piaocheng"),
        ("查明", "zhaming"),
        ("盖军", "gejun"),
        ("乐静", "yuejing"),
        ("覃红", "qinhong"),
        ("翟丽", "zhaili"),
        ("长孙无忌", "zhangsunwuji"),
        ("尉迟恭", "yuchigong"),
        ("万俟卨", "moqixie"),
        ("王丽", "wangli"),
        ("乌云其其格", "wuyunqiqige"),
        ("斯琴高娃", "siqingaowa"),
        ("吕丽", "luli"),  # ü folded to u (pypinyin writes lv)
        ("丽", "li"),
    ],
)
def test_full_pinyin(name: str, full: str) -> None:
    assert "".join(pinyin(name)) == full
    assert "p:" + full in keys(zh=name)


def test_surname_reading_only_applies_to_the_first_character() -> None:
    # 曾 inside a given name keeps its everyday reading (曾经 céng).
    assert pinyin("王曾") == ["wang", "ceng"]


def test_tones_follow_the_surname_table() -> None:
    assert pinyin_with_tones("单丽") == ["shan4", "li4"]
    assert pinyin_with_tones("曾国藩") == ["zeng1", "guo2", "fan1"]


@pytest.mark.parametrize(
    ("name", "initials"),
    [("王丽", "wl"), ("曾国藩", "zgf"), ("张三丰", "zsf"), ("单丽", "sl"), ("丽", "l")],
)
def test_initials(name: str, initials: str) -> None:
    assert "i:" + initials in keys(zh=name)
    assert finds(keys(zh=name), initials)


def test_the_everyday_reading_of_a_surname_also_finds() -> None:
    # Someone reading 曾 without knowing the surname types ceng.
    person = keys(zh="曾国藩")
    assert finds(person, "zengguofan")
    assert finds(person, "cengguofan")
    assert finds(person, "cgf")


# --- Chinese names: any part, one and two characters ---------------------------------------

@pytest.mark.parametrize(
    ("name", "query"),
    [
        ("王丽", "丽"), ("王丽", "王"), ("王丽", "王丽"), ("王丽", "li"), ("王丽", "wang"),
        ("王丽", "wangl"), ("王丽", "wang li"), ("王丽", "WL"), ("王丽", "王 丽"),
        ("丽", "丽"), ("丽", "li"), ("乌云·其其格", "其其格"), ("乌云·其其格", "qiqige"),
        ("乌云·其其格", "乌云其"), ("吕丽", "lvli"), ("吕丽", "lüli"), ("吕丽", "luli"),
        ("王丽", "ｗａｎｇ"),  # full-width letters typed with a Chinese IME
    ],
)
def test_chinese_name_is_found(name: str, query: str) -> None:
    assert finds(keys(zh=name), query)


@pytest.mark.parametrize(
    ("name", "query"),
    [("王丽", "张"), ("王丽", "丽王"), ("王丽", "zhang"), ("王丽", "lw"), ("丽", "王")],
)
def test_chinese_name_is_not_found(name: str, query: str) -> None:
    assert not finds(keys(zh=name), query)


def test_chinese_keys_are_every_suffix() -> None:
    assert {k for k in keys(zh="王小丽") if k[:2] in ("z:", "p:", "i:")} == {
        "z:王小丽", "z:小丽", "z:丽", "p:wangxiaoli", "p:xiaoli", "p:li", "i:wxl", "i:xl", "i:l",
    }


# --- Mongolian and Latin names -------------------------------------------------------------

@pytest.mark.parametrize(
    "query",
    [
        "ᠪᠠᠲᠤ ᠡᠷᠳᠡᠨᠢ", "ᠪᠠᠲᠤᠡᠷᠳᠡᠨᠢ", "ᠪᠠᠲᠤ", "ᠡᠷᠳᠡᠨᠢ", "ᠡᠷᠳᠡ",
        "ᠪᠠᠲᠣ",  # o for u: loose
        "ᠡᠷᠲᠡᠨᠢ",  # t for d: loose
        "ᠪᠡᠲᠤ",  # e for a after the initial: the same glyph there
        "batu", "erdeni", "batu erdeni",
    ],
)
def test_mongolian_name_is_found(query: str) -> None:
    assert finds(keys(mn="ᠪᠠᠲᠤ ᠡᠷᠳᠡᠨᠢ"), query)


@pytest.mark.parametrize("query", ["ᠪᠠᠲᠤᠷ", "ᠨᠠᠷᠠ", "ᠠᠷᠳᠡᠨᠢ", "ᠪᠠᠲᠤᠪ", "erdenis"])
def test_mongolian_name_is_not_found(query: str) -> None:
    # ᠠᠷᠳᠡᠨᠢ: initial a and e are written differently, so they are not folded.
    assert not finds(keys(mn="ᠪᠠᠲᠤ ᠡᠷᠳᠡᠨᠢ"), query)


@pytest.mark.parametrize(
    ("stored", "typed"),
    [
        ("ᠴᠢᠨᠠ", "ᠴᠢᠨ\u180eᠠ"),
        ("ᠮᠣᠩᠭᠣᠯ", "ᠮᠤᠩᠭᠤᠯ"),
        ("ᠮᠣᠩᠭᠣᠯ\u202fᠤᠨ", "ᠮᠣᠩᠭᠣᠯ ᠤᠨ"),
        ("ᠮᠣᠩᠭᠣᠯ\u202fᠤᠨ", "ᠮᠣᠩᠭᠣᠯᠤᠨ"),
        ("ᠲᠡᠷᠡ", "ᠳᠡᠷᠡ"),
    ],
)
def test_test9_pairs_find_each_other(stored: str, typed: str) -> None:
    assert finds(keys(mn=stored), typed)
    assert finds(keys(mn=typed), stored)


def test_exact_and_loose_kinds_are_separate() -> None:
    person = keys(mn="ᠮᠤᠩᠭᠤᠯ")
    assert "m:ᠮᠤᠩᠭᠤᠯ" in person
    assert "m:ᠮᠣᠩᠭᠣᠯ" not in person  # the exact key keeps o and u apart
    assert "l:" + mongolian.loose_key("ᠮᠣᠩᠭᠣᠯ") in person


def test_mongolian_keys_per_word() -> None:
    person = keys(mn="ᠪᠠᠲᠤ ᠡᠷᠳᠡᠨᠢ")
    assert {"m:ᠪᠠᠲᠤᠡᠷᠳᠡᠨᠢ", "m:ᠪᠠᠲᠤ", "m:ᠡᠷᠳᠡᠨᠢ", "r:batuerdeni", "r:batu", "r:erdeni"} <= person


@pytest.mark.parametrize(
    ("latin", "expected"),
    [
        ("Batu-Erdeni", {"r:batuerdeni", "r:batu", "r:erdeni"}),
        ("  Müller ", {"r:muller"}),
        ("Søren", {"r:soren"}),
        ("WUYUNQIQIGE", {"r:wuyunqiqige"}),
    ],
)
def test_latin_keys(latin: str, expected: set[str]) -> None:
    assert keys(latin=latin) == expected


# --- numbers --------------------------------------------------------------------------------

RID = "15010219900101123x"


def test_resident_id_keys() -> None:
    assert keys(rid=RID) == {"d:15010219900101123X", "d:123X", "d:01123X"}
    # Full-width digits and spaces from an IME give the same keys.
    assert keys(rid="１５０１０２ １９９００１０１ １２３ｘ") == keys(rid=RID)


@pytest.mark.parametrize("query", ["123x", "123X", "01123X", "150102", RID])
def test_resident_id_is_found(query: str) -> None:
    assert finds(keys(rid=RID), query)


@pytest.mark.parametrize("query", ["0123X", "9999", "123Y", "0101123"])
def test_resident_id_is_not_found(query: str) -> None:
    # Only the start, the last 4 and the last 6 are keyed; a last 7 is not.
    assert not finds(keys(rid=RID), query)


@pytest.mark.parametrize(
    "phone", ["13800138000", "+86 138-0013-8000", "0086 13800138000", "8613800138000"]
)
def test_phone_keys_drop_the_country_code(phone: str) -> None:
    assert keys(phone=phone) == {"t:13800138000", "t:8000"}


@pytest.mark.parametrize(
    ("query", "found"),
    [("8000", True), ("138001", True), ("+86 1380", True), ("138 0013 8000", True),
     ("9999", False), ("0013", False)],
)
def test_phone_search(query: str, found: bool) -> None:
    assert finds(keys(phone="13800138000"), query) is found


def test_handbook_number() -> None:
    person = keys(handbook="NM-2024-0012")
    assert person == {"h:NM20240012"}
    assert finds(person, "nm2024")
    assert finds(person, "NM 2024 0012")
    assert not finds(person, "2024")  # the number is searched from its start


def test_number_kinds_never_collide() -> None:
    # A phone ending 1234 and a handbook number 1234 are different keys; the query asks both.
    phone_person, handbook_person = keys(phone="13800001234"), keys(handbook="1234")
    assert not phone_person & handbook_person
    assert finds(phone_person, "1234") and finds(handbook_person, "1234")


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("王丽", ["z:王丽"]),
        ("wang li", ["p:wangli", "i:wangli", "r:wangli"]),
        ("lv", ["p:lu", "i:lu", "r:lv"]),
        ("ᠮᠣᠩᠭᠣᠯ\u202fᠤᠨ", ["m:ᠮᠣᠩᠭᠣᠯᠤᠨ", "l:" + mongolian.loose_key("ᠮᠣᠩᠭᠣᠯᠤᠨ")]),
        ("1234", ["d:1234", "t:1234", "h:1234"]),
        ("１２３４", ["d:1234", "t:1234", "h:1234"]),
        ("᠑᠒᠓᠔", ["d:1234", "t:1234", "h:1234"]),  # Mongolian digits
        ("123x", ["d:123X", "h:123X"]),
        ("NM2024", ["h:NM2024"]),
        ("", []),
        ("   ", []),
        ("·-", []),
    ],
)
def test_query_keys(query: str, expected: list[str]) -> None:
    assert query_keys(query) == expected


# --- prefix ranges for the store ------------------------------------------------------------

@pytest.mark.parametrize(
    ("key", "high"),
    [
        ("p:wang", "p:wanh"),
        ("z:王", "z:" + chr(ord("王") + 1)),
        ("x\ud7ff", "x\ue000"),  # skip the surrogates, which UTF-8 cannot hold
        ("x\U0010ffff", "y"),  # carry
    ],
)
def test_prefix_range(key: str, high: str) -> None:
    assert prefix_range(key) == (key, high)


def test_prefix_range_refuses_an_empty_prefix() -> None:
    with pytest.raises(ValueError):
        prefix_range("")


@given(st.text(min_size=1, max_size=4), st.text(max_size=6))
def test_prefix_range_is_exactly_prefix_match(prefix: str, candidate: str) -> None:
    if set(prefix) == {"\U0010ffff"}:
        return
    low, high = prefix_range(prefix)
    in_range = low <= candidate < high
    # SQLite compares UTF-8 bytes; Python compares code points: the same order.
    assert low.encode() <= candidate.encode() < high.encode() if in_range else True
    assert in_range == candidate.startswith(prefix)


# --- properties -----------------------------------------------------------------------------

HAN = "王李张刘陈杨曾单解区丽娟强国藩小其格乌云吕长孙无忌尉迟恭那日苏"
MONGOLIAN = mongolian.ALPHABET[:24]
name_chars = st.sampled_from(
    list(HAN) + list(MONGOLIAN) + list("abcxyzéüß") + [" ", "\u202f", "\u180b", "\u180e", "·", "-"]
)
names = st.lists(name_chars, max_size=12).map("".join)


six_texts = st.tuples(st.text(), st.text(), st.text(), st.text(), st.text(), st.text())


@given(six_texts)
def test_person_keys_of_normalised_values_are_the_same(values: tuple[str, ...]) -> None:
    assert person_keys(*values) == person_keys(*(normalise_input(v) for v in values))


@given(st.text())
def test_query_keys_of_a_normalised_query_are_the_same(query: str) -> None:
    assert query_keys(normalise_input(query)) == query_keys(query)


@given(six_texts)
def test_every_key_has_a_kind_and_a_value(values: tuple[str, ...]) -> None:
    for key in person_keys(*values):
        assert key[:2] in KINDS and len(key) > 2, key
    for key in query_keys(values[0]):
        assert key[:2] in KINDS and len(key) > 2, key


@given(names)
def test_a_person_is_found_by_their_own_name(name: str) -> None:
    # Whatever field it is typed into, and whatever script it is in.
    for person in (keys(zh=name), keys(mn=name), keys(latin=name)):
        assert finds(person, name) or not query_keys(name)


@given(st.text(alphabet=HAN, min_size=1, max_size=5), st.data())
def test_every_part_of_a_chinese_name_finds_it(name: str, data: st.DataObject) -> None:
    person = keys(zh=name)
    start = data.draw(st.integers(0, len(name) - 1))
    end = data.draw(st.integers(start + 1, len(name)))
    assert finds(person, name[start:end])
    assert finds(person, "".join(pinyin(name)[start:end]))


@given(st.lists(st.sampled_from(MONGOLIAN), min_size=1, max_size=10).map("".join), st.data())
def test_look_alike_spellings_find_a_mongolian_name(name: str, data: st.DataObject) -> None:
    # Swap letters for their look-alikes (never the first a/e) and scatter FVS: still found.
    swaps = {"ᠣ": "ᠤ", "ᠤ": "ᠣ", "ᠥ": "ᠦ", "ᠦ": "ᠥ", "ᠲ": "ᠳ", "ᠳ": "ᠲ", "ᠬ": "ᠭ", "ᠭ": "ᠬ",
             "ᠵ": "ᠶ", "ᠶ": "ᠵ", "ᠠ": "ᠡ", "ᠡ": "ᠠ"}
    typed = name[0] if name[0] in "ᠠᠡ" else swaps.get(name[0], name[0])
    for ch in name[1:]:
        typed += data.draw(st.sampled_from([ch, swaps.get(ch, ch), ch + "\u180b"]))
    assert finds(keys(mn=name), typed)


# --- display order --------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("names", "expected"),
    [
        # Surname readings decide: without them 单 (dan) and 曾 (ceng) would lead.
        (["张三", "曾丽", "单丽", "王丽", "万丽"], ["单丽", "万丽", "王丽", "曾丽", "张三"]),
        # Syllable by syllable: wan before wang although "wangli" < "wanli" letter by letter.
        (["王丽", "万力"], ["万力", "王丽"]),
        # Same syllables: tone order (黎 lí before 李 lǐ although 李 has the lower code point).
        (["李明", "黎明"], ["黎明", "李明"]),
        (["王丽", "王"], ["王", "王丽"]),
        (["", "王丽"], ["王丽", ""]),  # people without the name go last
    ],
)
def test_display_order_chinese(names: list[str], expected: list[str]) -> None:
    assert sorted(names, key=lambda n: display_sort_key(n, "")) == expected


def test_display_order_mongolian_first() -> None:
    people = [("王丽", "ᠪᠠᠲᠤᠷ"), ("张三", "ᠠᠮᠤᠷ"), ("李四", "ᠪᠠᠲᠤ\u180bᠠ"), ("", "ᠨᠠᠷᠠ")]
    by_mn = sorted(people, key=lambda p: display_sort_key(*p, mongolian_first=True))
    assert [mn for _, mn in by_mn] == ["ᠠᠮᠤᠷ", "ᠨᠠᠷᠠ", "ᠪᠠᠲᠤ\u180bᠠ", "ᠪᠠᠲᠤᠷ"]
    by_zh = sorted(people, key=lambda p: display_sort_key(*p))
    assert [zh for zh, _ in by_zh] == ["李四", "王丽", "张三", ""]


def test_mongolian_name_breaks_ties_between_equal_chinese_names() -> None:
    people = [("王丽", "ᠪᠠᠲᠤ"), ("王丽", "ᠠᠮᠤᠷ")]
    assert sorted(people, key=lambda p: display_sort_key(*p))[0][1] == "ᠠᠮᠤᠷ"
