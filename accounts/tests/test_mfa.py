"""Two-step sign-in: required for Kabid, Kasi and admins, optional for operators; the throttle
still holds; nobody signs up."""

from __future__ import annotations

import re
from io import StringIO
from typing import Any

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY
from django.contrib.auth import HASH_SESSION_KEY
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.staticfiles import finders
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from accounts.demo import DEMO_TOTP_SECRET
from accounts.mfa import check_code, has_second_factor, recovery_codes, totp_code
from accounts.models import ApiToken, Role, User
from accounts.testing import PASSWORD, answer_second_step, candidate_codes, sign_in

Office = dict[str, User]

SECOND_STEP = reverse("mfa_authenticate")
SETUP = reverse("mfa_activate_totp")


def text(response: Any) -> str:
    return response.content.decode()


def shows_my_tasks(response: Any) -> bool:
    """The "My tasks" page itself, not just the menu link to it."""
    return response.status_code == 200 and bool(
        re.search(r"<h1[^>]*>\s*Tugas saya\s*</h1>", text(response))
    )


def password_step(client: Client, username: str, password: str = PASSWORD) -> Any:
    return client.post(reverse("login"), {"login": username, "password": password})


def signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def enrol_through_the_setup_page(client: Client) -> None:
    """What a person does on the setup page: read the secret, type the app's code."""
    page = client.get(SETUP)
    assert page.status_code == 200
    secret = client.session[SECRET_SESSION_KEY]
    assert secret in text(page)  # shown for typing into the app, next to the QR code
    response = client.post(SETUP, {"code": totp_code(secret)})
    assert response.status_code == 302, text(response)


@pytest.fixture
def new_kabid(db: None) -> User:
    """A Kabid the admin has just created: password only, no authenticator yet."""
    return User.objects.create_user("kabid_baru", password=PASSWORD, role=Role.KABID)


# --- enrolment is forced for the roles that need it --------------------------------------------


def test_a_kabid_without_an_authenticator_must_set_one_up_first(
    client: Client, new_kabid: User
) -> None:
    response = password_step(client, "kabid_baru")
    assert response.status_code == 302 and signed_in(client)

    for page in (reverse("tasks"), reverse("items"), "/admin/", reverse("profile")):
        blocked = client.get(page)
        assert blocked.status_code == 302, page
        assert blocked["Location"] == SETUP, page
    setup = client.get(SETUP)
    assert "Peran Anda mewajibkan masuk dua langkah" in text(setup)
    assert not shows_my_tasks(client.get(reverse("tasks"), follow=True))

    enrol_through_the_setup_page(client)

    assert has_second_factor(new_kabid)
    assert shows_my_tasks(client.get(reverse("tasks")))


def test_an_htmx_poll_is_redirected_whole_not_swapped(client: Client, new_kabid: User) -> None:
    password_step(client, "kabid_baru")
    bell = reverse("notifications_bell")
    response = client.get(bell, headers={"HX-Request": "true", "HX-Current-URL": "/"})
    assert response.status_code == 204
    assert response["HX-Redirect"] == SETUP
    # The bell on the setup page itself: no redirect, or the page would reload forever.
    on_setup = {"HX-Request": "true", "HX-Current-URL": f"http://testserver{SETUP}"}
    response = client.get(bell, headers=on_setup)
    assert response.status_code == 204
    assert "HX-Redirect" not in response


def test_a_staff_admin_is_held_out_of_the_django_admin_until_enrolled(
    client: Client, db: None
) -> None:
    User.objects.create_user("staf", password=PASSWORD, role=Role.OPERATOR, is_staff=True)
    password_step(client, "staf")
    assert client.get("/admin/")["Location"] == SETUP
    enrol_through_the_setup_page(client)
    assert client.get("/admin/").status_code == 200


def test_an_admin_reaches_the_django_admin_only_after_the_second_step(
    client: Client, office: Office
) -> None:
    admin = office["admin"]
    admin.is_staff = admin.is_superuser = True
    admin.save()
    login_page = client.get("/admin/", follow=True)
    assert login_page.redirect_chain[-1][0] == f"{reverse('login')}?next=%2Fadmin%2F"
    assert 'name="next" value="/admin/"' in text(login_page)
    response = client.post(
        reverse("login"), {"login": "admin", "password": PASSWORD, "next": "/admin/"}
    )
    assert response["Location"].startswith(SECOND_STEP)
    held = client.get("/admin/", follow=True)  # the password alone opens no admin page
    assert held.redirect_chain[-1][0].startswith(SECOND_STEP)
    response = answer_second_step(client)
    assert response is not None and response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_signing_out_stays_open_while_enrolment_is_pending(client: Client, new_kabid: User) -> None:
    password_step(client, "kabid_baru")
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert not signed_in(client)


