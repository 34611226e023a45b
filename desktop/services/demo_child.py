"""Demo child records: health checks on the 0–6 schedule with growth near the WHO medians,
and vaccinations on the 2021 national schedule with some doses missed.

Checks carry their WHO z-scores and growth standard, as desktop.services.children stores
them when a visit is saved: reports and lists read the stored scores, so a demo store
must look like a real one (scores computed once, at save time)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from desktop.domain import demo_data as dd
from desktop.domain import growth
from desktop.services.children import GROWTH_STANDARD

if TYPE_CHECKING:
    from desktop.services.demo_records import Batch, Generator

BATCH_LETTERS = "ABCDEFGHJK"


def child_events(gen: Generator, batch: Batch, child_id: str, sex: str, birth: date,
                 delivery: dict[str, Any], pregnancy_id: str) -> None:
    """Add the health checks and vaccinations *child_id* has had by today."""
    _visits(gen, batch, child_id, sex, birth, delivery)
    _vaccinations(gen, batch, child_id, birth)


def _visits(gen: Generator, batch: Batch, child_id: str, sex: str, birth: date,
            delivery: dict[str, Any]) -> None:
    rng, today = gen.rng, gen.today
    # A child keeps roughly its centile: one z per child plus a little noise per visit.
    z = max(-2.8, min(2.8, rng.gauss(0, 0.9)))
    preterm = delivery["ga_days"] < 259
    for kind, age in dd.CHILD_VISITS:
        if kind == "newborn":
            on = delivery["home_visit"]
        elif kind == "28d":
            on = birth + timedelta(days=rng.randint(28, 32))
        else:
            on = birth + timedelta(days=age + rng.randint(0, 20))
        if on > today:
            break
        if kind != "newborn" and rng.random() < (0.12 if age > 1095 else 0.05):
            continue
        days = (on - birth).days
        shift = z - (0.8 if preterm and days < 365 else 0.0)
        row: dict[str, Any] = {
            "person_id": child_id, "kind": kind, "visit_date": on.isoformat(),
            "age_days": days,
            "weight_kg": _measure(gen, sex, "weight", days, shift, 2),
            "length_cm": _measure(gen, sex, "length", days, shift, 1),
            "lying": 1 if days < 731 else 0}
        if days <= 1130:
            row["head_cm"] = _measure(gen, sex, "head", days, shift, 1)
        # The same call and the same columns as children.record_visit (implausible scores
        # are kept there too: only classification leaves them out).
        row["growth_standard"] = GROWTH_STANDARD
        row.update(growth.zscores(sex, days, row["weight_kg"], row["length_cm"],
                                  row.get("head_cm"), bool(row["lying"])))
        if kind in dd.HB_VISITS:
            row["hb_g_l"] = round(rng.gauss(122, 10))
        if days < 183:
            row["feeding"] = rng.choices(("exclusive_breastfeeding", "mixed", "formula"),
                                         (62, 28, 10))[0]
        elif days < 731:
            row["feeding"] = "complementary"
        batch.add("child_visits", row)


def _measure(gen: Generator, sex: str, measure: str, days: int, z: float, digits: int
             ) -> float:
    median = dd.growth_median(sex, measure, days)
    noisy = z + gen.rng.gauss(0, 0.25)
    return round(median * (1 + dd.GROWTH_CV[measure] * noisy), digits)


def _vaccinations(gen: Generator, batch: Batch, child_id: str, birth: date) -> None:
    rng, today = gen.rng, gen.today
    for index, (vaccine, dose, age) in enumerate(dd.VACCINES):
        if age == 0:
            given = birth
        else:
            given = birth + timedelta(days=age + min(60, int(rng.expovariate(1 / 6))))
        if given > today:
            continue
        if age and rng.random() < 0.03:
            continue  # a missed dose: the worklist should bring the child back
        batch.add("vaccinations", {
            "person_id": child_id, "vaccine": vaccine, "dose": dose,
            "given_on": given.isoformat(),
            # Formatted by hand: strftime was a tenth of the whole generator's time.
            "batch_no": f"{given.year}{given.month:02d}{BATCH_LETTERS[index % 10]}"
                        f"{given.day // 10 + 1:03d}",
            "site": dd.VACCINE_SITES[vaccine]})
