"""Reminders at 100 % and escalation at 200 % of the standard time, in office hours."""

from __future__ import annotations

import threading
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import connection

from accounts.models import User
from lib import clock
from newsroom import actions
from newsroom.actions import Assignment
from newsroom.models import Item, StepRun
from notify import reminders
from notify.models import Delivery, Notification, Reminder
from sop.models import Holiday

JAKARTA = ZoneInfo("Asia/Jakarta")
# Friday 4 December 2026, 15:58 in Jakarta: two office minutes left before the weekend.
FRIDAY = datetime(2026, 12, 4, 15, 58, tzinfo=JAKARTA)


def at(day: int, hour: int, minute: int) -> datetime:
    return datetime(2026, 12, day, hour, minute, tzinfo=JAKARTA)


@pytest.fixture
def frozen(monkeypatch: pytest.MonkeyPatch) -> Any:
    """``frozen(t)`` sets the one clock to ``t``."""

    def set_to(moment: datetime) -> None:
        monkeypatch.setattr(clock, "now", lambda: moment)

    return set_to


@pytest.fixture
def item_at_direct(office: dict[str, User], assignment_data: dict[str, Any], frozen: Any) -> Item:
    """Assigned on Friday at 15:58: step 2 (the Kasi's direction, standard 5 minutes) opens."""
    frozen(FRIDAY)
    Holiday.objects.create(date=date(2026, 12, 7), name="Libur nasional (contoh)")
    return actions.assign(office["kabid"], Assignment(**assignment_data))


@pytest.fixture
def remind(django_capture_on_commit_callbacks: Any) -> Any:
    """Run the periodic job as the worker would: its deliveries are sent once it commits."""

    def run() -> int:
        with django_capture_on_commit_callbacks(execute=True):
            return reminders.run()

    return run


def told(user: User, kind: str) -> int:
    return Notification.objects.filter(user=user, kind=kind).count()


@pytest.mark.django_db
def test_nothing_is_due_over_the_weekend_and_the_holiday(
    item_at_direct: Item, office: dict[str, User], frozen: Any, remind: Any
) -> None:
    for moment in (at(4, 16, 0), at(5, 12, 0), at(6, 12, 0), at(7, 15, 0), at(8, 7, 32)):
        frozen(moment)
        assert remind() == 0, moment
    assert not Reminder.objects.exists()


@pytest.mark.django_db
def test_the_actor_is_reminded_at_100_percent_of_office_time(
    item_at_direct: Item, office: dict[str, User], frozen: Any, remind: Any
) -> None:
    frozen(at(8, 7, 33))  # Tuesday: 2 minutes on Friday + 3 today = 5 minutes
    assert remind() == 1
    assert told(office["kasi"], "reminder") == 1
    assert told(office["kabid"], "escalation") == 0
    notice = Notification.objects.get(kind="reminder")
    assert item_at_direct.title in notice.title


@pytest.mark.django_db
def test_the_superior_is_told_at_200_percent(
    item_at_direct: Item, office: dict[str, User], frozen: Any, remind: Any
) -> None:
    frozen(at(8, 7, 38))  # 10 office minutes: both levels at once, each once
    assert remind() == 2
    assert told(office["kasi"], "reminder") == 1
    assert told(office["kabid"], "escalation") == 1
    assert told(office["kasi"], "escalation") == 0


@pytest.mark.django_db
def test_no_reminder_twice_after_a_restart(
    item_at_direct: Item, office: dict[str, User], frozen: Any, remind: Any
) -> None:
    frozen(at(8, 7, 33))
    assert remind() == 1
    frozen(at(8, 7, 34))
    assert remind() == 0
    assert Delivery.objects.filter(key__startswith="remind").count() == 1
    assert told(office["kasi"], "reminder") == 1


@pytest.mark.django_db
def test_a_finished_step_is_not_reminded(
    item_at_direct: Item, office: dict[str, User], frozen: Any, remind: Any
) -> None:
    frozen(at(8, 7, 31))
    actions.direct(office["kasi"], item_at_direct, operator="operator1", direction="Sudut")
    frozen(at(8, 7, 34))
    assert remind() == 0


@pytest.mark.django_db
def test_the_thresholds_are_configurable(
    item_at_direct: Item,
    office: dict[str, User],
    frozen: Any,
    settings: Any,
    remind: Any,
) -> None:
    settings.WARTA_REMIND_AT = 0.5
    settings.WARTA_ESCALATE_AT = 1.0
    frozen(at(8, 7, 30))  # 2 of 5 minutes: not yet half
    assert remind() == 0
    frozen(at(8, 7, 31))  # 3 of 5 minutes
    assert remind() == 1
    frozen(at(8, 7, 33))
    assert remind() == 1
    assert told(office["kabid"], "escalation") == 1


@pytest.mark.django_db
def test_the_kabids_late_step_is_reminded_but_not_escalated(
    office: dict[str, User], assignment_data: dict[str, Any], frozen: Any, remind: Any
) -> None:
    from newsroom.tests.helpers import walk_to

    frozen(at(8, 9, 0))
    item = walk_to(office, assignment_data, "verify")
    frozen(at(8, 11, 0))
    # Both levels are due and recorded (so neither is tried again), but only the reminder has
    # a recipient: the Kabid has no superior.
    assert remind() == 2
    run = item.open_run()
    assert run is not None and run.action == "verify"
    assert told(office["kabid"], "reminder") == 1
    assert not Notification.objects.filter(kind="escalation").exists()


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_send_each_reminder_once(
    office: dict[str, User], assignment_data: dict[str, Any], frozen: Any
) -> None:
    frozen(FRIDAY)
    actions.assign(office["kabid"], Assignment(**assignment_data))
    frozen(at(8, 7, 38))
    start = threading.Barrier(2)
    counts: list[int] = []

    def worker() -> None:
        try:
            start.wait()
            counts.append(reminders.run())
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(counts) in ([0, 2], [1, 1])
    assert Reminder.objects.count() == 2
    assert told(office["kasi"], "reminder") == 1
    assert told(office["kabid"], "escalation") == 1
    assert StepRun.objects.filter(finished_at__isnull=True).count() == 1
