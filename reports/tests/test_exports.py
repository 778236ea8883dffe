"""Exports: XLSX read back cell by cell, PDF text, and the job's progress and download."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

import openpyxl
import pypdf
import pytest
from django.test import Client
from django.utils import translation

from accounts.models import User
from reports import metrics, monitoring, pdf, xlsx
from reports.models import Export
from reports.tests.history import Clock

WEEK = metrics.Filter(start=date(2026, 3, 2), end=date(2026, 3, 9))


def workbook(content: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(content))


def pdf_text(content: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() for page in reader.pages)


@pytest.fixture
def english() -> Iterator[None]:
    with translation.override("en"):
        yield


def test_the_report_xlsx_has_one_sheet_per_table_with_real_cells(
    history: Clock, english: None
) -> None:
    book = workbook(xlsx.report_xlsx(metrics.report(WEEK)))
    assert book.sheetnames == [
        "Summary",
        "Per step",
        "Lead time",
        "Returned",
        "Per person",
        "Per channel",
        "Overdue now",
    ]
    summary = book["Summary"]
    assert summary["A2"].value == "Dinas Komunikasi, Informatika dan Statistik Provinsi Lampung"
    assert summary["B6"].value == datetime(2026, 3, 2)
    assert summary["B6"].is_date
    assert summary["B7"].value == datetime(2026, 3, 9)
    assert [(summary.cell(r, 1).value, summary.cell(r, 2).value) for r in range(9, 14)] == [
        ("Items assigned", 4),
        ("Items posted", 3),
        ("Returned (corrections and verifications)", 2),
        ("Items returned at least once", 1),
        ("Overdue now", 1),
    ]

    steps = book["Per step"]
    assert steps["A9"].value == "Step"
    production = [steps.cell(12, c).value for c in range(1, 11)]  # 1, 2, 3 submit, 3 review ...
    assert production == [3, "Production", 7, 5, 6, 10, 0.6, 6, 10, 0.6]
    assert steps.cell(12, 7).number_format == "0%"
    assert steps.cell(12, 5).number_format == "0.0"
    direct = [steps.cell(11, c).value for c in range(1, 11)]
    assert direct == [2, "Direction", 5, 4, 5, 3825, 0.5, 5, 15, 0.5]

    lead = book["Lead time"]
    assert lead["E9"].value == "Within 21 min"
    assert [lead.cell(10, c).value for c in range(1, 6)] == [
        "Wall-clock",
        3,
        28,
        45,
        pytest.approx(1 / 3),
    ]

    returned = book["Returned"]
    assert [returned.cell(9, c).value for c in range(1, 8)] == [
        "Step",
        "Bahasa/ejaan",
        "Akurasi data",
        "Foto",
        "Sensitivitas/kebijakan",
        "Lainnya",
        "Total",
    ]
    assert [returned.cell(10, c).value for c in range(1, 8)] == ["3 Correction", 1, 0, 0, 0, 0, 1]
    assert [returned.cell(11, c).value for c in range(1, 8)] == ["5 Verification", 0, 1, 0, 0, 0, 1]

    overdue = book["Overdue now"]
    assert overdue["C10"].value == 3
    assert overdue["F10"].value == datetime(2026, 3, 9, 7, 35)  # office time, a real date cell
    assert overdue["G10"].value == 18


def test_the_report_pdf_is_a4_with_the_letterhead_and_the_tables(
    history: Clock, english: None
) -> None:
    content = pdf.report_pdf(metrics.report(WEEK))
    reader = pypdf.PdfReader(io.BytesIO(content))
    width, height = reader.pages[0].mediabox.width, reader.pages[0].mediabox.height
    assert (round(float(width)), round(float(height))) == (595, 842)  # A4 in points
    text = pdf_text(content)
    assert "Dinas Komunikasi, Informatika dan Statistik Provinsi Lampung" in text
    assert "SOP report" in text
    assert "Production" in text and "Lead time: assignment to posting" in text
    assert "Bahasa/ejaan" in text


def test_the_letterhead_comes_from_the_settings(history: Clock, settings: object) -> None:
    settings.OFFICE_NAME = "Dinas Kominfo Kota Metro"  # type: ignore[attr-defined]
    assert "Dinas Kominfo Kota Metro" in pdf_text(pdf.report_pdf(metrics.report(WEEK)))


def test_the_monitoring_xlsx_and_pdf(history: Clock) -> None:
    form = monitoring.monitoring_form(WEEK)
    with translation.override("id"):
        book = workbook(xlsx.monitoring_xlsx(form))
        content = pdf.monitoring_pdf(form)
    sheet = book["Monitoring"]
    assert [sheet.cell(10, c).value for c in range(1, 7)] == [
        "No",
        "Prosedur",
        "Penilaian terhadap Penerapan",
        "Catatan Hasil Penilaian",
        "Tindakan yang Harus Diambil",
        "Paraf Penilai",
    ]
    step3 = [sheet.cell(13, c).value for c in range(1, 7)]
    assert step3[0] == 3
    assert step3[1].startswith("Memproduksi berita berupa teks dan gambar")
    assert step3[2:4] == [
        "Berjalan dengan baik",
        "median 4 menit vs baku 7 menit; 1 kali dikembalikan",
    ]
    assert step3[4:] == [None, None]  # for the assessor
    assert sheet.cell(12, 3).value == "Tidak berjalan dengan baik"
    evaluation = book["Evaluasi"]
    criteria = [evaluation.cell(r, 2).value for r in range(10, 17)]
    assert "mampu mendorong peningkatan kinerja" in criteria[0]
    assert len(criteria) == 7 and all(criteria)
    text = pdf_text(content)
    assert "Monitoring Pelaksanaan SOP" in text
    assert "Berjalan dengan baik" in text
    assert "satu dengan lainnya" in text
    reader = pypdf.PdfReader(io.BytesIO(content))
    assert len(reader.pages) >= 2
    assert round(float(reader.pages[0].mediabox.width)) == 842  # A4 landscape


@pytest.mark.parametrize(
    ("kind", "suffix", "magic"),
    [
        ("report_xlsx", ".xlsx", b"PK"),
        ("report_pdf", ".pdf", b"%PDF"),
        ("monitoring_xlsx", ".xlsx", b"PK"),
        ("monitoring_pdf", ".pdf", b"%PDF"),
    ],
)
def test_an_export_job_runs_to_a_download_link(
    client: Client,
    history: Clock,
    django_capture_on_commit_callbacks: Any,
    kind: str,
    suffix: str,
    magic: bytes,
) -> None:
    assert client.login(username="kabid", password="rahasia-123")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/laporan/ekspor/",
            {"kind": kind, "date_from": "2026-03-02", "date_to": "2026-03-09"},
        )
    export = Export.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/laporan/ekspor/{export.code}/"
    assert (export.state, export.progress) == (Export.State.DONE, 100)
    assert export.params["from"] == "2026-03-02"
    page = client.get(response["Location"]).content.decode()
    link = f"/laporan/ekspor/{export.code}/unduh/"
    assert f'href="{link}"' in page
    download = client.get(link)
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    assert suffix in download["Content-Disposition"]
    assert b"".join(download.streaming_content).startswith(magic)


def test_progress_is_shown_while_the_job_runs_and_polled_by_htmx(
    client: Client, history: Clock
) -> None:
    kabid = User.objects.get(username="kabid")
    export = Export.objects.create(
        kind=Export.Kind.REPORT_XLSX,
        params={"from": "2026-03-02", "to": "2026-03-09"},
        requested_by=kabid,
        state=Export.State.RUNNING,
        progress=42,
    )
    client.force_login(kabid)
    part = client.get(f"/laporan/ekspor/{export.code}/", headers={"HX-Request": "true"})
    html = part.content.decode()
    assert html.lstrip().startswith('<div id="export-status"')
    assert 'hx-trigger="every 2s"' in html
    assert 'value="42"' in html
    assert client.get(f"/laporan/ekspor/{export.code}/unduh/").status_code == 404


def test_another_persons_export_is_not_found(client: Client, history: Clock) -> None:
    kabid = User.objects.get(username="kabid")
    export = Export.objects.create(
        kind=Export.Kind.REPORT_XLSX,
        params={"from": "2026-03-02", "to": "2026-03-09"},
        requested_by=kabid,
    )
    assert client.login(username="kasi", password="rahasia-123")
    assert client.get(f"/laporan/ekspor/{export.code}/").status_code == 404
