"""A real WordPress for the contract tests (``real_site``), started once per module."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest

from channels.models import ChannelAccount
from channels.wordpress.tests import real_site

# What the contract test ran against, for the end of the test report.
RAN_AGAINST: list[str] = []


@pytest.fixture(scope="module")
def real_wordpress_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[real_site.Site]:
    why = real_site.missing()
    if why:
        message = f"the real-WordPress contract test cannot run here: {why}"
        if os.environ.get("WARTA_REQUIRE_REAL_WORDPRESS") or os.environ.get("CI"):
            pytest.fail(message)  # CI has the packages (.ci/run installs them): never skip there
        pytest.skip(message)
    site = real_site.Site(tmp_path_factory.mktemp("wordpress")).start()
    versions = site.versions
    RAN_AGAINST.append(
        f"WordPress {versions['wordpress']} ({real_site.CODE}), PHP {versions['php']}, "
        f"database server {versions['database']}"
    )
    yield site
    site.stop()


def pytest_terminal_summary(terminalreporter: Any) -> None:
    for line in dict.fromkeys(RAN_AGAINST):
        terminalreporter.write_line(f"real-WordPress contract test ran against {line}")


@pytest.fixture
def wordpress(real_wordpress_site: real_site.Site, settings: Any) -> real_site.Site:
    """The site, emptied, serving, with pretty permalinks."""
    site = real_wordpress_site
    if not site.running:
        site.serve()
    site.reset()
    # A real site takes its time (thumbnails of every photo): wait as long as in production.
    settings.WARTA_HTTP_TIMEOUT = 30.0
    settings.WARTA_HTTP_CONNECT_TIMEOUT = 5.0
    return site


@pytest.fixture
def site_account(wordpress: real_site.Site, db: None) -> ChannelAccount:
    """Warta's account for the site: its Editor, with an application password."""
    account = ChannelAccount(
        kind="wordpress",
        name="Situs Diskominfo",
        config={"site_url": wordpress.url, "username": "editor"},
    )
    account.set_secrets({"application_password": wordpress.users["editor"]})
    account.save()
    return account
