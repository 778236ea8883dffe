"""Load: 50 staff doing SOP actions over the API plus public readers, on PostgreSQL.

Run: ``python3 -m uv run python bench/load_staff.py [--staff 50] [--readers 10] [--duration 60]``

Recreates the PostgreSQL database ``--database`` (default ``warta_bench``; its name must start
with ``warta_bench``) at ``--pg`` (default ``postgres://postgres@127.0.0.1:5432``), migrates it,
creates the staff (teams of 1 Kabid, 2 Kasi and 7 operators) with API tokens and a few posted
articles, then starts the production shape (ops/testing/cluster.py): ``--webs`` gunicorn
servers (1 worker x 4 threads each) and ``--workers`` Huey workers on RedisHuey in a private
Redis database (``REDIS_URL``, default redis://127.0.0.1:6379).

Each staff member is a thread with its own keep-alive connection to one of the web servers. A
Kabid assigns an item to one of the team's Kasi; each act hands the item to the next person's
in-tray (direct, submit, review approve, forward, verify, hand over, post to the website); each
person waits an exponentially distributed think time (mean ``--think`` seconds) between acts.
Readers fetch the portal's front page and articles (mean ``--read-think`` seconds apart).

Prints p50/p95 latency per action kind and overall, requests/s and errors. Goal: p95 action
latency under 100 ms.
"""

from __future__ import annotations

import argparse
import itertools
import os
import queue
import random
import statistics
import sys
import tempfile
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
TEAM = (("kabid", 1), ("kasi", 2), ("operator", 7))
NEXT = {  # after this act, who acts next and what they do
    "assign": ("kasi", "direct"),
    "direct": ("operator", "submit"),
    "submit": ("kasi", "review"),
    "review": ("kasi", "forward"),
    "forward": ("kabid", "verify"),
    "verify": ("kasi", "handover"),
    "handover": ("operator", "post"),
}
MAX_OPEN_PER_KABID = 12
ARTICLES = 20


@dataclass
class Person:
    username: str
    role: str
    team: int
    token: str = ""
    tray: queue.Queue[tuple[str, str]] = field(default_factory=queue.Queue)


@dataclass
class Results:
    lock: threading.Lock = field(default_factory=threading.Lock)
    latency: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))

    def add(self, kind: str, seconds: float, status: int, detail: str = "") -> None:
        with self.lock:
            self.latency[kind].append(seconds)
            if status >= 400:
                self.errors[kind].append(f"{status} {detail[:200]}")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


