"""WhatsApp: workflow notices as approved templates (with quick-reply buttons on decisions);
replies to a person's own message as free text while the 24-hour window is open."""

from __future__ import annotations

from datetime import timedelta

from django.utils.translation import gettext_lazy as _

from accounts.models import User
from lib import clock
from notify import alerts
from notify.base import Message, Notifier, NotifyError, Sent
from notify.models import Delivery, profile_of
from notify.whatsapp import config
from notify.whatsapp.client import OUTSIDE_WINDOW, TOKEN, WhatsAppClient

WINDOW = timedelta(hours=24)
INFO_TEMPLATE = "warta_pemberitahuan"


class WhatsAppNotifier(Notifier):
    kind = "whatsapp"
    label = _("WhatsApp")
    fallback = ("email", "inapp")

    def is_configured(self) -> bool:
        return config.current().can_send

    def address_for(self, user: User) -> str | None:
        profile = profile_of(user)
        return profile.whatsapp if profile.whatsapp and profile.wants(self.kind) else None

    def send(self, delivery: Delivery) -> Sent:
        message = Message.from_json(delivery.message)
        client = WhatsAppClient(config.current())
        try:
            if message.kind == "reply":
                wamid = self._reply(client, delivery, message)
            else:
                wamid = client.send_template(
                    delivery.address,
                    message.template,
                    list(message.params),
                    [a.payload for a in message.actions],
                )
        except NotifyError as exc:
            if exc.code == TOKEN:
                alerts.surface_to_admins(exc.message)
            raise
        return Sent(external_id=wamid, state=Delivery.State.SENT)

    def _reply(self, client: WhatsAppClient, delivery: Delivery, message: Message) -> str:
        if _window_open(delivery.user):
            try:
                return client.send_text(delivery.address, message.detail)
            except NotifyError as exc:
                if exc.code != OUTSIDE_WINDOW:
                    raise
        return client.send_template(delivery.address, INFO_TEMPLATE, [message.detail])


def _window_open(user: User | None) -> bool:
    """True within 24 hours of the person's last message (an unknown number just wrote)."""
    if user is None:
        return True
    last = profile_of(user).whatsapp_last_inbound_at
    return last is not None and clock.now() - last < WINDOW
