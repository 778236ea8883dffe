"""The whole SOP at phone width, through the real UI: assign, direct, submit, approve and
forward, verify, hand over, post, and the public page shows the verified title."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from playwright.sync_api import expect

from accounts.models import User
from accounts.testing import answer_second_step_in_browser
from channels.models import Publication
from lib import clock
from newsroom.models import Item, StepRun
from newsroom.tests.helpers import walk_to

pytestmark = [pytest.mark.e2e]

TITLE = "Gubernur Resmikan Jembatan Way Sekampung"
VERIFIED_TITLE = "Jembatan Way Sekampung Resmi Dibuka untuk Warga"


def sign_in(page: Any, username: str) -> None:
    page.goto("/masuk/")
    page.get_by_label("Nama pengguna").fill(username)
    page.get_by_label("Kata sandi").fill("rahasia-123")
    page.get_by_role("button", name="Masuk", exact=True).click()
    answer_second_step_in_browser(page)
    expect(page.get_by_role("heading", name="Tugas saya")).to_be_visible()


def open_task(page: Any, title: str) -> None:
    page.goto("/")
    page.get_by_role("link", name=title).click()
    expect(page.get_by_role("heading", name=title, level=1)).to_be_visible()


def press_primary(page: Any, name: str) -> None:
    """The one primary action sits in the bar at the bottom of the phone's screen."""
    button = page.locator(".action-bar").get_by_role("button", name=name)
    expect(button).to_be_in_viewport()
    box = button.bounding_box()
    assert box is not None and box["height"] >= 44
    button.click()


SMALL_TAP_TARGETS = """
() => [...document.querySelectorAll(
    'button, .btn, select, textarea, input:not([type=hidden]):not([type=checkbox]), .nav-link,'
    + ' .form-check, summary, .task-card')]
  .filter((el) => el.offsetParent !== null)
  .filter((el) => el.getBoundingClientRect().height < 44)
  .map((el) => el.outerHTML.slice(0, 80))
"""


def assert_tap_targets(page: Any) -> None:
    """Everything a thumb presses is at least 44 px high, and nothing is wider than the phone."""
    assert page.evaluate(SMALL_TAP_TARGETS) == []
    for box in ("document.documentElement", "document.querySelector('.site-nav')"):
        assert page.evaluate(f"{box}.scrollWidth") <= 360, box


