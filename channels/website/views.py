"""The public article page of the built-in website channel (the full portal comes later)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.safestring import mark_safe

from channels.models import Publication


def article(request: HttpRequest, slug: str) -> HttpResponse:
    """The posted article, or (410 Gone) a notice that it was withdrawn, without its content."""
    publication = (
        Publication.objects.select_related("item", "version")
        .filter(item__slug=slug, channel="website", posted_at__isnull=False)
        .filter(state__in=[Publication.State.POSTED, Publication.State.RETRACTED])
        .order_by("-pk")
        .first()
    )
    if publication is None:
        raise Http404
    if publication.state == Publication.State.RETRACTED:
        return render(
            request,
            "website/retracted.html",
            {
                "retracted_at": publication.retracted_at,
                "reason": publication.get_retract_reason_display(),
            },
            status=410,
        )
    version = publication.version
    return render(
        request,
        "website/article.html",
        {
            "item": publication.item,
            "version": version,
            # The body was sanitised with nh3 when the version was written.
            "body": mark_safe(version.body),  # noqa: S308
            "images": version.images.all(),
            "posted_at": publication.posted_at,
        },
    )
