"""XLSX files of the reports (XlsxWriter): real number and date cells, one sheet per table."""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import xlsxwriter
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from reports import tables
from reports.distribution import Timing
from reports.metrics import Report
from reports.monitoring import EVALUATION_CRITERIA, MonitoringForm


def _minutes(seconds: int | None) -> float | None:
    return None if seconds is None else seconds / 60


class Sheets:
    """A workbook with the formats every report uses."""

    def __init__(self) -> None:
        self.buffer = io.BytesIO()
        self.book: Workbook = xlsxwriter.Workbook(self.buffer, {"in_memory": True})
        add = self.book.add_format
        self.bold = add({"bold": True})
        self.title = add({"bold": True, "font_size": 14})
        self.header = add({"bold": True, "bg_color": "#DDE4EE", "border": 1, "text_wrap": True})
        self.text = add({"border": 1, "text_wrap": True, "valign": "top"})
        self.integer = add({"border": 1, "num_format": "0"})
        self.minutes = add({"border": 1, "num_format": "0.0"})
        self.share = add({"border": 1, "num_format": "0%"})
        self.date = add({"num_format": "dd/mm/yyyy"})
        self.datetime = add({"border": 1, "num_format": "dd/mm/yyyy hh:mm"})
        self.tz = ZoneInfo(settings.TIME_ZONE)

    def sheet(self, name: str, widths: Sequence[int]) -> Worksheet:
        sheet = self.book.add_worksheet(name[:31])
        for column, width in enumerate(widths):
            sheet.set_column(column, column, width)
        return sheet

    def head(self, sheet: Worksheet, title: str, start: date, end: date) -> int:
        """Letterhead, title and period at the top; returns the next free row."""
        head = tables.letterhead()
        sheet.write(0, 0, head["government"], self.bold)
        sheet.write(1, 0, head["name"], self.bold)
        sheet.write(2, 0, head["address"])
        sheet.write(4, 0, title, self.title)
        sheet.write(5, 0, _("From"))
        sheet.write_datetime(5, 1, datetime.combine(start, datetime.min.time()), self.date)
        sheet.write(6, 0, _("Until"))
        sheet.write_datetime(6, 1, datetime.combine(end, datetime.min.time()), self.date)
        return 8

    def header_row(self, sheet: Worksheet, row: int, labels: Sequence[str]) -> int:
        for column, label in enumerate(labels):
            sheet.write(row, column, label, self.header)
        return row + 1

    def cell(self, sheet: Worksheet, row: int, column: int, value: Any, fmt: Any) -> None:
        if value is None or value == "":
            sheet.write_blank(row, column, None, fmt)
        elif isinstance(value, datetime):
            sheet.write_datetime(row, column, value.astimezone(self.tz).replace(tzinfo=None), fmt)
        elif isinstance(value, int | float):
            sheet.write_number(row, column, value, fmt)
        else:
            sheet.write_string(row, column, str(value), fmt)

    def rows(self, sheet: Worksheet, row: int, rows: Sequence[Sequence[tuple[Any, Any]]]) -> int:
        for values in rows:
            for column, (value, fmt) in enumerate(values):
                self.cell(sheet, row, column, value, fmt)
            row += 1
        return row

    def timing(self, t: Timing) -> list[tuple[Any, Any]]:
        return [
            (_minutes(t.median), self.minutes),
            (_minutes(t.p90), self.minutes),
            (t.share, self.share),
        ]

    def close(self) -> bytes:
        self.book.close()
        return self.buffer.getvalue()


