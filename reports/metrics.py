"""How well the SOP is followed, computed in the database: typed query functions.

Every function takes a ``Filter`` (period, region, person) and returns dataclasses. Periods are
whole days in the office's time zone, both ends included. Durations are whole seconds, in
wall-clock time and in business time (office hours, holidays excluded); an act is "within the
standard" when its duration is at most the step's standard minutes x 60. Only finished acts
are measured (acts superseded by a new version are not); open acts past their standard are
"overdue now". Percentiles: see ``reports.distribution`` (the median is the lower median).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, F, Max, Min, Q, QuerySet, Sum, Value

from accounts.models import User
from channels.models import Publication
from lib import clock
from newsroom.actions import action_label
from newsroom.models import ReturnReason, StepRun
from reports.distribution import EpochSeconds, Timing, distributions
from sop.definition import Sop
from sop.models import SopVersion

DECISION_STEPS = (3, 5)
OVERDUE_LIST_MAX = 20


@dataclass(frozen=True)
class Filter:
    """What a report covers: days ``start``..``end`` (inclusive), optionally one region/person."""

    start: date
    end: date
    region: str = ""
    username: str = ""

    @property
    def since(self) -> datetime:
        return datetime.combine(self.start, time.min, tzinfo=_tz())

    @property
    def until(self) -> datetime:
        """The first instant after the period."""
        return datetime.combine(self.end + timedelta(days=1), time.min, tzinfo=_tz())

    def as_query(self) -> dict[str, str]:
        query = {"from": self.start.isoformat(), "to": self.end.isoformat()}
        if self.region:
            query["region"] = self.region
        if self.username:
            query["person"] = self.username
        return query


def _tz() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def today() -> date:
    return clock.today()


@dataclass(frozen=True)
class StepMetric:
    step: int
    action: str
    label: str
    standard_minutes: int
    wall: Timing
    business: Timing


@dataclass(frozen=True)
class PersonMetric:
    username: str
    name: str
    role: str
    wall: Timing
    business: Timing


@dataclass(frozen=True)
class ReturnMetric:
    step: int
    total: int
    by_reason: dict[str, int]

    def count_for(self, code: str) -> int:
        return self.by_reason.get(code, 0)


@dataclass(frozen=True)
class Returns:
    reasons: list[tuple[str, str]]  # (code, label) in the admin's order
    steps: list[ReturnMetric]
    items_returned: int  # items returned at least once in the period

    @property
    def total(self) -> int:
        return sum(s.total for s in self.steps)


@dataclass(frozen=True)
class LeadTime:
    """From the assignment (step 1 opened) to the posting (step 7 finished), per posted item."""

    standard_minutes: int
    wall: Timing
    business: Timing


@dataclass(frozen=True)
class ChannelMetric:
    channel: str
    total: int
    posted: int
    failed: int
    retried: int
    time_to_post: Timing


@dataclass(frozen=True)
class OverdueRun:
    item_code: str
    item_title: str
    step: int
    action: str
    label: str
    assignee: str
    started_at: datetime
    standard_minutes: int
    late_seconds: int


@dataclass(frozen=True)
class Overdue:
    count: int
    by_step: dict[int, int]
    oldest: list[OverdueRun]


@dataclass(frozen=True)
class Report:
    filter: Filter
    generated_at: datetime
    items_assigned: int
    steps: list[StepMetric]
    persons: list[PersonMetric]
    returns: Returns
    lead_time: LeadTime
    channels: list[ChannelMetric]
    overdue: Overdue


# --- the rows each metric looks at --------------------------------------------------------


def _item_filter(f: Filter, prefix: str = "item__") -> Q:
    q = Q()
    if f.region:
        q &= Q(**{f"{prefix}region_code": f.region})
    if f.username:
        q &= (
            Q(**{f"{prefix}assigned_by__username": f.username})
            | Q(**{f"{prefix}kasi__username": f.username})
            | Q(**{f"{prefix}operator__username": f.username})
        )
    return q


def finished_runs(f: Filter) -> QuerySet[StepRun]:
    """Acts finished in the period (by the person, if one is chosen)."""
    runs = StepRun.objects.filter(
        finished_at__gte=f.since,
        finished_at__lt=f.until,
        duration_seconds__isnull=False,
        business_seconds__isnull=False,
    ).exclude(outcome=StepRun.Outcome.REVISED)
    if f.region:
        runs = runs.filter(item__region_code=f.region)
    if f.username:
        runs = runs.filter(actor__username=f.username)
    return runs


def _sop() -> Sop:
    return SopVersion.objects.current().sop


# --- the metrics --------------------------------------------------------------------------


def step_metrics(f: Filter) -> list[StepMetric]:
    """Per act of the SOP (step 3 has two: production and correction)."""
    found = distributions(
        finished_runs(f),
        group={"step": "step", "action": "action"},
        values={"wall": "duration_seconds", "business": "business_seconds"},
        limit=F("standard_minutes") * 60,
    )
    metrics = []
    for step in _sop().steps:
        for task in step.tasks:
            entry = found.get((step.number, task.action))
            metrics.append(
                StepMetric(
                    step=step.number,
                    action=task.action,
                    label=action_label(task.action),
                    standard_minutes=step.standard_minutes,
                    wall=entry["wall"] if entry else Timing.empty(),
                    business=entry["business"] if entry else Timing.empty(),
                )
            )
    return metrics


def step_totals(f: Filter) -> dict[int, tuple[Timing, Timing]]:
    """Per SOP step (all its acts together): (wall-clock, business) timing."""
    found = distributions(
        finished_runs(f),
        group={"step": "step"},
        values={"wall": "duration_seconds", "business": "business_seconds"},
        limit=F("standard_minutes") * 60,
    )
    return {key[0]: (entry["wall"], entry["business"]) for key, entry in found.items()}


def person_metrics(f: Filter) -> list[PersonMetric]:
    """Per person who acted in the period: their acts against each act's standard."""
    found = distributions(
        finished_runs(f).filter(actor__isnull=False),
        group={"actor": "actor_id"},
        values={"wall": "duration_seconds", "business": "business_seconds"},
        limit=F("standard_minutes") * 60,
    )
    users = User.objects.in_bulk([key[0] for key in found])
    metrics = [
        PersonMetric(
            username=users[key[0]].username,
            name=users[key[0]].display_name,
            role=str(users[key[0]].get_role_display()),
            wall=entry["wall"],
            business=entry["business"],
        )
        for key, entry in found.items()
        if key[0] in users
    ]
    return sorted(metrics, key=lambda m: (-m.wall.count, m.name))


