"""Email through Django's email backend (the console in the demo)."""

from __future__ import annotations

from smtplib import SMTPException

from django.conf import settings
from django.core.mail import send_mail
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from notify.base import Message, Notifier, NotifyError, Sent
from notify.models import Delivery, profile_of


class EmailNotifier(Notifier):
    kind = "email"
    label = _("Email")

    def address_for(self, user: User) -> str | None:
        return user.email if user.email and profile_of(user).wants(self.kind) else None

    def send(self, delivery: Delivery) -> Sent:
        message = Message.from_json(delivery.message)
        body = message.detail + (f"\n\n{message.link}" if message.link else "")
        try:
            send_mail(
                f"[Warta] {message.title}",
                body,
                settings.DEFAULT_FROM_EMAIL,
                [delivery.address],
            )
        except (SMTPException, OSError) as exc:
            raise NotifyError(
                f"The mail server refused the message: {exc}", permanent=False
            ) from exc
        return Sent(state=Delivery.State.SENT)
