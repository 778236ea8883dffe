"""Several processes, one truth: 2 web servers and 4 job workers on one PostgreSQL.

Real processes (gunicorn, ``manage.py run_huey`` with RedisHuey) share the test database and a
private Redis database; the fake platforms run in this process and record what they receive.

(a) Items handed over to the operator are posted over the HTTP API, alternating between the two
    web servers; the four workers deliver every Publication. Each must be posted exactly once and
    each fake platform must hold each post exactly once.
(b) Items waiting at the Kasi's correction get two decisions at the same moment, one through each
    web server. Exactly one applies per item; the other request is refused with 409.

Needs PostgreSQL (``DATABASE_URL``) and Redis (``REDIS_URL``, default redis://127.0.0.1:6379);
skipped on SQLite. Select it with ``pytest -m multiprocess``. Item counts:
``WARTA_MULTIPROC_ITEMS`` (250, x 4 channels = 1,000 publications),
``WARTA_MULTIPROC_DECISIONS`` (200).
"""

from __future__ import annotations

import asyncio
import os
import re
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from cryptography.fernet import Fernet
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils.text import slugify

from accounts.models import ApiToken, User
from channels.fakes import FakePlatforms
from channels.models import Publication
from channels.tests.helpers import connect_accounts, jpeg
from lib.canonical import sha256_of
from newsroom import actions, audit
from newsroom.models import AuditEntry, Item, StepRun, Version, new_code
from newsroom.tests.helpers import walk_to
from ops.testing.cluster import Cluster, child_env, database_url
from ops.testing.redis_db import private_db

ON_POSTGRES = "postgresql" in settings.DATABASES["default"]["ENGINE"]

pytestmark = [
    pytest.mark.multiprocess,
    pytest.mark.skipif(not ON_POSTGRES, reason="runs real processes on one PostgreSQL"),
    pytest.mark.django_db(transaction=True),
]

ITEMS = int(os.environ.get("WARTA_MULTIPROC_ITEMS", "250"))
DECISIONS = int(os.environ.get("WARTA_MULTIPROC_DECISIONS", "200"))
REMOTE = ["facebook", "instagram", "x", "wordpress"]
TEXT_KEY = {"facebook": "message", "instagram": "caption", "x": "text", "wordpress": "title"}
TITLE = "Berita multiproses {:04d}"
TITLE_PATTERN = re.compile(r"Berita multiproses \d{4}")
DELIVERY_TIMEOUT = 120.0
TERMINAL = (Publication.State.POSTED, Publication.State.FAILED)


@pytest.fixture(scope="module")
def cluster(
    django_db_setup: None,
    django_db_blocker: Any,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Cluster]:
    """2 gunicorn servers and 4 Huey workers on the test database and a private Redis db."""
    var_dir = tmp_path_factory.mktemp("multiproc")
    with django_db_blocker.unblock():
        database = database_url(connection.settings_dict)
    redis_url = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"
    keys = Fernet.generate_key().decode()
    with pytest.MonkeyPatch.context() as patch, private_db(redis_url) as redis:
        # Channel secrets written here must be readable by the workers.
        patch.setenv("WARTA_SECRETS_KEYS", keys)
        env = child_env(
            database=database,
            redis=redis,
            var_dir=var_dir,
            secret_key=settings.SECRET_KEY,
            secrets_keys=keys,
        )
        with Cluster(env, var_dir / "logs", webs=2, workers=4) as running:
            yield running


@pytest.fixture
def media_shared(cluster: Cluster, settings: Any) -> None:
    """Images uploaded here are read by the workers from the same folder."""
    settings.MEDIA_ROOT = Path(cluster.env["WARTA_VAR_DIR"]) / "media"


