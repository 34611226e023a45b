"""save_many's shortcuts (field_revs from a template, stored values by type) write the same
text as save() does for the same fields."""

from __future__ import annotations

import json

FIELDS = {"kind": "woman", "name_zh": "王丽", "sex": "F", "birth_date": "1990-01-02",
          "birth_weight_kg": 3.25, "multiple_birth": True, "special_mgmt": ["a", "b"],
          "address": "e\u0301"}  # decomposed é: stored NFC


def _stored_row(conn, row_id: str) -> dict:
    cur = conn.execute("SELECT * FROM persons WHERE id = ?", (row_id,))
    names = [d[0] for d in cur.description]
    return dict(zip(names, cur.fetchone(), strict=True))


def _same_as_save(made) -> None:
    with made.store.transaction(made.admin.id) as tx:
        one = tx.save("persons", dict(FIELDS))["id"]
        (many,) = tx.save_many("persons", [dict(FIELDS)])
    conn = made.store.conn
    a, b = _stored_row(conn, one), _stored_row(conn, many)
    for row in (a, b):
        assert row["field_revs"] == json.dumps(dict.fromkeys(sorted(FIELDS), row["rev"]),
                                               sort_keys=True)
    skip = {"id", "rev", "field_revs"}
    assert {k: v for k, v in a.items() if k not in skip} == \
        {k: v for k, v in b.items() if k not in skip}
    assert b["address"] == "\u00e9" and b["multiple_birth"] == 1
    assert b["special_mgmt"] == '["a", "b"]'
    outbox = dict(conn.execute("SELECT row_id, fields FROM outbox").fetchall())
    assert json.loads(outbox[one]) == json.loads(outbox[many])


def test_same_text_as_save(made):
    _same_as_save(made)


def test_same_text_as_save_when_the_device_id_needs_escaping(made):
    made.store.device_id = 'dev"ice'  # a rev that JSON must escape: no template
    _same_as_save(made)
