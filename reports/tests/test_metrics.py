"""Metrics on a history whose answers are computed by hand (lower median: rank ⌈n/2⌉;
p90: rank ⌈0.9·n⌉; within: duration <= standard minutes x 60)."""

from __future__ import annotations

from datetime import date, timedelta

from channels.models import Publication
from reports import metrics
from reports.distribution import Timing
from reports.tests.history import Clock

WEEK = metrics.Filter(start=date(2026, 3, 2), end=date(2026, 3, 9))


def by_action(f: metrics.Filter) -> dict[str, metrics.StepMetric]:
    return {m.action: m for m in metrics.step_metrics(f)}


def test_it_measures_each_act_in_wall_clock_time(history: Clock) -> None:
    steps = by_action(WEEK)
    # assign: A 60, B 180, C 120, D 120 -> [60, 120, 120, 180]; standard 2 min
    assert steps["assign"].wall == Timing(count=4, median=120, p90=180, within=3)
    # direct: A 240, B 360, C 300, D Fri 15:50 -> Mon 07:35 = 63 h 45 min
    assert steps["direct"].wall == Timing(count=4, median=300, p90=229_500, within=2)
    # submit: A 360; B 600, 300, 240; C 480 -> [240, 300, 360, 480, 600]; standard 7 min
    assert steps["submit"].wall == Timing(count=5, median=360, p90=600, within=3)
    # review: A 120; B 180 (return), 60, 120; C 240
    assert steps["review"].wall == Timing(count=5, median=120, p90=240, within=5)
    # forward: A 60; B 180, 60; C 120 -> [60, 60, 120, 180]; standard 2 min
    assert steps["forward"].wall == Timing(count=4, median=60, p90=180, within=3)
    # verify: A 120; B 120 (return), 60; C 180
    assert steps["verify"].wall == Timing(count=4, median=120, p90=180, within=3)
    # handover: A 60, B 120, C 60 -> median rank 2 of 3; standard 1 min
    assert steps["handover"].wall == Timing(count=3, median=60, p90=120, within=2)
    # post: A 60, B 120, C 180
    assert steps["post"].wall == Timing(count=3, median=120, p90=180, within=2)
    assert steps["assign"].wall.share == 0.75
    assert [m.step for m in metrics.step_metrics(WEEK)] == [1, 2, 3, 3, 4, 5, 6, 7]


def test_business_time_skips_the_weekend(history: Clock) -> None:
    direct = by_action(WEEK)["direct"]
    # D: Friday 15:50-16:00 (10 min) + Monday 07:30-07:35 (5 min) = 900 s of office time.
    assert direct.business == Timing(count=4, median=300, p90=900, within=2)
    # Everything else ran inside office hours: business time equals wall-clock time.
    assert by_action(WEEK)["submit"].business == by_action(WEEK)["submit"].wall


def test_it_counts_return_loops_by_step_and_reason(history: Clock) -> None:
    returns = metrics.return_metrics(WEEK)
    assert [(s.step, s.total, s.by_reason) for s in returns.steps] == [
        (3, 1, {"bahasa-ejaan": 1}),
        (5, 1, {"akurasi-data": 1}),
    ]
    assert returns.items_returned == 1
    assert returns.total == 2
    assert [code for code, _label in returns.reasons] == [
        "bahasa-ejaan",
        "akurasi-data",
        "foto",
        "sensitivitas-kebijakan",
        "lainnya",
    ]


def test_lead_time_runs_from_assignment_to_posting(history: Clock) -> None:
    lead = metrics.lead_time(WEEK)
    # A 18 min, B 45 min, C 28 min; the SOP's total is 2+5+7+2+2+1+2 = 21 min.
    assert lead.standard_minutes == 21
    assert lead.wall == Timing(count=3, median=1680, p90=2700, within=1)
    assert lead.business == lead.wall


def test_it_filters_by_region_and_person(history: Clock) -> None:
    region = metrics.Filter(start=WEEK.start, end=WEEK.end, region="18.71")
    steps = by_action(region)
    assert steps["submit"].wall == Timing(count=1, median=480, p90=480, within=0)
    assert metrics.lead_time(region).wall.count == 1
    person = metrics.Filter(start=WEEK.start, end=WEEK.end, username="operator2")
    steps = by_action(person)
    assert steps["submit"].wall.count == 1
    assert steps["post"].wall == Timing(count=1, median=180, p90=180, within=0)
    assert steps["review"].wall.count == 0


def test_the_period_is_whole_days_in_the_office_time_zone(history: Clock) -> None:
    friday_on = metrics.Filter(start=date(2026, 3, 6), end=date(2026, 3, 9))
    steps = by_action(friday_on)
    assert steps["assign"].wall.count == 1  # D, Friday
    assert steps["direct"].wall.count == 1  # D, next Monday
    assert steps["submit"].wall.count == 0
    monday_only = metrics.Filter(start=date(2026, 3, 2), end=date(2026, 3, 2))
    assert by_action(monday_only)["submit"].wall.count == 5


def test_it_measures_each_person(history: Clock) -> None:
    persons = {p.username: p for p in metrics.person_metrics(WEEK)}
    # kabid: assign 60, 180, 120, 120 and verify 120, 120, 60, 180; within 3 + 3
    assert persons["kabid"].wall == Timing(count=8, median=120, p90=180, within=6)
    # operator2 (item C): submit 480 (> 420), post 180 (> 120)
    assert persons["operator2"].wall == Timing(count=2, median=180, p90=480, within=0)
    assert persons["kabid"].role == "Kabid PLIP"


def test_overdue_now_counts_open_acts_past_their_standard(history: Clock) -> None:
    overdue = metrics.overdue_now(WEEK)
    # D waits for production since Monday 07:35; at 08:00 it is 25 - 7 = 18 min late.
    assert overdue.count == 1
    assert overdue.by_step == {3: 1}
    assert overdue.oldest[0].late_seconds == 18 * 60
    history.at = history.at.replace(hour=7, minute=40)
    assert metrics.overdue_now(WEEK).count == 0


def test_it_measures_channels(history: Clock) -> None:
    pks = list(Publication.objects.order_by("pk").values_list("pk", flat=True))
    assert len(pks) == 3
    # created_at is set by auto_now_add, not lib.clock: pin both ends to know the answer.
    for minutes, pk in zip((2, 4, 9), pks, strict=True):
        Publication.objects.filter(pk=pk).update(
            created_at=history.at, posted_at=history.at + timedelta(minutes=minutes)
        )
    Publication.objects.filter(pk=pks[-1]).update(state=Publication.State.FAILED, attempts=3)
    [website] = metrics.channel_metrics(WEEK)
    assert (website.channel, website.total, website.posted, website.failed, website.retried) == (
        "website",
        3,
        2,
        1,
        1,
    )
    assert website.time_to_post == Timing(count=2, median=120, p90=240, within=0)


def test_an_empty_period_has_no_numbers(history: Clock) -> None:
    empty = metrics.Filter(start=date(2025, 1, 1), end=date(2025, 1, 31))
    assert all(m.wall == Timing.empty() for m in metrics.step_metrics(empty))
    assert metrics.lead_time(empty).wall.median is None
    assert metrics.channel_metrics(empty) == []
