"""Two-step sign-in on a phone: a new Kabid sets up the authenticator app (QR code and secret on
one 360 px screen), a Kabid with the app gives the code; allauth's pages keep to the CSP."""

from __future__ import annotations

from typing import Any

import pytest
from allauth.mfa.models import Authenticator
from playwright.sync_api import expect

from accounts.demo import DEMO_TOTP_SECRET
from accounts.mfa import has_second_factor, totp_code
from accounts.models import Role, User
from accounts.testing import PASSWORD, answer_second_step_in_browser

pytestmark = [pytest.mark.e2e]


def password_step(page: Any, username: str) -> None:
    page.goto("/masuk/")
    page.get_by_label("Nama pengguna").fill(username)
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk", exact=True).click()


def fits_the_phone(page: Any) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_a_new_kabid_sets_up_the_app_on_a_phone(
    transactional_db: None, phone: Any, screenshot: Any, console_errors: list[str]
) -> None:
    kabid = User.objects.create_user("kabid_baru", password=PASSWORD, role=Role.KABID)
    page = phone()
    password_step(page, "kabid_baru")

    expect(page.get_by_role("heading", name="Aktifkan Aplikasi Autentikator")).to_be_visible()
    expect(page.get_by_text("Peran Anda mewajibkan masuk dua langkah")).to_be_visible()
    expect(page.locator("img.mfa-qr")).to_be_visible()
    fits_the_phone(page)
    screenshot(page, "mfa-01-setup")
    page.get_by_role("link", name="Tugas saya").click()  # not yet: back to the setup page
    expect(page.get_by_role("heading", name="Aktifkan Aplikasi Autentikator")).to_be_visible()

    secret = page.locator("#authenticator_secret").input_value()
    page.get_by_label("Kode autentikator").fill(totp_code(secret))
    page.get_by_role("button", name="Aktifkan").click()

    expect(page.get_by_role("heading", name="Kode Pemulihan")).to_be_visible()
    fits_the_phone(page)
    screenshot(page, "mfa-02-recovery-codes")
    assert has_second_factor(kabid)
    page.goto("/")
    expect(page.get_by_role("heading", name="Tugas saya")).to_be_visible()
    assert console_errors == []


def test_a_kabid_gives_the_code_on_a_phone(
    transactional_db: None,
    office: dict[str, User],
    phone: Any,
    screenshot: Any,
    console_errors: list[str],
) -> None:
    page = phone()
    password_step(page, "kabid")

    expect(page.get_by_role("heading", name="Autentikasi Dua Faktor")).to_be_visible()
    # allauth's WebAuthn script is a static file that ran under the CSP.
    page.wait_for_function("() => window.allauth && window.allauth.webauthn")
    fits_the_phone(page)
    screenshot(page, "mfa-03-second-step")
    page.get_by_label("Kode").fill("000000")
    page.get_by_role("button", name="Masuk", exact=True).click()
    expect(page.get_by_text("Kode salah.")).to_be_visible()

    page.get_by_label("Kode").fill(totp_code(DEMO_TOTP_SECRET))
    page.get_by_role("button", name="Masuk", exact=True).click()
    expect(page.get_by_role("heading", name="Tugas saya")).to_be_visible()
    assert console_errors == []


def test_a_kasi_adds_a_security_key_and_signs_in_with_it(
    transactional_db: None,
    office: dict[str, User],
    phone: Any,
    screenshot: Any,
    console_errors: list[str],
) -> None:
    """WebAuthn against Chromium's virtual authenticator (a passkey on the phone): allauth's
    static scripts create and use the credential under the CSP, over http://localhost."""
    page = phone()
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
            }
        },
    )
    password_step(page, "kasi")
    answer_second_step_in_browser(page)
    page.goto("/akun/2fa/webauthn/add/")
    expect(page.get_by_role("heading", name="Tambahkan Kunci Keamanan")).to_be_visible()
    fits_the_phone(page)
    screenshot(page, "mfa-04-add-security-key")
    page.get_by_label("Nama kunci").fill("Ponsel kantor")
    page.get_by_role("button", name="Tambah").click()
    page.wait_for_url(lambda url: "/webauthn/add/" not in url)
    kasi = office["kasi"]
    assert Authenticator.objects.filter(user=kasi, type=Authenticator.Type.WEBAUTHN).exists()

    page.get_by_role("button", name="Keluar").first.click()
    password_step(page, "kasi")
    expect(page.get_by_role("heading", name="Autentikasi Dua Faktor")).to_be_visible()
    page.get_by_role("button", name="Gunakan kunci keamanan").click()
    expect(page.get_by_role("heading", name="Tugas saya")).to_be_visible()
    assert console_errors == []
