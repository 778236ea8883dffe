"""Items ready to post with captions and images, and fake platform accounts, for tests."""

from __future__ import annotations

from io import BytesIO
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import User
from channels.fakes import FakePlatforms
from channels.models import ChannelAccount, Publication
from newsroom import actions
from newsroom.actions import ImageUpload
from newsroom.models import Item
from newsroom.tests.helpers import walk_to


def jpeg(width: int = 64, height: int = 48, color: tuple[int, int, int] = (30, 90, 200)) -> bytes:
    from PIL import Image

    buffer = BytesIO()
    Image.new("RGB", (width, height), color).save(buffer, format="JPEG")
    return buffer.getvalue()


def ready_item(
    office: dict[str, User],
    data: dict[str, Any],
    channels: list[str],
    *,
    title: str = "Judul",
    body: str = "<p>Isi berita.</p>",
    captions: dict[str, str] | None = None,
    images: int = 0,
) -> Item:
    """An item whose verified version (with these captions and JPEG images) waits to be posted."""
    kabid, kasi, op = office["kabid"], office["kasi"], office["operator1"]
    item = walk_to(office, {**data, "title": title, "channels": channels}, "submit")
    uploads = [
        ImageUpload(
            SimpleUploadedFile(
                f"foto{i}.jpg", jpeg(640, 480, color=(i * 40 % 255, 90, 200)), "image/jpeg"
            ),
            f"Foto {i}",
        )
        for i in range(images)
    ]
    actions.submit(op, item, title=title, body=body, captions=captions or {}, images=uploads)
    actions.review(kasi, item, decision="approve")
    actions.forward(kasi, item)
    actions.verify(kabid, item, decision="approve")
    actions.handover(kasi, item)
    item.refresh_from_db()
    return item


def connect_accounts(fake: FakePlatforms) -> dict[str, ChannelAccount]:
    """One account per remote kind, pointing at the fake platforms."""
    accounts = {}
    for kind, config, secrets in (
        ("facebook", {"page_id": fake.page_id, "api_base": fake.url}, {
            "page_access_token": fake.tokens["facebook"]}),
        ("instagram", {"ig_user_id": fake.ig_user_id, "api_base": fake.url}, {
            "access_token": fake.tokens["instagram"]}),
        ("x", {"api_base": fake.url}, {"access_token": fake.tokens["x"]}),
        ("wordpress", {"site_url": fake.url, "username": fake.wp_user}, {
            "application_password": fake.wp_password}),
    ):  # fmt: skip
        account = ChannelAccount(kind=kind, name=f"Diskominfo {kind}", config=config)
        account.set_secrets(secrets)
        account.save()
        accounts[kind] = account
    return accounts


def post(office: dict[str, User], item: Item, capture: Any) -> list[Publication]:
    """Post the item; deliver remote publications once (the job the commit enqueues)."""
    with capture(execute=True):
        actions.post(office["operator1"], item)
    return list(Publication.objects.filter(item=item).order_by("pk"))


def correct(
    office: dict[str, User],
    item: Item,
    capture: Any,
    *,
    title: str,
    body: str = "<p>Isi berita yang dikoreksi.</p>",
    captions: dict[str, str] | None = None,
    images: int = 0,
    keep_images: bool = True,
) -> list[Publication]:
    """Reopen a posted item, walk the corrected version through steps 3-6 and post it; the
    remote publications are delivered once (the jobs the commit enqueues)."""
    kabid, kasi, op = office["kabid"], office["kasi"], office["operator1"]
    actions.reopen(kabid, item, note="Angka dalam berita salah.")
    uploads = [
        ImageUpload(
            SimpleUploadedFile(
                f"koreksi{i}.jpg", jpeg(640, 480, color=(200, i * 40 % 255, 30)), "image/jpeg"
            ),
            f"Foto koreksi {i}",
        )
        for i in range(images)
    ]
    actions.submit(
        op, item, title=title, body=body, captions=captions or {}, images=uploads,
        keep_images=keep_images,
    )  # fmt: skip
    actions.review(kasi, item, decision="approve")
    actions.forward(kasi, item)
    actions.verify(kabid, item, decision="approve")
    actions.handover(kasi, item)
    with capture(execute=True):
        posted = actions.post(op, item)
    return list(Publication.objects.filter(pk__in=[p.pk for p in posted]).order_by("pk"))


def deliver_until_settled(row: Publication) -> Publication:
    """Run the row's due attempts (on the simulated clock) until it is posted or failed."""
    from channels import outbox

    for _attempt in range(10):
        if row.state in ("posted", "failed"):
            return row
        assert row.next_attempt_at is not None, row.last_error
        delivered = outbox.deliver(row.pk, now=row.next_attempt_at)
        assert delivered is not None
        row = delivered
    raise AssertionError(f"still {row.state}: {row.last_error}")
