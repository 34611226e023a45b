"""The growth-chart painter: points and SD curves land on the pixels the chart's own
mapping names, on a 300-dpi image, a 96-dpi image and a PDF page (read back)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from PySide6.QtCore import QMarginsF, QRectF
from PySide6.QtGui import QColor, QImage, QPageLayout, QPageSize, QPainter, QPdfWriter

from desktop.domain import growth
from desktop.i18n import set_language
from desktop.printing import growth_chart as gc

OUT = Path(__file__).resolve().parents[1] / "out"
# A girl's checks: (age in days, weight kg) near her −0.5 SD line.
POINTS = [(5, 3.0), (30, 3.9), (94, 5.4), (183, 7.0), (245, 7.6), (366, 8.5), (548, 9.7),
          (731, 11.0)]


def image(dpi: float, width_mm: float = 180, height_mm: float = 130) -> QImage:
    size = (round(width_mm / 25.4 * dpi), round(height_mm / 25.4 * dpi))
    img = QImage(size[0], size[1], QImage.Format.Format_RGB32)
    dots_per_metre = round(dpi / 0.0254)
    img.setDotsPerMeterX(dots_per_metre)
    img.setDotsPerMeterY(dots_per_metre)
    img.fill(QColor("white"))
    return img


def render(indicator: str, sex: str, points, dpi: float = 300,
           x_range: tuple[float, float] | None = None) -> tuple[QImage, gc.ChartFrame]:
    img = image(dpi)
    painter = QPainter(img)
    try:
        frame = gc.paint_growth_chart(painter, QRectF(0, 0, img.width(), img.height()),
                                      indicator, sex, points, x_range=x_range)
    finally:
        painter.end()
    return img, frame


def close(colour: QColor, target: QColor, tolerance: int = 60) -> bool:
    return (abs(colour.red() - target.red()) + abs(colour.green() - target.green())
            + abs(colour.blue() - target.blue())) <= tolerance


def near(img: QImage, x: float, y: float, target: QColor, radius: int = 2) -> bool:
    cx, cy = round(x), round(y)
    return any(close(img.pixelColor(cx + dx, cy + dy), target)
               for dx in range(-radius, radius + 1) for dy in range(-radius, radius + 1)
               if 0 <= cx + dx < img.width() and 0 <= cy + dy < img.height())


@pytest.fixture(autouse=True)
def chinese(qapp):
    set_language("zh_Hans_CN")
    OUT.mkdir(exist_ok=True)
    yield


def sd_value(indicator: str, sex: str, x: float, sd: int) -> float:
    index = gc.SD_LINES.index(sd)
    return next(ys[index] for cx, ys in growth.reference_curves(indicator, sex, gc.SD_LINES)
                if abs(cx - x) < 1e-6)


def test_points_are_where_the_mapping_says(qapp) -> None:
    img, frame = render("waz", "F", POINTS)
    img.save(str(OUT / "growth_waz_girl_300dpi.png"))
    assert frame.x_range == (0.0, 60 * growth.DAYS_PER_MONTH)  # a point at 731 days
    for x, y in POINTS:
        p = frame.map(x, y)
        assert frame.plot.contains(p)
        assert close(img.pixelColor(round(p.x()), round(p.y())), gc.POINT_COLOUR, 30), (x, y)
    # Between two points the connecting line is there too, away from it is not.
    a, b = frame.map(*POINTS[5]), frame.map(*POINTS[6])
    mid = (a + b) / 2
    assert near(img, mid.x(), mid.y(), gc.POINT_COLOUR, 1)
    far = frame.map(1500, 5.0)
    assert not near(img, far.x(), far.y(), gc.POINT_COLOUR, 3)


@pytest.mark.parametrize("indicator", ["waz", "lhaz", "hcz"])
@pytest.mark.parametrize("sex", ["M", "F"])
def test_sd2_curves_pass_through_expected_pixels(indicator: str, sex: str) -> None:
    img, frame = render(indicator, sex, [], x_range=(0.0, 60 * growth.DAYS_PER_MONTH))
    if indicator == "lhaz":
        img.save(str(OUT / f"growth_lhaz_{sex}_0-5y_300dpi.png"))
    for day in (200, 500, 1000, 1500):
        for sd in (-2, 2):
            p = frame.map(day, sd_value(indicator, sex, day, sd))
            assert near(img, p.x(), p.y(), gc.SD_COLOURS[sd], 2), (indicator, sex, day, sd)
        median = frame.map(day, sd_value(indicator, sex, day, 0))
        assert near(img, median.x(), median.y(), gc.SD_COLOURS[0], 2)
        # Half way between −2 and 0 SD lies no curve pixel of either colour.
        between = frame.map(day, (sd_value(indicator, sex, day, -2)
                                  + sd_value(indicator, sex, day, -1)) / 2)
        assert not near(img, between.x(), between.y(), gc.SD_COLOURS[-2], 0)


def test_weight_for_length_chart_in_cm(qapp) -> None:
    points = [(50.0, 3.3), (61.5, 6.2), (72.0, 8.9)]
    img, frame = render("wfl", "M", points)
    img.save(str(OUT / "growth_wfl_boy_300dpi.png"))
    assert frame.x_range == growth.WFL_RANGE_CM
    for x, y in points:
        p = frame.map(x, y)
        assert close(img.pixelColor(round(p.x()), round(p.y())), gc.POINT_COLOUR, 30)
    p = frame.map(80.0, sd_value("wfl", "M", 80.0, 2))
    assert near(img, p.x(), p.y(), gc.SD_COLOURS[2], 2)


def test_same_chart_at_screen_resolution(qapp) -> None:
    img, frame = render("hcz", "M", [(10, 35.0), (100, 40.5), (370, 46.0)], dpi=96)
    img.save(str(OUT / "growth_hcz_boy_96dpi.png"))
    assert frame.dpi == 96
    assert frame.x_range == (0.0, 24 * growth.DAYS_PER_MONTH)
    for x, y in [(10, 35.0), (100, 40.5), (370, 46.0)]:
        p = frame.map(x, y)
        assert near(img, p.x(), p.y(), gc.POINT_COLOUR, 1)
    # The plot keeps its size in millimetres whatever the resolution.
    big = gc.chart_frame("hcz", "M", QRectF(0, 0, 2126, 1535), 300, [(370, 46.0)])
    assert big.plot.width() / 300 == pytest.approx(frame.plot.width() / 96, rel=0.01)


def test_pdf_page(qapp, tmp_path: Path) -> None:
    path = OUT / "growth_charts.pdf"
    writer = QPdfWriter(str(path))
    writer.setResolution(300)
    writer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A5),
                                     QPageLayout.Orientation.Portrait, QMarginsF(10, 10, 10, 10),
                                     QPageLayout.Unit.Millimeter))
    painter = QPainter(writer)
    try:
        area = writer.pageLayout().paintRectPixels(300)
        half = QRectF(0, 0, area.width(), area.height() / 2)
        top = gc.paint_growth_chart(painter, half, "waz", "F", POINTS)
        gc.paint_growth_chart(painter, half.translated(0, half.height()), "lhaz", "F",
                              [(x, 50 + x / 30) for x, _ in POINTS])
    finally:
        painter.end()
    assert top.dpi == 300
    data = path.read_bytes()
    assert data.startswith(b"%PDF") and data.rstrip().endswith(b"%%EOF")
    assert data.count(b"/Type /Page") - data.count(b"/Type /Pages") == 1
    # Read the page back as an image (poppler's pdftoppm) and find the points again.
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:
        pytest.skip("pdftoppm (poppler-utils) is not installed")
    subprocess.run([pdftoppm, "-r", "150", "-png", "-singlefile", str(path),
                    str(tmp_path / "page")], check=True, timeout=60)
    rendered = QImage(str(tmp_path / "page.png"))
    assert not rendered.isNull()
    rendered.save(str(OUT / "growth_charts_pdf_page.png"))
    scale = 150 / 25.4          # pixels per mm of the page image
    ratio = 150 / 300           # page pixels per PDF device unit
    offset = 10 * scale         # the 10 mm page margin
    for x, y in POINTS:
        p = top.map(x, y)
        assert near(rendered, offset + p.x() * ratio, offset + p.y() * ratio,
                    gc.POINT_COLOUR, 2), (x, y)
    p = top.map(1000, sd_value("waz", "F", 1000, 2))
    assert near(rendered, offset + p.x() * ratio, offset + p.y() * ratio, gc.SD_COLOURS[2], 2)


def test_bad_arguments() -> None:
    with pytest.raises(ValueError):
        gc.chart_frame("xyz", "M", QRectF(0, 0, 100, 100), 96)
    with pytest.raises(ValueError):
        gc.chart_frame("waz", "X", QRectF(0, 0, 100, 100), 96)
