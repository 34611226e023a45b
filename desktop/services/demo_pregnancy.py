"""Demo pregnancies: booking, risk colour, prenatal visits, case management, delivery and
postpartum checks, all dated by the national schedule and never after today."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from desktop.domain import demo_data as dd
from desktop.domain.gestation import corrected_edd
from desktop.domain.schedule import followup_interval, referral_level

if TYPE_CHECKING:
    from desktop.services.demo_records import Batch, Generator

COLOURS = [c for c, _ in dd.RISK_COLOURS]
# Clinical colour weights before age adds its own yellow/orange (age ≥35 is ~8% of women).
CLINICAL_WEIGHTS = [80.5, 11.0, 3.6, 0.9]
SEVERITY = {"green": 0, "yellow": 1, "orange": 2, "red": 3}
# What workers write under "advice" at a prenatal visit (free text, in Chinese).
ADVICE = ("均衡饮食，按时补铁补钙", "每天数胎动，减少时及时就诊", "学习母乳喂养，准备哺乳",
          "确定分娩医院，提前准备住院物品", "适量散步，避免劳累")
NORMAL_FINDINGS = {"breasts": "normal", "lochia": "normal", "uterus": "normal",
                   "wound": "normal"}
# The demo draws reasons by short names (desktop/domain/demo_data.py); stored rows carry the
# grading table's own criterion codes (desktop.domain.risk.CRITERIA), as real records do.
RISK_CODES = {
    "age_ge_35": "age_35_or_over", "age_ge_40": "age_40_or_over", "age_le_18": "age_18_or_under",
    "bmi_gt_25": "bmi_over_25", "bmi_lt_18_5": "bmi_under_18_5", "bmi_ge_28": "bmi_28_or_over",
    "anaemia_hb_60_110": "anaemia_hb_60_to_110", "severe_anaemia_hb_40_60": "anaemia_hb_40_to_60",
    "hbsag_carrier": "hbsag_positive", "thyroid_no_drugs": "endocrine_disease_no_treatment",
    "fibroid_ge_5cm": "fibroid_or_ovarian_cyst_5cm",
    "diabetes_on_drugs": "endocrine_disease_drug_treated",
    "thyroid_on_drugs": "endocrine_disease_drug_treated",
    "uterine_surgery_ge_2": "uterine_surgery_2_or_more",
    "pulmonary_hypertension_ge_50": "pulmonary_hypertension_severe",
    "placenta_accreta": "placenta_accreta_spectrum",
}
HISTORY_CODES = {"caesarean": ("previous_caesareans", 1), "abortion": ("abortions", 1),
                 "preterm_birth": ("previous_preterm_birth", True)}


def _codes(reasons: list[str]) -> list[str]:
    return list(dict.fromkeys(RISK_CODES.get(r, r) for r in reasons))


def _assess(gen: Generator, age: int) -> tuple[str, list[str], list[str]]:
    """(colour, colours, reasons): age-based reasons plus a clinically drawn colour."""
    rng = gen.rng
    reasons: list[str] = []
    colour = "green"
    if age >= 40:
        colour, reasons = "orange", ["age_ge_40"]
    elif age >= 35:
        colour, reasons = "yellow", ["age_ge_35"]
    elif age <= 18:
        colour, reasons = "yellow", ["age_le_18"]
    clinical = rng.choices(COLOURS, CLINICAL_WEIGHTS)[0]
    if clinical != "green":
        reasons.append(rng.choice(dd.RISK_REASONS[clinical]))
        if SEVERITY[clinical] > SEVERITY[colour]:
            colour = clinical
    colours = [colour] if reasons else ["green"]
    if rng.random() < dd.PURPLE_SHARE:
        reasons.append(rng.choice(dd.RISK_REASONS["purple"]))
        colours = ["purple"] if colour == "green" else [colour, "purple"]
        colour = "purple" if colour == "green" else colour
    return colour, colours, reasons


def _body(gen: Generator, reasons: list[str], height: float) -> tuple[float, float]:
    """(pre-pregnancy weight kg, booking Hb g/L) consistent with the reasons."""
    rng = gen.rng
    if "bmi_ge_28" in reasons:
        bmi = rng.uniform(28.0, 33.0)
    elif "bmi_gt_25" in reasons:
        bmi = rng.uniform(25.1, 27.9)
    elif "bmi_lt_18_5" in reasons:
        bmi = rng.uniform(16.8, 18.4)
    else:
        bmi = rng.uniform(18.6, 24.8)
    if "severe_anaemia_hb_40_60" in reasons:
        hb = rng.uniform(45, 59)
    elif "anaemia_hb_60_110" in reasons:
        hb = rng.uniform(88, 109)
    else:
        hb = rng.uniform(111, 138)
    return round(bmi * (height / 100) ** 2, 1), round(hb)


def _tests(gen: Generator, woman: dict, reasons: list[str]) -> dict[str, str]:
    positive = {"hbsag": {"hbsag_carrier", "hbv_infection"}, "syphilis": {"syphilis"},
                "hiv": {"hiv"}}
    tests = {k: ("pos" if v & set(reasons) else "neg") for k, v in positive.items()}
    tests["blood_group"] = woman["blood_group"]
    tests["rh"] = woman["rh"]
    return tests


def pregnancy_events(gen: Generator, batch: Batch, woman: dict, lmp: date, edd_lmp: date,
                     gravidity: int, parity: int, birth: date | None, babies: int = 1
                     ) -> tuple[str, dict[str, Any] | None]:
    """Add one pregnancy of *woman* and its events; returns its id and the delivery row
    (None while it is ongoing)."""
    rng, today = gen.rng, gen.today
    end = birth or today
    booking_ga = rng.randint(42, 90) if rng.random() < 0.85 else rng.randint(91, 140)
    booking_ga = min(booking_ga, (end - lmp).days - 1)
    booked = lmp + timedelta(days=booking_ga)
    preg: dict[str, Any] = {"person_id": woman["id"], "area_code": woman["area_code"],
                            "registered_on": booked.isoformat(), "lmp": lmp.isoformat(),
                            "gravidity": gravidity, "parity": parity,
                            "handbook_no": gen.next_handbook_no(booked.year)}
    if rng.random() < 0.7:
        us_date = min(booked + timedelta(days=rng.randint(0, 14)), end - timedelta(days=1))
        us_ga = (us_date - lmp).days + round(rng.gauss(0, 5))
        expected, method = corrected_edd(lmp, us_date, us_ga)
        preg.update(us_date=us_date.isoformat(), us_ga_days=us_ga)
    else:
        expected, method = edd_lmp, "lmp"
    preg.update(edd=(expected or edd_lmp).isoformat(), edd_method=method)
    if parity and rng.random() < 0.3:
        key, value = HISTORY_CODES[rng.choice(("caesarean", "abortion", "preterm_birth"))]
        preg["history"] = {key: value}
    preg.update(registered_ga_days=booking_ga, early_registration=booking_ga < 91,
                height_cm=woman["height_cm"])
    preg_id = batch.add("pregnancies", preg)

    age = (booked - date.fromisoformat(woman["birth_date"])).days * 100 // 36525
    colour, colours, reasons = _assess(gen, age)
    pre_weight, hb = _body(gen, reasons, woman["height_cm"])
    facts = {"age_years": age, "height_cm": woman["height_cm"], "weight_kg": pre_weight,
             "bmi": round(pre_weight / (woman["height_cm"] / 100) ** 2, 1), "hb_g_l": hb}
    preg["pre_weight_kg"] = pre_weight
    batch.add("risk_assessments", {
        "person_id": woman["id"], "pregnancy_id": preg_id, "assessed_on": booked.isoformat(),
        "colour": colour, "colours": colours, "reasons": _codes(reasons), "facts": facts,
        "confirmed_by": gen.user_id, "trigger": "registration"})
    visits = _prenatal_visits(gen, batch, woman, preg_id, lmp, booking_ga, end, pre_weight,
                              hb, _tests(gen, woman, reasons), colour != "green")
    if visits and rng.random() < 0.06 and colour == "green":
        # A later check finds anaemia: the colour moves up, as re-assessment requires.
        last = visits[-1]
        colour, colours, reasons = "yellow", ["yellow"], ["anaemia_hb_60_110"]
        batch.add("risk_assessments", {
            "person_id": woman["id"], "pregnancy_id": preg_id, "assessed_on": last,
            "colour": colour, "colours": colours, "reasons": _codes(reasons),
            "facts": {**facts, "hb_g_l": rng.randint(95, 108)}, "confirmed_by": gen.user_id,
            "trigger": "visit"})
    preg.update(risk_colour=colour, risk_colours=colours, risk_reasons=_codes(reasons))
    delivery = None
    if birth is not None:
        preg.update(status="delivered", ended_on=birth.isoformat(), end_reason="delivered")
        delivery = _delivery(gen, batch, woman, preg_id, lmp, birth, reasons, babies)
    if colour in ("orange", "red") or "purple" in colours:
        _case(gen, batch, woman, preg_id, colour if colour in ("orange", "red") else "purple",
              booked, birth, colours, _codes(reasons))
    return preg_id, delivery


def _prenatal_visits(gen: Generator, batch: Batch, woman: dict, preg_id: str, lmp: date,
                     booking_ga: int, end: date, pre_weight: float, hb: float,
                     tests: dict[str, str], high_risk: bool) -> list[str]:
    rng = gen.rng
    days: list[int] = [booking_ga]
    for lo, hi in dd.PRENATAL_WINDOWS[1:]:
        if hi * 7 + 6 <= booking_ga or rng.random() < 0.07:
            continue
        days.append(max(booking_ga + 14, rng.randint(lo * 7, hi * 7 + 6)))
    if high_risk:
        days.append(rng.randint(31 * 7, 34 * 7))
    days = sorted(set(days))
    out: list[str] = []
    limit = (end - lmp).days
    for n, ga in enumerate(days, 1):
        if ga >= limit:
            break
        on = lmp + timedelta(days=ga)
        weeks = ga / 7
        gain = min(weeks, 13) * 0.1 + max(0.0, weeks - 13) * rng.uniform(0.38, 0.52)
        row: dict[str, Any] = {
            "person_id": woman["id"], "pregnancy_id": preg_id, "visit_date": on.isoformat(),
            "visit_no": n, "ga_days": ga, "weight_kg": round(pre_weight + gain, 1),
            "sbp": round(rng.gauss(110, 9)), "dbp": round(rng.gauss(70, 7)),
            "urine_protein": rng.choices(("-", "±", "+"), (95, 4, 1))[0]}
        if weeks >= 16:
            row["fundal_cm"] = round(max(12.0, weeks - 2 + rng.gauss(0, 1.3)), 1)
            row["abdominal_cm"] = round(78 + weeks * 0.6 + rng.gauss(0, 3), 1)
        if weeks >= 12:
            row["fhr"] = round(rng.gauss(142, 7))
        if n == 1:
            row["hb_g_l"] = hb
            row["tests"] = tests
        elif 28 <= weeks < 37:
            row["hb_g_l"] = round(hb + rng.gauss(-2, 6))
        if 24 <= weeks < 29:
            row["glucose_mmol_l"] = round(rng.gauss(4.5, 0.35), 1)
        # Free text, as a worker writes it in the handbook.
        row["advice"] = rng.choice(ADVICE)
        nxt = days[n] if n < len(days) else None
        if nxt is not None:
            row["next_date"] = (lmp + timedelta(days=nxt)).isoformat()
        batch.add("prenatal_visits", row)
        out.append(on.isoformat())
    return out


def _delivery(gen: Generator, batch: Batch, woman: dict, preg_id: str, lmp: date,
              birth: date, reasons: list[str], babies: int) -> dict[str, Any]:
    rng, today = gen.rng, gen.today
    scarred = "scarred_uterus" in reasons or "uterine_surgery_ge_2" in reasons
    mode = "caesarean" if rng.random() < (0.85 if scarred else 0.3) else (
        "assisted" if rng.random() < 0.03 else "vaginal")
    place, level, _ = rng.choices(dd.DELIVERY_PLACES, [w for *_, w in dd.DELIVERY_PLACES])[0]
    loss = rng.gauss(400, 100) if mode == "caesarean" else rng.gauss(250, 80)
    discharge = birth + timedelta(days=rng.randint(5, 7) if mode == "caesarean"
                                  else rng.randint(2, 3))
    complications = []
    if rng.random() < 0.03:
        complications.append("pph")
        loss += 400
    row: dict[str, Any] = {
        "person_id": woman["id"], "pregnancy_id": preg_id, "delivery_date": birth.isoformat(),
        "place": place, "place_level": level, "mode": mode, "ga_days": (birth - lmp).days,
        "outcome": "live_birth", "complications": complications,
        "blood_loss_ml": int(max(100, loss) // 10 * 10), "babies": babies,
        "discharge_date": min(discharge, today).isoformat()}
    batch.add("deliveries", row)
    home = discharge + timedelta(days=rng.randint(3, 7))
    if home <= today and rng.random() < 0.95:
        batch.add("postpartum_visits", {
            "person_id": woman["id"], "pregnancy_id": preg_id, "kind": "postpartum_7d",
            "visit_date": home.isoformat(), "sbp": round(rng.gauss(112, 9)),
            "dbp": round(rng.gauss(72, 7)), "findings": NORMAL_FINDINGS})
    check = birth + timedelta(days=rng.randint(42, 49))
    if check <= today and rng.random() < 0.9:
        recovered = rng.random() < 0.96
        batch.add("postpartum_visits", {
            "person_id": woman["id"], "pregnancy_id": preg_id, "kind": "postpartum_42d",
            "visit_date": check.isoformat(), "sbp": round(rng.gauss(112, 9)),
            "dbp": round(rng.gauss(72, 7)), "findings": NORMAL_FINDINGS,
            "classification": "recovered" if recovered else "not_recovered",
            "disposal": "close" if recovered else "refer"})
    return {**row, "home_visit": home}


def _case(gen: Generator, batch: Batch, woman: dict, preg_id: str, colour: str, opened: date,
          birth: date | None, colours: list[str], reasons: list[str]) -> None:
    rng, today = gen.rng, gen.today
    closed = birth + timedelta(days=42) if birth else None
    if closed and closed > today:
        closed = None
    last = closed or today
    follow = [opened + timedelta(days=d) for d in range(14, (last - opened).days, 14)][:8]
    case: dict[str, Any] = {
        "person_id": woman["id"], "pregnancy_id": preg_id, "colour": colour,
        "status": "closed" if closed else "managed", "responsible_user": gen.user_id,
        "colours": colours, "reasons": reasons, "area_code": woman["area_code"],
        "status_on": (closed or opened).isoformat(),
        "referral_level": referral_level(colours),
        "plan": f"followup_every_{followup_interval(colours) or 14}_days",
        "opened_on": opened.isoformat(),
        "reported_on": (opened + timedelta(days=rng.randint(0, 3))).isoformat()}
    if closed:
        case.update(closed_on=closed.isoformat(), outcome="recovered")
    else:
        nxt = (follow[-1] if follow else opened) + timedelta(days=14)
        case["next_followup"] = nxt.isoformat()
    case_id = batch.add("cases", case)
    for on in follow:
        batch.add("case_followups", {
            "case_id": case_id, "person_id": woman["id"], "followup_date": on.isoformat(),
            "status": rng.choice(("stable", "stable", "improved", "referred")),
            "next_date": (on + timedelta(days=14)).isoformat(), "recorded_by": gen.user_id})
