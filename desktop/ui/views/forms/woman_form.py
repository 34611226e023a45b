"""Registering a woman with the handbook's fields, and correcting them later. Possible
duplicates (same ID; same name and birth date; same phone, across scripts) are shown before
anything is saved, with the choice to open the existing record or to save anyway.

A correction (``person`` given) starts from the stored record and saves only the fields the
user changed; duplicates are looked for only through a changed ID, name, birth date or
phone, and the woman herself is never her own duplicate."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.ids import parse_resident_id
from desktop.domain.issues import ValidationIssue
from desktop.domain.validation import BLOOD_GROUPS, ETHNICITIES, check_woman
from desktop.i18n import N_, _
from desktop.i18n.worklist_texts import ETHNICITY_TEXTS
from desktop.ui.models.display import day_text, person_name, village_text
from desktop.ui.views.forms.base import FormDialog, today

FIELDS = ("name_zh", "name_mn", "name_latin", "resident_id", "birth_date", "ethnicity",
          "occupation", "phone", "address", "area_code", "husband_name", "husband_phone",
          "blood_group", "rh")
REASON_TEXTS = {"same_resident_id": N_("same ID number"),
                "same_name_and_birth": N_("same name and birth date"),
                "same_phone": N_("same phone")}
RH_TEXTS = {"+": N_("Rh positive"), "-": N_("Rh negative")}
# Which changed fields make a duplicate reason worth showing during a correction (a new ID
# also brings its birth date).
REASON_FIELDS = {"same_resident_id": {"resident_id"},
                 "same_name_and_birth": {"name_zh", "name_mn", "name_latin", "birth_date",
                                         "resident_id"},
                 "same_phone": {"phone"}}


class WomanForm(FormDialog):
    """New woman, or a correction of *person* (a stored persons row). ``open_person(id)``
    asks to open an existing record instead."""

    open_person = Signal(str)

    def __init__(self, session: Any, parent: QWidget | None = None,
                 person: dict | None = None) -> None:
        super().__init__(session, "woman", parent)
        self.person = person
        self._original: dict[str, Any] = {}
        self.duplicates: list[Any] = []
        self._duplicates_seen_for: dict[str, Any] | None = None
        self.add_name("name_zh", N_("Name (Chinese)"))
        self.add_name("name_mn", N_("Name (Mongolian script)"))
        self.add_name("name_latin", N_("Name (Latin letters, optional)"))
        resident_id = self.add_line("resident_id", N_("Resident ID number"), width=260)
        resident_id.editingFinished.connect(self._birth_from_id)
        self.add_date("birth_date", N_("Birth date"))
        self.add_combo("ethnicity", N_("Ethnicity"),
                       {k: ETHNICITY_TEXTS[k] for k in ETHNICITIES})
        self.add_line("occupation", N_("Occupation"))
        self.add_line("phone", N_("Phone"), width=200)
        self.add_line("address", N_("Address"))
        _township, villages = session.areas()
        # Village doctors register in their own villages only (services/access.py).
        allowed = session.user.areas if session.user.role == "village_doctor" else ()
        mine = [v for v in villages if not allowed or v in allowed] or list(villages)
        # A correction shows her stored village even when it is not the user's: the
        # service then refuses with its message instead of the form moving her silently.
        if person and person.get("area_code") and person["area_code"] not in mine:
            mine.append(person["area_code"])
        self.add_combo("area_code", N_("Village"), {v: village_text(v) for v in mine},
                       blank=len(mine) != 1)
        self.add_name("husband_name", N_("Husband's name"))
        self.add_line("husband_phone", N_("Husband's phone"), width=200)
        self.add_combo("blood_group", N_("Blood group"), {g: g for g in BLOOD_GROUPS})
        self.add_combo("rh", N_("Rh"), RH_TEXTS)

        self.duplicate_box = QGroupBox(objectName="duplicates_box")
        self.duplicate_note = QLabel(objectName="duplicates_note")
        self.duplicate_note.setWordWrap(True)
        self.duplicate_list = QListWidget(objectName="duplicates_list")
        self.duplicate_list.setMaximumHeight(110)
        self.duplicate_list.itemActivated.connect(lambda _i: self.open_duplicate())
        self.open_duplicate_button = QPushButton(objectName="open_duplicate_button")
        self.open_duplicate_button.clicked.connect(self.open_duplicate)
        self.save_anyway_button = QPushButton(objectName="save_anyway_button")
        self.save_anyway_button.clicked.connect(self.save_anyway)
        box = QVBoxLayout(self.duplicate_box)
        box.addWidget(self.duplicate_note)
        box.addWidget(self.duplicate_list)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.open_duplicate_button)
        row.addWidget(self.save_anyway_button)
        box.addLayout(row)
        self.duplicate_box.hide()

        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(self.form)
        layout.addWidget(self.duplicate_box)
        self.finish(body)
        self.resize(640, 640)
        if person is not None:
            self.setObjectName("woman_edit_dialog")
            for name in FIELDS:
                self.set_value(name, person.get(name))
            self._original = self._snapshot()

    @property
    def editing(self) -> bool:
        return self.person is not None

    def retranslate_form(self) -> None:
        if self.editing:
            self.setWindowTitle(_("Edit the details of {name}", name=person_name(self.person)))
            self.duplicate_note.setText(_("These registered persons have the details you "
                                          "typed. Check that this is the right woman, then "
                                          "save anyway or open the other record."))
        else:
            self.setWindowTitle(_("Register a woman"))
            self.duplicate_note.setText(_("These registered persons may be the same woman. "
                                          "Open her record instead, or save a new "
                                          "registration anyway."))
        self.duplicate_box.setTitle(_("Possible duplicates"))
        self.open_duplicate_button.setText(_("Open the existing record"))
        self.save_anyway_button.setText(_("Save anyway"))
        self._fill_duplicates()

    def _birth_from_id(self) -> None:
        """A valid ID number fills an empty birth date (the service warns on a mismatch)."""
        parsed = parse_resident_id(self.value("resident_id") or "")
        if parsed is not None and not self.value("birth_date").strip():
            self.set_value("birth_date", parsed.birth_date.isoformat())

    def _snapshot(self) -> dict[str, Any]:
        """Every field as shown: text stripped, a code, or None when blank."""
        values = {}
        for name in FIELDS:
            value = self.value(name)
            if isinstance(value, str):
                value = value.strip()
            values[name] = None if value == "" else value
        return values

    def collect(self) -> dict[str, Any]:
        self._birth_from_id()
        if self.editing:
            return self._snapshot()
        values = self.text_values(FIELDS)
        if "area_code" not in values:
            values["area_code"] = ""
        return values

    def changed_fields(self, values: dict[str, Any]) -> dict[str, Any]:
        """The fields of a correction that differ from the stored record (None clears)."""
        return {k: v for k, v in values.items() if v != self._original.get(k)}

    def precheck(self, values: dict[str, Any]) -> list[ValidationIssue]:
        if self.editing:
            return self._precheck_change(values)
        check = self.session.check_woman(values, today=today())
        self.duplicates = list(check.duplicates)
        return list(check.issues)

    def _precheck_change(self, values: dict[str, Any]) -> list[ValidationIssue]:
        change = self.changed_fields(values)
        self.duplicates = []
        if not change:
            return []
        # As update_woman checks: the changed fields, with her stored names for the rule
        # that she keeps a name in one script or the other.
        merged = {k: self.person.get(k) for k in ("name_zh", "name_mn")}
        merged.update(change)
        issues = check_woman(merged, today(), partial=True).issues
        wanted = {reason for reason, names in REASON_FIELDS.items() if names & change.keys()}
        if wanted and not any(i.is_error for i in issues):
            full = {k: v for k, v in values.items() if v is not None}
            check = self.session.check_woman(full, today=today())
            self.duplicates = [d for d in check.duplicates if d.person_id != self.person["id"]
                               and wanted & set(d.reasons)]
        return list(issues)

    def _fill_duplicates(self) -> None:
        self.duplicate_list.clear()
        for dup in self.duplicates:
            reasons = "、".join(_(REASON_TEXTS.get(r, r)) for r in dup.reasons)
            text = "  ".join(x for x in (person_name(dup), day_text(dup.birth_date),
                                         village_text(dup.area_code), dup.phone or "",
                                         f"({reasons})") if x)
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, dup.person_id)
            self.duplicate_list.addItem(item)
        if self.duplicates:
            self.duplicate_list.setCurrentRow(0)

    def submit(self, values: dict[str, Any]) -> Any:
        change = self.changed_fields(values) if self.editing else {}
        if self.editing and not change:
            self.reject()  # nothing to correct
            return None
        if self.duplicates and self._duplicates_seen_for != values:
            self._fill_duplicates()
            self.duplicate_box.show()
            self.show_banner(_("{count} registered persons may be the same person. Check "
                               "them before saving.", count=len(self.duplicates)))
            self.duplicate_list.setFocus()
            return None
        if self.editing:
            return self.session.update_woman(self.person["id"], change, today=today())
        return self.session.register_woman(values, duplicates_seen=bool(self.duplicates),
                                           today=today())

    def save_anyway(self) -> None:
        self._duplicates_seen_for = self.collect()
        self.save()

    def open_duplicate(self) -> None:
        item = self.duplicate_list.currentItem()
        if item is None:
            return
        self.open_person.emit(item.data(Qt.ItemDataRole.UserRole))
        self.reject()
