"""Regencies and cities of Lampung Province with their Kemendagri codes."""

from __future__ import annotations

LAMPUNG_REGIONS: dict[str, str] = {
    "18.01": "Kabupaten Lampung Barat",
    "18.02": "Kabupaten Tanggamus",
    "18.03": "Kabupaten Lampung Selatan",
    "18.04": "Kabupaten Lampung Timur",
    "18.05": "Kabupaten Lampung Tengah",
    "18.06": "Kabupaten Lampung Utara",
    "18.07": "Kabupaten Way Kanan",
    "18.08": "Kabupaten Tulang Bawang",
    "18.09": "Kabupaten Pesawaran",
    "18.10": "Kabupaten Pringsewu",
    "18.11": "Kabupaten Mesuji",
    "18.12": "Kabupaten Tulang Bawang Barat",
    "18.13": "Kabupaten Pesisir Barat",
    "18.71": "Kota Bandar Lampung",
    "18.72": "Kota Metro",
}

REGION_CHOICES: list[tuple[str, str]] = list(LAMPUNG_REGIONS.items())
