"""What a health worker would see go wrong on a screen, checked on real widgets: text that
needs more room than its widget got (labels, buttons, tab titles, group titles, combo
boxes, placeholders, table headers and cells), characters no font of ours can draw (empty
boxes), English or Chinese left in the other interface, and windows bigger than a
1366×768 laptop screen.

Each check returns readable problem lines ("" none); tests assert the lists are empty and
tests/ui/screens.py prints them next to the pictures.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from PySide6.QtCore import QModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractScrollArea,
    QApplication,
    QComboBox,
    QGroupBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListView,
    QMenu,
    QStyle,
    QStyleOptionComboBox,
    QTabBar,
    QTableView,
    QTreeView,
    QWidget,
)

from desktop.domain.mongolian import is_mongolian_letter
from desktop.ui.main_window import LANGUAGE_MENU_NAMES
from desktop.ui.views.settings import LANGUAGE_NAMES
from desktop.ui.widgets.vertical_text import VerticalLabel

SCREEN = QSize(1366, 768)
# A title bar and a task bar take about this much of the screen's height.
WINDOW_CHROME = 60
HAN = re.compile(r"[\u3400-\u9fff]")
LATIN_WORD = re.compile(r"[A-Za-z]{3,}")
# Latin that belongs in a Chinese or Mongolian interface: units, vaccine and test names,
# the program's name, file kinds and addresses.
LATIN_ALLOWED = {
    "mmHg", "BCG", "HepB", "IPV", "bOPV", "DTaP", "MMR", "MPSV", "MPSV-A", "MPSV-AC", "JE",
    "HepA", "HAV", "HBIG", "HBsAg", "HIV", "Eke", "CSV", "XLSX", "PDF", "USB", "https",
    "http", "ekebundle", "WHO", "BMI", "LMP", "EDD", "OGTT", "TSH", "SMS", "DTP", "OPV",
    "HepE", "MenA", "MenAC", "JEV", "Hib", "PCV", "EV71", "VAR", "MR", "Rh", "mmol",
    # WHO z-score names, as child-health staff know them from the growth charts.
    "WAZ", "LHAZ", "WLHZ", "HCZ", "BMIZ", "WFL", "WFH",
    # What is typed into the search box: Latin letters of the pinyin spelling.
    "pinyin",
}
# The languages' names in themselves (the language menu and choice) are never translated.
ENDONYMS = set(LANGUAGE_NAMES.values()) | set(LANGUAGE_MENU_NAMES.values())


# -- what is shown -----------------------------------------------------------------------------
def shown_widgets(root: QWidget) -> list[QWidget]:
    """*root* and every widget under it that is on screen (not hidden, not scrolled off
    a stacked page)."""
    return [root] + [w for w in root.findChildren(QWidget) if w.isVisible()]


def _name(widget: QWidget) -> str:
    name = widget.objectName()
    parent = widget.parentWidget()
    while not name and parent is not None:
        name = parent.objectName() + ">" + type(widget).__name__
        parent = None
    return name or type(widget).__name__


def _view_texts(view: QAbstractItemView) -> tuple[list[str], list[str]]:
    """(headings, cells) on screen."""
    model = view.model()
    if model is None:
        return [], []
    headings = []
    header = view.horizontalHeader() if isinstance(view, QTableView) else (
        view.header() if isinstance(view, QTreeView) else None)
    if header is not None and header.isVisible():
        headings = [str(model.headerData(c, header.orientation()) or "")
                    for c in range(model.columnCount()) if not header.isSectionHidden(c)]
    return headings, [str(index.data() or "") for index in _visible_indexes(view)]


def shown_texts(root: QWidget) -> list[tuple[str, str]]:
    """(widget name, text) for every text a user can see under *root*; the cells of lists
    and tables are named "... cell" (they hold the records' own words too)."""
    found: list[tuple[str, str]] = [("window title", root.windowTitle())]
    for widget in shown_widgets(root):
        name = _name(widget)
        texts = [widget.toolTip()]
        if isinstance(widget, (QLabel, QAbstractButton, VerticalLabel)):
            texts.append(widget.text())
        if isinstance(widget, QGroupBox):
            texts.append(widget.title())
        if isinstance(widget, QLineEdit):
            texts += [widget.placeholderText()]
        if isinstance(widget, QComboBox):
            texts += [widget.itemText(i) for i in range(widget.count())]
        if isinstance(widget, QTabBar):
            texts += [widget.tabText(i) for i in range(widget.count())]
        if isinstance(widget, QMenu):
            texts += [widget.title()] + [a.text() for a in widget.actions()]
        if isinstance(widget, QAbstractItemView) and not isinstance(widget, QHeaderView):
            headings, cells = _view_texts(widget)
            texts += headings
            found += [(f"{name} cell", t) for t in cells if t]
        found += [(name, t) for t in texts if t]
    return found


# -- room for the text -------------------------------------------------------------------------
def _visible_indexes(view: QAbstractItemView, limit: int = 60) -> list[QModelIndex]:
    """The model indexes drawn in *view*'s viewport (at most *limit* rows)."""
    model = view.model()
    if model is None or model.rowCount() == 0:
        return []
    viewport = view.viewport().rect()
    indexes = []
    if isinstance(view, QTableView):
        rows = [r for r in range(model.rowCount()) if not view.isRowHidden(r)]
        columns = [c for c in range(model.columnCount()) if not view.isColumnHidden(c)]
        for row in rows[:limit]:
            for column in columns:
                index = model.index(row, column)
                if view.visualRect(index).intersects(viewport):
                    indexes.append(index)
        return indexes
    index = view.indexAt(viewport.topLeft())
    while index.isValid() and len(indexes) < limit * 8:
        rect = view.visualRect(index)
        if rect.top() > viewport.bottom():
            break
        columns = range(model.columnCount(index.parent())) if isinstance(view, QTreeView) \
            else range(1)
        for column in columns:
            if isinstance(view, QTreeView) and view.isColumnHidden(column):
                continue
            indexes.append(index.siblingAtColumn(column))
        index = view.indexBelow(index) if isinstance(view, QTreeView) else \
            model.index(index.row() + 1, 0, index.parent())
    return indexes


def cut_cells(view: QAbstractItemView) -> list[str]:
    """Header sections and cells on screen whose text needs more width than it got."""
    found = []
    model = view.model()
    if model is None:
        return found
    header = view.horizontalHeader() if isinstance(view, QTableView) else (
        view.header() if isinstance(view, QTreeView) else None)
    if header is not None and header.isVisible():
        for column in range(model.columnCount()):
            if header.isSectionHidden(column):
                continue
            need = header.sectionSizeFromContents(column).width()
            if need > header.sectionSize(column) + 1:
                found.append(f"{view.objectName()} heading "
                             f"“{model.headerData(column, header.orientation())}” needs "
                             f"{need} px, has {header.sectionSize(column)}")
    viewport = view.viewport().rect()
    for index in _visible_indexes(view):
        text = str(index.data() or "")
        if not text:
            continue
        rect = view.visualRect(index)
        if isinstance(view, QListView) or rect.right() > viewport.right():
            # A list's items and a column that runs past the edge scroll sideways.
            width = min(rect.width(), viewport.right() - rect.left())
            if isinstance(view, QListView) or width >= rect.width():
                continue
        need = view.sizeHintForIndex(index).width()
        if need > rect.width() + 1 and not _wraps_whole(view, index, rect):
            found.append(f"{view.objectName()} cell ({index.row()},{index.column()}) "
                         f"“{text[:24]}” needs {need} px, has {rect.width()}")
    return found


def _wraps_whole(view: QAbstractItemView, index: QModelIndex, rect: QRect) -> bool:
    """True when a word-wrapping view shows the whole of the cell's text in more lines."""
    if not isinstance(view, QTableView) or not view.wordWrap():
        return False
    margin = 2 * (view.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin) + 1)
    font = index.data(Qt.ItemDataRole.FontRole) or view.font()
    bounds = QFontMetrics(font).boundingRect(
        QRect(0, 0, rect.width() - margin, 100_000),
        int(Qt.TextFlag.TextWordWrap), str(index.data() or ""))
    return bounds.width() <= rect.width() - margin and bounds.height() <= rect.height()


