"""Browser tests: Playwright drives Debian's chromium against pytest-django's live server."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.operations.special import RunPython

# Playwright's sync API runs an event loop in this thread; Django's ORM calls from the test
# itself (fixtures, assertions) are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
PHONE = {"width": 360, "height": 740}
RESULTS = Path(__file__).resolve().parent.parent / "test-results"


@pytest.fixture(autouse=True)
def _seeded_rows(transactional_db: None) -> None:
    """Each browser test starts with the rows the data migrations seed (return reasons, office
    hours, the audit head): a transactional test empties every table when it ends.

    The seeds are re-run from the migrations themselves (they are idempotent), each against the
    models as they stood at that point of its migration.
    """
    loader = MigrationLoader(connection)
    plan = dict.fromkeys(
        key for leaf in loader.graph.leaf_nodes() for key in loader.graph.forwards_plan(leaf)
    )
    with connection.schema_editor() as editor:
        for app_label, name in plan:
            migration = loader.graph.nodes[app_label, name]
            if not any(isinstance(op, RunPython) for op in migration.operations):
                continue
            state = loader.project_state((app_label, name), at_end=False)
            for operation in migration.operations:
                if isinstance(operation, RunPython):
                    operation.code(state.apps, editor)
                else:
                    operation.state_forwards(app_label, state)


@pytest.fixture
def _e2e_settings(settings: Any, tmp_path: Path) -> None:
    # pytest-django's live server serves /static/ from the finders (StaticFilesHandler), so the
    # templates need plain static URLs, not the manifest that only collectstatic writes.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def browser() -> Iterator[Any]:
    # Per test, not per session: while Playwright's event loop runs in this thread, Django's
    # ORM sees an async context; no test outside a browser test should run inside it.
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install -y chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield browser
        browser.close()


@pytest.fixture
def console_errors() -> list[str]:
    """Errors the pages logged (a Content-Security-Policy violation shows up here)."""
    return []


@pytest.fixture
def phone(
    browser: Any, live_server: Any, _e2e_settings: None, console_errors: list[str]
) -> Iterator[Any]:
    """Open a fresh phone-sized browser context (one per person, like their own phone)."""
    contexts = []

    def open_phone() -> Any:
        context = browser.new_context(viewport=PHONE, base_url=live_server.url, locale="id-ID")
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        page.on(
            "console",
            lambda message: message.type == "error" and console_errors.append(message.text),
        )
        page.on("pageerror", lambda error: console_errors.append(str(error)))
        return page

    yield open_phone
    for context in contexts:
        context.close()


@pytest.fixture
def screenshot() -> Any:
    RESULTS.mkdir(exist_ok=True)

    def take(page: Any, name: str, *, full_page: bool = True) -> None:
        page.screenshot(path=str(RESULTS / f"{name}.png"), full_page=full_page)

    return take
