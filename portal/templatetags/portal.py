"""Template tags of the public portal: responsive pictures and the JSON-LD block."""

from __future__ import annotations

import json
from typing import Any

from django import template
from django.core.cache import caches
from django.template.loader import render_to_string
from django.utils.html import _json_script_escapes, format_html  # type: ignore[attr-defined]
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from images.renditions import Rendition, web_renditions
from newsroom.models import Category
from newsroom.regions import REGION_CHOICES
from portal.caching import PAGE_TIMEOUT, state
from portal.models import Article

register = template.Library()


def _srcset(renditions: list[Rendition]) -> str:
    return ", ".join(f"{r.url} {r.width}w" for r in renditions)


@register.inclusion_tag("portal/picture.html")
def picture(image: Any, sizes: str, *, eager: bool = False) -> dict[str, Any]:
    """A <picture> of the image's web renditions: WebP srcset, JPEG fallback, width/height."""
    renditions = web_renditions(image)
    webp = [r for r in renditions if r.content_type == "image/webp"]
    jpeg = [r for r in renditions if r.content_type == "image/jpeg"]
    # The fallback <img src>: the smallest JPEG at least 800 px wide (else the widest).
    fallback = next((r for r in jpeg if r.width >= 800), jpeg[-1])
    return {
        "webp_srcset": _srcset(webp),
        "jpeg_srcset": _srcset(jpeg),
        "fallback": fallback,
        "sizes": sizes,
        "alt": image.alt_text,
        "eager": eager,
    }


@register.simple_tag
def json_ld(data: dict[str, Any]) -> SafeString:
    """A <script type="application/ld+json"> block: a data block that CSP never executes,
    escaped like json_script so no value can close the element."""
    text = json.dumps(data, ensure_ascii=False).translate(_json_script_escapes)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))  # noqa: S308


ARCHIVE_MONTHS = 12


@register.simple_tag(takes_context=True)
def browse_links(context: template.Context) -> SafeString:
    """The footer's ways in: categories with articles, the 15 regencies/cities, recent months.

    The same on every page, so rendered once per portal generation and language (the month
    list reads every article's date; the links are some thirty URL reversals)."""
    key = f"portal:{state(context['request'])[0]}:{get_language()}:browse"
    html = caches["portal"].get(key)
    if html is None:
        html = render_to_string("portal/_browse.html", _browse_data())
        caches["portal"].set(key, html, PAGE_TIMEOUT)
    # Rendered by our own autoescaping template.
    return mark_safe(html)  # noqa: S308


def _browse_data() -> dict[str, Any]:
    return {
        "categories": list(
            Category.objects.filter(items__portal_article__isnull=False)
            .distinct()
            .values_list("slug", "name")
        ),
        "months": list(
            Article.objects.dates("published_at", "month", order="DESC")[:ARCHIVE_MONTHS]
        ),
        "regions": REGION_CHOICES,
    }
