"""Every main page, record and form of the real program on a demo township, in Chinese and
in traditional Mongolian switched from the menu, at 1366×768: no text cut or elided, no
character without a glyph, no English or other-language words, no window larger than the
screen (tests/ui/screens.py takes the tour; pictures in tests/out/screens/)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtWidgets import QLabel, QPushButton, QWidget
from screen_checks import clipped, problems, wrong_language
from screens import OUT_DIR, run_tour

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "screens-demo-1"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A demo township made by the program's own command, as a user would make one."""
    data_dir = tmp_path_factory.mktemp("screens") / "demo"
    env = dict(os.environ, EKE_PASSWORD=PASSWORD, EKE_KDF="floor")
    subprocess.run([sys.executable, "-m", "desktop", "demo", "--data-dir", str(data_dir),
                    "--persons", "3000"], cwd=ROOT, env=env, check=True,
                   capture_output=True, timeout=300)
    return data_dir


def test_every_screen_in_both_languages_reads_whole(qapp, demo: Path) -> None:  # noqa: ANN001
    tour = run_tour(demo, PASSWORD, OUT_DIR)
    pictures = {p.stem for p in tour.pictures}
    for language in ("zh", "mn"):
        for name in ("page_worklist", "page_women_list", "record_highrisk_case",
                     "record_delivered_delivery", "page_highrisk", "page_children",
                     "child_record_growth", "child_record_vaccinations", "page_reports_year",
                     "page_sync", "page_settings", "page_backups", "form_register_woman",
                     "form_prenatal_visit", "form_delivery", "form_postpartum",
                     "form_child_check", "form_vaccination"):
            assert f"{language}_{name}" in pictures
    found = {name: lines for name, lines in tour.found.items() if lines}
    assert found == {}, "\n".join(f"{n}: {line}" for n, lines in found.items()
                                  for line in lines)


def test_the_checks_see_cut_text_and_english(qtbot) -> None:  # noqa: ANN001
    """The checks the tour relies on can fail: a squeezed button and an English label."""
    root = QWidget()
    qtbot.addWidget(root)
    button = QPushButton("记录本次服务并安排下次随访", root)
    button.setObjectName("squeezed")
    button.setGeometry(0, 0, 40, 30)
    label = QLabel("Waiting to be sent", root)
    label.setGeometry(0, 40, 400, 30)
    root.resize(500, 100)
    root.show()
    assert any(line.startswith("squeezed") for line in clipped(root))
    assert wrong_language([("label", label.text())], "zh_Hans_CN")
    assert problems(root, "zh_Hans_CN")
