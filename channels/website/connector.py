"""The built-in website channel: the verified version appears at /berita/<slug>/."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.urls import reverse
from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _

from channels.base import Channel, Correction, Posted, Preview

if TYPE_CHECKING:
    from channels.models import Publication
    from newsroom.models import Version


class WebsiteChannel(Channel):
    kind = "website"
    label = _("Website")
    local = True
    # The article page always shows the newest posted version: a correction updates it in place.
    correction_policy = Correction.UPDATE

    def render(self, version: Version) -> Preview:
        return Preview(text=f"{version.title}\n\n{strip_tags(version.body)}")

    def publish(self, publication: Publication) -> Posted:
        path = reverse("portal:article", args=[publication.item.slug])
        return Posted(external_id=publication.item.code, permalink=f"{settings.SITE_URL}{path}")

    def find(self, publication: Publication) -> Posted | None:
        if publication.state != publication.State.POSTED:
            return None
        return Posted(external_id=publication.external_id, permalink=publication.permalink)

    def update(self, publication: Publication, live: Publication) -> Posted:
        return self.publish(publication)

    def retract(self, publication: Publication) -> str:
        """Nothing to call: the article page shows only posted, unretracted publications."""
        return ""