def _copies(template: Item, count: int) -> list[Item]:
    """``template`` and ``count - 1`` copies of it at the same act, titled ``TITLE`` 0, 1, ...

    The template walks the SOP through the action layer; the copies are its rows (item, current
    version with its own title, text and hash, step runs) written in bulk, as a fixture: walking
    hundreds of items through six acts takes minutes on a small machine, and the SOP walk itself
    is tested elsewhere. Each copy has its own text because the platforms refuse duplicates.
    """
    version = template.latest_version()
    assert version is not None
    images, hashes = list(version.images.all()), version.image_hashes()
    captions = version.captions.items()
    runs = list(template.step_runs.order_by("pk"))
    items = []
    for number in range(1, count):
        item = Item.objects.get(pk=template.pk)
        item.pk, item.code, item.title = None, new_code(), TITLE.format(number)
        item.slug = f"{slugify(item.title)}-{item.code.lower()}"
        items.append(item)
    Item.objects.bulk_create(items)
    versions = []
    for item in items:
        copy = Version(
            item=item, number=version.number, title=item.title, body=version.body,
            captions={k: v.replace(template.title, item.title) for k, v in captions},
            author=version.author,
        )  # fmt: skip
        copy.sha256 = sha256_of(copy.canonical(hashes))
        versions.append(copy)
    Version.objects.bulk_create(versions)
    Version.images.through.objects.bulk_create(
        Version.images.through(version_id=v.pk, attachment_id=a.pk)
        for v in versions
        for a in images
    )
    fields = [f.attname for f in StepRun._meta.concrete_fields if not f.primary_key]
    StepRun.objects.bulk_create(
        StepRun(
            **{
                **{name: getattr(run, name) for name in fields},
                "item_id": item.pk,
                "version_id": copy.pk if run.version_id else None,
                "version_sha256": copy.sha256 if run.version_id else "",
            }
        )
        for item, copy in zip(items, versions, strict=True)
        for run in runs
    )
    return [template, *items]


def _ready_to_post(office: dict[str, User], data: dict[str, Any], count: int) -> list[Item]:
    """Items handed over (step 6 done) with one JPEG each, waiting for the operator's post."""
    kabid, kasi, op = office["kabid"], office["kasi"], office["operator1"]
    title = TITLE.format(0)
    template = walk_to(office, {**data, "title": title, "channels": REMOTE}, "submit")
    image = actions.ImageUpload(
        SimpleUploadedFile("foto.jpg", jpeg(640, 480), "image/jpeg"), "Foto"
    )
    actions.submit(
        op, template, title=title, body="<p>Isi berita.</p>",
        captions={"x": f"{title} #lampung"}, images=[image],
    )  # fmt: skip
    actions.review(kasi, template, decision="approve", forward=True)
    actions.verify(kabid, template, decision="approve")
    actions.handover(kasi, template)
    return _copies(template, count)


async def _post_all(urls: list[str], token: str, codes: list[str]) -> list[int]:
    """POST .../actions/post for every item, alternating web servers, 16 at a time."""
    limit = asyncio.Semaphore(16)
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(timeout=60, headers=headers) as client:

        async def post(index: int, code: str) -> int:
            async with limit:
                url = f"{urls[index % len(urls)]}/api/v1/items/{code}/actions/post"
                return (await client.post(url, json={})).status_code

        return list(await asyncio.gather(*(post(i, c) for i, c in enumerate(codes))))


def _wait_until_terminal(cluster: Cluster, total: int) -> float:
    started = time.monotonic()
    while True:
        cluster.check()
        done = Publication.objects.filter(state__in=TERMINAL).count()
        if done >= total:
            return time.monotonic() - started
        if time.monotonic() - started > DELIVERY_TIMEOUT:
            states = Counter(Publication.objects.values_list("state", flat=True))
            pytest.fail(f"not all publications finished in {DELIVERY_TIMEOUT:.0f} s: {states}")
        time.sleep(0.5)


def _posts_per_title(fake: FakePlatforms) -> dict[str, Counter[str]]:
    """For each platform, how many live posts carry each item's title."""
    counts: dict[str, Counter[str]] = {}
    with fake.lock:
        for platform in REMOTE:
            counts[platform] = Counter(
                found.group(0)
                for post in fake.posts[platform]
                if not post.get("deleted")
                and (found := TITLE_PATTERN.search(str(post.get(TEXT_KEY[platform], ""))))
            )
    return counts


