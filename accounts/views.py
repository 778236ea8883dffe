"""Signing in to the staff UI: allauth's login (password, then the second step for those who
have one), behind Warta's sign-in throttle; the user's own API tokens."""

from __future__ import annotations

from typing import Any

from allauth.account.views import LoginView
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import actions, throttle
from accounts.addresses import client_address
from accounts.forms import LoginForm, posted_username
from accounts.models import ApiToken, User


class ThrottledLoginView(LoginView):
    """allauth's login page that does not check a password while the throttle says wait.

    The throttle (accounts/throttle.py) is the one the API token endpoint and the second step
    use; failures are counted by the account adapter, which every password check goes through.
    """

    template_name = "accounts/login.html"

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        username = posted_username(request.POST)
        verdict = throttle.check(username, client_address(request))
        if not verdict.allowed:
            # The password is not even checked while the throttle says wait.
            form = LoginForm(request=request, initial={"login": username})
            context = self.get_context_data(form=form, locked_out=verdict.message())
            response = self.render_to_response(context, status=429)
            response["Retry-After"] = str(verdict.retry_after)
            return response
        return super().post(request, *args, **kwargs)


@require_POST
@login_required
def revoke_token(request: HttpRequest, code: str) -> HttpResponse:
    """Revoke one of my API tokens (the profile page's button)."""
    user = request.user
    assert isinstance(user, User)
    token = ApiToken.objects.filter(user=user, code=code).first()
    if token is None:
        raise Http404
    actions.revoke_token(user, token)
    messages.success(request, _("The API token was revoked."))
    return redirect("profile")
