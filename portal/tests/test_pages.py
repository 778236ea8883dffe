"""The portal's pages: what a reader sees, and what never appears."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from channels.actions import retract_item
from lib import clock
from newsroom import actions
from newsroom.models import Category, Tag
from portal.tests.helpers import Office, draft, post_revision, posted

pytestmark = pytest.mark.django_db


@pytest.fixture
def client() -> Client:
    return Client()


def json_ld(html: str) -> dict[str, object]:
    found = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert found, "no JSON-LD block"
    data: dict[str, object] = json.loads(found.group(1))
    return data


def test_it_shows_the_headline_and_the_latest_on_the_home_page(
    office: Office, client: Client
) -> None:
    posted(office, title="Gubernur Resmikan Jembatan Way Sekampung")
    posted(office, title="Penyuluhan Pertanian di Metro", region="18.72")

    response = client.get(reverse("portal:home"))

    page = response.content.decode()
    assert response.status_code == 200
    headline = page.index('id="headline-title"')
    latest = page.index('id="latest-title"')
    # The newest is the headline, the other one is in the latest list.
    assert headline < page.index("Penyuluhan Pertanian di Metro") < latest
    assert latest < page.index("Gubernur Resmikan Jembatan Way Sekampung")
    assert response["Cache-Control"] == "public, max-age=60"
    assert response["ETag"] and response["Last-Modified"]


def test_it_paginates_the_home_page(office: Office, client: Client) -> None:
    for number in range(14):
        posted(office, title=f"Berita nomor {number:02d}")

    first = client.get(reverse("portal:home")).content.decode()
    second = client.get(reverse("portal:home") + "?halaman=2").content.decode()
    garbage = client.get(reverse("portal:home") + "?halaman=abc")

    assert "Berita nomor 13" in first and "Berita nomor 00" not in first
    assert "Berita nomor 00" in second and "Berita nomor 13" not in second
    assert 'rel="next"' in first and 'rel="prev"' in second
    assert garbage.status_code == 200


def test_the_article_page_has_content_images_meta_and_json_ld(
    office: Office, client: Client
) -> None:
    item = posted(
        office,
        title="Bantuan Alat Tani untuk Kelompok Tani",
        body="<p>Kelompok tani menerima <strong>bantuan</strong> traktor.</p>",
        images=2,
    )
    item.category = Category.objects.create(name="Ekonomi", slug="ekonomi")
    item.save()
    item.tags.add(Tag.objects.create(name="Pertanian", slug="pertanian"))

    response = client.get(reverse("portal:article", args=[item.slug]))

    page = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Bantuan Alat Tani untuk Kelompok Tani</h1>" in page
    assert "<strong>bantuan</strong> traktor" in page
    assert "Penyerahan Bantuan" in page and "Balai Desa Sidomulyo" in page
    assert "Kabupaten Lampung Selatan" in page
    assert page.count("<picture>") == 2
    assert re.search(r'<source type="image/webp" srcset="/gambar/\S+ 480w, ', page)
    assert re.search(r'<img src="/gambar/\S+\.jpg" srcset="[^"]+ 1200w', page)
    assert 'width="' in page and 'height="' in page and 'sizes="' in page
    assert 'alt="Gubernur meninjau lokasi"' in page
    canonical = f"{settings.SITE_URL}/berita/{item.slug}/"
    assert f'<link rel="canonical" href="{canonical}">' in page
    assert re.search(
        r'<meta property="og:image" content="http[^"]+/gambar/\S+facebook\S*\.jpg">', page
    )
    assert re.search(r'<meta name="twitter:image" content="http[^"]+/gambar/\S+-x\S*\.jpg">', page)
    assert 'content="summary_large_image"' in page
    assert "https://www.facebook.com/sharer/sharer.php?u=" in page
    assert "https://x.com/intent/post?url=" in page and "https://wa.me/?text=" in page
    assert "Ekonomi" in page and reverse("portal:tag", args=["pertanian"]) in page
    data = json_ld(page)
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == "Bantuan Alat Tani untuk Kelompok Tani"
    assert str(data["datePublished"]).startswith(str(clock.now().year))
    assert isinstance(data["image"], list) and len(data["image"]) == 2
    assert data["articleSection"] == "Ekonomi"


def test_json_ld_cannot_be_closed_by_a_title(office: Office, client: Client) -> None:
    item = posted(office, title="Judul </script><script>alert(1)</script>")

    page = client.get(reverse("portal:article", args=[item.slug])).content.decode()

    assert "<script>alert(1)" not in page
    assert json_ld(page)["headline"] == "Judul </script><script>alert(1)</script>"


def test_lists_by_category_tag_region_and_month(office: Office, client: Client) -> None:
    metro = posted(office, title="Pasar Murah di Kota Metro", region="18.72")
    other = posted(office, title="Festival Krakatau", region="18.71")
    metro.category = Category.objects.create(name="Ekonomi", slug="ekonomi")
    metro.save()
    metro.tags.add(Tag.objects.create(name="Pangan", slug="pangan"))
    now = timezone.localtime(clock.now())

    pages = {
        "category": client.get(reverse("portal:category", args=["ekonomi"])),
        "tag": client.get(reverse("portal:tag", args=["pangan"])),
        "region": client.get(reverse("portal:region", args=["18.72"])),
    }
    month = client.get(reverse("portal:month", args=[now.year, now.month]))

    for name, response in pages.items():
        page = response.content.decode()
        assert response.status_code == 200, name
        assert metro.title in page and other.title not in page, name
    assert metro.title in month.content.decode() and other.title in month.content.decode()
    assert client.get(reverse("portal:region", args=["99.99"])).status_code == 404
    assert client.get(reverse("portal:category", args=["tidak-ada"])).status_code == 404
    assert client.get(reverse("portal:month", args=[1990, 13])).status_code == 404


def test_unposted_items_appear_nowhere(office: Office, client: Client) -> None:
    shown = posted(office, title="Berita Sudah Tayang")
    hidden = draft(office, title="Rahasia Draf Penyuluhan", until="post")
    scheduled = draft(office, title="Terjadwal Penyuluhan Besok", until="post")
    actions.post(office["operator1"], scheduled, at=clock.now() + timedelta(days=1))

    urls = [
        reverse("portal:home"),
        reverse("portal:region", args=["18.03"]),
        reverse("portal:rss"),
        reverse("portal:atom"),
        reverse("portal:sitemap"),
        reverse("portal:news_sitemap"),
        reverse("portal:search") + "?q=penyuluhan",
        reverse("portal:search") + "?q=rahasia",
    ]
    for url in urls:
        body = client.get(url).content.decode()
        assert "Rahasia Draf" not in body and hidden.slug not in body, url
        assert "Terjadwal" not in body and scheduled.slug not in body, url
    assert shown.slug in client.get(reverse("portal:sitemap")).content.decode()
    assert client.get(reverse("portal:article", args=[hidden.slug])).status_code == 404
    assert client.get(reverse("portal:article", args=[scheduled.slug])).status_code == 404


def test_a_revision_shows_the_new_title_and_a_correction_notice(
    office: Office, client: Client
) -> None:
    item = posted(office, title="Judul Pertama Yang Salah")
    url = reverse("portal:article", args=[item.slug])
    first = client.get(url)
    assert "Judul Pertama Yang Salah" in first.content.decode()
    assert "dikoreksi" not in first.content.decode()

    post_revision(item, title="Judul Kedua Yang Benar", body="<p>Isi yang benar.</p>")

    second = client.get(url)
    page = second.content.decode()
    assert "Judul Kedua Yang Benar" in page and "Judul Pertama" not in page
    assert "Artikel ini dikoreksi pada" in page
    assert second["ETag"] != first["ETag"]
    home = client.get(reverse("portal:home")).content.decode()
    assert "Judul Kedua Yang Benar" in home and "Judul Pertama" not in home


def test_a_retracted_article_answers_410_and_leaves_every_list(
    office: Office, client: Client
) -> None:
    item = posted(office, title="Berita Yang Akan Ditarik")
    url = reverse("portal:article", args=[item.slug])
    assert client.get(url).status_code == 200
    assert "Berita Yang Akan Ditarik" in client.get(reverse("portal:home")).content.decode()

    retract_item(office["kasi"], item, "personal_data")

    gone = client.get(url)
    assert gone.status_code == 410
    assert "Berita ini telah ditarik" in gone.content.decode()
    assert "Berita Yang Akan Ditarik" not in gone.content.decode()
    for list_url in (reverse("portal:home"), reverse("portal:rss"), reverse("portal:sitemap")):
        assert "Berita Yang Akan Ditarik" not in client.get(list_url).content.decode()
        assert item.slug not in client.get(list_url).content.decode()


def test_an_unknown_article_is_404(client: Client, db: None) -> None:
    assert client.get("/berita/tidak-ada-berita-ini/").status_code == 404


def test_portal_pages_refuse_post(office: Office, client: Client) -> None:
    assert client.post(reverse("portal:home")).status_code == 405


def test_robots_txt_names_the_sitemaps(client: Client, db: None) -> None:
    body = client.get("/robots.txt").content.decode()

    assert "Sitemap: " in body and "/sitemap.xml" in body and "/sitemap-berita.xml" in body
    assert "Disallow: /\n" in body and "Allow: /berita/" in body
