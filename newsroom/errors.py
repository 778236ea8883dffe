"""Errors the action layer raises; the UI, API and WhatsApp turn each into their own answer."""

from __future__ import annotations

from django.utils.functional import Promise


class ActionError(Exception):
    """Base: ``message`` is a sentence in the user's language."""

    def __init__(self, message: str | Promise) -> None:
        super().__init__(str(message))
        self.message = str(message)


class NotAllowed(ActionError):
    """Not your step, or not your item (HTTP 403)."""


class Conflict(ActionError):
    """The item is not at the step this action belongs to, or another action won the race (409)."""


class Invalid(ActionError):
    """Bad input; ``errors`` maps a field name to its message (HTTP 400). Nothing was written."""

    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = {field: str(message) for field, message in errors.items()}
        super().__init__("; ".join(f"{k}: {v}" for k, v in self.errors.items()))
