"""SVG markup for one page of the flowchart, styled by presentation attributes (no style=: CSP).

Every symbol is a ``<g>`` that says what it is, so the structure can be checked by parsing:
``class="shape process lead" data-step="3" data-action="submit" data-actor="operator"``,
``class="shape decision"``, ``class="shape terminator" data-terminal="start"``,
``class="shape connector" data-letter="A" data-direction="out"`` and
``class="arrow" data-from="review" data-to="submit" data-label="Tidak" data-outcome="return"``.
"""

from __future__ import annotations

from xml.sax.saxutils import escape, quoteattr

from sop.flowchart import ChartPage, Point, Shape

INK = "#000"
GRID = "#000"
FONT = "Arial, 'Liberation Sans', Helvetica, sans-serif"


def render_svg(page: ChartPage, *, title: str = "", uid: str = "") -> str:
    """The page's chart as one ``<svg>`` element sized to the actor columns of its rows."""
    return _svg(page, 0.0, page.height, f"{uid}p{page.number}", title, row_lines=True)


def render_row_svg(page: ChartPage, row: int, *, uid: str = "") -> str:
    """The band of the page's chart that lies in one table row, as that row's own ``<svg>``.

    Each table row carries its band, so the chart lines up with rows of any height in any
    engine; shapes sit in their row's band, and an arrow crossing rows is drawn in each band it
    crosses (clipped to the band), so it reads as one line over the row borders.
    """
    top = page.row_top(row)
    bottom = top + page.row_heights[row]
    return _svg(page, top, bottom, f"{uid}p{page.number}r{row}", "", row_lines=False)


def _svg(page: ChartPage, top: float, bottom: float, uid: str, title: str, row_lines: bool) -> str:
    marker, clip = f"arrowhead-{uid}", f"band-{uid}"
    w, h = _n(page.width), _n(bottom - top)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="flowchart" width="{w}" height="{h}" '
        f'viewBox="0 {_n(top)} {w} {h}" data-page="{page.number}" '
        f'font-family="{FONT}" font-size="10"'
        + (' role="img">' if title else ' aria-hidden="true">'),
    ]
    if title:
        parts.append(f"<title>{escape(title)}</title>")
    parts.append(
        f'<defs><marker id="{marker}" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" '
        f'markerHeight="7" orient="auto"><path d="M0,0 L10,5 L0,10 z" '
        f'fill="{INK}"/></marker><clipPath id="{clip}"><rect x="0" y="{_n(top)}" width="{w}" '
        f'height="{h}"/></clipPath></defs><g clip-path="url(#{clip})">'
    )
    parts.extend(_grid(page, top, bottom, row_lines))
    parts.extend(_shape(s) for s in page.shapes if top <= s.cy < bottom)
    for arrow in page.arrows:
        ys = [y for _x, y in arrow.points]
        if max(ys) < top or min(ys) > bottom:
            continue
        attrs = (
            f'class="arrow" data-from={quoteattr(arrow.source)} data-to={quoteattr(arrow.target)}'
        )
        if arrow.label:
            attrs += f" data-label={quoteattr(arrow.label)} data-outcome={quoteattr(arrow.outcome)}"
        # A path, not a polyline: WeasyPrint turns markers by the angle of path segments only.
        d = "M" + " L".join(f"{_n(x)},{_n(y)}" for x, y in arrow.points)
        body = (
            f'<path d="{d}" fill="none" stroke="{INK}" stroke-width="1.1" '
            f'marker-end="url(#{marker})"/>'
        )
        if arrow.label and top <= arrow.points[0][1] < bottom:
            body += _label(arrow.label, arrow.points)
        parts.append(f"<g {attrs}>{body}</g>")
    parts.append("</g></svg>")
    return "".join(parts)


