"""System check: Warta does not start with a malformed SOP file."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, register

from sop.loader import SopError, load_sop


@register()
def check_sop_file(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    try:
        load_sop(settings.SOP_FILE)
    except SopError as exc:
        return [Error(str(exc), id="sop.E001")]
    return []
