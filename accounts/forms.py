"""The sign-in form (allauth's, by username) and the second step's code forms behind Warta's
throttle."""

from __future__ import annotations

from typing import Any

from allauth.account.forms import LoginForm as AllauthLoginForm
from allauth.core import context
from allauth.mfa.base.forms import AuthenticateForm as AllauthAuthenticateForm
from allauth.mfa.base.forms import ReauthenticateForm as AllauthReauthenticateForm
from allauth.mfa.webauthn.forms import AddWebAuthnForm as AllauthAddWebAuthnForm
from allauth.mfa.webauthn.forms import EditWebAuthnForm as AllauthEditWebAuthnForm
from django import forms
from django.utils.translation import gettext_lazy as _

from accounts import throttle
from accounts.addresses import client_address


class LoginForm(AllauthLoginForm):
    """allauth names the username field ``login``; a post that says ``username`` (Warta's form
    before allauth, scripts and benchmarks that sign in) means the same."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        data = kwargs.get("data")
        if data is not None and "login" not in data and "username" in data:
            data = data.copy()
            data["login"] = data["username"]
            kwargs["data"] = data
        super().__init__(*args, **kwargs)


def posted_username(data: Any) -> str:
    """The username a sign-in post names, under either field name."""
    return str(data.get("login") or data.get("username") or "")


KEY_NAME_LABEL = _("Name of the key")


class AddWebAuthnForm(AllauthAddWebAuthnForm):
    """allauth's form, with a label for the key's name (it has none to translate)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["name"].label = KEY_NAME_LABEL


class EditWebAuthnForm(AllauthEditWebAuthnForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["name"].label = KEY_NAME_LABEL


class ThrottledCodeMixin:
    """A code at the second step counts like a password (accounts/throttle.py): refused while
    the throttle says wait, counted when wrong. Replaces allauth's own limit, which would let
    a guesser who has the password lock the owner out of their second step."""

    user: Any

    def clean_code(self) -> str:
        username, address = self.user.get_username(), client_address(context.request)
        verdict = throttle.check(username, address)
        if not verdict.allowed:
            raise forms.ValidationError(verdict.message(), code="too_many_login_attempts")
        try:
            code: str = super().clean_code()  # type: ignore[misc]
        except forms.ValidationError:
            throttle.record_failure(username, address)
            raise
        return code


class AuthenticateForm(ThrottledCodeMixin, AllauthAuthenticateForm):
    """The code after the password."""


class ReauthenticateForm(ThrottledCodeMixin, AllauthReauthenticateForm):
    """The code asked again before changing the second step."""
