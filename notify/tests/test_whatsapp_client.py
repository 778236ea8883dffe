"""The client against the fake platform: templates, the 24-hour window, throughput, tokens;
through the channels' HTTP client, on the Graph version the channels use."""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.utils import translation

from notify.base import NotifyError
from notify.whatsapp import config
from notify.whatsapp.client import WhatsAppClient
from notify.whatsapp.fake import FakeWhatsApp

pytestmark = pytest.mark.django_db
TO = "6281234567890"


def client() -> WhatsAppClient:
    return WhatsAppClient(config.current())


def test_it_sends_a_template_with_variables_and_buttons(fake_whatsapp: FakeWhatsApp) -> None:
    wamid = client().send_template(
        TO, "warta_keputusan", ["3 · Koreksi", "Judul", "Sari", "7 menit", "http://x/"], ["a", "b"]
    )
    assert wamid.startswith("wamid.")
    (body,) = fake_whatsapp.sent()
    assert body["template"]["name"] == "warta_keputusan"
    assert body["template"]["language"] == {"code": "id"}
    buttons = [c for c in body["template"]["components"] if c["type"] == "button"]
    assert [b["parameters"][0]["payload"] for b in buttons] == ["a", "b"]
    assert fake_whatsapp.requests[0].headers["Authorization"] == f"Bearer {fake_whatsapp.token}"


def test_it_cannot_send_free_text_outside_the_24_hour_window(fake_whatsapp: FakeWhatsApp) -> None:
    with pytest.raises(NotifyError) as raised, translation.override("id"):
        client().send_text(TO, "Halo")
    assert raised.value.code == 131047
    assert raised.value.permanent
    assert "dalam 24 jam sejak pesan terakhir" in raised.value.message
    assert fake_whatsapp.sent() == []


def test_it_sends_free_text_inside_the_window(fake_whatsapp: FakeWhatsApp) -> None:
    fake_whatsapp.open_window(TO)
    assert client().send_text(TO, "Halo").startswith("wamid.")


def test_it_refuses_a_template_with_the_wrong_number_of_variables(
    fake_whatsapp: FakeWhatsApp,
) -> None:
    with pytest.raises(NotifyError) as raised:
        client().send_template(TO, "warta_tugas", ["only one"])
    assert raised.value.code == 132000


def test_a_rate_limit_is_left_to_the_job_not_slept_on(
    fake_whatsapp: FakeWhatsApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_sleeping(seconds: float) -> None:
        raise AssertionError(f"slept {seconds} s in the request path")

    monkeypatch.setattr(time, "sleep", no_sleeping)
    fake_whatsapp.fail_next(130429, times=1)
    with pytest.raises(NotifyError) as raised, translation.override("id"):
        client().send_template(TO, "warta_pemberitahuan", ["Halo"])
    assert raised.value.code == 130429
    assert not raised.value.permanent
    assert "Batas laju WhatsApp tercapai" in raised.value.message
    assert [r.status for r in fake_whatsapp.requests] == [429]  # tried once, not again here
    # The delivery's job sends it again later (notify.tasks); then it goes through.
    assert client().send_template(TO, "warta_pemberitahuan", ["Halo"]).startswith("wamid.")


def test_it_calls_the_graph_version_the_channels_use(
    fake_whatsapp: FakeWhatsApp, settings: Any
) -> None:
    client().send_template(TO, "warta_pemberitahuan", ["Halo"])
    settings.WARTA_GRAPH_API_VERSION = "v26.0"
    client().send_template(TO, "warta_pemberitahuan", ["Halo"])
    # A base written with a version, as the settings once were: the one setting still decides.
    settings.WHATSAPP_API_BASE = f"{fake_whatsapp.url}/v21.0"
    client().send_template(TO, "warta_pemberitahuan", ["Halo"])

    paths = [r.path for r in fake_whatsapp.requests]
    number = fake_whatsapp.phone_number_id
    assert paths == [f"/v25.0/{number}/messages", *[f"/v26.0/{number}/messages"] * 2]


def test_it_does_not_reach_an_internal_address_unless_allowed(
    fake_whatsapp: FakeWhatsApp, settings: Any
) -> None:
    settings.WARTA_ALLOW_PRIVATE_URLS = False
    with pytest.raises(NotifyError) as raised, translation.override("id"):
        client().send_template(TO, "warta_pemberitahuan", ["Halo"])
    assert raised.value.permanent
    assert "mengarah ke jaringan internal" in raised.value.message
    assert fake_whatsapp.requests == []


def test_it_explains_a_refused_token(fake_whatsapp: FakeWhatsApp, settings: Any) -> None:
    settings.WHATSAPP_TOKEN = "expired"
    with pytest.raises(NotifyError) as raised, translation.override("id"):
        client().send_template(TO, "warta_pemberitahuan", ["Halo"])
    assert raised.value.code == 190
    assert raised.value.permanent
    assert "memasukkan token baru" in raised.value.message


def test_it_treats_an_unreachable_platform_as_transient(settings: Any) -> None:
    settings.WARTA_ALLOW_PRIVATE_URLS = True
    settings.WHATSAPP_API_BASE = "http://127.0.0.1:9"
    settings.WHATSAPP_PHONE_NUMBER_ID = "1"
    settings.WHATSAPP_TOKEN = "t"
    with pytest.raises(NotifyError) as raised:
        client().send_text(TO, "Halo")
    assert not raised.value.permanent
