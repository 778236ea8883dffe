"""Report queries over a large generated history on PostgreSQL: dashboard and monthly XLSX.

Run (creates the tables and, the first time, 100,000 items with about a million step runs):

    createdb -h 127.0.0.1 -U postgres warta_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/warta_bench \\
        uv run python bench/reports_bench.py [--items 100000] [--regenerate]

The history is written directly with ``bulk_create`` (not through the action layer, which
would take hours): a year of items ending today, spread over the regencies, each run through
the seven steps with random durations around the standard times, some returned at the
correction (step 3) or the verification (step 5), the newest ones still open, and one or two
publications per posted item. Goals: each dashboard request under 1 s; the monthly XLSX under
10 s. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CHUNK = 2_000
SEED = 20261127


def setup() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("WARTA_VAR_DIR", tempfile.mkdtemp(prefix="warta-bench-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "warta.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.test.utils import override_settings, setup_test_environment

    setup_test_environment()
    # Static files are not what is measured here: no collectstatic manifest needed.
    override_settings(
        STORAGES={
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        }
    ).enable()
    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)


def timed(label: str, fn: Callable[[], Any], repeat: int = 3) -> Any:
    """Run ``fn`` ``repeat`` times; print the best and the worst time."""
    times = []
    result = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    print(f"  {label:<58} best {min(times) * 1000:8.0f} ms   worst {max(times) * 1000:8.0f} ms")
    return result


# --- the history ------------------------------------------------------------------------------


def office_users() -> dict[str, Any]:
    from accounts.models import Role, User

    people = {"kabid": Role.KABID, "kasi1": Role.KASI, "kasi2": Role.KASI}
    people.update({f"operator{i}": Role.OPERATOR for i in range(1, 11)})
    users = {}
    for username, role in people.items():
        users[username], _created = User.objects.get_or_create(
            username=username, defaults={"role": role, "first_name": username.title()}
        )
    return users


def plan_item(rng: random.Random) -> list[tuple[str, str, int, str]]:
    """The acts of one item: (action, outcome, step, actor role)."""
    acts = [("assign", "done", 1, "kabid"), ("direct", "done", 2, "kasi")]
    while True:
        acts.append(("submit", "done", 3, "operator"))
        if rng.random() < 0.35 and len(acts) < 12:
            acts.append(("review", "return", 3, "kasi"))
            continue
        acts.append(("review", "approve", 3, "kasi"))
        acts.append(("forward", "done", 4, "kasi"))
        if rng.random() < 0.2 and len(acts) < 14:
            acts.append(("verify", "return", 5, "kabid"))
            continue
        acts.append(("verify", "approve", 5, "kabid"))
        break
    acts += [("handover", "done", 6, "kasi"), ("post", "posted", 7, "operator")]
    return acts


def generate(total: int) -> None:
    from django.db import connection, transaction

    from channels.models import Publication
    from lib.business_time import business_seconds
    from newsroom.models import Item, ReturnReason, StepRun, Version
    from newsroom.regions import LAMPUNG_REGIONS
    from sop.models import SopVersion, office_calendar

    rng = random.Random(SEED)
    users = office_users()
    operators = [u for name, u in users.items() if name.startswith("operator")]
    kasis = [users["kasi1"], users["kasi2"]]
    sop_version = SopVersion.objects.current()
    standard = {s.number: s.standard_minutes for s in sop_version.sop.steps}
    reasons = list(ReturnReason.objects.all())
    calendar = office_calendar()
    regions = list(LAMPUNG_REGIONS)
    now = datetime.now(calendar.timezone).replace(microsecond=0)
    first = now - timedelta(days=365)
    span = (now - first).total_seconds()

    def starts() -> Iterator[datetime]:
        """Assignment moments over the year, mostly in office hours (some in the evening)."""
        for _ in range(total):
            day = first + timedelta(seconds=rng.random() * span)
            hour = rng.choice([7, 8, 8, 9, 9, 10, 10, 11, 13, 14, 14, 15, 19])
            yield day.replace(hour=hour, minute=rng.randrange(60), second=rng.randrange(60))

    made = 0
    runs_made = 0
    moments = sorted(starts())
    for offset in range(0, total, CHUNK):
        batch = moments[offset : offset + CHUNK]
        with transaction.atomic():
            items = Item.objects.bulk_create(
                [
                    Item(
                        slug=f"bench-{offset + i}",
                        title=f"Berita bench {offset + i}",
                        activity_name="Kegiatan",
                        activity_starts_at=at,
                        activity_organizer="Dinas",
                        location_name="Tempat",
                        region_code=rng.choice(regions),
                        channels=["website", "facebook"],
                        sop_version=sop_version,
                        assigned_by=users["kabid"],
                        kasi=rng.choice(kasis),
                        operator=rng.choice(operators),
                    )
                    for i, at in enumerate(batch)
                ]
            )
            runs: list[StepRun] = []
            posted: list[tuple[Item, datetime]] = []
            for item, at in zip(items, batch, strict=True):
                people = {"kabid": item.assigned_by, "kasi": item.kasi, "operator": item.operator}
                moment = at
                for action, outcome, step, role in plan_item(rng):
                    minutes = standard[step] * rng.lognormvariate(0, 0.6)
                    end = moment + timedelta(seconds=int(minutes * 60) + 1)
                    if end > now:  # the newest items are still under way
                        runs.append(
                            StepRun(
                                item=item,
                                step=step,
                                action=action,
                                standard_minutes=standard[step],
                                assignee=people[role],
                                started_at=moment,
                            )
                        )
                        break
                    runs.append(
                        StepRun(
                            item=item,
                            step=step,
                            action=action,
                            standard_minutes=standard[step],
                            assignee=people[role],
                            actor=people[role],
                            started_at=moment,
                            finished_at=end,
                            outcome=outcome,
                            return_reason=rng.choice(reasons) if outcome == "return" else None,
                            duration_seconds=int((end - moment).total_seconds()),
                            business_seconds=business_seconds(moment, end, calendar),
                        )
                    )
                    moment = end
                    if action == "post":
                        posted.append((item, end))
            StepRun.objects.bulk_create(runs, batch_size=5_000)
            versions = Version.objects.bulk_create(
                [
                    Version(
                        item=item,
                        number=1,
                        title=item.title,
                        body="<p>Isi.</p>",
                        author=item.operator,
                        sha256="0" * 64,
                    )
                    for item, _end in posted
                ]
            )
            publications = []
            for version, (item, end) in zip(versions, posted, strict=True):
                for channel in ("website", "facebook") if rng.random() < 0.5 else ("website",):
                    failed = rng.random() < 0.03
                    publications.append(
                        Publication(
                            item=item,
                            version=version,
                            channel=channel,
                            state="failed" if failed else "posted",
                            attempts=1 if rng.random() < 0.9 else rng.randint(2, 4),
                            posted_at=None
                            if failed
                            else end + timedelta(seconds=rng.randint(1, 600)),
                        )
                    )
            Publication.objects.bulk_create(publications)
            # created_at is auto_now_add: move it to the posting moment of the item.
        made += len(items)
        runs_made += len(runs)
        if made % 20_000 == 0 or made == total:
            print(f"  {made:>7} items, {runs_made:>8} step runs", flush=True)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE channels_publication p SET created_at = r.finished_at "
            "FROM newsroom_steprun r WHERE r.item_id = p.item_id AND r.action = 'post'"
        )
        cursor.execute(
            "UPDATE newsroom_item i SET created_at = r.started_at "
            "FROM newsroom_steprun r WHERE r.item_id = i.id AND r.action = 'assign'"
        )
        cursor.execute("ANALYZE")


# --- the measurements -------------------------------------------------------------------------


def measure() -> None:
    from django.test import Client

    from accounts.models import User
    from newsroom.models import Item, StepRun
    from reports import forms, metrics, xlsx

    print(f"history: {Item.objects.count():,} items, {StepRun.objects.count():,} step runs")
    kabid = User.objects.get(username="kabid")
    client = Client()
    client.force_login(kabid)
    last_month = forms.previous_month()
    today = metrics.today()
    last_30 = metrics.Filter(start=today - timedelta(days=29), end=today)
    year = metrics.Filter(start=today - timedelta(days=364), end=today)

    def page(query: dict[str, str]) -> Callable[[], int]:
        def get() -> int:
            response = client.get("/laporan/", query)
            assert response.status_code == 200, response.status_code
            return len(response.content)

        return get

    def q(f: metrics.Filter) -> dict[str, str]:
        return {"date_from": f.start.isoformat(), "date_to": f.end.isoformat()}

    print("dashboard (HTTP GET /laporan/, all metrics + charts + tables):")
    timed("first request of the process (imports, templates: warm-up)", page({}), repeat=1)
    timed("this month (default, no filter)", page({}))
    timed(f"previous month {last_month.start:%Y-%m}", page(q(last_month)))
    timed("last 30 days, region 18.71", page({**q(last_30), "region": "18.71"}))
    timed("last 30 days, person operator3", page({**q(last_30), "person": "operator3"}))
    timed("whole year (365 days)", page(q(year)))

    print("metrics functions, previous month:")
    for name in (
        "step_metrics",
        "person_metrics",
        "return_metrics",
        "lead_time",
        "channel_metrics",
        "overdue_now",
        "items_assigned",
    ):
        fn = getattr(metrics, name)
        timed(name, lambda fn=fn: fn(last_month))
    print("metrics functions, whole year:")
    for name in ("step_metrics", "person_metrics", "return_metrics", "lead_time"):
        fn = getattr(metrics, name)
        timed(name, lambda fn=fn: fn(year), repeat=1)

    print("API GET /api/v1/reports/sop (previous month):")
    from accounts.models import ApiToken

    token = ApiToken.objects.issue(kabid)
    timed(
        "reports/sop",
        lambda: (
            client.get(
                "/api/v1/reports/sop",
                {"from": last_month.start.isoformat(), "to": last_month.end.isoformat()},
                headers={"Authorization": f"Bearer {token}"},
            ).status_code
        ),
    )

    print("monthly report XLSX (metrics + workbook), previous month:")
    size = timed("report_xlsx", lambda: len(xlsx.report_xlsx(metrics.report(last_month))), repeat=2)
    print(f"  xlsx size {size:,} bytes")
    from reports import pdf

    size = timed(
        "report_pdf (for comparison)",
        lambda: len(pdf.report_pdf(metrics.report(last_month))),
        repeat=1,
    )
    print(f"  pdf size {size:,} bytes")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--regenerate", action="store_true")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        print("Set DATABASE_URL to a PostgreSQL database made for this benchmark.")
        return 2
    setup()
    from django.db import connection

    from newsroom.models import Item

    if args.regenerate:
        with connection.cursor() as cursor:
            cursor.execute(
                "TRUNCATE channels_publication, newsroom_steprun, newsroom_version, "
                "newsroom_item CASCADE"
            )
    existing = Item.objects.count()
    if existing < args.items:
        print(f"generating {args.items - existing:,} items …")
        start = time.perf_counter()
        generate(args.items - existing)
        print(f"  generated in {time.perf_counter() - start:.0f} s")
    measure()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