def _grid(page: ChartPage, top: float, bottom: float, row_lines: bool) -> list[str]:
    """Actor column lines (and row lines on a whole page), as the table's borders draw them."""
    lines = []
    column_width = page.width / len(page.columns)
    for index in range(1, len(page.columns)):
        x = _n(column_width * index)
        lines.append(
            f'<line class="grid" x1="{x}" y1="{_n(top)}" x2="{x}" y2="{_n(bottom)}" '
            f'stroke="{GRID}" stroke-width="1"/>'
        )
    for index in range(1, len(page.row_heights) if row_lines else 0):
        y = _n(page.row_top(index))
        lines.append(
            f'<line class="grid" x1="0" y1="{y}" x2="{_n(page.width)}" y2="{y}" '
            f'stroke="{GRID}" stroke-width="1"/>'
        )
    return lines


def _shape(shape: Shape) -> str:
    left, top = shape.cx - shape.w / 2, shape.cy - shape.h / 2
    stroke = f'fill="#fff" stroke="{INK}" stroke-width="1.2"'
    classes = f"shape {shape.kind}" + (" lead" if shape.lead else "")
    attrs = f'class="{classes}"'
    if shape.kind == "terminator":
        attrs += f' data-terminal="{shape.node.split(":")[0]}"'
        body = (
            f'<rect x="{_n(left)}" y="{_n(top)}" width="{_n(shape.w)}" height="{_n(shape.h)}" '
            f'rx="{_n(shape.h / 2)}" {stroke}/>'
        )
    elif shape.kind == "connector":
        letter = shape.text
        attrs += f' data-letter="{letter}" data-direction="{shape.direction}"'
        body = f'<polygon points="{_pentagon(shape)}" {stroke}/>'
    elif shape.kind == "decision":
        attrs += f' data-step="{shape.step}" data-action="{shape.node}"'
        diamond = (
            f"{_n(shape.cx)},{_n(top)} {_n(shape.cx + shape.w / 2)},{_n(shape.cy)} "
            f"{_n(shape.cx)},{_n(top + shape.h)} {_n(left)},{_n(shape.cy)}"
        )
        body = f'<polygon points="{diamond}" {stroke}/>'
    else:
        attrs += f' data-step="{shape.step}" data-action="{shape.node}"'
        body = (
            f'<rect x="{_n(left)}" y="{_n(top)}" width="{_n(shape.w)}" height="{_n(shape.h)}" '
            f"{stroke}/>"
        )
    if shape.text:
        size = 9 if shape.kind == "decision" else 10
        body += (
            f'<text x="{_n(shape.cx)}" y="{_n(shape.cy + size * 0.35)}" text-anchor="middle" '
            f'font-size="{size}" fill="{INK}">{escape(shape.text)}</text>'
        )
    return f"<g {attrs}>{body}</g>"


def _pentagon(shape: Shape) -> str:
    """The off-page connector: a square with a point at the bottom (a home plate)."""
    left, right = shape.cx - shape.w / 2, shape.cx + shape.w / 2
    top, bottom = shape.cy - shape.h / 2, shape.cy + shape.h / 2
    shoulder = bottom - shape.h * 0.35
    points: list[Point] = [
        (left, top),
        (right, top),
        (right, shoulder),
        (shape.cx, bottom),
        (left, shoulder),
    ]
    return " ".join(f"{_n(x)},{_n(y)}" for x, y in points)


def _label(text: str, points: tuple[Point, ...]) -> str:
    """The branch's label just beside where it leaves the decision."""
    (x1, y1), x2 = points[0], points[1][0]
    if abs(x2 - x1) < 0.5:  # leaves downwards
        x, y, anchor = x1 + 4, y1 + 10, "start"
    elif x2 > x1:
        x, y, anchor = x1 + 4, y1 - 6, "start"
    else:
        x, y, anchor = x1 - 4, y1 - 6, "end"
    return (
        f'<text class="arrow-label" x="{_n(x)}" y="{_n(y)}" text-anchor="{anchor}" '
        f'font-size="9" fill="{INK}">{escape(text)}</text>'
    )


def _n(value: float) -> str:
    """A coordinate with at most one decimal, without a trailing .0."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text
