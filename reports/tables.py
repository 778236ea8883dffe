"""Rows shared by the dashboard tables, the PDF and the XLSX (one source for every format)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from newsroom.actions import action_label
from newsroom.regions import LAMPUNG_REGIONS
from reports.distribution import Timing
from reports.metrics import Report


@dataclass(frozen=True)
class ReturnRow:
    name: str
    counts: list[int]
    total: int


def lead_rows(report: Report) -> list[tuple[str, Timing]]:
    return [
        (_("Wall-clock"), report.lead_time.wall),
        (_("Office hours"), report.lead_time.business),
    ]


def return_rows(report: Report) -> list[ReturnRow]:
    names = {3: action_label("review"), 5: action_label("verify")}
    return [
        ReturnRow(
            name=f"{r.step} {names.get(r.step, '')}".strip(),
            counts=[r.count_for(code) for code, _label in report.returns.reasons],
            total=r.total,
        )
        for r in report.returns.steps
    ]


def letterhead() -> dict[str, str]:
    return {
        "government": settings.OFFICE_GOVERNMENT,
        "name": settings.OFFICE_NAME,
        "address": settings.OFFICE_ADDRESS,
    }


def table_context(report: Report) -> dict[str, Any]:
    """What ``reports/_tables.html`` needs besides the report."""
    return {
        "report": report,
        "lead_rows": lead_rows(report),
        "return_rows": return_rows(report),
        "region_name": LAMPUNG_REGIONS.get(report.filter.region, ""),
        "letterhead": letterhead(),
    }
