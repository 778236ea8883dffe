"""Validate the configured SOP file and record its version; one line and exit 1 if malformed."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from sop.loader import SopError
from sop.models import SopVersion


class Command(BaseCommand):
    help = "Validate the SOP file (settings.SOP_FILE) and record its version."
    requires_system_checks: list[str] = []

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            version = SopVersion.objects.current()
        except SopError as exc:
            raise CommandError(str(exc)) from exc
        sop = version.sop
        self.stdout.write(
            f"SOP {sop.identity.title} v{sop.version} ({version.sha256[:12]}): "
            f"{len(sop.steps)} steps, {sop.total_standard_minutes} minutes standard"
        )
