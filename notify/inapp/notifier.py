"""In-app: a Notification row that the bell counts until it is read."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from accounts.models import User
from notify.base import Message, Notifier, NotifyError, Sent
from notify.models import Delivery, Notification


class InAppNotifier(Notifier):
    kind = "inapp"
    label = _("In the app")
    optional = False

    def address_for(self, user: User) -> str | None:
        # Always on: the bell is where a person finds what WhatsApp or email could not bring.
        return ""

    def send(self, delivery: Delivery) -> Sent:
        if delivery.user is None:
            raise NotifyError("An in-app notice needs a user.", permanent=True)
        message = Message.from_json(delivery.message)
        notification, _created = Notification.objects.get_or_create(
            delivery=delivery,
            defaults={
                "user": delivery.user,
                "kind": message.kind,
                "title": message.title[:300],
                "detail": message.detail,
                "link": message.link[:500],
                "item_code": message.item_code,
            },
        )
        return Sent(external_id=str(notification.pk), state=Delivery.State.DELIVERED)
