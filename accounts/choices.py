"""Choice lists of people, shared by the filter forms."""

from __future__ import annotations

from django.utils.translation import gettext as _

from accounts.models import Role, User


def staff_choices() -> list[tuple[str, str]]:
    """ "Everyone", then every active office member (not administrators) by name."""
    users = User.objects.filter(is_active=True).exclude(role=Role.ADMIN)
    return [
        ("", _("Everyone")),
        *((u.username, u.display_name) for u in users.order_by("first_name", "username")),
    ]
