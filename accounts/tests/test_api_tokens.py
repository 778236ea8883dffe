"""Finding 7 of issue 13 (tokens): a user lists and revokes their API tokens (API and profile
page), an administrator lists and revokes anybody's, and a new password or a deactivated
account revokes them all."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import ApiToken, User
from accounts.testing import issue_api_token

Office = dict[str, User]
API = "/api/v1"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", "Accept-Language": "en"}


def works(token: str) -> bool:
    return Client().get(f"{API}/me", headers=bearer(token)).status_code == 200


def token_from(username: str, program: str) -> str:
    client = Client(HTTP_USER_AGENT=program, REMOTE_ADDR="198.51.100.7")
    return issue_api_token(client, username)


@pytest.fixture
def admin_client(office: Office) -> Client:
    admin = office["admin"]
    admin.is_staff = admin.is_superuser = True
    admin.save()
    client = Client()
    client.force_login(admin)
    return client


class FormFields(HTMLParser):
    """The values a browser would send for the form with the given id."""

    def __init__(self, form_id: str) -> None:
        super().__init__()
        self.form_id = form_id
        self.values: dict[str, Any] = {}
        self.in_form = False
        self.select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and a.get("id") == self.form_id:
            self.in_form = True
        if not self.in_form:
            return
        name = a.get("name")
        if tag == "input" and name and a.get("type") not in ("submit", "button", "file"):
            if a.get("type") in ("checkbox", "radio"):
                if "checked" in a:
                    self.values.setdefault(name, []).append(a.get("value", "on"))
            else:
                self.values[name] = a.get("value", "")
        elif tag == "select" and name:
            self.select = name
            self.values.setdefault(name, [])
        elif tag == "option" and self.select and "selected" in a:
            self.values[self.select].append(a.get("value", ""))
        elif tag == "textarea" and name:
            self.values[name] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.in_form = False
        if tag == "select":
            self.select = None


def posted_form(html: str, form_id: str = "user_form") -> dict[str, Any]:
    parser = FormFields(form_id)
    parser.feed(html)
    return parser.values


# --- the user, over the API -------------------------------------------------------------------


def test_i_list_my_tokens_and_see_which_one_this_call_uses(office: Office) -> None:
    laptop = token_from("operator1", "curl/8.5.0")
    script = token_from("operator1", "python-httpx/0.28")
    token_from("kasi", "curl/8.5.0")

    listed = Client().get(f"{API}/auth/tokens", headers=bearer(laptop))

    assert listed.status_code == 200
    tokens = listed.json()
    assert [t["ends_with"] for t in tokens] == [script[-4:], laptop[-4:]]  # newest first
    assert [t["current"] for t in tokens] == [False, True]
    assert [t["program"] for t in tokens] == ["python-httpx/0.28", "curl/8.5.0"]
    assert {t["issued_to_address"] for t in tokens} == {"198.51.100.7"}
    assert all(t["expires_at"] > t["issued_at"] for t in tokens)
    assert tokens[1]["last_used_at"] is not None  # the call itself used it
    assert laptop not in listed.content.decode() and script not in listed.content.decode()


def test_i_revoke_one_token_and_only_that_one_stops_working(office: Office) -> None:
    laptop = token_from("operator1", "curl")
    lost_phone = token_from("operator1", "okhttp")
    code = Client().get(f"{API}/auth/tokens", headers=bearer(laptop)).json()[0]["code"]

    revoked = Client().delete(f"{API}/auth/tokens/{code}", headers=bearer(laptop))

    assert revoked.status_code == 204
    assert not works(lost_phone)
    assert works(laptop)
    mine = Client().get(f"{API}/auth/tokens", headers=bearer(laptop)).json()
    assert [t["ends_with"] for t in mine] == [laptop[-4:]]


def test_revoking_the_token_in_use_ends_it_too(office: Office) -> None:
    token = token_from("kasi", "curl")
    code = Client().get(f"{API}/auth/tokens", headers=bearer(token)).json()[0]["code"]

    assert Client().delete(f"{API}/auth/tokens/{code}", headers=bearer(token)).status_code == 204
    assert Client().get(f"{API}/auth/tokens", headers=bearer(token)).status_code == 401


@pytest.mark.parametrize("code", ["someone-elses", "0123456789ab"])
def test_i_cannot_revoke_a_token_that_is_not_mine(office: Office, code: str) -> None:
    theirs = token_from("kasi", "curl")
    mine = token_from("operator1", "curl")
    if code == "someone-elses":
        code = ApiToken.objects.get(user=office["kasi"]).code

    response = Client().delete(f"{API}/auth/tokens/{code}", headers=bearer(mine))

    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}
    assert works(theirs)


def test_a_token_code_with_a_nul_byte_is_refused_and_revokes_nothing(office: Office) -> None:
    theirs = token_from("kasi", "curl")
    mine = token_from("operator1", "curl")

    response = Client().delete(f"{API}/auth/tokens/zz\x00zz", headers=bearer(mine))

    assert response.status_code == 400
    assert works(theirs) and works(mine)


def test_the_token_list_needs_a_token(office: Office) -> None:
    assert Client().get(f"{API}/auth/tokens").status_code == 401


# --- a new password, a deactivated account ----------------------------------------------------


def test_a_new_password_set_in_the_admin_revokes_every_token(
    office: Office, admin_client: Client
) -> None:
    kasi = office["kasi"]
    tokens = [token_from("kasi", "curl"), token_from("kasi", "okhttp")]
    other = token_from("operator1", "curl")

    new = "sandi-baru-2026!"
    response = admin_client.post(
        f"/admin/accounts/user/{kasi.pk}/password/",
        {"usable_password": "true", "password1": new, "password2": new},
    )

    assert response.status_code == 302, response.content.decode()[:500]
    assert not any(works(t) for t in tokens)
    assert works(other)
    assert not ApiToken.objects.filter(user=kasi).exists()


def test_a_password_changed_anywhere_revokes_the_tokens(office: Office) -> None:
    token = token_from("operator1", "curl")
    user = User.objects.get(username="operator1")
    user.set_password("sandi-lain-2026!")
    user.save()
    assert not works(token)


def test_an_admin_deactivating_a_user_revokes_their_tokens(
    office: Office, admin_client: Client
) -> None:
    operator = office["operator2"]
    token = token_from("operator2", "curl")
    page = admin_client.get(f"/admin/accounts/user/{operator.pk}/change/")
    data = posted_form(page.content.decode())
    assert data["username"] == "operator2"
    data.pop("is_active", None)  # the box unticked

    response = admin_client.post(f"/admin/accounts/user/{operator.pk}/change/", data)

    assert response.status_code == 302, response.content.decode()[:1000]
    assert not User.objects.get(pk=operator.pk).is_active
    assert not ApiToken.objects.filter(user=operator).exists()
    operator.is_active = True
    operator.save()
    assert not works(token)  # active again, the old token stays revoked


def test_saving_a_user_without_changes_keeps_their_tokens(office: Office) -> None:
    token = token_from("operator1", "curl")
    user = User.objects.get(username="operator1")
    user.first_name = "Sari"
    user.save()
    assert works(token)


# --- the administrator ------------------------------------------------------------------------


def test_an_admin_lists_every_token_and_revokes_some(
    office: Office, admin_client: Client, caplog: pytest.LogCaptureFixture
) -> None:
    kasi, operator = token_from("kasi", "curl"), token_from("operator1", "okhttp")

    listing = admin_client.get("/admin/accounts/apitoken/")

    assert listing.status_code == 200
    html = listing.content.decode()
    assert f"…{kasi[-4:]}" in html and f"…{operator[-4:]}" in html
    assert kasi not in html and operator not in html
    chosen = ApiToken.objects.get(user=office["kasi"])
    caplog.set_level("INFO", logger="warta.security")
    response = admin_client.post(
        "/admin/accounts/apitoken/",
        {"action": "delete_selected", "_selected_action": [chosen.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert not works(kasi)
    assert works(operator)
    assert f"API token …{kasi[-4:]} of 'kasi' revoked by 'admin'" in caplog.text


def test_an_admin_revokes_a_token_from_the_users_page(office: Office, admin_client: Client) -> None:
    operator = office["operator1"]
    token = token_from("operator1", "curl")
    page = admin_client.get(f"/admin/accounts/user/{operator.pk}/change/")
    assert token[-4:] in page.content.decode()  # the "ends with" column
    data = posted_form(page.content.decode())
    assert data["api_tokens-TOTAL_FORMS"] == "1"
    data["api_tokens-0-DELETE"] = "on"

    response = admin_client.post(f"/admin/accounts/user/{operator.pk}/change/", data)

    assert response.status_code == 302, response.content.decode()[:1000]
    assert not works(token)
    assert User.objects.get(pk=operator.pk).is_active


# --- the profile page -------------------------------------------------------------------------


def test_the_profile_page_lists_my_tokens_and_revokes_one(office: Office) -> None:
    token = token_from("operator1", "python-httpx/0.28")
    theirs = token_from("kasi", "curl")
    browser = Client()
    browser.force_login(office["operator1"])

    page = browser.get(reverse("profile"))

    html = page.content.decode()
    assert "Token API" in html and f"…{token[-4:]}" in html and "python-httpx/0.28" in html
    assert f"…{theirs[-4:]}" not in html
    code = ApiToken.objects.get(user=office["operator1"]).code
    revoked = browser.post(reverse("revoke_api_token", args=[code]), follow=True)
    assert "Token API telah dicabut." in revoked.content.decode()
    assert "Anda tidak memiliki token API." in revoked.content.decode()
    assert not works(token)
    other = ApiToken.objects.get(user=office["kasi"]).code
    assert browser.post(reverse("revoke_api_token", args=[other])).status_code == 404
    assert works(theirs)
    assert browser.get(reverse("revoke_api_token", args=[other])).status_code == 405
