"""The outbox's field text is what json.dumps(fields, ensure_ascii=False) writes, for every
kind of stored value, so a change reads back the same whichever encoder wrote it."""

from __future__ import annotations

import json

from desktop.store.outbox import fields_json


def test_fields_text_equals_json_dumps():
    samples = [
        {},
        {"name_zh": "王丽", "name_mn": "ᠰᠠᠷᠠᠨ", "phone": "13900001234", "notes": None},
        {"weight_kg": 7.85, "waz": -0.1, "tiny": 1e-7, "big": 1e22, "age_days": 183,
         "lying": 1, "zero": 0.0},
        {"quote": 'say "hi"\\n', "control": "a\tb\x01", "tests": '{"hbsag": "neg"}'},
    ]
    for fields in samples:
        text = fields_json(fields)
        assert text == json.dumps(fields, ensure_ascii=False)
        assert json.loads(text) == fields
