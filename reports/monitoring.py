"""The SOP monitoring form of PermenPAN-RB 35/2012 ("Monitoring Pelaksanaan SOP AP"), prefilled
from the data, and the evaluation checklist the assessor fills in.

The assessment uses business time (office hours), the time the SOP's standards are meant in.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from reports import metrics
from reports.distribution import Timing
from sop.models import SopVersion

DEFAULT_MONTHS = 6

# The seven criteria of the SOP evaluation (each answered yes/no by the assessor).
EVALUATION_CRITERIA = (
    gettext_lazy("Does the SOP help improve performance?"),
    gettext_lazy("Is the SOP easy to understand?"),
    gettext_lazy("Is the SOP easy to carry out?"),
    gettext_lazy("Can everyone carry out their own role?"),
    gettext_lazy("Does the SOP solve the problems that arise in the process?"),
    gettext_lazy("Does the SOP meet the organisation's need to improve performance?"),
    gettext_lazy("Do the SOPs work together (synergy with one another)?"),
)


@dataclass(frozen=True)
class MonitoringRow:
    number: int
    procedure: str
    standard_minutes: int
    timing: Timing
    returns: int
    good: bool | None  # None: the step did not run in the period

    @property
    def assessment(self) -> str:
        if self.good is None:
            return _("No data in this period")
        return _("Running well") if self.good else _("Not running well")

    @property
    def note(self) -> str:
        if self.timing.median is None:
            return _("not carried out in this period")
        parts = [
            _("median %(median)s min vs standard %(standard)s min")
            % {
                "median": minutes(self.timing.median),
                "standard": self.standard_minutes,
            }
        ]
        if self.returns:
            parts.append(
                ngettext("returned once", "returned %(count)d times", self.returns)
                % {"count": self.returns}
            )
        return "; ".join(parts)


@dataclass(frozen=True)
class MonitoringForm:
    filter: metrics.Filter
    sop_title: str
    good_share: float
    rows: list[MonitoringRow]


def minutes(seconds: int) -> str:
    """Minutes for people: whole when whole, else one decimal (in the active language)."""
    value = round(seconds / 60, 1)
    return number_format(value, decimal_pos=0 if value == int(value) else 1)


def months_before(day: date, months: int) -> date:
    """The same day ``months`` earlier (the month's last day where it is shorter)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def default_filter(today: date | None = None) -> metrics.Filter:
    """The six months up to and including today."""
    end = today or metrics.today()
    return metrics.Filter(start=months_before(end, DEFAULT_MONTHS) + timedelta(days=1), end=end)


def monitoring_form(f: metrics.Filter) -> MonitoringForm:
    """One row per SOP step, assessed against ``settings.MONITORING_GOOD_SHARE``."""
    sop = SopVersion.objects.current().sop
    good_share = float(settings.MONITORING_GOOD_SHARE)
    totals = metrics.step_totals(f)
    returns = {r.step: r.total for r in metrics.return_metrics(f).steps}
    rows = []
    for step in sop.steps:
        business = totals[step.number][1] if step.number in totals else Timing.empty()
        share = business.share
        rows.append(
            MonitoringRow(
                number=step.number,
                procedure=step.activity,
                standard_minutes=step.standard_minutes,
                timing=business,
                returns=returns.get(step.number, 0),
                good=None if share is None else share >= good_share,
            )
        )
    return MonitoringForm(filter=f, sop_title=sop.identity.title, good_share=good_share, rows=rows)
