"""report_arrays: ids found by their UUID halves give what a dict of the texts gives, for
UUIDs and for any other ids (which fall back to the dict), and the checks and first doses
filed on arrays are the same either way."""

from __future__ import annotations

import uuid
from datetime import date

import numpy as np
import pytest

from desktop.domain import indicator_batch as batch
from desktop.domain import indicators as ind
from desktop.services import report_arrays as arrays
from desktop.services import reports
from desktop.services.demo import create_demo
from desktop.store.database import Store
from desktop.store.keys import KdfParams
from desktop.store.repositories import report_data as data


def _by_dict(ids: list[str], text: str) -> list[int]:
    at = {pid: n for n, pid in enumerate(ids)}
    return [at.get(pid, -1) for pid in text.split(",")] if text else []


@pytest.mark.parametrize("shape", ["uuid7", "uuid4", "upper", "short", "mixed", "unicode"])
def test_find_gives_what_a_dict_gives(shape: str) -> None:
    made = [str(uuid.uuid4()) for _ in range(500)]
    if shape == "uuid7":  # time-ordered: many share their high half
        made = [f"0190a1b2-c3d4-7{n:03x}-8{n:03x}-{uuid.uuid4().hex[:12]}" for n in range(500)]
    elif shape == "upper":
        made = [m.upper() for m in made]
    elif shape == "short":
        made = [f"p{n}" for n in range(500)]
    elif shape == "mixed":
        made[7] = "not-a-uuid"
    elif shape == "unicode":
        made[3] = "孩子-" + made[3][3:]
    ids, strangers = made[:400], made[400:]
    index = arrays.IdIndex(ids)
    rng = np.random.default_rng(7)
    asked = [made[k] for k in rng.integers(0, len(made), 3000)]
    text = ",".join(asked)
    assert index.find(text).tolist() == _by_dict(ids, text)
    assert index.find(",".join(strangers)).tolist() == [-1] * len(strangers)
    assert index.find("").tolist() == []
    # A UUID list asked for ids of another shape (a dict is made then).
    assert arrays.IdIndex(made[:10]).find("p1,P2," + made[4]).tolist() == (
        [-1, -1, 4] if shape != "short" else [1, -1, 4])


def test_no_ids_at_all() -> None:
    assert arrays.IdIndex([]).find("a,b").tolist() == [-1, -1]
    assert arrays.ages_of([])[0].size == 0


@pytest.fixture(scope="module")
def township(tmp_path_factory):
    path = tmp_path_factory.mktemp("arrays") / "demo"
    create_demo(path, persons=600, password="demo-pass-8", today=date(2026, 3, 15),
                kdf=KdfParams.floor())
    store, _admin = Store.unlock(path, "admin", "demo-pass-8")
    yield store
    store.close()


def _upper(kids: reports.ChildList) -> reports.ChildList:
    ids = [i.upper() for i in kids.ids]
    return kids._replace(ids=ids, index={i: n for n, i in enumerate(ids)},
                         finder=arrays.IdIndex(ids))


def test_checks_and_doses_filed_the_same_when_ids_are_not_found_by_halves(township) -> None:
    """Upper-case ids are not read as UUID halves: the dict finds them, and every column
    and first dose comes out as with the halves."""
    conn = township.conn
    period = ind.Period.year(2025)
    kids = reports.read_children(conn, period, None)
    upper = _upper(kids)
    assert kids.finder._dict is None and upper.finder._dict is not None
    visits = reports.read_visit_days(conn, period)
    shouting = [(r[0], r[1].upper(), *r[2:]) for r in visits]
    args = (ind.look_back(period), period.start, period.end)
    want = arrays.file_checks(visits, kids.finder, len(kids.ids), kids.birth_days, kids.ages,
                              *args)
    got = arrays.file_checks(shouting, upper.finder, len(upper.ids), upper.birth_days,
                             upper.ages, *args)
    assert got == want
    assert sum(want[0][0]) > 0 and any(want[0][1]) and any(f is not None for f in want[0][2])
    products = batch.dose_products(ind.indicators(period.end))
    texts = data.dose_days(conn, products, date(2024, 12, 1), period.end)
    doses = arrays.first_doses(texts, kids.finder, len(kids.ids))
    loud = arrays.first_doses([(ids and ids.upper(), days) for ids, days in texts],
                              upper.finder, len(upper.ids))
    assert loud == doses and any(any(first) for first in doses)
    # The first day of each child's dose, read from the texts one id at a time.
    for (ids, days), first in zip(texts, doses, strict=True):
        given: dict[str, str] = {}
        if ids:
            on = [day for day, n in map(str.split, days.split(";")) for _ in range(int(n))]
            for pid, day in zip(ids.split(","), on, strict=True):
                given[pid] = min(day, given.get(pid, day))
        assert {kids.ids[n]: date.fromordinal(on).isoformat()
                for n, on in enumerate(first) if on} == {
            pid: day for pid, day in given.items() if pid in kids.index}
