"""Staff pages of the channels app: the publishing calendar and retracting an item."""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Exists, OuterRef, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.models import User
from channels import actions
from channels.models import Publication
from lib import clock
from newsroom.errors import Conflict, Invalid, NotAllowed
from newsroom.models import Item, StepRun


@dataclass(frozen=True)
class Entry:
    publication: Publication | None  # None: a time chosen at hand-over, not posted yet
    at: datetime  # local time: posted, else scheduled
    scheduled: bool
    item: Item | None = None  # for a time chosen at hand-over


@dataclass
class Day:
    date: date
    in_month: bool
    today: bool
    entries: list[Entry] = field(default_factory=list)


def _month(value: str, today: date) -> date:
    """The first day of the month asked for as ``YYYY-MM`` (this month if unreadable)."""
    try:
        return datetime.strptime(value, "%Y-%m").date()
    except ValueError:
        return today.replace(day=1)


def _entries(first: date, last: date) -> list[Entry]:
    zone = timezone.get_current_timezone()
    start = datetime.combine(first, time.min, tzinfo=zone)
    end = datetime.combine(last + timedelta(days=1), time.min, tzinfo=zone)
    rows = (
        Publication.objects.filter(
            Q(posted_at__gte=start, posted_at__lt=end)
            | Q(posted_at__isnull=True, scheduled_at__gte=start, scheduled_at__lt=end)
        )
        .select_related("item", "version")
        .order_by("pk")
    )
    entries = []
    for row in rows:
        when = row.posted_at or row.scheduled_at
        assert when is not None  # the filter above
        entries.append(Entry(row, timezone.localtime(when, zone), row.posted_at is None))
    for item in _planned(start, end):
        assert item.scheduled_at is not None  # the filter
        entries.append(Entry(None, timezone.localtime(item.scheduled_at, zone), True, item))
    return sorted(entries, key=lambda e: (e.at, e.publication.channel if e.publication else ""))


def _planned(start: datetime, end: datetime) -> list[Item]:
    """Items handed over with a time to post, whose operator has not posted yet (step 7 open,
    no publication): the time chosen at hand-over is all there is to show."""
    open_post = StepRun.objects.filter(item=OuterRef("pk"), action="post", finished_at=None)
    return list(
        Item.objects.filter(scheduled_at__gte=start, scheduled_at__lt=end)
        .filter(Exists(open_post), ~Exists(Publication.objects.filter(item=OuterRef("pk"))))
        .order_by("scheduled_at", "pk")
    )


@login_required
@require_GET
def publishing_calendar(request: HttpRequest) -> HttpResponse:
    """A month of scheduled and posted publications, per day and channel."""
    today = clock.today()
    first = _month(request.GET.get("month", ""), today)
    weeks_of_dates = calendar.Calendar().monthdatescalendar(first.year, first.month)
    days = {d: Day(d, d.month == first.month, d == today) for w in weeks_of_dates for d in w}
    for entry in _entries(weeks_of_dates[0][0], weeks_of_dates[-1][-1]):
        days[entry.at.date()].entries.append(entry)
    weeks = [[days[d] for d in week] for week in weeks_of_dates]
    previous = first - timedelta(days=1)
    following = first + timedelta(days=calendar.monthrange(first.year, first.month)[1])
    context = {
        "month": first,
        "weeks": weeks,
        "busy_days": [d for w in weeks for d in w if d.in_month and d.entries],
        "weekdays": [w[0].date for w in zip(*weeks, strict=True)],
        "previous": previous.strftime("%Y-%m"),
        "following": following.strftime("%Y-%m"),
        "this_month": today.strftime("%Y-%m"),
    }
    return render(request, "channels/calendar.html", context)


@login_required
@require_POST
def retract(request: HttpRequest, code: str) -> HttpResponse:
    """The item page's "Retract" form."""
    user = request.user
    assert isinstance(user, User)
    item = get_object_or_404(Item, code=code)
    target = reverse("item", args=[item.code]) + "#kanal"
    try:
        actions.retract_item(
            user, item, request.POST.get("reason", ""), note=request.POST.get("note", "")
        )
    except Invalid as exc:
        messages.error(request, " ".join(exc.errors.values()))
    except (NotAllowed, Conflict) as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request, _("The item is being taken down on every channel; see each channel below.")
        )
    return redirect(target)


@login_required
@require_POST
def confirm_takedown(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """ "Sudah dihapus manual": the post was deleted by hand at the platform."""
    user = request.user
    assert isinstance(user, User)
    publication = get_object_or_404(Publication, pk=pk, item__code=code)
    try:
        actions.confirm_manual_takedown(user, publication)
    except (NotAllowed, Conflict) as exc:
        messages.error(request, str(exc))
    return redirect(reverse("item", args=[code]) + "#kanal")
