"""Re-encrypt every channel account's secrets with the current (first) key, and the two-step
(MFA) secrets that share the key ring.

With ``WARTA_SECRETS_KEYS``: put the new key first, run this, then remove the old key.
With the embedded key file: ``--new-key`` adds a new key first, re-encrypts, and drops the old
ones from the file once every secret is re-encrypted.
"""

from __future__ import annotations

import os
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from accounts.mfa_secrets import MfaSecretUnreadable, rotate_mfa_secrets
from channels import secrets
from channels.models import ChannelAccount


class Command(BaseCommand):
    help = "Re-encrypt channel secrets with the current key (rotation)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--new-key",
            action="store_true",
            help="generate a new key into the key file first (not with WARTA_SECRETS_KEYS)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from_env = bool(os.environ.get(secrets.ENV, "").strip())
        if options["new_key"]:
            if from_env:
                raise CommandError(
                    f"keys come from {secrets.ENV}: put the new key first there instead"
                )
            secrets.add_key_to_file()
        count = 0
        with transaction.atomic():
            for account in ChannelAccount.objects.select_for_update().exclude(secrets_encrypted=""):
                try:
                    account.secrets_encrypted = secrets.rotate(account.secrets_encrypted)
                except secrets.SecretsUnreadable as exc:
                    raise CommandError(
                        f"no key decrypts the secrets of {account}: nothing was changed"
                    ) from exc
                account.save(update_fields=["secrets_encrypted"])
                count += 1
            # Two-step (MFA) secrets share the key ring (accounts/mfa_secrets.py).
            try:
                authenticators = rotate_mfa_secrets()
            except MfaSecretUnreadable as exc:
                raise CommandError(f"{exc}: nothing was changed") from exc
        if options["new_key"]:
            secrets.drop_old_keys_from_file()
        self.stdout.write(f"Re-encrypted the secrets of {count} channel account(s).")
        self.stdout.write(
            f"Re-encrypted the two-step secrets of {authenticators} authenticator(s)."
        )
