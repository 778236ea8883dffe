"""The SOP's flowchart laid out in the actor columns of the procedure table, page by page.

The chart uses the five symbols of PermenPAN-RB 35/2012: terminator, process, decision, arrow
and off-page connector. Rows are the table's rows (one per step), columns the roles in SOP order.

How shapes are counted: every task is one shape, a process rectangle or, when it has outcomes,
a decision diamond, in the column of the task's actor. The first task of a step is its *lead*
shape, drawn in the step actor's column; a step of several tasks (the seed's step 3: the
operator submits, then the Kasi reviews) adds one shape per further task below the lead. So the
seed has one lead shape per step (7), and 8 shapes in all: 6 processes and 2 decisions.

Within a row the shapes are stacked top to bottom in task order, so an arrow to a later task always
runs downwards; an arrow back to an earlier task (a decision's "Tidak") leaves the shape sideways
and runs up a channel beside the target's column into the target's side. Where the chart is split
over pages, an arrow that crosses the break ends at an off-page connector with a letter and the
next part of the chart starts from a connector with the same letter.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from sop.definition import Sop, Step

Kind = Literal["terminator", "process", "decision", "connector"]
Point = tuple[float, float]
Item = tuple[str, int, str]  # a shape to place: its node, column and text

START, END_NODE = "start", "end"

# Geometry in CSS pixels (1/96 in), the same unit in the browser and in WeasyPrint.
ROW_PAD = 16.0  # free space above the first and below the last shape of a row
SLOT_GAP = 26.0  # between stacked shapes: room for an arrow's elbow
TURN = 12.0  # an arrow turns this far above the shape it enters
CHANNEL = 6.0  # spacing of the vertical channels that carry loops back
HEIGHTS: dict[Kind, float] = {"terminator": 24, "process": 34, "decision": 46, "connector": 22}


@dataclass(frozen=True)
class Shape:
    """One symbol; ``node`` names it for arrows: a task's action, start, end or connector:X."""

    kind: Kind
    node: str
    column: int
    cx: float
    cy: float
    w: float
    h: float
    text: str = ""
    step: int | None = None
    lead: bool = False
    direction: str = ""  # connectors: "out" (the chart continues elsewhere) or "in"
    row_top: float = 0.0  # where the shape's table row begins

    @property
    def top(self) -> Point:
        return (self.cx, self.cy - self.h / 2)

    @property
    def bottom(self) -> Point:
        return (self.cx, self.cy + self.h / 2)

    def side(self, right: bool, dy: float = 0.0) -> Point:
        return (self.cx + (self.w / 2 if right else -self.w / 2), self.cy + dy)


@dataclass(frozen=True)
class Arrow:
    source: str
    target: str
    points: tuple[Point, ...]
    label: str = ""
    outcome: str = ""


@dataclass
class ChartPage:
    """The part of the chart drawn on one page: its rows, shapes and arrows."""

    number: int
    steps: tuple[Step, ...]
    row_heights: tuple[float, ...]
    columns: tuple[str, ...]
    width: float
    shapes: list[Shape] = field(default_factory=list)
    arrows: list[Arrow] = field(default_factory=list)

    @property
    def height(self) -> float:
        return sum(self.row_heights)

    def row_top(self, index: int) -> float:
        return sum(self.row_heights[:index])

    def shape(self, node: str) -> Shape:
        return next(s for s in self.shapes if s.node == node)


@dataclass(frozen=True)
class _Edge:
    source: str
    target: str
    label: str = ""
    outcome: str = ""


@dataclass
class _Slot:
    """One band of a row holding one shape, or several connectors side by side."""

    kind: Kind
    items: list[Item]  # (node, column, text)
    step: int | None = None
    lead: bool = False


def end_nodes(sop: Sop) -> dict[str, str]:
    """The Selesai terminator of each task that ends the procedure ("end", then "end:2", ...)."""
    ending = [
        task.action
        for step in sop.steps
        for task in step.tasks
        if not task.is_decision and sop.after(step, task) is None
    ]
    return {a: END_NODE if i == 0 else f"{END_NODE}:{i + 1}" for i, a in enumerate(ending)}


