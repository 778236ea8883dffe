"""The draft form's image tools at phone width: the browser scales a big photo down before
upload, the operator taps the focal point and marks a face to blur, the upload shows its
progress; the server stores the downscaled photo, the focal point and a blurred copy."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from accounts.models import User
from e2e.test_happy_path import open_task, sign_in
from images.tests.helpers import photo
from newsroom.models import Attachment
from newsroom.tests.helpers import walk_to

pytestmark = [pytest.mark.e2e]


def test_the_operator_scales_focuses_and_blurs_on_the_phone(
    transactional_db: None,
    office: dict[str, User],
    assignment_data: dict[str, Any],
    phone: Any,
    console_errors: list[str],
    screenshot: Any,
    tmp_path: Any,
) -> None:
    item = walk_to(office, assignment_data, "submit")
    big = tmp_path / "IMG_5000.jpg"
    big.write_bytes(photo(5000, 3000))
    operator = phone()
    sign_in(operator, "operator1")
    open_task(operator, item.title)
    operator.get_by_label("Naskah berita").fill("Anak-anak menyeberang jembatan baru.")
    operator.get_by_label("Gambar 1 (opsional)").set_input_files(str(big))
    preview = operator.locator("[data-image-preview]").first
    expect(preview).to_be_visible()
    # The file in the form is now a JPEG of at most 4096 px (made by the browser).
    width = operator.evaluate(
        "() => createImageBitmap(document.querySelector('#id_image_1').files[0])"
        ".then((b) => b.width)"
    )
    assert width == 4096
    box = preview.bounding_box()
    assert box is not None and box["width"] <= 360
    assert operator.evaluate("document.documentElement.scrollWidth") <= 360
    # Tap the focal point at (25 %, 75 %).
    preview.click(position={"x": box["width"] * 0.25, "y": box["height"] * 0.75})
    focal = [float(v) for v in operator.locator("#id_img1_focal").input_value().split(",")]
    assert abs(focal[0] - 0.25) < 0.02 and abs(focal[1] - 0.75) < 0.02
    # Mark a face: blur mode, then drag from (50 %, 10 %) to (80 %, 40 %).
    operator.get_by_role("button", name="Tandai wajah untuk disamarkan").first.click()
    box = preview.bounding_box()
    assert box is not None
    operator.mouse.move(box["x"] + box["width"] * 0.5, box["y"] + box["height"] * 0.1)
    operator.mouse.down()
    operator.mouse.move(box["x"] + box["width"] * 0.8, box["y"] + box["height"] * 0.4)
    operator.mouse.up()
    assert operator.locator(".image-blur-box").count() == 1
    operator.get_by_text("Orang dalam gambar ini", exact=False).first.click()
    operator.get_by_label("Menampilkan anak-anak (di bawah 18 tahun)").first.check()
    operator.get_by_label("Keterangan gambar 1 (teks alternatif)").fill("Anak menyeberang")
    operator.locator("#id_img1_people").scroll_into_view_if_needed()
    screenshot(operator, "10-operator-image-tools", full_page=False)
    sent: list[str] = []
    operator.on("request", lambda r: r.method == "POST" and sent.append(r.resource_type))
    operator.locator("#form-submit").evaluate("(form) => form.requestSubmit()")
    expect(operator.get_by_text("Versi 1 terkirim untuk dikoreksi.")).to_be_visible()
    assert sent == ["xhr"]  # sent by XMLHttpRequest, with the progress bar

    posted = item.latest_version().images.get()
    original = posted.blurred_from
    assert isinstance(original, Attachment)
    assert (original.width, original.height) == (4096, round(3000 * 4096 / 5000))
    assert abs(posted.focal_x - 0.25) < 0.02 and abs(posted.focal_y - 0.75) < 0.02
    assert posted.minors and posted.privacy_problems() == []
    assert original.sha256 != posted.sha256 and not original.versions.exists()
    assert console_errors == []
