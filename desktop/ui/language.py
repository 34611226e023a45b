"""Run-time language switching for the widgets.

desktop.i18n holds the catalogs and tells listeners when the language changes; here the
change reaches Qt: Qt's own qtbase translations (standard buttons, dialogs) follow the
language, and every window gets a LanguageChange event so its views re-set their texts.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, QLibraryInfo, QLocale, Qt, QTranslator
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


def qt_locale(language: str) -> QLocale:
    """The QLocale for *language*. For traditional Mongolian it only names the language
    (input methods, spell checkers): CLDR has no Mongolian-script data, so dates and numbers
    are formatted by desktop.i18n.formatting, never by QLocale."""
    if language == "mn_Mong_CN":
        return QLocale(QLocale.Language.Mongolian, QLocale.Script.MongolianScript,
                       QLocale.Country.China)
    return QLocale(QLocale.Language.Chinese, QLocale.Script.SimplifiedChineseScript,
                   QLocale.Country.China)


def apply_locale(language: str) -> None:
    """Default locale and layout direction for *language*: widgets stay left to right
    (horizontal Mongolian lines run left to right; columns of vertical text do too)."""
    QLocale.setDefault(qt_locale(language))
    app = QCoreApplication.instance()
    if isinstance(app, QApplication):
        app.setLayoutDirection(Qt.LayoutDirection.LeftToRight)


def _language_changed(language: str) -> None:
    install_qt_translator(language)
    apply_locale(language)
    # Sent, not posted: every view shows the new language before the next paint.
    for widget in QApplication.topLevelWidgets():
        QCoreApplication.sendEvent(widget, QEvent(QEvent.Type.LanguageChange))


def connect_language_switch() -> None:
    """Make i18n.set_language reach the widgets (once per process)."""
    global _listening
    if not _listening:
        i18n.on_language_change(_language_changed)
        _listening = True
