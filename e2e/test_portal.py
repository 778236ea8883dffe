"""The public portal on a 360 px phone: responsive images, no CSP violation, keyboard skip link,
and axe-core (vendored in e2e/vendor/axe) finds no serious or critical WCAG 2.1 AA violation
on the home, article, list and search pages."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from accounts.models import User
from e2e.conftest import PHONE
from newsroom.models import Category
from portal.tests.helpers import posted

pytestmark = [pytest.mark.e2e]

AXE = Path(__file__).resolve().parent / "vendor" / "axe" / "axe.min.js"
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


@pytest.fixture
def news(office: dict[str, User]) -> dict[str, str]:
    """Two posted articles, one with a category and two photos."""
    main = posted(
        office,
        title="Penyuluhan Pertanian Padi Organik",
        body="<p>Sebanyak 80 petani mengikuti <strong>penyuluhan</strong> budidaya padi.</p>",
        images=2,
        region="18.05",
    )
    main.category = Category.objects.create(name="Pertanian", slug="pertanian")
    main.save()
    posted(office, title="Pasar Murah di Kota Metro", region="18.72")
    return {"slug": main.slug}


@pytest.fixture
def axe_phone(browser: Any, live_server: Any, _e2e_settings: None) -> Iterator[Any]:
    """A phone whose pages may receive the injected axe script (CSP bypassed for it only)."""
    context = browser.new_context(
        viewport=PHONE, base_url=live_server.url, locale="id-ID", bypass_csp=True
    )
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


def serious_violations(page: Any) -> list[dict[str, Any]]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("options => axe.run(document, options)", AXE_OPTIONS)
    return [v for v in result["violations"] if v["impact"] in ("serious", "critical")]


def describe(violations: list[dict[str, Any]]) -> str:
    return json.dumps(
        [
            {
                "id": v["id"],
                "impact": v["impact"],
                "help": v["help"],
                "nodes": [n["target"] for n in v["nodes"][:5]],
            }
            for v in violations
        ],
        indent=1,
        ensure_ascii=False,
    )


def test_axe_finds_no_serious_violation_on_portal_pages(
    axe_phone: Any, news: dict[str, str]
) -> None:
    page = axe_phone
    pages = {
        "home": reverse("portal:home"),
        "article": reverse("portal:article", args=[news["slug"]]),
        "category": reverse("portal:category", args=["pertanian"]),
        "region": reverse("portal:region", args=["18.72"]),
        "search": reverse("portal:search") + "?q=penyuluhan",
        "search-empty": reverse("portal:search") + "?q=zzzyx",
    }
    failures = {}
    for name, url in pages.items():
        page.goto(url)
        expect(page.locator("h1")).to_have_count(1)
        found = serious_violations(page)
        if found:
            failures[name] = found
    assert not failures, "\n".join(f"{name}: {describe(v)}" for name, v in failures.items())


def test_an_article_on_a_phone(
    phone: Any, news: dict[str, str], console_errors: list[str], screenshot: Any
) -> None:
    page = phone()
    page.goto(reverse("portal:home"))
    page.get_by_role("link", name="Penyuluhan Pertanian Padi Organik").first.click()

    expect(
        page.get_by_role("heading", name="Penyuluhan Pertanian Padi Organik", level=1)
    ).to_be_visible()
    lead = page.locator("article.article figure.lead-image img")
    expect(lead).to_have_attribute("alt", "Gubernur meninjau lokasi")
    # The browser picked one of the renditions of the srcset, and it loaded.
    page.wait_for_function(
        "() => { const i = document.querySelector('figure.lead-image img');"
        " return i.complete && i.naturalWidth > 0; }"
    )
    chosen = lead.evaluate("img => img.currentSrc")
    assert "/gambar/" in chosen and (chosen.endswith(".webp") or chosen.endswith(".jpg"))
    assert page.locator("figure.lead-image source[type='image/webp']").count() == 1
    expect(page.get_by_role("heading", name="Galeri")).to_be_visible()
    expect(page.get_by_role("link", name="Bagikan ke WhatsApp (membuka tab baru)")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "portal-article-phone")

    # Keyboard: the first Tab reaches the skip link, Enter moves focus to the main content.
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Langsung ke isi")
    expect(skip).to_be_focused()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"

    page.get_by_label("Cari berita").fill("penyuluhan")
    page.keyboard.press("Enter")
    expect(page.get_by_text("1 artikel ditemukan untuk “penyuluhan”.")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "portal-search-phone")
    assert console_errors == []
