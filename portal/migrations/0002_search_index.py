"""Full-text index of the portal's articles, per database vendor (see portal/search.py).

SQLite: an FTS5 table over portal_article (external content, rowid = item id) kept in sync by
triggers. PostgreSQL: a GIN index on to_tsvector('simple', title || ' ' || text), the very
expression the search query uses. Other vendors get no index (search falls back to LIKE).
"""

from django.db import migrations

SQL = {
    "sqlite": (
        [
            "CREATE VIRTUAL TABLE portal_article_fts USING fts5(title, text, "
            "content='portal_article', content_rowid='item_id', "
            "tokenize='unicode61 remove_diacritics 2')",
            "CREATE TRIGGER portal_article_fts_ai AFTER INSERT ON portal_article BEGIN "
            "INSERT INTO portal_article_fts(rowid, title, text) "
            "VALUES (new.item_id, new.title, new.text); END",
            "CREATE TRIGGER portal_article_fts_ad AFTER DELETE ON portal_article BEGIN "
            "INSERT INTO portal_article_fts(portal_article_fts, rowid, title, text) "
            "VALUES ('delete', old.item_id, old.title, old.text); END",
            "CREATE TRIGGER portal_article_fts_au AFTER UPDATE ON portal_article BEGIN "
            "INSERT INTO portal_article_fts(portal_article_fts, rowid, title, text) "
            "VALUES ('delete', old.item_id, old.title, old.text); "
            "INSERT INTO portal_article_fts(rowid, title, text) "
            "VALUES (new.item_id, new.title, new.text); END",
            "INSERT INTO portal_article_fts(portal_article_fts) VALUES ('rebuild')",
        ],
        [
            "DROP TRIGGER IF EXISTS portal_article_fts_au",
            "DROP TRIGGER IF EXISTS portal_article_fts_ad",
            "DROP TRIGGER IF EXISTS portal_article_fts_ai",
            "DROP TABLE IF EXISTS portal_article_fts",
        ],
    ),
    "postgresql": (
        [
            "CREATE INDEX portal_article_search ON portal_article "
            "USING GIN (to_tsvector('simple', title || ' ' || text))"
        ],
        ["DROP INDEX IF EXISTS portal_article_search"],
    ),
}


class VendorSQL(migrations.RunSQL):
    """RunSQL with one statement list per vendor (none for the others)."""

    def __init__(self, per_vendor):
        super().__init__(migrations.RunSQL.noop, migrations.RunSQL.noop)
        self.per_vendor = per_vendor

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        self._run_sql(schema_editor, self.per_vendor.get(schema_editor.connection.vendor, ([], []))[0])

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        self._run_sql(schema_editor, self.per_vendor.get(schema_editor.connection.vendor, ([], []))[1])


class Migration(migrations.Migration):
    dependencies = [("portal", "0001_portal_articles")]

    operations = [VendorSQL(SQL)]
