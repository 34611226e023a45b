"""A new day recomputes only the children whose vaccination item may change
(desktop.services.worklist_due._new_day, due_next): day after day over more than a year of
a demo township (birthdays, doses falling due, overdue, out of the catch-up age, children
turning 7), the table moved one day at a time holds exactly the rows a full recompute
gives for that day."""

from __future__ import annotations

from datetime import timedelta

import pytest
from maternal_helpers import TODAY

from desktop.services import worklist, worklist_due
from desktop.services import worklist_child as wc
from desktop.services.demo import create_demo
from desktop.store.database import Store
from desktop.store.keys import KdfParams
from desktop.store.repositories.due_items import COLUMNS

PASSWORD = "demo-pass-1"
DAYS = 400
SHOW_FROM = COLUMNS.index("show_from")


def _table(conn, day):  # noqa: ANN001, ANN202
    """The stored vaccination rows on the list on *day*, without show_from (the day each
    was computed), and every child's next change day."""
    rows = conn.execute(f"SELECT {', '.join(COLUMNS)} FROM due_items WHERE kind = ?"
                        " AND show_from <= ? AND show_until >= ?",
                        (wc.VACCINATION_KIND, day.isoformat(), day.isoformat())).fetchall()
    nexts = dict(conn.execute("SELECT person_id, next_change FROM due_next"))
    return sorted(_without_start(r) for r in rows), nexts


def _without_start(row) -> tuple:  # noqa: ANN001
    return tuple(v for n, v in enumerate(row) if n != SHOW_FROM)


def _full(conn, day):  # noqa: ANN001, ANN202
    nexts: dict[str, str] = {}
    rows = worklist_due.child_rows(conn, worklist_due._active(conn, None), None, day,
                                   checks=False, nexts=nexts)
    return sorted(_without_start(r) for r in rows), nexts


@pytest.fixture(scope="module")
def township(tmp_path_factory):  # noqa: ANN001, ANN201
    path = tmp_path_factory.mktemp("newday") / "demo"
    create_demo(path, persons=1000, password=PASSWORD, today=TODAY, kdf=KdfParams.floor())
    store, _ = Store.unlock(path, "admin", PASSWORD)
    yield store
    store.close()


def test_each_new_day_holds_the_rows_a_full_recompute_gives(township):  # noqa: ANN001
    conn = township.conn
    recomputed = []
    changed = 0
    before = None
    for n in range(1, DAYS + 1):
        day = TODAY + timedelta(days=n)
        due = len(conn.execute("SELECT 1 FROM due_next WHERE next_change <= ?",
                               (day.isoformat(),)).fetchall())
        worklist_due.ensure_fresh(conn, day)
        stored, full = _table(conn, day), _full(conn, day)
        assert stored == full, day
        recomputed.append(due)
        changed += before is not None and stored[0] != before
        before = stored[0]
    children = len(_full(conn, TODAY + timedelta(days=DAYS))[1])
    # The span crosses boundaries (rows change on most days), and a new day recomputes
    # fewer children than there are (those with a dose due or overdue move every day).
    assert changed > DAYS // 2 and children > 200
    assert max(recomputed) < children, (max(recomputed), children)


def test_the_stored_list_is_the_computed_one_on_days_after_the_basis(township):  # noqa: ANN001
    """The whole list (every provider) read from the table on later days is the one the
    providers compute, vaccinations included."""
    conn = township.conn
    from test_worklist_due import _computed, _plain

    for n in (DAYS + 1, DAYS + 2, DAYS + 30):
        day = TODAY + timedelta(days=n)
        assert _plain(worklist.build(conn, day, None)) == _plain(_computed(conn, day)), day
