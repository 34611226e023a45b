"""Registering a child born elsewhere (children of deliveries recorded here are created
by the delivery form). Special management and the HBIG flag follow from the birth facts
and the mother's HBsAg status."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QWidget,
)

from desktop.i18n import N_, _
from desktop.i18n import child_texts as ct
from desktop.ui.tasks import run_task
from desktop.ui.views.child_forms.base import (
    ChildForm,
    choice_combo,
    date_edit,
    ga_days,
    retranslate_combo,
)
from desktop.ui.widgets.text_fields import NameLineEdit

HBSAG_CHOICES = {"yes": N_("Positive"), "no": N_("Negative")}
NO_MOTHER = N_("— no mother in the records —")
FIND = N_("Find")


class RegisterChildForm(ChildForm):
    """Emits `saved(Changes)`; `Changes.ids[0]` is the new child."""

    def __init__(self, session: Any, parent: QWidget | None = None,
                 today: date | None = None) -> None:
        super().__init__(session, "", "register_child_form", parent)
        today = today or date.today()
        self.today = today
        form = self.section("child_section", N_("Child"))
        self.add_field(form, "name_zh", NameLineEdit(object_name="name_zh"),
                       N_("Name (Chinese)"))
        self.add_field(form, "name_mn", NameLineEdit(object_name="name_mn"),
                       N_("Name (Mongolian)"))
        self.sex = choice_combo("sex", ct.SEXES)
        self.add_field(form, "sex", self.sex, N_("Sex"))
        self.add_field(form, "birth_date", date_edit("birth_date", today), N_("Birth date"))
        self.area = QComboBox(objectName="area_code")
        user = session.user
        villages = list(user.areas) if user.role == "village_doctor" else session.areas()[1]
        for code in villages:
            self.area.addItem(code, code)
        self.add_field(form, "area_code", self.area, N_("Village"))
        self.add_field(form, "resident_id", QLineEdit(objectName="resident_id"),
                       N_("Resident ID number"))
        self.add_field(form, "birth_cert_no", QLineEdit(objectName="birth_cert_no"),
                       N_("Birth certificate number"))

        mother = self.section("mother_section", N_("Mother"))
        finder = QWidget()
        row = QHBoxLayout(finder)
        row.setContentsMargins(0, 0, 0, 0)
        self.mother_search = QLineEdit(objectName="mother_search")
        self.find_button = QPushButton(objectName="mother_find")
        self.find_button.setAutoDefault(False)
        self.find_button.clicked.connect(self.find_mother)
        self.mother_search.returnPressed.connect(self.find_mother)
        row.addWidget(self.mother_search, 1)
        row.addWidget(self.find_button)
        self.mother_choice = QComboBox(objectName="mother_choice")
        self.mother_choice.addItem("", None)
        self.add_field(mother, "mother_search", finder, N_("Find the mother"))
        self.add_field(mother, "mother_id", self.mother_choice, N_("Mother"))
        self.hbsag = choice_combo("mother_hbsag", HBSAG_CHOICES)
        self.add_field(mother, "mother_hbsag_positive", self.hbsag, N_("Mother's HBsAg"))

        birth = self.section("birth_section", N_("Birth"))
        self.add_field(birth, "birth_weight_kg", QLineEdit(objectName="birth_weight_kg"),
                       N_("Birth weight (kg)"))
        self.add_field(birth, "birth_length_cm", QLineEdit(objectName="birth_length_cm"),
                       N_("Birth length (cm)"))
        self.add_field(birth, "birth_ga_days", QLineEdit(objectName="birth_ga"),
                       N_("Gestation at birth (weeks+days, e.g. 38+2)"))
        self.multiple = QCheckBox(objectName="multiple_birth")
        self.add_field(birth, "multiple_birth", self.multiple, N_("Twin or multiple birth"))
        self.body_layout.addStretch(1)
        self.retranslate()

    def retranslate(self) -> None:
        super().retranslate()
        self.setWindowTitle(_(N_("Register a child born elsewhere")))
        retranslate_combo(self.sex, ct.SEXES)
        retranslate_combo(self.hbsag, HBSAG_CHOICES)
        self.mother_choice.setItemText(0, _(NO_MOTHER))
        self.find_button.setText(_(FIND))

    def find_mother(self) -> None:
        text = self.mother_search.text().strip()
        if not text:
            return
        session = self.session
        run_task(self, lambda _ctx: [h for h in session.search(text, 20) if h.kind != "child"],
                 self._mothers_found)

    def _mothers_found(self, hits: list[Any]) -> None:
        self.mother_choice.clear()
        self.mother_choice.addItem(_(NO_MOTHER), None)
        for hit in hits:
            name = hit.name_zh or hit.name_mn or hit.name_latin or ""
            self.mother_choice.addItem(f"{name} {hit.birth_date or ''} {hit.area_code or ''}",
                                       hit.id)
        if hits:
            self.mother_choice.setCurrentIndex(1)

    def save_op(self, confirmed: bool) -> Callable[[], Any]:
        fields: dict[str, Any] = {"sex": self.choice("sex"), "birth_date": self.day("birth_date"),
                                  "area_code": self.area.currentData(),
                                  "multiple_birth": self.multiple.isChecked()}
        for name in ("name_zh", "name_mn", "resident_id", "birth_cert_no"):
            if self.raw(name):
                fields[name] = self.raw(name)
        for name in ("birth_weight_kg", "birth_length_cm"):
            if self.text(name):
                fields[name] = self.text(name)
        if self.text("birth_ga_days"):
            fields["birth_ga_days"] = ga_days(self.text("birth_ga_days"))
        if self.mother_choice.currentData():
            fields["mother_id"] = self.mother_choice.currentData()
        if self.hbsag.currentData() is not None:
            fields["mother_hbsag_positive"] = self.hbsag.currentData() == "yes"
        session, today = self.session, self.today
        return lambda: session.register_child(fields, today=today)
