"""Body text: refuse active content with a clear message, sanitise the rest with nh3."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

import nh3

ALLOWED_TAGS = {
    "p", "br", "strong", "b", "em", "i", "u", "s", "ul", "ol", "li", "h2", "h3", "h4",
    "blockquote", "a", "figure", "figcaption",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
ACTIVE_TAGS = {"script", "style", "iframe", "object", "embed", "form", "input", "svg", "math"}


class ActiveContent(ValueError):
    """The body holds something that would run in a reader's browser."""


class _ActiveContentFinder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ACTIVE_TAGS:
            self.found.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"{name}=")
            if name in {"href", "src"} and (value or "").strip().lower().startswith(
                ("javascript:", "data:", "vbscript:")
            ):
                self.found.append(f"{name}={(value or '').split(':')[0]}:")


def find_active_content(body: str) -> list[str]:
    finder = _ActiveContentFinder()
    finder.feed(body)
    finder.close()
    return finder.found


def _looks_like_html(text: str) -> bool:
    return bool(re.search(r"<[a-zA-Z/][^>]*>", text))


def clean_body(body: str) -> str:
    """Sanitised HTML for a body given as HTML or as plain text (paragraphs by blank lines).

    Raises ActiveContent naming what was found when the body holds scripts or handlers.
    """
    found = find_active_content(body)
    if found:
        raise ActiveContent(", ".join(sorted(set(found))))
    if not _looks_like_html(body):
        paragraphs = [p.strip() for p in re.split(r"\n\s*\n", body.strip()) if p.strip()]
        body = "".join("<p>" + html.escape(p).replace("\n", "<br>") + "</p>" for p in paragraphs)
    return nh3.clean(
        body,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )
