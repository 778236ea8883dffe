"""What a WhatsApp message to the business does: a "Setujui"/"Kembalikan" tap decides a review
or verification through the action layer, with the same permissions as the UI; the text after a
"Kembalikan" tap is the note. Every decision is pinned to the step and the Version the message
was about; anything stale is explained and changes nothing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext as _

from accounts.delegation import acts_for
from accounts.models import User
from lib import clock
from newsroom import actions
from newsroom.errors import ActionError
from newsroom.models import Item
from notify import delivery
from notify.messages import DECISIONS, SHA_PREFIX, item_link, reply_message
from notify.models import NotifyProfile, PendingReturn, ProcessedWebhookMessage
from notify.whatsapp.payload import Message, Status, Value, WebhookBody

RETURN_NOTE_WAIT = timedelta(minutes=30)


@dataclass(frozen=True)
class Tap:
    decision: str
    action: str
    item_code: str
    sha: str

    @classmethod
    def parse(cls, payload: str) -> Tap | None:
        parts = (payload or "").split(":")
        if len(parts) != 4:
            return None
        tap = cls(*parts)
        if tap.decision not in ("approve", "return") or tap.action not in DECISIONS:
            return None
        return tap


def handle_payload(payload: WebhookBody) -> None:
    """Apply one webhook body: statuses of sent messages, then inbound messages."""
    for entry in payload.entry or []:
        for change in entry.changes or []:
            value = change.value or Value()
            for status in value.statuses or []:
                _apply_status(status)
            for message in value.messages or []:
                handle_message(message)


def _apply_status(status: Status) -> None:
    reason = ""
    if status.errors:
        first = status.errors[0]
        reason = f"{first.title or first.message} ({first.code})"
    delivery.record_status(status.id, status.status, reason)


def handle_message(message: Message) -> bool:
    """Handle one inbound message once (False if its id was seen before)."""
    message_id, number = message.id, message.sender
    if not message_id or not number:
        return False
    with transaction.atomic():
        try:
            with transaction.atomic():
                ProcessedWebhookMessage.objects.create(message_id=message_id)
        except IntegrityError:
            return False
        profile = (
            NotifyProfile.objects.select_related("user")
            .filter(whatsapp=number, user__is_active=True)
            .first()
        )
        user = profile.user if profile is not None else None
        with translation.override(settings.LANGUAGE_CODE):
            if profile is None or user is None:
                answer, code = _unknown_number(), ""
            else:
                profile.whatsapp_last_inbound_at = clock.now()
                profile.save(update_fields=["whatsapp_last_inbound_at"])
                answer, code = _answer(user, message)
        delivery.queue(
            f"reply:{message_id}",
            "whatsapp",
            reply_message(answer, code),
            user=user,
            address=number,
        )
    return True


def _unknown_number() -> str:
    return _(
        "Good day. This number is not registered in Warta, so nothing was changed. If you work "
        "at the office, add your WhatsApp number to your profile in Warta."
    )


def _answer(user: User, message: Message) -> tuple[str, str]:
    if message.type == "button":
        return _on_tap(user, message.button.payload if message.button else "")
    if message.type == "interactive":
        reply = message.interactive.button_reply if message.interactive else None
        return _on_tap(user, reply.id if reply else "")
    if message.type == "text":
        return _on_text(user, message.text.body if message.text else "")
    return _help(), ""


def _help() -> str:
    return _(
        "To decide, tap “Setujui” or “Kembalikan” on a Warta message. Everything else is in "
        "Warta: %(url)s"
    ) % {"url": settings.SITE_URL + "/"}


def _stale(item: Item, tap: Tap) -> str | None:
    """Why this tap no longer applies (None if the item still waits for it on that version)."""
    run = item.open_run()
    if run is None or run.action != tap.action:
        return _(
            "“%(title)s” is no longer waiting for this decision (someone has already acted on "
            "it); nothing was changed. See where it is: %(link)s"
        ) % {"title": item.title, "link": item_link(item)}
    latest = item.latest_version()
    if latest is None or latest.sha256[:SHA_PREFIX] != tap.sha:
        return _(
            "A newer version of “%(title)s” was submitted after this message; nothing was "
            "changed. Read the new version: %(link)s"
        ) % {"title": item.title, "link": item_link(item)}
    return None


def _on_tap(user: User, payload: str) -> tuple[str, str]:
    tap = Tap.parse(payload)
    item = Item.objects.filter(code=tap.item_code).first() if tap else None
    if tap is None or item is None:
        return _("This button is no longer valid; nothing was changed.") + " " + _help(), ""
    stale = _stale(item, tap)
    if stale:
        return stale, item.code
    if tap.decision == "approve":
        return _decide(user, item, tap, note=""), item.code
    run = item.open_run()
    assert run is not None  # _stale checked it
    if not acts_for(user, run.assignee):
        return _("Only %(who)s may decide on this item.") % {
            "who": run.assignee.display_name
        }, item.code
    PendingReturn.objects.update_or_create(
        user=user,
        defaults={
            "item_code": item.code,
            "action": tap.action,
            "version_sha": tap.sha,
            "expires_at": clock.now() + RETURN_NOTE_WAIT,
        },
    )
    return _(
        "Write what must be fixed in “%(title)s” in your next message: it becomes the note for "
        "the operator."
    ) % {"title": item.title}, item.code


def _on_text(user: User, text: str) -> tuple[str, str]:
    pending = PendingReturn.objects.filter(user=user).first()
    if pending is None or pending.expires_at <= clock.now():
        return _help(), ""
    pending.delete()
    item = Item.objects.filter(code=pending.item_code).first()
    if item is None:
        return _help(), ""
    tap = Tap("return", pending.action, pending.item_code, pending.version_sha)
    stale = _stale(item, tap)
    if stale:
        return stale, item.code
    return _decide(user, item, tap, note=text), item.code


def _decide(user: User, item: Item, tap: Tap, *, note: str) -> str:
    try:
        if tap.action == "review":
            # The phone offers one tap, so an approval is "approve and forward" (as in the UI).
            actions.review(
                user, item, decision=tap.decision, note=note, forward=tap.decision == "approve"
            )
        else:
            actions.verify(user, item, decision=tap.decision, note=note)
    except ActionError as exc:
        return exc.message
    item.refresh_from_db()
    if tap.decision == "return":
        who = item.operator.display_name if item.operator else ""
        return _("Returned to %(who)s with your note: “%(title)s”.") % {
            "who": who,
            "title": item.title,
        }
    if tap.action == "review":
        return _("Approved and sent to %(who)s for verification: “%(title)s”.") % {
            "who": item.assigned_by.display_name,
            "title": item.title,
        }
    return _("Verified: “%(title)s”. %(who)s now hands it to the operator for posting.") % {
        "who": item.kasi.display_name,
        "title": item.title,
    }
