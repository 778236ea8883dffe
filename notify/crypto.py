"""WhatsApp secrets at rest, sealed with the office's one key ring (``channels.secrets``), so
``manage.py rotate_secret_keys`` re-encrypts them with the channel secrets."""

from __future__ import annotations

from django.utils.translation import gettext as _

from channels import secrets


class SecretUnreadable(Exception):
    """The stored secret was encrypted with a key that is no longer configured."""


def encrypt(plain: str) -> str:
    return secrets.seal(plain)


def decrypt(token: str) -> str:
    try:
        return secrets.unseal(token)
    except secrets.SecretsUnreadable as exc:
        raise SecretUnreadable(
            _(
                "A stored WhatsApp secret cannot be decrypted with the configured keys "
                "(WARTA_SECRETS_KEYS or var/secrets_keys); enter it again in the admin."
            )
        ) from exc
