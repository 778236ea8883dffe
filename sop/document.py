"""The official SOP document (identity table + flowchart table) built from an SOP definition.

The procedure table has a fixed width, like the printed A4 landscape sheet, so the height each
row's text needs can be estimated here and the flowchart, drawn as one SVG over the actor
columns of a page's rows, lines up with the rows in the browser and in the PDF alike.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from sop.definition import Sop, Step
from sop.flowchart import ChartPage, layout
from sop.flowchart_svg import render_row_svg

# Column widths of the procedure table in CSS px; static/sop/document.css uses the same figures.
WIDTHS = {"no": 30, "activity": 250, "actors": 330, "requirements": 170, "time": 56}
WIDTHS |= {"output": 110, "remarks": 94}
FONT_PX = 11.0
LINE_PX = 14.5  # line-height 1.3 at 11 px, rounded up
CHAR_PX = FONT_PX * 0.58  # a generous average glyph width, so estimates err on the tall side
CELL_PAD_X, CELL_PAD_Y = 4.0, 4.0
# An A4 landscape page (210 mm = 794 px) less margins (76), the page heading and the table head
# and total row (90), and some room for error.
PAGE_ROWS_PX = 600.0


@dataclass(frozen=True)
class Row:
    step: Step
    requirements: str
    svg: SafeString  # this row's band of the flowchart


@dataclass(frozen=True)
class Page:
    number: int
    rows: tuple[Row, ...]
    chart: ChartPage


@dataclass(frozen=True)
class Document:
    sop: Sop
    pages: tuple[Page, ...]

    @property
    def total_minutes(self) -> int:
        return self.sop.total_standard_minutes

    @property
    def actor_columns(self) -> int:
        return len(self.sop.roles)


def build(sop: Sop, *, paginate: bool = False, rows_per_page: int | None = None) -> Document:
    """Lay out the document; ``paginate`` splits the chart to fit A4 pages (the PDF)."""
    minimum = [row_text_height(step) for step in sop.steps]
    charts = layout(
        sop,
        width=WIDTHS["actors"],
        min_row_heights=minimum,
        page_height=PAGE_ROWS_PX if paginate else None,
        rows_per_page=rows_per_page,
        start_label=gettext("Start"),
        end_label=gettext("End"),
    )
    pages = []
    for chart in charts:
        rows = tuple(
            # The markup is built by flowchart_svg, which escapes every text it writes.
            Row(step, requirements_text(step), mark_safe(render_row_svg(chart, index)))  # noqa: S308
            for index, step in enumerate(chart.steps)
        )
        pages.append(Page(chart.number, rows, chart))
    return Document(sop, tuple(pages))


def requirements_text(step: Step) -> str:
    """The requirements as the original document lists them: in one run, comma-separated."""
    return ", ".join(step.requirements)


def row_text_height(step: Step) -> float:
    """The height the tallest text cell of a step's row needs, rounded up to whole pixels."""
    cells = [
        (str(step.number), WIDTHS["no"]),
        (step.activity, WIDTHS["activity"]),
        (requirements_text(step), WIDTHS["requirements"]),
        ("00 menit", WIDTHS["time"]),
        (step.output, WIDTHS["output"]),
        (step.remarks, WIDTHS["remarks"]),
    ]
    lines = max(wrapped_lines(text, width) for text, width in cells)
    return float(math.ceil(lines * LINE_PX + 2 * CELL_PAD_Y + LINE_PX / 2))


def wrapped_lines(text: str, width: float) -> int:
    """How many lines ``text`` takes in a cell ``width`` px wide (greedy word wrap)."""
    per_line = max(1, int((width - 2 * CELL_PAD_X) // CHAR_PX))
    lines, used = 1, 0
    for word in text.split():
        size = len(word)
        if used and used + 1 + size <= per_line:
            used += 1 + size
            continue
        if used:
            lines += 1
        more = (size - 1) // per_line  # a word longer than a line breaks anywhere
        lines, used = lines + more, size - more * per_line
    return lines
