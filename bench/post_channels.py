"""Time from "post" to every channel posted, for one channel and for five, through a real worker.

Run: ``uv run python bench/post_channels.py [--workers 8] [--rounds 3]``

Builds a throw-away Warta in a temporary folder, starts the fake platforms answering every
request after 300 ms, and starts the Huey worker as ``serve`` does (thread workers) but with the
given number of threads. Each round walks a fresh item to step 7 with one JPEG, calls
``actions.post`` and polls the database until every Publication is posted. Deliveries of one
post run in parallel, one worker thread per channel, so five channels should take about as long
as the slowest single one (Instagram: container, status, publish, permalink = 4 requests).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DELAY = 0.3
CASES = {
    "facebook": ["facebook"],
    "instagram": ["instagram"],
    "x": ["x"],
    "wordpress": ["wordpress"],
    "5 channels": ["website", "facebook", "instagram", "x", "wordpress"],
}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--workers", type=int, default=8, help="Huey worker threads")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT))
    workdir = tempfile.TemporaryDirectory(prefix="warta-bench-")
    env = {
        **os.environ,
        "WARTA_VAR_DIR": workdir.name,
        "WARTA_ALLOW_PRIVATE_URLS": "1",
        "WARTA_INSTAGRAM_POLL_SECONDS": "0.3",
        "HUEY_IMMEDIATE": "0",
    }
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "warta.settings")
    import django

    django.setup()
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)

    from accounts.models import Role, User
    from channels.fakes import FakePlatforms
    from channels.models import Publication
    from channels.tests.helpers import connect_accounts, jpeg
    from lib import clock
    from newsroom import actions

    fake = FakePlatforms(delay=DELAY).start()
    fake.x_limit = fake.instagram_quota = 10_000
    connect_accounts(fake)
    people = {
        name: User.objects.create_user(name, password="bench-password-123", role=role)
        for name, role in (("kabid", Role.KABID), ("kasi", Role.KASI), ("op", Role.OPERATOR))
    }

    worker = subprocess.Popen(
        [sys.executable, str(ROOT / "manage.py"), "run_huey", f"--workers={args.workers}",
         "--worker-type=thread", "--delay=0.05", "--max-delay=0.2", "--skip-checks"],
        env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    time.sleep(2)  # let the worker start

    def ready(title: str, channels: list[str]) -> object:
        item = actions.assign(
            people["kabid"],
            actions.Assignment(
                title=title, kasi="kasi", activity_name="Rapat",
                activity_starts_at=clock.now() + timedelta(hours=1),
                activity_organizer="Dinas", location_name="Bandar Lampung",
                region_code="18.71", channels=channels,
            ),
        )  # fmt: skip
        actions.direct(people["kasi"], item, operator="op", direction="Sudut: manfaat.")
        image = actions.ImageUpload(SimpleUploadedFile("a.jpg", jpeg(), "image/jpeg"), "Foto")
        actions.submit(people["op"], item, title=title, body="<p>Isi.</p>", images=[image])
        actions.review(people["kasi"], item, decision="approve")
        actions.forward(people["kasi"], item)
        actions.verify(people["kabid"], item, decision="approve")
        actions.handover(people["kasi"], item)
        return item

    results: dict[str, list[float]] = {case: [] for case in CASES}
    try:
        for round_ in range(args.rounds):
            for case, channels in CASES.items():
                item = ready(f"Bench {case} {round_}", channels)
                started = time.monotonic()
                actions.post(people["op"], item)  # type: ignore[arg-type]
                rows = Publication.objects.filter(item=item)
                while rows.exclude(state="posted").exists():
                    if rows.filter(state__in=["failed", "retry", "unknown"]).exists():
                        print("a delivery did not post:", list(rows.values("channel", "state",
                              "last_error")), file=sys.stderr)  # fmt: skip
                        return 1
                    if time.monotonic() - started > 60:
                        print("timed out waiting for the worker", file=sys.stderr)
                        return 1
                    time.sleep(0.02)
                results[case].append(time.monotonic() - started)
    finally:
        worker.terminate()
        worker.wait(timeout=15)
        fake.stop()

    print(f"post -> every channel posted; fakes answer after {DELAY * 1000:.0f} ms; "
          f"{args.workers} worker threads; median of {args.rounds}")  # fmt: skip
    medians = {case: statistics.median(times) for case, times in results.items()}
    for case, median in medians.items():
        print(
            f"  {case:<11} {median:6.2f} s   (runs: {', '.join(f'{t:.2f}' for t in results[case])})"
        )
    singles = [medians[c] for c in CASES if c != "5 channels"]
    print(f"  slowest single channel {max(singles):.2f} s; one after another would be "
          f"{sum(singles):.2f} s")  # fmt: skip
    print(f"  5 channels / slowest single = {medians['5 channels'] / max(singles):.2f} "
          f"(goal <= 1.5)")  # fmt: skip
    print(f"  5 channels / facebook alone = {medians['5 channels'] / medians['facebook']:.2f}")
    workdir.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
