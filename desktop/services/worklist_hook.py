"""Hooks the worklist's stored items to the write path when a session opens
(desktop.services.session), so every save refreshes its persons' rows in its own
transaction from the first one on instead of leaving marks for the first worklist read.

The modules that compute the rows (desktop.services.worklist_due and the schedules and
rules it reads) take a few hundred milliseconds to import; the hook imports them at the
first save that needs them, not while the session opens. Importing worklist_due
registers its own refresh in place of this one.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlcipher3

from desktop.store.repositories import due_items


def install() -> None:
    """Register the refresher unless one is (worklist_due, once imported)."""
    if not due_items.has_refresher():
        due_items.register_refresher(_refresh)


def _refresh(conn: sqlcipher3.Connection, person_ids: Sequence[str]) -> None:
    from desktop.services import worklist_due

    worklist_due.refresh(conn, person_ids)
