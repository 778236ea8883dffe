"""Page weight of the staff UI: what a phone downloads on a first visit and on a repeat visit.

Run: ``uv run python bench/page_weight.py``

Builds a throw-away Warta in a temporary folder (database, collectstatic with the production
storage, so the hashed and pre-compressed files whitenoise serves), signs in through the login
form, and loads "Tugas saya" and an item page waiting for correction (with its version) through
the Django test client with ``Accept-Encoding: gzip``. First visit = the gzip-compressed HTML plus
every stylesheet and script it references; repeat visit = the HTML alone, because static files
are served with far-future cache headers. The budget is 150 KB for a first visit.
"""

from __future__ import annotations

import gzip
import os
import re
import sys
import tempfile
from pathlib import Path

BUDGET = 150 * 1024
ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    sys.path.insert(0, str(ROOT))
    workdir = tempfile.TemporaryDirectory(prefix="warta-bench-")
    os.environ["WARTA_VAR_DIR"] = workdir.name
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "warta.settings")

    import django

    django.setup()

    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import setup_test_environment

    setup_test_environment()  # lets the test client accept "testserver"
    for command, kwargs in (
        ("migrate", {"verbosity": 0}),
        ("createcachetable", {"verbosity": 0}),
        ("collectstatic", {"interactive": False, "verbosity": 0}),
    ):
        call_command(command, **kwargs)

    from accounts.demo import DEMO_TOTP_SECRET
    from accounts.mfa import enrol_totp
    from accounts.models import Role, User
    from accounts.testing import answer_second_step
    from lib import clock
    from newsroom import actions

    password = "bench-password-123"
    people = {
        name: User.objects.create_user(name, password=password, role=role, first_name=name.title())
        for name, role in (
            ("kabid", Role.KABID),
            ("kasi", Role.KASI),
            ("operator1", Role.OPERATOR),
        )
    }
    item = actions.assign(
        people["kabid"],
        actions.Assignment(
            title="Gubernur Resmikan Jembatan Way Sekampung",
            kasi="kasi",
            activity_name="Peresmian Jembatan",
            activity_starts_at=clock.now(),
            activity_organizer="Dinas PUPR",
            location_name="Desa Way Sekampung",
            region_code="18.03",
        ),
    )
    actions.direct(people["kasi"], item, operator="operator1", direction="Sudut: manfaat.")
    body = "\n\n".join(
        "Jembatan sepanjang 120 meter itu memangkas waktu tempuh petani menuju pasar. " * 4
        for _paragraph in range(6)
    )
    actions.submit(people["operator1"], item, title="Jembatan Resmi Dibuka", body=body)

    client = Client(HTTP_ACCEPT_ENCODING="gzip")
    # A Kasi signs in with the password and the authenticator app's code (accounts/mfa.py).
    enrol_totp(people["kasi"], DEMO_TOTP_SECRET)
    response = client.post("/masuk/", {"username": "kasi", "password": password})
    if response.status_code != 302 or answer_second_step(client) is None:
        print(f"login failed: HTTP {response.status_code}", file=sys.stderr)
        return 1

    static_url = settings.STATIC_URL
    over_budget = False
    print(f"{'page':<12} {'html':>8} {'assets':>8} {'first':>9} {'repeat':>8}  (gzip bytes)")
    for name, path in (("tasks", "/"), ("item", f"/item/{item.code}/")):
        page = client.get(path)
        assert page.status_code == 200, (path, page.status_code)
        assert page.get("Content-Encoding") == "gzip", "GZipMiddleware did not compress"
        html_bytes = len(page.content)
        html = gzip.decompress(page.content).decode()
        assets = sorted(set(re.findall(rf'(?:href|src)="({re.escape(static_url)}[^"]+)"', html)))
        asset_bytes = 0
        for asset in assets:
            reply = client.get(asset)
            assert reply.status_code == 200, (asset, reply.status_code)
            content = b"".join(reply.streaming_content)  # type: ignore[attr-defined]
            asset_bytes += len(content)
            cache = reply.get("Cache-Control", "")
            encoding = reply.get("Content-Encoding", "identity")
            print(f"  {asset:<60} {len(content):>7}  {encoding:<8} {cache}")
        first = html_bytes + asset_bytes
        over_budget |= first > BUDGET
        print(f"{name:<12} {html_bytes:>8} {asset_bytes:>8} {first:>9} {html_bytes:>8}")
    print(f"budget for a first visit: {BUDGET} bytes; {'OVER' if over_budget else 'within'}")
    workdir.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