def _combo_needs(combo: QComboBox) -> int:
    option = QStyleOptionComboBox()
    option.initFrom(combo)
    option.editable = combo.isEditable()
    text = combo.currentText()
    size = QSize(combo.fontMetrics().horizontalAdvance(text), combo.fontMetrics().height())
    return combo.style().sizeFromContents(QStyle.ContentsType.CT_ComboBox, option, size,
                                          combo).width()


def clipped(root: QWidget) -> list[str]:
    """Widgets on screen whose text needs more room than they were given."""
    found = []
    for widget in shown_widgets(root):
        if widget.width() <= 0:
            continue
        name = _name(widget)
        if isinstance(widget, QLabel) and widget.text() and not widget.pixmap():
            if widget.wordWrap():
                need_h = widget.heightForWidth(widget.width())
                if need_h > widget.height() + 1:
                    found.append(f"{name}: “{widget.text()[:30]}” needs {need_h} px high, "
                                 f"has {widget.height()}")
            elif widget.sizeHint().width() > widget.width() + 1:
                found.append(f"{name}: “{widget.text()[:30]}” needs "
                             f"{widget.sizeHint().width()} px, has {widget.width()}")
        elif isinstance(widget, (QAbstractButton, VerticalLabel)) and \
                not isinstance(widget.parentWidget(), QLineEdit):  # Qt's own clear button
            hint = widget.sizeHint()
            if hint.width() > widget.width() + 1 or hint.height() > widget.height() + 1:
                found.append(f"{name}: “{widget.text()[:30]}” needs {hint.width()}×"
                             f"{hint.height()}, has {widget.width()}×{widget.height()}")
        elif isinstance(widget, QComboBox) and widget.currentText():
            need = _combo_needs(widget)
            if need > widget.width() + 1:
                found.append(f"{name}: “{widget.currentText()[:30]}” needs {need} px, "
                             f"has {widget.width()}")
        elif isinstance(widget, QLineEdit) and widget.placeholderText() and \
                not widget.text():
            # The hint in an empty field: the user reads it to know what to type.
            need = widget.fontMetrics().horizontalAdvance(widget.placeholderText()) + 12
            if widget.isClearButtonEnabled():
                need += 20
            if need > widget.width():
                found.append(f"{name} placeholder: “{widget.placeholderText()[:30]}” needs "
                             f"{need} px, has {widget.width()}")
        elif isinstance(widget, QGroupBox) and widget.title():
            need = widget.fontMetrics().horizontalAdvance(widget.title()) + 16
            if need > widget.width():
                found.append(f"{name} title: “{widget.title()[:30]}” needs {need} px")
        elif isinstance(widget, QTabBar):
            found += _cut_tabs(widget)
        elif isinstance(widget, QAbstractItemView) and not isinstance(widget, QHeaderView):
            found += cut_cells(widget)
    return found