def edges(sop: Sop) -> list[_Edge]:
    """Every arrow the definition implies, from Mulai to Selesai, in step order."""
    first = sop.steps[0].tasks[0].action
    found = [_Edge(START, first)]
    ends = end_nodes(sop)
    for step in sop.steps:
        for task in step.tasks:
            if task.is_decision:
                for outcome in task.outcomes:
                    target = sop.first_task_of(outcome.goto)[1].action
                    found.append(_Edge(task.action, target, outcome.label, outcome.key))
                continue
            following = sop.after(step, task)
            found.append(
                _Edge(task.action, following[1].action if following else ends[task.action])
            )
    return found


def paginate(
    heights: Sequence[float], *, page_height: float | None = None, rows_per_page: int | None = None
) -> list[range]:
    """Split rows into pages by a row count, or by height so each page's rows fit it."""
    pages: list[range] = []
    start, used = 0, 0.0
    for index, height in enumerate(heights):
        full = rows_per_page is not None and index - start >= rows_per_page
        tall = page_height is not None and index > start and used + height > page_height
        if full or tall:
            pages.append(range(start, index))
            start, used = index, 0.0
        used += height
    pages.append(range(start, len(heights)))
    return pages


def layout(
    sop: Sop,
    *,
    width: float,
    min_row_heights: Sequence[float] | None = None,
    page_height: float | None = None,
    rows_per_page: int | None = None,
    start_label: str = "Mulai",
    end_label: str = "Selesai",
) -> list[ChartPage]:
    """Lay the chart out for the given width of the actor columns; one ChartPage per page.

    ``min_row_heights`` are what the other cells of each row need (their text); a row is at
    least as tall as its shapes need. ``page_height`` and ``rows_per_page`` split the chart.
    """
    columns = tuple(role.key for role in sop.roles)
    minimum = list(min_row_heights or [0.0] * len(sop.steps))
    slots = [_task_slots(sop, step, columns, start_label, end_label) for step in sop.steps]
    natural = [max(minimum[i], _needed(row)) for i, row in enumerate(slots)]
    # A connector band can make a page's first or last row taller: paginate for the full page
    # first and keep room for the bands only when the pages come out too tall.
    band = HEIGHTS["connector"] + SLOT_GAP
    pages: list[ChartPage] = []
    for reserve in (0.0, band, 2 * band):
        budget = None if page_height is None else page_height - reserve
        ranges = paginate(natural, page_height=budget, rows_per_page=rows_per_page)
        pages = _pages(sop, ranges, slots, minimum, columns, width)
        if page_height is None or all(p.height <= page_height for p in pages):
            break
    return pages


def _pages(
    sop: Sop,
    ranges: list[range],
    base_slots: list[list[_Slot]],
    minimum: list[float],
    columns: tuple[str, ...],
    width: float,
) -> list[ChartPage]:
    page_of = {step.number: p for p, rows in enumerate(ranges) for step in _at(sop, rows)}
    node_page = {START: 0} | {t.action: page_of[s.number] for s in sop.steps for t in s.tasks}
    # Selesai sits in the row of the task that ends the procedure.
    node_page |= {end: node_page[action] for action, end in end_nodes(sop).items()}

    pages_edges, bands = _cut(edges(sop), node_page, columns, sop, len(ranges))
    pages: list[ChartPage] = []
    for p, rows in enumerate(ranges):
        slots = [list(base_slots[i]) for i in rows]
        top, bottom = bands[p]
        if top:
            slots[0].insert(0, _Slot("connector", top))
        if bottom:
            slots[-1].append(_Slot("connector", bottom))
        heights = tuple(max(minimum[i], _needed(s)) for i, s in zip(rows, slots, strict=True))
        page = ChartPage(p + 1, _at(sop, rows), heights, columns, width)
        _place(page, slots)
        _route(page, pages_edges[p])
        pages.append(page)
    return pages


def _at(sop: Sop, rows: range) -> tuple[Step, ...]:
    return tuple(sop.steps[i] for i in rows)


