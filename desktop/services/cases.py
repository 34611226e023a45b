"""High-risk case management (高危孕产妇专案管理, domain.md §1.4).

Orange, red and purple open a case automatically (``follow_grade``, called by re-grading):
responsible worker, the referral level the colours require, a follow-up plan with its
interval (desktop.domain.schedule, UNCONFIRMED intervals as data). A case moves
registered → reported → managed → referred/treated → closed with an outcome; ``TRANSITIONS``
lists every allowed step and anything else is refused. Follow-ups are case_followups events
and move the case's next follow-up date, which the worklist shows when due or overdue.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from desktop.domain import risk
from desktop.domain.issues import ValidationIssue
from desktop.domain.schedule import followup_interval, referral_level
from desktop.domain.validation import Checked, parse_date
from desktop.services.errors import NotFoundError, StateError, ValidationError
from desktop.services.maternal_common import SavedChanges, person_for, refuse_errors, saved
from desktop.store.database import Store, UserRecord
from desktop.store.repositories import maternal
from desktop.store.writer import Transaction

REGISTERED, REPORTED, MANAGED, REFERRED, TREATED, CLOSED = (
    "registered", "reported", "managed", "referred", "treated", "closed")
STATUSES = (REGISTERED, REPORTED, MANAGED, REFERRED, TREATED, CLOSED)
TRANSITIONS: Mapping[str, frozenset[str]] = {
    # 发现一例、登记一例、报告一例、管理一例、救治一例 (domain.md §1.4). Closing is allowed
    # from every open state: a woman may deliver, die or move away at any point.
    REGISTERED: frozenset({REPORTED, CLOSED}),
    REPORTED: frozenset({MANAGED, REFERRED, CLOSED}),
    MANAGED: frozenset({REFERRED, TREATED, CLOSED}),
    REFERRED: frozenset({MANAGED, TREATED, CLOSED}),
    TREATED: frozenset({MANAGED, CLOSED}),
    CLOSED: frozenset(),
}
OUTCOMES = ("recovered", "not_recovered", "referred_out", "moved_away", "pregnancy_ended",
            "maternal_death", "other")
FOLLOWUP_STATUSES = ("stable", "improved", "worse", "referred", "not_reached")
DATE_FIELDS = {REPORTED: "reported_on", CLOSED: "closed_on"}


def plan_code(colours: tuple[str, ...]) -> str:
    days = followup_interval(colours)
    return f"followup_every_{days}_days" if days else "routine"


def follow_grade(tx: Transaction, user: UserRecord, pregnancy: Mapping[str, Any],
                 woman: Mapping[str, Any], result: risk.RiskResult, on: date) -> str | None:
    """Open a case when the grade needs one and none is open; keep an open case's colours,
    referral level and plan in step with the grade. Returns the case id or None."""
    colours = tuple(result.colours)
    current = maternal.open_case(tx.conn, pregnancy["id"])
    managed = result.is_case_managed
    if current is None and not managed:
        return None
    interval = followup_interval(c for c in colours if c in risk.CASE_MANAGED_COLOURS)
    fields: dict[str, Any] = {
        "colour": result.colour, "colours": list(colours), "reasons": list(result.reasons),
        "referral_level": referral_level(colours), "plan": plan_code(colours)}
    if current is None:
        fields.update(person_id=woman["id"], pregnancy_id=pregnancy["id"], status=REGISTERED,
                      status_on=on.isoformat(), responsible_user=user.id,
                      opened_on=on.isoformat(), area_code=woman.get("area_code"),
                      next_followup=(on + timedelta(days=interval or 14)).isoformat())
        return tx.save("cases", fields)["id"]
    if interval and current.get("next_followup"):
        sooner = on + timedelta(days=interval)
        if sooner < date.fromisoformat(current["next_followup"]):
            fields["next_followup"] = sooner.isoformat()
    tx.save("cases", fields, id=current["id"])
    return current["id"]


def _case_for(store: Store, user: UserRecord, case_id: str) -> dict:
    found = maternal.case(store.conn, case_id)
    if found is None:
        raise NotFoundError(case_id)
    person_for(store.conn, user, found["person_id"])
    return found


def set_status(store: Store, user: UserRecord, case_id: str, status: str, *, on: date,
               outcome: str | None = None, referred_to: str | None = None) -> SavedChanges:
    """Move a case to *status* (one of TRANSITIONS' allowed steps); closing needs an outcome."""
    found = _case_for(store, user, case_id)
    if status not in STATUSES:
        raise ValidationError([ValidationIssue("status", "validation.choice_invalid",
                                                {"value": status})])
    if status not in TRANSITIONS.get(found["status"], frozenset()):
        raise StateError(f"{found['status']} -> {status}", current=found["status"],
                         wanted=status)
    fields: dict[str, Any] = {"status": status, "status_on": on.isoformat()}
    if status == CLOSED:
        if outcome not in OUTCOMES:
            raise ValidationError([ValidationIssue("outcome", "validation.required")])
        fields.update(outcome=outcome, next_followup=None)
    if status == REFERRED:
        fields["referred_to"] = referred_to
    if status in DATE_FIELDS:
        fields[DATE_FIELDS[status]] = on.isoformat()
    with store.transaction(user.id) as tx:
        tx.save("cases", fields, id=case_id)
    return saved({"cases"}, (case_id,))


def close_open_case(tx: Transaction, pregnancy_id: str, outcome: str, on: date) -> str | None:
    """Close the pregnancy's open case (42-day check, death, pregnancy ended) inside *tx*."""
    current = maternal.open_case(tx.conn, pregnancy_id)
    if current is None:
        return None
    tx.save("cases", {"status": CLOSED, "status_on": on.isoformat(), "closed_on": on.isoformat(),
                      "outcome": outcome, "next_followup": None}, id=current["id"])
    return current["id"]


def record_followup(store: Store, user: UserRecord, case_id: str, fields: Mapping[str, Any],
                    *, today: date) -> SavedChanges:
    """A case follow-up (date, status, notes, next date): an event, and the case's next
    follow-up moves to the given date or one interval later."""
    found = _case_for(store, user, case_id)
    if found["status"] == CLOSED:
        raise StateError("closed", current=CLOSED, wanted="followup")
    c = Checked()
    day = parse_date(c, "followup_date", fields.get("followup_date"))
    if day is None and not c.has_error("followup_date"):
        c.error("followup_date", "required")
    if day is not None and day > today:
        c.error("followup_date", "date_in_future")
    nxt = parse_date(c, "next_date", fields.get("next_date"))
    if nxt is not None and day is not None and nxt <= day:
        c.error("next_date", "value_too_low", minimum=day.isoformat(), value=nxt.isoformat())
    status = fields.get("status") or "stable"
    if status not in FOLLOWUP_STATUSES:
        c.error("status", "choice_invalid", value=str(status))
    notes = fields.get("notes")
    if notes is not None and len(str(notes)) > 500:
        c.error("notes", "text_too_long", maximum=500, length=len(str(notes)))
    refuse_errors(c.issues)
    assert day is not None
    if nxt is None:
        colours = tuple(found.get("colours") or (found["colour"],))
        nxt = day + timedelta(days=followup_interval(colours) or 14)
    with store.transaction(user.id) as tx:
        event = tx.save("case_followups", {
            "case_id": case_id, "person_id": found["person_id"],
            "followup_date": day.isoformat(), "status": status, "notes": notes,
            "next_date": nxt.isoformat(), "recorded_by": user.id})
        change = {"next_followup": nxt.isoformat()}
        if found["status"] in (REGISTERED, REPORTED):
            # A case being followed up is being managed (专案管理).
            change.update(status=MANAGED, status_on=day.isoformat())
        tx.save("cases", change, id=case_id)
    return saved({"cases", "case_followups"}, (case_id, event["id"]))

