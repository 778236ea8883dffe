from __future__ import annotations

from django.apps import AppConfig


class SopConfig(AppConfig):
    name = "sop"
    verbose_name = "SOP"

    def ready(self) -> None:
        from sop import checks  # noqa: F401  (registers the system check)
