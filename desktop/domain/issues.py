"""What a form check finds: one problem with one field, as codes (style.md: lower layers
return codes; only desktop/i18n turns them into words).

The child and maternal validators both return lists of ValidationIssue, so the screens
show either kind the same way: an "error" refuses the save, a "warning" asks the user to
confirm an unusual but possible value.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class ValidationIssue:
    field: str                     # the form field (column name) the issue belongs to
    code: str                      # e.g. "validation.weight_range"; a key of ERROR_TEXTS
    params: Mapping[str, Any] = field(default_factory=dict, compare=False, hash=False)
    severity: str = ERROR          # ERROR refuses the save, WARNING needs a confirmation

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR


def errors(issues: Iterable[ValidationIssue]) -> list[ValidationIssue]:
    """The issues that refuse a save."""
    return [i for i in issues if i.severity == ERROR]


def warnings(issues: Iterable[ValidationIssue]) -> list[ValidationIssue]:
    """The issues that only need the user's confirmation."""
    return [i for i in issues if i.severity == WARNING]
