"""Print the current second-step code of a demo account (the demo authenticator secret)."""

from __future__ import annotations

from typing import Any

from allauth.mfa.models import Authenticator
from allauth.mfa.utils import decrypt
from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.demo import DEMO_TOTP_SECRET
from accounts.mfa import totp_code
from accounts.models import User


def uses_demo_secret(user: User) -> bool:
    """True only for an account whose authenticator holds the published demo secret: the command
    must never print a code, or anything, for a real person's authenticator."""
    authenticator = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    if authenticator is None:
        return False
    return bool(decrypt(authenticator.data.get("secret", "")) == DEMO_TOTP_SECRET)


class Command(BaseCommand):
    help = (
        "Print the current six-digit code of a demo account (kabid, kasi, admin) that seed_demo "
        f"enrolled with the demo authenticator secret {DEMO_TOTP_SECRET}."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", nargs="?", default="kabid")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"]).first()
        if user is None or not uses_demo_secret(user):
            raise CommandError(
                f"{options['username']!r} is not a demo account with the demo authenticator "
                "secret (seed_demo enrols kabid, kasi and admin on an empty database)."
            )
        self.stdout.write(totp_code(DEMO_TOTP_SECRET))