def test_the_happy_path_at_phone_width(
    transactional_db: None,
    office: dict[str, User],
    phone: Any,
    screenshot: Any,
    console_errors: list[str],
) -> None:
    kabid, kasi, operator = phone(), phone(), phone()

    # Step 1: the Kabid assigns.
    kabid.goto("/")
    expect(kabid.get_by_role("heading", name="Masuk ke Warta")).to_be_visible()
    screenshot(kabid, "00-login", full_page=False)
    sign_in(kabid, "kabid")
    screenshot(kabid, "01-kabid-tasks")
    kabid.get_by_role("link", name="Penugasan baru").first.click()
    kabid.get_by_label("Judul / topik").fill(TITLE)
    kabid.get_by_label("Kasi PIP").select_option("kasi")
    kabid.get_by_label("Nama kegiatan").fill("Peresmian Jembatan")
    kabid.get_by_label("Waktu mulai kegiatan").fill("2026-12-01T09:00")
    kabid.get_by_label("Penyelenggara").fill("Dinas PUPR")
    kabid.get_by_label("Tempat").fill("Desa Way Sekampung")
    kabid.get_by_label("Kabupaten/kota").select_option("18.03")
    expect(kabid.get_by_role("checkbox", name="Website")).to_be_checked()
    screenshot(kabid, "02-kabid-assign-form")
    assert_tap_targets(kabid)
    press_primary(kabid, "Tugaskan")
    expect(kabid.get_by_text("Penugasan terkirim kepada Budi Kasi.")).to_be_visible()
    item = Item.objects.get()

    # Step 2: the Kasi directs operator1.
    sign_in(kasi, "kasi")
    screenshot(kasi, "03-kasi-tasks")
    assert_tap_targets(kasi)
    open_task(kasi, TITLE)
    expect(kasi.locator("header .timer")).to_be_visible()
    kasi.get_by_label("Operator").select_option("operator1")
    kasi.get_by_label("Arahan (sudut pandang, pesan kunci, 5W+1H, tagar)").fill(
        "Sudut: manfaat jembatan bagi petani. #LampungMaju"
    )
    screenshot(kasi, "04-kasi-direct")
    press_primary(kasi, "Kirim arahan")
    expect(kasi.get_by_text("Arahan terkirim kepada operator.")).to_be_visible()

    # Step 3: operator1 produces and sends for correction.
    sign_in(operator, "operator1")
    open_task(operator, TITLE)
    operator.get_by_label("Judul", exact=True).fill(VERIFIED_TITLE)
    operator.get_by_label("Naskah berita").fill(
        "Gubernur meresmikan jembatan baru.\n\nJembatan memangkas waktu tempuh petani."
    )
    operator.get_by_label("Caption untuk Website (opsional)").fill("Jembatan baru dibuka.")
    screenshot(operator, "05-operator-submit")
    press_primary(operator, "Kirim untuk dikoreksi")
    expect(operator.get_by_text("Versi 1 terkirim untuk dikoreksi.")).to_be_visible()

    # Step 3 (correction) and 4: the Kasi approves and forwards in one tap.
    open_task(kasi, TITLE)
    expect(kasi.locator(".version-body")).to_contain_text("memangkas waktu tempuh")
    screenshot(kasi, "06-kasi-review")
    assert_tap_targets(kasi)
    screenshot(kasi, "06-kasi-review-screen", full_page=False)
    press_primary(kasi, "Setujui & ajukan verifikasi")
    expect(kasi.get_by_text("Disetujui dan diajukan untuk verifikasi.")).to_be_visible()

    # Step 5: the Kabid verifies.
    open_task(kabid, TITLE)
    press_primary(kabid, "Verifikasi: Setujui")
    expect(kabid.get_by_text("Terverifikasi.", exact=False)).to_be_visible()

    # Step 6: the Kasi hands over.
    open_task(kasi, TITLE)
    press_primary(kasi, "Serahkan ke operator")
    expect(kasi.get_by_text("Diserahkan kepada operator.")).to_be_visible()

    # Step 7: operator1 posts.
    open_task(operator, TITLE)
    expect(operator.get_by_role("checkbox", name="Website")).to_be_checked()
    press_primary(operator, "Posting sekarang")
    expect(operator.get_by_text("Terposting.")).to_be_visible()
    expect(operator.get_by_text("Selesai", exact=True)).to_be_visible()
    screenshot(operator, "07-operator-posted")
    assert Publication.objects.get(item=item).state == Publication.State.POSTED

    # The list of all items, with its filters.
    operator.get_by_role("link", name="Berita", exact=True).click()
    operator.get_by_text("Saring", exact=True).click()
    operator.get_by_label("Langkah").select_option("done")
    operator.get_by_role("button", name="Tampilkan").click()
    expect(operator.get_by_role("link", name=TITLE)).to_be_visible()
    screenshot(operator, "09-item-list")
    assert_tap_targets(operator)
    operator.get_by_role("link", name=TITLE).click()

    # The public page shows the verified title.
    operator.get_by_role("link", name="Buka halaman publik").click()
    expect(operator.get_by_role("heading", level=1)).to_have_text(VERIFIED_TITLE)
    screenshot(operator, "08-public-article")
    assert list(item.step_runs.values_list("action", flat=True)) == [
        "assign",
        "direct",
        "submit",
        "review",
        "forward",
        "verify",
        "handover",
        "post",
    ]
    # No page broke the Content-Security-Policy or failed in its scripts.
    assert console_errors == []


def test_the_step_timer_refreshes_itself(
    transactional_db: None,
    office: dict[str, User],
    assignment_data: dict[str, Any],
    phone: Any,
    console_errors: list[str],
) -> None:
    item = walk_to(office, assignment_data, "direct")
    kasi = phone()
    kasi.clock.install()
    sign_in(kasi, "kasi")
    kasi.goto(f"/item/{item.code}/")
    expect(kasi.locator("#step-timer .timer")).to_have_class(re.compile("timer-ok"))
    # Six minutes later (the standard is five), htmx fetches the timers again.
    StepRun.objects.filter(item=item, action="direct").update(
        started_at=clock.now() - timedelta(minutes=6)
    )
    with kasi.expect_response(lambda response: f"/item/{item.code}/" in response.url):
        kasi.clock.run_for(31_000)
    expect(kasi.locator("#step-timer .timer")).to_have_class(re.compile("timer-late"))
    expect(kasi.locator("#bar-timer .timer")).to_have_class(re.compile("timer-late"))
    expect(kasi.locator("#step-timer")).to_contain_text("6 mnt dari baku 5 mnt")
    assert console_errors == []
