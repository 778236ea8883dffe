"""Shared test personas: the office of the seed SOP (a Kabid, a Kasi, two operators, an admin)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest

from accounts.demo import DEMO_TOTP_SECRET
from accounts.mfa import enrol_totp, requires_mfa
from accounts.models import Role, User
from lib import clock
from ops.testing import own_databases, redis_db


@pytest.fixture(autouse=True, scope="session")
def _jobs_run_inline() -> None:
    """Background jobs run in the test's own thread, against the test database."""
    from huey.contrib.djhuey import HUEY

    HUEY.immediate = True


@pytest.fixture(scope="session")
def django_db_modify_db_settings() -> None:
    """The test database is this run's own (ops/testing/own_databases.py)."""
    own_databases.give_test_databases_our_name()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    """pytest-django's test databases; at the end, sessions that a live server's threads left
    open are ended first, so the run's own database can be dropped."""
    yield
    with django_db_blocker.unblock():
        own_databases.end_other_sessions()


@pytest.fixture(autouse=True)
def _empty_shared_cache() -> None:
    """Each test starts with an empty cache. The database cache (the default) is rolled back
    with each test's transaction; a Redis cache (REDIS_URL, CI's PostgreSQL pass) outlives it,
    and login throttling counts would leak from one test into the next."""
    from django.core.cache import caches

    redis_url = own_databases.own_redis_url()
    if redis_url:
        # The run's own Redis database (claimed empty at start): the caches and the job queue.
        redis_db.empty(redis_url)
    else:
        # The portal's pages are keyed by a generation number that each test's rolled-back
        # database starts again, so a page kept from an earlier test could be served.
        caches["portal"].clear()


@pytest.fixture(autouse=True)
def _office_language() -> Iterator[None]:
    """Each test starts in the office's language. A request in English activates English for
    the thread (LocaleMiddleware does not switch back), and would leak into the next test."""
    from django.conf import settings as django_settings
    from django.utils import translation

    translation.activate(django_settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    """Argon2 is deliberately slow; tests create and sign in users by the dozen."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _media_in_a_temporary_folder(settings: Any, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Uploads made by tests never land in the real var/media."""
    settings.MEDIA_ROOT = tmp_path_factory.mktemp("media")


@pytest.fixture(autouse=True)
def _static_files_without_collectstatic(settings: Any) -> None:
    """Pages render {% static %} from the source folders (no manifest in tests)."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def office(db: None) -> dict[str, User]:
    def make(username: str, role: Role, name: str) -> User:
        first, _sp, last = name.partition(" ")
        user = User.objects.create_user(
            username, password="rahasia-123", role=role, first_name=first, last_name=last
        )
        if requires_mfa(user):
            # As in the demo office, whoever must use the second step has an authenticator
            # (accounts/testing.py answers it for tests that sign in through the form).
            enrol_totp(user, DEMO_TOTP_SECRET)
        return user

    return {
        "kabid": make("kabid", Role.KABID, "Rina Kabid"),
        "kasi": make("kasi", Role.KASI, "Budi Kasi"),
        "operator1": make("operator1", Role.OPERATOR, "Sari Operator"),
        "operator2": make("operator2", Role.OPERATOR, "Dodi Operator"),
        "admin": make("admin", Role.ADMIN, "Ani Admin"),
    }


@pytest.fixture
def assignment_data() -> dict[str, object]:
    return {
        "title": "Gubernur Resmikan Jembatan Way Sekampung",
        "kasi": "kasi",
        "activity_name": "Peresmian Jembatan",
        "activity_starts_at": clock.now() + timedelta(hours=2),
        "activity_organizer": "Dinas PUPR",
        "location_name": "Desa Way Sekampung",
        "region_code": "18.03",
        "channels": ["website"],
    }


@pytest.fixture
def png_bytes() -> bytes:
    """A real, small PNG image."""
    from io import BytesIO

    from PIL import Image

    buffer = BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


def pytest_report_header() -> str:
    """The hour the run starts at, in UTC and in the office's zone (CI moves it with faketime)."""
    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo

    now = datetime.now(UTC)
    jakarta = now.astimezone(ZoneInfo("Asia/Jakarta"))
    return f"clock: {now:%Y-%m-%d %H:%M} UTC = {jakarta:%Y-%m-%d %H:%M} Asia/Jakarta"
