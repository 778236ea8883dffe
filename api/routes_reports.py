"""``/reports``: the SOP's numbers for other government dashboards (the same as the web page)."""

from __future__ import annotations

from datetime import date

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja.errors import HttpError

from lib.dates import InvalidDate, parse_iso_date
from reports import forms, metrics
from reports.distribution import Timing

router = Router(tags=["reports"])

# The longest period one request may ask for (the dashboard's own limit).
MAX_DAYS = forms.MAX_DAYS


class TimingOut(Schema):
    count: int
    median_seconds: int | None
    p90_seconds: int | None
    within_standard: int
    share_within_standard: float | None


class StepReportOut(Schema):
    step: int
    action: str
    standard_minutes: int
    wall_clock: TimingOut
    business_time: TimingOut
    returned: int


class ReturnsOut(Schema):
    step: int
    total: int
    by_reason: dict[str, int]


class LeadTimeOut(Schema):
    standard_minutes: int
    wall_clock: TimingOut
    business_time: TimingOut


class SopReportOut(Schema):
    date_from: date
    date_to: date
    region: str
    steps: list[StepReportOut]
    returns: list[ReturnsOut]
    lead_time: LeadTimeOut
    overdue_now: int


def _timing(t: Timing) -> TimingOut:
    return TimingOut(
        count=t.count,
        median_seconds=t.median,
        p90_seconds=t.p90,
        within_standard=t.within,
        share_within_standard=None if t.share is None else round(t.share, 4),
    )


def _date(value: str | None, name: str, default: date) -> date:
    if not value:
        return default
    try:
        return parse_iso_date(value, name)
    except InvalidDate as exc:
        raise HttpError(400, exc.message) from None


@router.get("/sop", response=SopReportOut, url_name="reports-sop")
def sop_report(
    request: HttpRequest,
    date_from: str | None = Query(None, alias="from"),
    date_to: str | None = Query(None, alias="to"),
    region: str = "",
) -> SopReportOut:
    """Per step: count, median and p90 seconds, share within the standard; returns; lead time.

    Query: ``from`` and ``to`` (YYYY-MM-DD, both included; default: this month up to today),
    optionally ``region`` (a Kemendagri code such as 18.71).
    """
    default = forms.this_month()
    start = _date(date_from, "from", default.start)
    end = _date(date_to, "to", default.end)
    if start > end:
        raise HttpError(400, _("The end of the period is before its start."))
    if (end - start).days > MAX_DAYS:
        raise HttpError(400, _("Choose a period of at most three years."))
    f = metrics.Filter(start=start, end=end, region=region)
    returns = metrics.return_metrics(f)
    returned = {r.step: r.total for r in returns.steps}
    lead = metrics.lead_time(f)
    steps = metrics.step_metrics(f)
    return SopReportOut(
        date_from=start,
        date_to=end,
        region=region,
        steps=[
            StepReportOut(
                step=m.step,
                action=m.action,
                standard_minutes=m.standard_minutes,
                wall_clock=_timing(m.wall),
                business_time=_timing(m.business),
                # Returns are the decisions' outcome: count them on the deciding act.
                returned=returned.get(m.step, 0) if m.action in ("review", "verify") else 0,
            )
            for m in steps
        ],
        returns=[
            ReturnsOut(step=r.step, total=r.total, by_reason=r.by_reason) for r in returns.steps
        ],
        lead_time=LeadTimeOut(
            standard_minutes=lead.standard_minutes,
            wall_clock=_timing(lead.wall),
            business_time=_timing(lead.business),
        ),
        overdue_now=metrics.overdue_now(f).count,
    )
