"""Every hand-over notifies the next actor (and their Plt/Plh) once, through each notifier."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.utils import translation

from accounts.models import Delegation, User
from lib import clock
from newsroom import actions
from newsroom.actions import Assignment
from newsroom.models import AuditEntry
from notify import dispatch
from notify.models import Delivery, Notification, WhatsAppConfig
from notify.tests.conftest import NUMBERS
from notify.whatsapp.fake import FakeWhatsApp

pytestmark = pytest.mark.django_db


@pytest.fixture
def assign(
    people: dict[str, User],
    assignment_data: dict[str, Any],
    django_capture_on_commit_callbacks: Any,
) -> Any:
    def run() -> Any:
        with django_capture_on_commit_callbacks(execute=True):
            return actions.assign(people["kabid"], Assignment(**assignment_data))

    return run


def test_it_tells_the_kasi_of_a_new_assignment_in_app_by_email_and_whatsapp(
    fake_whatsapp: FakeWhatsApp, people: dict[str, User], assign: Any
) -> None:
    item = assign()
    rows = Delivery.objects.filter(user=people["kasi"])
    assert sorted((d.notifier, d.state) for d in rows) == [
        ("email", "sent"),
        ("inapp", "delivered"),
        ("whatsapp", "sent"),
    ]
    notice = Notification.objects.get(user=people["kasi"])
    assert item.title in notice.title
    assert notice.link.endswith(f"/item/{item.code}/")
    assert "Rina Kabid" in notice.detail
    assert mail.outbox[0].to == ["kasi@warta.test"]
    (sent,) = fake_whatsapp.sent()
    assert sent["to"] == NUMBERS["kasi"]
    assert sent["template"]["name"] == "warta_tugas"
    params = [p["text"] for p in sent["template"]["components"][0]["parameters"]]
    assert params[0].startswith("2 · ")
    assert params[1:4] == [item.title, "Rina Kabid", "5 menit"]
    # Nobody else heard of it, not even the Kabid who acted.
    assert not Delivery.objects.exclude(user=people["kasi"]).exists()


def test_it_puts_approve_and_return_buttons_on_a_decision(
    fake_whatsapp: FakeWhatsApp,
    people: dict[str, User],
    assign: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    item = assign()
    with django_capture_on_commit_callbacks(execute=True):
        actions.direct(people["kasi"], item, operator="operator1", direction="Sudut")
        version = actions.submit(people["operator1"], item, title="Judul", body="Isi berita.")
    sent = fake_whatsapp.sent()[-1]
    assert sent["to"] == NUMBERS["kasi"]
    assert sent["template"]["name"] == "warta_keputusan"
    payloads = [
        c["parameters"][0]["payload"]
        for c in sent["template"]["components"]
        if c["type"] == "button"
    ]
    assert payloads == [
        f"approve:review:{item.code}:{version.sha256[:12]}",
        f"return:review:{item.code}:{version.sha256[:12]}",
    ]


def test_approve_and_forward_notifies_the_kabid_once(
    fake_whatsapp: FakeWhatsApp,
    people: dict[str, User],
    assign: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    item = assign()
    with django_capture_on_commit_callbacks(execute=True):
        actions.direct(people["kasi"], item, operator="operator1", direction="Sudut")
        actions.submit(people["operator1"], item, title="Judul", body="Isi berita.")
        actions.review(people["kasi"], item, decision="approve", forward=True)
    assert Delivery.objects.filter(user=people["kabid"]).count() == 3
    assert Notification.objects.filter(user=people["kabid"]).count() == 1


def test_a_redelivered_signal_sends_nothing_twice(
    fake_whatsapp: FakeWhatsApp, people: dict[str, User], assign: Any
) -> None:
    assign()
    entry = AuditEntry.objects.get(action="assign")
    assert dispatch.notify_next_actor(entry) == 0
    assert Delivery.objects.count() == 3
    assert len(fake_whatsapp.sent()) == 1


def test_a_return_tells_the_operator_the_note(
    people: dict[str, User], assign: Any, django_capture_on_commit_callbacks: Any
) -> None:
    item = assign()
    with django_capture_on_commit_callbacks(execute=True):
        actions.direct(people["kasi"], item, operator="operator1", direction="Sudut")
    with django_capture_on_commit_callbacks(execute=True):
        actions.submit(people["operator1"], item, title="Judul", body="Isi berita.")
    with django_capture_on_commit_callbacks(execute=True):
        actions.review(people["kasi"], item, decision="return", note="Perbaiki judul.")
    notices = Notification.objects.filter(user=people["operator1"]).order_by("pk")
    assert notices.count() == 2
    assert "Perbaiki judul." in notices.last().detail  # type: ignore[union-attr]


def test_without_whatsapp_settings_nothing_goes_to_whatsapp(
    people: dict[str, User], assign: Any
) -> None:
    assign()
    assert not Delivery.objects.filter(notifier="whatsapp").exists()
    assert Delivery.objects.filter(user=people["kasi"]).count() == 2


def test_a_person_may_turn_email_off(people: dict[str, User], assign: Any) -> None:
    profile = people["kasi"].notify_profile
    profile.preferences = {"email": False}
    profile.save()
    assign()
    assert list(Delivery.objects.values_list("notifier", flat=True)) == ["inapp"]


def test_a_failed_whatsapp_delivery_falls_back_to_email_and_in_app(
    fake_whatsapp: FakeWhatsApp, people: dict[str, User], assign: Any
) -> None:
    profile = people["kasi"].notify_profile
    profile.preferences = {"email": False, "whatsapp": True}
    profile.save()
    fake_whatsapp.fail_next(131026)
    assign()
    whatsapp = Delivery.objects.get(notifier="whatsapp")
    assert whatsapp.state == Delivery.State.FAILED
    assert "131026" in whatsapp.reason
    # Email was off, so the fallback is the bell alone.
    assert list(Delivery.objects.exclude(pk=whatsapp.pk).values_list("notifier", flat=True)) == [
        "inapp"
    ]


def test_a_refused_token_fails_the_delivery_and_tells_the_admins(
    fake_whatsapp: FakeWhatsApp, people: dict[str, User], assign: Any, settings: Any
) -> None:
    settings.WHATSAPP_TOKEN = "expired"
    with translation.override("id"):  # the worker's language
        assign()
    whatsapp = Delivery.objects.get(notifier="whatsapp")
    assert whatsapp.state == Delivery.State.FAILED
    assert "190" in whatsapp.reason
    assert "190" in WhatsAppConfig.load().last_error
    alert = Notification.objects.get(user=people["admin"])
    assert "memasukkan token baru" in alert.detail
    # The Kasi still hears of the task.
    assert Notification.objects.filter(user=people["kasi"]).exists()


def test_a_transient_failure_stays_queued_for_a_retry(
    fake_whatsapp: FakeWhatsApp, people: dict[str, User], assign: Any
) -> None:
    # One try per attempt (no retries inside the call): the job tries again later.
    fake_whatsapp.fail_next(130429, times=1)
    with translation.override("id"):  # the worker's language
        assign()
    whatsapp = Delivery.objects.get(notifier="whatsapp")
    assert whatsapp.state == Delivery.State.QUEUED
    assert whatsapp.attempts == 1
    assert "Batas laju WhatsApp" in whatsapp.reason
    from notify.tasks import send_delivery

    send_delivery.call_local(whatsapp.pk)
    whatsapp.refresh_from_db()
    assert (whatsapp.state, whatsapp.attempts) == (Delivery.State.SENT, 2)


def test_the_delegate_hears_of_the_heads_tasks_during_the_period_only(
    people: dict[str, User],
    assignment_data: dict[str, Any],
    django_capture_on_commit_callbacks: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    now = clock.now()
    Delegation.objects.create(
        principal=people["kasi"],
        delegate=people["operator2"],
        starts_at=now - timedelta(hours=1),
        ends_at=now + timedelta(hours=1),
        created_by=people["admin"],
    )
    with django_capture_on_commit_callbacks(execute=True):
        actions.assign(people["kabid"], Assignment(**assignment_data))
    assert Notification.objects.filter(user=people["operator2"]).count() == 1
    monkeypatch.setattr(clock, "now", lambda: now + timedelta(hours=2))
    with django_capture_on_commit_callbacks(execute=True):
        actions.assign(people["kabid"], Assignment(**assignment_data))
    assert Notification.objects.filter(user=people["operator2"]).count() == 1
    assert Notification.objects.filter(user=people["kasi"]).count() == 2
