from __future__ import annotations

from typing import Any

import pytest

from reports.tests.history import clock, history

__all__ = ["clock", "history"]


@pytest.fixture(autouse=True)
def static_without_manifest(settings: Any, tmp_path: Any) -> None:
    """Pages rendered here need no collectstatic manifest; exports go to a private media dir."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.MEDIA_ROOT = tmp_path / "media"
