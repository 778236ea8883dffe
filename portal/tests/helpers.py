"""Post items to the website through the real action layer, for the portal's tests."""

from __future__ import annotations

from datetime import timedelta
from io import BytesIO
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from accounts.models import User
from channels import outbox
from lib import clock
from lib.canonical import sha256_of
from newsroom import actions
from newsroom.actions import Assignment, ImageUpload
from newsroom.models import Item, Version

Office = dict[str, User]


def jpeg(
    width: int = 1600, height: int = 1000, colour: tuple[int, int, int] = (30, 90, 160)
) -> bytes:
    buffer = BytesIO()
    Image.new("RGB", (width, height), colour).save(buffer, format="JPEG", quality=80)
    return buffer.getvalue()


def image_upload(alt: str = "Gubernur meninjau lokasi") -> ImageUpload:
    return ImageUpload(SimpleUploadedFile("foto.jpg", jpeg(), "image/jpeg"), alt_text=alt)


def draft(
    office: Office,
    *,
    title: str = "Pemprov Salurkan Bantuan Benih",
    body: str = "<p>Pemerintah Provinsi Lampung menyalurkan bantuan benih.</p>",
    region: str = "18.03",
    images: int = 0,
    until: str = "post",
) -> Item:
    """An item walked through the SOP up to (not including) ``until``."""
    kabid, kasi, op = office["kabid"], office["kasi"], office["operator1"]
    item = actions.assign(
        kabid,
        Assignment(
            title=title,
            kasi="kasi",
            activity_name="Penyerahan Bantuan",
            activity_starts_at=clock.now() - timedelta(hours=3),
            activity_organizer="Dinas Pertanian",
            location_name="Balai Desa Sidomulyo",
            region_code=region,
        ),
    )
    steps: list[tuple[str, Any]] = [
        ("direct", lambda: actions.direct(kasi, item, operator="operator1", direction="5W+1H")),
        (
            "submit",
            lambda: actions.submit(
                op, item, title=title, body=body, images=[image_upload() for _ in range(images)]
            ),
        ),
        ("review", lambda: actions.review(kasi, item, decision="approve")),
        ("forward", lambda: actions.forward(kasi, item)),
        ("verify", lambda: actions.verify(kabid, item, decision="approve")),
        ("handover", lambda: actions.handover(kasi, item)),
        ("post", lambda: actions.post(op, item)),
    ]
    for name, act in steps:
        if name == until:
            break
        act()
    item.refresh_from_db()
    return item


def posted(office: Office, **kwargs: Any) -> Item:
    return draft(office, until="", **kwargs)


def post_revision(item: Item, *, title: str, body: str) -> Version:
    """A newer version of a posted item, posted to the website through the outbox.

    The SOP has no act yet that reopens a posted item; this does what such an act would do
    after verifying the new version (the outbox records the website post at once)."""
    latest = item.latest_version()
    assert latest is not None
    version = Version(
        item=item, number=latest.number + 1, title=title, body=body, author=latest.author
    )
    version.sha256 = sha256_of(version.canonical(latest.image_hashes()))
    version.save()
    version.images.set(latest.images.all())
    outbox.create_publications(version, ["website"])
    return version
