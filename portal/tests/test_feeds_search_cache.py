"""Feeds, sitemaps, search on both databases, conditional GET and the page cache."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils.http import http_date

from portal import search
from portal.caching import page_key
from portal.models import PortalState
from portal.tests.helpers import Office, post_revision, posted

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
NEWS = "{http://www.google.com/schemas/sitemap-news/0.9}"


@pytest.fixture
def client() -> Client:
    return Client()


@pytest.fixture
def two_articles(office: Office) -> list[str]:
    first = posted(
        office,
        title="Penyuluhan Gizi Balita di Pringsewu",
        body="<p>Kader posyandu mengukur tinggi badan anak.</p>",
        region="18.10",
    )
    second = posted(
        office,
        title="Gubernur Tinjau Panen Raya",
        body="<p>Petani menerima <em>bantuan</em> pupuk dan benih unggul.</p>",
    )
    return [first.slug, second.slug]


def test_rss_and_atom_parse_with_one_entry_per_article(
    client: Client, two_articles: list[str]
) -> None:
    rss = ET.fromstring(client.get(reverse("portal:rss")).content)
    atom = ET.fromstring(client.get(reverse("portal:atom")).content)

    items = rss.findall("./channel/item")
    entries = atom.findall(f"{ATOM}entry")
    assert [i.findtext("title") for i in items] == [
        "Gubernur Tinjau Panen Raya",
        "Penyuluhan Gizi Balita di Pringsewu",
    ]
    assert items[0].findtext("link", "").endswith(f"/berita/{two_articles[1]}/")
    assert "bantuan pupuk" in items[0].findtext("description", "")
    assert len(entries) == 2
    assert entries[1].findtext(f"{ATOM}title") == "Penyuluhan Gizi Balita di Pringsewu"
    assert entries[0].find(f"{ATOM}updated") is not None


HOSTILE_TEXT = "<script>alert(1)</script> <img src=x onerror=alert(2)> Kominfo & Dinas"


class TagCollector(HTMLParser):
    """The elements an HTML consumer (a feed reader) would build from a fragment."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)

    def handle_data(self, data: str) -> None:
        self.text += data


def rendered(fragment: str) -> TagCollector:
    collector = TagCollector()
    collector.feed(fragment)
    collector.close()
    return collector


@pytest.fixture
def article_showing_markup_as_text(office: Office) -> str:
    """An article whose body shows "<script>" and "<img onerror>" as text (escaped once)."""
    item = posted(
        office,
        title="Warga Melapor Pesan Palsu",
        body="<p>&lt;script&gt;alert(1)&lt;/script&gt; &lt;img src=x onerror=alert(2)&gt; "
        "Kominfo &amp; Dinas</p>",
    )
    return item.slug


def test_feeds_keep_text_that_the_article_shows_as_text_as_text(
    client: Client, article_showing_markup_as_text: str
) -> None:
    article_page = client.get(reverse("portal:article", args=[article_showing_markup_as_text]))
    assert "&lt;script&gt;alert(1)" in article_page.content.decode()  # the page shows text
    rss = ET.fromstring(client.get(reverse("portal:rss")).content)
    atom = ET.fromstring(client.get(reverse("portal:atom")).content)
    description = rss.findtext("./channel/item/description", "")
    summary = atom.find(f"{ATOM}entry/{ATOM}summary")
    assert summary is not None and summary.get("type") == "html"

    for html_of_feed in (description, summary.text or ""):
        # What the XML parser hands a reader is HTML: the markup is still escaped in it.
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html_of_feed
        assert "<script" not in html_of_feed and "<img" not in html_of_feed
        shown = rendered(html_of_feed)
        assert shown.tags == []
        assert shown.text == HOSTILE_TEXT


def test_json_ld_open_graph_and_sitemaps_carry_the_same_text_as_text(
    client: Client, office: Office
) -> None:
    item = posted(office, title="Judul <img src=x onerror=alert(3)> & Co", body="<p>Isi.</p>")
    page = client.get(reverse("portal:article", args=[item.slug])).content.decode()
    # Open Graph and the description: attribute values, escaped once for the HTML attribute.
    assert (
        '<meta property="og:title" content="Judul &lt;img src=x onerror=alert(3)&gt; &amp; Co"'
        in page
    )
    # JSON-LD: a data block whose values are plain text (schema.org Text), never re-parsed as HTML.
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    assert block is not None and "<img" not in block.group(1)
    assert json.loads(block.group(1))["headline"] == "Judul <img src=x onerror=alert(3)> & Co"
    news = ET.fromstring(client.get(reverse("portal:news_sitemap")).content)
    title = news.findtext(f"{SITEMAP}url/{NEWS}news/{NEWS}title")
    # news:title is plain text: the XML parser gives back exactly the title.
    assert title == "Judul <img src=x onerror=alert(3)> & Co"


def test_sitemap_and_news_sitemap_parse(client: Client, two_articles: list[str]) -> None:
    sitemap = ET.fromstring(client.get(reverse("portal:sitemap")).content)
    news = ET.fromstring(client.get(reverse("portal:news_sitemap")).content)

    locations = [u.findtext(f"{SITEMAP}loc") for u in sitemap.findall(f"{SITEMAP}url")]
    for slug in two_articles:
        assert any(str(loc).endswith(f"/berita/{slug}/") for loc in locations)
    assert any(str(loc).endswith("/berita/") for loc in locations)
    news_urls = news.findall(f"{SITEMAP}url")
    assert len(news_urls) == 2
    entry = news_urls[0].find(f"{NEWS}news")
    assert entry is not None
    assert entry.findtext(f"{NEWS}publication/{NEWS}language") == "id"
    assert entry.findtext(f"{NEWS}title") == "Gubernur Tinjau Panen Raya"
    assert entry.findtext(f"{NEWS}publication_date")


