"""Choosing the time to post in the UI: at hand-over (step 6) and at posting (step 7)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from accounts.models import User
from channels.models import Publication
from channels.tests.helpers import ready_item
from lib import clock
from newsroom.models import Item
from newsroom.tests.helpers import walk_to

pytestmark = pytest.mark.django_db

Office = dict[str, User]
JAKARTA = ZoneInfo("Asia/Jakarta")


@pytest.fixture(autouse=True)
def _plain_static(settings: Any) -> None:
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


def local_input(at: datetime) -> str:
    """What a person types into <input type="datetime-local">: Jakarta wall-clock time."""
    return at.astimezone(JAKARTA).strftime("%Y-%m-%dT%H:%M")


def in_two_days() -> datetime:
    return (clock.now() + timedelta(days=2)).astimezone(JAKARTA).replace(second=0, microsecond=0)


def test_the_kasi_chooses_the_time_at_handover_and_it_shows_on_the_item_and_calendar(
    client: Client, office: Office, assignment_data: dict[str, Any]
) -> None:
    item = walk_to(office, assignment_data, "handover")
    when = in_two_days()
    client.force_login(office["kasi"])
    page = client.get(f"/item/{item.code}/").content.decode()
    assert 'type="datetime-local" name="at"' in page
    response = client.post(
        f"/item/{item.code}/handover/", {"note": "", "at": local_input(when)}, follow=True
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "Diserahkan kepada operator, untuk diposting pada" in text
    item.refresh_from_db()
    assert item.scheduled_at == when  # the typed time was read as Jakarta time
    assert 'id="scheduled-at"' in text
    # The operator's posting form starts with that time.
    client.force_login(office["operator1"])
    page = client.get(f"/item/{item.code}/").content.decode()
    assert f'value="{local_input(when)}"' in page
    assert 'id="scheduled-at-handover"' in page
    calendar = client.get("/kalender/", {"month": when.strftime("%Y-%m")}).content.decode()
    assert "direncanakan saat serah terima" in calendar and item.title in calendar


def test_a_past_time_at_handover_is_refused_and_nothing_changes(
    client: Client, office: Office, assignment_data: dict[str, Any]
) -> None:
    item = walk_to(office, assignment_data, "handover")
    client.force_login(office["kasi"])
    past = clock.now() - timedelta(hours=1)
    response = client.post(f"/item/{item.code}/handover/", {"at": local_input(past)})
    assert response.status_code == 400
    assert "Pilih waktu di masa mendatang." in response.content.decode()
    item.refresh_from_db()
    assert item.open_run() is not None and item.open_run().action == "handover"  # type: ignore[union-attr]
    assert item.scheduled_at is None
    garbage = client.post(f"/item/{item.code}/handover/", {"at": "besok pagi"})
    assert garbage.status_code == 400
    assert "Masukkan tanggal/waktu yang valid." in garbage.content.decode()


def test_the_operator_schedules_at_posting_and_every_channel_waits(
    client: Client, office: Office, assignment_data: dict[str, Any]
) -> None:
    item = ready_item(office, assignment_data, ["website"])
    when = in_two_days()
    client.force_login(office["operator1"])
    response = client.post(
        f"/item/{item.code}/post/",
        {"channels": ["website"], "at": local_input(when)},
        follow=True,
    )
    assert response.status_code == 200
    assert "Terjadwal: semua kanal memposting pada" in response.content.decode()
    [row] = Publication.objects.filter(item=item)
    assert (row.state, row.scheduled_at) == ("queued", when)
    calendar = client.get("/kalender/", {"month": when.strftime("%Y-%m")}).content.decode()
    assert "terjadwal" in calendar and item.title in calendar


def test_a_past_time_at_posting_is_refused_and_nothing_is_posted(
    client: Client, office: Office, assignment_data: dict[str, Any]
) -> None:
    item = ready_item(office, assignment_data, ["website"])
    client.force_login(office["operator1"])
    past = clock.now() - timedelta(minutes=5)
    response = client.post(
        f"/item/{item.code}/post/", {"channels": ["website"], "at": local_input(past)}
    )
    assert response.status_code == 400
    assert "Pilih waktu di masa mendatang." in response.content.decode()
    assert not Publication.objects.filter(item=item).exists()
    far = clock.now() + timedelta(days=40)
    response = client.post(
        f"/item/{item.code}/post/", {"channels": ["website"], "at": local_input(far)}
    )
    assert response.status_code == 400
    assert "Paling lama 30 hari ke depan." in response.content.decode()
    assert Item.objects.get(pk=item.pk).open_run().action == "post"  # type: ignore[union-attr]
