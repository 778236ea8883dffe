"""Issue 13, finding 1: "one small image takes the server down". A 207-megapixel PNG of about
600 KB is uploaded over HTTP as the operator does it; the web request reads its header, checks
every pixel as a stream and stores it, the worker's job makes the renditions, and no web
request (the upload, a reader, a staff preview) ever decodes the original whole."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import ImageFile

from accounts.models import User
from accounts.testing import issue_api_token
from images import decode, renditions, social, tasks
from images.tests.helpers import flat_png, opened
from newsroom import actions
from newsroom.errors import Conflict
from newsroom.models import Attachment, Item
from newsroom.tests.helpers import walk_to

pytestmark = pytest.mark.django_db

BIG = (14400, 14400)  # 207 MP, under the 210 MP limit


@pytest.fixture
def no_full_decode_by_pillow(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail the test if Pillow decodes a picture of more than 50 MP in this process (what took
    967 MB in a web worker): such pictures may only be read as headers, or by libvips."""
    load = ImageFile.ImageFile.load

    def guarded(image: ImageFile.ImageFile) -> Any:
        assert image.width * image.height <= 50_000_000, f"Pillow decoded {image.size}"
        return load(image)

    monkeypatch.setattr(ImageFile.ImageFile, "load", guarded)


@pytest.fixture
def jobs_queued(monkeypatch: pytest.MonkeyPatch) -> list[list[int]]:
    """The rendition jobs queued, in order (each still runs, as Huey's immediate mode does)."""
    queued: list[list[int]] = []
    job = tasks.make_renditions

    def record(ids: list[int]) -> Any:
        queued.append(list(ids))
        return job(ids)

    monkeypatch.setattr(tasks, "make_renditions", record)
    return queued


def _stored_renditions(image: Attachment) -> list[str]:
    names = [r.name for r in renditions.web_renditions(image)]
    names += [renditions.social_rendition(image, use).name for use in renditions.SOCIAL_SIZES]
    return [n for n in names if default_storage.exists(renditions._storage_name(n))]


def _handed_over(office: dict[str, User], assignment_data: dict[str, Any], png: bytes) -> Item:
    """An item whose version with this photo is verified and handed over (steps 3 to 6)."""
    item = walk_to(office, assignment_data, "submit")
    photo = actions.ImageUpload(SimpleUploadedFile("foto.png", png, "image/png"), "Peta")
    actions.submit(office["operator1"], item, title="T", body="B", images=[photo])
    actions.review(office["kasi"], item, decision="approve", forward=True)
    actions.verify(office["kabid"], item, decision="approve")
    actions.handover(office["kasi"], item)
    return item


def _submit_form(client: Client, item: Item, name: str, data: bytes) -> Any:
    return client.post(
        reverse("item_action", args=[item.code, "submit"]),
        {
            "title": "Peta Lampung",
            "body": "Paragraf pertama.",
            "image_1": SimpleUploadedFile(name, data, "image/png"),
            "alt_1": "Peta Provinsi Lampung",
        },
        headers={"Accept-Language": "id"},
    )


def test_a_207_megapixel_png_is_accepted_over_http_and_its_renditions_are_made_by_the_job(
    office: dict[str, User],
    assignment_data: dict[str, Any],
    django_capture_on_commit_callbacks: Any,
    no_full_decode_by_pillow: None,
    jobs_queued: list[list[int]],
) -> None:
    item = walk_to(office, assignment_data, "submit")
    operator = Client()
    operator.force_login(office["operator1"])
    data = flat_png(*BIG)
    assert len(data) < 1_000_000

    with django_capture_on_commit_callbacks() as after_commit:
        response = _submit_form(operator, item, "peta.png", data)

    assert response.status_code == 302
    image = item.latest_version().images.get()
    assert (image.content_type, image.width, image.height) == ("image/png", *BIG)
    # The request stored the original and queued nothing itself: no rendition exists yet.
    assert jobs_queued == [] and _stored_renditions(image) == []
    assert not renditions.ready(image)

    for callback in after_commit:  # the transaction commits: the job is queued and runs
        callback()

    assert jobs_queued == [[image.pk]]
    image.refresh_from_db()
    assert renditions.ready(image) and len(_stored_renditions(image)) == 12
    # The staff preview on the item page shows a rendition (never the 207 MP original).
    page = operator.get(reverse("item", args=[item.code])).content.decode()
    shown = social.preview_renditions("website", [image])[0]
    assert f'src="{shown.url}"' in page and image.file.url not in page
    served = operator.get(shown.url)
    assert served.status_code == 200
    assert opened(b"".join(served.streaming_content)).size == (800, 800)


