from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from notify.phone import normalise_whatsapp


@pytest.mark.parametrize(
    "given",
    ["0812-3456-7890", "+62 812 3456 7890", "62 812-3456-7890", "(0812) 3456.7890", "8123456789 0"],
)
def test_it_normalises_indonesian_forms(given: str) -> None:
    assert normalise_whatsapp(given) == "6281234567890"


def test_it_keeps_an_empty_number_empty() -> None:
    assert normalise_whatsapp("  ") == ""


@pytest.mark.parametrize(
    "given", ["021-555-1234", "+1 415 555 0100", "0812", "0812abc4567", "62812345678901234"]
)
def test_it_refuses_what_is_not_an_indonesian_mobile_number(given: str) -> None:
    with pytest.raises(ValidationError):
        normalise_whatsapp(given)
