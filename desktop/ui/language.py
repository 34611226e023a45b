"""Run-time language switching for the widgets.

desktop.i18n holds the catalogs and tells listeners when the language changes; here the
change reaches Qt: Qt's own qtbase translations (standard buttons, dialogs) follow the
language, and every window gets a LanguageChange event so its views re-set their texts.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, QLibraryInfo, QTranslator
from PySide6.QtWidgets import QApplication

from desktop import i18n

QT_LOCALES = {"zh_Hans_CN": "zh_CN"}  # Qt ships no traditional Mongolian translation

_translator: QTranslator | None = None
_translator_language: str | None = None
_listening = False


def install_qt_translator(language: str) -> bool:
    """Install Qt's qtbase catalog for *language* (replacing the previous one)."""
    global _translator, _translator_language
    app = QCoreApplication.instance()
    if app is None:
        return False
    if _translator is not None and _translator_language == language:
        return True  # re-installing would make every window re-translate for nothing
    if _translator is not None:
        app.removeTranslator(_translator)
        _translator = None
        _translator_language = None
    locale = QT_LOCALES.get(language)
    if locale is None:
        return False
    translator = QTranslator(app)
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if not translator.load(f"qtbase_{locale}", folder):
        return False
    app.installTranslator(translator)
    _translator = translator
    _translator_language = language
    return True


def _language_changed(language: str) -> None:
    install_qt_translator(language)
    # Sent, not posted: every view shows the new language before the next paint.
    for widget in QApplication.topLevelWidgets():
        QCoreApplication.sendEvent(widget, QEvent(QEvent.Type.LanguageChange))


def connect_language_switch() -> None:
    """Make i18n.set_language reach the widgets (once per process)."""
    global _listening
    if not _listening:
        i18n.on_language_change(_language_changed)
        _listening = True
