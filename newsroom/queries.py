"""Read-side questions asked by the UI, the API and notifications alike."""

from __future__ import annotations

from django.db.models import QuerySet

from accounts.delegation import principals_of
from accounts.models import User
from newsroom.models import StepRun


def waiting_for(user: User) -> QuerySet[StepRun]:
    """Open steps that wait for ``user``, or for a head they stand in for (Plt/Plh),
    the longest-waiting first."""
    people = [user, *principals_of(user)]
    return (
        StepRun.objects.filter(assignee__in=people, finished_at__isnull=True)
        .select_related("item", "assignee")
        .order_by("started_at", "pk")
    )
