"""The records of a demo township, one household at a time (see demo.py for the writing).

Everything is drawn from one random.Random, so a seed and a `today` give the same people
and events every time (ids and revs are new on every run). A household is a woman, her
children aged 0–6 with the pregnancies and deliveries they came from, and her current
pregnancy if she has one; every visit, vaccination and check is dated no later than today.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from desktop.domain import demo_data as dd
from desktop.domain.gestation import edd
from desktop.domain.ids import check_char
from desktop.services.demo_child import child_events
from desktop.services.demo_pregnancy import pregnancy_events
from desktop.store.records import new_id

# Parents before the rows that point at them, so the outbox sends them first.
TABLE_ORDER = ("persons", "pregnancies", "cases", "risk_assessments", "prenatal_visits",
               "case_followups", "deliveries", "postpartum_visits", "child_visits",
               "vaccinations")
CHILD_AGE_LIMIT_DAYS = 7 * 365 - 1  # 0–6 years (7岁以下)
PREGNANT_SHARE = 0.04
CHILDREN_WEIGHTS = ((0, 44.0), (1, 33.6), (2, 18.5), (3, 3.9))  # ≈ 0.82 children per woman
SEVERITY = {"green": 0, "yellow": 1, "orange": 2, "red": 3}


@dataclass
class Village:
    code: str
    name: str
    gacha: bool


@dataclass
class Township:
    code: str
    name: str
    villages: list[Village]


@dataclass
class Batch:
    """Rows waiting to be written, per table, with the ids given to them in advance."""

    rows: dict[str, list[dict[str, Any]]] = field(
        default_factory=lambda: {t: [] for t in TABLE_ORDER})
    ids: dict[str, list[str]] = field(default_factory=lambda: {t: [] for t in TABLE_ORDER})
    count: int = 0
    keys: list[tuple] = field(default_factory=list)  # its persons' search_keys rows

    def add(self, table: str, row: dict[str, Any]) -> str:
        row_id = new_id()
        self.rows[table].append(row)
        self.ids[table].append(row_id)
        self.count += 1
        return row_id


def make_township(rng: random.Random, code: str) -> Township:
    """A township *code* (9 digits) with 12–18 villages, about 45% of them gacha."""
    n = rng.randint(12, 18)
    n_gacha = round(n * 0.45)
    names = [(g, True) for g in rng.sample(dd.GACHA_NAMES, n_gacha)]
    names += [(h, False) for h in rng.sample(dd.HAN_VILLAGE_NAMES, n - n_gacha)]
    rng.shuffle(names)
    villages = [Village(f"{code}{201 + i:03d}", name, gacha) for i, (name, gacha) in
                enumerate(names)]
    return Township(code, dd.TOWNSHIP_NAMES.get(code, "示范乡镇"), villages)


def _iso(d: date) -> str:
    return d.isoformat()


class Generator:
    """Adds households to a Batch; `household` returns how many persons it added."""

    def __init__(self, rng: random.Random, township: Township, today: date, user_id: str
                 ) -> None:
        self.rng = rng
        self.township = township
        self.today = today
        self.user_id = user_id
        self.county = township.code[:6]
        self._used_ids: set[str] = set()
        self._handbooks = 0
        self._surnames = [s for s, _ in dd.HAN_SURNAMES]
        self._surname_weights = [w for _, w in dd.HAN_SURNAMES]
        self._occupations = [o for o, _ in dd.OCCUPATIONS]
        self._occupation_weights = [w for _, w in dd.OCCUPATIONS]
        self._blood = [b for b, _ in dd.BLOOD_GROUPS]
        self._blood_weights = [w for _, w in dd.BLOOD_GROUPS]

    # -- small draws ------------------------------------------------------------------
    def _resident_id(self, birth: date, sex: str, county: str) -> str:
        rng = self.rng
        while True:
            seq = rng.randrange(100) * 10 + rng.randrange(5) * 2 + (1 if sex == "M" else 0)
            first17 = f"{county}{birth:%Y%m%d}{seq:03d}"
            text = first17 + check_char(first17)
            if text not in self._used_ids:
                self._used_ids.add(text)
                return text

    def _phone(self) -> str:
        return self.rng.choice(dd.PHONE_PREFIXES) + f"{self.rng.randrange(10 ** 8):08d}"

    def _han_name(self, given: tuple[str, ...], surname: str | None = None) -> str:
        surname = surname or self.rng.choices(self._surnames, self._surname_weights)[0]
        return surname + self.rng.choice(given)

    def _date_between(self, start: date, days: int) -> date:
        return start + timedelta(days=self.rng.randint(0, max(0, days)))

    # -- households -------------------------------------------------------------------
    def household(self, batch: Batch, budget: int) -> int:
        """Add one woman and up to *budget* − 1 children to *batch*."""
        rng, today = self.rng, self.today
        village = rng.choice(self.township.villages)
        mongol = rng.random() < (0.66 if village.gacha else 0.2)
        k = rng.choices([c for c, _ in CHILDREN_WEIGHTS], [w for _, w in CHILDREN_WEIGHTS])[0]
        k = min(k, budget - 1)
        pregnant_ga = rng.randint(42, 287) if rng.random() < PREGNANT_SHARE else None
        births = self._birth_dates(k, pregnant_ga)
        twins: set[date] = set()
        for b in births:
            if rng.random() < 0.01 and 1 + len(births) + len(twins) < budget:
                twins.add(b)
        if births:
            age_at_first = max(19, min(40, round(rng.gauss(26, 4))))
            born = births[0] - timedelta(days=age_at_first * 365 + rng.randint(0, 364))
        elif pregnant_ga is not None:
            age = max(19, min(42, round(rng.gauss(28, 5))))
            born = today - timedelta(days=age * 365 + rng.randint(0, 364))
        else:
            born = today - timedelta(days=rng.randint(15 * 365, 49 * 365 + 300))
        woman = self._woman(batch, village, mongol, born)
        older = rng.choice((0, 0, 0, 1, 1, 2)) if (today - born).days > 33 * 365 else 0
        parity = older
        gravidity = older + (rng.random() < 0.25)
        added = 1
        for birth in births:
            gravidity += 1
            babies = 2 if birth in twins else 1
            preg_id, delivery = self._past_pregnancy(batch, woman, birth, gravidity, parity,
                                                     babies)
            parity += 1
            for _ in range(babies):
                self._child(batch, woman, village, mongol, delivery, preg_id)
                added += 1
        if pregnant_ga is not None:
            gravidity += 1
            lmp = today - timedelta(days=pregnant_ga)
            pregnancy_events(self, batch, woman, lmp, edd(lmp), gravidity, parity, None)
        return added

    def _birth_dates(self, k: int, pregnant_ga: int | None) -> list[date]:
        """*k* birth dates within 0–6 years, at least 15 months apart, oldest first."""
        if k == 0:
            return []
        low = 0 if pregnant_ga is None else pregnant_ga + 365
        if low >= CHILD_AGE_LIMIT_DAYS:
            return []
        for _ in range(20):
            ages = sorted(self.rng.randint(low, CHILD_AGE_LIMIT_DAYS) for _ in range(k))
            if all(b - a >= 450 for a, b in zip(ages, ages[1:], strict=False)):
                return [self.today - timedelta(days=a) for a in reversed(ages)]
        return [self.today - timedelta(days=self.rng.randint(low, CHILD_AGE_LIMIT_DAYS))]

    def _woman(self, batch: Batch, village: Village, mongol: bool, born: date) -> dict:
        rng = self.rng
        row: dict[str, Any] = {"kind": "woman", "sex": "F", "birth_date": _iso(born),
                               "ethnicity": "mongol" if mongol else "han",
                               "area_code": village.code,
                               "address": f"{self.township.name}{village.name}"
                                          f"{rng.choice(dd.GROUPS)}"}
        if mongol and rng.random() < 0.82:
            zh, mn, latin = rng.choice(dd.MONGOL_FEMALE)
            row.update(name_zh=zh, name_mn=mn)
            if rng.random() < 0.5:
                row["name_latin"] = latin
            if rng.random() < 0.3:
                row["notes"] = dd.MONGOL_NOTE
        elif mongol:
            row["name_zh"] = rng.choice(dd.MONGOL_HAN_SURNAMES) + rng.choice(dd.WOMAN_GIVEN)
        else:
            row["name_zh"] = self._han_name(dd.WOMAN_GIVEN)
        if rng.random() < 0.95:
            county = self.county if rng.random() < 0.85 else rng.choice(dd.OTHER_ID_COUNTIES)
            row["resident_id"] = self._resident_id(born, "F", county)
        if rng.random() < 0.93:
            row["phone"] = self._phone()
        age = (self.today - born).days // 365
        occupation = rng.choices(self._occupations, self._occupation_weights)[0]
        row["occupation"] = "farmer" if occupation == "student" and age > 22 else occupation
        surname = row["name_zh"][0] if "name_mn" not in row else rng.choice(
            dd.MONGOL_HAN_SURNAMES)
        if age > 20 or rng.random() < 0.3:
            if mongol and rng.random() < 0.8:
                row["husband_name"] = rng.choice(dd.MONGOL_MALE)[0]
            else:
                row["husband_name"] = self._han_name(dd.MAN_GIVEN)
                surname = row["husband_name"][0]
            if rng.random() < 0.8:
                row["husband_phone"] = self._phone()
        row["blood_group"] = rng.choices(self._blood, self._blood_weights)[0]
        row["rh"] = "-" if rng.random() < 0.004 else "+"
        person_id = batch.add("persons", row)
        return {**row, "id": person_id, "height_cm": round(rng.gauss(158.5, 5.5), 1),
                "family_surname": surname}

    def _child(self, batch: Batch, mother: dict, village: Village, mongol: bool,
               delivery: dict, pregnancy_id: str) -> None:
        rng = self.rng
        birth = date.fromisoformat(delivery["delivery_date"])
        sex = "M" if rng.random() < 0.53 else "F"
        if mongol and rng.random() < 0.7:
            zh, mn, latin = rng.choice(dd.MONGOL_MALE if sex == "M" else dd.MONGOL_FEMALE)
            names = {"name_zh": zh, "name_mn": mn}
            if rng.random() < 0.4:
                names["name_latin"] = latin
        else:
            given = dd.BOY_GIVEN if sex == "M" else dd.GIRL_GIVEN
            names = {"name_zh": self._han_name(given, mother["family_surname"])}
        row: dict[str, Any] = {"kind": "child", **names, "sex": sex, "birth_date": _iso(birth),
                               "ethnicity": mother["ethnicity"], "area_code": village.code,
                               "address": mother["address"], "mother_id": mother["id"],
                               "birth_cert_no": f"{chr(80 + birth.year % 10)}"
                                                f"{rng.randrange(10 ** 9):09d}"}
        age = (self.today - birth).days
        if rng.random() < (0.5 if age < 90 else 0.92):
            row["resident_id"] = self._resident_id(birth, sex, self.county)
        row["blood_group"] = rng.choices(self._blood, self._blood_weights)[0]
        child_id = batch.add("persons", row)
        child_events(self, batch, child_id, sex, birth, delivery, pregnancy_id)

    def _past_pregnancy(self, batch: Batch, woman: dict, birth: date, gravidity: int,
                        parity: int, babies: int) -> tuple[str, dict]:
        rng = self.rng
        r = rng.random()
        ga = (rng.randint(224, 258) if r < 0.05 else rng.randint(294, 298) if r < 0.06
              else rng.randint(259, 293))
        lmp = birth - timedelta(days=ga)
        preg_id, delivery = pregnancy_events(self, batch, woman, lmp, edd(lmp), gravidity,
                                             parity, birth, babies)
        assert delivery is not None
        return preg_id, delivery

    def next_handbook_no(self, year: int) -> str:
        self._handbooks += 1
        return f"{self.township.code}-{year}-{self._handbooks:05d}"

    @staticmethod
    def dumps(value: Any) -> str:
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
