"""The day's visit sheets: one page per due visit with the person's header and the
visit's fields left blank, to take along and fill in by hand."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from PySide6.QtCore import QRectF

from desktop.i18n import N_
from desktop.printing import texts
from desktop.printing.compose import Composer, empty
from desktop.printing.handbook import RISK_COLOURS, SEVERITY
from desktop.printing.layout import PageLayout, Sheet, TextItem
from desktop.printing.texts import heading, word, zh

PRENATAL_FIELDS = (N_("Visit date"), N_("Weeks"), N_("Weight (kg)"),
                   N_("Blood pressure (mmHg)"), N_("Fundal height (cm)"),
                   N_("Abdominal girth (cm)"), N_("Fetal heart rate"), N_("Fetal position"),
                   N_("Haemoglobin (g/L)"), N_("Urine protein"), N_("Symptoms"),
                   N_("Advice"), N_("Next visit"), N_("Doctor's signature"))
POSTPARTUM_FIELDS = (N_("Visit date"), N_("Blood pressure (mmHg)"), N_("Temperature (°C)"),
                     N_("General health"), N_("Mental state"), N_("Breasts"), N_("Lochia"),
                     N_("Uterus"), N_("Wound"), N_("Classification"), N_("Guidance"),
                     N_("Disposal"), N_("Doctor's signature"))
DELIVERY_FIELDS = (N_("Date of delivery"), N_("Place of delivery"), N_("Mode of delivery"),
                   N_("Outcome"), N_("Babies"), N_("Blood loss (mL)"), N_("Complications"),
                   N_("Discharge date"), N_("Doctor's signature"))
CASE_FIELDS = (N_("Follow-up date"), N_("Condition"), N_("Blood pressure (mmHg)"),
               N_("Referred to"), N_("Notes"), N_("Next follow-up"), N_("Doctor's signature"))
CHILD_FIELDS = (N_("Visit date"), N_("Weight (kg)"), N_("Length/height (cm)"),
                N_("Head circumference (cm)"), N_("Haemoglobin (g/L)"), N_("Feeding"),
                N_("Development"), N_("Danger signs"), N_("Advice"), N_("Next visit"),
                N_("Doctor's signature"))
VACCINATION_FIELDS = (N_("Vaccine"), N_("Dose"), N_("Date given"), N_("Batch"), N_("Site"),
                      N_("Reaction"), N_("Doctor's signature"))


def fields_for(kind: str) -> Sequence[str]:
    if kind.startswith("prenatal"):
        return PRENATAL_FIELDS
    if kind.startswith("postpartum"):
        return POSTPARTUM_FIELDS
    if kind == "delivery_record":
        return DELIVERY_FIELDS
    if kind == "case_followup":
        return CASE_FIELDS
    if kind == "child_vaccination":
        return VACCINATION_FIELDS
    return CHILD_FIELDS


def build_visit_sheets(sheet: Sheet, sheets: Sequence[Mapping[str, Any]]) -> list[PageLayout]:
    """One page (more if the header runs long) per sheet of *sheets*."""
    comp = Composer(sheet, footer=zh(N_("Visit sheet")))
    head = heading("sheet")
    for index, data in enumerate(sheets, 1):
        key = f"sheet.{index}"
        person = data.get("person") or {}
        page = comp.start_page(key, head, data)
        colours = [c for c in SEVERITY if c in (data.get("colours") or [])]
        if colours:
            size = sheet.mm(6)
            x = comp.right - len(colours) * (size + sheet.mm(1.5))
            for colour in colours:
                comp.swatch(QRectF(x, page.body.top(), size, size), RISK_COLOURS[colour])
                x += size + sheet.mm(1.5)
        title = texts.work_kind(str(data.get("kind")))
        comp.subheading(title, key, head)
        pregnancy = data.get("pregnancy") or {}
        pairs = [(zh(N_("Name")), empty(person.get("name_zh") or person.get("name_latin"))),
                 (zh(N_("ID number")), empty(person.get("resident_id"))),
                 (zh(N_("Date of birth")), empty(person.get("birth_date"))),
                 (zh(N_("Phone")), empty(person.get("phone"))),
                 (zh(N_("Address")), empty(person.get("address"))),
                 (zh(N_("Due")), f"{empty(data.get('due_from'))} – {empty(data.get('due_by'))}")]
        if pregnancy:
            pairs += [(zh(N_("Expected date of delivery")), empty(pregnancy.get("edd"))),
                      (zh(N_("Handbook number")), empty(pregnancy.get("handbook_no")))]
        if colours:
            pairs.append((zh(N_("Risk colour")), zh(N_(", ")).join(
                word(texts.COLOURS, c) for c in colours)))
        comp.fields(pairs, key, head)
        comp.y += sheet.mm(3)
        comp.fields([(zh(label), "") for label in fields_for(str(data.get("kind")))], key,
                    head, columns=1)
        assert comp.page is not None
        del page
    if comp.page is None and not comp.pages:
        comp.start_page("sheet.none", head)
        comp.text(zh(N_("No visits are due today.")))
    comp.finish_page()
    return comp.pages


__all__ = ["TextItem", "build_visit_sheets"]
