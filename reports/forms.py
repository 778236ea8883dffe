"""The report filter: period, regency/city and person."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.choices import staff_choices
from lib.dates import IsoDateField
from newsroom.forms import DateInput, StyledForm
from newsroom.regions import REGION_CHOICES
from reports import metrics

# A longer period is refused: the dashboard must answer quickly.
MAX_DAYS = 3 * 366


class ReportFilterForm(StyledForm):
    date_from = IsoDateField(label=_("From"), widget=DateInput)
    date_to = IsoDateField(label=_("Until"), widget=DateInput)
    region = forms.ChoiceField(
        label=_("Regency/city"), required=False, choices=[("", _("All")), *REGION_CHOICES]
    )
    person = forms.ChoiceField(label=_("Person"), required=False)

    def __init__(self, *args: Any, default: metrics.Filter, **kwargs: Any) -> None:
        data = args[0] if args else kwargs.get("data")
        if data is not None:
            data = data.copy()
            data.setdefault("date_from", default.start.isoformat())
            data.setdefault("date_to", default.end.isoformat())
            args = (data, *args[1:])
        super().__init__(*args, **kwargs)
        person = self.fields["person"]
        assert isinstance(person, forms.ChoiceField)
        person.choices = staff_choices()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end of the period is before its start."))
        elif start and end and (end - start).days > MAX_DAYS:
            self.add_error("date_to", _("Choose a period of at most three years."))
        return data

    def report_filter(self) -> metrics.Filter:
        data = self.cleaned_data
        return metrics.Filter(
            start=data["date_from"],
            end=data["date_to"],
            region=data.get("region") or "",
            username=data.get("person") or "",
        )


def this_month(today: date | None = None) -> metrics.Filter:
    """From the first of the current month to today."""
    end = today or metrics.today()
    return metrics.Filter(start=end.replace(day=1), end=end)


def previous_month(today: date | None = None) -> metrics.Filter:
    """The whole month before the current one (the monthly report's default)."""
    first = (today or metrics.today()).replace(day=1)
    last = first - timedelta(days=1)
    return metrics.Filter(start=last.replace(day=1), end=last)


def filter_from_params(params: dict[str, str]) -> metrics.Filter:
    """A Filter from stored export parameters (written by ``Filter.as_query``)."""
    return metrics.Filter(
        start=date.fromisoformat(params["from"]),
        end=date.fromisoformat(params["to"]),
        region=params.get("region", ""),
        username=params.get("person", ""),
    )
