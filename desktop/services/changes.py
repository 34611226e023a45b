"""What a mutation changed (desktop.services.session re-exports it as Session's answer).

Apart from the session module so that the services it calls lazily (registration, visits,
the worklist) can name it without importing the session: the worklist's stored items are
hooked to the write path when a session opens, and the session importing them while they
import it back was a cycle.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Changes:
    """What a mutation changed, for screens to redraw (tables touched, rows affected)."""

    tables: frozenset[str] = frozenset()
    ids: tuple[str, ...] = ()
    users: bool = False
    settings: bool = False
