"""Keep the portal's read model (``Article``) and its generation in step with the website channel.

Every save of a website Publication (posted, revised by a newer posted version, retracted)
re-derives the item's Article row in the same transaction and bumps ``PortalState``: cached
pages are keyed by that generation, so they are invalidated on every process at once, and a
rolled-back action leaves neither a stale row nor a needless bump.
"""

from __future__ import annotations

import html
import re
from typing import Any

from django.db.models import F
from django.utils.html import strip_tags

from channels.models import Publication
from lib import clock
from newsroom.models import Item
from portal.models import Article, PortalState

WEBSITE = "website"
_SPACES = re.compile(r"\s+")


def plain_text(body_html: str) -> str:
    """The readable text of a sanitised body (search document, summaries, feeds)."""
    return _SPACES.sub(" ", html.unescape(strip_tags(body_html.replace("<", " <")))).strip()


def bump() -> None:
    """Mark the portal's content as changed now (new ETag, cached pages left behind)."""
    now = clock.now()
    if not PortalState.objects.filter(pk=1).update(generation=F("generation") + 1, changed_at=now):
        PortalState.objects.get_or_create(pk=1, defaults={"generation": 1, "changed_at": now})


def sync_item(item_id: int) -> Article | None:
    """Re-derive the item's Article: shown iff its newest delivered website post is posted."""
    delivered = list(
        Publication.objects.select_related("version", "item")
        .filter(item_id=item_id, channel=WEBSITE, posted_at__isnull=False)
        .order_by("pk")
    )
    newest = delivered[-1] if delivered else None
    if newest is None or newest.state != Publication.State.POSTED:
        Article.objects.filter(item_id=item_id).delete()
        return None
    posted = [p.posted_at for p in delivered if p.state == Publication.State.POSTED]
    assert newest.posted_at is not None
    article, _created = Article.objects.update_or_create(
        item_id=item_id,
        defaults={
            "publication": newest,
            "slug": newest.item.slug,
            "title": newest.version.title,
            "text": plain_text(newest.version.body),
            "published_at": min(p for p in posted if p is not None),
            "updated_at": newest.posted_at,
        },
    )
    return article


def rebuild() -> int:
    """Re-derive every article (after bulk loads that bypass signals); returns how many show."""
    item_ids = set(
        Publication.objects.filter(channel=WEBSITE, posted_at__isnull=False).values_list(
            "item_id", flat=True
        )
    )
    Article.objects.exclude(item_id__in=item_ids).delete()
    shown = sum(1 for item_id in sorted(item_ids) if sync_item(item_id) is not None)
    bump()
    return shown


def on_publication_saved(sender: Any, instance: Publication, **kwargs: Any) -> None:
    if instance.channel == WEBSITE:
        sync_item(instance.item_id)
        bump()


def on_item_saved(sender: Any, instance: Item, **kwargs: Any) -> None:
    """Category, tags or place of a shown item changed: its pages must show it."""
    if Article.objects.filter(item_id=instance.pk).exists():
        bump()


def on_taxonomy_changed(sender: Any, **kwargs: Any) -> None:
    """A category or tag was renamed or removed."""
    bump()
