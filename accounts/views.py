"""Signing in and out of the staff UI, with the shared failed-login throttle."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import LoginView
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from accounts import throttle


def _address(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR", ""))


class ThrottledLoginView(LoginView):
    """Django's login page that refuses to check passwords after too many failures."""

    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        username = str(request.POST.get("username", ""))
        if throttle.is_locked_out(username, _address(request)):
            # The password is not even checked while locked out.
            form = self.form_class(request, initial={"username": username})
            message = _(
                "Too many failed sign-in attempts. Wait a few minutes, then try again; "
                "ask your administrator if you have forgotten your password."
            )
            context = self.get_context_data(form=form, locked_out=message)
            return self.render_to_response(context, status=429)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        throttle.clear_failures(str(form.data.get("username", "")), _address(self.request))
        return super().form_valid(form)

    def form_invalid(self, form: AuthenticationForm) -> HttpResponse:
        throttle.record_failure(str(form.data.get("username", "")), _address(self.request))
        return super().form_invalid(form)
