"""Reminders and escalation for steps past their standard time, in business time.

At ``WARTA_REMIND_AT`` times the standard time (default 1.0) the step's actor is reminded; at
``WARTA_ESCALATE_AT`` times it (default 2.0) their superior is told: the operator's superior is the
item's Kasi, the Kasi's is the item's Kabid; the Kabid has no superior in the SOP, so a Kabid's
late step gets the reminder but no escalation. Delegates (Plt/Plh) of each recipient are told too.

A Reminder row is inserted before anything is sent; its unique (step_run, level) makes a second
worker, or a run after a restart, skip what was already done.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import IntegrityError, transaction

from accounts.delegation import recipients_for
from accounts.models import User
from lib import clock
from lib.business_time import business_seconds
from newsroom.models import StepRun
from notify import delivery, messages
from notify.models import Reminder
from sop.models import office_calendar

SUPERIOR_ROLE = {"operator": "kasi", "kasi": "kabid"}


def levels() -> list[tuple[int, float]]:
    return [
        (Reminder.Level.REMIND, float(settings.WARTA_REMIND_AT)),
        (Reminder.Level.ESCALATE, float(settings.WARTA_ESCALATE_AT)),
    ]


def superior_of(run: StepRun) -> User | None:
    """Who answers for the actor of this step on this item (None for the Kabid)."""
    _step, task = run.item.sop_version.sop.task_for(run.action)
    role = SUPERIOR_ROLE.get(task.actor)
    return run.item.person_for(role) if role else None


def run(now: datetime | None = None) -> int:
    """Send every reminder and escalation now due; returns how many were newly recorded."""
    now = now or clock.now()
    calendar = office_calendar()
    recorded = 0
    open_runs = (
        StepRun.objects.filter(finished_at__isnull=True)
        .exclude(reminders__level=Reminder.Level.ESCALATE)
        .select_related("item", "item__sop_version", "assignee", "item__assigned_by", "item__kasi")
    )
    for step_run in open_runs:
        elapsed = business_seconds(step_run.started_at, now, calendar)
        standard = step_run.standard_minutes * 60
        for level, factor in levels():
            if elapsed >= standard * factor and _record(step_run, level, now):
                recorded += 1
                _send(step_run, level)
    return recorded


def _record(step_run: StepRun, level: int, now: datetime) -> bool:
    """Insert the Reminder row; False if another worker (or an earlier run) already did."""
    try:
        with transaction.atomic():
            Reminder.objects.create(step_run=step_run, level=level, created_at=now)
    except IntegrityError:
        return False
    return True


def _send(step_run: StepRun, level: int) -> None:
    if level >= Reminder.Level.ESCALATE:
        superior = superior_of(step_run)
        people = recipients_for(superior) if superior is not None else []
    else:
        people = recipients_for(step_run.assignee)
    message = messages.reminder_message(step_run, level)
    for person in people:
        if person.is_active:
            delivery.queue_for_user(f"remind{level}:{step_run.pk}", person, message)
