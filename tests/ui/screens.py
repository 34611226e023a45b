"""A tour of the real program as a health worker sees it, with pictures.

Logs in to a demo store, switches the language from the menu as a user does, and grabs
every main page, the records (a woman with a high-risk pregnancy, a delivered woman, a
child with checks and vaccinations) and the main forms, at 1366×768, in Chinese and in
traditional Mongolian. Each picture's problems (tests/ui/screen_checks.py) are collected.

As a tool (pictures under tests/out/screens/, problems printed and in problems.txt):

    EKE_PASSWORD=x EKE_KDF=floor .venv/bin/python -m desktop demo --data-dir /tmp/ui-demo \\
        --persons 3000
    EKE_PASSWORD=x .venv/bin/python tests/ui/screens.py --data-dir /tmp/ui-demo

tests/ui/test_screens.py runs the same tour on a fresh demo store and asserts no problem.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
SCREEN_CONFIG = {"screens": [{"name": "laptop", "x": 0, "y": 0, "width": 1366, "height": 768,
                              "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}]}
OUT_DIR = HERE.parent / "out" / "screens"
LANGUAGES = {"zh_Hans_CN": "zh", "mn_Mong_CN": "mn"}

if __name__ == "__main__":  # before Qt is imported: a 1366×768 offscreen screen
    config = Path(tempfile.gettempdir()) / "eke-screen-1366x768.json"
    config.write_text(json.dumps(SCREEN_CONFIG))
    os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={config}"
    sys.path.insert(0, str(HERE))
    sys.path.insert(0, str(HERE.parents[1]))

from PySide6.QtCore import QEvent, qInstallMessageHandler  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication, QComboBox, QWidget  # noqa: E402
from screen_checks import SCREEN, WINDOW_CHROME, problems  # noqa: E402

from desktop.services.session import KdfParams  # noqa: E402
from desktop.ui import tasks  # noqa: E402
from desktop.ui.app import Shell, prepare_application  # noqa: E402
from desktop.ui.main_window import MainWindow  # noqa: E402


def wait_until(condition: Callable[[], Any], timeout_s: float = 30.0) -> Any:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        QTest.qWait(20)
    raise TimeoutError(f"waited {timeout_s} s for {condition}")


def settle(timeout_s: float = 60.0) -> None:
    """Wait until no background work of the windows is on its way, then paint."""
    def idle() -> bool:
        return not any(not getattr(t, "detached", False) for t in list(tasks._pending))

    wait_until(idle, timeout_s)
    QTest.qWait(30)
    wait_until(idle, timeout_s)
    QApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
    QTest.qWait(10)


class Tour:
    """One run: pictures in *out_dir*, problems by picture name."""

    def __init__(self, data_dir: Path, password: str, out_dir: Path = OUT_DIR) -> None:
        self.data_dir = data_dir
        self.password = password
        self.out_dir = out_dir
        self.found: dict[str, list[str]] = {}
        self.pictures: list[Path] = []
        self.language = "zh_Hans_CN"
        self.shell: Shell | None = None
        self.main: MainWindow | None = None
        self.user_data: set[str] = set()

    # -- pictures --------------------------------------------------------------------------
    def snap(self, widget: QWidget, name: str) -> None:
        settle()
        full = f"{LANGUAGES[self.language]}_{name}"
        self.out_dir.mkdir(parents=True, exist_ok=True)
        path = self.out_dir / f"{full}.png"
        assert widget.window().grab().save(str(path)), path
        self.pictures.append(path)
        self.found[full] = problems(widget.window(), self.language, self.user_data)

    def close_dialog(self, dialog: QWidget | None) -> None:
        if dialog is not None:
            dialog.close()
        settle()

    # -- the run ---------------------------------------------------------------------------
    def run(self) -> dict[str, list[str]]:
        app = QApplication.instance()
        assert isinstance(app, QApplication)
        prepare_application(app, self.data_dir)
        self.shell = Shell(self.data_dir, KdfParams.floor())
        self.shell._integrity_checked = True  # the whole-file check is not what we look at
        try:
            self.shell.start("admin", self.password)
            self.main = wait_until(lambda: self.shell.main if self.shell.main is not None
                                   and self.shell.main.isVisible() else None)
            self.main.resize(SCREEN.width(), SCREEN.height() - WINDOW_CHROME)
            self._learn_user_data()
            for language in LANGUAGES:
                self.switch_language(language)
                self.visit_everything()
        finally:
            tasks.wait_for_all()
            self.shell.shut_down()
            for widget in QApplication.topLevelWidgets():
                widget.close()
            QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
            app.processEvents()
        return self.found

    def _learn_user_data(self) -> None:
        """Names of the demo's people and clinic: shown as typed, in either language."""
        session = self.main.session
        status = session.status()
        self.user_data |= {status.clinic_name, session.user.display_name}
        self.user_data |= {u.username for u in session.users()}

    def switch_language(self, language: str) -> None:
        self.language = language
        self.main.language_actions[language].trigger()
        settle()

    def visit_everything(self) -> None:
        main = self.main
        for key in ("worklist", "highrisk", "sync", "settings"):
            main.show_page(key)
            self.snap(main, f"page_{key}")
        settings = main.page("settings")
        if getattr(settings, "backups", None) is not None:
            settings.ensureWidgetVisible(settings.backups, 0, 0)
            self.snap(main, "page_backups")
            settings.verticalScrollBar().setValue(0)
        self.women()
        self.children()
        self.reports()

    # -- women -----------------------------------------------------------------------------
    def _query(self, sql: str) -> Any:
        return self.main.session.store.conn.execute(sql).fetchone()

    def women(self) -> None:
        main = self.main
        page = main.show_page("women")
        page.search_box.clear()
        page.search_now()
        self.snap(main, "page_women_empty")
        high = self._query(
            "SELECT c.person_id, p.name_zh FROM cases c JOIN pregnancies g ON g.id = "
            "c.pregnancy_id JOIN persons p ON p.id = c.person_id WHERE c.status != 'closed' "
            "AND g.status = 'ongoing' AND c.deleted = 0 ORDER BY g.edd LIMIT 1")
        delivered = self._query(
            "SELECT g.person_id FROM pregnancies g JOIN postpartum_visits v ON "
            "v.pregnancy_id = g.id WHERE g.status = 'delivered' AND g.deleted = 0 "
            "GROUP BY g.id HAVING count(*) >= 2 ORDER BY g.ended_on DESC LIMIT 1")
        surname = (high[1] or "王")[:1]
        page.search_box.setText(surname)
        page.search_now()
        settle()
        self.snap(main, "page_women_list")
        form = page.new_woman()
        self.snap(form, "form_register_woman")
        self.close_dialog(form)
        self.woman_record(page, high[0], "highrisk")
        self.woman_record(page, delivered[0], "delivered")

    def woman_record(self, page: Any, person_id: str, label: str) -> None:
        dialog = page.open_person(person_id)
        settle()
        view = dialog.view
        self.user_data.add(view.name_label.text())
        tabs = view.tabs
        names = ["pregnancy", "visits", "risk", "case", "delivery", "children"]
        wanted = {"highrisk": ("pregnancy", "visits", "risk", "case"),
                  "delivered": ("pregnancy", "delivery", "children")}[label]
        for index, name in enumerate(names):
            if name in wanted:
                tabs.setCurrentIndex(index)
                self.snap(dialog, f"record_{label}_{name}")
        tabs.setCurrentIndex(0)
        forms = {"highrisk": (("prenatal_visit", "form_prenatal_visit"),
                              ("delivery", "form_delivery"),
                              ("edit_pregnancy", "form_pregnancy")),
                 "delivered": (("postpartum", "form_postpartum"),)}[label]
        for key, picture in forms:
            form = view.open_form(key)
            assert form is not None, key
            self.snap(form, picture)
            self.close_dialog(form)
        self.close_dialog(dialog)

    # -- children --------------------------------------------------------------------------
    def children(self) -> None:
        main = self.main
        page = main.show_page("children")
        page.show_list()
        page.search.clear()
        settle()
        self.snap(main, "page_children")
        row = self._query(
            "SELECT v.person_id FROM child_visits v JOIN persons p ON p.id = v.person_id "
            "WHERE p.status IS NULL OR p.status = 'active' GROUP BY v.person_id "
            "HAVING count(*) >= 6 ORDER BY max(v.visit_date) DESC LIMIT 1")
        record = page.open_child(row[0])
        settle()
        self.user_data.add(record.name_label.text())
        if record.summary is not None and record.summary.mother_name:
            self.user_data.add(record.summary.mother_name)
        for index, name in enumerate(("checks", "vaccinations", "growth")):
            record.tabs.setCurrentIndex(index)
            self.snap(main, f"child_record_{name}")
        record.tabs.setCurrentIndex(0)
        form = record.open_visit_form(record.kind_combo.currentData())
        self.snap(form, "form_child_check")
        self.close_dialog(form)
        form = record.open_vaccination_form()
        self.snap(form, "form_vaccination")
        self.close_dialog(form)
        page.show_list()
        form = page.open_register_form()
        self.snap(form, "form_register_child")
        self.close_dialog(form)

    # -- reports ---------------------------------------------------------------------------
    def reports(self) -> None:
        main = self.main
        page = main.show_page("reports")
        self.snap(main, "page_reports_empty")
        kind = page.findChild(QComboBox, "report_period_kind")
        kind.setCurrentIndex(kind.findData("year"))
        page.year.setValue(date.today().year - 1)
        if page.report is None or page.report.period.start.year != page.year.value():
            page.report = None
            page.compute()
            wait_until(lambda: page.report is not None, 300)
        self.snap(main, "page_reports_year")


def run_tour(data_dir: Path, password: str, out_dir: Path = OUT_DIR) -> Tour:
    tour = Tour(data_dir, password, out_dir)
    tour.run()
    return tour


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--out", type=Path, default=OUT_DIR)
    args = parser.parse_args(argv)
    password = os.environ.get("EKE_PASSWORD", "x")
    qInstallMessageHandler(lambda _kind, _context, text: None if "propagateSizeHints" in text
                           else print(text, file=sys.stderr))
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Eke")
    tour = run_tour(args.data_dir, password, args.out)
    lines = []
    for name, found in tour.found.items():
        lines += [f"{name}: {p}" for p in found]
    (args.out / "problems.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines) if lines else "no problems found")
    print(f"{len(tour.pictures)} pictures in {args.out}")
    return 1 if lines else 0


if __name__ == "__main__":
    sys.exit(main())
