"""The publishing calendar: scheduled and posted publications per day and channel."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from accounts.models import User
from channels.models import Publication
from channels.tests.helpers import post, ready_item

pytestmark = pytest.mark.django_db

Office = dict[str, User]


@pytest.fixture(autouse=True)
def _plain_static(settings: Any) -> None:
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


def test_it_sends_anonymous_visitors_to_the_login_page(client: Client) -> None:
    response = client.get("/kalender/")
    assert response.status_code == 302 and "/kalender/" in response["Location"]


def test_it_refuses_to_be_posted_to(client: Client, office: Office) -> None:
    client.force_login(office["operator1"])
    assert client.post("/kalender/").status_code == 405


def test_it_shows_posted_and_scheduled_publications_on_their_day(
    client: Client, office: Office, assignment_data: dict[str, Any],
    django_capture_on_commit_callbacks: Any,
) -> None:  # fmt: skip
    posted_item = ready_item(office, assignment_data, ["website"], title="Jembatan Diresmikan")
    [posted] = post(office, posted_item, django_capture_on_commit_callbacks)
    zone = timezone.get_current_timezone()
    Publication.objects.filter(pk=posted.pk).update(
        posted_at=datetime(2026, 3, 10, 9, 15, tzinfo=zone)
    )
    waiting = Publication.objects.create(
        item=posted_item, version=posted.version, channel="x",
        scheduled_at=datetime(2026, 3, 21, 14, 30, tzinfo=zone),
    )  # fmt: skip
    client.force_login(office["operator2"])
    response = client.get("/kalender/", {"month": "2026-03"}, headers={"Accept-Language": "en"})
    assert response.status_code == 200
    days = {d.date.day: d for w in response.context["weeks"] for d in w if d.in_month}
    assert [e.publication.pk for e in days[10].entries] == [posted.pk]
    assert [(e.publication.pk, e.scheduled) for e in days[21].entries] == [(waiting.pk, True)]
    assert not any(days[d].entries for d in days if d not in (10, 21))
    html = response.content.decode()
    assert "Jembatan Diresmikan" in html and "09:15" in html and "14:30" in html
    assert "(scheduled)" in html and "posted" in html and "queued" in html
    assert "<script" not in html.split("</head>")[1] and "style=" not in html
    # The other month is empty; an unreadable month falls back to this one.
    april = client.get("/kalender/", {"month": "2026-04"})
    assert "Jembatan Diresmikan" not in april.content.decode()
    assert client.get("/kalender/", {"month": "maret"}).status_code == 200
