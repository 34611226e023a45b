"""The Chinese catalog covers every string of the code, with the same placeholders."""

from __future__ import annotations

from desktop.i18n.catalogs import load, msgids, placeholders, problems


def test_every_msgid_has_a_chinese_translation_with_matching_placeholders():
    assert problems("zh_Hans_CN") == []


def test_the_mongolian_catalog_lists_every_msgid():
    catalog = load("mn_Mong_CN")
    assert msgids() <= {str(m.id) for m in catalog if m.id}


def test_extraction_finds_marked_strings_of_every_layer():
    found = msgids()
    assert "The user name or password is not right." in found  # N_ in i18n/messages.py
    assert "Lock" in found  # _ in ui/main_window.py
    assert "Changes not yet sent: {count}" in found  # _ with keyword arguments


def test_placeholder_check_tells_names_apart():
    assert placeholders("Wait {seconds} s") == {"seconds"}
    assert placeholders("请等待 {seconds} 秒") == placeholders("Wait {seconds} s")
    assert placeholders("请等待 {second} 秒") != placeholders("Wait {seconds} s")
    assert placeholders("no braces") == set()
