"""The bell, the notification list, the profile page and PATCH /api/v1/me."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from accounts.models import ApiToken, User
from notify.models import Notification, NotifyProfile

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def static_without_manifest(settings: Any) -> None:
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def kasi(client: Client, office: dict[str, User]) -> User:
    client.force_login(office["kasi"])
    return office["kasi"]


def notice(user: User, title: str = "Langkah 2", read: bool = False) -> Notification:
    from lib import clock

    return Notification.objects.create(
        user=user,
        kind="task",
        title=title,
        detail="Detail",
        link="/item/abc/",
        read_at=clock.now() if read else None,
    )


def test_the_bell_counts_my_unread_notifications(
    client: Client, kasi: User, office: dict[str, User]
) -> None:
    notice(kasi)
    notice(kasi)
    notice(kasi, read=True)
    notice(office["kabid"])
    response = client.get("/notifikasi/bell/")
    assert response.status_code == 200
    assert b">2<" in response.content
    assert response["Cache-Control"] == "no-store"


def test_the_bell_is_empty_without_unread(client: Client, kasi: User) -> None:
    assert client.get("/notifikasi/bell/").content.strip() == b""


def test_the_header_polls_the_bell(client: Client, kasi: User) -> None:
    page = client.get("/notifikasi/").content.decode()
    assert 'hx-get="/notifikasi/bell/"' in page
    assert "every 30s" in page
    assert "style=" not in page


def test_the_list_shows_only_mine(client: Client, kasi: User, office: dict[str, User]) -> None:
    notice(kasi, "Untuk Kasi")
    notice(office["kabid"], "Untuk Kabid")
    page = client.get("/notifikasi/").content.decode()
    assert "Untuk Kasi" in page
    assert "Untuk Kabid" not in page


def test_opening_a_notification_marks_it_read(client: Client, kasi: User) -> None:
    mine = notice(kasi)
    response = client.post("/notifikasi/baca/", {"id": mine.pk, "next": mine.link})
    assert response.status_code == 302
    assert response["Location"] == "/item/abc/"
    mine.refresh_from_db()
    assert mine.read_at is not None


def test_i_cannot_mark_someone_elses_notification(
    client: Client, kasi: User, office: dict[str, User]
) -> None:
    theirs = notice(office["kabid"])
    client.post("/notifikasi/baca/", {"id": theirs.pk})
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_mark_all_read_and_no_open_redirect(client: Client, kasi: User) -> None:
    notice(kasi)
    notice(kasi)
    response = client.post("/notifikasi/baca/", {"next": "https://evil.example/"})
    assert response["Location"] == "/notifikasi/"
    assert not Notification.objects.filter(read_at__isnull=True).exists()


def test_mark_read_needs_post(client: Client, kasi: User) -> None:
    assert client.get("/notifikasi/baca/").status_code == 405


def test_pages_need_sign_in(client: Client, db: None) -> None:
    for url in ("/notifikasi/", "/notifikasi/bell/", "/profil/"):
        assert client.get(url).status_code == 302


def test_the_profile_saves_a_normalised_number_and_preferences(client: Client, kasi: User) -> None:
    response = client.post("/profil/", {"whatsapp": "0812-3456-7890", "prefer_whatsapp": "on"})
    assert response.status_code == 302
    profile = NotifyProfile.objects.get(user=kasi)
    assert profile.whatsapp == "6281234567890"
    assert profile.wants("whatsapp") and not profile.wants("email")


def test_the_profile_refuses_a_bad_number_in_indonesian(client: Client, kasi: User) -> None:
    response = client.post(
        "/profil/", {"whatsapp": "021-555-1234"}, headers={"Accept-Language": "id"}
    )
    assert response.status_code == 400
    assert "nomor" in response.content.decode().lower()
    assert not NotifyProfile.objects.filter(user=kasi).exclude(whatsapp="").exists()


def test_a_number_belongs_to_one_person(
    client: Client, kasi: User, office: dict[str, User]
) -> None:
    NotifyProfile.objects.create(user=office["kabid"], whatsapp="6281234567890")
    response = client.post("/profil/", {"whatsapp": "+62 812 3456 7890"})
    assert response.status_code == 400


def test_patch_me_sets_the_whatsapp_number(client: Client, office: dict[str, User]) -> None:
    token = ApiToken.objects.issue(office["operator1"])
    response = client.patch(
        "/api/v1/me",
        {"whatsapp": "+62 812-3456-7890"},
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}", "Accept-Language": "en"},
    )
    assert response.status_code == 200, response.content
    assert response.json()["whatsapp"] == "6281234567890"
    assert response.json()["username"] == "operator1"
    assert NotifyProfile.objects.get(user=office["operator1"]).whatsapp == "6281234567890"


def test_patch_me_refuses_an_invalid_number_with_400(
    client: Client, office: dict[str, User]
) -> None:
    token = ApiToken.objects.issue(office["operator1"])
    response = client.patch(
        "/api/v1/me",
        {"whatsapp": "12345"},
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}", "Accept-Language": "en"},
    )
    assert response.status_code == 400
    assert "whatsapp" in response.json()["errors"]


def test_patch_me_needs_a_token(client: Client, db: None) -> None:
    response = client.patch("/api/v1/me", {"whatsapp": "0812"}, content_type="application/json")
    assert response.status_code == 401
