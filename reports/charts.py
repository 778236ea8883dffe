"""The dashboard's chart data (drawn by static/reports/charts.js from a JSON data island)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from reports.metrics import Report


def _minutes(seconds: int | None) -> float | None:
    return None if seconds is None else round(seconds / 60, 1)


def _percent(share: float | None) -> float | None:
    return None if share is None else round(share * 100, 1)


def chart_data(report: Report) -> dict[str, Any]:
    labels = [f"{m.step} {m.label}" for m in report.steps]
    return {
        "steps": {
            "title": _("Median time per act (minutes, office hours)"),
            "labels": labels,
            "datasets": [
                {
                    "label": _("Median"),
                    "data": [_minutes(m.business.median) for m in report.steps],
                },
                {
                    "label": _("Standard time"),
                    "data": [m.standard_minutes for m in report.steps],
                },
            ],
        },
        "shares": {
            "title": _("Share finished within the standard time (%)"),
            "labels": labels,
            "datasets": [
                {"label": _("Wall-clock"), "data": [_percent(m.wall.share) for m in report.steps]},
                {
                    "label": _("Office hours"),
                    "data": [_percent(m.business.share) for m in report.steps],
                },
            ],
            "max": 100,
        },
        "returns": {
            "title": _("Returned, by reason"),
            "labels": [_("Step %(step)d") % {"step": r.step} for r in report.returns.steps],
            "datasets": [
                {"label": label, "data": [r.count_for(code) for r in report.returns.steps]}
                for code, label in report.returns.reasons
            ],
            "stacked": True,
        },
        "channels": {
            "title": _("Publications per channel"),
            "labels": [c.channel for c in report.channels],
            "datasets": [
                {"label": _("Posted"), "data": [c.posted for c in report.channels]},
                {"label": _("Failed"), "data": [c.failed for c in report.channels]},
                {"label": _("Retried"), "data": [c.retried for c in report.channels]},
            ],
        },
    }
