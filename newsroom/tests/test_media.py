"""Uploaded files need a signed-in user; posted images are public as renditions only."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from accounts.models import User
from images.renditions import web_renditions
from newsroom import actions
from newsroom.actions import ImageUpload
from newsroom.tests.helpers import walk_to

pytestmark = pytest.mark.django_db


def test_an_original_image_needs_a_login_even_once_posted(
    office: dict[str, User],
    assignment_data: dict[str, Any],
    png_bytes: bytes,
    client: Client,
    settings: Any,
    tmp_path: Any,
) -> None:
    settings.MEDIA_ROOT = tmp_path
    item = walk_to(office, assignment_data, "submit")
    photo = ImageUpload(SimpleUploadedFile("foto.png", png_bytes, "image/png"), "Gubernur")
    version = actions.submit(office["operator1"], item, title="T", body="B", images=[photo])
    url = version.images.get().file.url
    assert client.get(url).status_code == 404
    client.force_login(office["operator2"])
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == png_bytes
    assert response["Cache-Control"] == "private, no-store"
    client.logout()

    actions.review(office["kasi"], item, decision="approve", forward=True)
    actions.verify(office["kabid"], item, decision="approve")
    actions.handover(office["kasi"], item)
    actions.post(office["operator1"], item)
    # Issue 6: the original (maybe with GPS in its EXIF) is never public, even once posted;
    # the public gets the metadata-free renditions (images/tests test them in depth).
    assert client.get(url).status_code == 404
    rendition = web_renditions(version.images.get())[0]
    response = client.get(rendition.url)
    assert response.status_code == 200
    assert response["Content-Type"] == rendition.content_type


def test_unknown_files_are_not_found(client: Client, office: dict[str, User]) -> None:
    client.force_login(office["kabid"])
    assert client.get("/media/exports/2026/11/laporan.xlsx").status_code == 404
    assert client.get("/media/../warta/settings.py").status_code == 404