def report_xlsx(report: Report) -> bytes:
    """The monthly report: summary, steps, lead time, returns, persons, channels, overdue."""
    x = Sheets()
    f = report.filter
    title = _("SOP report")

    sheet = x.sheet(_("Summary"), [44, 14])
    row = x.head(sheet, title, f.start, f.end)
    summary = [
        (_("Items assigned"), report.items_assigned),
        (_("Items posted"), report.lead_time.wall.count),
        (_("Returned (corrections and verifications)"), report.returns.total),
        (_("Items returned at least once"), report.returns.items_returned),
        (_("Overdue now"), report.overdue.count),
    ]
    x.rows(sheet, row, [[(label, x.text), (value, x.integer)] for label, value in summary])

    sheet = x.sheet(_("Per step"), [8, 28, 12, 10, 12, 12, 12, 12, 12, 12])
    row = x.head(sheet, _("Per step"), f.start, f.end)
    row = x.header_row(
        sheet,
        row,
        [
            _("Step"),
            _("Activity"),
            _("Standard time (min)"),
            _("Count"),
            _("Median, wall-clock (min)"),
            _("p90, wall-clock (min)"),
            _("Within standard, wall-clock"),
            _("Median, office hours (min)"),
            _("p90, office hours (min)"),
            _("Within standard, office hours"),
        ],
    )
    x.rows(
        sheet,
        row,
        [
            [
                (m.step, x.integer),
                (m.label, x.text),
                (m.standard_minutes, x.integer),
                (m.wall.count, x.integer),
                *x.timing(m.wall),
                *x.timing(m.business),
            ]
            for m in report.steps
        ],
    )

    sheet = x.sheet(_("Lead time"), [20, 12, 12, 12, 14])
    row = x.head(sheet, _("Lead time: assignment to posting"), f.start, f.end)
    row = x.header_row(
        sheet,
        row,
        [
            "",
            _("Items posted"),
            _("Median (min)"),
            _("p90 (min)"),
            _("Within %(minutes)d min") % {"minutes": report.lead_time.standard_minutes},
        ],
    )
    x.rows(
        sheet,
        row,
        [
            [(name, x.text), (t.count, x.integer), *x.timing(t)]
            for name, t in tables.lead_rows(report)
        ],
    )

    sheet = x.sheet(_("Returned"), [24] + [14] * (len(report.returns.reasons) + 1))
    row = x.head(sheet, _("Returned"), f.start, f.end)
    row = x.header_row(
        sheet, row, [_("Step"), *(label for _c, label in report.returns.reasons), _("Total")]
    )
    x.rows(
        sheet,
        row,
        [
            [(r.name, x.text), *((n, x.integer) for n in r.counts), (r.total, x.integer)]
            for r in tables.return_rows(report)
        ],
    )

    sheet = x.sheet(_("Per person"), [26, 14, 16, 10, 12, 14, 14])
    row = x.head(sheet, _("Per person"), f.start, f.end)
    row = x.header_row(
        sheet,
        row,
        [
            _("Name"),
            _("Username"),
            _("Role"),
            _("Acts"),
            _("Median (min)"),
            _("Within standard (wall-clock)"),
            _("Within standard (office hours)"),
        ],
    )
    x.rows(
        sheet,
        row,
        [
            [
                (p.name, x.text),
                (p.username, x.text),
                (p.role, x.text),
                (p.wall.count, x.integer),
                (_minutes(p.wall.median), x.minutes),
                (p.wall.share, x.share),
                (p.business.share, x.share),
            ]
            for p in report.persons
        ],
    )

    sheet = x.sheet(_("Per channel"), [16, 12, 10, 10, 10, 14])
    row = x.head(sheet, _("Per channel"), f.start, f.end)
    row = x.header_row(
        sheet,
        row,
        [
            _("Channel"),
            _("Publications"),
            _("Posted"),
            _("Failed"),
            _("Retried"),
            _("Median time to post (min)"),
        ],
    )
    x.rows(
        sheet,
        row,
        [
            [
                (c.channel, x.text),
                (c.total, x.integer),
                (c.posted, x.integer),
                (c.failed, x.integer),
                (c.retried, x.integer),
                (_minutes(c.time_to_post.median), x.minutes),
            ]
            for c in report.channels
        ],
    )

    sheet = x.sheet(_("Overdue now"), [14, 36, 8, 20, 22, 18, 12])
    row = x.head(sheet, _("Overdue now"), f.start, f.end)
    row = x.header_row(
        sheet,
        row,
        [
            _("Code"),
            _("Item"),
            _("Step"),
            _("Activity"),
            _("Waiting for"),
            _("Since"),
            _("Late (min)"),
        ],
    )
    x.rows(
        sheet,
        row,
        [
            [
                (o.item_code, x.text),
                (o.item_title, x.text),
                (o.step, x.integer),
                (o.label, x.text),
                (o.assignee, x.text),
                (o.started_at, x.datetime),
                (o.late_seconds / 60, x.minutes),
            ]
            for o in report.overdue.oldest
        ],
    )
    return x.close()


def monitoring_xlsx(form: MonitoringForm) -> bytes:
    """The monitoring form (one row per step) and the evaluation checklist."""
    x = Sheets()
    f = form.filter
    sheet = x.sheet(_("Monitoring"), [5, 60, 24, 40, 30, 14])
    row = x.head(sheet, _("SOP implementation monitoring"), f.start, f.end)
    sheet.write(row, 0, form.sop_title, x.bold)
    row = x.header_row(
        sheet,
        row + 1,
        [
            pgettext("table column", "No."),
            _("Procedure"),
            _("Assessment of the implementation"),
            _("Notes on the assessment"),
            _("Action to be taken"),
            _("Assessor's initials"),
        ],
    )
    x.rows(
        sheet,
        row,
        [
            [
                (r.number, x.integer),
                (r.procedure, x.text),
                (r.assessment, x.text),
                (r.note, x.text),
                ("", x.text),
                ("", x.text),
            ]
            for r in form.rows
        ],
    )

    sheet = x.sheet(_("Evaluation"), [5, 70, 8, 8, 30])
    row = x.head(sheet, _("SOP evaluation"), f.start, f.end)
    row = x.header_row(
        sheet,
        row,
        [
            pgettext("table column", "No."),
            _("Criterion"),
            pgettext("evaluation answer", "Yes"),
            pgettext("evaluation answer", "No"),
            _("Notes"),
        ],
    )
    x.rows(
        sheet,
        row,
        [
            [(n, x.integer), (str(c), x.text), ("", x.text), ("", x.text), ("", x.text)]
            for n, c in enumerate(EVALUATION_CRITERIA, start=1)
        ],
    )
    return x.close()
