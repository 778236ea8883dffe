"""Every change to a person's notification settings and notices: the profile page, the API and
the bell call these, so a number is validated and normalised the same way everywhere."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.models import User
from lib import clock
from newsroom.errors import Invalid
from notify.forms import clean_whatsapp_for
from notify.models import Notification, NotifyProfile, profile_of


def update_profile(
    user: User, *, whatsapp: str | None = None, preferences: dict[str, bool] | None = None
) -> NotifyProfile:
    """Set the WhatsApp number (normalised to 62…; "" removes it) and notifier choices.

    Raises ``Invalid`` with a ``whatsapp`` message when the number is not valid or taken.
    """
    with transaction.atomic():
        profile = profile_of(user)
        if whatsapp is not None:
            try:
                profile.whatsapp = clean_whatsapp_for(whatsapp, user)
            except ValidationError as exc:
                raise Invalid({"whatsapp": " ".join(exc.messages)}) from exc
        if preferences is not None:
            profile.preferences = {**profile.preferences, **preferences}
        profile.save(update_fields=["whatsapp", "preferences"])
    return profile


def mark_read(user: User, notification_id: int | None = None) -> int:
    """Mark one of the user's notices (or all of them) as read; returns how many changed."""
    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    if notification_id is not None:
        unread = unread.filter(pk=notification_id)
    return unread.update(read_at=clock.now())
