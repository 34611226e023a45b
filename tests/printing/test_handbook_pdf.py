"""Handbook PDFs of demo persons, read back with poppler: page size, embedded fonts, the
Chinese text, ink and the risk colour mark on rendered pages; the print command."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import unicodedata
from datetime import date
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402
from PySide6.QtGui import QColor, QImage  # noqa: E402

from desktop.printing import jobs  # noqa: E402
from desktop.printing.handbook import RISK_COLOURS  # noqa: E402
from desktop.services.demo import create_demo  # noqa: E402
from desktop.services.session import Session  # noqa: E402
from desktop.store.keys import KdfParams  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "demo-pass-1"
TODAY = date(2026, 11, 24)
pytestmark = pytest.mark.skipif(shutil.which("pdfinfo") is None, reason="poppler-utils missing")


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201 - (data_dir, Session)
    data_dir = tmp_path_factory.mktemp("print") / "data"
    create_demo(data_dir, persons=300, password=PASSWORD, today=TODAY, kdf=KdfParams.floor())
    session = Session.login(data_dir, "admin", PASSWORD)
    yield data_dir, session
    session.close()


def _one(session: Session, sql: str) -> str:
    row = session.store.conn.execute(sql).fetchone()
    assert row is not None, sql
    return row[0]


def woman_with_visits_and_children(session: Session) -> str:
    return _one(session, """SELECT p.id FROM persons p JOIN pregnancies g ON g.person_id = p.id
        WHERE p.kind = 'woman' AND p.resident_id IS NOT NULL
        AND g.risk_colour IN ('orange', 'red', 'yellow')
        AND (SELECT count(*) FROM prenatal_visits v WHERE v.pregnancy_id = g.id) >= 2
        AND EXISTS (SELECT 1 FROM persons c WHERE c.mother_id = p.id AND c.deleted = 0)
        AND NOT EXISTS (SELECT 1 FROM pregnancies h WHERE h.person_id = p.id AND h.id != g.id)
        ORDER BY g.risk_colour = 'yellow', p.rowid LIMIT 1""")


def pdf_text(path: Path, page: int | None = None) -> str:
    """The PDF's text, NFKC-normalised: Qt's ToUnicode maps some ideographs (母, 子, 手)
    to the Kangxi radicals that share their glyph in Noto Sans CJK (⺟, ⼦, ⼿)."""
    args = ["pdftotext", "-layout"]
    if page is not None:
        args += ["-f", str(page), "-l", str(page)]
    return unicodedata.normalize("NFKC", subprocess.run(
        [*args, str(path), "-"], capture_output=True, text=True, check=True).stdout)


def pdf_info(path: Path) -> dict[str, str]:
    out = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True,
                         check=True).stdout
    return {k.strip(): v.strip() for k, _sep, v in
            (line.partition(":") for line in out.splitlines())}


def render_page(path: Path, page: int, tmp: Path) -> QImage:
    stem = tmp / f"page{page}"
    subprocess.run(["pdftoppm", "-r", "50", "-png", "-singlefile", "-f", str(page), "-l",
                    str(page), str(path), str(stem)], check=True)
    image = QImage(str(stem) + ".png")
    assert not image.isNull()
    return image


def close_to(colour: QColor, target: QColor, tolerance: int = 40) -> bool:
    return (abs(colour.red() - target.red()) <= tolerance
            and abs(colour.green() - target.green()) <= tolerance
            and abs(colour.blue() - target.blue()) <= tolerance)


def count_pixels(image: QImage, x0: float, y0: float, x1: float, y1: float,
                 match) -> int:  # noqa: ANN001
    w, h = image.width(), image.height()
    found = 0
    for y in range(int(y0 * h), int(y1 * h)):
        for x in range(int(x0 * w), int(x1 * w)):
            if match(QColor(image.pixel(x, y))):
                found += 1
    return found


@pytest.fixture(scope="module")
def printed(demo, tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN001, ANN201
    _data_dir, session = demo
    person = woman_with_visits_and_children(session)
    data = session.handbook_data(person, TODAY)
    out = tmp_path_factory.mktemp("pdf") / "handbook.pdf"
    docs = jobs.handbooks_to_pdf(out, "A5", [data], today=TODAY)
    return data, out, docs


def test_a5_and_a4_page_sizes(demo, printed, tmp_path: Path):  # noqa: ANN001
    data, a5, docs = printed
    info = pdf_info(a5)
    assert re.match(r"419\.\d+ x 595\.\d+ pts|420 x 595 pts", info["Page size"])
    assert int(info["Pages"]) == len(docs[0].pages)
    a4 = tmp_path / "a4.pdf"
    jobs.handbooks_to_pdf(a4, "A4", [data], today=TODAY)
    assert re.match(r"595(\.\d+)? x 841\.\d+ pts|595 x 842 pts", pdf_info(a4)["Page size"])


def test_mongolian_and_chinese_fonts_are_embedded(printed):  # noqa: ANN001
    _data, path, _docs = printed
    listing = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True,
                             check=True).stdout.splitlines()
    mongolian = [row for row in listing if "NotoSansMongolian" in row]
    chinese = [row for row in listing if "NotoSansCJK" in row]
    assert mongolian and chinese
    for row in mongolian + chinese:
        assert re.search(r"\byes\b", row.split("Identity-H")[-1].split()[0])  # emb column


def test_names_and_values_are_in_the_text(printed):  # noqa: ANN001
    data, path, _docs = printed
    text = pdf_text(path)
    mother = data["mother"]
    assert mother["name_zh"] in text
    assert mother["resident_id"] in text
    visit = data["visits"][0]
    assert f"{visit['sbp']}/{visit['dbp']}" in text
    assert data["pregnancy"]["edd"] in text
    assert "母子健康手册" in text and "产前检查" in text  # Chinese labels, not msgids
    for child in data["children"]:
        assert child["person"]["name_zh"] in text


def test_cover_has_the_colour_mark_top_left(printed, tmp_path: Path):  # noqa: ANN001
    data, path, _docs = printed
    colour = data["pregnancy"]["risk_colour"]
    image = render_page(path, 1, tmp_path)
    target = RISK_COLOURS[colour]
    top_left = count_pixels(image, 0, 0, 0.5, 0.3, lambda c: close_to(c, target))
    assert top_left >= 150  # a 15 mm square is about 870 pixels at 50 dpi
    bottom_right = count_pixels(image, 0.5, 0.5, 1, 1, lambda c: close_to(c, target))
    assert bottom_right == 0


def test_prenatal_page_has_ink_in_the_table(printed, tmp_path: Path):  # noqa: ANN001
    _data, path, docs = printed
    number = docs[0].numbers[[k for k, _ in docs[0].pages].index("prenatal")]
    image = render_page(path, number, tmp_path)
    dark = lambda c: c.lightness() < 140  # noqa: E731
    assert count_pixels(image, 0.15, 0.1, 0.9, 0.3, dark) > 200   # header and first rows
    assert count_pixels(image, 0, 0, 1, 0.03, dark) == 0          # the top margin is clean


def test_growth_chart_page_has_the_curves_and_points(printed, tmp_path: Path):  # noqa: ANN001
    _data, path, docs = printed
    keys = [k for k, _ in docs[0].pages]
    number = docs[0].numbers[next(i for i, k in enumerate(keys) if k.endswith(".growth"))]
    image = render_page(path, number, tmp_path)
    blue = lambda c: c.blue() > 150 and c.red() < 100 and c.green() < 140  # noqa: E731
    green = lambda c: c.green() > 90 and c.red() < 60 and c.blue() < 60  # noqa: E731
    assert count_pixels(image, 0, 0, 1, 1, blue) > 10    # the child's points
    assert count_pixels(image, 0, 0, 1, 1, green) > 50   # the median curve


def test_print_command_as_a_subprocess(demo, tmp_path: Path):  # noqa: ANN001
    data_dir, _session = demo
    out = tmp_path / "sample.pdf"
    env = {**os.environ, "EKE_PASSWORD": PASSWORD, "QT_QPA_PLATFORM": "offscreen",
           "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-m", "desktop", "print", "--data-dir",
                           str(data_dir), "--out", str(out), "--sample", "2"],
                          capture_output=True, text=True, env=env, cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["persons"] == 2
    assert int(pdf_info(out)["Pages"]) == result["pages"]
    bad = subprocess.run([sys.executable, "-m", "desktop", "print", "--data-dir",
                          str(data_dir), "--out", str(tmp_path / "no" / "x.pdf"), "--sample",
                          "1"], capture_output=True, text=True, env=env, cwd=ROOT, timeout=120)
    assert bad.returncode == 2
    assert "Traceback" not in bad.stderr and str(tmp_path / "no") in bad.stderr
