"""Who may see and write which villages (design §6: roles decide what a user may read).

Village doctors work in their own villages only (``user.areas``, 12-digit village codes);
township MCH workers and administrators serve the whole township. Services call these
before every read of a record and every write, and filter lists with ``visible_areas``.
"""

from __future__ import annotations

from desktop.store.database import UserRecord
from desktop.store.errors import PermissionDeniedError

RESTRICTED_ROLES = frozenset({"village_doctor"})


def visible_areas(user: UserRecord) -> frozenset[str] | None:
    """The village codes *user* may see, or None for every area of the store."""
    if user.role in RESTRICTED_ROLES:
        return frozenset(user.areas)
    return None


def may_access(user: UserRecord, area_code: str | None) -> bool:
    areas = visible_areas(user)
    return areas is None or (area_code is not None and area_code in areas)


def require_area(user: UserRecord, area_code: str | None) -> None:
    """PermissionDeniedError unless *user* may read and write records of *area_code*."""
    if not may_access(user, area_code):
        raise PermissionDeniedError(user.role, area=area_code or "")
