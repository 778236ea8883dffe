"""RSS 2.0 and Atom feeds of the latest articles (django.contrib.syndication)."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from portal.models import Article

FEED_SIZE = 30


class LatestArticles(Feed):
    title = _("News of the Government of Lampung Province")
    description = _("The latest news posted by the office.")
    language = "id"

    def link(self) -> str:
        return f"{settings.SITE_URL}{reverse('portal:home')}"

    def items(self) -> QuerySet[Article]:
        return Article.objects.select_related("item")[:FEED_SIZE]

    def item_title(self, item: Article) -> str:
        return item.title

    def item_description(self, item: Article) -> str:
        """The summary as HTML: RSS <description> and Atom <summary type="html"> are HTML once
        the XML is decoded, so the article's plain text is escaped for HTML here (the feed
        writer escapes it again for XML); "<script>" that the article shows as text stays text."""
        return escape(Truncator(item.text).words(60))

    def item_link(self, item: Article) -> str:
        return f"{settings.SITE_URL}{reverse('portal:article', args=[item.slug])}"

    def item_guid(self, item: Article) -> str:
        return self.item_link(item)

    def item_pubdate(self, item: Article) -> datetime:
        return item.published_at

    def item_updateddate(self, item: Article) -> datetime:
        return item.updated_at

    def item_author_name(self, item: Article) -> str:
        return str(settings.OFFICE_NAME)


class LatestArticlesAtom(LatestArticles):
    feed_type = Atom1Feed
    subtitle = LatestArticles.description
