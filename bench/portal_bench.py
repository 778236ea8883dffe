"""Portal speed: requests/s and p50/p99 latency at 16 connections, against the static ceiling.

Run: ``python3 -m uv run python bench/portal_bench.py [--items 2000] [--duration 8]``

Builds a throw-away Warta in a private WARTA_VAR_DIR (SQLite in WAL mode, the database cache
table: the embedded default; ``--redis URL`` uses Redis as the cache instead), bulk-inserts
``--items`` posted articles (item, verified version, one image, website publication, the
portal's Article rows; the FTS5 index fills through its triggers), writes a 20 KB static file,
and starts the production web server as ``manage.py serve`` does (gunicorn, 2 workers x 2
threads; ops/testing/cluster.py). Then, in one run, side by side:

- static 20 KB: /static/bench-20k.txt through whitenoise (the ceiling: no Django view);
- article cold: every request a different article, the page cache emptied first (the portal's
  generation bumped), so each one is rendered from the database;
- article warm: 200 articles, each rendered once before the measurement;
- home cold: the home page with a unique query string per request (never cached: a full render);
- home warm: the home page, cached.

The load generator is ``wrk`` (2 threads, 16 connections, a Lua script picks the paths) if it is
installed (Debian: apt-get install wrk), else a Python client with 16 threads and keep-alive
connections (slower: it competes with the server for the 2 cores). Goals: warm article >= 50 %
of the static throughput; cold article p99 <= 50 ms.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONNECTIONS = 16
STATIC_NAME = "bench-20k.txt"
WARM_ARTICLES = 200

WRK_SCRIPT = """
local paths = {}
local counter = 0
local threads = {}
local id = 0
local nthreads = 1

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  for line in io.lines(args[1]) do paths[#paths + 1] = line end
  nthreads = tonumber(args[2])
end

function request()
  local i = (counter * nthreads + id) % #paths + 1
  counter = counter + 1
  return wrk.format("GET", paths[i])
end

function done(summary, latency, requests)
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "p50_us": %d, "p99_us": %d, '
    .. '"errors": %d, "non2xx": %d}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status))
end
"""


@dataclass
class Result:
    name: str
    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    errors: int
    distinct: int

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def prepare_site(items: int) -> None:
    """Migrate, collect static files and bulk-insert ``items`` posted articles."""
    import django

    django.setup()
    from django.core.management import call_command

    for command, kwargs in (
        ("migrate", {"verbosity": 0}),
        ("createcachetable", {"verbosity": 0}),
        ("collectstatic", {"interactive": False, "verbosity": 0}),
        ("load_sop", {"verbosity": 0}),
    ):
        call_command(command, **kwargs)
    bulk_articles(items)


def bulk_articles(count: int) -> None:
    from io import BytesIO

    from django.core.files.base import ContentFile
    from PIL import Image

    from accounts.models import Role, User
    from channels.models import Publication
    from lib import clock
    from newsroom.models import Attachment, Category, Item, Tag, Version
    from newsroom.regions import LAMPUNG_REGIONS
    from portal import index
    from portal.models import Article
    from sop.models import SopVersion

    kabid = User.objects.create_user("kabid", role=Role.KABID, first_name="Rina")
    kasi = User.objects.create_user("kasi", role=Role.KASI, first_name="Budi")
    operator = User.objects.create_user("operator1", role=Role.OPERATOR, first_name="Sari")
    sop = SopVersion.objects.current()
    categories = [
        Category.objects.create(name=n, slug=n.lower())
        for n in ("Pemerintahan", "Ekonomi", "Pertanian", "Kesehatan", "Pendidikan")
    ]
    tags = [Tag.objects.create(name=f"topik {n}", slug=f"topik-{n}") for n in range(20)]
    regions = list(LAMPUNG_REGIONS)
    now = clock.now()
    body = "".join(
        f"<p>Paragraf {n}: Pemerintah Provinsi Lampung menyalurkan bantuan dan penyuluhan "
        "kepada warga di desa-desa sekitar lokasi kegiatan, disaksikan para kepala dinas.</p>"
        for n in range(8)
    )
    made = [
        Item(
            slug=f"berita-uji-{n:05d}",
            title=f"Berita uji nomor {n}",
            activity_name="Kegiatan uji",
            activity_starts_at=now - timedelta(hours=n),
            activity_organizer="Dinas Kominfotik",
            location_name="Balai Desa",
            region_code=regions[n % len(regions)],
            channels=["website"],
            category=categories[n % len(categories)],
            sop_version=sop,
            assigned_by=kabid,
            kasi=kasi,
            operator=operator,
        )
        for n in range(count)
    ]
    Item.objects.bulk_create(made, batch_size=500)
    items = list(Item.objects.order_by("pk"))
    buffer = BytesIO()
    Image.new("RGB", (1600, 1000), (30, 90, 160)).save(buffer, "JPEG", quality=80)
    photo = Attachment(
        item=items[0],
        kind=Attachment.Kind.IMAGE,
        original_name="foto.jpg",
        content_type="image/jpeg",
        size=len(buffer.getvalue()),
        sha256="b" * 64,
        alt_text="Suasana kegiatan",
        uploaded_by=operator,
    )
    for name, value in (("width", 1600), ("height", 1000)):
        if hasattr(photo, name):
            setattr(photo, name, value)
    photo.file.save("bench/foto.jpg", ContentFile(buffer.getvalue()), save=True)
    Version.objects.bulk_create(
        [
            Version(
                item=item, number=1, title=item.title, body=body, author=operator, sha256="a" * 64
            )
            for item in items
        ],
        batch_size=500,
    )
    versions = list(Version.objects.order_by("item_id"))
    Version.images.through.objects.bulk_create(
        [Version.images.through(version_id=v.pk, attachment_id=photo.pk) for v in versions],
        batch_size=500,
    )
    Item.tags.through.objects.bulk_create(
        [
            Item.tags.through(item_id=item.pk, tag_id=tags[n % len(tags)].pk)
            for n, item in enumerate(items)
        ],
        batch_size=500,
    )
    posted_at = {item.pk: now - timedelta(minutes=n) for n, item in enumerate(items)}
    Publication.objects.bulk_create(
        [
            Publication(
                item_id=v.item_id,
                version=v,
                channel="website",
                state=Publication.State.POSTED,
                posted_at=posted_at[v.item_id],
                permalink=f"/berita/berita-uji-{n:05d}/",
            )
            for n, v in enumerate(versions)
        ],
        batch_size=500,
    )
    publications = {p.item_id: p for p in Publication.objects.select_related("version")}
    by_item = {item.pk: item for item in items}
    Article.objects.bulk_create(
        [
            Article(
                item_id=item_id,
                publication=p,
                slug=by_item[item_id].slug,
                title=p.version.title,
                text=index.plain_text(p.version.body),
                published_at=posted_at[item_id],
                updated_at=posted_at[item_id],
            )
            for item_id, p in publications.items()
        ],
        batch_size=500,
    )
    index.bump()


def bump_generation() -> None:
    """Empty the page cache for every process: the next page of each URL is rendered again."""
    from portal import index

    index.bump()


def run_wrk(base: str, paths: list[str], duration: float, workdir: Path) -> dict[str, int]:
    listing = workdir / "paths.txt"
    listing.write_text("\n".join(paths) + "\n")
    script = workdir / "paths.lua"
    script.write_text(WRK_SCRIPT)
    threads = 2
    out = subprocess.run(
        [
            "wrk",
            f"-t{threads}",
            f"-c{CONNECTIONS}",
            f"-d{max(1, round(duration))}s",
            "--timeout",
            "10s",
            "-s",
            str(script),
            base,
            "--",
            str(listing),
            str(threads),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    if out.returncode != 0:
        raise RuntimeError(f"wrk failed: {out.stderr or out.stdout}")
    line = [ln for ln in out.stdout.splitlines() if ln.startswith("{")][-1]
    data: dict[str, int] = json.loads(line)
    return data


def run_python(base: str, paths: list[str], duration: float) -> dict[str, int]:
    """16 threads, each with its own keep-alive connection, taking paths in turn."""
    host, port = base.removeprefix("http://").split(":")
    latencies: list[float] = []
    errors = [0]
    counter = [0]
    lock = threading.Lock()
    stop_at = time.monotonic() + duration

    def client() -> None:
        connection = http.client.HTTPConnection(host, int(port), timeout=10)
        local: list[float] = []
        while time.monotonic() < stop_at:
            with lock:
                path = paths[counter[0] % len(paths)]
                counter[0] += 1
            started = time.perf_counter()
            try:
                connection.request("GET", path)
                response = connection.getresponse()
                response.read()
                if response.status >= 400:
                    errors[0] += 1
            except (OSError, http.client.HTTPException):
                errors[0] += 1
                connection.close()
                connection = http.client.HTTPConnection(host, int(port), timeout=10)
                continue
            local.append(time.perf_counter() - started)
        with lock:
            latencies.extend(local)

    started = time.monotonic()
    workers = [threading.Thread(target=client) for _ in range(CONNECTIONS)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    elapsed = time.monotonic() - started
    cuts = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else [0.0] * 99
    return {
        "requests": len(latencies),
        "duration_us": int(elapsed * 1e6),
        "p50_us": int(cuts[49] * 1e6),
        "p99_us": int(cuts[98] * 1e6),
        "errors": errors[0],
        "non2xx": 0,
    }


def measure(
    name: str, base: str, paths: list[str], duration: float, workdir: Path, use_wrk: bool
) -> Result:
    data = run_wrk(base, paths, duration, workdir) if use_wrk else run_python(base, paths, duration)
    return Result(
        name=name,
        requests=data["requests"],
        seconds=data["duration_us"] / 1e6,
        p50_ms=data["p50_us"] / 1000,
        p99_ms=data["p99_us"] / 1000,
        errors=data["errors"] + data["non2xx"],
        distinct=len(paths),
    )


def warm_up(base: str, paths: list[str]) -> None:
    host, port = base.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=30)
    for path in paths:
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        if response.status != 200:
            raise RuntimeError(f"{path}: HTTP {response.status}")
    connection.close()


def report(results: list[Result], items: int, tool: str) -> None:
    static = next(r for r in results if r.name.startswith("static"))
    print(f"\nPortal benchmark: {items} posted articles, gunicorn 2 workers x 2 threads, ", end="")
    print(f"{CONNECTIONS} connections, load generator: {tool}")
    one, five, _fifteen = os.getloadavg()
    print(f"machine: {os.cpu_count()} cores, load average {one:.1f} (1 min), {five:.1f} (5 min)")
    print(f"{'page':<16}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'requests':>10}{'errors':>8}"
          f"{'% static':>10}")  # fmt: skip
    for r in results:
        share = 100 * r.rps / static.rps if static.rps else 0
        print(
            f"{r.name:<16}{r.rps:>9.0f}{r.p50_ms:>9.1f}{r.p99_ms:>9.1f}{r.requests:>10}"
            f"{r.errors:>8}{share:>9.0f}%"
        )
    warm = next(r for r in results if r.name == "article warm")
    cold = next(r for r in results if r.name == "article cold")
    print(
        f"\nGoal warm article >= 50 % of static: {100 * warm.rps / static.rps:.0f} % "
        f"({'met' if warm.rps >= 0.5 * static.rps else 'MISSED'})"
    )
    print(
        f"Goal cold article p99 <= 50 ms: {cold.p99_ms:.1f} ms "
        f"({'met' if cold.p99_ms <= 50 else 'MISSED'})"
    )
    if cold.requests > cold.distinct:
        print(
            f"Note: the cold run made {cold.requests} requests for {cold.distinct} articles; "
            "the repeats were served warm. Use a shorter --cold-duration or more --items."
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=2000)
    parser.add_argument("--duration", type=float, default=8.0, help="seconds per measurement")
    parser.add_argument("--cold-duration", type=float, default=4.0)
    parser.add_argument(
        "--redis", default="", help="Redis server URL: cache in a private database of it"
    )
    parser.add_argument("--python-client", action="store_true", help="do not use wrk")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="warta-portal-bench-"))
    env_extra = {
        "WARTA_VAR_DIR": str(workdir / "var"),
        "DJANGO_SETTINGS_MODULE": "warta.settings",
        "SECRET_KEY": "portal-bench-secret-key-not-for-production-0123456789",
        "DEBUG": "0",
    }
    for drop in ("DATABASE_URL", "REDIS_URL", "HUEY_IMMEDIATE", "WARTA_JOBS"):
        os.environ.pop(drop, None)
    os.environ.update(env_extra)
    (workdir / "var" / "static").mkdir(parents=True)
    sys.path.insert(0, str(ROOT))
    started = time.monotonic()
    prepare_site(args.items)
    print(f"prepared {args.items} articles in {time.monotonic() - started:.1f} s ({workdir})")

    from django.conf import settings

    static_file = Path(settings.STATIC_ROOT) / STATIC_NAME
    line = "Warta static ceiling file, twenty kilobytes of plain text for the benchmark.\n"
    static_file.write_text((line * (20 * 1024 // len(line) + 1))[: 20 * 1024])

    from ops.testing.redis_db import private_db

    if args.redis:
        with private_db(args.redis) as redis_url:
            results = serve_and_measure(args, workdir, {"REDIS_URL": redis_url})
    else:
        results = serve_and_measure(args, workdir, {})
    use_wrk = shutil.which("wrk") is not None and not args.python_client
    tool = "wrk (2 threads)" if use_wrk else "Python threads (http.client keep-alive)"
    cache = "Redis page cache" if args.redis else "page cache in each process's memory"
    report(results, args.items, f"{tool}; SQLite, {cache}")
    shutil.rmtree(workdir, ignore_errors=True)
    return 0


def serve_and_measure(
    args: argparse.Namespace, workdir: Path, extra_env: dict[str, str]
) -> list[Result]:
    """Start the web server (with ``extra_env``) and run every measurement against it."""
    from ops.testing.cluster import Cluster

    use_wrk = shutil.which("wrk") is not None and not args.python_client
    # The web server as `manage.py serve` runs it: gunicorn, 2 workers x 2 threads.
    cluster = Cluster(
        env={**os.environ, **extra_env},
        log_dir=workdir / "logs",
        webs=1,
        web_workers=2,
        web_threads=2,
        workers=0,
    )
    results: list[Result] = []
    try:
        cluster.start()
        base = cluster.web_urls[0]
        slugs = [f"/berita/berita-uji-{n:05d}/" for n in range(args.items)]
        static = [f"/static/{STATIC_NAME}"]
        # Each worker process loads its code and templates once (not what "cold" measures).
        for _connection in range(8):
            warm_up(base, [*static, "/berita/", slugs[-1], "/berita/?c=-1"])
        results.append(measure("static 20 KB", base, static, args.duration, workdir, use_wrk))
        bump_generation()
        results.append(measure("article cold", base, slugs, args.cold_duration, workdir, use_wrk))
        hot = slugs[:WARM_ARTICLES]
        warm_up(base, hot)
        results.append(measure("article warm", base, hot, args.duration, workdir, use_wrk))
        bump_generation()
        unique_homes = [f"/berita/?c={n}" for n in range(200_000)]
        results.append(
            measure("home cold", base, unique_homes, args.cold_duration, workdir, use_wrk)
        )
        warm_up(base, ["/berita/"])
        results.append(measure("home warm", base, ["/berita/"], args.duration, workdir, use_wrk))
    finally:
        cluster.stop()
    return results


if __name__ == "__main__":
    sys.exit(main())
