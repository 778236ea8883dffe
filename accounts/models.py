"""Users with their office role, and API tokens."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterator
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _


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


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def issue(self, user: User) -> str:
        """Create a token for the user and return its key (only its digest is stored)."""
        key = secrets.token_urlsafe(32)
        self.create(
            user=user,
            digest=_digest(key),
            expires_at=timezone.now() + timedelta(days=settings.API_TOKEN_TTL_DAYS),
        )
        return key

    def user_for(self, key: str) -> User | None:
        token = (
            self.select_related("user")
            .filter(digest=_digest(key), expires_at__gt=timezone.now(), user__is_active=True)
            .first()
        )
        return token.user if token else None


class ApiToken(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()

    objects = ApiTokenQuerySet.as_manager()

    def __str__(self) -> str:
        return f"token of {self.user} until {self.expires_at:%Y-%m-%d}"


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
