"""Every indicator at once (indicator_batch.evaluate_all) must give exactly what the rows
give one by one (indicators.evaluate): numerators, denominators, the ids behind them in
their order, and each village's figures, on random records with the awkward cases of
test_indicator_speedups (checks out of order, two on one day, the birth record, missing
values, children turning 5 or 6 months or 3, 5 or 7 years around the period, deaths and
moves, women who moved away before delivering)."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest
from test_indicator_speedups import random_child, random_episode

from desktop.domain import indicator_batch as batch
from desktop.domain import indicators as ind
from desktop.domain import vaccines
from desktop.domain.child_schedule import add_months

PERIODS = [ind.Period.year(2025), ind.Period.month(2025, 2), ind.Period.quarter(2024, 4),
           ind.Period.statistical_year(2025), ind.Period(date(2025, 2, 28), date(2025, 3, 31)),
           ind.Period.parse("2023-07..2025-06")]


SCHEDULE = sorted({(d.vaccine, d.dose, d.months) for v in vaccines.VERSIONS for d in v.doses})


def _on_schedule(rng: random.Random, c: ind.ChildRecord) -> ind.ChildRecord:
    """The random child with doses around their ages (some early, some twice, some as the
    other product) and, often, a newborn visit around the 28th day."""
    doses = list(c.vaccinations)
    for vaccine, dose, months in SCHEDULE:
        if rng.random() < 0.6:
            due = add_months(c.birth_date, months)
            for _ in range(rng.choice((1, 1, 1, 2))):
                doses.append((vaccine, dose, due + timedelta(days=rng.randint(-45, 60))))
    if rng.random() < 0.2:
        doses.append(("JE-I", 1, add_months(c.birth_date, 8)))
    checks = list(c.checks)
    if rng.random() < 0.5:
        on = c.birth_date + timedelta(days=rng.randint(0, 35))
        checks.append(ind.ChildCheck(on, "newborn", (on - c.birth_date).days))
    return c._replace(checks=tuple(checks), vaccinations=tuple(doses))


def _dose_table(table: dict) -> ind.DoseTable:
    by_dose: dict = {}
    for (person, vaccine, dose), on in table.items():
        by_dose.setdefault((vaccine, dose), {})[person] = on
    return ind.DoseTable(by_dose)


def _records(seed: int, shared: bool = True) -> tuple[list[ind.Episode], ind.Children]:
    """Random episodes and children; *shared*: the children read their first doses from
    one table (a DoseTable as the report builds it, or a plain dict), else each works them
    out from its doses."""
    rng = random.Random(seed)
    around = date(2025, 6, 15)
    kids = [_on_schedule(rng, random_child(rng, n, around)) for n in range(900)]
    if shared:
        table = {(c.person_id, *key): on for c in kids for key, on in c.doses.items()}
        if seed % 4 == 0:
            table = _dose_table(table)
        kids = [c._replace(vaccinations=(), dose_table=table) for c in kids]
    return [random_episode(rng, n, around) for n in range(400)], ind.Children(kids)


def _one_by_one(table, episodes, kids, period):
    return [ind.evaluate(i, episodes if i.group == ind.MATERNAL else kids, period)
            for i in table]


@pytest.mark.parametrize(("seed", "shared"), [(s, s % 2 == 0) for s in range(6)])
def test_every_row_at_once_gives_the_rows_one_by_one(seed: int, shared: bool) -> None:
    episodes, kids = _records(seed, shared)
    assert (kids.dose_table is not None) == shared
    for period in PERIODS:
        table = ind.indicators(period.end)
        got = batch.evaluate_all(table, episodes, kids, period)
        want = _one_by_one(table, episodes, kids, period)
        for indicator, g, w in zip(table, got, want, strict=True):
            assert g == w, (indicator.code, period)


def test_every_row_has_its_fast_judgement_and_both_sides_are_reached() -> None:
    """Each row of the table is restated here (none falls back unnoticed), and the random
    records put someone in and out of each numerator (else the comparison proves little)."""
    table = ind.indicators(ind.Period.year(2025).end)
    fast = {i.code for i in table if i.group == ind.MATERNAL and (
        batch._maternal_judge(i) is not None or i.code == "high_risk_managed")}
    fast |= {i.code for i in table if i.code in batch.CHILD_CODES or batch._is_dose_row(i)}
    assert fast == {i.code for i in table}
    episodes, kids = _records(1)
    for indicator, (figure, _v) in zip(table, batch.evaluate_all(
            table, episodes, kids, ind.Period.year(2025)), strict=True):
        assert 0 < figure.numerator < figure.denominator, indicator.code


def test_a_row_written_otherwise_is_evaluated_by_its_rule() -> None:
    episodes, kids = _records(2)
    odd = ind.Indicator("odd", ind.CHILD, "t", "n", "d",
                        lambda c, _p: (c.sex == "M", c.birth_date.day == 1))
    twin = ind.Indicator("twin_mothers", ind.MATERNAL, "t", "n", "d",
                         lambda e, _p: (True, e.live_births > 1), ind.LIVE_BIRTH)
    period = ind.Period.year(2025)
    got = batch.evaluate_all([odd, twin], episodes, kids, period)
    assert got == _one_by_one([odd, twin], episodes, kids, period)
    assert got[0][0].numerator and got[1][0].numerator


def test_a_dose_table_reads_as_the_plain_table() -> None:
    _e, kids = _records(1, shared=False)
    plain = {(c.person_id, *key): on for c in kids for key, on in c.doses.items()}
    table = _dose_table(plain)
    assert dict(table) == plain and len(table) == len(plain)
    assert table.latest == max(plain.values())
    person, vaccine, dose = next(iter(plain))
    assert table.get((person, vaccine, dose)) == plain[(person, vaccine, dose)]
    assert table.get((person, "none", 1), "absent") == "absent"
    assert (("nobody", vaccine, dose) in table) is False
    assert ind.DoseTable({}).latest == date.min


def _facts_of(e: ind.Episode) -> batch.MaternalFacts:
    """What a report reads of a delivery (reports.load_maternal_facts), from an Episode."""
    return batch.MaternalFacts(
        e.person_id, e.area_code, e.delivery_date, e.live_births, e.moved_out,
        e.registered_ga_days, sum(1 for d in e.prenatal_visits if d <= e.delivery_date),
        ind.MATERNAL_PARTS["postpartum_visit"](e), e.check_42d is not None, e.place_level,
        e.risk_colours, e.case_managed)


def _read_as_a_report(kids: ind.Children, period: ind.Period) -> ind.Children:
    """The children with only the doses a report reads (the period and its early
    tolerance), in one table they share."""
    first = period.start - timedelta(days=ind.EARLY_DOSE_TOLERANCE_DAYS)
    table: dict = {}
    for c in kids:
        for vaccine, dose, on in c.vaccinations:
            key = (c.person_id, vaccine, dose)
            if first <= on <= period.end and (key not in table or on < table[key]):
                table[key] = on
    shared = _dose_table(table)
    return ind.Children(c._replace(vaccinations=(), dose_table=shared) for c in kids)


@pytest.mark.parametrize("seed", range(4))
def test_columns_give_what_the_records_give(seed: int) -> None:
    """evaluate_columns on what a report reads (facts per delivery; children as columns
    with their facts and first doses) equals evaluate_all on the records."""
    episodes, kids = _records(seed, shared=False)
    for period in PERIODS:
        table = ind.indicators(period.end)
        assert batch.handled(table)
        read = _read_as_a_report(kids, period)
        cols = batch.ChildColumns.of(read, period)
        # As the report reads them: each child's first dose as an ordinal, by index.
        at = {pid: n for n, pid in enumerate(cols.ids)}
        by_dose: dict = {}
        for (person, vaccine, dose), on in read.dose_table.items():
            if person in at:
                by_dose.setdefault((vaccine, dose), [0] * len(at))[at[person]] = on.toordinal()
        cols = cols._replace(first_doses=by_dose)
        got = batch.evaluate_columns(table, [_facts_of(e) for e in episodes], cols, period)
        want = batch.evaluate_all(table, episodes, read, period)
        for indicator, g, w in zip(table, got, want, strict=True):
            assert g == w, (indicator.code, period)
        assert any(g[0].numerator for g, i in zip(got, table, strict=True)
                   if i.group == ind.VACCINATION)
