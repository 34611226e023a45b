"""The handbook's pages (shared/domain.md §3), laid out from plain data.

`build_handbook(sheet, data)` turns what desktop.services.printing_service gathered for one
person (plain dicts: no store, no Qt) into PageLayouts: cover with the five-colour risk
mark, basic information, pregnancy registration and risk assessments, prenatal visits,
delivery, postpartum visits, then for each child the newborn visit, health checks, growth
charts and vaccination record, and a ruled notes page. Tables continue on as many pages as
their rows need and end with blank rows for handwriting.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor

from desktop.i18n import N_
from desktop.printing import texts
from desktop.printing.compose import CENTRE, LEFT, Column, Composer, empty
from desktop.printing.layout import ChartItem, PageLayout, Sheet, TextItem
from desktop.printing.texts import heading, word, zh

RISK_COLOURS = {"green": QColor(46, 160, 67), "yellow": QColor(245, 200, 0),
                "orange": QColor(245, 130, 32), "red": QColor(215, 25, 32),
                "purple": QColor(128, 50, 160)}
SEVERITY = ("purple", "red", "orange", "yellow", "green")
GROWTH_CHARTS = ("waz", "lhaz")

Data = Mapping[str, Any]


def _d(value: Any) -> str:
    """A stored date as printed on forms (2026-11-24, the same in both languages)."""
    if not value:
        return ""
    return str(value)[:10]


def _num(value: Any, digits: int = 1) -> str:
    if value is None or value == "":
        return ""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return str(value)
    return f"{number:.{digits}f}" if digits else str(round(number))


def _bp(row: Mapping[str, Any]) -> str:
    if row.get("sbp") is None and row.get("dbp") is None:
        return ""
    return f"{empty(row.get('sbp'))}/{empty(row.get('dbp'))}"


def _ga(days: Any) -> str:
    if days is None or days == "":
        return ""
    weeks, rest = divmod(int(days), 7)
    return zh(N_("{weeks}+{days} weeks"), weeks=weeks, days=rest)


def _age(birth: Any, on: date) -> str:
    if not birth:
        return ""
    try:
        born = date.fromisoformat(str(birth)[:10])
    except ValueError:
        return ""
    years = on.year - born.year - ((on.month, on.day) < (born.month, born.day))
    return zh(N_("{years} years"), years=years) if years >= 0 else ""


def _name(person: Mapping[str, Any] | None) -> str:
    if not person:
        return ""
    return person.get("name_zh") or person.get("name_latin") or ""


def risk_colours(pregnancy: Mapping[str, Any] | None) -> list[str]:
    """The colours to mark, most severe first: purple with another colour shows both."""
    if not pregnancy:
        return []
    colours = pregnancy.get("risk_colours") or []
    if isinstance(colours, str):
        colours = [colours]
    colour = pregnancy.get("risk_colour")
    found = {c for c in [*colours, colour] if c in RISK_COLOURS}
    return [c for c in SEVERITY if c in found]


def build_handbook(sheet: Sheet, data: Data, today: date | None = None) -> list[PageLayout]:
    """Every page of one person's handbook, numbered from 1, measured on *sheet*'s device."""
    today = today or date.today()
    mother = data.get("mother")
    children = list(data.get("children") or [])
    footer_bits = [_name(mother) or (children and _name(children[0].get("person"))) or ""]
    if data.get("pregnancy") and data["pregnancy"].get("handbook_no"):
        footer_bits.append(str(data["pregnancy"]["handbook_no"]))
    comp = Composer(sheet, footer="  ".join(b for b in footer_bits if b))
    _cover(comp, data)
    _identity(comp, data, today)
    if mother is not None:
        _pregnancy(comp, data)
        _prenatal(comp, data)
        _delivery(comp, data)
        _postpartum(comp, data)
    for child in children:
        _newborn(comp, child)
        _checks(comp, child)
        _growth(comp, child)
        _vaccination(comp, child)
    _notes(comp)
    comp.finish_page()
    return comp.pages


# -- cover and identity ---------------------------------------------------------------------
def _cover(comp: Composer, data: Data) -> None:
    sheet = comp.sheet
    pregnancy = data.get("pregnancy")
    colours = risk_colours(pregnancy)
    page = comp.start_page("cover", heading("cover"), {"colours": colours})
    mark = sheet.mm(15)
    # The five-colour sticker goes top-left of the cover, as clinics stick it on paper.
    x = page.body.left()
    top = page.body.top()
    comp.y = max(comp.y, top + mark + sheet.mm(12))
    label_font = sheet.font(0.9, bold=True)
    mark_x = comp.left
    for colour in colours:
        comp.swatch(QRectF(mark_x, top + sheet.mm(14), mark, mark), RISK_COLOURS[colour])
        words = word(texts.COLOURS, colour)
        h = sheet.line_height(label_font)
        page.items.append(TextItem(QRectF(mark_x, top + sheet.mm(14) + mark + sheet.mm(0.5),
                                          mark, h), words, label_font, CENTRE))
        mark_x += mark + sheet.mm(3)
    del x
    comp.y = top + sheet.mm(14) + mark + sheet.line_height(label_font) + sheet.mm(8)
    comp.text(zh(N_("Maternal and Child Health Handbook")), sheet.font(2.2, bold=True), CENTRE)
    comp.y += sheet.mm(10)
    mother = data.get("mother")
    children = [c.get("person") or {} for c in data.get("children") or []]
    pairs = [(zh(N_("Mother's name")), _name(mother) or empty(data.get("mother_name"))),
             (zh(N_("Child's name")), zh(N_(", ")).join(_name(c) for c in children if c))]
    if pregnancy:
        pairs.append((zh(N_("Handbook number")), empty(pregnancy.get("handbook_no"))))
    pairs.append((zh(N_("Issued by")), empty(data.get("clinic"))))
    comp.note_content(pairs)
    comp.fields(pairs, "cover", heading("cover"), columns=1)


def _identity(comp: Composer, data: Data, today: date) -> None:
    head = heading("identity")
    comp.start_page("identity", head)
    mother = data.get("mother")
    pregnancy = data.get("pregnancy") or {}
    if mother is not None:
        comp.subheading(zh(N_("Mother")), "identity", head)
        pairs = [
            (zh(N_("Name")), _name(mother)),
            (zh(N_("Age")), _age(mother.get("birth_date"), today)),
            (zh(N_("Occupation")), word(texts.OCCUPATIONS, mother.get("occupation"))),
            (zh(N_("Ethnicity")), word(texts.ETHNICITIES, mother.get("ethnicity"))),
            (zh(N_("ID number")), empty(mother.get("resident_id"))),
            (zh(N_("Phone")), empty(mother.get("phone"))),
            (zh(N_("Household registration address")), empty(mother.get("address"))),
            (zh(N_("Workplace")), ""),
            (zh(N_("Home address")), empty(mother.get("address"))),
            (zh(N_("Blood group")), (empty(mother.get("blood_group"))
                                     + (f" Rh{mother['rh']}" if mother.get("rh") else ""))),
        ]
        comp.note_content(pairs)
        comp.fields(pairs, "identity", head)
        comp.subheading(zh(N_("Father")), "identity", head)
        father = [(zh(N_("Name")), empty(mother.get("husband_name"))),
                  (zh(N_("Phone")), empty(mother.get("husband_phone"))),
                  (zh(N_("Age")), ""), (zh(N_("Occupation")), ""),
                  (zh(N_("Ethnicity")), ""), (zh(N_("ID number")), ""),
                  (zh(N_("Workplace")), "")]
        comp.note_content(father)
        comp.fields(father, "identity", head)
    for child in data.get("children") or []:
        person = child.get("person") or {}
        comp.subheading(zh(N_("Child")), "identity", head)
        pairs = [
            (zh(N_("Name")), _name(person)),
            (zh(N_("Sex")), word(texts.SEXES, person.get("sex"))),
            (zh(N_("Date of birth")), _d(person.get("birth_date"))),
            (zh(N_("Birth order")), empty(child.get("birth_order"))),
            (zh(N_("Birth certificate number")), empty(person.get("birth_cert_no"))),
            (zh(N_("ID number")), empty(person.get("resident_id"))),
            (zh(N_("Household registration address")), empty(person.get("address"))),
        ]
        comp.note_content(pairs)
        comp.fields(pairs, "identity", head)
    comp.subheading(zh(N_("Booking")), "identity", head)
    booking = [(zh(N_("Booking unit")), empty(data.get("clinic"))),
               (zh(N_("Booking date")), _d(pregnancy.get("registered_on")))]
    comp.note_content(booking)
    comp.fields(booking, "identity", head)


# -- pregnancy ------------------------------------------------------------------------------
def _pregnancy(comp: Composer, data: Data) -> None:
    head = heading("pregnancy")
    preg = data.get("pregnancy") or {}
    comp.start_page("pregnancy", head)
    height, weight = preg.get("height_cm"), preg.get("pre_weight_kg")
    bmi = ""
    try:
        bmi = _num(float(weight) / (float(height) / 100) ** 2)
    except (TypeError, ValueError, ZeroDivisionError):
        pass
    method = {"lmp": zh(N_("from the LMP")), "ultrasound": zh(N_("by ultrasound"))}.get(
        str(preg.get("edd_method")), "")
    history = preg.get("history") or {}
    history_text = zh(N_(", ")).join(f"{k}: {v}" for k, v in sorted(history.items())) \
        if isinstance(history, dict) else empty(history)
    pairs = [
        (zh(N_("Last menstrual period")), _d(preg.get("lmp"))),
        (zh(N_("Expected date of delivery")), " ".join(x for x in (_d(preg.get("edd")),
                                                                    method) if x)),
        (zh(N_("Gravidity")), empty(preg.get("gravidity"))),
        (zh(N_("Parity")), empty(preg.get("parity"))),
        (zh(N_("Height (cm)")), _num(height)),
        (zh(N_("Weight before pregnancy (kg)")), _num(weight)),
        (zh(N_("BMI")), bmi),
        (zh(N_("Registered at")), _ga(preg.get("registered_ga_days"))),
        (zh(N_("Fetuses")), empty(preg.get("fetuses"))),
        (zh(N_("Obstetric history")), history_text),
    ]
    comp.note_content(pairs)
    comp.fields(pairs, "pregnancy", head)
    comp.subheading(zh(N_("Risk assessments (five colours)")), "pregnancy", head)
    columns = [Column(zh(N_("Date")), 2.2), Column(zh(N_("Colour")), 1.6),
               Column(zh(N_("Reasons")), 6.5, LEFT), Column(zh(N_("Assessed")), 1.6)]
    rows = []
    for a in data.get("assessments") or []:
        colours = a.get("colours") or [a.get("colour")]
        rows.append([_d(a.get("assessed_on")),
                     zh(N_(", ")).join(word(texts.COLOURS, c) for c in colours if c),
                     texts.risk_reasons(a.get("reasons")) or zh(N_("None")),
                     zh(N_("Yes")) if a.get("confirmed_by") else ""])
    comp.table(columns, rows, "pregnancy", head, blank_rows=3)


def _prenatal(comp: Composer, data: Data) -> None:
    head = heading("prenatal")
    comp.start_page("prenatal", head)
    columns = [Column(zh(N_("No.")), 0.8), Column(zh(N_("Date")), 2.2),
               Column(zh(N_("Weeks")), 1.5), Column(zh(N_("Weight kg")), 1.3),
               Column(zh(N_("BP mmHg")), 1.6), Column(zh(N_("Fundus cm")), 1.2),
               Column(zh(N_("Abdomen cm")), 1.3), Column(zh(N_("FHR")), 1.1),
               Column(zh(N_("Hb g/L")), 1.1), Column(zh(N_("Urine protein")), 1.2),
               Column(zh(N_("Next visit")), 2.2)]
    rows = []
    for n, v in enumerate(data.get("visits") or [], 1):
        rows.append([str(v.get("visit_no") or n), _d(v.get("visit_date")), _ga(v.get("ga_days")),
                     _num(v.get("weight_kg")), _bp(v), _num(v.get("fundal_cm")),
                     _num(v.get("abdominal_cm")), _num(v.get("fhr"), 0),
                     _num(v.get("hb_g_l"), 0), empty(v.get("urine_protein")),
                     _d(v.get("next_date"))])
    comp.table(columns, rows, "prenatal", head, blank_rows=3, fill_page=True)


def _delivery(comp: Composer, data: Data) -> None:
    head = heading("delivery")
    comp.start_page("delivery", head)
    deliveries = list(data.get("deliveries") or []) or [{}]
    for d in deliveries:
        complications = d.get("complications") or []
        pairs = [
            (zh(N_("Date of delivery")), _d(d.get("delivery_date"))),
            (zh(N_("Weeks at delivery")), _ga(d.get("ga_days"))),
            (zh(N_("Place of delivery")), empty(d.get("place"))),
            (zh(N_("Mode of delivery")), word(texts.DELIVERY_MODES, d.get("mode"))),
            (zh(N_("Outcome")), word(texts.OUTCOMES, d.get("outcome"))),
            (zh(N_("Babies")), empty(d.get("babies"))),
            (zh(N_("Blood loss (mL)")), empty(d.get("blood_loss_ml"))),
            (zh(N_("Complications")), zh(N_(", ")).join(map(str, complications))
             if isinstance(complications, list) else empty(complications)),
            (zh(N_("Discharge date")), _d(d.get("discharge_date"))),
            (zh(N_("Doctor's signature")), ""),
        ]
        comp.note_content(pairs)
        comp.fields(pairs, "delivery", head)
        comp.y += comp.sheet.mm(3)


def _postpartum(comp: Composer, data: Data) -> None:
    head = heading("postpartum")
    comp.start_page("postpartum", head)
    visits = list(data.get("postpartum") or [])
    by_kind = {v.get("kind"): v for v in visits}
    home = by_kind.get("postpartum_7d", {})
    comp.subheading(zh(N_("Postpartum home visit (3–7 days)")), "postpartum", head)
    findings = home.get("findings") if isinstance(home.get("findings"), dict) else {}
    pairs = [(zh(N_("Visit date")), _d(home.get("visit_date"))),
             (zh(N_("Blood pressure (mmHg)")), _bp(home))]
    pairs += [(zh(label), _finding(findings, key)) for key, label in FINDINGS]
    pairs.append((zh(N_("Doctor's signature")), ""))
    comp.note_content(pairs)
    comp.fields(pairs, "postpartum", head)
    check = by_kind.get("postpartum_42d", {})
    comp.subheading(zh(N_("42-day postpartum check")), "postpartum", head)
    findings = check.get("findings") if isinstance(check.get("findings"), dict) else {}
    guidance = check.get("guidance") or []
    pairs = [(zh(N_("Check date")), _d(check.get("visit_date"))),
             (zh(N_("Blood pressure (mmHg)")), _bp(check)),
             (zh(N_("General health")), empty(check.get("general_health"))),
             (zh(N_("Mental state")), empty(check.get("mental_state")))]
    pairs += [(zh(label), _finding(findings, key)) for key, label in FINDINGS]
    pairs += [(zh(N_("Classification")), word(texts.CLASSIFICATIONS,
                                               check.get("classification"))),
              (zh(N_("Guidance")), zh(N_(", ")).join(map(str, guidance))
               if isinstance(guidance, list) else empty(guidance)),
              (zh(N_("Disposal")), word(texts.DISPOSALS, check.get("disposal"))),
              (zh(N_("Doctor's signature")), "")]
    comp.note_content(pairs)
    comp.fields(pairs, "postpartum", head)


FINDINGS = (("breasts", N_("Breasts")), ("lochia", N_("Lochia")), ("uterus", N_("Uterus")),
            ("wound", N_("Wound")))


def _finding(findings: Mapping[str, Any], key: str) -> str:
    value = findings.get(key)
    if value in (None, ""):
        return ""
    if value in ("normal", 1, "1"):
        return zh(N_("Normal"))
    if value in ("abnormal", 2, "2"):
        return zh(N_("Abnormal"))
    return str(value)


# -- child ----------------------------------------------------------------------------------
def _child_key(child: Data) -> str:
    return str((child.get("person") or {}).get("id", "child"))


def _newborn(comp: Composer, child: Data) -> None:
    head = heading("newborn")
    person = child.get("person") or {}
    key = f"child.{_child_key(child)}.newborn"
    comp.start_page(key, head)
    comp.subheading(_name(person) or zh(N_("Child")), key, head)
    visit = next((v for v in child.get("visits") or [] if v.get("kind") == "newborn"), {})
    pairs = [
        (zh(N_("Birth weight (kg)")), _num(person.get("birth_weight_kg"), 2)),
        (zh(N_("Birth length (cm)")), _num(person.get("birth_length_cm"))),
        (zh(N_("Weeks at birth")), _ga(person.get("birth_ga_days"))),
        (zh(N_("Multiple birth")), zh(N_("Yes")) if person.get("multiple_birth") else ""),
        (zh(N_("Visit date")), _d(visit.get("visit_date"))),
        (zh(N_("Temperature (°C)")), _num(visit.get("temperature_c"))),
        (zh(N_("Weight (kg)")), _num(visit.get("weight_kg"), 2)),
        (zh(N_("Length (cm)")), _num(visit.get("length_cm"))),
        (zh(N_("Feeding")), word(texts.FEEDING, visit.get("feeding"))),
        (zh(N_("Jaundice")), empty(visit.get("jaundice"))),
        (zh(N_("Umbilicus")), empty(visit.get("umbilicus"))),
        (zh(N_("Metabolic screening")), empty(visit.get("screen_metabolic"))),
        (zh(N_("Hearing screening")), empty(visit.get("screen_hearing"))),
        (zh(N_("Doctor's signature")), ""),
    ]
    comp.note_content(pairs)
    comp.fields(pairs, key, head)


def _checks(comp: Composer, child: Data) -> None:
    head = heading("checks")
    base = f"child.{_child_key(child)}.checks"
    comp.start_page(base, head)
    comp.subheading(_name(child.get("person")) or zh(N_("Child")), base, head)
    columns = [Column(zh(N_("Check")), 2.4, LEFT), Column(zh(N_("Date")), 2.2),
               Column(zh(N_("Age")), 1.3), Column(zh(N_("Weight kg")), 1.3),
               Column(zh(N_("Length/height cm")), 1.5), Column(zh(N_("Head cm")), 1.2),
               Column(zh(N_("Hb g/L")), 1.1), Column(zh(N_("Weight z")), 1.1),
               Column(zh(N_("Length z")), 1.1), Column(zh(N_("Feeding")), 1.9)]
    birth = (child.get("person") or {}).get("birth_date")
    rows = []
    for v in child.get("visits") or []:
        rows.append([texts.check_kind(str(v.get("kind"))), _d(v.get("visit_date")),
                     _age_short(birth, v.get("age_days")), _num(v.get("weight_kg"), 2),
                     _num(v.get("length_cm")), _num(v.get("head_cm")),
                     _num(v.get("hb_g_l"), 0), _num(v.get("waz"), 2), _num(v.get("lhaz"), 2),
                     word(texts.FEEDING, v.get("feeding"))])
    comp.table(columns, rows, base, head, blank_rows=3)


def _age_short(birth: Any, age_days: Any) -> str:
    if age_days is None:
        return ""
    days = int(age_days)
    if days < 60:
        return zh(N_("{days} d"), days=days)
    return zh(N_("{months} mo"), months=int(days / 30.4375))


def _growth(comp: Composer, child: Data) -> None:
    head = heading("growth")
    person = child.get("person") or {}
    sex = person.get("sex")
    if sex not in ("M", "F"):
        return
    growth = child.get("growth") or {}
    key = f"child.{_child_key(child)}.growth"
    comp.start_page(key, head)
    comp.subheading(_name(person), key, head)
    gap = comp.sheet.mm(4)
    charts = [c for c in GROWTH_CHARTS]
    height = (comp.room() - gap * (len(charts) - 1)) / len(charts)
    for indicator in charts:
        points = [tuple(p) for p in growth.get(indicator) or []]
        comp.note_content({indicator: points})
        rect = QRectF(comp.left, comp.y, comp.width, height)
        assert comp.page is not None
        comp.page.items.append(ChartItem(rect, indicator, sex, points))  # type: ignore[arg-type]
        comp.y += height + gap


def _vaccination(comp: Composer, child: Data) -> None:
    head = heading("vaccination")
    base = f"child.{_child_key(child)}.vaccination"
    comp.start_page(base, head)
    comp.subheading(_name(child.get("person")) or zh(N_("Child")), base, head)
    given = {(v.get("vaccine"), int(v.get("dose") or 0)): v
             for v in child.get("vaccinations") or []}
    plan = list(child.get("plan") or [])
    order = [(p["vaccine"], int(p["dose"])) for p in plan]
    order += [k for k in given if k not in order]
    columns = [Column(zh(N_("Vaccine")), 3.6, LEFT), Column(zh(N_("Dose")), 1.0),
               Column(zh(N_("Date given")), 2.2), Column(zh(N_("Batch")), 2.6),
               Column(zh(N_("Site")), 1.6), Column(zh(N_("Due")), 2.2),
               Column(zh(N_("Signature")), 1.6)]
    due = {(p["vaccine"], int(p["dose"])): p.get("recommended") for p in plan}
    rows = []
    for vaccine, dose in order:
        v = given.get((vaccine, dose), {})
        rows.append([texts.vaccine(str(vaccine)), str(dose), _d(v.get("given_on")),
                     empty(v.get("batch_no")), word(texts.SITES, v.get("site")),
                     "" if v else _d(due.get((vaccine, dose))), ""])
    comp.table(columns, rows, base, head, blank_rows=2)


def _notes(comp: Composer) -> None:
    comp.start_page("notes", heading("notes"))
    comp.ruled_lines()


def page_keys(pages: Sequence[PageLayout]) -> list[str]:
    return [p.key for p in pages]