def return_metrics(f: Filter) -> Returns:
    """Returns at the correction (step 3) and the verification (step 5), by reason."""
    returned = finished_runs(f).filter(outcome=StepRun.Outcome.RETURNED)
    counts = returned.values("step", "return_reason__code").annotate(n=Count("pk")).order_by()
    by_step: dict[int, dict[str, int]] = {step: {} for step in DECISION_STEPS}
    for row in counts:  # one row per (step, reason)
        reasons = by_step.setdefault(row["step"], {})
        code = row["return_reason__code"] or "lainnya"
        reasons[code] = reasons.get(code, 0) + row["n"]
    return Returns(
        reasons=list(ReturnReason.objects.values_list("code", "label")),
        steps=[
            ReturnMetric(step=step, total=sum(reasons.values()), by_reason=reasons)
            for step, reasons in sorted(by_step.items())
        ],
        items_returned=returned.values("item").distinct().count(),
    )


def lead_time(f: Filter) -> LeadTime:
    """Assignment to posting per item posted in the period, against the SOP's total minutes."""
    total_minutes = sum(step.standard_minutes for step in _sop().steps)
    posted_items = (
        StepRun.objects.filter(
            action="post",
            outcome=StepRun.Outcome.POSTED,
            finished_at__gte=f.since,
            finished_at__lt=f.until,
        )
        .filter(_item_filter(f))
        .values("item_id")
    )
    # One row per posted item, aggregated from its runs. They follow each other without gaps,
    # so the item's business time is the sum of its runs' business time.
    per_item = (
        StepRun.objects.filter(item_id__in=posted_items)
        .values("item_id")
        .annotate(
            assigned_at=Min("started_at", filter=Q(action="assign")),
            posted_at=Max("finished_at", filter=Q(action="post", outcome=StepRun.Outcome.POSTED)),
            business=Sum("business_seconds"),
        )
        .filter(assigned_at__isnull=False, posted_at__isnull=False)
    )
    found = distributions(
        per_item,
        group={},
        values={"wall": EpochSeconds(F("posted_at"), F("assigned_at")), "business": "business"},
        limit=Value(total_minutes * 60),
    )
    entry = found.get(())
    return LeadTime(
        standard_minutes=total_minutes,
        wall=entry["wall"] if entry else Timing.empty(),
        business=entry["business"] if entry else Timing.empty(),
    )


