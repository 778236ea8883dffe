from __future__ import annotations

from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = "Portal"

    def ready(self) -> None:
        """Keep the portal's articles and generation in step with the website channel."""
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from channels.models import Publication
        from newsroom.models import Category, Item, Tag
        from portal import index

        post_save.connect(index.on_publication_saved, sender=Publication, dispatch_uid="portal")
        post_delete.connect(index.on_publication_saved, sender=Publication, dispatch_uid="portal")
        post_save.connect(index.on_item_saved, sender=Item, dispatch_uid="portal")
        m2m_changed.connect(
            index.on_taxonomy_changed, sender=Item.tags.through, dispatch_uid="portal"
        )
        for model in (Category, Tag):
            post_save.connect(index.on_taxonomy_changed, sender=model, dispatch_uid="portal")
            post_delete.connect(index.on_taxonomy_changed, sender=model, dispatch_uid="portal")