def test_a_207_megapixel_png_sent_over_the_api_is_accepted_the_same_way(
    office: dict[str, User],
    assignment_data: dict[str, Any],
    client: Client,
    no_full_decode_by_pillow: None,
) -> None:
    item = walk_to(office, assignment_data, "submit")
    response = client.post(
        f"/api/v1/items/{item.code}/actions/submit",
        {
            "title": "Peta Lampung",
            "body": "Paragraf pertama.",
            "images": [
                {
                    "filename": "peta.png",
                    "content_base64": base64.b64encode(flat_png(*BIG)).decode(),
                    "alt": "Peta Provinsi Lampung",
                }
            ],
        },
        content_type="application/json",
        headers={"Authorization": f"Bearer {issue_api_token(client, 'operator1')}"},
    )
    assert response.status_code == 200, response.content
    image = item.latest_version().images.get()
    assert (image.width, image.height) == BIG


def test_a_cut_off_huge_png_is_refused_with_a_message_and_changes_nothing(
    office: dict[str, User],
    assignment_data: dict[str, Any],
    settings: Any,
    no_full_decode_by_pillow: None,
) -> None:
    item = walk_to(office, assignment_data, "submit")
    operator = Client()
    operator.force_login(office["operator1"])
    data = flat_png(*BIG)

    response = _submit_form(operator, item, "peta.png", data[: len(data) * 2 // 3])

    assert response.status_code == 400
    assert "Gambar “peta.png” tidak lengkap atau rusak" in response.content.decode()
    assert not item.versions.exists() and not Attachment.objects.filter(item=item).exists()
    assert not list(Path(settings.MEDIA_ROOT).rglob("*.png"))


def test_posting_waits_for_the_renditions_and_refuses_while_they_are_missing(
    office: dict[str, User], assignment_data: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    item = _handed_over(office, assignment_data, flat_png(3000, 2000))
    # The worker is down: the job waits in the queue.
    queue: list[list[int]] = []
    monkeypatch.setattr(tasks, "make_renditions", queue.append)

    with pytest.raises(Conflict) as refused:
        actions.post(office["operator1"], item)

    assert "masih disiapkan" in refused.value.message
    assert not item.publications.exists() and item.open_run().action == "post"
    image = item.latest_version().images.get()
    assert queue == [[image.pk]]

    monkeypatch.undo()  # the worker is back and runs the queued job
    tasks.make_renditions(queue[0])
    actions.post(office["operator1"], item)
    image.refresh_from_db()
    assert renditions.ready(image) and item.publications.get().state == "posted"


def test_a_reader_never_makes_the_server_decode_an_original(
    office: dict[str, User],
    assignment_data: dict[str, Any],
    client: Client,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The article is published with its renditions made; a missing one is queued for the
    worker and answered 503 with Retry-After, never made in the web request."""
    item = _handed_over(office, assignment_data, flat_png(2400, 1600))
    actions.post(office["operator1"], item)
    image = item.latest_version().images.get()

    def no_decoding(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("a web request decoded an original")

    monkeypatch.setattr(decode, "upright_rgb", no_decoding)
    monkeypatch.setattr(decode, "check_whole", no_decoding)
    article = client.get(reverse("portal:article", args=[item.slug])).content.decode()
    for rendition in renditions.web_renditions(image):
        assert rendition.url in article
        assert client.get(rendition.url).status_code == 200

    # A rendition lost from storage: queued for the worker (which is slow today), 503 meanwhile.
    lost = renditions.web_renditions(image)[0]
    default_storage.delete(renditions._storage_name(lost.name))
    queued: list[list[int]] = []
    monkeypatch.setattr(tasks, "make_renditions", queued.append)
    response = client.get(lost.url, headers={"Accept-Language": "id"})
    assert response.status_code == 503
    assert response["Retry-After"] == "10" and response["Cache-Control"] == "no-store"
    assert "sedang disiapkan" in response.content.decode()
    assert queued == [[image.pk]]
    assert client.get(lost.url).status_code == 503 and queued == [[image.pk]]  # queued once

    monkeypatch.undo()
    tasks.make_renditions(queued[0])  # the worker's turn
    response = client.get(lost.url)
    assert response.status_code == 200
    assert response["Cache-Control"] == "public, max-age=31536000, immutable"
    assert opened(b"".join(response.streaming_content)).format == "WEBP"