def test_the_django_admin_login_leads_to_the_warta_sign_in(client: Client, db: None) -> None:
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert client.get("/akun/login/")["Location"] == reverse("login")


def test_a_session_from_before_allauth_is_signed_out(client: Client, office: Office) -> None:
    """Sessions made before sign-in had its second step carry Django's own password HMAC."""
    kabid = office["kabid"]
    client.force_login(kabid)
    session = client.session
    session[HASH_SESSION_KEY] = AbstractBaseUser._get_session_auth_hash(kabid)
    session.save()
    response = client.get(reverse("tasks"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


# --- the second step --------------------------------------------------------------------------


def test_a_kabid_with_an_app_must_give_a_valid_code(client: Client, office: Office) -> None:
    response = password_step(client, "kabid")
    assert response.status_code == 302
    assert response["Location"].startswith(SECOND_STEP)
    assert not signed_in(client)  # the password alone opens nothing
    assert client.get(reverse("tasks"))["Location"].startswith(reverse("login"))

    wrong = client.post(SECOND_STEP, {"code": "000000"})
    assert wrong.status_code == 200
    assert "Kode salah." in text(wrong)
    assert not signed_in(client)

    assert answer_second_step(client) is not None
    assert signed_in(client)
    assert shows_my_tasks(client.get(reverse("tasks")))


@pytest.mark.parametrize("kind", ["app code", "recovery code"])
def test_a_code_is_accepted_only_once(client: Client, office: Office, kind: str) -> None:
    kabid = office["kabid"]
    code = next(candidate_codes()) if kind == "app code" else recovery_codes(kabid)[0]
    password_step(client, "kabid")
    assert client.post(SECOND_STEP, {"code": code}).status_code == 302
    assert signed_in(client)
    assert code not in recovery_codes(kabid)
    client.post(reverse("logout"))

    password_step(client, "kabid")
    replay = client.post(SECOND_STEP, {"code": code})
    assert "Kode salah." in text(replay)
    assert not signed_in(client)


def test_wrong_codes_are_throttled_like_wrong_passwords(client: Client, office: Office) -> None:
    password_step(client, "kabid")
    for _attempt in range(5):
        client.post(SECOND_STEP, {"code": "000000"})
    locked = client.post(SECOND_STEP, {"code": next(candidate_codes())})
    assert "Terlalu banyak percobaan masuk yang gagal" in text(locked)
    assert not signed_in(client)


def test_a_kabid_cannot_switch_the_second_step_off(client: Client, office: Office) -> None:
    sign_in(client, "kabid")
    refused = client.post(reverse("mfa_deactivate_totp"))
    assert refused.status_code == 200
    assert "Anda tidak dapat menonaktifkan autentikasi dua faktor" in text(refused)
    assert has_second_factor(office["kabid"])


# --- operators --------------------------------------------------------------------------------


def test_an_operator_signs_in_with_the_password_only(client: Client, office: Office) -> None:
    response = password_step(client, "operator1")
    assert response.status_code == 302
    assert response["Location"] == reverse("tasks")
    assert shows_my_tasks(client.get(reverse("tasks")))


def test_an_operator_may_add_an_app_and_is_then_asked_for_codes(
    client: Client, office: Office
) -> None:
    password_step(client, "operator1")
    enrol_through_the_setup_page(client)
    assert has_second_factor(office["operator1"])
    client.post(reverse("logout"))

    response = password_step(client, "operator1")
    assert response["Location"].startswith(SECOND_STEP)
    assert not signed_in(client)


def test_an_operator_may_switch_the_optional_app_off(client: Client, office: Office) -> None:
    password_step(client, "operator1")
    enrol_through_the_setup_page(client)
    assert client.post(reverse("mfa_deactivate_totp")).status_code == 302
    assert not has_second_factor(office["operator1"])


# --- the throttle and sign-up -----------------------------------------------------------------


def test_the_login_throttle_still_blocks_after_too_many_failures(
    client: Client, office: Office, settings: Any
) -> None:
    settings.LOGIN_ATTEMPTS_LIMIT = 3
    for _attempt in range(3):
        refused = password_step(client, "operator1", "salah")
        assert refused.status_code == 200
        assert "tidak benar" in text(refused)
    locked = password_step(client, "operator1")
    assert locked.status_code == 429
    assert "Terlalu banyak percobaan masuk yang gagal" in text(locked)
    assert not signed_in(client)


def test_sign_up_is_closed(client: Client, db: None) -> None:
    page = client.get("/akun/signup/")
    assert "pendaftaran saat ini ditutup" in text(page)
    assert 'name="password1"' not in text(page)
    client.post(
        "/akun/signup/", {"username": "penyusup", "password1": "x-Y-z-123456", "password2": ""}
    )
    assert not User.objects.filter(username="penyusup").exists()
    # Nor a self-service password reset or e-mail change: the admin keeps the accounts.
    for path in ("/akun/password/reset/", "/akun/email/", "/akun/password/change/"):
        assert client.get(path).status_code == 404, path


# --- not covered on purpose -------------------------------------------------------------------


def test_api_tokens_work_without_a_session(client: Client, new_kabid: User) -> None:
    token = ApiToken.objects.issue(new_kabid)
    me = Client().get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200


def test_check_code_takes_an_app_code_or_a_recovery_code_once(office: Office) -> None:
    kasi = office["kasi"]
    assert not check_code(kasi, "000000")
    assert check_code(kasi, next(candidate_codes()))
    spare = recovery_codes(kasi)[0]
    assert check_code(kasi, spare)
    assert not check_code(kasi, spare)


# --- the pages --------------------------------------------------------------------------------

EXECUTABLE_INLINE_SCRIPT = re.compile(
    r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.IGNORECASE
)
STYLE_ATTRIBUTE = re.compile(r"\sstyle\s*=", re.IGNORECASE)
SCRIPT_SRC = re.compile(r'<script[^>]*\bsrc="/static/([^"]+)"')


def test_the_pages_keep_to_the_csp_and_speak_indonesian(
    client: Client, office: Office, new_kabid: User
) -> None:
    pages = [client.get(reverse("login"))]
    password_step(client, "kabid")
    pages.append(client.get(SECOND_STEP))
    assert answer_second_step(client) is not None
    pages.append(client.get(reverse("mfa_index")))
    pages.append(client.get(reverse("mfa_view_recovery_codes")))
    pages.append(client.get(reverse("mfa_add_webauthn")))
    pages.append(client.get(reverse("account_reauthenticate")))
    other = Client()
    password_step(other, "kabid_baru")
    pages.append(other.get(SETUP))
    for response in pages:
        html = text(response)
        assert response.status_code == 200, html
        assert not EXECUTABLE_INLINE_SCRIPT.search(html), html
        assert not STYLE_ATTRIBUTE.search(html), html
        assert '<html lang="id">' in html
        assert "Keluar" in html or "Masuk" in html
        for script in SCRIPT_SRC.findall(html):
            assert finders.find(script), script  # allauth's WebAuthn scripts are static files
    assert "Autentikasi Dua Faktor" in text(pages[1])
    assert "kode pemulihan" in text(pages[1])


# --- the demo office --------------------------------------------------------------------------


def test_seed_demo_enrols_the_heads_and_demo_totp_prints_their_code(db: None) -> None:
    call_command("seed_demo", stdout=StringIO())
    enrolled = set(
        Authenticator.objects.filter(type=Authenticator.Type.TOTP).values_list(
            "user__username", flat=True
        )
    )
    assert enrolled == {"kabid", "kasi", "admin"}
    out = StringIO()
    call_command("demo_totp", "kasi", stdout=out)
    assert out.getvalue().strip() in set(candidate_codes(DEMO_TOTP_SECRET))
    with pytest.raises(CommandError):
        call_command("demo_totp", "operator1", stdout=StringIO())


def test_demo_totp_prints_nothing_for_a_real_secret(new_kabid: User) -> None:
    from accounts.mfa import enrol_totp

    enrol_totp(new_kabid, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    with pytest.raises(CommandError):
        call_command("demo_totp", "kabid_baru", stdout=StringIO())


def test_behind_nginx_failures_count_per_client_not_per_proxy(
    client: Client, office: Office, settings: Any
) -> None:
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    settings.LOGIN_ADDRESS_LIMIT = 3
    for _attempt in range(3):
        client.post(
            reverse("login"),
            {"login": f"tebak{_attempt}", "password": "salah"},
            headers={"X-Forwarded-For": "203.0.113.9"},
        )
    blocked = client.post(
        reverse("login"),
        {"login": "operator1", "password": PASSWORD},
        headers={"X-Forwarded-For": "203.0.113.9"},
    )
    assert blocked.status_code == 429
    colleague = Client().post(
        reverse("login"),
        {"login": "operator1", "password": PASSWORD},
        headers={"X-Forwarded-For": "198.51.100.4"},
    )
    assert colleague.status_code == 302
