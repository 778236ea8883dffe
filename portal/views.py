"""The public portal: home, article, lists by category/tag/region/month, search, robots.txt.

Everything read here comes from ``portal.Article`` (only what is posted on the website channel);
each page carries ETag/Last-Modified and is cached per portal generation (``portal.caching``).
"""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from channels.models import Publication
from images.renditions import social_rendition
from newsroom.models import Category, Tag
from newsroom.regions import LAMPUNG_REGIONS
from portal import search
from portal.caching import portal_page, validated
from portal.models import Article

PER_PAGE = 12
PAGE_PARAM = "halaman"


def articles() -> QuerySet[Article]:
    """Shown articles with what a list card needs, newest first."""
    return Article.objects.select_related("item", "item__category").prefetch_related(
        "publication__version__images"
    )


def _page(request: HttpRequest, queryset: Any) -> Page[Any]:
    return Paginator(queryset, PER_PAGE).get_page(request.GET.get(PAGE_PARAM))


def _listing(request: HttpRequest, queryset: Any, heading: str) -> HttpResponse:
    """A paginated list of articles under a heading (category, topic, region, month)."""
    return render(
        request, "portal/list.html", {"page": _page(request, queryset), "heading": heading}
    )


@portal_page
def home(request: HttpRequest) -> HttpResponse:
    """The newest article as the headline, then the latest ones, a page at a time."""
    page = _page(request, articles())
    headline = page.object_list[0] if page.number == 1 and page.object_list else None
    rest = page.object_list[1:] if headline else page.object_list
    return render(request, "portal/home.html", {"page": page, "headline": headline, "rest": rest})


def share_links(url: str, title: str) -> list[tuple[str, str]]:
    """Plain share URLs (no scripts of the platforms load on the page)."""
    return [
        ("Facebook", f"https://www.facebook.com/sharer/sharer.php?{urlencode({'u': url})}"),
        ("X", f"https://x.com/intent/post?{urlencode({'url': url, 'text': title})}"),
        ("WhatsApp", f"https://wa.me/?{urlencode({'text': f'{title} {url}'})}"),
    ]


def news_article_data(
    article: Article, canonical: str, images: list[str], tags: list[Tag]
) -> dict[str, Any]:
    """schema.org NewsArticle of an article (Google's required and recommended fields)."""
    office = {"@type": "Organization", "name": settings.OFFICE_NAME, "url": settings.SITE_URL}
    item = article.item
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.title[:110],
        "datePublished": article.published_at.isoformat(),
        "dateModified": article.updated_at.isoformat(),
        "mainEntityOfPage": canonical,
        "url": canonical,
        "image": images,
        "inLanguage": "id",
        "author": office,
        "publisher": office,
        "contentLocation": {
            "@type": "Place",
            "name": item.location_name,
            "address": {
                "@type": "PostalAddress",
                "addressRegion": "Lampung",
                "addressLocality": item.region_name,
                "addressCountry": "ID",
            },
        },
        "description": article.text[:300],
    }
    if item.category is not None:
        data["articleSection"] = item.category.name
    if tags:
        data["keywords"] = [t.name for t in tags]
    return data


@portal_page
def article(request: HttpRequest, slug: str) -> HttpResponse:
    """The posted article, or (410 Gone) a notice that it was withdrawn, without its content."""
    shown = (
        Article.objects.select_related("item", "item__category", "publication__version")
        .filter(slug=slug)
        .first()
    )
    if shown is None:
        return _withdrawn(request, slug)
    version = shown.publication.version
    images = list(version.images.order_by("pk"))
    tags = list(shown.item.tags.all())
    canonical = f"{settings.SITE_URL}{reverse('portal:article', args=[slug])}"
    social = {}
    if images:
        social = {
            "facebook": social_rendition(images[0], "facebook"),
            "x": social_rendition(images[0], "x"),
        }
    return render(
        request,
        "portal/article.html",
        {
            "article": shown,
            "item": shown.item,
            "version": version,
            # The body was sanitised with nh3 when the version was written.
            "body": mark_safe(version.body),  # noqa: S308
            "images": images,
            "tags": tags,
            "canonical": canonical,
            "social": social,
            "site_url": settings.SITE_URL,
            "share_links": share_links(canonical, shown.title),
            "json_ld": news_article_data(
                shown, canonical, [f"{settings.SITE_URL}{r.url}" for r in social.values()], tags
            ),
        },
    )


def _withdrawn(request: HttpRequest, slug: str) -> HttpResponse:
    retracted = (
        Publication.objects.filter(
            item__slug=slug, channel="website", state=Publication.State.RETRACTED
        )
        .order_by("-pk")
        .first()
    )
    if retracted is None:
        raise Http404
    return render(
        request,
        "portal/retracted.html",
        {"retracted_at": retracted.retracted_at, "reason": retracted.get_retract_reason_display()},
        status=410,
    )


@portal_page
def category(request: HttpRequest, slug: str) -> HttpResponse:
    found = get_object_or_404(Category, slug=slug)
    return _listing(
        request,
        articles().filter(item__category=found),
        _("Category: %(name)s") % {"name": found.name},
    )


@portal_page
def tag(request: HttpRequest, slug: str) -> HttpResponse:
    found = get_object_or_404(Tag, slug=slug)
    return _listing(
        request, articles().filter(item__tags=found), _("Topic: %(name)s") % {"name": found.name}
    )


@portal_page
def region(request: HttpRequest, code: str) -> HttpResponse:
    name = LAMPUNG_REGIONS.get(code)
    if name is None:
        raise Http404
    return _listing(request, articles().filter(item__region_code=code), name)


@portal_page
def month(request: HttpRequest, year: int, month: int) -> HttpResponse:
    if not (2000 <= year <= 2100 and 1 <= month <= 12):
        raise Http404
    heading = _("News of %(month)s") % {
        "month": date_format(date(year, month, 1), "YEAR_MONTH_FORMAT")
    }
    return _listing(
        request, articles().filter(published_at__year=year, published_at__month=month), heading
    )


@validated
def search_page(request: HttpRequest) -> HttpResponse:
    """Search results, paginated; an empty or wordless query shows the form with a hint."""
    query = (request.GET.get("q") or "").strip()[:200]
    words = search.terms(query)
    ids = search.matching_ids(query) if words else []
    page = _page(request, ids)
    by_id = articles().in_bulk(list(page.object_list))
    results = [by_id[i] for i in page.object_list if i in by_id]
    return render(
        request,
        "portal/search.html",
        {
            "query": query,
            "words": words,
            "page": page,
            "results": results,
            "extra_query": urlencode({"q": query}),
        },
    )


@require_safe
def robots_txt(request: HttpRequest) -> HttpResponse:
    """Staff pages stay out of search engines; the sitemaps and feeds are named."""
    base = settings.SITE_URL
    lines = [
        "User-agent: *",
        "Allow: /berita/",
        "Allow: /gambar/",
        "Allow: /static/",
        "Disallow: /",
        "",
        f"Sitemap: {base}{reverse('portal:sitemap')}",
        f"Sitemap: {base}{reverse('portal:news_sitemap')}",
        "",
    ]
    response = HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
    response["Cache-Control"] = "public, max-age=3600"
    return response
