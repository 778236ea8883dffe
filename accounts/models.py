"""Users with their office role, and API tokens."""

from __future__ import annotations

import hashlib
import logging
import secrets
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models, transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from lib import clock

logger = logging.getLogger("warta.security")


class Role(models.TextChoices):
    KABID = "kabid", _("Kabid PLIP")
    KASI = "kasi", _("Kasi PIP")
    OPERATOR = "operator", _("Operator")
    ADMIN = "admin", _("Administrator")


class User(AbstractUser):
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.OPERATOR)

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username

    # Sessions carry an HMAC of the password under this salt. Its own salt (not Django's) ended
    # every session that existed before sign-in went through allauth and its second step, so no
    # session in use skipped them (accounts/middleware.py).
    SESSION_AUTH_SALT = "warta.accounts.User.session.allauth-mfa"

    def get_session_auth_hash(self) -> str:
        return self._session_auth_hash(None)

    def get_session_auth_fallback_hash(self) -> Iterator[str]:
        for secret in settings.SECRET_KEY_FALLBACKS:
            yield self._session_auth_hash(secret)

    def _session_auth_hash(self, secret: str | bytes | None) -> str:
        return salted_hmac(
            self.SESSION_AUTH_SALT, self.password, secret=secret, algorithm="sha256"
        ).hexdigest()

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Save; a new password or a deactivated account also revokes every API token.

        Here and not in an action: passwords are changed by the admin's form, ``changepassword``
        and scripts alike, and a token must never outlive the password that obtained it.
        (Sessions end by themselves: they carry a hash of the password, and Django signs an
        inactive user out.)"""
        password_changed = getattr(self, "_password", None) is not None  # set_password() was called
        existing = not self._state.adding
        with transaction.atomic():
            super().save(*args, **kwargs)
            if existing and password_changed:
                revoke_all_tokens(self, reason="password changed")
            elif existing and not self.is_active:
                revoke_all_tokens(self, reason="account deactivated")


def revoke_all_tokens(user: User, *, reason: str) -> int:
    """Delete every API token of ``user``; returns how many there were."""
    count, _per_model = ApiToken.objects.filter(user=user).delete()
    if count:
        logger.info("revoked all %d API token(s) of %r: %s", count, user.username, reason)
    return count


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def new_token_code() -> str:
    """The opaque name of a token in URLs and lists (never the key itself)."""
    return secrets.token_hex(6)


# What new_token_code() makes: URLs accept nothing else.
TOKEN_CODE_PATTERN = r"[0-9a-f]{12}"


# A token's last use is written at most this often: not one database write per API call.
LAST_USED_PRECISION = timedelta(minutes=1)


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def issue(self, user: User, *, address: str = "", user_agent: str = "") -> str:
        """Create a token for the user and return its key (only its digest is stored, with the
        key's last four characters to tell the user's tokens apart)."""
        key = secrets.token_urlsafe(32)
        self.create(
            user=user,
            digest=_digest(key),
            hint=key[-4:],
            created_from=address[:64],
            user_agent=user_agent[:200],
            expires_at=clock.now() + timedelta(days=settings.API_TOKEN_TTL_DAYS),
        )
        return key

    def valid(self) -> ApiTokenQuerySet:
        """Unexpired tokens of active users."""
        return self.filter(expires_at__gt=clock.now(), user__is_active=True)

    def for_key(self, key: str) -> ApiToken | None:
        """The valid token with this key, its last use noted."""
        token = self.valid().select_related("user").filter(digest=_digest(key)).first()
        if token is not None:
            token.note_use()
        return token

    def user_for(self, key: str) -> User | None:
        token = self.for_key(key)
        return token.user if token else None


class ApiToken(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    code = models.CharField(max_length=16, unique=True, default=new_token_code, editable=False)
    digest = models.CharField(max_length=64, unique=True)
    hint = models.CharField(_("ends with"), max_length=4, blank=True)
    created_from = models.CharField(_("issued to address"), max_length=64, blank=True)
    user_agent = models.CharField(_("program"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("issued"), default=clock.now)
    expires_at = models.DateTimeField(_("expires"))
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"…{self.hint or '????'} ({self.user})"

    def note_use(self) -> None:
        """Record that the token was used now (to the minute)."""
        now = clock.now()
        if self.last_used_at is None or now - self.last_used_at >= LAST_USED_PRECISION:
            self.last_used_at = now
            ApiToken.objects.filter(pk=self.pk).update(last_used_at=now)


class DelegationQuerySet(models.QuerySet["Delegation"]):
    def active(self, at: datetime | None = None) -> DelegationQuerySet:
        at = at or timezone.now()
        return self.filter(starts_at__lte=at, ends_at__gt=at)


class Delegation(models.Model):
    """An acting official (Plt/Plh) who holds a head's tasks and decisions for a period."""

    class Kind(models.TextChoices):
        PLT = "plt", _("Plt (pelaksana tugas)")
        PLH = "plh", _("Plh (pelaksana harian)")

    principal = models.ForeignKey(User, on_delete=models.CASCADE, related_name="delegations_out")
    delegate = models.ForeignKey(User, on_delete=models.CASCADE, related_name="delegations_in")
    kind = models.CharField(max_length=3, choices=Kind.choices, default=Kind.PLH)
    starts_at = models.DateTimeField(_("from"))
    ends_at = models.DateTimeField(_("until"))
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = DelegationQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="delegation_period"
            ),
            models.CheckConstraint(
                condition=~models.Q(principal=models.F("delegate")), name="delegation_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.delegate} for {self.principal}"
