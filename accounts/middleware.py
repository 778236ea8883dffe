"""Two middlewares for signed-in sessions: the second step must be set up, and a session ends
after its idle timeout or absolute lifetime (accounts/sessions.py).

Send a Kabid, Kasi or admin without an authenticator to set one up before anything else.

allauth already asks the code after the password of anybody who has an authenticator; this
middleware closes the other half: a person whose role requires the second step but who has none
yet (a new account, a role just changed) may open only the setup pages, sign out, static files
and the language switch. It covers the Django admin too.

It acts on the sessions allauth signed in, recognised by allauth's record of the sign-in methods
in the session, and every real session is one: /masuk/ is allauth's login, the admin's own login
page sends people there (warta/urls.py), and sessions from before allauth no longer validate
(``User.get_session_auth_hash``). The one other way to a session is Django's bare ``login()``,
which only the test client's ``force_login``/``login`` call: such a session counts as fully signed
in, second step included, so tests of pages need no code (the sign-in tests go through the form).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from urllib.parse import urlsplit

from allauth.account.internal.flows.login import get_authentication_records
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts import sessions
from accounts.mfa import must_enrol
from accounts.models import User

logger = logging.getLogger("warta.security")

# Not session-based, so never asked: the API takes bearer tokens, and the WhatsApp webhook is
# signed by Meta and acts for the phone number registered on an account.
SESSIONLESS_PREFIXES = ("/api/", "/webhooks/")


def _open_paths() -> tuple[str, ...]:
    """What a person who still has to enrol may open."""
    return (
        reverse("mfa_index"),  # setup of the app, security keys, recovery codes
        reverse("account_reauthenticate"),  # allauth may ask the password again before setup
        reverse("logout"),
        reverse("account_logout"),
        reverse("set_language"),
        settings.STATIC_URL,
        *SESSIONLESS_PREFIXES,
    )


def _signed_in_by_allauth(request: HttpRequest, user: User) -> bool:
    return bool(get_authentication_records(request, user))


class MfaRequiredMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            isinstance(user, User)
            and not request.path.startswith(_open_paths())
            and _signed_in_by_allauth(request, user)
            and must_enrol(user)
        ):
            return self._to_setup(request)
        return self.get_response(request)

    def _to_setup(self, request: HttpRequest) -> HttpResponse:
        setup = reverse("mfa_activate_totp")
        if request.headers.get("HX-Request"):
            # An htmx request (the bell's poll) must not swap the setup page into a fragment:
            # the whole page goes there, unless it already shows an open page (the setup page's
            # own bell would reload it forever).
            response = HttpResponse(status=204)
            current = urlsplit(request.headers.get("HX-Current-URL", "")).path
            if not current.startswith(_open_paths()):
                response["HX-Redirect"] = setup
            return response
        # The setup page itself says why (templates/mfa/totp/activate_form.html).
        return HttpResponseRedirect(setup)


def _is_poll(request: HttpRequest) -> bool:
    """The page refreshing a part of itself (htmx: the bell, timers, task list), not a person."""
    return request.method == "GET" and bool(request.headers.get("HX-Request"))


def _ended_message(reason: str, user: User) -> str:
    lifetime = sessions.lifetime_for(user)
    if reason == "idle":
        return _(
            "You were signed out after %(minutes)d minutes without activity. Sign in again."
        ) % {"minutes": lifetime.idle.total_seconds() // 60}
    if reason == "absolute":
        return _("You were signed out: a session lasts at most %(hours)d hours. Sign in again.") % {
            "hours": lifetime.absolute.total_seconds() // 3600
        }
    return _("Please sign in again.")


class SessionLifetimeMiddleware:
    """End a signed-in session past its idle timeout or absolute lifetime; note activity."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if not isinstance(user, User) or request.path.startswith(
            (*SESSIONLESS_PREFIXES, settings.STATIC_URL)
        ):
            return self.get_response(request)
        reason = sessions.why_ended(request.session, user)
        if reason:
            return self._signed_out(request, user, reason)
        if not _is_poll(request):
            sessions.note_activity(request.session, user)
        return self.get_response(request)

    def _signed_out(self, request: HttpRequest, user: User, reason: str) -> HttpResponse:
        logger.info("session of %r ended (%s)", user.username, reason)
        logout(request)
        if request.headers.get("HX-Request"):
            # A poll: the whole page goes to the sign-in page, not a fragment of it.
            response = HttpResponse(status=204)
            response["HX-Redirect"] = reverse("login")
            return response
        messages.info(request, _ended_message(reason, user))
        return redirect_to_login(request.get_full_path())