def test_1000_publications_through_4_workers_are_each_posted_exactly_once(
    cluster: Cluster,
    media_shared: None,
    office: dict[str, User],
    assignment_data: dict[str, Any],
) -> None:
    fake = FakePlatforms(hang_seconds=1.0).start()
    fake.x_limit = fake.instagram_quota = 100_000
    try:
        connect_accounts(fake)
        started = time.monotonic()
        items = _ready_to_post(office, assignment_data, ITEMS)
        prepared = time.monotonic() - started
        token = ApiToken.objects.issue(office["operator1"])

        started = time.monotonic()
        statuses = asyncio.run(_post_all(cluster.web_urls, token, [i.code for i in items]))
        posted_in = time.monotonic() - started
        assert Counter(statuses) == {200: ITEMS}, Counter(statuses)
        total = ITEMS * len(REMOTE)
        delivered_in = _wait_until_terminal(cluster, total)

        rows = Publication.objects.all()
        per_title = _posts_per_title(fake)
        titles = [TITLE.format(n) for n in range(ITEMS)]
        lost = rows.exclude(state=Publication.State.POSTED).count()
        lost += sum(1 for p in REMOTE for t in titles if per_title[p][t] == 0)
        duplicated = sum(max(0, per_title[p][t] - 1) for p in REMOTE for t in titles)
        double_handled = duplicated + rows.filter(attempts__gt=1).count()
        posted = rows.filter(state=Publication.State.POSTED).count()
        closed = StepRun.objects.filter(action="post", outcome=StepRun.Outcome.POSTED).count()
        print(
            f"\n{ITEMS} items x {len(REMOTE)} channels through {len(cluster.web_urls)} web "
            f"servers and 4 workers: prepared in {prepared:.1f} s, posted over HTTP in "
            f"{posted_in:.1f} s, delivered in {delivered_in:.1f} s"
        )
        print(f"publications: {rows.count()}, posted: {posted}, lost: {lost}, "
              f"duplicated: {duplicated}")  # fmt: skip
        print(f"double-handled publications: {double_handled}")
        print(f"posting steps closed: {closed} of {ITEMS}")

        failures = sorted(set(rows.exclude(state="posted").values_list("channel", "last_error")))
        assert rows.count() == total
        assert (lost, duplicated, double_handled, posted) == (0, 0, 0, total), failures
        assert fake.double_publish_attempts == 0
        assert sorted(Counter(rows.values_list("item_id", "channel")).values()) == [1] * total
        # Each item's step 7 closed exactly once, by whichever worker posted its last channel.
        assert closed == ITEMS
        assert not StepRun.objects.filter(finished_at__isnull=True).exists()
        assert AuditEntry.objects.filter(action="posted").count() == ITEMS
        assert audit.first_break() is None
    finally:
        fake.stop()


async def _decide_twice(urls: list[str], token: str, codes: list[str]) -> list[tuple[int, int]]:
    """For each item, two decisions at the same moment, one through each web server.

    Even items get approve + approve, odd ones approve + return.
    """
    limit = asyncio.Semaphore(24)
    headers = {"Authorization": f"Bearer {token}", "Accept-Language": "en"}
    bodies = [
        ({"decision": "approve"}, {"decision": "approve"}),
        ({"decision": "approve"}, {"decision": "return", "note": "Kurang foto."}),
    ]
    async with httpx.AsyncClient(timeout=60, headers=headers) as client:

        async def decide(index: int, code: str) -> tuple[int, int]:
            first, second = bodies[index % 2]
            path = f"/api/v1/items/{code}/actions/review"
            async with limit:
                answers = await asyncio.gather(
                    client.post(f"{urls[index % 2]}{path}", json=first),
                    client.post(f"{urls[(index + 1) % 2]}{path}", json=second),
                )
            return answers[0].status_code, answers[1].status_code

        return list(await asyncio.gather(*(decide(i, c) for i, c in enumerate(codes))))


