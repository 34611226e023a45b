"""Help → About: what this program is and which versions it runs on."""

from __future__ import annotations

import PySide6
from PySide6.QtCore import Qt, qVersion
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from desktop.i18n import _
from desktop.services.session import versions
from desktop.ui.widgets.base import Retranslatable


def version_lines() -> list[tuple[str, str]]:
    found = versions()
    return [("Eke", found["eke"]), ("Python", found["python"]), ("Qt", qVersion()),
            ("PySide6", PySide6.__version__), ("SQLCipher", found["sqlcipher"]),
            ("SQLite", found["sqlite"])]


class AboutDialog(Retranslatable, QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("about_dialog")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.text = QLabel(objectName="about_text")
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.versions = QLabel(objectName="about_versions")
        self.versions.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.versions.setText("\n".join(f"{name} {version}" for name, version in version_lines()))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        layout.addWidget(self.versions)
        layout.addWidget(buttons)
        self.retranslate()

    def retranslate(self) -> None:
        self.setWindowTitle(_("About Eke"))
        self.text.setText(_("Eke: the offline Maternal and Child Health Handbook for township "
                            "and village health workers."))
