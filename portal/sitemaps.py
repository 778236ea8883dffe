"""sitemap.xml (django.contrib.sitemaps) and a Google News sitemap of the last two days."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

from lib import clock
from newsroom.models import Category
from portal.models import Article

NEWS_WINDOW = timedelta(days=2)
NEWS_LIMIT = 1000  # Google News reads at most 1,000 URLs per news sitemap


class SiteUrlSitemap(Sitemap):
    """Absolute URLs on SITE_URL (the public address), whatever host the request came by."""

    def get_domain(self, site: Any = None) -> str:
        return urlsplit(settings.SITE_URL).netloc

    def get_protocol(self, protocol: str | None = None) -> str:
        return urlsplit(settings.SITE_URL).scheme


class ArticleSitemap(SiteUrlSitemap):
    changefreq = "weekly"
    limit = 5000

    def items(self) -> QuerySet[Article]:
        return Article.objects.only("slug", "updated_at", "published_at")

    def location(self, item: Article) -> str:
        return reverse("portal:article", args=[item.slug])

    def lastmod(self, item: Article) -> datetime:
        return item.updated_at


class ListSitemap(SiteUrlSitemap):
    changefreq = "hourly"

    def items(self) -> list[str]:
        home = [reverse("portal:home")]
        return home + [
            reverse("portal:category", args=[slug])
            for slug in Category.objects.filter(items__portal_article__isnull=False)
            .values_list("slug", flat=True)
            .distinct()
        ]

    def location(self, item: str) -> str:
        return item


SITEMAPS = {"articles": ArticleSitemap, "lists": ListSitemap}


@require_safe
def news_sitemap(request: HttpRequest) -> HttpResponse:
    """Articles first published within the last two days, with news:news entries.

    Not in the page cache: what it lists changes with the clock, not only with posts."""
    since = clock.now() - NEWS_WINDOW
    recent = Article.objects.filter(published_at__gte=since)[:NEWS_LIMIT]
    response = render(
        request,
        "portal/news_sitemap.xml",
        {"articles": recent, "site_url": settings.SITE_URL, "name": settings.OFFICE_NAME},
        content_type="application/xml; charset=utf-8",
    )
    response["Cache-Control"] = "public, max-age=300"
    return response
