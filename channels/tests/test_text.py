"""X's weighted length (twitter-text v3), rebuilt from its conformance cases."""

from __future__ import annotations

import pytest

from channels.text import hashtags, x_cut_at, x_weighted_length


@pytest.mark.parametrize(
    ("text", "weight"),
    [
        ("This is a test.", 15),
        ("a" * 280, 280),
        ("Selamat pagi, Lampung!", 22),
        # CJK counts 2 each: 140 of them fill a post.
        ("\u7530" * 140, 280),
        ("こんにちは", 10),
        # Latin-1 supplement, Cyrillic, Hebrew... are in U+0000-U+10FF: weight 1.
        ("café", 4),
        ("Привет", 6),
        # NFC first: "e" + combining acute is one character.
        ("cafe\u0301", 4),
        # Light punctuation ranges: en dash, curly quotes, prime.
        ("\u2013\u201c\u201d\u2032", 4),
        # Outside them (U+2026 is past U+201F): weight 2.
        ("\u2026", 2),
        # Each URL counts 23 whatever its length, with or without a scheme.
        ("https://lampungprov.go.id/berita/gubernur-resmikan-jembatan-way-sekampung", 23),
        ("Baca di lampungprov.go.id", 8 + 23),
        ("http://t.co", 23),
        ("Kunjungi https://a.com dan https://b.com.", 9 + 23 + 5 + 23 + 1),
        # Emoji count 2, including sequences joined with ZWJ, skin tones, flags and keycaps.
        ("🎉", 2),
        ("👍🏽", 2),
        ("👨‍👩‍👧‍👦", 2),
        ("🇮🇩", 2),
        ("1️⃣", 2),
        ("❤️", 2),
        ("Halo 🎉🎉", 5 + 4),
    ],
)
def test_weighted_length(text: str, weight: int) -> None:
    assert x_weighted_length(text) == weight


def test_281_latin_characters_are_cut_at_280() -> None:
    assert x_cut_at("a" * 280) is None
    assert x_cut_at("a" * 281) == 280
    assert x_cut_at("\u7530" * 141) == 140


def test_hashtags_are_words_after_a_hash_sign() -> None:
    assert hashtags("#Lampung maju, #BerAKHLAK! a#b &#39;") == ["#Lampung", "#BerAKHLAK"]


def test_submit_time_problems_read_image_uploads() -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from channels import validation
    from newsroom.actions import ImageUpload

    png = ImageUpload(SimpleUploadedFile("a.png", b"x", "image/png"), "alt")
    found = validation.problems(
        {"title": "Judul", "body": "<p>Isi</p>", "captions": {"x": "a" * 281}, "images": [png]},
        ["website", "instagram", "x", "facebook"],
    )
    assert sorted(found) == ["x"]  # the PNG goes to Instagram as a JPEG rendition (issue 6)
    assert "281" in found["x"][0]
