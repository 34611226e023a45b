"""What a worklist row is: one visit or follow-up due for one person (issues 3 and 4).

Providers (maternal, child, case management…) each turn records into WorkItems; the
worklist service merges them, groups them by village and sorts them. Codes, not words:
the UI translates `kind`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

DUE_TODAY = "today"
DUE_THIS_WEEK = "this_week"
OVERDUE = "overdue"
UPCOMING = "upcoming"


@dataclass(frozen=True)
class WorkItem:
    person_id: str
    kind: str                  # e.g. "prenatal_2", "postpartum_7d", "case_followup", "child_6m"
    due_from: date             # first day of the window
    due_by: date               # last day of the window
    area_code: str             # 12-digit village code, for grouping
    colours: tuple[str, ...] = ()   # risk colours to show as badges (may be empty)
    urgent: bool = False
    ref_id: str | None = None  # the pregnancy, case or child the item belongs to
    details: dict[str, object] = field(default_factory=dict, compare=False, hash=False)

    def status(self, today: date) -> str:
        """"overdue" past the window, "today" while the window is open (the visit can be
        done today), "this_week" when it opens within 7 days, else "upcoming"."""
        if today > self.due_by:
            return OVERDUE
        if self.due_from <= today:
            return DUE_TODAY
        if (self.due_from - today).days <= 7:
            return DUE_THIS_WEEK
        return UPCOMING

    def days_overdue(self, today: date) -> int:
        return max(0, (today - self.due_by).days)
