"""A woman's record: header (name, ID, age, village, phone, colour badges, case status, and
"Edit details") and tabs for the pregnancy, prenatal visits, risk history, case management,
delivery and postpartum, and her children. Every open is the service's audited read; every
form saved from here re-reads the record, so a correction that changes the risk grade shows
the new badge at once."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.schedule import ga_days_on
from desktop.errors import AppError
from desktop.i18n import N_, _
from desktop.i18n.child_texts import LIST_SEPARATOR
from desktop.i18n.risk_texts import colour_text, factors_text
from desktop.i18n.worklist_texts import (
    CASE_OUTCOME_TEXTS,
    CASE_STATUS_TEXTS,
    DANGER_SIGN_TEXTS,
    DELIVERY_MODE_TEXTS,
    DELIVERY_OUTCOME_TEXTS,
    EDD_METHOD_TEXTS,
    FOLLOWUP_STATUS_TEXTS,
    LEVEL_TEXTS,
    PERSON_STATUS_TEXTS,
    PLACE_LEVEL_TEXTS,
    SEX_TEXTS,
    kind_text,
    plan_text,
    text,
)
from desktop.services.cases import OUTCOMES, TRANSITIONS
from desktop.ui.errors import show_error
from desktop.ui.models.display import (
    age_text,
    day_text,
    ga_text,
    ga_today,
    person_name,
    village_text,
)
from desktop.ui.views.forms.small_forms import (
    CLASSIFICATION_TEXTS,
    DISPOSAL_TEXTS,
    FINDING_TEXTS,
)
from desktop.ui.widgets.base import Retranslatable
from desktop.ui.widgets.risk_badge import COLOURS_ROLE, RiskBadge, RiskBadgeDelegate
from desktop.ui.widgets.tables import fit_columns

# What made the grade change (risk_assessments.trigger, set by the services).
TRIGGER_TEXTS = {"registration": N_("Pregnancy registered"),
                 "visit": N_("Prenatal visit"),
                 "woman_changed": N_("Her details corrected"),
                 "facts_changed": N_("Pregnancy facts corrected")}


def _fill(table: QTableWidget, headers: list[str], rows: list[list[str]]) -> None:
    table.clear()
    table.setColumnCount(len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            item = QTableWidgetItem(value)
            item.setToolTip(value)
            table.setItem(r, c, item)
    fit_columns(table).fit()


def _table(name: str) -> QTableWidget:
    table = QTableWidget(objectName=name)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.verticalHeader().hide()
    fit_columns(table)
    return table


def _num(value: Any) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


class RecordView(Retranslatable, QWidget):
    """``changed(changes)`` after any save made from the record."""

    changed = Signal(object)

    def __init__(self, session: Any, person_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("record_view")
        self.session = session
        self.person_id = person_id
        self.record: Any = None
        self.last_form: QDialog | None = None
        self.users = {u.id: u.display_name for u in session.users()}

        self.name_label = QLabel(objectName="record_name")
        font = QFont(self.name_label.font())
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        self.name_label.setFont(font)
        self.badge = RiskBadge(object_name="record_badge")
        self.facts_label = QLabel(objectName="record_facts")
        self.facts_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.case_label = QLabel(objectName="record_case_status")
        self.edit_button = QPushButton(objectName="edit_woman_button")
        self.edit_button.setAutoDefault(False)
        self.edit_button.clicked.connect(lambda: self.open_form("edit_woman"))
        header = QVBoxLayout()
        top = QHBoxLayout()
        top.addWidget(self.name_label)
        top.addWidget(self.badge)
        top.addStretch(1)
        top.addWidget(self.case_label)
        top.addWidget(self.edit_button)
        header.addLayout(top)
        header.addWidget(self.facts_label)

        self.buttons: dict[str, QPushButton] = {}
        actions = QHBoxLayout()
        for key in ("register_pregnancy", "edit_pregnancy", "prenatal_visit", "delivery",
                    "postpartum", "maternal_death"):
            button = QPushButton(objectName=f"{key}_button")
            button.setAutoDefault(False)
            button.clicked.connect(lambda _c=False, k=key: self.open_form(k))
            self.buttons[key] = button
            actions.addWidget(button)
        actions.addStretch(1)
        self.print_button = QPushButton(objectName="print_handbook_button")
        self.print_button.setAutoDefault(False)
        self.print_button.clicked.connect(self.open_print)
        actions.addWidget(self.print_button)

        self.pregnancy_info = QLabel(objectName="pregnancy_info")
        self.pregnancy_info.setWordWrap(True)
        self.pregnancy_info.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.pregnancy_info.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse)
        self.visits_table = _table("visits_table")
        self.risk_table = _table("risk_history_table")
        self.risk_table.setItemDelegateForColumn(1, RiskBadgeDelegate(self.risk_table))
        self.case_panel = self._case_panel()
        self.delivery_table = _table("deliveries_table")
        self.postpartum_table = _table("postpartum_table")
        delivery_page = QWidget()
        column = QVBoxLayout(delivery_page)
        self.delivery_caption = QLabel()
        self.postpartum_caption = QLabel()
        column.addWidget(self.delivery_caption)
        column.addWidget(self.delivery_table, 1)
        column.addWidget(self.postpartum_caption)
        column.addWidget(self.postpartum_table, 2)
        self.children_table = _table("children_table")
        self.tabs = QTabWidget(objectName="record_tabs")
        for page in (self.pregnancy_info, self.visits_table, self.risk_table,
                     self.case_panel, delivery_page, self.children_table):
            self.tabs.addTab(page, "")

        layout = QVBoxLayout(self)
        layout.addLayout(header)
        layout.addLayout(actions)
        layout.addWidget(self.tabs, 1)
        self.reload()

    def _case_panel(self) -> QWidget:
        panel = QWidget(objectName="case_panel")
        self.case_info = QLabel(objectName="case_info")
        self.case_info.setWordWrap(True)
        self.case_status_combo = QComboBox(objectName="case_status_combo")
        self.case_outcome_combo = QComboBox(objectName="case_outcome_combo")
        self.case_referred_to = QLineEdit(objectName="case_referred_to")
        self.case_status_button = QPushButton(objectName="case_status_button")
        self.case_status_button.setAutoDefault(False)
        self.case_status_button.clicked.connect(self.change_case_status)
        self.followup_button = QPushButton(objectName="case_followup_button")
        self.followup_button.setAutoDefault(False)
        self.followup_button.clicked.connect(lambda: self.open_form("followup"))
        self.followups_table = _table("followups_table")
        self.status_form = QFormLayout()
        self.status_labels = [QLabel(), QLabel(), QLabel()]
        self.status_form.addRow(self.status_labels[0], self.case_status_combo)
        self.status_form.addRow(self.status_labels[1], self.case_outcome_combo)
        self.status_form.addRow(self.status_labels[2], self.case_referred_to)
        row = QHBoxLayout()
        row.addWidget(self.case_status_button)
        row.addWidget(self.followup_button)
        row.addStretch(1)
        layout = QVBoxLayout(panel)
        layout.addWidget(self.case_info)
        layout.addLayout(self.status_form)
        layout.addLayout(row)
        layout.addWidget(self.followups_table, 1)
        return panel

    # -- data -------------------------------------------------------------------------------
    def reload(self) -> None:
        """Read the record again (an audited open) and redraw."""
        try:
            self.set_record(self.session.open_record(self.person_id))
        except AppError as exc:
            show_error(self, exc)

    def set_record(self, record: Any) -> None:
        self.record = record
        self.retranslate()

    @property
    def current(self) -> Any:
        return self.record.current if self.record is not None else None

    def open_case(self) -> dict | None:
        current = self.current
        if current is None:
            return None
        return next((c for c in current.cases if c.get("status") != "closed"), None)

    # -- drawing ----------------------------------------------------------------------------
    def retranslate(self) -> None:
        titles = (_("Pregnancy"), _("Prenatal visits"), _("Risk history"),
                  _("Case management"), _("Delivery and postpartum"), _("Children"))
        for index, title in enumerate(titles):
            self.tabs.setTabText(index, title)
        labels = {"register_pregnancy": _("Register a pregnancy"),
                  "edit_pregnancy": _("Edit pregnancy"),
                  "prenatal_visit": _("Prenatal visit"), "delivery": _("Delivery"),
                  "postpartum": _("Postpartum visit"),
                  "maternal_death": _("Maternal death report")}
        for key, button in self.buttons.items():
            button.setText(labels[key])
        self.print_button.setText(_("Print handbook"))
        self.edit_button.setText(_("Edit details"))
        self.status_labels[0].setText(_("New status"))
        self.status_labels[1].setText(_("Outcome (when closing)"))
        self.status_labels[2].setText(_("Referred to"))
        self.case_status_button.setText(_("Change the status"))
        self.followup_button.setText(_("Record a follow-up"))
        self.delivery_caption.setText(_("Delivery"))
        self.postpartum_caption.setText(_("Postpartum visits"))
        if self.record is not None:
            self._draw()

    def _draw(self) -> None:
        today = date.today()
        person = self.record.person
        current = self.current
        preg = current.pregnancy if current else {}
        self.name_label.setText(person_name(person))
        self.window().setWindowTitle(person_name(person))
        ongoing = preg.get("status") == "ongoing"
        self.badge.set_colours(preg.get("risk_colours") or () if ongoing else ())
        facts = [x for x in (
            _("ID {number}", number=person["resident_id"]) if person.get("resident_id") else "",
            age_text(person.get("birth_date"), today),
            _("Village {code}", code=village_text(person.get("area_code"))),
            _("Phone {number}", number=person["phone"]) if person.get("phone") else "",
            text(PERSON_STATUS_TEXTS, person.get("status")) if person.get("status")
            not in (None, "active") else "") if x]
        self.facts_label.setText("  ·  ".join(facts))
        case = self.open_case()
        self.case_label.setText(_("Case: {status}", status=text(CASE_STATUS_TEXTS,
                                                                case["status"]))
                                if case else "")
        alive = person.get("status") in (None, "active")
        has_delivery = bool(current and current.deliveries)
        self.buttons["register_pregnancy"].setEnabled(alive and not ongoing)
        self.buttons["edit_pregnancy"].setEnabled(alive and ongoing)
        self.buttons["prenatal_visit"].setEnabled(alive and ongoing)
        self.buttons["delivery"].setEnabled(alive and ongoing)
        self.buttons["postpartum"].setEnabled(alive and has_delivery
                                              and preg.get("status") == "delivered")
        self.buttons["maternal_death"].setEnabled(alive)
        self._draw_pregnancy(preg, today)
        self._draw_visits(current)
        self._draw_risk(current)
        self._draw_case(current, case)
        self._draw_delivery(current)
        self._draw_children()

    def _draw_pregnancy(self, preg: dict, today: date) -> None:
        if not preg:
            self.pregnancy_info.setText(_("No pregnancy is registered."))
            return
        history = preg.get("history") or {}
        lines = [
            _("Registered on {date} at {ga} weeks", date=day_text(preg.get("registered_on")),
              ga=ga_text(preg.get("registered_ga_days"))),
            _("Early registration (before 13 weeks)") if preg.get("early_registration")
            else _("Late registration (13 weeks or later)"),
            _("LMP {date}", date=day_text(preg.get("lmp"))) if preg.get("lmp") else "",
            _("Ultrasound {date} at {ga} weeks", date=day_text(preg.get("us_date")),
              ga=ga_text(preg.get("us_ga_days"))) if preg.get("us_date") else "",
            _("EDD {date} ({method})", date=day_text(preg.get("edd")),
              method=text(EDD_METHOD_TEXTS, preg.get("edd_method"))) if preg.get("edd")
            else "",
        ]
        ga = ga_today(preg.get("edd"), today)
        if preg.get("status") == "ongoing" and ga is not None and 0 <= ga <= 44 * 7:
            lines.append(_("GA today {ga}", ga=ga_text(ga)))
        lines += [
            _("G{gravidity} P{parity}", gravidity=_num(preg.get("gravidity")) or "?",
              parity=_num(preg.get("parity")) or "?"),
            _("Handbook number {number}", number=preg["handbook_no"])
            if preg.get("handbook_no") else "",
            _("Height {cm} cm, weight before pregnancy {kg} kg",
              cm=_num(preg.get("height_cm")) or "?", kg=_num(preg.get("pre_weight_kg")) or "?"),
        ]
        counts = [(k, history.get(k)) for k in ("previous_caesareans", "uterine_surgeries",
                                                "abortions") if history.get(k)]
        if counts:
            lines.append(_("Previous caesareans {c}, other uterine operations {u}, "
                           "abortions {a}", c=history.get("previous_caesareans") or 0,
                           u=history.get("uterine_surgeries") or 0,
                           a=history.get("abortions") or 0))
        ticks = [k for k, v in history.items() if v is True]
        if ticks:
            lines.append(_("History: {items}", items=factors_text(ticks)))
        reasons = preg.get("risk_reasons") or []
        if reasons:
            lines.append(_("Risk factors now: {items}", items=factors_text(reasons)))
        self.pregnancy_info.setText("\n".join(x for x in lines if x))

    def _draw_visits(self, current: Any) -> None:
        headers = [_("No."), _("Date"), _("GA"), _("Weight (kg)"), _("BP (mmHg)"),
                   _("Fundal height (cm)"), _("Abdominal circumference (cm)"),
                   _("Fetal heart rate"), _("Hb (g/L)"), _("Urine protein"),
                   _("Danger signs"), _("Advice"), _("Next appointment")]
        rows = []
        edd = (current.pregnancy.get("edd") if current else None) or None
        for v in (current.visits if current else []):
            bp = f"{_num(v.get('sbp'))}/{_num(v.get('dbp'))}" if v.get("sbp") else ""
            signs = "、".join(text(DANGER_SIGN_TEXTS, s) for s in v.get("danger_signs") or [])
            # A visit keeps the GA recorded with it; after the EDD was corrected the GA
            # by the EDD in use is the one that means something.
            ga = (ga_days_on(date.fromisoformat(edd), date.fromisoformat(v["visit_date"]))
                  if edd and v.get("visit_date") else v.get("ga_days"))
            rows.append([_num(v.get("visit_no")), day_text(v.get("visit_date")),
                         ga_text(ga), _num(v.get("weight_kg")), bp,
                         _num(v.get("fundal_cm")), _num(v.get("abdominal_cm")),
                         _num(v.get("fhr")), _num(v.get("hb_g_l")),
                         v.get("urine_protein") or "", signs, v.get("advice") or "",
                         day_text(v.get("next_date"))])
        _fill(self.visits_table, headers, rows)

    def _draw_risk(self, current: Any) -> None:
        headers = [_("Date"), _("Colour"), _("Reasons"), _("Graded after"), _("Confirmed by")]
        rows = []
        for a in (current.assessments if current else []):
            colours = a.get("colours") or [a.get("colour")]
            rows.append([day_text(a.get("assessed_on")),
                         " + ".join(colour_text(c) for c in colours if c),
                         factors_text(a.get("reasons") or []) or _("No risk factor"),
                         text(TRIGGER_TEXTS, a.get("trigger")),
                         self.users.get(a.get("confirmed_by") or "", a.get("confirmed_by")
                                        or "")])
        _fill(self.risk_table, headers, rows)
        for r, a in enumerate(current.assessments if current else []):
            item = self.risk_table.item(r, 1)
            item.setData(COLOURS_ROLE, tuple(a.get("colours") or [a.get("colour")]))
        self.risk_table.resizeColumnToContents(1)

    def _draw_case(self, current: Any, case: dict | None) -> None:
        cases = current.cases if current else []
        shown = case or (cases[-1] if cases else None)
        if shown is None:
            self.case_info.setText(_("No high-risk case: the pregnancy is managed routinely."))
        else:
            lines = [
                _("Status: {status} since {date}", status=text(CASE_STATUS_TEXTS,
                                                               shown.get("status")),
                  date=day_text(shown.get("status_on"))),
                _("Colour: {colours}", colours=" + ".join(
                    colour_text(c) for c in (shown.get("colours") or [shown.get("colour")])
                    if c)),
                _("Responsible worker: {name}", name=self.users.get(
                    shown.get("responsible_user") or "", "")),
                _("Referral level: {level}", level=text(LEVEL_TEXTS,
                                                        shown.get("referral_level"))),
                _("Plan: {plan}", plan=plan_text(shown.get("plan"))),
                _("Next follow-up: {date}", date=day_text(shown.get("next_followup")))
                if shown.get("next_followup") else "",
                _("Outcome: {outcome}", outcome=text(CASE_OUTCOME_TEXTS, shown.get("outcome")))
                if shown.get("outcome") else "",
            ]
            self.case_info.setText("\n".join(x for x in lines if x))
        self.case_status_combo.clear()
        allowed = sorted(TRANSITIONS.get(case["status"], ())) if case else []
        # Nothing chosen at first: "closed" sorts first and one click would close the case.
        self.case_status_combo.addItem(_("— choose —"), None)
        for status in allowed:
            self.case_status_combo.addItem(text(CASE_STATUS_TEXTS, status), status)
        self.case_outcome_combo.clear()
        self.case_outcome_combo.addItem("", None)
        for outcome in OUTCOMES:
            self.case_outcome_combo.addItem(text(CASE_OUTCOME_TEXTS, outcome), outcome)
        for widget in (self.case_status_combo, self.case_outcome_combo,
                       self.case_referred_to, self.case_status_button, self.followup_button):
            widget.setEnabled(case is not None)
        headers = [_("Date"), _("Condition"), _("Notes"), _("Next follow-up"),
                   _("Recorded by")]
        rows = []
        if shown is not None:
            for f in current.followups.get(shown["id"], []):
                rows.append([day_text(f.get("followup_date")),
                             text(FOLLOWUP_STATUS_TEXTS, f.get("status")), f.get("notes") or "",
                             day_text(f.get("next_date")),
                             self._user_name(f.get("recorded_by") or f.get("updated_by"))])
        _fill(self.followups_table, headers, rows)

    def _draw_delivery(self, current: Any) -> None:
        headers = [_("Date"), _("Place"), _("Level"), _("Mode"), _("GA at birth"),
                   _("Outcome"), _("Babies"), _("Blood loss (mL)"), _("Complications")]
        rows = []
        for d in (current.deliveries if current else []):
            rows.append([day_text(d.get("delivery_date")), d.get("place") or "",
                         text(PLACE_LEVEL_TEXTS, d.get("place_level")),
                         text(DELIVERY_MODE_TEXTS, d.get("mode")), ga_text(d.get("ga_days")),
                         text(DELIVERY_OUTCOME_TEXTS, d.get("outcome")), _num(d.get("babies")),
                         _num(d.get("blood_loss_ml")),
                         "、".join(map(str, d.get("complications") or []))])
        _fill(self.delivery_table, headers, rows)
        headers = [_("Visit"), _("Date"), _("BP (mmHg)"), _("Findings"), _("Classification"),
                   _("Disposal")]
        rows = []
        for p in (current.postpartum if current else []):
            bp = f"{_num(p.get('sbp'))}/{_num(p.get('dbp'))}" if p.get("sbp") else ""
            findings = p.get("findings") or {}
            abnormal = [k for k, v in findings.items() if v == "abnormal"]
            rows.append([kind_text(p.get("kind") or ""), day_text(p.get("visit_date")), bp,
                         _("Abnormal: {items}", items=_(LIST_SEPARATOR).join(
                             text(FINDING_TEXTS, k) for k in abnormal)) if abnormal
                         else _("Normal") if findings else "",
                         text(CLASSIFICATION_TEXTS, p.get("classification")),
                         text(DISPOSAL_TEXTS, p.get("disposal"))])
        _fill(self.postpartum_table, headers, rows)

    def _draw_children(self) -> None:
        headers = [_("Name"), _("Sex"), _("Birth date"), _("Village")]
        rows = [[person_name(c) if (c.get("name_zh") or c.get("name_mn")) else _("(no name)"),
                 text(SEX_TEXTS, c.get("sex")), day_text(c.get("birth_date")),
                 village_text(c.get("area_code"))] for c in self.record.children]
        _fill(self.children_table, headers, rows)

    def _user_name(self, user_id: str | None) -> str:
        return self.users.get(user_id or "", "")

    # -- actions ----------------------------------------------------------------------------
    def open_print(self) -> QDialog:
        """The print dialog for this woman's handbook (issue 7)."""
        from desktop.ui.views.print_dialog import open_print_dialog

        self.last_form = open_print_dialog(self, self.session, self.person_id)
        return self.last_form

    def open_form(self, key: str, kind: str | None = None) -> QDialog | None:
        """Open the form *key* for this woman (non-blocking); returns the dialog."""
        from desktop.ui.views.forms.delivery_form import DeliveryForm
        from desktop.ui.views.forms.pregnancy_form import PregnancyForm
        from desktop.ui.views.forms.prenatal_form import PrenatalForm
        from desktop.ui.views.forms.small_forms import (
            DeathReportForm,
            FollowupForm,
            PostpartumForm,
        )
        from desktop.ui.views.forms.woman_form import WomanForm

        person = self.record.person
        current = self.current
        preg = current.pregnancy if current else None
        dialog: QDialog | None = None
        if key == "register_pregnancy":
            dialog = PregnancyForm(self.session, person, self)
        elif key == "edit_woman":
            dialog = WomanForm(self.session, self, person=person)
            dialog.open_person.connect(self._open_other)
        elif key == "edit_pregnancy" and preg is not None and preg.get("status") == "ongoing":
            dialog = PregnancyForm(self.session, person, self, pregnancy=preg)
        elif key == "prenatal_visit" and preg is not None:
            dialog = PrenatalForm(self.session, person, preg, current.visits,
                                  self.open_case() is not None, self)
            dialog.record_loaded.connect(self.set_record)
        elif key == "delivery" and preg is not None:
            dialog = DeliveryForm(self.session, preg, self)
        elif key == "postpartum" and preg is not None and current.deliveries:
            done = {p.get("kind") for p in current.postpartum}
            default = kind or ("postpartum_42d" if "postpartum_7d" in done else "postpartum_7d")
            dialog = PostpartumForm(self.session, preg,
                                    current.deliveries[-1].get("delivery_date"), default, self)
        elif key == "maternal_death":
            dialog = DeathReportForm(self.session, person, self)
        elif key == "followup" and self.open_case() is not None:
            dialog = FollowupForm(self.session, self.open_case(), self)
        if dialog is None:
            return None
        dialog.saved.connect(self._saved)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        self.last_form = dialog
        return dialog

    def _saved(self, changes: Any) -> None:
        self.reload()
        self.changed.emit(changes)

    def _open_other(self, person_id: str) -> None:
        """The record a correction's duplicate list asked for, in a window of its own."""
        from desktop.ui.views.women_page import open_record_dialog

        self.last_form = open_record_dialog(self.window(), self.session, person_id,
                                            self.changed.emit)

    def change_case_status(self) -> None:
        case = self.open_case()
        status = self.case_status_combo.currentData()
        if case is None or status is None:
            return
        try:
            changes = self.session.set_case_status(
                case["id"], status, outcome=self.case_outcome_combo.currentData(),
                referred_to=self.case_referred_to.text().strip() or None)
        except AppError as exc:
            show_error(self, exc)
            return
        self._saved(changes)


class RecordDialog(QDialog):
    """The record in a window of its own (from any list); Esc closes it."""

    changed = Signal(object)

    def __init__(self, session: Any, person_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("record_dialog")
        self.view = RecordView(session, person_id, self)
        self.view.changed.connect(self.changed)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.view)
        self.resize(1240, 700)
