from __future__ import annotations

from allauth.account import views as allauth_views
from django.contrib.auth.views import LogoutView
from django.urls import include, path, re_path
from django.views.generic import RedirectView

from accounts import views
from accounts.models import TOKEN_CODE_PATTERN

# Only the parts of allauth that Warta uses live under /akun/: the second step, authenticator
# setup, recovery codes and security keys (2fa/), asking the password again before changing
# them, and the closed sign-up page. No self-service e-mail or password reset: the admin keeps
# the accounts, as before.
allauth_urlpatterns = [
    # allauth's own login URL (its views and the admin send people there) leads to /masuk/,
    # the one throttled sign-in page.
    path(
        "login/",
        RedirectView.as_view(pattern_name="login", query_string=True),
        name="account_login",
    ),
    path("logout/", allauth_views.logout, name="account_logout"),
    path("inactive/", allauth_views.account_inactive, name="account_inactive"),
    path("signup/", allauth_views.signup, name="account_signup"),
    path("reauthenticate/", allauth_views.reauthenticate, name="account_reauthenticate"),
    path(
        "reauthenticate/code/",
        allauth_views.request_reauthentication_code,
        name="account_request_reauthentication_code",
    ),
    path(
        "reauthenticate/code/confirm/",
        allauth_views.confirm_reauthentication_code,
        name="account_confirm_reauthentication_code",
    ),
    path("2fa/", include("allauth.mfa.urls")),
]

urlpatterns = [
    path("masuk/", views.ThrottledLoginView.as_view(), name="login"),
    path("keluar/", LogoutView.as_view(), name="logout"),
    re_path(
        rf"^akun/token/(?P<code>{TOKEN_CODE_PATTERN})/cabut/$",
        views.revoke_token,
        name="revoke_api_token",
    ),
    path("akun/", include(allauth_urlpatterns)),
]
