"""Full-text search of the portal's articles: one interface, one engine per database vendor.

SQLite answers from the FTS5 table ``portal_article_fts`` (migration 0002), PostgreSQL from
``to_tsvector('simple', ...)`` over the same expression as its GIN index. The 'simple'
configuration and unicode61 tokenizer both match whole Indonesian words without stemming
(Indonesian affixes would need a stemmer neither database ships). A query is reduced to at most
``MAX_TERMS`` plain words, each quoted for FTS5, so no input can be a syntax error.
"""

from __future__ import annotations

import re

from django.db import connection

from portal.models import Article

MAX_TERMS = 8
MAX_TERM_LENGTH = 40
_WORD = re.compile(r"\w+", re.UNICODE)


def terms(query: str) -> list[str]:
    """The words of a query, lower-cased, de-duplicated, at most MAX_TERMS of them."""
    words = [w.lower()[:MAX_TERM_LENGTH] for w in _WORD.findall(query or "")]
    return list(dict.fromkeys(w for w in words if w.strip("_")))[:MAX_TERMS]


def matching_ids(query: str) -> list[int]:
    """Item ids of the shown articles containing every word of ``query``, best match first."""
    words = terms(query)
    if not words:
        return []
    if connection.vendor == "sqlite":
        sql = (
            "SELECT rowid FROM portal_article_fts WHERE portal_article_fts MATCH %s "
            "ORDER BY bm25(portal_article_fts, 4.0, 1.0)"
        )
        params: list[str] = [" ".join(f'"{w}"' for w in words)]
    elif connection.vendor == "postgresql":
        sql = (
            "SELECT item_id FROM portal_article "
            "WHERE to_tsvector('simple', title || ' ' || text) @@ plainto_tsquery('simple', %s) "
            "ORDER BY ts_rank(to_tsvector('simple', title || ' ' || text), "
            "plainto_tsquery('simple', %s)) DESC, published_at DESC"
        )
        params = [" ".join(words)] * 2
    else:
        return _matching_ids_without_index(words)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]


def _matching_ids_without_index(words: list[str]) -> list[int]:
    """Any other database: a substring match, slow but correct for a small site."""
    articles = Article.objects.all()
    for word in words:
        articles = articles.filter(text__icontains=word) | articles.filter(title__icontains=word)
    return list(articles.values_list("item_id", flat=True))
