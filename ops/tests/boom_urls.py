"""Warta's URLs plus views that fail on purpose, for the error-page tests."""

from __future__ import annotations

from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse
from django.urls import path

from warta.urls import handler500
from warta.urls import urlpatterns as warta_urlpatterns


def boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("boom")


def bad(request: HttpRequest) -> HttpResponse:
    raise BadRequest("bad")


urlpatterns = [path("_boom/", boom), path("_bad/", bad), *warta_urlpatterns]

__all__ = ["handler500", "urlpatterns"]
