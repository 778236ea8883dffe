"""The item page shows, per channel, the text and the image crops that will be posted."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from channels.tests.helpers import ready_item
from newsroom.views import ChannelPreview

pytestmark = pytest.mark.django_db


def test_each_channel_previews_the_crop_it_will_send(
    office: dict[str, User],
    assignment_data: dict[str, Any],
    client: Client,
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):  # the worker makes the renditions
        item = ready_item(office, assignment_data, ["instagram", "facebook", "x"], images=1)
    client.force_login(office["operator1"])

    page = client.get(reverse("item", args=[item.code])).content.decode()

    shown = re.findall(r'<img src="(/gambar/[^"]+)" width="(\d+)" height="(\d+)"', page)
    sizes = {(int(w), int(h)) for _url, w, h in shown}
    assert (1200, 630) in sizes and (1600, 900) in sizes  # Facebook, X
    assert sizes & {(1080, 1350), (1080, 1080)}  # Instagram: 4:5 or square
    for url, _w, _h in shown:  # the staff member's browser can load every crop
        assert client.get(url).status_code == 200


def test_the_part_a_channel_cuts_off_is_marked() -> None:
    preview = ChannelPreview("X", "Sebelum potongan|sesudahnya", 16, [], [])

    assert (preview.kept, preview.cut) == ("Sebelum potongan", "|sesudahnya")
    whole = ChannelPreview("Website", "Semua teks", None, [], [])
    assert (whole.kept, whole.cut) == ("Semua teks", "")
