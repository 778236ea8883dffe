"""The WhatsApp message templates Warta uses (approved in Meta's WhatsApp Manager, language id).

Kept free of Django so the fake platform can import it. The text is what the office submits
for approval; ``params`` is the number of body variables, ``buttons`` the quick replies.
"""

from __future__ import annotations

from dataclasses import dataclass

LANGUAGE = "id"


@dataclass(frozen=True)
class Template:
    name: str
    text: str
    params: int
    buttons: tuple[str, ...] = ()


TEMPLATES: dict[str, Template] = {
    t.name: t
    for t in (
        Template(
            "warta_tugas",
            "Tugas baru di Warta — Langkah {{1}}.\nBerita: {{2}}\nDari: {{3}}\n"
            "Baku waktu: {{4}}\nBuka: {{5}}",
            5,
        ),
        Template(
            "warta_keputusan",
            "Mohon keputusan Anda — Langkah {{1}}.\nBerita: {{2}}\nDari: {{3}}\n"
            "Baku waktu: {{4}}\nLihat naskah: {{5}}",
            5,
            ("Setujui", "Kembalikan"),
        ),
        Template(
            "warta_pengingat",
            "Pengingat: Langkah {{1}} untuk berita {{2}} (dari {{3}}) telah melewati baku waktu "
            "{{4}}.\nBuka: {{5}}",
            5,
        ),
        Template(
            "warta_eskalasi",
            "Eskalasi: Langkah {{1}} untuk berita {{2}} di tangan {{3}} telah melewati dua kali "
            "baku waktu {{4}}.\nBuka: {{5}}",
            5,
        ),
        Template("warta_pemberitahuan", "Warta: {{1}}", 1),
    )
}
