"""What the item page's channel panel needs: who may retract, the reasons to pick from, and
how to name a publication's state."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext

from channels import actions
from channels.models import Publication, RetractReason

register = template.Library()


@register.simple_tag
def may_retract(user: Any, item: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and actions.may_retract(user, item))


@register.simple_tag
def retract_reasons() -> list[tuple[str, str]]:
    return [(value, str(label)) for value, label in RetractReason.choices]


@register.filter
def publication_state(publication: Publication) -> str:
    """The row's state as a person reads it: a version a correction took over says so."""
    if publication.superseded_at is not None and not publication.manual_takedown:
        if publication.state == Publication.State.POSTED:
            return gettext("posted, then replaced by a newer version on the same post")
        if publication.state == Publication.State.RETRACTED:
            return gettext("deleted and replaced by a newer version")
    return str(publication.get_state_display())


@register.simple_tag
def online_versions(rows: list[Any]) -> list[Publication]:
    """Of the item page's publication rows, those whose version is on its channel now."""
    return [row.publication for row in rows if row.publication.online]
