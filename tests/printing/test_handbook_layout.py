"""Awkward data paginates without overlap or clipping, checked on the layouts' own
rectangles (measured on a real 300-dpi QPdfWriter): missing fields, a 50-character name,
30 prenatal visits, twins; the purple mark beside another colour; visit sheets."""

from __future__ import annotations

import os
import subprocess
from datetime import date, timedelta
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402
from PySide6.QtGui import QColor, QImage  # noqa: E402

from desktop.printing import jobs  # noqa: E402
from desktop.printing.handbook import RISK_COLOURS, build_handbook  # noqa: E402
from desktop.printing.layout import BoxItem, PageLayout, Sheet, TextItem  # noqa: E402
from desktop.printing.render import ensure_gui_application, pdf_writer  # noqa: E402
from desktop.printing.sheets import build_visit_sheets  # noqa: E402

TODAY = date(2026, 11, 24)
LONG_NAME = "阿拉坦其其格乌兰托娅巴图孟和额尔敦毕力格苏日娜" * 2 + "那仁高娃"  # 50 characters


@pytest.fixture(scope="module")
def sheets(tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201 - dict of Sheets
    ensure_gui_application()
    folder = tmp_path_factory.mktemp("layout")
    writers = {size: pdf_writer(folder / f"{size}.pdf", size) for size in ("A5", "A4")}
    return {size: Sheet(w, size) for size, w in writers.items()}


def visit(n: int, lmp: date) -> dict:
    on = lmp + timedelta(days=56 + 7 * n)
    return {"visit_no": n, "visit_date": on.isoformat(), "ga_days": 56 + 7 * n,
            "weight_kg": 55 + n * 0.4, "sbp": 100 + n, "dbp": 60 + n % 20, "fundal_cm": 20.5,
            "abdominal_cm": 90.0, "fhr": 140, "hb_g_l": 118, "urine_protein": "-",
            "next_date": (on + timedelta(days=8)).isoformat()}


def child(n: int, birth: str, sex: str = "F") -> dict:
    return {"person": {"id": f"child-{n}", "name_zh": f"双胞胎{n}", "sex": sex,
                       "birth_date": birth, "multiple_birth": 1, "birth_weight_kg": 2.4},
            "visits": [{"kind": "newborn", "visit_date": birth, "age_days": 5,
                        "weight_kg": 2.5, "length_cm": 47.0}],
            "vaccinations": [{"vaccine": "HepB", "dose": 1, "given_on": birth,
                              "batch_no": "B1", "site": "right_deltoid"}],
            "plan": [{"vaccine": "HepB", "dose": d, "recommended": birth} for d in (1, 2, 3)],
            "growth": {"waz": [[5, 2.5], [35, 3.6]], "lhaz": [[5, 47.0], [35, 52.0]]},
            "birth_order": 1}


def woman(visits: int = 5, name: str = "李芳", children: int = 0,
          colours: tuple[str, ...] = ("yellow",)) -> dict:
    lmp = date(2026, 3, 1)
    return {
        "person_id": "w1", "kind": "woman", "clinic": "白音昌乡卫生院",
        "mother": {"id": "w1", "name_zh": name, "resident_id": "150525199001011222",
                   "birth_date": "1990-01-01", "phone": "13800000000",
                   "address": "白音昌乡" * 12, "ethnicity": "mongol"},
        "pregnancy": {"lmp": lmp.isoformat(), "edd": "2026-12-06", "edd_method": "lmp",
                      "handbook_no": "150525100-2026-00001", "risk_colour": colours[0],
                      "risk_colours": list(colours), "registered_on": "2026-04-20"},
        "assessments": [{"assessed_on": "2026-04-20", "colour": colours[0],
                         "colours": list(colours), "reasons": ["age_35_or_over"] * 6,
                         "confirmed_by": "u1"}],
        "visits": [visit(n, lmp) for n in range(1, visits + 1)],
        "deliveries": [], "postpartum": [],
        "children": [child(n, "2026-11-01", "MF"[n % 2]) for n in range(1, children + 1)],
    }


def check_pages(pages: list[PageLayout]) -> None:
    """No two text boxes intersect; all lie in the printable area; body text stays in the
    margins (only the footer lies below the body)."""
    for page in pages:
        boxes = page.text_boxes()
        for i, a in enumerate(boxes):
            assert page.printable.contains(a), (page.key, a, page.printable)
            for b in boxes[i + 1:]:
                assert not a.intersects(b), (page.key, a, b)
        body_items = [i for i in page.items if isinstance(i, TextItem)
                      and i.rect.top() < page.body.bottom()]
        for item in body_items:
            assert page.body.adjusted(-1, -1, 1, 1).contains(item.rect), (page.key, item.text)


@pytest.mark.parametrize("size", ["A5", "A4"])
def test_missing_fields_lay_out_cleanly(sheets, size: str):  # noqa: ANN001
    empty = {"person_id": "x", "kind": "woman", "mother": {}, "children": [{}]}
    pages = build_handbook(sheets[size], empty, TODAY)
    check_pages(pages)
    assert [p.key for p in pages][:3] == ["cover", "identity", "pregnancy"]
    # Each page has a footer number, the binding margin alternates sides.
    odd, even = pages[0], pages[1]
    assert odd.body.left() > even.body.left()
    assert odd.page.right() - odd.body.right() < even.page.right() - even.body.right()


@pytest.mark.parametrize("size", ["A5", "A4"])
def test_a_fifty_character_name_wraps_inside_its_cell(sheets, size: str):  # noqa: ANN001
    assert len(LONG_NAME) == 50
    pages = build_handbook(sheets[size], woman(name=LONG_NAME), TODAY)
    check_pages(pages)
    name_boxes = [i for p in pages for i in p.items
                  if isinstance(i, TextItem) and i.text == LONG_NAME]
    assert name_boxes  # printed whole (wrapped), never elided in the fields
    line = sheets[size].line_height(name_boxes[0].font)
    assert max(b.rect.height() for b in name_boxes) > 1.5 * line  # more than one line


@pytest.mark.parametrize(("size", "count"), [("A5", 30), ("A4", 30), ("A4", 60)])
def test_thirty_prenatal_visits_continue_on_more_pages(sheets, size: str, count: int):  # noqa: ANN001
    few = build_handbook(sheets[size], woman(visits=5), TODAY)
    many = build_handbook(sheets[size], woman(visits=count), TODAY)
    check_pages(many)
    few_keys = [p.key for p in few if p.key.startswith("prenatal")]
    many_keys = [p.key for p in many if p.key.startswith("prenatal")]
    assert len(few_keys) == 1
    if (size, count) != ("A4", 30):  # an A4 page holds 30 rows
        assert len(many_keys) >= 2 and many_keys[1] == "prenatal.2"
    assert len(many) == len(few) + len(many_keys) - 1
    # Every visit's date is printed exactly once.
    texts = [i.text for p in many if p.key.startswith("prenatal") for i in p.items
             if isinstance(i, TextItem)]
    for n in range(1, count + 1):
        assert texts.count(visit(n, date(2026, 3, 1))["visit_date"]) == 1
    assert len({p.number for p in many}) == len(many)


def test_twins_get_pages_each(sheets):  # noqa: ANN001
    one = build_handbook(sheets["A5"], woman(children=1), TODAY)
    twins = build_handbook(sheets["A5"], woman(children=2), TODAY)
    check_pages(twins)
    per_child = len([p for p in one if p.key.startswith("child.child-1.")])
    assert per_child >= 4  # newborn, checks, growth, vaccination
    assert len(twins) == len(one) + per_child
    assert len({p.key for p in twins}) == len(twins)
    cover_text = " ".join(i.text for i in twins[0].items if isinstance(i, TextItem))
    assert "双胞胎1" in cover_text and "双胞胎2" in cover_text


def test_purple_with_another_colour_shows_both(sheets, tmp_path: Path):  # noqa: ANN001
    data = woman(colours=("yellow", "purple"))
    cover = build_handbook(sheets["A5"], data, TODAY)[0]
    fills = [i.fill.name() for i in cover.items if isinstance(i, BoxItem) and i.fill]
    assert fills[:2] == [RISK_COLOURS["purple"].name(), RISK_COLOURS["yellow"].name()]
    path = tmp_path / "purple.pdf"
    jobs.handbooks_to_pdf(path, "A5", [data], jobs.select_numbers([1]), TODAY)
    subprocess.run(["pdftoppm", "-r", "50", "-png", "-singlefile", str(path),
                    str(tmp_path / "cover")], check=True)
    image = QImage(str(tmp_path / "cover.png"))
    for colour in ("purple", "yellow"):
        target = RISK_COLOURS[colour]
        hits = sum(1 for y in range(image.height() // 3) for x in range(image.width() // 2)
                   if _close(QColor(image.pixel(x, y)), target))
        assert hits > 150, colour


def _close(c: QColor, t: QColor) -> bool:
    return abs(c.red() - t.red()) < 40 and abs(c.green() - t.green()) < 40 and \
        abs(c.blue() - t.blue()) < 40


def test_visit_sheets_one_page_each(sheets):  # noqa: ANN001
    due = [{"person_id": f"p{n}", "kind": kind, "due_from": "2026-11-20",
            "due_by": "2026-11-30", "colours": ["orange"] if n == 0 else [],
            "person": {"name_zh": LONG_NAME if n == 1 else f"人{n}",
                       "resident_id": "150525199001011222"},
            "pregnancy": {"edd": "2027-01-01"} if kind.startswith("prenatal") else None}
           for n, kind in enumerate(["prenatal_2", "postpartum_42d", "child_6m",
                                     "child_vaccination", "case_followup"])]
    pages = build_visit_sheets(sheets["A5"], due)
    check_pages(pages)
    assert len(pages) == 5
    empty = build_visit_sheets(sheets["A5"], [])
    assert len(empty) == 1