def test_200_simultaneous_review_decisions_through_2_web_servers_apply_once_each(
    cluster: Cluster, office: dict[str, User], assignment_data: dict[str, Any]
) -> None:
    title = TITLE.format(0)
    template = walk_to(office, {**assignment_data, "title": title}, "submit")
    actions.submit(office["operator1"], template, title=title, body="<p>Isi berita.</p>")
    items = _copies(template, DECISIONS)
    token = ApiToken.objects.issue(office["kasi"])

    started = time.monotonic()
    answers = asyncio.run(_decide_twice(cluster.web_urls, token, [i.code for i in items]))
    took = time.monotonic() - started
    cluster.check()

    doubles = sum(1 for pair in answers if pair == (200, 200))
    refused = sum(1 for pair in answers if sorted(pair) == [200, 409])
    other = [pair for pair in answers if sorted(pair) != [200, 409]]
    ids = [item.pk for item in items]
    closed = Counter(
        StepRun.objects.filter(item_id__in=ids, action="review", finished_at__isnull=False)
        .values_list("item_id", flat=True)
    )  # fmt: skip
    open_runs = Counter(
        StepRun.objects.filter(item_id__in=ids, finished_at__isnull=True).values_list(
            "item_id", flat=True
        )
    )
    decisions = Counter(
        AuditEntry.objects.filter(action="review").values_list("item_code", flat=True)
    )
    print(f"\n{DECISIONS} items x 2 simultaneous decisions in {took:.1f} s: "
          f"{refused} refused with 409, other answers: {other[:5]}")  # fmt: skip
    print(f"double decisions: {doubles + sum(1 for n in closed.values() if n > 1)}")

    assert doubles == 0
    assert other == []
    assert sorted(closed.values()) == [1] * DECISIONS
    assert sorted(open_runs.values()) == [1] * DECISIONS
    assert sorted(decisions[item.code] for item in items) == [1] * DECISIONS
    # The winner's decision is the one recorded: approve+approve items went on to "forward";
    # approve+return items went on according to whichever request won.
    for index, item in enumerate(items):
        run = StepRun.objects.get(item=item, action="review", finished_at__isnull=False)
        following = StepRun.objects.get(item=item, finished_at__isnull=True).action
        assert following == {"approve": "forward", "return": "submit"}[run.outcome]
        if index % 2 == 0:
            assert run.outcome == "approve"
    assert audit.first_break() is None


async def _assign_and_direct(
    urls: list[str], tokens: dict[str, str], codes: list[str], assign_body: dict[str, Any]
) -> list[int]:
    """New assignments (Kabid) and directions (Kasi) at the same moment, through both servers."""
    limit = asyncio.Semaphore(24)
    direct = {"operator": "operator1", "direction": "Sudut: manfaat bagi warga."}
    async with httpx.AsyncClient(timeout=60) as client:

        async def send(index: int, path: str, body: dict[str, Any], who: str) -> int:
            headers = {"Authorization": f"Bearer {tokens[who]}"}
            async with limit:
                url = f"{urls[index % len(urls)]}/api/v1{path}"
                return (await client.post(url, json=body, headers=headers)).status_code

        calls = []
        for index, code in enumerate(codes):
            calls.append(send(index, f"/items/{code}/actions/direct", direct, "kasi"))
            calls.append(send(index + 1, "/items", assign_body, "kabid"))
        return list(await asyncio.gather(*calls))


def test_assignments_and_directions_at_the_same_moment_all_succeed(
    cluster: Cluster, office: dict[str, User], assignment_data: dict[str, Any]
) -> None:
    """Every action locks only its own item: creating items while others act on theirs never
    deadlocks (an action's lock on the shared SOP version row once did, under load)."""
    count = 60
    items = [walk_to(office, assignment_data, "direct") for _ in range(count)]
    tokens = {name: ApiToken.objects.issue(office[name]) for name in ("kabid", "kasi")}
    body = {
        "title": "Rapat koordinasi",
        "kasi": "kasi",
        "activity": {
            "name": "Rapat",
            "starts_at": assignment_data["activity_starts_at"].isoformat(),
            "organizer": "Diskominfotik",
        },
        "location": {"name": "Bandar Lampung", "region_code": "18.71"},
        "channels": ["website"],
    }

    statuses = asyncio.run(
        _assign_and_direct(cluster.web_urls, tokens, [i.code for i in items], body)
    )
    cluster.check()

    print(f"\n{count} directions and {count} assignments at once: {Counter(statuses)}")
    assert Counter(statuses) == {200: count, 201: count}
    assert Item.objects.count() == 2 * count
    assert audit.first_break() is None
