"""django-allauth adapters: accounts are made by the administrator, never by sign-up; every
password allauth checks goes through Warta's throttle, counted by Warta's client address; a person
who must use a second step cannot remove their last one; two-step secrets are stored encrypted."""

from __future__ import annotations

import time
from typing import Any

from allauth.account import app_settings as account_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.internal.flows.login import get_authentication_records
from allauth.core import context
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from django import forms
from django.http import HttpRequest

from accounts import mfa_secrets, throttle
from accounts.addresses import client_address
from accounts.mfa import SECOND_FACTORS, requires_mfa
from accounts.models import User


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        """Closed: the administrator creates every staff account (Django admin)."""
        return False

    def is_reauthentication_required(self, *, app: str, **kwargs: Any) -> bool:
        """A password typed at sign-in a few minutes ago counts: a Kabid sent straight from the
        sign-in page to set up the app is not asked for the password a second time."""
        if not super().is_reauthentication_required(app=app, **kwargs):
            return False
        request = context.request
        records = get_authentication_records(request, request.user)
        recent = time.time() - account_settings.REAUTHENTICATION_TIMEOUT
        return not any(r.get("method") == "password" and r["at"] > recent for r in records)

    def get_client_ip(self, request: HttpRequest) -> str:
        """Warta's one client address (accounts/addresses.py), for allauth's own limits too."""
        return client_address(request)

    def pre_authenticate(self, request: HttpRequest, **credentials: Any) -> None:
        """Before a password is checked (sign-in, or asked again before changing the second
        step): refuse while Warta's throttle says wait. Replaces allauth's own failed-login
        limit, which locks a username out for everyone."""
        verdict = throttle.check(credentials.get("username", ""), client_address(request))
        if not verdict.allowed:
            raise forms.ValidationError(verdict.message(), code="too_many_login_attempts")

    def authentication_failed(self, request: HttpRequest, **credentials: Any) -> None:
        throttle.record_failure(credentials.get("username", ""), client_address(request))


class MFAAdapter(DefaultMFAAdapter):
    def encrypt(self, text: str) -> str:
        """Authenticator-app secrets and recovery-code seeds, encrypted with the key ring of
        the channel secrets before allauth stores them."""
        return mfa_secrets.encrypt(text)

    def decrypt(self, encrypted_text: str) -> str:
        return mfa_secrets.decrypt(encrypted_text)

    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        """A Kabid, Kasi or admin keeps at least one app or security key."""
        user = User.objects.get(pk=authenticator.user_id)
        if authenticator.type not in SECOND_FACTORS or not requires_mfa(user):
            return True
        others = Authenticator.objects.filter(user=user, type__in=SECOND_FACTORS).exclude(
            pk=authenticator.pk
        )
        return others.exists()
