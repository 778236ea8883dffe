"""Two people deciding on one item at the same moment: exactly one wins, on a real database.

Runs on whichever database the suite uses (CI runs it on SQLite and on PostgreSQL), with one
real connection per thread.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

from accounts.models import User
from newsroom import actions
from newsroom.errors import Conflict
from newsroom.models import AuditEntry, StepRun
from newsroom.tests.helpers import walk_to

pytestmark = pytest.mark.django_db(transaction=True)


def _race(calls: list[Callable[[], Any]]) -> list[str]:
    """Run the calls at the same moment in separate threads; return 'won' or 'conflict' each."""
    barrier = threading.Barrier(len(calls))
    results: list[str] = [""] * len(calls)

    def run(index: int, call: Callable[[], Any]) -> None:
        try:
            barrier.wait()
            call()
            results[index] = "won"
        except Conflict:
            results[index] = "conflict"
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


@pytest.mark.parametrize("round_", range(3))
def test_two_simultaneous_review_decisions_have_one_winner(
    office: dict[str, User], assignment_data: dict[str, Any], round_: int
) -> None:
    item = walk_to(office, assignment_data, "review")
    kasi = office["kasi"]
    results = _race(
        [
            lambda: actions.review(kasi, item, decision="approve", forward=True),
            lambda: actions.review(kasi, item, decision="return", note="Kurang foto"),
        ]
    )
    assert sorted(results) == ["conflict", "won"]
    assert StepRun.objects.filter(item=item, action="review").exclude(outcome="").count() == 1
    assert StepRun.objects.filter(item=item, finished_at__isnull=True).count() == 1
    assert AuditEntry.objects.filter(action="review").count() == 1


def test_two_simultaneous_verifications_have_one_winner(
    office: dict[str, User], assignment_data: dict[str, Any]
) -> None:
    item = walk_to(office, assignment_data, "verify")
    kabid = office["kabid"]
    results = _race([lambda: actions.verify(kabid, item, decision="approve") for _ in range(4)])
    assert sorted(results) == ["conflict", "conflict", "conflict", "won"]
    assert StepRun.objects.filter(item=item, action="verify").count() == 1
    assert StepRun.objects.filter(item=item, action="handover").count() == 1
