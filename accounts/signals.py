"""What a full sign-in (password, and the code for those who have one) sets in motion."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest

from accounts import sessions, throttle
from accounts.addresses import client_address
from accounts.models import User


@receiver(user_logged_in)
def on_signed_in(sender: Any, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    """Stamp the session's start (its lifetimes) and tell the throttle: the failures of this
    username and address are forgiven, and the address is one the user signs in from."""
    if request is None:
        return
    sessions.start(request.session)
    throttle.record_sign_in(user.get_username(), client_address(request))
