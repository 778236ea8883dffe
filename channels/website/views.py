"""The public article page of the built-in website channel (the full portal comes later)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.safestring import mark_safe

from channels.models import Publication


def article(request: HttpRequest, slug: str) -> HttpResponse:
    publication = get_object_or_404(
        Publication.objects.select_related("item", "version"),
        item__slug=slug,
        channel="website",
        state=Publication.State.POSTED,
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