def _task_slots(
    sop: Sop, step: Step, columns: tuple[str, ...], start_label: str, end_label: str
) -> list[_Slot]:
    slots: list[_Slot] = []
    ends = end_nodes(sop)
    if step is sop.steps[0]:
        column = columns.index(step.tasks[0].actor)
        slots.append(_Slot("terminator", [(START, column, start_label)]))
    for index, task in enumerate(step.tasks):
        column = columns.index(step.actor if index == 0 else task.actor)
        kind: Kind = "decision" if task.is_decision else "process"
        slots.append(
            _Slot(kind, [(task.action, column, task.question)], step.number, lead=index == 0)
        )
        if task.action in ends:
            slots.append(_Slot("terminator", [(ends[task.action], column, end_label)]))
    return slots


def _needed(slots: Sequence[_Slot]) -> float:
    return 2 * ROW_PAD + sum(HEIGHTS[s.kind] for s in slots) + SLOT_GAP * (len(slots) - 1)


def _cut(
    all_edges: list[_Edge],
    node_page: dict[str, int],
    columns: tuple[str, ...],
    sop: Sop,
    page_count: int,
) -> tuple[list[list[_Edge]], list[tuple[list[Item], list[Item]]]]:
    """Split arrows that cross a page break into two halves joined by lettered connectors."""
    column_of = {t.action: columns.index(t.actor) for s in sop.steps for t in s.tasks}
    for step in sop.steps:
        column_of[step.tasks[0].action] = columns.index(step.actor)
    per_page: list[list[_Edge]] = [[] for _ in range(page_count)]
    bands: list[tuple[list[Item], list[Item]]] = [([], []) for _ in range(page_count)]
    letters = iter("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    for edge in all_edges:
        source_page, target_page = node_page[edge.source], node_page[edge.target]
        if source_page == target_page:
            per_page[source_page].append(edge)
            continue
        letter = next(letters)
        out_node, in_node = f"connector:{letter}:out", f"connector:{letter}:in"
        if target_page > source_page:  # runs on down: bottom of this page, top of the next
            column = column_of.get(edge.source, 0)
            bands[source_page][1].append((out_node, column, letter))
            bands[target_page][0].append((in_node, column, letter))
        else:  # loops back: from the top of this page to the bottom of the earlier one
            column = column_of.get(edge.target, 0)
            bands[source_page][0].append((out_node, column, letter))
            bands[target_page][1].append((in_node, column, letter))
        per_page[source_page].append(_Edge(edge.source, out_node, edge.label, edge.outcome))
        per_page[target_page].append(_Edge(in_node, edge.target))
    return per_page, bands


def _place(page: ChartPage, rows: list[list[_Slot]]) -> None:
    """Give every slot a y (spreading spare row height evenly) and every shape its box."""
    column_width = page.width / len(page.columns)
    for r, slots in enumerate(rows):
        spare = page.row_heights[r] - _needed(slots)
        gap = spare / (len(slots) + 1)
        y = page.row_top(r) + ROW_PAD + gap
        for slot in slots:
            h = HEIGHTS[slot.kind]
            for node, column, text in slot.items:
                cx = column_width * (column + 0.5) + _spread(column, node, slot.items) * 26
                w = _width(slot.kind, column_width)
                page.shapes.append(
                    Shape(
                        kind=slot.kind,
                        node=node,
                        column=column,
                        cx=cx,
                        cy=y + h / 2,
                        w=w,
                        h=h,
                        text=text,
                        step=slot.step,
                        lead=slot.lead,
                        direction=node.rsplit(":", 1)[-1] if slot.kind == "connector" else "",
                        row_top=page.row_top(r),
                    )
                )
            y += h + SLOT_GAP + gap


def _spread(column: int, node: str, items: list[Item]) -> float:
    """Offset of a connector among others in the same column of the same band."""
    mates = [n for n, c, _t in items if c == column]
    return mates.index(node) - (len(mates) - 1) / 2 if len(mates) > 1 else 0.0


def _width(kind: Kind, column_width: float) -> float:
    if kind == "connector":
        return 20.0
    if kind == "decision":
        return min(column_width * 0.7, 76.0)
    return min(column_width * 0.62, 80.0)


def _route(page: ChartPage, page_edges: list[_Edge]) -> None:
    """Draw each arrow as an orthogonal polyline between its two shapes."""
    order = {s.node: i for i, s in enumerate(page.shapes)}
    channels: dict[tuple[int, bool], int] = {}
    entries: dict[tuple[str, bool], int] = {}
    bottom_taken: set[str] = set()
    for edge in page_edges:
        source, target = page.shape(edge.source), page.shape(edge.target)
        if order[target.node] > order[source.node]:
            from_side = source.node in bottom_taken
            bottom_taken.add(source.node)
            points = _down(page, source, target, from_side)
        else:
            right = target.column >= source.column
            k = channels[(target.column, right)] = channels.get((target.column, right), -1) + 1
            n = entries[(target.node, right)] = entries.get((target.node, right), -1) + 1
            points = _back(page, source, target, right, k, n)
        page.arrows.append(Arrow(edge.source, edge.target, points, edge.label, edge.outcome))


def _down(page: ChartPage, source: Shape, target: Shape, from_side: bool) -> tuple[Point, ...]:
    """An arrow to a shape further down: out of the bottom (or a side), into the top."""
    tx, ty = target.top
    # Turn halfway down the free space above the target, clear of the row line above it.
    turn = (max(source.cy + source.h / 2, target.row_top) + ty) / 2
    if from_side:  # a decision's second branch downwards leaves by the side facing the target
        right = target.cx >= source.cx
        sx, sy = source.side(right)
        x = _channel_x(page, source, right, 0) if target.column == source.column else tx
        if x == tx and _clear(page, tx, sy, ty, (source, target)):
            return ((sx, sy), (tx, sy), (tx, ty))
        return ((sx, sy), (x, sy), (x, turn), (tx, turn), (tx, ty))
    sx, sy = source.bottom
    if not _clear(page, sx, sy, turn, (source, target)):
        x = _channel_x(page, source, tx >= sx, 0)
        below = sy + TURN
        return ((sx, sy), (sx, below), (x, below), (x, turn), (tx, turn), (tx, ty))
    if sx == tx:
        return ((sx, sy), (tx, ty))
    return ((sx, sy), (sx, turn), (tx, turn), (tx, ty))


def _back(
    page: ChartPage, source: Shape, target: Shape, right: bool, k: int, n: int
) -> tuple[Point, ...]:
    """An arrow to a shape above (a loop): out sideways, up a channel, into the target's side."""
    x = _channel_x(page, target, right, k)
    if target.kind == "connector":  # the off-page connector at the top: enter it from below
        tx, ty = target.bottom
        sx, sy = source.side(right)
        return ((sx, sy), (x, sy), (x, ty + TURN), (tx, ty + TURN), (tx, ty))
    # Several loops into one side enter at different heights, the outer channel higher.
    dy = max(-0.35, 0.15 - 0.3 * n) * target.h
    ex, ey = target.side(right, dy)
    if source.kind == "connector":  # from the off-page connector at the bottom
        sx, sy = source.top
        return ((sx, sy), (sx, sy - TURN), (x, sy - TURN), (x, ey), (ex, ey))
    sx, sy = source.side(right)
    return ((sx, sy), (x, sy), (x, ey), (ex, ey))


def _channel_x(page: ChartPage, shape: Shape, right: bool, k: int) -> float:
    column_width = page.width / len(page.columns)
    offset = _width("process", column_width) / 2 + CHANNEL * (k + 1)
    x = shape.cx + offset if right else shape.cx - offset
    return min(max(x, 2.0), page.width - 2.0)


def _clear(page: ChartPage, x: float, y1: float, y2: float, ends: tuple[Shape, ...]) -> bool:
    """No shape other than the arrow's own ends stands on the vertical from y1 to y2 at x."""
    low, high = min(y1, y2), max(y1, y2)
    for shape in page.shapes:
        if shape in ends:
            continue
        inside_x = abs(shape.cx - x) < shape.w / 2 + 2
        inside_y = shape.cy + shape.h / 2 > low and shape.cy - shape.h / 2 < high
        if inside_x and inside_y:
            return False
    return True
