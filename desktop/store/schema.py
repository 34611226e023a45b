"""What kind of record each synced table holds (design §3 and §5).

Mutable tables hold registration facts that merge per field (each row keeps a JSON map of
field → rev). Event tables hold clinical encounters: immutable once written; a correction
is a new row whose `supersedes` names the row it replaces. Column lists live in the
migrations, which are frozen history; this table only says how the write path treats them.
"""

from __future__ import annotations

from dataclasses import dataclass

MUTABLE = "mutable"
EVENT = "event"

# Columns every synced row has; the write path fills them, callers never do.
SYSTEM_COLUMNS = frozenset({"id", "rev", "origin", "deleted", "updated_by", "field_revs"})


@dataclass(frozen=True)
class TableSpec:
    name: str
    kind: str
    urgent: bool = False  # sent before everything else when the network is scarce


_SPECS = (
    TableSpec("persons", MUTABLE),
    TableSpec("pregnancies", MUTABLE),
    TableSpec("cases", MUTABLE, urgent=True),
    TableSpec("prenatal_visits", EVENT),
    TableSpec("risk_assessments", EVENT, urgent=True),
    TableSpec("case_followups", EVENT, urgent=True),
    TableSpec("deliveries", EVENT),
    TableSpec("postpartum_visits", EVENT),
    TableSpec("child_visits", EVENT),
    TableSpec("vaccinations", EVENT),
    TableSpec("case_reports", EVENT, urgent=True),
    TableSpec("worklist_outcomes", EVENT),
)

TABLES: dict[str, TableSpec] = {s.name: s for s in _SPECS}


def spec(table: str) -> TableSpec:
    try:
        return TABLES[table]
    except KeyError:
        raise KeyError(f"not a synced table: {table}") from None
