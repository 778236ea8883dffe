"""Signing in to the staff UI: allauth's login (password, then the second step for those who
have one), behind the shared failed-login throttle."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import get_adapter
from allauth.account.views import LoginView
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from accounts import throttle
from accounts.forms import LoginForm, posted_username


def _address(request: HttpRequest) -> str:
    """The client's address as allauth's own limits see it: behind nginx, the address nginx
    put in X-Forwarded-For (ALLAUTH_TRUSTED_PROXY_COUNT), not nginx's own."""
    return get_adapter(request).get_client_ip(request)


class ThrottledLoginView(LoginView):
    """allauth's login page that refuses to check passwords after too many failures.

    The counts are the ones the API token endpoint shares (accounts/throttle.py); allauth's own
    ``login_failed`` limit, set to the same numbers, also guards the second step's codes.
    """

    template_name = "accounts/login.html"

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        username = posted_username(request.POST)
        if throttle.is_locked_out(username, _address(request)):
            # The password is not even checked while locked out.
            form = LoginForm(request=request, initial={"login": username})
            message = _(
                "Too many failed sign-in attempts. Wait a few minutes, then try again; "
                "ask your administrator if you have forgotten your password."
            )
            context = self.get_context_data(form=form, locked_out=message)
            return self.render_to_response(context, status=429)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form: LoginForm) -> HttpResponse:
        throttle.clear_failures(posted_username(form.data), _address(self.request))
        return super().form_valid(form)

    def form_invalid(self, form: LoginForm) -> HttpResponse:
        throttle.record_failure(posted_username(form.data), _address(self.request))
        return super().form_invalid(form)
