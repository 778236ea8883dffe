"""Dates that people type into filters: ISO 8601 calendar dates (YYYY-MM-DD) only.

Python's and pydantic's own parsers are generous: pydantic reads ``0`` as 1970-01-01 (a Unix
time), ``date.fromisoformat`` takes ``20260331`` and ``2026-W13-2``, Django's form field takes
the locale's day-first formats. A filter that silently means another day is worse than a refusal,
so every date filter (API and UI) goes through ``parse_iso_date``: one written form, and years
that the reports' arithmetic (the day after the period, the office's time zone) can hold.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
FIRST = date(1900, 1, 1)
LAST = date(2999, 12, 31)


class InvalidDate(ValueError):
    """Text that is not a YYYY-MM-DD date between FIRST and LAST; ``message`` says so."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def parse_iso_date(text: str, name: str) -> date:
    """The date written as YYYY-MM-DD in ``text``; ``name`` (the parameter or the field's
    label) is named in the sentence of the InvalidDate raised for anything else."""
    value = None
    if ISO_DATE.fullmatch(text):
        try:
            value = date.fromisoformat(text)
        except ValueError:
            value = None
    if value is None:
        raise InvalidDate(_("“%(name)s” must be a date as YYYY-MM-DD.") % {"name": name})
    if not FIRST <= value <= LAST:
        raise InvalidDate(
            _("“%(name)s” must be a date between %(first)s and %(last)s.")
            % {"name": name, "first": FIRST.isoformat(), "last": LAST.isoformat()}
        )
    return value


class IsoDateField(forms.DateField):
    """A form's date filter: YYYY-MM-DD only (what ``<input type="date">`` sends)."""

    def to_python(self, value: Any) -> date | None:
        if value in self.empty_values:
            return None
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        try:
            return parse_iso_date(str(value).strip(), str(self.label or ""))
        except InvalidDate as exc:
            raise ValidationError(exc.message, code="invalid") from None
