"""Two-step sign-in (MFA) policy: who must have a second factor, and enrolment helpers.

The second step itself (asking the code after the password, recovery codes, WebAuthn) is
django-allauth's; Warta decides only *who* needs it (the Kabid, the Kasi, administrators and
every staff account of the Django admin) and enrols the demo office with a known secret.

Not a browser session, on purpose: the API (``/api/v1/``) authenticates with bearer tokens,
issued for the password and, for these roles, the authenticator code (api/routes_auth.py); the
WhatsApp webhook acts only for the phone number registered on a staff account. The secrets
themselves are stored encrypted (accounts/mfa_secrets.py).
"""

from __future__ import annotations

import time

from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value
from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings

from accounts.models import Role, User

# Roles whose sign-in must have a second step; operators may add one if they wish.
MFA_REQUIRED_ROLES = frozenset({Role.KABID, Role.KASI, Role.ADMIN})
# The factors that count as a second step (recovery codes only stand in for one).
SECOND_FACTORS = [Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]


def requires_mfa(user: User) -> bool:
    """True for the Kabid, Kasi and admin roles and for anybody who may open the Django admin."""
    return user.role in MFA_REQUIRED_ROLES or user.is_staff or user.is_superuser


def has_second_factor(user: User) -> bool:
    return bool(is_mfa_enabled(user, SECOND_FACTORS))


def must_enrol(user: User) -> bool:
    """The user has to set up an authenticator before using anything else."""
    return requires_mfa(user) and not has_second_factor(user)


def enrol_totp(user: User, secret: str, *, recovery_codes: bool = True) -> Authenticator:
    """Activate an authenticator app with a known base32 secret (demo office and tests only:
    real users scan their own, random secret on the setup page)."""
    totp = TOTP.activate(user, secret)
    if recovery_codes:
        RecoveryCodes.activate(user)
    return totp.instance


def totp_code(secret: str, at: float | None = None) -> str:
    """The six digits an authenticator app shows for the secret now (RFC 6238, allauth's own
    HOTP function and period)."""
    moment = time.time() if at is None else at
    return format_hotp_value(hotp_value(secret, int(moment) // settings.MFA_TOTP_PERIOD))


def recovery_codes(user: User) -> list[str]:
    """The user's unused recovery codes."""
    authenticator = Authenticator.objects.get(user=user, type=Authenticator.Type.RECOVERY_CODES)
    codes: list[str] = authenticator.wrap().get_unused_codes()
    return codes


def check_code(user: User, code: str) -> bool:
    """True for a valid authenticator-app code or an unused recovery code of the user (each is
    then spent). For sign-in paths outside allauth's pages, e.g. issuing an API token."""
    for authenticator in Authenticator.objects.filter(user=user).exclude(
        type=Authenticator.Type.WEBAUTHN  # a security key cannot type a code
    ):
        if authenticator.wrap().validate_code(code.strip()):
            authenticator.record_usage()
            return True
    return False
