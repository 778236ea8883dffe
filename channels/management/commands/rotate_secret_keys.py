"""Re-encrypt every secret sealed with the key ring (channels/secrets.py) with its first key.

With ``WARTA_SECRETS_KEYS``: put the new key first, run this, then remove the old key.
With the embedded key file: ``--new-key`` adds a new key first, re-encrypts, and drops the old
ones from the file once every secret is re-encrypted.

Every kind of sealed secret has its re-encryptor in ``REENCRYPTORS``; all run in one
transaction, so a secret no key opens changes nothing and keeps the old keys. A kind of secret
missing from the list would become unreadable when the old key is dropped: a new one joins the
key ring by joining the list.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, NamedTuple

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from accounts.mfa_secrets import MfaSecretUnreadable, rotate_mfa_secrets
from channels import secrets


@dataclass(frozen=True)
class SealedColumns:
    """Text columns of one model that hold key-ring ciphertext ("" when unset)."""

    model: str  # "app_label.ModelName"
    columns: tuple[str, ...]

    def __call__(self) -> int:
        """Re-encrypt the columns of every row (locked until the transaction ends); returns
        how many rows held a secret."""
        manager = apps.get_model(self.model)._default_manager
        rows = 0
        for row in manager.select_for_update().order_by("pk").values("pk", *self.columns):
            sealed = {c: row[c] for c in self.columns if row[c]}
            if sealed:
                manager.filter(pk=row["pk"]).update(
                    **{c: secrets.rotate(v) for c, v in sealed.items()}
                )
                rows += 1
        return rows


# What a re-encryptor raises when no configured key opens one of its secrets.
UNREADABLE: tuple[type[Exception], ...] = (secrets.SecretsUnreadable, MfaSecretUnreadable)


class Reencryptor(NamedTuple):
    what: str  # names the secrets in an error: "channel accounts"
    run: Callable[[], int]  # re-encrypts in the command's transaction; returns how many
    done: str  # the line printed after, with {n}: "Re-encrypted ... of {n} channel account(s)."


REENCRYPTORS: list[Reencryptor] = [
    Reencryptor(
        "channel accounts",
        SealedColumns("channels.ChannelAccount", ("secrets_encrypted",)),
        "Re-encrypted the secrets of {n} channel account(s).",
    ),
    Reencryptor(
        "WhatsApp settings",
        SealedColumns(
            "notify.WhatsAppConfig",
            ("token_encrypted", "app_secret_encrypted", "verify_token_encrypted"),
        ),
        "Re-encrypted the WhatsApp token, app secret and verify token ({n} settings row(s)).",
    ),
    # Two-step (MFA) secrets share the key ring (accounts/mfa_secrets.py).
    Reencryptor(
        "two-step secrets",
        rotate_mfa_secrets,
        "Re-encrypted the two-step secrets of {n} authenticator(s).",
    ),
]


class Command(BaseCommand):
    help = "Re-encrypt every stored secret with the current key (rotation)."

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
        lines: list[str] = []
        with transaction.atomic():
            for reencryptor in REENCRYPTORS:
                try:
                    lines.append(reencryptor.done.format(n=reencryptor.run()))
                except UNREADABLE as exc:
                    raise CommandError(
                        f"no key decrypts a secret of the {reencryptor.what} ({exc}): nothing "
                        "was changed and no key was dropped"
                    ) from exc
        if options["new_key"]:
            secrets.drop_old_keys_from_file()
        for line in lines:
            self.stdout.write(line)
