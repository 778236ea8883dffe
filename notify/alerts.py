"""Problems only an admin can fix (a refused WhatsApp token): kept on the settings row and
shown to the admins in the app."""

from __future__ import annotations

import logging

from django.db.models import Q

from accounts.models import Role, User
from lib import clock
from notify.models import Notification, WhatsAppConfig

logger = logging.getLogger(__name__)


def surface_to_admins(problem: str) -> None:
    """Record the problem once (until it changes) and put it in every admin's bell."""
    logger.error("notify: %s", problem)
    config = WhatsAppConfig.load()
    if config.last_error == problem:
        return
    config.last_error, config.last_error_at = problem, clock.now()
    config.save(update_fields=["last_error", "last_error_at"])
    admins = User.objects.filter(Q(role=Role.ADMIN) | Q(is_superuser=True), is_active=True)
    Notification.objects.bulk_create(
        Notification(user=admin, kind="alert", title="WhatsApp", detail=problem, link="/admin/")
        for admin in admins
    )


def clear() -> None:
    WhatsAppConfig.objects.filter(pk=1).exclude(last_error="").update(
        last_error="", last_error_at=None
    )
