"""PDF files of the reports: WeasyPrint renders the same templates as the pages, on A4."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string

from reports import tables
from reports.metrics import Report
from reports.monitoring import EVALUATION_CRITERIA, MonitoringForm

PRINT_CSS = "reports/print.css"


def _pdf(template: str, context: dict[str, Any]) -> bytes:
    from weasyprint import CSS, HTML  # imported here: loading it costs every process 1-2 s

    html = render_to_string(template, context)
    stylesheet = finders.find(PRINT_CSS)
    assert isinstance(stylesheet, str), f"{PRINT_CSS} is missing from the static files"
    document = HTML(string=html, base_url=str(settings.BASE_DIR))
    pdf = document.write_pdf(stylesheets=[CSS(filename=stylesheet)])
    assert pdf is not None
    return bytes(pdf)


def report_pdf(report: Report) -> bytes:
    return _pdf("reports/report_pdf.html", {**tables.table_context(report), "links": False})


def monitoring_pdf(form: MonitoringForm) -> bytes:
    return _pdf(
        "reports/monitoring_pdf.html",
        {
            "monitoring": form,
            "criteria": EVALUATION_CRITERIA,
            "letterhead": tables.letterhead(),
        },
    )