def _cut_tabs(bar: QTabBar) -> list[str]:
    found = []
    for i in range(bar.count()):
        if not bar.isTabVisible(i):
            continue
        rect = bar.tabRect(i)
        need = bar.tabSizeHint(i).width()
        if need > rect.width() + 1 or rect.right() > bar.width():
            found.append(f"{_name(bar)} tab “{bar.tabText(i)}” needs {need} px, has "
                         f"{rect.width()} (bar {bar.width()})")
    return found


# -- fonts and languages -----------------------------------------------------------------------
_metrics: list[QFontMetrics] | None = None


def _fonts() -> list[QFontMetrics]:
    """One metrics per family of the interface font, each without fallback to others."""
    global _metrics
    if _metrics is None:
        app = QApplication.instance()
        base = app.font() if isinstance(app, QApplication) else QFont()
        _metrics = []
        for family in base.families() or [base.family()]:
            font = QFont(family)
            font.setStyleStrategy(QFont.StyleStrategy.NoFontMerging)
            _metrics.append(QFontMetrics(font))
    return _metrics


def missing_glyphs(texts: Iterable[tuple[str, str]]) -> list[str]:
    """Characters that no font of ours has (they would show as empty boxes)."""
    found = []
    raw = _fonts()
    for name, text in texts:
        missing = {c for c in text if c.isprintable() and not c.isspace()
                   and not any(m.inFontUcs4(ord(c)) for m in raw)
                   and not 0x180B <= ord(c) <= 0x180F and ord(c) != 0x202F}
        if missing:
            found.append(f"{name}: no glyph for {' '.join(sorted(missing))} in “{text[:30]}”")
    return found


