"""/webhooks/whatsapp: verification, signatures, redelivery, and decisions by button."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from accounts.models import User
from newsroom import actions
from newsroom.models import Item, StepRun
from newsroom.tests.helpers import walk_to
from notify.models import Delivery, PendingReturn, ProcessedWebhookMessage
from notify.tests.conftest import (
    NUMBERS,
    VERIFY_TOKEN,
    payload_sent_to,
    tap,
    text,
    webhook_body,
)
from notify.whatsapp.fake import FakeWhatsApp

pytestmark = pytest.mark.django_db
Post = Callable[..., Any]


@pytest.fixture
def at_review(
    people: dict[str, User],
    assignment_data: dict[str, Any],
    fake_whatsapp: FakeWhatsApp,
    django_capture_on_commit_callbacks: Any,
) -> Item:
    with django_capture_on_commit_callbacks(execute=True):
        item = walk_to(people, assignment_data, "review")
    return item


def replies_to(fake: FakeWhatsApp, number: str) -> list[str]:
    """The free-text (or info-template) answers the number received."""
    answers = []
    for body in fake.sent():
        if body["to"] != number:
            continue
        if body["type"] == "text":
            answers.append(body["text"]["body"])
        elif body["template"]["name"] == "warta_pemberitahuan":
            answers.append(body["template"]["components"][0]["parameters"][0]["text"])
    return answers


# --- verification and signatures ----------------------------------------------------------


def test_it_echoes_the_challenge_for_the_right_verify_token(
    client: Client, fake_whatsapp: FakeWhatsApp
) -> None:
    query = {"hub.mode": "subscribe", "hub.verify_token": VERIFY_TOKEN, "hub.challenge": "1158"}
    response = client.get("/webhooks/whatsapp", query)
    assert (response.status_code, response.content) == (200, b"1158")


def test_it_refuses_verification_with_a_wrong_token(
    client: Client, fake_whatsapp: FakeWhatsApp
) -> None:
    query = {"hub.mode": "subscribe", "hub.verify_token": "guess", "hub.challenge": "1158"}
    assert client.get("/webhooks/whatsapp", query).status_code == 403


def test_it_rejects_a_post_without_a_signature(
    post_webhook: Post, at_review: Item, fake_whatsapp: FakeWhatsApp
) -> None:
    response = post_webhook(webhook_body(text(NUMBERS["kasi"], "halo")), sign="")
    assert response.status_code == 401
    assert not ProcessedWebhookMessage.objects.exists()


def test_it_rejects_a_post_with_a_wrong_signature(post_webhook: Post, at_review: Item) -> None:
    payload = payload_for(at_review, "approve")
    body = webhook_body(tap(NUMBERS["kasi"], payload))
    response = post_webhook(body, sign="sha256=" + "0" * 64)
    assert response.status_code == 403
    assert at_review.open_run().action == "review"  # type: ignore[union-attr]


def test_it_rejects_a_signature_over_another_body(post_webhook: Post, at_review: Item) -> None:
    from notify.tests.conftest import APP_SECRET
    from notify.whatsapp.webhook import signature

    signed = signature(APP_SECRET, webhook_body(text(NUMBERS["kasi"], "halo")))
    body = webhook_body(tap(NUMBERS["kasi"], payload_for(at_review, "approve")))
    assert post_webhook(body, sign=signed).status_code == 403
    assert at_review.open_run().action == "review"  # type: ignore[union-attr]


def test_it_rejects_get_and_post_only(client: Client, fake_whatsapp: FakeWhatsApp) -> None:
    assert client.put("/webhooks/whatsapp").status_code == 405


def payload_for(item: Item, decision: str) -> str:
    run = item.open_run()
    version = item.latest_version()
    assert run is not None and version is not None
    return f"{decision}:{run.action}:{item.code}:{version.sha256[:12]}"


# --- decisions ------------------------------------------------------------------------------


def test_a_setujui_tap_approves_and_forwards_as_the_kasi(
    post_webhook: Post, at_review: Item, fake_whatsapp: FakeWhatsApp, people: dict[str, User]
) -> None:
    payload = payload_sent_to(fake_whatsapp, NUMBERS["kasi"], "approve")
    response = post_webhook(webhook_body(tap(NUMBERS["kasi"], payload)))
    assert response.status_code == 200
    review = at_review.step_runs.get(action="review")
    assert (review.outcome, review.actor) == (StepRun.Outcome.APPROVED, people["kasi"])
    assert at_review.open_run().action == "verify"  # type: ignore[union-attr]
    (answer,) = replies_to(fake_whatsapp, NUMBERS["kasi"])
    assert "Rina Kabid" in answer
    # The Kabid now has the decision with its buttons.
    assert payload_sent_to(fake_whatsapp, NUMBERS["kabid"], "approve").startswith("approve:verify:")


def test_a_redelivered_message_is_applied_once(
    post_webhook: Post, at_review: Item, fake_whatsapp: FakeWhatsApp
) -> None:
    body = webhook_body(tap(NUMBERS["kasi"], payload_for(at_review, "approve")))
    assert post_webhook(body).status_code == 200
    assert post_webhook(body).status_code == 200  # the platform redelivers (a replayed post)
    assert at_review.step_runs.filter(action="review").count() == 1
    assert ProcessedWebhookMessage.objects.count() == 1
    assert len(replies_to(fake_whatsapp, NUMBERS["kasi"])) == 1


def test_kembalikan_asks_for_the_reason_and_the_next_text_is_the_note(
    post_webhook: Post, at_review: Item, fake_whatsapp: FakeWhatsApp, people: dict[str, User]
) -> None:
    post_webhook(webhook_body(tap(NUMBERS["kasi"], payload_for(at_review, "return"), "Kembalikan")))
    assert at_review.open_run().action == "review"  # type: ignore[union-attr]
    assert PendingReturn.objects.filter(user=people["kasi"]).exists()
    post_webhook(webhook_body(text(NUMBERS["kasi"], "Judul terlalu panjang.")))
    review = at_review.step_runs.get(action="review")
    assert (review.outcome, review.note) == (StepRun.Outcome.RETURNED, "Judul terlalu panjang.")
    assert at_review.open_run().action == "submit"  # type: ignore[union-attr]
    assert not PendingReturn.objects.exists()
    asked, done = replies_to(fake_whatsapp, NUMBERS["kasi"])
    assert at_review.title in asked
    assert "Sari Operator" in done


def test_a_tap_about_an_older_version_changes_nothing(
    post_webhook: Post,
    at_review: Item,
    fake_whatsapp: FakeWhatsApp,
    people: dict[str, User],
    django_capture_on_commit_callbacks: Any,
) -> None:
    old_payload = payload_for(at_review, "approve")
    # The Kasi returns it, the operator submits a new version: the old button is stale.
    with django_capture_on_commit_callbacks(execute=True):
        actions.review(people["kasi"], at_review, decision="return", note="Ganti foto.")
    with django_capture_on_commit_callbacks(execute=True):
        actions.submit(people["operator1"], at_review, title="Judul 2", body="Isi baru.")
    post_webhook(webhook_body(tap(NUMBERS["kasi"], old_payload)))
    assert at_review.step_runs.filter(action="review", finished_at__isnull=True).exists()
    answer = replies_to(fake_whatsapp, NUMBERS["kasi"])[-1]
    assert at_review.code in answer or "/item/" in answer


def test_a_tap_on_an_item_no_longer_at_that_step_changes_nothing(
    post_webhook: Post, at_review: Item, fake_whatsapp: FakeWhatsApp, people: dict[str, User]
) -> None:
    payload = payload_for(at_review, "approve")
    actions.review(people["kasi"], at_review, decision="approve")  # in the UI, a moment earlier
    post_webhook(webhook_body(tap(NUMBERS["kasi"], payload)))
    assert at_review.step_runs.filter(action="review").count() == 1
    assert at_review.open_run().action == "forward"  # type: ignore[union-attr]
    assert len(replies_to(fake_whatsapp, NUMBERS["kasi"])) == 1


def test_a_tap_by_someone_else_is_refused_with_the_reason(
    post_webhook: Post, at_review: Item, fake_whatsapp: FakeWhatsApp
) -> None:
    post_webhook(webhook_body(tap(NUMBERS["operator1"], payload_for(at_review, "approve"))))
    assert at_review.open_run().action == "review"  # type: ignore[union-attr]
    (answer,) = replies_to(fake_whatsapp, NUMBERS["operator1"])
    assert "Budi Kasi" in answer


def test_an_unknown_number_gets_a_polite_reply_and_changes_nothing(
    post_webhook: Post, at_review: Item, fake_whatsapp: FakeWhatsApp
) -> None:
    stranger = "6289999999999"
    response = post_webhook(webhook_body(tap(stranger, payload_for(at_review, "approve"))))
    assert response.status_code == 200
    assert at_review.open_run().action == "review"  # type: ignore[union-attr]
    (answer,) = replies_to(fake_whatsapp, stranger)
    assert "Warta" in answer
    assert Delivery.objects.get(address=stranger).user is None


def test_a_reply_outside_the_window_goes_as_a_template(
    post_webhook: Post, at_review: Item, fake_whatsapp: FakeWhatsApp
) -> None:
    # Warta thinks the window is open (the person just wrote), the platform disagrees.
    post_webhook(webhook_body(text(NUMBERS["kasi"], "halo")))
    kinds = [b["type"] for b in fake_whatsapp.sent() if b["to"] == NUMBERS["kasi"]]
    assert kinds[-1] == "template"
    statuses = [r.status for r in fake_whatsapp.requests if r.body.get("to") == NUMBERS["kasi"]]
    assert statuses[-2:] == [400, 200]


def test_delivery_statuses_come_back_through_the_webhook(
    post_webhook: Post, at_review: Item, fake_whatsapp: FakeWhatsApp
) -> None:
    sent = Delivery.objects.filter(notifier="whatsapp", state="sent").first()
    assert sent is not None
    for status in ("delivered", "read", "delivered"):
        body = webhook_body(statuses=[{"id": sent.external_id, "status": status}])
        assert post_webhook(body).status_code == 200
    sent.refresh_from_db()
    assert sent.state == Delivery.State.READ  # never moves back
    assert sent.read_at is not None


def test_a_failed_status_falls_back_to_the_bell(
    post_webhook: Post, at_review: Item, fake_whatsapp: FakeWhatsApp, people: dict[str, User]
) -> None:
    sent = Delivery.objects.filter(notifier="whatsapp", user=people["kasi"]).last()
    assert sent is not None
    Delivery.objects.filter(key=sent.key, user=people["kasi"]).exclude(pk=sent.pk).delete()
    failure = {
        "id": sent.external_id,
        "status": "failed",
        "errors": [{"code": 131026, "title": "Message undeliverable"}],
    }
    post_webhook(webhook_body(statuses=[failure]))
    sent.refresh_from_db()
    assert sent.state == Delivery.State.FAILED
    assert "131026" in sent.reason
    assert Delivery.objects.filter(key=sent.key, user=people["kasi"], notifier="inapp").exists()


# --- the whole SOP --------------------------------------------------------------------------


def test_the_whole_sop_with_decisions_from_whatsapp(
    post_webhook: Post,
    people: dict[str, User],
    assignment_data: dict[str, Any],
    fake_whatsapp: FakeWhatsApp,
    django_capture_on_commit_callbacks: Any,
) -> None:
    from newsroom.actions import Assignment
    from notify.models import Notification

    kabid, kasi, operator = people["kabid"], people["kasi"], people["operator1"]
    with django_capture_on_commit_callbacks(execute=True):
        item = actions.assign(kabid, Assignment(**assignment_data))
    with django_capture_on_commit_callbacks(execute=True):
        actions.direct(kasi, item, operator="operator1", direction="Sudut: manfaat bagi warga")
    with django_capture_on_commit_callbacks(execute=True):
        actions.submit(operator, item, title="Jembatan Baru", body="Jembatan diresmikan.")

    kasi_says = payload_sent_to(fake_whatsapp, NUMBERS["kasi"], "approve")
    assert post_webhook(webhook_body(tap(NUMBERS["kasi"], kasi_says))).status_code == 200
    kabid_says = payload_sent_to(fake_whatsapp, NUMBERS["kabid"], "approve")
    assert post_webhook(webhook_body(tap(NUMBERS["kabid"], kabid_says))).status_code == 200

    item.refresh_from_db()
    run = item.open_run()
    assert run is not None and (run.step, run.action, run.assignee) == (6, "handover", kasi)
    verify = item.step_runs.get(action="verify")
    assert (verify.outcome, verify.actor) == (StepRun.Outcome.APPROVED, kabid)
    # Each hand-over reached the right person: a delivery row and a notice in the bell.
    expected = [
        (2, "direct", kasi),
        (3, "submit", operator),
        (3, "review", kasi),
        (5, "verify", kabid),
        (6, "handover", kasi),
    ]
    for step, action, person in expected:
        step_run = item.step_runs.get(step=step, action=action)
        key = f"task:{step_run.pk}"
        assert Delivery.objects.filter(key=key, user=person, notifier="whatsapp").exists(), action
        assert Notification.objects.filter(delivery__key=key, user=person).exists(), action


def test_an_interactive_button_reply_works_like_a_template_tap(
    post_webhook: Post, at_review: Item, fake_whatsapp: FakeWhatsApp
) -> None:
    message = {
        "from": NUMBERS["kasi"],
        "id": "wamid.interactive1",
        "type": "interactive",
        "interactive": {
            "type": "button_reply",
            "button_reply": {"id": payload_for(at_review, "approve"), "title": "Setujui"},
        },
    }
    assert post_webhook(webhook_body(message)).status_code == 200
    assert at_review.open_run().action == "verify"  # type: ignore[union-attr]


def test_a_body_that_is_not_json_is_a_400(post_webhook: Post, fake_whatsapp: FakeWhatsApp) -> None:
    assert post_webhook(b"not json").status_code == 400


# --- signed but malformed bodies: a 400, and nothing applied ---------------------------------


def _with_value(value: Any) -> str:
    return json.dumps({"object": "whatsapp_business_account", "entry": [{"changes": [value]}]})


MALFORMED = {
    "deep nesting": '{"entry": ' + "[" * 50_000 + "]" * 50_000 + "}",
    "entry as a string": '{"entry": "abc"}',
    "a null entry": '{"entry": [null]}',
    "changes as a string": '{"entry": [{"changes": "x"}]}',
    "a null change": '{"entry": [{"changes": [null]}]}',
    "value as a list": _with_value({"value": []}),
    "a null message": _with_value({"value": {"messages": [None]}}),
    "a number as the button": _with_value(
        {"value": {"messages": [{"id": "w1", "from": "6281", "type": "button", "button": 7}]}}
    ),
    "a number as the sender": _with_value({"value": {"messages": [{"id": "w1", "from": 6281}]}}),
    "errors as a string": _with_value({"value": {"statuses": [{"id": "w", "errors": "x"}]}}),
    "a list as the body": "[]",
    "a NUL in a message id": _with_value({"value": {"messages": [{"id": "w\u0000", "from": "1"}]}}),
    "an unpaired surrogate": '{"entry": [{"id": "\\udc00"}]}',
}


@pytest.mark.parametrize("body", MALFORMED.values(), ids=MALFORMED.keys())
def test_a_signed_but_malformed_body_is_a_400_and_changes_nothing(
    post_webhook: Post, at_review: Item, fake_whatsapp: FakeWhatsApp, body: str
) -> None:
    deliveries = Delivery.objects.count()
    sent = len(fake_whatsapp.requests)

    response = post_webhook(body.encode())

    assert response.status_code == 400
    assert ProcessedWebhookMessage.objects.count() == 0
    assert Delivery.objects.count() == deliveries
    assert len(fake_whatsapp.requests) == sent
    assert at_review.open_run().action == "review"  # type: ignore[union-attr]


def test_a_body_with_fields_warta_does_not_read_is_still_applied(
    post_webhook: Post, at_review: Item, fake_whatsapp: FakeWhatsApp
) -> None:
    message = tap(NUMBERS["kasi"], payload_for(at_review, "approve"))
    body = json.loads(webhook_body({**message, "context": {"from": "1", "id": "w0"}}))
    body["entry"][0]["changes"][0]["value"]["metadata"] = {"phone_number_id": "1234567890"}
    body["entry"].append({"id": "2"})  # an entry without changes

    assert post_webhook(json.dumps(body).encode()).status_code == 200
    assert at_review.open_run().action == "verify"  # type: ignore[union-attr]
