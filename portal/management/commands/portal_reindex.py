"""Re-derive the portal's articles (and so its search index) from the website publications."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from portal import index


class Command(BaseCommand):
    help = (
        "Rebuild the public portal's articles and search index from the website channel's "
        "publications (after a bulk import that bypassed Warta's actions); empties the page cache."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        with transaction.atomic():
            shown = index.rebuild()
        self.stdout.write(f"portal_reindex: {shown} articles shown on the portal.")
