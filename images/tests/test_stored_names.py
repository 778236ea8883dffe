"""Issue 13, finding 8: an upload is stored under a name the server makes, with the extension of
the type read from its content; the client's name (``poly2.html``) is kept only as data."""

from __future__ import annotations

import importlib
import re
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from accounts.models import User
from images.tests.helpers import photo
from newsroom import actions
from newsroom.actions import Assignment
from newsroom.models import Attachment
from newsroom.tests.helpers import walk_to

pytestmark = pytest.mark.django_db

SERVER_MADE = r"items/\d{4}/\d{2}/[0-9a-f]{32}\.{extension}"


def test_an_image_named_html_is_stored_as_png_under_a_server_made_name(
    office: dict[str, User], assignment_data: dict[str, Any]
) -> None:
    item = walk_to(office, assignment_data, "submit")
    operator = Client()
    operator.force_login(office["operator1"])
    png = photo(400, 300, fmt="PNG")
    response = operator.post(
        reverse("item_action", args=[item.code, "submit"]),
        {
            "title": "T",
            "body": "B",
            "image_1": SimpleUploadedFile("poly2.html", png, "text/html"),
            "alt_1": "Foto",
        },
    )
    assert response.status_code == 302
    image = item.latest_version().images.get()
    assert re.fullmatch(SERVER_MADE.replace("{extension}", "png"), image.file.name)
    assert (image.original_name, image.content_type) == ("poly2.html", "image/png")
    assert Path(image.file.path).read_bytes() == png
    assert "poly2" not in image.file.name and "html" not in image.file.name


def test_a_document_keeps_its_name_for_display_only(
    office: dict[str, User], assignment_data: dict[str, Any]
) -> None:
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    data = {
        **assignment_data,
        "attachments": [SimpleUploadedFile("Undangan Rapat.exe", pdf, "application/pdf")],
    }
    item = actions.assign(office["kabid"], Assignment(**data))
    document = item.attachments.get()
    assert re.fullmatch(SERVER_MADE.replace("{extension}", "pdf"), document.file.name)
    kabid = Client()
    kabid.force_login(office["kabid"])
    page = kabid.get(reverse("item", args=[item.code])).content.decode()
    assert "Undangan Rapat.exe" in page and f'href="{document.file.url}"' in page


def test_the_migration_renames_files_stored_under_client_names(
    office: dict[str, User], assignment_data: dict[str, Any]
) -> None:
    item = walk_to(office, assignment_data, "submit")
    png = photo(300, 200, fmt="PNG")
    old = default_storage.save("items/2026/11/poly2.html", ContentFile(png))
    fields = {
        "item": item, "kind": "image", "file": old, "original_name": "poly2.html",
        "content_type": "image/png", "size": len(png), "sha256": "0" * 64,
        "uploaded_by": office["operator1"],
    }  # fmt: skip
    # Two rows of one file (a kept image given a new focal point).
    rows = [Attachment.objects.create(**fields, focal_x=focal) for focal in (0.5, 0.2)]
    lost = Attachment.objects.create(
        item=item, kind="document", file="items/2026/11/lost.pdf", original_name="lost.pdf",
        content_type="application/pdf", size=1, sha256="0" * 64, uploaded_by=office["kabid"],
    )  # fmt: skip
    migration = importlib.import_module("newsroom.migrations.0008_stored_names_and_renditions_made")

    migration.rename_stored_originals(apps, None)

    names = {a.file.name for a in Attachment.objects.filter(pk__in=[r.pk for r in rows])}
    assert len(names) == 1
    (name,) = names
    assert re.fullmatch(r"items/2026/11/[0-9a-f]{32}\.png", name)
    assert default_storage.open(name).read() == png
    assert not default_storage.exists(old)
    lost.refresh_from_db()
    assert lost.file.name == "items/2026/11/lost.pdf"  # nothing in storage: left as it was
