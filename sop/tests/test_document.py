"""The official SOP document, as a public HTML page and a PDF, rendered from the SOP file."""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from pypdf import PdfReader

from sop.models import SopVersion

OTHER = Path(__file__).parent / "fixtures" / "alur-ringkas.yaml"
SVG = "{http://www.w3.org/2000/svg}"
ID = {"Accept-Language": "id"}


@pytest.fixture(autouse=True)
def _static_without_manifest(settings: Any) -> None:
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


class _Table(HTMLParser):
    """Collects the procedure table's rows: each cell's text, and each row's flowchart band."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[dict[str, Any]] = []
        self.actors: list[str] = []
        self._cell: str | None = None
        self._text: list[str] = []
        self._svg_depth = 0
        self._in_step = False
        self._svg: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if self._svg_depth or tag == "svg":
            self._svg_depth += 1
            attributes = "".join(f' {k}="{v}"' for k, v in attrs if v is not None)
            self._svg.append(f"<{tag}{attributes}>")
            return
        if tag == "tr":
            self._in_step = a.get("class") == "step"
            if self._in_step:
                self.rows.append({"step": a.get("data-step"), "cells": {}, "svg": ""})
        elif tag == "th" and a.get("class") == "actor":
            self._cell, self._text = "actor", []
        elif tag == "td" and self._in_step and a.get("class"):
            self._cell, self._text = a.get("class"), []

    def handle_endtag(self, tag: str) -> None:
        if self._svg_depth:
            self._svg.append(f"</{tag}>")
            self._svg_depth -= 1
            if not self._svg_depth:
                self.rows[-1]["svg"] = "".join(self._svg)
                self._svg = []
            return
        if tag in ("td", "th") and self._cell:
            text = " ".join("".join(self._text).split())
            if self._cell == "actor":
                self.actors.append(text)
            else:
                self.rows[-1]["cells"][self._cell] = text
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._svg_depth:
            self._svg.append(data)
        elif self._cell:
            self._text.append(data)


def _table(html: str) -> _Table:
    parser = _Table()
    parser.feed(html)
    return parser


def _pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


@pytest.mark.django_db
def test_it_shows_the_sop_document_to_anyone(client: Client) -> None:
    response = client.get("/sop/", headers=ID)

    assert response.status_code == 200
    html = response.content.decode()
    table = _table(html)
    assert [r["step"] for r in table.rows] == ["1", "2", "3", "4", "5", "6", "7"]
    assert table.actors == ["Kabid PLIP", "Kasi PIP", "Operator"]
    assert [r["cells"]["time"] for r in table.rows] == [f"{m} menit" for m in (2, 5, 7, 2, 2, 1, 2)]
    assert re.search(r'class="time" data-minutes="21">21 menit<', html)
    assert table.rows[0]["cells"]["activity"].startswith("Menugaskan Kepala Seksi")
    assert table.rows[6]["cells"]["output"] == "Konten berita"
    assert table.rows[2]["cells"]["requirements"] == (
        "Smartphone/Komputer, WhatsApp, Aplikasi edit gambar, Jaringan internet/kuota"
    )
    assert "Kelengkapan/Persyaratan" in html and "Keterangan" in html


@pytest.mark.django_db
def test_it_shows_the_identity_part(client: Client) -> None:
    html = client.get("/sop/", headers=ID).content.decode()

    for text in (
        "Nomor SOP",
        "Tanggal Pembuatan",
        "Tanggal Revisi",
        "Tanggal Efektif",
        "Disahkan oleh",
        "GANJAR JATIONO, SE, M.AP",
        "NIP. 19700824 200212 1 003",
        "Dasar Hukum",
        "Undang-Undang Nomor 25 Tahun 2009 tentang Pelayanan Publik",
        "Kualifikasi Pelaksana",
        "Keterkaitan",
        "Peralatan/Perlengkapan",
        "Aplikasi WhatsApp",
        "Peringatan",
        "Verifikasi terlebih dahulu sebelum posting berita",
        "Pencatatan dan Pendataan",
        "Lokasi kegiatan",
    ):
        assert text in html, text


@pytest.mark.django_db
def test_each_row_draws_its_step_in_the_actors_column(client: Client) -> None:
    table = _table(client.get("/sop/", headers=ID).content.decode())

    shapes: list[tuple[str, str, str]] = []
    arrows: set[tuple[str, str, str]] = set()
    for row in table.rows:
        band = ET.fromstring(row["svg"])
        for g in band.iter(f"{SVG}g"):
            classes = g.get("class", "").split()
            if "shape" in classes and "lead" in classes:
                shapes.append((row["step"], g.get("data-step", ""), classes[1]))
            if "arrow" in classes:
                arrows.add((g.get("data-from", ""), g.get("data-to", ""), g.get("data-label", "")))

    kinds = ["process", "process", "process", "process", "decision", "process", "process"]
    assert shapes == [(str(n), str(n), kind) for n, kind in zip(range(1, 8), kinds, strict=True)]
    assert ("review", "submit", "Tidak") in arrows
    assert ("verify", "submit", "Tidak") in arrows
    assert len(arrows) == 11


@pytest.mark.django_db
def test_the_page_keeps_to_the_content_security_policy(client: Client) -> None:
    response = client.get("/sop/", headers=ID)
    html = response.content.decode()

    assert "style-src 'self'" in response["Content-Security-Policy"]
    assert " style=" not in html and "<style" not in html and "<script" not in html


@pytest.mark.django_db
def test_it_renders_the_document_as_a_pdf(client: Client) -> None:
    response = client.get("/sop/dokumen.pdf", headers=ID)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline; filename=")
    text = _pdf_text(response.content)
    assert "SOP DISEMINASI LAYANAN INFORMASI MELALUI WEBSITE DAN SOSIAL MEDIA" in text
    assert "GANJAR JATIONO" in text
    for phrase in (
        "Menugaskan Kepala Seksi",
        "Memberikan arahan/perintah",
        "Memproduksi berita berupa teks",
        "Menyerahkan hasil produksi",
        "Memverifikasi bahan berita",
        "Menyerahkan bahan berita",
        "Memposting berita",
        "Kabid PLIP",
        "Kasi PIP",
        "Mulai",
        "Selesai",
        "Setuju?",
    ):
        assert phrase in text, phrase
    assert re.findall(r"(\d+) menit", text) == ["2", "5", "7", "2", "2", "1", "2", "21"]
    # The identity part, then the chart over two pages (joined by off-page connectors).
    assert len(PdfReader(io.BytesIO(response.content)).pages) >= 3


@pytest.mark.django_db
def test_it_renders_an_older_recorded_version(client: Client, settings: Any) -> None:
    seed = SopVersion.objects.current()
    settings.SOP_FILE = OTHER

    current = client.get("/sop/", headers=ID).content.decode()
    older = client.get("/sop/", {"version": seed.sha256}, headers=ID).content.decode()

    assert "SOP Publikasi Ringkas Siaran Pers" in current
    assert "Menugaskan Kepala Seksi" in older
    assert client.get("/sop/", {"version": "0" * 64}).status_code == 404
    pdf = client.get("/sop/dokumen.pdf", {"version": seed.sha256}, headers=ID)
    assert "Menugaskan Kepala Seksi" in _pdf_text(pdf.content)


@pytest.mark.django_db
def test_it_renders_another_sop_file(client: Client, settings: Any) -> None:
    settings.SOP_FILE = OTHER

    html = client.get("/sop/", headers=ID).content.decode()
    table = _table(html)

    assert table.actors == ["Pranata Humas", "Kabag Humas"]
    assert [r["step"] for r in table.rows] == ["1", "2", "3", "4", "5", "6"]
    assert [r["cells"]["time"] for r in table.rows] == [f"{m} menit" for m in (3, 10, 4, 5, 1, 2)]
    assert table.rows[2]["cells"]["remarks"] == "Jika belum sesuai kembali ke penulis"
    assert "800/12/HUMAS/2026" in html and "SITI RAHMAWATI, S.Sos" in html
    assert 'data-minutes="25">25 menit<' in html
    text = _pdf_text(client.get("/sop/dokumen.pdf", headers=ID).content)
    assert "Menerbitkan siaran pers di website" in text
    assert "Sesuai?" in text and "Sah?" in text


@pytest.mark.django_db
def test_it_speaks_english_when_asked(client: Client) -> None:
    html = client.get("/sop/", headers={"Accept-Language": "en"}).content.decode()

    assert "Quality standard" in html and "2 min" in html
    # The SOP's own words stay as the office wrote them.
    assert "Menugaskan Kepala Seksi" in html


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/sop/", "/sop/dokumen.pdf"])
def test_it_only_answers_reads(client: Client, path: str) -> None:
    assert client.post(path).status_code == 405
    assert client.head(path).status_code == 200
