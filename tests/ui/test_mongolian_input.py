"""Name fields keep NFC text with U+202F and FVS, warn about Menksoft private-use codes on
paste and typing (translated), and the fcitx5 → ibus input-method choice."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication, QLineEdit

from desktop import i18n
from desktop.ui.input_method import choose_input_module
from desktop.ui.widgets.text_fields import PUA_MESSAGE, NameLineEdit, install_pua_check

PUA_TEXT = "\ue234\ue300"


def test_name_field_keeps_suffix_joiner_and_warns_on_pasted_menksoft_codes(qtbot):  # noqa: ANN001
    field = NameLineEdit(object_name="name_field")
    qtbot.addWidget(field)
    field.setText("ᠮᠣᠩᠭᠣᠯ\u202fᠤᠨ ᠴᠢᠨ\u180bᠠ")
    assert field.value() == "ᠮᠣᠩᠭᠣᠯ\u202fᠤᠨ ᠴᠢᠨ\u180bᠠ"
    assert field.problem() == ""
    QApplication.clipboard().setText(PUA_TEXT)
    with qtbot.waitSignal(field.problem_changed) as signal:
        field.paste()
    assert field.has_legacy_codes()
    assert signal.args[0] == i18n.translate("zh_Hans_CN", PUA_MESSAGE) != PUA_MESSAGE
    i18n.set_language("mn_Mong_CN")
    assert field.problem() == i18n.translate("mn_Mong_CN", PUA_MESSAGE)
    assert any("\u1820" <= ch <= "\u18af" for ch in field.problem())


def test_every_text_field_is_checked_application_wide(qtbot, qapp):  # noqa: ANN001
    watcher = install_pua_check(qapp)
    field = QLineEdit(objectName="plain_field")
    qtbot.addWidget(field)
    field.show()
    field.setFocus()
    qtbot.waitUntil(field.hasFocus)
    qtbot.keyClicks(field, "abc")
    QApplication.clipboard().setText(PUA_TEXT)
    with qtbot.waitSignal(watcher.warned):
        field.paste()  # QTest cannot type private-use characters; paste is the real path
    assert watcher.label.text() == i18n._(PUA_MESSAGE)
    watcher.label.hide()


def test_ibus_is_chosen_only_when_fcitx_runs_without_a_qt_plugin():
    env: dict[str, str] = {"QT_IM_MODULE": "fcitx"}
    assert choose_input_module(env, "linux", fcitx=True, plugin=False) == "ibus"
    assert env["QT_IM_MODULE"] == "ibus"
    env = {}
    assert choose_input_module(env, "linux", fcitx=True, plugin=False) == "ibus"
    env = {"QT_IM_MODULE": "xim"}
    assert choose_input_module(env, "linux", fcitx=True, plugin=False) is None
    assert env == {"QT_IM_MODULE": "xim"}
    assert choose_input_module({}, "linux", fcitx=False, plugin=False) is None
    assert choose_input_module({}, "linux", fcitx=True, plugin=True) is None
    assert choose_input_module({}, "win32", fcitx=True, plugin=False) is None
