"""Retracting an item: every post taken down, the website shows a notice, the audit says why."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from accounts.models import ApiToken, User
from channels import actions, retraction
from channels.fakes import FakePlatforms
from channels.models import Publication
from channels.tests.helpers import post, ready_item
from newsroom.errors import Conflict, Invalid, NotAllowed
from newsroom.models import AuditEntry

pytestmark = pytest.mark.django_db

Office = dict[str, User]
ALL = ["website", "facebook", "instagram", "x", "wordpress"]


@pytest.fixture(autouse=True)
def _plain_static(settings: Any) -> None:
    """The article page links CSS; tests run without collectstatic's manifest."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


def _deletes(fake: FakePlatforms) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for request in fake.received:
        if request.method == "DELETE":
            found.setdefault(request.platform, []).append(request.path)
    return found


def test_it_takes_the_post_down_at_every_platform_and_leaves_instagram_to_a_person(
    office: Office, assignment_data: dict[str, Any], fake: FakePlatforms, accounts: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:  # fmt: skip
    item = ready_item(office, assignment_data, ALL, images=1)
    rows = {p.channel: p for p in post(office, item, django_capture_on_commit_callbacks)}
    assert {p.state for p in rows.values()} == {"posted"}
    with django_capture_on_commit_callbacks(execute=True):
        actions.retract_item(office["kabid"], item, "correction", note="Nama pejabat salah.")
    deletes = _deletes(fake)
    assert sorted(deletes) == ["facebook", "wordpress", "x"]
    assert any(rows["facebook"].external_id in path for path in deletes["facebook"])
    assert any(rows["x"].external_id in path for path in deletes["x"])
    assert any(rows["wordpress"].external_id in path for path in deletes["wordpress"])
    for kind in ("facebook", "x", "wordpress"):
        assert [p.get("deleted") for p in fake.posts[kind]] == [True], kind
    after = {p.channel: p for p in Publication.objects.filter(item=item)}
    assert {k: p.state for k, p in after.items()} == {
        "website": "retracted", "facebook": "retracted", "instagram": "posted",
        "x": "retracted", "wordpress": "retracted",
    }  # fmt: skip
    instagram = after["instagram"]
    assert instagram.manual_takedown
    assert "delete it in the Instagram app" in instagram.last_error
    assert retraction.sweep() == []  # nothing left for the worker: a person must act


def test_a_person_confirms_the_instagram_post_was_deleted_by_hand(
    office: Office, assignment_data: dict[str, Any], fake: FakePlatforms, accounts: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:  # fmt: skip
    item = ready_item(office, assignment_data, ["instagram"], images=1)
    [row] = post(office, item, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        actions.retract_item(office["kasi"], item, "personal_data")
    row.refresh_from_db()
    with pytest.raises(NotAllowed):
        actions.confirm_manual_takedown(office["operator1"], row)
    actions.confirm_manual_takedown(office["kasi"], row)
    row.refresh_from_db()
    assert (row.state, row.manual_takedown) == ("retracted", True)
    with pytest.raises(Conflict):
        actions.confirm_manual_takedown(office["kasi"], row)


def test_the_website_page_shows_a_notice_instead_of_the_content(
    office: Office, assignment_data: dict[str, Any], client: Client,
    django_capture_on_commit_callbacks: Any,
) -> None:  # fmt: skip
    item = ready_item(office, assignment_data, ["website"], body="<p>Isi rahasia berita.</p>")
    post(office, item, django_capture_on_commit_callbacks)
    url = f"/berita/{item.slug}/"
    before = client.get(url, headers={"Accept-Language": "en"})
    assert before.status_code == 200 and b"Isi rahasia berita." in before.content
    actions.retract_item(office["kabid"], item, "personal_data")
    after = client.get(url, headers={"Accept-Language": "en"})
    assert after.status_code == 410
    assert b"This news item has been withdrawn" in after.content
    assert b"personal-data takedown request" in after.content
    assert b"Isi rahasia berita." not in after.content
    assert item.title.encode() not in after.content
    indonesian = client.get(url, headers={"Accept-Language": "id"})
    assert "Berita ini telah ditarik" in indonesian.content.decode()


def test_the_operator_may_not_retract_and_the_kabid_may_with_an_audit_entry(
    office: Office, assignment_data: dict[str, Any], django_capture_on_commit_callbacks: Any,
) -> None:  # fmt: skip
    item = ready_item(office, assignment_data, ["website"])
    post(office, item, django_capture_on_commit_callbacks)
    with pytest.raises(NotAllowed):
        actions.retract_item(office["operator1"], item, "correction")
    with pytest.raises(Invalid) as invalid:
        actions.retract_item(office["kabid"], item, "")
    assert "reason" in invalid.value.errors
    assert Publication.objects.get(item=item).state == "posted"
    actions.retract_item(office["kabid"], item, "correction", note="Salah tanggal.")
    entry = AuditEntry.objects.filter(action="retract").get()
    assert (entry.item_code, entry.actor_username) == (item.code, "kabid")
    assert entry.data["reason"] == "correction" and entry.data["note"] == "Salah tanggal."
    with pytest.raises(Conflict):
        actions.retract_item(office["kabid"], item, "correction")


def test_a_transient_error_is_retried_by_the_sweeper(
    office: Office, assignment_data: dict[str, Any], fake: FakePlatforms, accounts: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:  # fmt: skip
    from datetime import timedelta

    from lib import clock

    item = ready_item(office, assignment_data, ["x"])
    [row] = post(office, item, django_capture_on_commit_callbacks)
    fake.inject("transient", "x", method="DELETE")
    with django_capture_on_commit_callbacks(execute=True):
        actions.retract_item(office["kasi"], item, "other")
    row.refresh_from_db()
    assert (row.state, row.manual_takedown) == ("posted", False) and row.next_attempt_at
    assert retraction.sweep() == []  # not due yet
    later = clock.now() + timedelta(hours=1)
    assert retraction.sweep(later) == [row.pk]
    retraction.retract(row.pk, now=later)
    row.refresh_from_db()
    assert row.state == "retracted"
    assert fake.posts["x"][0].get("deleted")


def test_the_api_retracts_for_the_kasi_and_refuses_the_operator(
    office: Office, assignment_data: dict[str, Any], client: Client,
    django_capture_on_commit_callbacks: Any,
) -> None:  # fmt: skip
    item = ready_item(office, assignment_data, ["website"])
    post(office, item, django_capture_on_commit_callbacks)
    url = f"/api/v1/items/{item.code}/actions/retract"

    def call(who: str, body: dict[str, Any]) -> Any:
        token = ApiToken.objects.issue(office[who])
        headers = {"Authorization": f"Bearer {token}", "Accept-Language": "en"}
        return client.post(url, body, content_type="application/json", headers=headers)

    refused = call("operator1", {"reason": "correction"})
    assert refused.status_code == 403
    assert refused.json()["detail"] == "Only the item's Kabid or Kasi may retract it."
    assert call("kasi", {"reason": "typo"}).status_code == 400
    assert call("kasi", {}).status_code == 400
    done = call("kasi", {"reason": "correction"})
    assert done.status_code == 200, done.json()
    assert Publication.objects.get(item=item).state == "retracted"
    assert call("kasi", {"reason": "correction"}).status_code == 409


def test_the_item_page_offers_retracting_to_the_kabid_only_and_the_form_works(
    office: Office, assignment_data: dict[str, Any], client: Client,
    django_capture_on_commit_callbacks: Any,
) -> None:  # fmt: skip
    item = ready_item(office, assignment_data, ["website"])
    post(office, item, django_capture_on_commit_callbacks)
    page = f"/item/{item.code}/"
    client.force_login(office["operator1"])
    assert f"/item/{item.code}/tarik/" not in client.get(page).content.decode()
    refused = client.post(f"/item/{item.code}/tarik/", {"reason": "correction"})
    assert refused.status_code == 302
    assert Publication.objects.get(item=item).state == "posted"
    client.force_login(office["kabid"])
    assert f"/item/{item.code}/tarik/" in client.get(page).content.decode()
    done = client.post(f"/item/{item.code}/tarik/", {"reason": "correction", "note": "Salah."})
    assert done.status_code == 302 and done["Location"] == f"{page}#kanal"
    assert Publication.objects.get(item=item).state == "retracted"


# --- retracting while step 7 is open, and posts already gone at the platform ------------------


def _open_runs(item: Any) -> list[str]:
    return list(item.step_runs.filter(finished_at__isnull=True).values_list("action", flat=True))


def test_retracting_a_scheduled_post_cancels_it_and_closes_step_7_as_retracted(
    office: Office, assignment_data: dict[str, Any], fake: FakePlatforms, accounts: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:  # fmt: skip
    from datetime import timedelta

    from lib import clock
    from newsroom import actions as newsroom_actions

    item = ready_item(office, assignment_data, ["website", "x"])
    with django_capture_on_commit_callbacks(execute=False):
        newsroom_actions.post(office["operator1"], item, at=clock.now() + timedelta(hours=3))
    assert _open_runs(item) == ["post"]
    with django_capture_on_commit_callbacks(execute=True):
        actions.retract_item(office["kabid"], item, "correction")
    assert _open_runs(item) == []
    run = item.step_runs.get(action="post")
    assert (run.outcome, run.actor, run.on_behalf_of) == ("retracted", office["kabid"], None)
    assert run.finished_at is not None and run.note == "correction"
    assert {p.state for p in Publication.objects.filter(item=item)} == {"retracted"}
    assert _deletes(fake) == {} and fake.posts["x"] == []  # nothing was ever sent
    assert AuditEntry.objects.get(action="retract").data["step_closed"] is True


def test_retracting_after_a_partial_post_closes_the_open_step_and_cancels_the_failed_channel(
    office: Office, assignment_data: dict[str, Any], fake: FakePlatforms, accounts: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:  # fmt: skip
    item = ready_item(office, assignment_data, ["website", "facebook", "x"])
    fake.tokens["facebook"] = "revoked"  # Facebook answers error 190
    rows = {p.channel: p for p in post(office, item, django_capture_on_commit_callbacks)}
    assert {k: p.state for k, p in rows.items()} == {
        "website": "posted", "facebook": "failed", "x": "posted"
    }  # fmt: skip
    assert _open_runs(item) == ["post"]
    with django_capture_on_commit_callbacks(execute=True):
        actions.retract_item(office["kasi"], item, "other")
    assert _open_runs(item) == []
    assert item.step_runs.get(action="post").outcome == "retracted"
    after = {p.channel: p.state for p in Publication.objects.filter(item=item)}
    assert after == {"website": "retracted", "facebook": "retracted", "x": "retracted"}
    assert sorted(_deletes(fake)) == ["x"]  # the failed Facebook post was never there
    failed = Publication.objects.get(item=item, channel="facebook")
    with pytest.raises(Conflict):
        actions.record_manual_link(office["operator1"], failed, "https://facebook.com/p/1")


def test_retracting_before_anything_was_posted_ends_step_7(
    office: Office, assignment_data: dict[str, Any]
) -> None:
    item = ready_item(office, assignment_data, ["website"])
    assert _open_runs(item) == ["post"]
    assert actions.retract_item(office["kabid"], item, "personal_data") == []
    assert _open_runs(item) == []
    assert item.step_runs.get(action="post").outcome == "retracted"
    with pytest.raises(Conflict):
        actions.retract_item(office["kabid"], item, "personal_data")


def test_a_post_already_deleted_at_the_platform_counts_as_retracted_on_every_connector(
    office: Office, assignment_data: dict[str, Any], fake: FakePlatforms, accounts: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:  # fmt: skip
    item = ready_item(office, assignment_data, ["facebook", "x", "wordpress"])
    rows = post(office, item, django_capture_on_commit_callbacks)
    assert {p.state for p in rows} == {"posted"}
    for kind in ("facebook", "x", "wordpress"):
        fake.posts[kind][0]["deleted"] = True  # someone deleted it by hand
        if kind == "wordpress":
            fake.posts[kind][0]["status"] = "trash"
    with django_capture_on_commit_callbacks(execute=True):
        actions.retract_item(office["kabid"], item, "correction")
    deletes = _deletes(fake)
    assert sorted(deletes) == ["facebook", "wordpress", "x"]  # each platform was asked
    answers = {r.platform: r for r in fake.received if r.method == "DELETE"}
    assert set(answers) == {"facebook", "x", "wordpress"}
    after = {
        p.channel: (p.state, p.manual_takedown, p.last_error) for p in Publication.objects.all()
    }
    assert after == {k: ("retracted", False, "") for k in ("facebook", "x", "wordpress")}


def test_a_not_found_answer_from_a_wrong_wordpress_address_is_not_taken_as_deleted(
    office: Office, assignment_data: dict[str, Any], fake: FakePlatforms, accounts: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:  # fmt: skip
    item = ready_item(office, assignment_data, ["wordpress"])
    [row] = post(office, item, django_capture_on_commit_callbacks)
    account = accounts["wordpress"]
    account.config = {**account.config, "site_url": f"{fake.url}/no-such-site"}
    account.save()
    with django_capture_on_commit_callbacks(execute=True):
        actions.retract_item(office["kabid"], item, "correction")
    row.refresh_from_db()
    assert row.state == "posted" and row.manual_takedown  # a person must look
    assert not fake.posts["wordpress"][0].get("deleted")


@pytest.mark.parametrize("kind", ["facebook", "x", "wordpress"])
def test_a_delete_answered_404_counts_as_retracted(
    kind: str, office: Office, assignment_data: dict[str, Any], fake: FakePlatforms,
    accounts: Any, django_capture_on_commit_callbacks: Any,
) -> None:  # fmt: skip
    item = ready_item(office, assignment_data, [kind])
    [row] = post(office, item, django_capture_on_commit_callbacks)
    fake.inject("not_found", kind, method="DELETE")
    with django_capture_on_commit_callbacks(execute=True):
        actions.retract_item(office["kabid"], item, "correction")
    row.refresh_from_db()
    assert (row.state, row.manual_takedown, row.last_error) == ("retracted", False, "")
    assert [r.method for r in fake.received if r.method == "DELETE"] == ["DELETE"]
