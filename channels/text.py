"""Counting text the way each platform counts it.

X: twitter-text v3 weighted length (NFC first; weight 1 for U+0000-U+10FF, U+2000-U+200D,
U+2010-U+201F, U+2032-U+2037, 2 for everything else; an emoji sequence counts 2; a URL 23).
Instagram: at most 2,200 characters, 30 hashtags and 20 mentions in a caption.
"""

from __future__ import annotations

import re
import unicodedata

X_MAX_WEIGHT = 280
X_URL_WEIGHT = 23
X_LIGHT_RANGES = ((0x0000, 0x10FF), (0x2000, 0x200D), (0x2010, 0x201F), (0x2032, 0x2037))

INSTAGRAM_CAPTION_MAX = 2200
INSTAGRAM_HASHTAGS_MAX = 30
INSTAGRAM_MENTIONS_MAX = 20

# Top-level domains twitter-text links without a scheme that matter here (Indonesian sites
# and the generic ones); a scheme always makes a link.
_TLDS = (
    "com|net|org|info|biz|gov|edu|mil|int|id|io|co|me|tv|ly|my|sg|uk|us|au|jp|asia|news|online|"
    "site|web|app|dev|xyz|desa|go\\.id|co\\.id|ac\\.id|or\\.id|web\\.id|sch\\.id|my\\.id|"
    "net\\.id|mil\\.id|ponpes\\.id|biz\\.id"
)
URL_RE = re.compile(
    r"(?<![\w@.#$/-])"
    r"(?:https?://[^\s<>\"]+"
    r"|(?:www\.)?(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+(?:" + _TLDS + r")\b"
    r"(?::\d{1,5})?(?:/[^\s<>\"]*)?)",
    re.IGNORECASE,
)
# Trailing punctuation is not part of a link ("lihat lampungprov.go.id.").
_URL_TRAILING = ".,;:!?'\")]}"

_EMOJI_RANGES = (
    (0x1F000, 0x1FAFF),
    (0x2600, 0x27BF),
    (0x2300, 0x23FF),
    (0x2B00, 0x2BFF),
    (0x1F1E6, 0x1F1FF),
)
ZWJ, VS16, KEYCAP = 0x200D, 0xFE0F, 0x20E3
_MODIFIERS = range(0x1F3FB, 0x1F400)  # skin tones
_TAGS = range(0xE0020, 0xE0080)  # subdivision flags


def _is_emoji(cp: int) -> bool:
    return any(lo <= cp <= hi for lo, hi in _EMOJI_RANGES)


def _weight(cp: int) -> int:
    return 1 if any(lo <= cp <= hi for lo, hi in X_LIGHT_RANGES) else 2


def _urls(text: str) -> list[tuple[int, int]]:
    spans = []
    for match in URL_RE.finditer(text):
        start, end = match.span()
        while end > start and text[end - 1] in _URL_TRAILING:
            end -= 1
        spans.append((start, end))
    return spans


def _emoji_length(text: str, i: int) -> int:
    """Code points in the emoji sequence starting at ``i`` (0 if none starts there)."""
    cp = ord(text[i])
    n = len(text)
    if 0x30 <= cp <= 0x39 or text[i] in "#*":  # keycaps: 1️⃣
        j = i + 1
        if j < n and ord(text[j]) == VS16:
            j += 1
        return j + 1 - i if j < n and ord(text[j]) == KEYCAP else 0
    if not _is_emoji(cp):
        return 0
    if 0x1F1E6 <= cp <= 0x1F1FF:  # a flag is a pair of regional indicators
        return 2 if i + 1 < n and 0x1F1E6 <= ord(text[i + 1]) <= 0x1F1FF else 1
    j = i + 1
    while j < n:
        c = ord(text[j])
        if c == VS16 or c in _MODIFIERS or c in _TAGS:
            j += 1
        elif c == ZWJ and j + 1 < n and _is_emoji(ord(text[j + 1])):
            j += 2
        else:
            break
    return j - i


def x_weighted_length(text: str) -> int:
    """The length X counts for a post (280 allowed)."""
    text = unicodedata.normalize("NFC", text)
    total, i = 0, 0
    urls = _urls(text)
    starts = dict(urls)
    while i < len(text):
        if i in starts:
            total += X_URL_WEIGHT
            i = starts[i]
            continue
        emoji = _emoji_length(text, i)
        if emoji:
            total += 2
            i += emoji
            continue
        total += _weight(ord(text[i]))
        i += 1
    return total


def x_cut_at(text: str, limit: int = X_MAX_WEIGHT) -> int | None:
    """Where X's limit cuts ``text`` (a character index), or None if it fits."""
    text = unicodedata.normalize("NFC", text)
    if x_weighted_length(text) <= limit:
        return None
    lo, hi = 0, len(text)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if x_weighted_length(text[:mid]) <= limit:
            lo = mid
        else:
            hi = mid - 1
    return lo


HASHTAG_RE = re.compile(r"(?<![\w&])#\w+")
MENTION_RE = re.compile(r"(?<![\w@])@[\w.]+")


def hashtags(text: str) -> list[str]:
    return HASHTAG_RE.findall(text)


def mentions(text: str) -> list[str]:
    return MENTION_RE.findall(text)
