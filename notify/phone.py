"""Indonesian mobile numbers in the form WhatsApp uses: digits only, country code 62."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

_SEPARATORS = re.compile(r"[\s\-.()/]")


def normalise_whatsapp(value: str) -> str:
    """``0812-3456-7890``, ``+62 812 3456 7890`` or ``62812...`` -> ``6281234567890``.

    An empty value stays empty (no number). Raises ValidationError with a sentence otherwise.
    """
    raw = (value or "").strip()
    if not raw:
        return ""
    digits = _SEPARATORS.sub("", raw)
    if digits.startswith("+"):
        digits = digits[1:]
    if not digits.isdigit():
        raise ValidationError(
            _("A WhatsApp number contains only digits, spaces, dashes and a leading +."),
            code="invalid",
        )
    if digits.startswith("0"):
        digits = "62" + digits[1:]
    elif digits.startswith("8"):
        digits = "62" + digits
    if not digits.startswith("628") or not 9 <= len(digits) - 2 <= 12:
        raise ValidationError(
            _("Enter an Indonesian mobile number, such as 0812-3456-7890 or +62 812 3456 7890."),
            code="invalid",
        )
    return digits
