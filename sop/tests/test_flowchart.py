"""The flowchart drawn from the SOP file: its shapes and arrows say what the definition says."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

import pytest
import yaml
from django.conf import settings

from sop.definition import Sop
from sop.flowchart import END_NODE, START, ChartPage, Shape, edges, layout
from sop.flowchart_svg import render_row_svg, render_svg
from sop.loader import load_sop

SEED = Path(settings.BASE_DIR) / "sops" / "diseminasi-website-sosmed.yaml"
OTHER = Path(__file__).parent / "fixtures" / "alur-ringkas.yaml"
SVG = "{http://www.w3.org/2000/svg}"
WIDTH = 330.0


@pytest.fixture(scope="module")
def seed() -> Sop:
    return load_sop(SEED)


def _svg(page: ChartPage) -> ET.Element:
    return ET.fromstring(render_svg(page))


def _groups(root: ET.Element, cls: str) -> list[ET.Element]:
    return [g for g in root.iter(f"{SVG}g") if cls in g.get("class", "").split()]


def _arrows(root: ET.Element) -> set[tuple[str, str, str]]:
    return {
        (g.get("data-from", ""), g.get("data-to", ""), g.get("data-label", ""))
        for g in _groups(root, "arrow")
    }


def _expected_arrows(sop: Sop) -> set[tuple[str, str, str]]:
    return {(e.source, e.target, e.label) for e in edges(sop)}


def _column_of(page: ChartPage, shape: Shape) -> str:
    return page.columns[int(shape.cx // (page.width / len(page.columns)))]


def test_it_draws_one_lead_process_or_decision_per_step(seed: Sop) -> None:
    (page,) = layout(seed, width=WIDTH)
    root = _svg(page)

    leads = _groups(root, "lead")
    assert [g.get("data-step") for g in leads] == ["1", "2", "3", "4", "5", "6", "7"]
    assert all({"process", "decision"} & set(g.get("class", "").split()) for g in leads)
    # Each lead shape stands in its step actor's column.
    for step in seed.steps:
        shape = next(s for s in page.shapes if s.step == step.number and s.lead)
        assert _column_of(page, shape) == step.actor
    # Step 3 adds the Kasi's review to the operator's submission: 8 shapes for 7 steps.
    assert len(_groups(root, "process")) == 6


def test_it_draws_the_two_decisions_in_the_deciders_columns(seed: Sop) -> None:
    (page,) = layout(seed, width=WIDTH)
    decisions = _groups(_svg(page), "decision")

    assert [(g.get("data-action"), g.get("data-step")) for g in decisions] == [
        ("review", "3"),
        ("verify", "5"),
    ]
    assert [_column_of(page, page.shape(a)) for a in ("review", "verify")] == ["kasi", "kabid"]
    assert all(g.find(f"{SVG}polygon") is not None for g in decisions)
    assert [g.findtext(f"{SVG}text") for g in decisions] == ["Setuju?", "Setuju?"]


def test_its_arrows_follow_the_definitions_branches(seed: Sop) -> None:
    (page,) = layout(seed, width=WIDTH)

    assert _arrows(_svg(page)) == {
        (START, "assign", ""),
        ("assign", "direct", ""),
        ("direct", "submit", ""),
        ("submit", "review", ""),
        ("review", "forward", "Ya"),
        ("review", "submit", "Tidak"),
        ("forward", "verify", ""),
        ("verify", "handover", "Ya"),
        ("verify", "submit", "Tidak"),
        ("handover", "post", ""),
        ("post", END_NODE, ""),
    }
    assert _arrows(_svg(page)) == _expected_arrows(seed)


def test_both_returns_loop_back_up_into_step_3(seed: Sop) -> None:
    (page,) = layout(seed, width=WIDTH)
    submit = page.shape("submit")

    loops = [a for a in page.arrows if a.label == "Tidak"]
    assert [(a.source, a.target) for a in loops] == [("review", "submit"), ("verify", "submit")]
    for arrow in loops:
        (_x0, y0), (x1, y1) = arrow.points[0], arrow.points[-1]
        assert y1 < y0  # runs upwards
        assert x1 == pytest.approx(submit.cx + submit.w / 2)  # into the side of step 3's box
        assert submit.cy - submit.h / 2 < y1 < submit.cy + submit.h / 2
    # The two loops use separate channels and enter at separate points.
    assert len({a.points[-1] for a in loops}) == 2
    assert len({a.points[1][0] for a in loops}) == 2


def test_it_begins_and_ends_with_terminators(seed: Sop) -> None:
    (page,) = layout(seed, width=WIDTH, start_label="Mulai", end_label="Selesai")
    root = _svg(page)

    terminals = _groups(root, "terminator")
    assert [(g.get("data-terminal"), g.findtext(f"{SVG}text")) for g in terminals] == [
        ("start", "Mulai"),
        ("end", "Selesai"),
    ]
    start, end = page.shape(START), page.shape(END_NODE)
    assert start.cy < page.shape("assign").cy and _column_of(page, start) == "kabid"
    assert end.cy > page.shape("post").cy and _column_of(page, end) == "operator"
    # Capsules: rounded ends.
    rect = terminals[0].find(f"{SVG}rect")
    assert rect is not None and float(rect.get("rx", "0")) > 0


@pytest.mark.parametrize("path", [SEED, OTHER], ids=["seed", "other"])
def test_every_arrow_ends_on_its_target_and_crosses_no_other_shape(path: Path) -> None:
    sop = load_sop(path)
    for page in layout(sop, width=WIDTH, rows_per_page=3):
        for arrow in page.arrows:
            target = page.shape(arrow.target)
            x, y = arrow.points[-1]
            on_top = (x, y) == pytest.approx(target.top)
            on_side = abs(abs(x - target.cx) - target.w / 2) < 0.01
            # A loop reaches the connector that takes it to an earlier page from below.
            from_below = target.kind == "connector" and (x, y) == pytest.approx(target.bottom)
            assert on_top or on_side or from_below, arrow
            others = [s for s in page.shapes if s.node not in (arrow.source, arrow.target)]
            for (x1, y1), (x2, y2) in zip(arrow.points, arrow.points[1:], strict=False):
                for shape in others:
                    assert not _crosses(shape, x1, y1, x2, y2), (arrow, shape.node)


def test_it_routes_skips_and_two_ends_without_crossing_shapes(tmp_path: Path) -> None:
    data = yaml.safe_load(SEED.read_text())
    steps = {step["number"]: step for step in data["steps"]}
    steps[5]["tasks"][0]["outcomes"]["approve"]["goto"] = 7  # skips step 6
    steps[5]["tasks"][0]["outcomes"]["return"]["goto"] = 2
    steps[6]["next"] = "end"  # step 6 now ends the procedure too
    path = tmp_path / "variant.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True))
    sop = load_sop(path)

    for rows_per_page in (None, 2, 4):
        pages = layout(sop, width=WIDTH, rows_per_page=rows_per_page)
        root_ends = [g for p in pages for g in _groups(_svg(p), "terminator")]
        assert [g.get("data-terminal") for g in root_ends] == ["start", "end", "end"]
        for page in pages:
            for arrow in page.arrows:
                others = [s for s in page.shapes if s.node not in (arrow.source, arrow.target)]
                for (x1, y1), (x2, y2) in zip(arrow.points, arrow.points[1:], strict=False):
                    assert not any(_crosses(o, x1, y1, x2, y2) for o in others), arrow
    (page,) = layout(sop, width=WIDTH)
    assert _arrows(_svg(page)) == _expected_arrows(sop)
    assert ("verify", "post", "Ya") in _arrows(_svg(page))


def _crosses(shape: Shape, x1: float, y1: float, x2: float, y2: float) -> bool:
    left, right = shape.cx - shape.w / 2, shape.cx + shape.w / 2
    top, bottom = shape.cy - shape.h / 2, shape.cy + shape.h / 2
    return min(x1, x2) < right and max(x1, x2) > left and min(y1, y2) < bottom and max(y1, y2) > top


def test_it_continues_on_the_next_page_through_off_page_connectors(seed: Sop) -> None:
    pages = layout(seed, width=WIDTH, rows_per_page=3)
    assert [[s.number for s in p.steps] for p in pages] == [[1, 2, 3], [4, 5, 6], [7]]

    connectors: Counter[tuple[str, str]] = Counter()
    joined: set[tuple[str, str, str]] = set()
    halves: dict[str, list[tuple[str, str, str]]] = {}
    for page in pages:
        root = _svg(page)
        for g in _groups(root, "connector"):
            assert g.find(f"{SVG}polygon") is not None
            assert g.findtext(f"{SVG}text") == g.get("data-letter")
            connectors[(g.get("data-letter", ""), g.get("data-direction", ""))] += 1
        for source, target, label in _arrows(root):
            if target.startswith("connector:"):
                halves.setdefault(target.split(":")[1], []).insert(0, (source, "", label))
            elif source.startswith("connector:"):
                halves.setdefault(source.split(":")[1], []).append(("", target, ""))
            else:
                joined.add((source, target, label))

    # Where the chart breaks: review's "Ya" to step 4, verify's "Tidak" back to step 3 and
    # handover to step 7; each has a connector out on one page and the same letter in on another.
    assert sorted(connectors) == [
        (letter, direction) for letter in "ABC" for direction in ("in", "out")
    ]
    assert set(connectors.values()) == {1}
    for (source, _t, label), (_s, target, _l) in halves.values():
        joined.add((source, target, label))
    assert joined == _expected_arrows(seed)


def test_a_connector_sits_on_the_page_where_its_arrow_half_is(seed: Sop) -> None:
    first, second, _third = layout(seed, width=WIDTH, rows_per_page=3)

    out_a = first.shape("connector:A:out")
    in_a = second.shape("connector:A:in")
    # Running on down: out at the foot of page 1, in at the head of page 2.
    assert out_a.cy > first.shape("review").cy
    assert in_a.cy < second.shape("forward").cy
    # Looping back: out at the head of page 2, in at the foot of page 1, then up into step 3.
    assert second.shape("connector:B:out").cy < second.shape("verify").cy
    assert first.shape("connector:B:in").cy > first.shape("submit").cy


def test_it_splits_pages_by_height(seed: Sop) -> None:
    pages = layout(seed, width=WIDTH, min_row_heights=[100] * 7, page_height=400)

    assert len(pages) > 1
    assert all(p.height <= 400 for p in pages)  # connector bands included
    assert [s.number for p in pages for s in p.steps] == [1, 2, 3, 4, 5, 6, 7]


def test_it_lays_out_a_different_sop() -> None:
    sop = load_sop(OTHER)
    (page,) = layout(sop, width=WIDTH)
    root = _svg(page)

    assert page.columns == ("operator", "kabid")
    assert [g.get("data-step") for g in _groups(root, "lead")] == ["1", "2", "3", "4", "5", "6"]
    assert [g.get("data-action") for g in _groups(root, "decision")] == ["review", "verify"]
    assert _arrows(root) == _expected_arrows(sop)
    # Both returns go to step 2, in the column left of the Kabag: they loop round the left.
    submit = page.shape("submit")
    for arrow in (a for a in page.arrows if a.label == "Tidak"):
        assert arrow.target == "submit"
        assert arrow.points[-1][0] == pytest.approx(submit.cx - submit.w / 2)


def test_a_rows_band_shows_its_shapes_and_the_arrows_crossing_it(seed: Sop) -> None:
    (page,) = layout(seed, width=WIDTH)
    step_4 = 3  # row index

    band = ET.fromstring(render_row_svg(page, step_4))

    assert [g.get("data-action") for g in _groups(band, "shape")] == ["forward"]
    top, height = page.row_top(step_4), page.row_heights[step_4]
    assert band.get("viewBox") == f"0 {top:g} {WIDTH:g} {height:g}"
    # verify's return to step 3 passes through row 4 on its way up.
    assert ("verify", "submit", "Tidak") in _arrows(band)
