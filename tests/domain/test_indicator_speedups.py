"""The indicator rules were rewritten for speed (issue 8 benchmark): the rewritten rules and
the rewritten evaluate() must give exactly what the plain definitions below give (the code
as first reviewed), on random records that include awkward cases: checks out of date
order, two checks on one day, the birth record, missing values, children turning 5 or 6
months or 3 or 7 years around the period, deaths and moves."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest

from desktop.domain import indicators as ind
from desktop.domain.child_health import ANAEMIA_AGE_MONTHS, ANAEMIA_BELOW_G_L
from desktop.domain.child_schedule import add_months, window

# --- the definitions as first written (reference) --------------------------------------


def ref_latest(c, p, has):
    found = None
    for k in c.checks:
        if k.kind != "birth" and p.contains(k.on) and has(k):
            if found is None or k.on >= found.on:
                found = k
    return found


def ref_below(key):
    def rule(c, p):
        k = ref_latest(c, p, lambda k: getattr(k, key) is not None
                       and add_months(c.birth_date, ind.UNDER_5_MONTHS) > k.on)
        if k is None:
            return False, False
        return True, getattr(k, key) < ind.Z_CUT
    return rule


def ref_anaemia(c, p):
    low, high = ANAEMIA_AGE_MONTHS[0], min(ANAEMIA_AGE_MONTHS[1], ind.UNDER_5_MONTHS)
    k = ref_latest(c, p, lambda k: k.hb_g_l is not None
                   and not add_months(c.birth_date, low) > k.on
                   and add_months(c.birth_date, high) > k.on)
    if k is None:
        return False, False
    return True, k.hb_g_l < ANAEMIA_BELOW_G_L


def ref_look_back(p):
    return add_months(p.end + timedelta(days=1), -ind.LOOK_BACK_MONTHS)


def ref_contacts(c, first, last):
    return [k for k in c.checks if k.kind != "birth" and first <= k.on <= last]


def ref_required(birth, first, last):
    required = 0
    for kind in ind.UNDER_3_CONTACTS:
        months = 0 if kind == "newborn" else int(kind[:-1])
        lo = ind.months_completed(birth, first) - 2
        hi = ind.months_completed(birth, last) + 1
        if lo <= months <= hi and first <= window(kind, birth).due_by <= last:
            required += 1
    return required


def ref_under_3(c, p):
    if not (c.present_on(p.end) and add_months(c.birth_date, ind.UNDER_3_MONTHS) > p.end):
        return False, False
    first = max(ref_look_back(p), c.birth_date)
    return True, len(ref_contacts(c, first, p.end)) >= ref_required(c.birth_date, first,
                                                                     p.end)


def ref_under_7(c, p):
    if not (c.present_on(p.end) and add_months(c.birth_date, ind.UNDER_7_MONTHS) > p.end):
        return False, False
    return True, bool(ref_contacts(c, max(ref_look_back(p), c.birth_date), p.end))


REFERENCE_RULES = {"under3_system_mgmt": ref_under_3, "under7_health_mgmt": ref_under_7,
                   "underweight_u5": ref_below("waz"), "stunting_u5": ref_below("lhaz"),
                   "wasting_u5": ref_below("wlhz"), "anaemia_u5": ref_anaemia}


def ref_evaluate(indicator, records, period):
    total = ind.Figure(indicator.code, per=indicator.per)
    villages = {}
    rule = REFERENCE_RULES.get(indicator.code, indicator.rule)
    for r in records:
        if indicator.group == ind.MATERNAL and not ind.maternal_in_period(r, period):
            continue
        in_den, in_num = rule(r, period)
        if not in_den:
            continue
        v = villages.setdefault(r.area_code or "", ind.Figure(indicator.code,
                                                              per=indicator.per))
        for f in (total, v):
            f.add(r, in_den, in_num, indicator.counts, indicator.numerator_counts)
    return total, dict(sorted(villages.items()))


# --- random records ------------------------------------------------------------------------

VILLAGES = ("150525100201", "150525100202", None)
KINDS = ("birth", "newborn", "28d", "3m", "6m", "8m", "12m", "18m", "24m", "30m", "36m",
         "4y", "special")


def random_child(rng: random.Random, n: int, around: date) -> ind.ChildRecord:
    birth = around - timedelta(days=rng.randint(-60, 8 * 365))
    checks = []
    for _ in range(rng.randint(0, 9)):
        on = birth + timedelta(days=rng.randint(0, 7 * 365))
        if checks and rng.random() < 0.2:
            on = checks[-1].on  # two checks on one day
        checks.append(ind.ChildCheck(
            on, rng.choice(KINDS), (on - birth).days,
            *(rng.choice((None, rng.uniform(-4, 3))) for _ in range(3)),
            rng.choice((None, float(rng.randint(80, 140)))),
            rng.choice((None, "exclusive_breastfeeding", "mixed"))))
    if rng.random() < 0.7:
        checks.sort(key=lambda k: k.on)
    doses = [(rng.choice(("MMR", "DTaP", "HepB", "JE-I", "JE-L")), rng.randint(1, 3),
              birth + timedelta(days=rng.randint(0, 6 * 365))) for _ in range(rng.randint(0, 6))]
    event = lambda: birth + timedelta(days=rng.randint(0, 8 * 365)) if rng.random() < 0.1 else None  # noqa: E731
    return ind.ChildRecord(f"c{n}", rng.choice(VILLAGES), "M", birth, tuple(checks),
                           tuple(doses), event(), event(), event())


def random_episode(rng: random.Random, n: int, around: date) -> ind.Episode:
    delivered = around + timedelta(days=rng.randint(-400, 400))
    visits = tuple(delivered - timedelta(days=rng.randint(-20, 250))
                   for _ in range(rng.randint(0, 8)))
    return ind.Episode(
        f"w{n}", f"p{n}", rng.choice(VILLAGES), delivered, rng.choice((None, 60, 100)),
        visits, rng.choice((None, "home", "township", "county")), rng.randint(0, 2),
        rng.choice((None, delivered + timedelta(days=3))),
        tuple(delivered + timedelta(days=rng.randint(0, 40)) for _ in range(rng.randint(0, 2))),
        rng.choice((None, delivered + timedelta(days=42))),
        frozenset(rng.sample(ind.RISK_COLOURS, rng.randint(0, 2))), rng.random() < 0.5,
        rng.choice((None, delivered + timedelta(days=rng.randint(-30, 30)))), None)


@pytest.mark.parametrize("seed", range(6))
def test_rewritten_rules_give_the_reference_figures(seed: int) -> None:
    rng = random.Random(seed)
    around = date(2025, 6, 15)
    kids = ind.Children(random_child(rng, n, around) for n in range(700))
    episodes = [random_episode(rng, n, around) for n in range(300)]
    periods = [ind.Period.year(2025), ind.Period.month(2025, 2), ind.Period.quarter(2024, 4),
               ind.Period.statistical_year(2025), ind.Period(date(2025, 2, 28),
                                                             date(2025, 3, 31))]
    for period in periods:
        for indicator in ind.indicators(period.end):
            records = episodes if indicator.group == ind.MATERNAL else kids
            got = ind.evaluate(indicator, records, period)
            want = ref_evaluate(indicator, records, period)
            assert got == want, (indicator.code, period)


def test_every_rewritten_rule_is_exercised() -> None:
    """The random records reach both sides of every rewritten rule (else the comparison
    above would prove nothing)."""
    rng = random.Random(1)
    kids = [random_child(rng, n, date(2025, 6, 15)) for n in range(700)]
    period = ind.Period.year(2025)
    for code, ref in REFERENCE_RULES.items():
        seen = {ref(c, period) for c in kids}
        assert {(True, True), (True, False), (False, False)} <= seen, code
