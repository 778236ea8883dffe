"""The audit log is hash-chained: any edit or deletion is found and named."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from accounts.models import User
from newsroom.models import AuditEntry
from newsroom.tests.helpers import walk_to

pytestmark = pytest.mark.django_db


@pytest.fixture
def history(office: dict[str, User], assignment_data: dict[str, Any]) -> None:
    walk_to(office, assignment_data, "done")


def _verify() -> str:
    out = StringIO()
    call_command("verify_audit", stdout=out)
    return out.getvalue()


def test_it_records_every_action_in_order(history: None) -> None:
    actions = list(AuditEntry.objects.values_list("action", flat=True))
    assert actions == [
        "assign", "direct", "submit", "review", "forward", "verify", "handover", "post", "posted",
    ]  # fmt: skip
    assert AuditEntry.objects.get(action="review").data["decision"] == "approve"
    assert AuditEntry.objects.get(action="assign").actor_username == "kabid"


def test_an_intact_log_verifies(history: None) -> None:
    assert _verify() == "audit log intact: 9 entries verified\n"


def test_it_names_the_first_edited_entry(history: None) -> None:
    entry = AuditEntry.objects.get(action="verify")
    AuditEntry.objects.filter(pk=entry.pk).update(data={**entry.data, "decision": "return"})
    with pytest.raises(CommandError) as caught:
        _verify()
    assert str(caught.value) == (
        f"audit log broken at entry #{entry.seq}: its content was changed after it was written"
    )


def test_it_finds_a_rewritten_entry_whose_hash_was_recomputed(history: None) -> None:
    entry = AuditEntry.objects.get(action="review")
    entry.actor_username = "kabid"
    AuditEntry.objects.filter(pk=entry.pk).update(
        actor_username="kabid", hash=entry.computed_hash()
    )
    with pytest.raises(CommandError, match=f"#{entry.seq + 1}: its link"):
        _verify()


def test_it_finds_a_deleted_entry(history: None) -> None:
    AuditEntry.objects.filter(action="forward").delete()
    with pytest.raises(CommandError, match="is missing"):
        _verify()


def test_it_finds_the_last_entry_deleted(history: None) -> None:
    AuditEntry.objects.filter(action="posted").delete()
    with pytest.raises(CommandError, match="after #8 are missing"):
        _verify()
