"""Check settings, database, cache, storage, job queue, WhatsApp and every channel account."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ops.doctor import run


class Command(BaseCommand):
    help = (
        "Check this Warta's settings and everything it connects to; one line per check, "
        "OK or what is wrong and what to do. Exits 1 when something is wrong."
    )
    # Doctor reports problems the system checks would stop on (a malformed setting) as lines.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--worker-timeout",
            type=float,
            default=10.0,
            help="seconds to wait for a worker to answer a ping job (0: do not ask)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        failed = 0
        for line in run(options["worker_timeout"]):
            failed += not line.ok
            self.stdout.write(str(line))
            self.stdout.flush()
        if failed:
            raise CommandError(f"{failed} problem(s) found; see the FAIL lines above")
        self.stdout.write("Everything checked is OK.")