def channel_metrics(f: Filter) -> list[ChannelMetric]:
    """Per channel, publications created in the period: posted, failed, retried, time to post."""
    publications = Publication.objects.filter(
        created_at__gte=f.since, created_at__lt=f.until
    ).filter(_item_filter(f))
    counts = (
        publications.values("channel")
        .annotate(
            total=Count("pk"),
            posted=Count("pk", filter=Q(state=Publication.State.POSTED)),
            failed=Count("pk", filter=Q(state=Publication.State.FAILED)),
            retried=Count("pk", filter=Q(attempts__gt=1)),
        )
        .order_by("channel")
    )
    timings = distributions(
        publications.filter(state=Publication.State.POSTED, posted_at__isnull=False),
        group={"channel": "channel"},
        values={"post": EpochSeconds(F("posted_at"), F("created_at"))},
    )
    return [
        ChannelMetric(
            channel=row["channel"],
            total=row["total"],
            posted=row["posted"],
            failed=row["failed"],
            retried=row["retried"],
            time_to_post=timings[(row["channel"],)]["post"]
            if (row["channel"],) in timings
            else Timing.empty(),
        )
        for row in counts
    ]


def overdue_now(f: Filter) -> Overdue:
    """Open acts whose standard time has passed (wall-clock), whatever the period."""
    now = clock.now()
    runs = StepRun.objects.filter(finished_at__isnull=True)
    if f.region:
        runs = runs.filter(item__region_code=f.region)
    if f.username:
        runs = runs.filter(assignee__username=f.username)
    standards = runs.order_by().values_list("standard_minutes", flat=True).distinct()
    late = Q(pk__in=[])
    for minutes in standards:  # one per distinct standard time: a handful
        late |= Q(standard_minutes=minutes, started_at__lt=now - timedelta(minutes=minutes))
    late_runs = runs.filter(late)
    by_step = dict(
        late_runs.order_by().values_list("step").annotate(n=Count("pk")).values_list("step", "n")
    )
    oldest = [
        OverdueRun(
            item_code=run.item.code,
            item_title=run.item.title,
            step=run.step,
            action=run.action,
            label=action_label(run.action),
            assignee=run.assignee.display_name,
            started_at=run.started_at,
            standard_minutes=run.standard_minutes,
            late_seconds=int((now - run.started_at).total_seconds()) - run.standard_minutes * 60,
        )
        for run in late_runs.select_related("item", "assignee").order_by("started_at")[
            :OVERDUE_LIST_MAX
        ]
    ]
    return Overdue(count=sum(by_step.values()), by_step=by_step, oldest=oldest)


def items_assigned(f: Filter) -> int:
    """Items whose assignment (step 1) was made in the period."""
    return (
        StepRun.objects.filter(action="assign", finished_at__gte=f.since, finished_at__lt=f.until)
        .filter(_item_filter(f))
        .count()
    )


def report(f: Filter, on_progress: Callable[[int], None] | None = None) -> Report:
    """Every metric of the dashboard and the monthly report.

    ``on_progress`` hears the percentage done after each part (for export jobs).
    """
    parts: dict[str, Callable[[Filter], Any]] = {
        "items_assigned": items_assigned,
        "steps": step_metrics,
        "persons": person_metrics,
        "returns": return_metrics,
        "lead_time": lead_time,
        "channels": channel_metrics,
        "overdue": overdue_now,
    }
    values: dict[str, Any] = {}
    for done, (name, compute) in enumerate(parts.items(), start=1):
        values[name] = compute(f)
        if on_progress is not None:
            on_progress(done * 100 // len(parts))
    return Report(filter=f, generated_at=clock.now(), **values)