def wrong_language(texts: Iterable[tuple[str, str]], language: str,
                   user_data: Iterable[str] = ()) -> list[str]:
    """Texts showing the other language, or English words (untranslated msgids)."""
    data = {d for d in user_data if d}
    found = []
    for name, text in texts:
        if text in ENDONYMS or text in data or any(d in text for d in data):
            continue
        if language == "mn_Mong_CN" and HAN.search(text) and not name.endswith(" cell"):
            found.append(f"{name}: Chinese in the Mongolian interface: “{text[:40]}”")
        if language != "mn_Mong_CN" and any(is_mongolian_letter(c) for c in text) \
                and not name.endswith(" cell"):
            found.append(f"{name}: Mongolian in the Chinese interface: “{text[:40]}”")
        words = [w for w in LATIN_WORD.findall(text) if w not in LATIN_ALLOWED]
        if words:
            found.append(f"{name}: English “{' '.join(words[:4])}” in “{text[:40]}”")
    return found


def too_big(window: QWidget, screen: QSize = SCREEN) -> list[str]:
    """A window that cannot be shown whole on the laptop's screen (a part without a
    scroll bar would be out of reach)."""
    room = QSize(screen.width(), screen.height() - WINDOW_CHROME)
    need = window.minimumSizeHint().expandedTo(window.minimumSize())
    found = []
    if need.width() > room.width() or need.height() > room.height():
        found.append(f"{_name(window)} needs at least {need.width()}×{need.height()}, the "
                     f"screen leaves {room.width()}×{room.height()}")
    size = window.size()
    if size.width() > room.width() or size.height() > room.height():
        found.append(f"{_name(window)} opens at {size.width()}×{size.height()}, larger than "
                     f"{room.width()}×{room.height()}")
    return found


def scroll_areas_cut(root: QWidget) -> list[str]:
    """Scroll areas whose content is cut with no scroll bar to reach it."""
    found = []
    for area in root.findChildren(QAbstractScrollArea):
        if not area.isVisible() or isinstance(area, QAbstractItemView):
            continue
        inner = getattr(area, "widget", lambda: None)()
        if inner is None:
            continue
        need = inner.minimumSizeHint()
        view = area.viewport().size()
        if need.height() > view.height() and not area.verticalScrollBar().isVisible():
            found.append(f"{_name(area)}: content {need.height()} px high in {view.height()}"
                         " with no scroll bar")
    return found


def problems(root: QWidget, language: str, user_data: Iterable[str] = ()) -> list[str]:
    """Everything above for the window *root* as it is on screen now."""
    texts = shown_texts(root)
    return (clipped(root) + missing_glyphs(texts) + wrong_language(texts, language, user_data)
            + too_big(root) + scroll_areas_cut(root))
