"""What the public portal shows: one row per article currently posted on the website channel.

``Article`` is a read model kept by ``portal.index`` from the website Publications (the truth):
lists, feeds, sitemaps and search read only this table, so a draft, a scheduled post or a
retracted item can never appear through one of them. ``PortalState`` is the single row whose
generation every change bumps: it names the cached pages and gives the ETag/Last-Modified.
"""

from __future__ import annotations

from django.db import models

from channels.models import Publication
from newsroom.models import Item


class Article(models.Model):
    item = models.OneToOneField(
        Item, on_delete=models.CASCADE, primary_key=True, related_name="portal_article"
    )
    # The newest posted website publication of the item (the version shown).
    publication = models.ForeignKey(Publication, on_delete=models.CASCADE, related_name="+")
    slug = models.SlugField(max_length=220, unique=True)
    title = models.CharField(max_length=200)
    # Plain text of the body: the search document and the summaries.
    text = models.TextField()
    published_at = models.DateTimeField(db_index=True)
    # When the newest version was posted (later than published_at once the item was revised).
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["-published_at", "-pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def revised(self) -> bool:
        return self.updated_at > self.published_at


class PortalState(models.Model):
    """The one row (pk=1) that says when the portal's content last changed."""

    generation = models.PositiveBigIntegerField(default=0)
    changed_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"portal generation {self.generation}"
