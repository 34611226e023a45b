"""Switching zh ↔ mn at run time (menu, per user, remembered at login): no widget keeps the
other language; main screens at 1366×768 without clipped text, saved as PNGs."""

from __future__ import annotations

import re

from PySide6.QtWidgets import (
    QAbstractButton,
    QGroupBox,
    QLabel,
    QLineEdit,
    QMenu,
    QTableWidget,
    QWidget,
)
from screen_checks import clipped
from ui_helpers import ADMIN_PASSWORD, log_in, screenshot

from desktop import i18n
from desktop.domain.mongolian import is_mongolian_letter
from desktop.ui.main_window import LANGUAGE_MENU_NAMES, MainWindow
from desktop.ui.views.settings import LANGUAGE_NAMES
from desktop.ui.widgets.vertical_text import VerticalLabel

HAN = re.compile(r"[\u3400-\u9fff]")
USER_DATA = {"八仙筒镇卫生院", "乌云其其格"}
ENDONYMS = set(LANGUAGE_NAMES.values()) | set(LANGUAGE_MENU_NAMES.values())


def shown_texts(root: QWidget) -> list[str]:
    """Every text a user can see under *root*: labels, buttons, titles, tooltips, headers,
    menus, list items."""
    texts: list[str] = [root.windowTitle(), root.toolTip()]
    for widget in [root, *root.findChildren(QWidget)]:
        if not widget.isVisibleTo(root) and widget is not root:
            continue
        texts += [widget.toolTip(), widget.windowTitle()]
        if isinstance(widget, (QLabel, QAbstractButton, VerticalLabel)):
            texts.append(widget.text())
        if isinstance(widget, QGroupBox):
            texts.append(widget.title())
        if isinstance(widget, QLineEdit):
            texts.append(widget.placeholderText())
        if isinstance(widget, QTableWidget):
            texts += [widget.horizontalHeaderItem(c).text()
                      for c in range(widget.columnCount()) if widget.horizontalHeaderItem(c)]
        if isinstance(widget, QMenu):
            texts.append(widget.title())
            texts += [a.text() for a in widget.actions()]
        model = getattr(widget, "model", None)
        if callable(model) and hasattr(widget, "item") and hasattr(widget, "count"):
            texts += [widget.item(r).text() for r in range(widget.count())]
    return [t for t in texts if t and t not in USER_DATA and t not in ENDONYMS]


def wrong_script(texts: list[str], language: str) -> list[str]:
    if language == "mn_Mong_CN":
        return [t for t in texts if HAN.search(t) and not any(u in t for u in USER_DATA)]
    return [t for t in texts if any(is_mongolian_letter(c) for c in t)]


def visit_every_page(qtbot, main: MainWindow, language: str, save: bool) -> list[str]:  # noqa: ANN001
    problems = []
    for spec in main.specs:
        main.show_page(spec.key)
        qtbot.wait(10)
        problems += [f"{spec.key}: {t}" for t in wrong_script(shown_texts(main), language)]
        problems += [f"{spec.key} clipped {t}" for t in clipped(main)]
        if save:
            screenshot(main, f"main_{spec.key}_{language}")
    return problems


def test_switch_from_the_menu_reaches_every_widget_and_is_remembered(qtbot, shell, store):  # noqa: ANN001
    shell.start()
    main = log_in(qtbot, shell, "admin", ADMIN_PASSWORD)
    main.resize(1366, 768)
    qtbot.wait(20)
    assert visit_every_page(qtbot, main, "zh_Hans_CN", save=True) == []

    main.findChild(type(main.lock_action), "language_mn_Mong_CN_action").trigger()
    assert i18n.current_language() == "mn_Mong_CN"
    qtbot.wait(20)
    assert main.page_header.isVisible() and main.page_header.text()
    assert visit_every_page(qtbot, main, "mn_Mong_CN", save=True) == []
    # Page titles are the vertical strip beside the page, not a horizontal heading too.
    for name in ("page_reports_title", "sync_heading"):
        heading = main.findChild(QLabel, name)
        assert heading is not None and heading.text() and heading.isHidden()
    assert main.language_actions["mn_Mong_CN"].isChecked()
    main.show_page("settings")
    combo = main.findChild(QWidget, "language_combo")
    assert combo.currentData() == "mn_Mong_CN"

    # Locking and logging in again keeps the user's language.
    login = shell.lock()
    qtbot.waitUntil(lambda: shell.main is None)
    login.resize(1366, 768)
    assert wrong_script(shown_texts(login), "mn_Mong_CN") == []
    screenshot(login, "login_mn_Mong_CN")
    main = log_in(qtbot, shell, "admin", ADMIN_PASSWORD)
    assert i18n.current_language() == "mn_Mong_CN"

    main.findChild(type(main.lock_action), "language_zh_Hans_CN_action").trigger()
    assert i18n.current_language() == "zh_Hans_CN"
    main.resize(1366, 768)
    qtbot.wait(20)
    assert not main.page_header.isVisible()
    assert visit_every_page(qtbot, main, "zh_Hans_CN", save=False) == []
    assert not main.findChild(QLabel, "sync_heading").isHidden()


def test_login_and_wizard_in_both_languages_fit_1366x768(qtbot, shell, store, tmp_path,  # noqa: ANN001
                                                          kdf):
    from desktop.ui.views.wizard import SetupWizard

    shell.start()
    login = shell.login
    assert login is not None
    wizard = SetupWizard(tmp_path / "empty", kdf)
    qtbot.addWidget(wizard)
    wizard.show()
    for language in ("mn_Mong_CN", "zh_Hans_CN"):
        i18n.set_language(language)
        for window, name in ((login, "login"), (wizard, "wizard")):
            window.resize(1366, 768)
            qtbot.wait(10)
            assert wrong_script(shown_texts(window), language) == []
            assert clipped(window) == []
            screenshot(window, f"{name}_{language}")
