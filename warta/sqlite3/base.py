"""Django's SQLite backend, except that a new database file is for Warta's user only.

The file is created (0600) just before SQLite's first connection: not when the settings are
read, so a start that stops early (a malformed SOP file) still leaves no database behind.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.db.backends.sqlite3.base import DatabaseWrapper as SQLiteDatabaseWrapper

from lib.owner_only import owner_only_file


class DatabaseWrapper(SQLiteDatabaseWrapper):
    def get_new_connection(self, conn_params: dict[str, Any]) -> Any:
        name = str(conn_params.get("database", ""))
        if name and name != ":memory:" and not name.startswith("file:"):
            owner_only_file(Path(name))
        return super().get_new_connection(conn_params)
