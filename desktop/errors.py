"""Root of Eke's exception tree.

Every error a user may see derives from AppError and carries a *code* (a stable string)
and *params*; only desktop/i18n turns a code into words, so lower layers never hold
user-facing text.
"""

from __future__ import annotations

from typing import Any


class AppError(Exception):
    """An expected failure that the user should be told about in their language."""

    code = "error.unexpected"

    def __init__(self, detail: str = "", **params: Any) -> None:
        super().__init__(detail or self.code)
        self.detail = detail
        self.params = params


class UsageError(AppError):
    """A command was called with wrong or missing arguments."""

    code = "error.usage"