def test_search_finds_an_indonesian_word_in_title_and_in_body(
    client: Client, two_articles: list[str]
) -> None:
    in_title = client.get(reverse("portal:search"), {"q": "penyuluhan"}).content.decode()
    in_body = client.get(reverse("portal:search"), {"q": "Bantuan"}).content.decode()

    assert "Penyuluhan Gizi Balita di Pringsewu" in in_title
    assert "Gubernur Tinjau Panen Raya" not in in_title
    assert "Gubernur Tinjau Panen Raya" in in_body
    assert "Penyuluhan Gizi" not in in_body
    assert "1 artikel ditemukan" in in_body
    assert connection.vendor in ("sqlite", "postgresql")


def test_search_needs_every_word_and_handles_garbage(
    client: Client, two_articles: list[str]
) -> None:
    assert search.matching_ids("bantuan pupuk") and not search.matching_ids("bantuan gizi")
    for query in ['"', "AND OR NOT", "penyuluhan*)(", "NEAR(a b)", "' OR 1=1 --", "x" * 500]:
        response = client.get(reverse("portal:search"), {"q": query})
        assert response.status_code == 200, query
    assert search.matching_ids("penyuluhan*)(") == search.matching_ids("penyuluhan")
    empty = client.get(reverse("portal:search"), {"q": ""}).content.decode()
    punctuation = client.get(reverse("portal:search"), {"q": "?!…"}).content.decode()
    assert "Ketik satu kata atau lebih" in empty
    assert "huruf atau angka" in punctuation
    nothing = client.get(reverse("portal:search"), {"q": "zzzyx"}).content.decode()
    assert "Tidak ada hasil untuk “zzzyx”" in nothing


def test_search_follows_revisions(office: Office, client: Client) -> None:
    item = posted(office, title="Lomba Perahu Naga")
    post_revision(item, title="Lomba Perahu Tradisional", body="<p>Festival bahari.</p>")

    assert search.matching_ids("naga") == []
    assert search.matching_ids("tradisional") == [item.pk]
    assert search.matching_ids("bahari") == [item.pk]


def test_conditional_get_answers_304(client: Client, two_articles: list[str]) -> None:
    url = reverse("portal:article", args=[two_articles[0]])
    first = client.get(url)
    etag, modified = first["ETag"], first["Last-Modified"]

    by_etag = client.get(url, headers={"if-none-match": etag})
    by_date = client.get(url, headers={"if-modified-since": modified})
    stale = client.get(url, headers={"if-modified-since": http_date(0)})

    assert by_etag.status_code == 304 and by_etag.content == b""
    assert by_date.status_code == 304
    assert stale.status_code == 200
    for url in (reverse("portal:home"), reverse("portal:rss"), reverse("portal:sitemap")):
        tag = client.get(url)["ETag"]
        assert client.get(url, headers={"if-none-match": tag}).status_code == 304, url


def test_a_new_post_changes_the_etag(
    office: Office, client: Client, two_articles: list[str]
) -> None:
    url = reverse("portal:home")
    etag = client.get(url)["ETag"]

    posted(office, title="Berita Terbaru Sekali")

    fresh = client.get(url, headers={"if-none-match": etag})
    assert fresh.status_code == 200
    assert "Berita Terbaru Sekali" in fresh.content.decode()


def test_pages_are_served_from_the_cache_until_the_generation_changes(
    office: Office, client: Client, two_articles: list[str]
) -> None:
    url = reverse("portal:article", args=[two_articles[0]])
    client.get(url)
    request = client.get(url).wsgi_request
    key = page_key(request)
    status, headers, content = caches["portal"].get(key)
    assert status == 200 and b"Penyuluhan Gizi" in content
    assert "Content-Security-Policy" in dict(headers)
    # Proof that the cache answers: change the stored page, the next reader gets it.
    caches["portal"].set(key, (200, headers, b"dari cache"))
    cached = client.get(url)
    assert cached.content == b"dari cache"
    assert cached["Content-Security-Policy"] and cached["Cache-Control"] == "public, max-age=60"
    assert client.get(url, headers={"if-none-match": cached["ETag"]}).status_code == 304

    before = PortalState.objects.get(pk=1).generation
    item = posted(office, title="Pemicu Generasi Baru")

    assert PortalState.objects.get(pk=1).generation > before
    assert b"Penyuluhan Gizi" in client.get(url).content
    assert item.slug in client.get(reverse("portal:home")).content.decode()


def test_reindex_rebuilds_articles_and_search_from_the_publications(
    client: Client, two_articles: list[str]
) -> None:
    from io import StringIO

    from django.core.management import call_command

    from portal.models import Article

    Article.objects.all().delete()
    assert search.matching_ids("penyuluhan") == []

    out = StringIO()
    call_command("portal_reindex", stdout=out)

    assert "2 articles" in out.getvalue()
    assert len(search.matching_ids("penyuluhan")) == 1
    assert two_articles[0] in client.get(reverse("portal:home")).content.decode()
