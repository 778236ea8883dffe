"""The sign-in form: allauth's, by username."""

from __future__ import annotations

from typing import Any

from allauth.account.forms import LoginForm as AllauthLoginForm
from allauth.mfa.webauthn.forms import AddWebAuthnForm as AllauthAddWebAuthnForm
from allauth.mfa.webauthn.forms import EditWebAuthnForm as AllauthEditWebAuthnForm
from django.utils.translation import gettext_lazy as _


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
