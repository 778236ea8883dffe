"""Check the audit log's hash chain and name the first broken entry."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from newsroom.audit import first_break
from newsroom.models import AuditEntry


class Command(BaseCommand):
    help = "Verify the hash chain of the audit log; exits 1 naming the first broken entry."

    def handle(self, *args: Any, **options: Any) -> None:
        broken = first_break()
        if broken is not None:
            raise CommandError(f"audit log broken at entry #{broken.seq}: {broken.reason}")
        count = AuditEntry.objects.count()
        self.stdout.write(f"audit log intact: {count} entries verified")