def recreate_database(pg: str, name: str) -> str:
    import psycopg

    if not name.startswith("warta_bench"):
        raise SystemExit(f"refusing to recreate {name!r}: the name must start with warta_bench")
    with psycopg.connect(f"{pg}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"{pg}/{name}"


def prepare(people: list[Person]) -> list[str]:
    """Migrate, create the staff and their tokens, post a few articles; their slugs."""
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    call_command("collectstatic", verbosity=0, interactive=False)

    from accounts.models import ApiToken, Role, User
    from lib import clock
    from newsroom import actions

    roles = {"kabid": Role.KABID, "kasi": Role.KASI, "operator": Role.OPERATOR}
    users = {}
    for person in people:
        user = User.objects.create_user(
            person.username, password="bench-password-123", role=roles[person.role],
            first_name=person.username.title(),
        )  # fmt: skip
        person.token = ApiToken.objects.issue(user)
        users[person.username] = user
    kabid, kasi, op = users["kabid0"], users["kasi0-0"], users["operator0-0"]
    slugs = []
    for number in range(ARTICLES):
        item = actions.assign(
            kabid,
            actions.Assignment(
                title=f"Gubernur Resmikan Jembatan {number}", kasi=kasi.username,
                activity_name="Peresmian", activity_starts_at=clock.now() + timedelta(hours=1),
                activity_organizer="Dinas PUPR", location_name="Desa Way Sekampung",
                region_code="18.03", channels=["website"],
            ),
        )  # fmt: skip
        actions.direct(kasi, item, operator=op.username, direction="Sudut: manfaat.")
        body = "<p>Gubernur Lampung meresmikan jembatan baru.</p>" * 20
        actions.submit(op, item, title=item.title, body=body)
        actions.review(kasi, item, decision="approve", forward=True)
        actions.verify(kabid, item, decision="approve")
        actions.handover(kasi, item)
        actions.post(op, item)
        item.refresh_from_db()
        slugs.append(item.slug)
    return slugs


def staff(teams: int) -> list[Person]:
    people = []
    for team in range(teams):
        for role, count in TEAM:
            for n in range(count):
                name = f"{role}{team}" if role == "kabid" else f"{role}{team}-{n}"
                people.append(Person(name, role, team))
    return people


class Office:
    """The in-trays and round-robin choices of every team."""

    def __init__(self, people: list[Person]) -> None:
        self.people = people
        self.by_team: dict[tuple[int, str], list[Person]] = defaultdict(list)
        for person in people:
            self.by_team[(person.team, person.role)].append(person)
        self.turns = {key: itertools.cycle(group) for key, group in self.by_team.items()}
        self.owner: dict[tuple[str, str], Person] = {}  # (code, role) -> who holds that role
        self.open: dict[str, int] = defaultdict(int)
        self.lock = threading.Lock()

    def pick(self, team: int, role: str) -> Person:
        with self.lock:
            return next(self.turns[(team, role)])

    def hand_on(self, code: str, done: str, team: int) -> None:
        """Put the item in the in-tray of whoever does the next act."""
        if done == "post":
            with self.lock:
                self.open[f"kabid{team}"] -= 1
            return
        role, action = NEXT[done]
        with self.lock:
            person = self.owner.get((code, role))
        if person is None:  # the Kasi was chosen at assign; the operator at direct
            person = self.pick(team, role)
            with self.lock:
                self.owner[(code, role)] = person
        person.tray.put((code, action))


BODIES: dict[str, Any] = {
    "review": {"decision": "approve"},
    "forward": {},
    "verify": {"decision": "approve", "note": "Layak tayang."},
    "handover": {},
    "post": {},
}


def act_body(office: Office, person: Person, code: str, action: str) -> dict[str, Any]:
    if action == "direct":
        operator = office.pick(person.team, "operator")
        with office.lock:
            office.owner[(code, "operator")] = operator
        return {"operator": operator.username, "direction": "Sudut: manfaat bagi warga; 5W+1H."}
    if action == "submit":
        paragraph = "<p>Gubernur Lampung meresmikan jembatan yang menghubungkan dua desa.</p>"
        return {"title": f"Jembatan baru {code}", "body": paragraph * 8}
    return BODIES[action]


def assignment(office: Office, person: Person, serial: int) -> tuple[dict[str, Any], Person]:
    kasi = office.pick(person.team, "kasi")
    body = {
        "title": f"Peresmian jembatan {person.username} {serial}",
        "kasi": kasi.username,
        "activity": {
            "name": "Peresmian Jembatan", "starts_at": "2026-12-01T09:00:00+07:00",
            "organizer": "Dinas PUPR",
        },
        "location": {"name": "Desa Way Sekampung", "region_code": "18.03"},
        "channels": ["website"],
    }  # fmt: skip
    return body, kasi


def work(
    person: Person, office: Office, url: str, results: Results, stop: threading.Event, think: float
) -> None:
    rng = random.Random(person.username)
    headers = {"Authorization": f"Bearer {person.token}", "Accept-Language": "en"}
    serial = 0
    with httpx.Client(base_url=f"{url}/api/v1", headers=headers, timeout=30) as client:
        while not stop.is_set():
            stop.wait(rng.expovariate(1 / think))
            if stop.is_set():
                return
            try:
                code, action = person.tray.get(timeout=0.5)
            except queue.Empty:
                if person.role != "kabid" or office.open[person.username] >= MAX_OPEN_PER_KABID:
                    continue
                serial += 1
                body, kasi = assignment(office, person, serial)
                started = time.perf_counter()
                try:
                    answer = client.post("/items", json=body)
                except httpx.HTTPError as exc:
                    results.add("assign", time.perf_counter() - started, 599, repr(exc))
                    continue
                results.add("assign", time.perf_counter() - started, answer.status_code,
                            answer.text)  # fmt: skip
                if answer.status_code == 201:
                    code = answer.json()["code"]
                    with office.lock:
                        office.open[person.username] += 1
                        office.owner[(code, "kasi")] = kasi
                    office.hand_on(code, "assign", person.team)
                continue
            body = act_body(office, person, code, action)
            started = time.perf_counter()
            try:
                answer = client.post(f"/items/{code}/actions/{action}", json=body)
            except httpx.HTTPError as exc:
                results.add(action, time.perf_counter() - started, 599, repr(exc))
                person.tray.put((code, action))  # try again
                continue
            results.add(action, time.perf_counter() - started, answer.status_code, answer.text)
            if answer.status_code == 200:
                office.hand_on(code, action, person.team)


def read(
    number: int, urls: list[str], paths: list[str], results: Results, stop: threading.Event,
    think: float,
) -> None:  # fmt: skip
    rng = random.Random(number)
    with httpx.Client(base_url=urls[number % len(urls)], timeout=30) as client:
        while not stop.is_set():
            stop.wait(rng.expovariate(1 / think))
            path = paths[0] if rng.random() < 0.3 else rng.choice(paths[1:])
            kind = "read front page" if path == paths[0] else "read article"
            started = time.perf_counter()
            try:
                status = client.get(path).status_code
            except httpx.HTTPError as exc:
                status, path = 599, f"{path} {exc!r}"
            results.add(kind, time.perf_counter() - started, status, path)


def report(results: Results, elapsed: float, args: argparse.Namespace) -> None:
    order = ["assign", "direct", "submit", "review", "forward", "verify", "handover", "post"]
    print(f"\n{args.staff} staff (think {args.think} s), {args.readers} readers "
          f"(think {args.read_think} s), {args.webs} web servers x 1 worker x 4 threads, "
          f"{args.workers} Huey workers, {elapsed:.0f} s")  # fmt: skip
    print("load average (1, 5, 15 min) before: {:.1f} {:.1f} {:.1f}; after: {:.1f} {:.1f} {:.1f}"
          .format(*args.load_before, *os.getloadavg()))  # fmt: skip
    print(f"{'kind':<16}{'count':>7}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}{'errors':>8}")

    def line(kind: str, values: list[float], errors: int) -> None:
        p50, p95, top = (1000 * v for v in (statistics.median(values), percentile(values, 0.95),
                                            max(values)))  # fmt: skip
        print(f"{kind:<16}{len(values):>7}{p50:>9.1f}{p95:>9.1f}{top:>9.1f}{errors:>8}")

    actions: list[float] = []
    for kind in order:
        if values := results.latency.get(kind):
            line(kind, values, len(results.errors.get(kind, [])))
            actions += values
    action_errors = sum(len(results.errors.get(k, [])) for k in order)
    if actions:
        line("ALL ACTIONS", actions, action_errors)
    reads: list[float] = []
    for kind in ("read front page", "read article"):
        if values := results.latency.get(kind):
            line(kind, values, len(results.errors.get(kind, [])))
            reads += values
    total = len(actions) + len(reads)
    errors = sum(map(len, results.errors.values()))
    print(f"requests/s: {total / elapsed:.1f} (actions/s {len(actions) / elapsed:.1f}, "
          f"reads/s {len(reads) / elapsed:.1f}); errors: {errors}")  # fmt: skip
    if actions:
        p95 = percentile(actions, 0.95) * 1000
        verdict = "met" if p95 < 100 else "MISSED"
        print(f"goal p95 action latency < 100 ms: {verdict} ({p95:.1f} ms)")
    for kind, errors in results.errors.items():
        print(f"  {kind}: {errors[:3]}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--staff", type=int, default=50, help="a multiple of 10 (teams of 10)")
    parser.add_argument("--readers", type=int, default=10)
    parser.add_argument("--duration", type=float, default=60.0)
    parser.add_argument("--think", type=float, default=2.0, help="mean seconds between acts")
    parser.add_argument("--read-think", type=float, default=0.5)
    parser.add_argument("--webs", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--database", default="warta_bench")
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT))
    workdir = Path(tempfile.mkdtemp(prefix="warta-load-"))
    database = recreate_database(args.pg, args.database)
    os.environ.update(
        DATABASE_URL=database, WARTA_VAR_DIR=str(workdir), HUEY_IMMEDIATE="1",
        DJANGO_SETTINGS_MODULE="warta.settings",
    )  # fmt: skip
    import django

    django.setup()
    from cryptography.fernet import Fernet
    from django.conf import settings

    from ops.testing.cluster import Cluster, child_env
    from ops.testing.redis_db import private_db

    people = staff(max(1, args.staff // 10))
    keys = Fernet.generate_key().decode()
    os.environ["WARTA_SECRETS_KEYS"] = keys
    print(f"preparing {database} ...", flush=True)
    slugs = prepare(people)
    office = Office(people)
    results = Results()
    redis_url = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"
    with private_db(redis_url) as redis:
        env = child_env(
            database=database, redis=redis, var_dir=workdir, secret_key=settings.SECRET_KEY,
            secrets_keys=keys,
        )  # fmt: skip
        with Cluster(env, workdir / "logs", webs=args.webs, workers=args.workers) as cluster:
            front = "/berita/"
            if httpx.get(f"{cluster.web_urls[0]}{front}").status_code != 200:
                front = "/"
            paths = [front] + [f"/berita/{slug}/" for slug in slugs]
            stop = threading.Event()
            threads = [
                threading.Thread(
                    target=work,
                    args=(
                        p,
                        office,
                        cluster.web_urls[i % len(cluster.web_urls)],
                        results,
                        stop,
                        args.think,
                    ),
                )
                for i, p in enumerate(people)
            ] + [
                threading.Thread(
                    target=read, args=(n, cluster.web_urls, paths, results, stop, args.read_think)
                )
                for n in range(args.readers)
            ]
            print(f"running {len(people)} staff and {args.readers} readers for "
                  f"{args.duration:.0f} s against {cluster.web_urls} ...", flush=True)  # fmt: skip
            args.load_before = os.getloadavg()
            started = time.monotonic()
            for thread in threads:
                thread.start()
            time.sleep(args.duration)
            stop.set()
            for thread in threads:
                thread.join(timeout=60)
            elapsed = time.monotonic() - started
            cluster.check()
    report(results, elapsed, args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
