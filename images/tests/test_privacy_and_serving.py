"""Blur, privacy flags at verification, and who may fetch renditions."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image, ImageChops, ImageStat

from accounts.models import User
from images import renditions
from images.privacy import ImageSettings
from images.tests.helpers import GPS_IFD, opened, photo
from newsroom import actions
from newsroom.actions import ImageUpload
from newsroom.errors import Conflict, Invalid
from newsroom.models import Item, LegalBasis
from newsroom.tests.helpers import walk_to

pytestmark = pytest.mark.django_db


def _noisy_jpeg(width: int = 800, height: int = 600) -> bytes:
    import io

    picture = Image.merge("RGB", [Image.effect_noise((width, height), 80) for _ in range(3)])
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", quality=95)
    return buffer.getvalue()


def _submit(office: dict[str, User], item: Item, data: bytes, settings: ImageSettings) -> Any:
    upload = ImageUpload(SimpleUploadedFile("anak.jpg", data, "image/jpeg"), "Anak", settings)
    return actions.submit(office["operator1"], item, title="T", body="B", images=[upload])


def _approve_and_post(office: dict[str, User], item: Item) -> None:
    """Steps 4 to 7 for the submitted version."""
    actions.review(office["kasi"], item, decision="approve", forward=True)
    actions.verify(office["kabid"], item, decision="approve")
    actions.handover(office["kasi"], item)
    actions.post(office["operator1"], item)


def test_the_blur_changes_the_marked_pixels_into_a_new_image(
    office: dict[str, User], assignment_data: dict[str, Any]
) -> None:
    item = walk_to(office, assignment_data, "submit")
    data = _noisy_jpeg()
    box = (0.25, 0.25, 0.5, 0.5)  # pixels 200..400 x 150..300
    version = _submit(office, item, data, ImageSettings(minors=True, blur_boxes=(box,)))
    posted = version.images.get()
    original = posted.blurred_from
    assert original is not None and original.sha256 != posted.sha256
    assert not original.versions.exists()  # the unblurred photo is in no version
    assert posted.privacy_problems() == []  # blurred faces resolve the minors flag
    before = opened(data).convert("L")
    with posted.file.open("rb") as fh:
        after = Image.open(fh).convert("L")
        after.load()
    diff = ImageChops.difference(before, after)
    inside = ImageStat.Stat(diff.crop((210, 160, 390, 290))).mean[0]
    outside = ImageStat.Stat(diff.crop((450, 350, 800, 600))).mean[0]
    assert inside > 30  # the noise is gone: each pixel moved far from its old value
    assert outside < 8  # elsewhere only re-encoding noise
    stddev = ImageStat.Stat(after.crop((220, 170, 380, 280))).stddev[0]
    assert stddev < 20  # smooth: nothing of the detail is left


def test_verify_refuses_an_unresolved_privacy_flag(
    office: dict[str, User], assignment_data: dict[str, Any]
) -> None:
    item = walk_to(office, assignment_data, "submit")
    _submit(office, item, photo(), ImageSettings(identifiable_people=True, minors=True))
    actions.review(office["kasi"], item, decision="approve", forward=True)
    with pytest.raises(Conflict) as refused:
        actions.verify(office["kabid"], item, decision="approve")
    message = refused.value.message
    assert "pilih dasar hukumnya" in message
    assert "catat persetujuan orang tua" in message
    item.refresh_from_db()
    assert item.open_run().action == "verify"  # nothing changed
    # Returning is still possible; the operator records the basis and the consent.
    actions.verify(office["kabid"], item, decision="return", note="Lengkapi data foto")
    previous = item.latest_version().images.get()
    fixed = ImageSettings(
        identifiable_people=True,
        legal_basis=LegalBasis.PUBLIC_TASK,
        minors=True,
        parent_consent_by="Ibu Sari (ibu)",
        parent_consent_on=date(2026, 11, 20),
    )
    version = actions.submit(
        office["operator1"], item, title="T", body="B", kept_settings={previous.pk: ("Anak", fixed)}
    )
    kept = version.images.get()
    assert kept.pk != previous.pk and kept.sha256 == previous.sha256  # the old row unchanged
    assert item.versions.get(number=1).is_intact() and version.is_intact()
    actions.review(office["kasi"], item, decision="approve", forward=True)
    actions.verify(office["kabid"], item, decision="approve")


def test_the_focal_point_and_flags_are_part_of_the_verified_content(
    office: dict[str, User], assignment_data: dict[str, Any]
) -> None:
    item = walk_to(office, assignment_data, "submit")
    version = _submit(office, item, photo(), ImageSettings(focal_x=0.2, focal_y=0.8))
    image = version.images.get()
    assert version.is_intact()
    image.focal_x = 0.9  # changed behind the action layer's back
    image.save()
    assert not version.is_intact()


def test_renditions_of_a_posted_item_are_public_and_immutable_of_a_draft_not(
    office: dict[str, User],
    assignment_data: dict[str, Any],
    client: Client,
    django_capture_on_commit_callbacks: Any,
) -> None:
    item = walk_to(office, assignment_data, "submit")
    with django_capture_on_commit_callbacks(execute=True):  # the worker makes the renditions
        version = _submit(office, item, photo(), ImageSettings())
    url = renditions.web_renditions(version.images.get())[0].url
    assert client.get(url).status_code == 404
    client.force_login(office["operator2"])
    response = client.get(url)
    assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"
    client.logout()
    _approve_and_post(office, item)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Cache-Control"] == "public, max-age=31536000, immutable"
    assert response["Content-Type"] == "image/webp"
    assert client.get(url.replace(".webp", ".jpg").replace("-w480", "-w4800")).status_code == 404
    original = version.images.get().file.url
    assert client.get("/gambar/" + original.rsplit("/", 1)[-1]).status_code == 404


def test_a_phone_photo_with_gps_is_published_without_it(
    office: dict[str, User], assignment_data: dict[str, Any], client: Client
) -> None:
    """Through the draft form, as the operator does it; fetched anonymously afterwards."""
    item = walk_to(office, assignment_data, "submit")
    gps_photo = photo(2400, 1800)
    assert Image.open(__import__("io").BytesIO(gps_photo)).getexif().get_ifd(GPS_IFD)
    operator = Client()
    operator.force_login(office["operator1"])
    response = operator.post(
        reverse("item_action", args=[item.code, "submit"]),
        {
            "title": "Jembatan Diresmikan",
            "body": "Paragraf pertama.",
            "image_1": SimpleUploadedFile("IMG_2041.JPG", gps_photo, "image/jpeg"),
            "alt_1": "Gubernur menggunting pita",
            "img1_focal": "0.3000,0.4000",
        },
    )
    assert response.status_code == 302
    image = item.latest_version().images.get()
    assert (image.focal_x, image.focal_y) == (0.3, 0.4)
    _approve_and_post(office, item)
    for rendition in renditions.web_renditions(image):
        response = client.get(rendition.url)
        assert response.status_code == 200
        data = b"".join(response.streaming_content)
        published = opened(data)
        assert not published.getexif() and not published.getexif().get_ifd(GPS_IFD)
        assert "exif" not in published.info and b"PhoneMaker" not in data


def test_submit_needs_alt_text_per_image(
    office: dict[str, User], assignment_data: dict[str, Any]
) -> None:
    item = walk_to(office, assignment_data, "submit")
    first = ImageUpload(SimpleUploadedFile("a.jpg", photo(), "image/jpeg"), "Ada")
    second = ImageUpload(SimpleUploadedFile("b.jpg", photo(), "image/jpeg"), "  ")
    with pytest.raises(Invalid) as refused:
        actions.submit(office["operator1"], item, title="T", body="B", images=[first, second])
    assert list(refused.value.errors) == ["images.2"]
    assert "gambar 2" in refused.value.errors["images.2"]
    assert not item.versions.exists()


def test_the_reviewer_sees_the_privacy_flags_on_the_item_page(
    office: dict[str, User], assignment_data: dict[str, Any]
) -> None:
    item = walk_to(office, assignment_data, "submit")
    _submit(office, item, photo(), ImageSettings(identifiable_people=True, minors=True))
    kasi = Client()
    kasi.force_login(office["kasi"])
    page = kasi.get(reverse("item", args=[item.code])).content.decode()
    assert "dasar hukum belum dipilih" in page
    assert "tanpa persetujuan orang tua dan wajah tidak disamarkan" in page


def test_the_verify_button_refuses_with_the_reason(
    office: dict[str, User], assignment_data: dict[str, Any]
) -> None:
    item = walk_to(office, assignment_data, "submit")
    _submit(office, item, photo(), ImageSettings(identifiable_people=True))
    actions.review(office["kasi"], item, decision="approve", forward=True)
    kabid = Client()
    kabid.force_login(office["kabid"])
    url = reverse("item_action", args=[item.code, "verify"])
    response = kabid.post(url, {"decision": "approve", "note": ""})
    assert response.status_code == 409
    assert "Versi ini belum dapat diverifikasi." in response.content.decode()
    assert item.open_run().action == "verify"


def test_the_operator_completes_a_kept_image_in_the_form(
    office: dict[str, User], assignment_data: dict[str, Any]
) -> None:
    item = walk_to(office, assignment_data, "submit")
    first = _submit(office, item, photo(), ImageSettings(identifiable_people=True))
    actions.review(office["kasi"], item, decision="return", note="Pilih dasar hukum foto")
    image = first.images.get()
    operator = Client()
    operator.force_login(office["operator1"])
    form = operator.get(reverse("item", args=[item.code])).content.decode()
    assert f'name="kept{image.pk}_basis"' in form
    response = operator.post(
        reverse("item_action", args=[item.code, "submit"]),
        {
            "title": "T",
            "body": "B",
            f"kept{image.pk}_alt": "Anak",
            f"kept{image.pk}_focal": "0.5000,0.5000",
            f"kept{image.pk}_people": "on",
            f"kept{image.pk}_basis": "public_task",
        },
    )
    assert response.status_code == 302
    kept = item.latest_version().images.get()
    assert kept.legal_basis == "public_task" and kept.privacy_problems() == []
    image.refresh_from_db()
    assert image.legal_basis == "" and first.is_intact()  # version 1 stays as it was
