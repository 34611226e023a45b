"""Search by any part of a name, pinyin, initials, Mongolian variants, Latin, ID, phone and
handbook number, on a real store whose keys the write path keeps in step."""

from __future__ import annotations

from datetime import date

import pytest
from maternal_helpers import TODAY, admin_session, resident_id, woman_fields

PEOPLE = [
    # name_zh, name_mn, name_latin, birth, phone
    ("丽", None, None, date(1995, 1, 1), "13800000001"),
    ("王丽", None, None, date(1996, 3, 1), "13800000002"),
    ("曾国华", None, None, date(1993, 2, 2), "13800000003"),
    ("乌云其其格", "ᠤᠶᠤᠨᠴᠡᠴᠡᠭ", "Uyunchichig", date(1992, 4, 4), "13800000004"),
    ("萨仁", "ᠰᠠᠷᠠᠨ", "Saran", date(1991, 5, 5), "0475-8212345"),
    (None, "ᠮᠣᠩᠭᠣᠯ\u202fᠤᠨ", None, date(1990, 6, 6), "13800000006"),
]


@pytest.fixture
def people(made):
    s = admin_session(made)
    ids = {}
    for n, (zh, mn, latin, born, phone) in enumerate(PEOPLE):
        fields = woman_fields(name_zh=zh, name_mn=mn, name_latin=latin,
                              birth_date=born.isoformat(), resident_id=resident_id(born, 20 + n * 2),
                              phone=phone)
        ids[zh or mn] = s.register_woman(fields, today=TODAY).ids[0]
    preg = s.register_pregnancy(ids["王丽"], {"registered_on": "2026-10-01",
                                             "lmp": "2026-08-01",
                                             "handbook_no": "150525100-2026-00042"},
                                today=TODAY)
    return s, ids, preg.ids[0]


def found(s, query: str) -> list[str]:
    return [h.name_zh or h.name_mn for h in s.search(query)]


@pytest.mark.parametrize(("query", "expected"), [
    ("丽", ["丽", "王丽"]),             # one character: the exact name first
    ("王丽", ["王丽"]),
    ("王", ["王丽"]),
    ("国华", ["曾国华"]),                # any part of the name
    ("zengguohua", ["曾国华"]),          # surname reading 曾 = zeng
    ("zgh", ["曾国华"]),                 # initials
    ("wang li", ["王丽"]),               # spaces ignored
    ("WangLi", ["王丽"]),
    ("其其格", ["乌云其其格"]),
    ("saran", ["萨仁"]),                  # Latin name
    ("ᠰᠠᠷᠠᠨ", ["萨仁"]),
    ("ᠮᠤᠩᠭᠤᠯ", ["ᠮᠣᠩᠭᠣᠯ\u202fᠤᠨ"]),      # o/u variant, suffix dropped
    ("13800000003", ["曾国华"]),          # whole phone
    ("0003", ["曾国华"]),                 # last 4 digits
    ("０４７５８２１２３４５", ["萨仁"]),    # full-width digits, a landline
    ("150525100-2026-00042", ["王丽"]),   # handbook number
    ("00042", ["王丽"]),                  # its serial
    ("李娜", []),
    ("", []),
])
def test_search(people, query, expected):
    s, _ids, _ = people
    assert found(s, query) == expected


def test_search_by_resident_id_whole_and_tail(people):
    s, ids, _ = people
    rid = resident_id(date(1993, 2, 2), 24)
    assert [h.id for h in s.search(rid)] == [ids["曾国华"]]
    assert ids["曾国华"] in [h.id for h in s.search(rid[-6:])]
    assert ids["曾国华"] in [h.id for h in s.search(rid[-4:].lower())]


def test_keys_follow_every_change(people, made):
    s, ids, pregnancy_id = people
    s.update_woman(ids["王丽"], {"name_zh": "王莉莉", "phone": "13999990000"}, today=TODAY)
    assert found(s, "王丽") == [] and found(s, "莉") == ["王莉莉"]
    assert found(s, "13800000002") == [] and found(s, "9990000") == []
    assert found(s, "13999990000") == ["王莉莉"]
    s.update_pregnancy(pregnancy_id, {"handbook_no": "X-77"}, today=TODAY)
    assert found(s, "X77") == ["王莉莉"] and found(s, "00042") == []
    with made.store.transaction(made.admin.id) as tx:
        tx.delete("persons", ids["萨仁"])
    assert found(s, "saran") == []


def test_results_are_limited_and_carry_colours(people):
    s, _ids, _ = people
    hits = s.search("138", limit=2)
    assert len(hits) == 2
    (wang,) = s.search("王丽")
    assert wang.risk_colours == ("green",) and wang.matched == "z:"
