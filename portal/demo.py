"""Demo news for ``seed_demo``: items walked through all seven steps by the demo office and
posted to the website, with categories, topics, regions and photos, so the portal is not empty
after ``make run``."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.text import slugify
from PIL import Image, ImageDraw

from accounts.models import User
from images import jobs
from lib import clock
from newsroom import actions
from newsroom.actions import Assignment, ImageUpload
from newsroom.models import Category, Item

CATEGORIES = ("Pemerintahan", "Ekonomi", "Pertanian", "Kesehatan", "Pendidikan")


@dataclass(frozen=True)
class DemoArticle:
    title: str
    category: str
    tags: tuple[str, ...]
    region: str
    place: str
    activity: str
    organizer: str
    body: str
    photos: tuple[tuple[str, tuple[int, int, int]], ...]  # (alt text, colour)


DEMO_ARTICLES: tuple[DemoArticle, ...] = (
    DemoArticle(
        "Gubernur Resmikan Jembatan Way Sekampung",
        "Pemerintahan",
        ("infrastruktur", "jembatan"),
        "18.03",
        "Desa Way Sekampung",
        "Peresmian Jembatan",
        "Dinas PUPR",
        "<p>Gubernur Lampung meresmikan jembatan Way Sekampung yang menghubungkan dua "
        "kecamatan. Jembatan sepanjang 120 meter ini memperpendek waktu tempuh warga menuju "
        "pasar dan sekolah.</p><p>Pembangunan dibiayai APBD Provinsi Lampung.</p>",
        (
            ("Gubernur menggunting pita di ujung jembatan", (40, 90, 150)),
            ("Warga melintasi jembatan baru dengan sepeda motor", (70, 120, 60)),
        ),
    ),
    DemoArticle(
        "Penyuluhan Pertanian Padi Organik di Lampung Tengah",
        "Pertanian",
        ("pertanian", "penyuluhan"),
        "18.05",
        "Balai Penyuluhan Pertanian Terbanggi Besar",
        "Penyuluhan Pertanian",
        "Dinas Tanaman Pangan dan Hortikultura",
        "<p>Sebanyak 80 petani mengikuti penyuluhan budidaya padi organik. Petugas "
        "memperagakan pembuatan pupuk kompos dari jerami.</p>",
        (("Petugas penyuluh memperagakan pembuatan kompos", (110, 140, 50)),),
    ),
    DemoArticle(
        "Pemprov Salurkan Bantuan Benih Jagung untuk Kelompok Tani",
        "Ekonomi",
        ("bantuan", "pertanian"),
        "18.04",
        "Kantor Kecamatan Sukadana",
        "Penyerahan Bantuan Benih",
        "Dinas Tanaman Pangan dan Hortikultura",
        "<p>Pemerintah Provinsi Lampung menyalurkan bantuan 12 ton benih jagung hibrida "
        "kepada 40 kelompok tani di Lampung Timur.</p>",
        (("Kepala dinas menyerahkan karung benih kepada ketua kelompok tani", (180, 140, 40)),),
    ),
    DemoArticle(
        "Posyandu Keliling Layani Imunisasi di Kota Metro",
        "Kesehatan",
        ("kesehatan", "imunisasi"),
        "18.72",
        "Posyandu Melati, Metro Pusat",
        "Posyandu Keliling",
        "Dinas Kesehatan",
        "<p>Tim posyandu keliling melayani imunisasi dasar dan pemeriksaan gizi bagi ibu "
        "dan balita.</p>",
        (("Petugas kesehatan mencatat hasil penimbangan", (160, 60, 80)),),
    ),
    DemoArticle(
        "Beasiswa Siswa Berprestasi Diserahkan di Bandar Lampung",
        "Pendidikan",
        ("pendidikan", "beasiswa"),
        "18.71",
        "Gedung Balai Keratun",
        "Penyerahan Beasiswa",
        "Dinas Pendidikan dan Kebudayaan",
        "<p>Sebanyak 250 siswa SMA dan SMK berprestasi menerima beasiswa dari Pemerintah "
        "Provinsi Lampung tahun ini.</p>",
        (("Para penerima beasiswa berfoto bersama", (60, 60, 140)),),
    ),
    DemoArticle(
        "Pasar Murah Jelang Hari Raya di Pringsewu",
        "Ekonomi",
        ("pasar murah", "bantuan"),
        "18.10",
        "Lapangan Pemda Pringsewu",
        "Pasar Murah",
        "Dinas Perindustrian dan Perdagangan",
        "<p>Pasar murah menyediakan beras, minyak goreng dan gula dengan harga di bawah "
        "harga pasar untuk menjaga daya beli warga.</p>",
        (("Warga antre membeli beras murah", (150, 90, 40)),),
    ),
)


def photo(label: str, colour: tuple[int, int, int], size: tuple[int, int] = (1600, 1067)) -> bytes:
    """A simple generated picture (no camera photo is shipped with the demo)."""
    image = Image.new("RGB", size, colour)
    draw = ImageDraw.Draw(image)
    width, height = size
    for band in range(8):
        shade = tuple(min(255, c + band * 14) for c in colour)
        draw.rectangle((0, height * band // 8, width, height * (band + 1) // 8), fill=shade)
    draw.ellipse((width * 0.6, height * 0.15, width * 0.8, height * 0.45), fill=(250, 220, 120))
    draw.rectangle((width * 0.1, height * 0.6, width * 0.9, height * 0.68), fill=(60, 50, 40))
    draw.text((width * 0.05, height * 0.05), label[:60], fill=(255, 255, 255))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=82)
    return buffer.getvalue()


def post_demo_articles(office: dict[str, User]) -> list[Item]:
    """Walk each demo article through the seven steps (as the demo people) and post it."""
    kabid, kasi, operator = office["kabid"], office["kasi"], office["operator1"]
    for name in CATEGORIES:
        Category.objects.get_or_create(slug=slugify(name), defaults={"name": name})
    items = []
    for index, demo in enumerate(DEMO_ARTICLES):
        item = actions.assign(
            kabid,
            Assignment(
                title=demo.title,
                kasi=kasi.username,
                activity_name=demo.activity,
                activity_starts_at=clock.now() - timedelta(days=len(DEMO_ARTICLES) - index),
                activity_organizer=demo.organizer,
                location_name=demo.place,
                region_code=demo.region,
                channels=["website"],
                category=slugify(demo.category),
                tags=list(demo.tags),
            ),
        )
        actions.direct(kasi, item, operator=operator.username, direction="5W+1H, foto utama.")
        uploads = [
            ImageUpload(
                SimpleUploadedFile(f"foto-{n}.jpg", photo(alt, colour), "image/jpeg"),
                alt_text=alt,
            )
            for n, (alt, colour) in enumerate(demo.photos)
        ]
        version = actions.submit(operator, item, title=demo.title, body=demo.body, images=uploads)
        # No worker runs yet while `prepare` seeds the demo: this command makes the renditions
        # the worker would (posting waits for them).
        jobs.make_for([image.pk for image in version.images.all()])
        actions.review(kasi, item, decision="approve")
        actions.forward(kasi, item)
        actions.verify(kabid, item, decision="approve", note="Layak tayang.")
        actions.handover(kasi, item)
        actions.post(operator, item)
        items.append(item)
    return items
