"""Who may act for whom now: a person, or their acting official (Plt/Plh) during the period."""

from __future__ import annotations

from datetime import datetime

from accounts.models import Delegation, User
from lib import clock


def acts_for(user: User, principal: User, at: datetime | None = None) -> bool:
    """True if ``user`` is ``principal`` or holds an active delegation from them."""
    if user.pk == principal.pk:
        return True
    return (
        Delegation.objects.active(at or clock.now())
        .filter(principal=principal, delegate=user)
        .exists()
    )


def principals_of(user: User, at: datetime | None = None) -> list[User]:
    """The people ``user`` currently stands in for (not including themself)."""
    return [
        d.principal
        for d in Delegation.objects.active(at or clock.now())
        .filter(delegate=user)
        .select_related("principal")
    ]


def recipients_for(principal: User, at: datetime | None = None) -> list[User]:
    """Who should hear about ``principal``'s tasks now: they and their active delegates."""
    delegates = [
        d.delegate
        for d in Delegation.objects.active(at or clock.now())
        .filter(principal=principal, delegate__is_active=True)
        .select_related("delegate")
    ]
    return [principal, *delegates]
