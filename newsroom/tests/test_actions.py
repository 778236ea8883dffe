"""Every transition of the SOP, its permissions, and the gate that only verified content posts."""

from __future__ import annotations

from datetime import datetime, timedelta
from itertools import pairwise
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import User
from channels.models import Publication
from lib import clock
from newsroom import actions
from newsroom.actions import Assignment, ImageUpload
from newsroom.errors import Conflict, Invalid, NotAllowed
from newsroom.models import AuditEntry, Item, StepRun, Version
from newsroom.tests.helpers import ORDER, runs, walk_to

pytestmark = pytest.mark.django_db

Office = dict[str, User]


def test_it_walks_all_seven_steps(office: Office, assignment_data: dict[str, Any]) -> None:
    item = walk_to(office, assignment_data, "done")
    assert runs(item) == [
        (1, "assign", "done"),
        (2, "direct", "done"),
        (3, "submit", "done"),
        (3, "review", "approve"),
        (4, "forward", "done"),
        (5, "verify", "approve"),
        (6, "handover", "done"),
        (7, "post", "posted"),
    ]
    assert item.open_run() is None
    assert [r.standard_minutes for r in item.step_runs.all()] == [2, 5, 7, 7, 2, 2, 1, 2]
    assert all(r.duration is not None for r in item.step_runs.all())
    post_run = item.step_runs.get(action="post")
    website = Publication.objects.get(item=item)
    assert website.state == Publication.State.POSTED
    assert website.permalink.endswith(f"/berita/{item.slug}/")
    assert post_run.note == website.permalink
    assert item.sop_version.sop.total_standard_minutes == 21


def test_each_run_starts_when_the_previous_one_finished(
    office: Office, assignment_data: dict[str, Any]
) -> None:
    item = walk_to(office, assignment_data, "done")
    all_runs = list(item.step_runs.order_by("started_at", "pk"))
    for before, after in pairwise(all_runs):
        assert after.started_at == before.finished_at


def test_it_records_who_must_act_at_each_step(
    office: Office, assignment_data: dict[str, Any]
) -> None:
    item = walk_to(office, assignment_data, "done")
    assignees = [r.assignee.username for r in item.step_runs.all()]
    assert assignees == [
        "kabid", "kasi", "operator1", "kasi", "kasi", "kabid", "kasi", "operator1",
    ]  # fmt: skip
    assert all(r.actor == r.assignee for r in item.step_runs.all())


def test_step_one_is_timed_from_when_the_form_was_opened(
    office: Office, assignment_data: dict[str, Any]
) -> None:
    opened = clock.now() - timedelta(minutes=3)
    item = actions.assign(office["kabid"], Assignment(**assignment_data, started_at=opened))
    run = item.step_runs.get(action="assign")
    assert run.started_at == opened
    assert run.duration is not None and run.duration >= timedelta(minutes=3)


def test_a_claimed_form_opening_long_ago_is_ignored(
    office: Office, assignment_data: dict[str, Any]
) -> None:
    opened = clock.now() - timedelta(days=3)
    item = actions.assign(office["kabid"], Assignment(**assignment_data, started_at=opened))
    assert item.step_runs.get(action="assign").started_at > opened


def test_the_kasi_returns_the_draft_to_the_operator(
    office: Office, assignment_data: dict[str, Any]
) -> None:
    item = walk_to(office, assignment_data, "review")
    actions.review(office["kasi"], item, decision="return", note="Perbaiki ejaan judul")
    run = item.open_run()
    assert run is not None and (run.step, run.action) == (3, "submit")
    assert run.assignee == office["operator1"]
    returned = item.step_runs.get(action="review")
    assert (returned.outcome, returned.note) == ("return", "Perbaiki ejaan judul")
    actions.submit(office["operator1"], item, title="Judul diperbaiki", body="Isi.")
    run = item.open_run()
    assert run is not None and run.action == "review"
    assert item.versions.count() == 2


def test_the_kabid_returns_to_the_operator_and_it_goes_through_review_again(
    office: Office, assignment_data: dict[str, Any]
) -> None:
    item = walk_to(office, assignment_data, "verify")
    actions.verify(office["kabid"], item, decision="return", note="Data jumlah warga salah")
    run = item.open_run()
    assert run is not None and (run.step, run.action) == (3, "submit")
    actions.submit(office["operator1"], item, title="Judul", body="Data diperbaiki.")
    run = item.open_run()
    assert run is not None and (run.step, run.action, run.assignee.username) == (
        3,
        "review",
        "kasi",
    )


def test_approve_and_forward_is_one_tap_and_two_runs(
    office: Office, assignment_data: dict[str, Any]
) -> None:
    item = walk_to(office, assignment_data, "review")
    actions.review(office["kasi"], item, decision="approve", forward=True)
    assert runs(item)[-3:] == [(3, "review", "approve"), (4, "forward", "done"), (5, "verify", "")]
    forward_run = item.step_runs.get(action="forward")
    assert forward_run.version_sha256 == item.latest_version().sha256  # type: ignore[union-attr]


def test_returning_needs_a_note(office: Office, assignment_data: dict[str, Any]) -> None:
    item = walk_to(office, assignment_data, "review")
    with pytest.raises(Invalid) as caught:
        actions.review(office["kasi"], item, decision="return", note="  ")
    assert "note" in caught.value.errors
    assert item.open_run().action == "review"  # type: ignore[union-attr]


ACTORS = {
    "direct": "kasi",
    "submit": "operator1",
    "review": "kasi",
    "forward": "kasi",
    "verify": "kabid",
    "handover": "kasi",
    "post": "operator1",
}


def _perform(action: str, user: User, item: Item) -> object:
    calls = {
        "direct": lambda: actions.direct(user, item, operator="operator1", direction="Arahan"),
        "submit": lambda: actions.submit(user, item, title="T", body="B"),
        "review": lambda: actions.review(user, item, decision="approve"),
        "forward": lambda: actions.forward(user, item),
        "verify": lambda: actions.verify(user, item, decision="approve"),
        "handover": lambda: actions.handover(user, item),
        "post": lambda: actions.post(user, item),
    }
    return calls[action]()


@pytest.mark.parametrize("action", ORDER)
@pytest.mark.parametrize("username", ["kabid", "kasi", "operator1", "operator2", "admin"])
def test_each_action_is_allowed_to_its_actor_only(
    office: Office, assignment_data: dict[str, Any], action: str, username: str
) -> None:
    item = walk_to(office, assignment_data, action)
    before = (StepRun.objects.count(), AuditEntry.objects.count(), item.revision)
    if username == ACTORS[action]:
        _perform(action, office[username], item)
        item.refresh_from_db()
        assert item.revision == before[2] + 1
    else:
        with pytest.raises(NotAllowed):
            _perform(action, office[username], item)
        item.refresh_from_db()
        assert (StepRun.objects.count(), AuditEntry.objects.count(), item.revision) == before


@pytest.mark.parametrize("username", ["kasi", "operator1", "admin"])
def test_only_a_kabid_assigns(
    office: Office, assignment_data: dict[str, Any], username: str
) -> None:
    with pytest.raises(NotAllowed):
        actions.assign(office[username], Assignment(**assignment_data))
    assert Item.objects.count() == 0


@pytest.mark.parametrize(
    ("at", "action"),
    [("direct", "handover"), ("submit", "review"), ("review", "forward"), ("verify", "handover"),
     ("handover", "post"), ("post", "verify"), ("done", "post")],
)  # fmt: skip
def test_an_action_at_the_wrong_step_is_a_conflict(
    office: Office, assignment_data: dict[str, Any], at: str, action: str
) -> None:
    item = walk_to(office, assignment_data, at)
    before = (StepRun.objects.count(), AuditEntry.objects.count())
    with pytest.raises(Conflict):
        _perform(action, office[ACTORS[action]], item)
    assert (StepRun.objects.count(), AuditEntry.objects.count()) == before


@pytest.mark.parametrize("waiting_for", ["review", "forward", "verify"])
def test_the_operator_cannot_submit_while_the_kasi_or_kabid_holds_the_item(
    office: Office, assignment_data: dict[str, Any], waiting_for: str
) -> None:
    item = walk_to(office, assignment_data, waiting_for)
    before = (StepRun.objects.count(), Version.objects.count(), AuditEntry.objects.count())
    with pytest.raises(Conflict):
        actions.submit(office["operator1"], item, title="Judul baru", body="Isi baru.")
    assert (StepRun.objects.count(), Version.objects.count(), AuditEntry.objects.count()) == before
    assert item.open_run().action == waiting_for  # type: ignore[union-attr]


def test_a_new_version_after_verification_goes_back_to_review(
    office: Office, assignment_data: dict[str, Any]
) -> None:
    item = walk_to(office, assignment_data, "post")
    actions.submit(office["operator1"], item, title="Judul", body="Ralat angka.")
    superseded = item.step_runs.get(action="post")
    assert superseded.outcome == "revised"
    assert superseded.actor == office["operator1"] and superseded.on_behalf_of is None
    run = item.open_run()
    assert run is not None and (run.step, run.action) == (3, "review")
    with pytest.raises(Conflict):
        actions.post(office["operator1"], item)
    actions.review(office["kasi"], item, decision="approve", forward=True)
    actions.verify(office["kabid"], item, decision="approve")
    actions.handover(office["kasi"], item)
    publications = actions.post(office["operator1"], item)
    assert publications[0].version.number == 2


def test_posting_refuses_a_verified_version_whose_content_was_altered(
    office: Office, assignment_data: dict[str, Any]
) -> None:
    item = walk_to(office, assignment_data, "post")
    version = item.latest_version()
    assert version is not None
    # Someone edits the stored row behind Warta's back (the model itself refuses saves).
    Version.objects.filter(pk=version.pk).update(body="<p>Isi yang tidak diverifikasi.</p>")
    with pytest.raises(Conflict) as caught:
        actions.post(office["operator1"], item)
    assert "fingerprint" in caught.value.message or "sidik" in caught.value.message
    assert Publication.objects.count() == 0
    assert item.open_run().action == "post"  # type: ignore[union-attr]


def test_posting_refuses_when_the_version_and_its_hash_were_both_rewritten(
    office: Office, assignment_data: dict[str, Any]
) -> None:
    item = walk_to(office, assignment_data, "post")
    version = item.latest_version()
    assert version is not None
    version.body = "<p>Palsu.</p>"
    forged = version.computed_sha256()
    Version.objects.filter(pk=version.pk).update(body=version.body, sha256=forged)
    with pytest.raises(Conflict):
        actions.post(office["operator1"], item)
    assert Publication.objects.count() == 0


def test_a_version_cannot_be_saved_twice(office: Office, assignment_data: dict[str, Any]) -> None:
    item = walk_to(office, assignment_data, "review")
    version = item.latest_version()
    assert version is not None
    version.title = "Diubah"
    with pytest.raises(Exception, match="immutable"):
        version.save()


def test_the_version_hash_covers_title_body_captions_and_images(
    office: Office, assignment_data: dict[str, Any], png_bytes: bytes
) -> None:
    item = walk_to(office, assignment_data, "submit")
    image = ImageUpload(SimpleUploadedFile("foto.png", png_bytes, "image/png"), "Gubernur")
    version = actions.submit(
        office["operator1"], item, title="Judul", body="Isi", captions={"website": "Cap"},
        images=[image],
    )  # fmt: skip
    assert version.is_intact()
    assert version.images.count() == 1
    image_row = version.images.get()
    image_row.alt_text = "lain"
    image_row.save()
    assert not version.is_intact()


@pytest.mark.parametrize(
    ("field", "change"),
    [
        ("title", {"title": "x" * 201}),
        ("title", {"title": "   "}),
        ("location.region_code", {"region_code": "18.99"}),
        ("kasi", {"kasi": "nobody"}),
        ("kasi", {"kasi": "operator1"}),
        ("activity.starts_at", {"activity_starts_at": None}),
        ("channels", {"channels": ["myspace"]}),
        ("location.lat", {"latitude": "91"}),
    ],
)
def test_bad_assignment_input_writes_nothing(
    office: Office, assignment_data: dict[str, Any], field: str, change: dict[str, Any]
) -> None:
    with pytest.raises(Invalid) as caught:
        actions.assign(office["kabid"], Assignment(**{**assignment_data, **change}))
    assert field in caught.value.errors
    assert (Item.objects.count(), StepRun.objects.count(), AuditEntry.objects.count()) == (0, 0, 0)


def test_a_text_file_named_jpg_is_refused(office: Office, assignment_data: dict[str, Any]) -> None:
    fake = SimpleUploadedFile("foto.jpg", b"just some text, not a picture", "image/jpeg")
    with pytest.raises(Invalid) as caught:
        actions.assign(office["kabid"], Assignment(**assignment_data, attachments=[fake]))
    assert "foto.jpg" in caught.value.errors["attachments"]
    assert Item.objects.count() == 0

    item = walk_to(office, assignment_data, "submit")
    fake.seek(0)
    with pytest.raises(Invalid) as caught:
        actions.submit(
            office["operator1"], item, title="T", body="B", images=[ImageUpload(fake, "alt")]
        )
    assert "foto.jpg" in caught.value.errors["images"]
    assert item.versions.count() == 0


def test_a_script_in_the_body_is_refused(office: Office, assignment_data: dict[str, Any]) -> None:
    item = walk_to(office, assignment_data, "submit")
    for body in [
        "<p>Halo</p><script>alert(1)</script>",
        '<p onclick="steal()">Halo</p>',
        '<a href="javascript:alert(1)">klik</a>',
    ]:
        with pytest.raises(Invalid) as caught:
            actions.submit(office["operator1"], item, title="T", body=body)
        assert "body" in caught.value.errors
    assert item.versions.count() == 0
    assert item.open_run().action == "submit"  # type: ignore[union-attr]


def test_the_body_is_sanitised_and_plain_text_becomes_paragraphs(
    office: Office, assignment_data: dict[str, Any]
) -> None:
    item = walk_to(office, assignment_data, "submit")
    version = actions.submit(
        office["operator1"], item, title="T", body="Baris satu.\n\nBaris 2 < 3 & tiga."
    )
    assert version.body == "<p>Baris satu.</p><p>Baris 2 &lt; 3 &amp; tiga.</p>"
    actions.review(office["kasi"], item, decision="return", note="ulang")
    version = actions.submit(
        office["operator1"], item, title="T", body='<p class="x">Isi <span>rapi</span></p>'
    )
    assert version.body == "<p>Isi rapi</p>"


def test_an_unknown_operator_is_refused(office: Office, assignment_data: dict[str, Any]) -> None:
    item = walk_to(office, assignment_data, "direct")
    with pytest.raises(Invalid) as caught:
        actions.direct(office["kasi"], item, operator="kabid", direction="Arahan")
    assert "operator" in caught.value.errors
    assert item.open_run().action == "direct"  # type: ignore[union-attr]


def test_comments_are_for_the_people_on_the_item(
    office: Office, assignment_data: dict[str, Any]
) -> None:
    item = walk_to(office, assignment_data, "submit")
    comment = actions.comment(office["operator1"], item, body="Foto menyusul.")
    assert comment.author == office["operator1"]
    with pytest.raises(NotAllowed):
        actions.comment(office["operator2"], item, body="Halo")


def test_finished_runs_carry_wall_clock_and_business_durations(
    office: Office, assignment_data: dict[str, Any]
) -> None:
    item = walk_to(office, assignment_data, "done")
    for run in item.step_runs.all():
        assert run.duration_seconds is not None and run.business_seconds is not None
        assert 0 <= run.business_seconds <= run.duration_seconds


@pytest.mark.parametrize(
    ("started", "wall", "business"),
    [
        # Monday 09:00 in Jakarta: all of the 7 min 30 s fall in office hours.
        ("2026-12-07T02:00:00+00:00", 450, 450),
        # Monday 15:55 in Jakarta: 5 minutes before office hours end at 16:00.
        ("2026-12-07T08:55:00+00:00", 450, 300),
        # Saturday 01:00 in Jakarta (Friday evening in UTC): no office time at all.
        ("2026-12-11T18:00:00+00:00", 450, 0),
    ],
)
def test_a_finished_run_measures_its_own_clock_and_office_time(
    office: Office,
    assignment_data: dict[str, Any],
    monkeypatch: pytest.MonkeyPatch,
    started: str,
    wall: int,
    business: int,
) -> None:
    start = datetime.fromisoformat(started)
    monkeypatch.setattr(clock, "now", lambda: start)
    assignment_data["activity_starts_at"] = start + timedelta(days=1)
    item = walk_to(office, assignment_data, "review")
    monkeypatch.setattr(clock, "now", lambda: start + timedelta(seconds=wall))

    actions.review(office["kasi"], item, decision="approve")

    run = item.step_runs.get(action="review")
    assert (run.duration_seconds, run.business_seconds) == (wall, business)


def test_a_return_records_its_reason(office: Office, assignment_data: dict[str, Any]) -> None:
    item = walk_to(office, assignment_data, "review")
    actions.review(office["kasi"], item, decision="return", note="Foto buram", reason="foto")
    assert item.step_runs.get(action="review").return_reason.code == "foto"  # type: ignore[union-attr]
    actions.submit(office["operator1"], item, title="T", body="B")
    with pytest.raises(Invalid) as caught:
        actions.review(office["kasi"], item, decision="return", note="x", reason="zodiak")
    assert "reason" in caught.value.errors
    actions.review(office["kasi"], item, decision="return", note="Lain-lain")
    latest = item.step_runs.filter(action="review").order_by("-pk").first()
    assert latest is not None and latest.return_reason.code == "lainnya"  # type: ignore[union-attr]


def test_submit_refuses_content_a_target_channel_cannot_take(
    office: Office, assignment_data: dict[str, Any]
) -> None:
    data = {**assignment_data, "channels": ["website", "x", "instagram"]}
    item = walk_to(office, data, "submit")
    with pytest.raises(Invalid) as caught:
        actions.submit(office["operator1"], item, title="T", body="B", captions={"x": "kata " * 80})
    assert set(caught.value.errors) == {"captions.x", "captions.instagram"}
    assert "280" in caught.value.errors["captions.x"]
    assert item.versions.count() == 0


def test_a_new_version_keeps_the_previous_images_unless_told_not_to(
    office: Office, assignment_data: dict[str, Any], png_bytes: bytes
) -> None:
    item = walk_to(office, assignment_data, "submit")
    photo = ImageUpload(SimpleUploadedFile("foto.png", png_bytes, "image/png"), "Gubernur")
    first = actions.submit(office["operator1"], item, title="T", body="B", images=[photo])
    actions.review(office["kasi"], item, decision="return", note="Judul kurang jelas")
    second = actions.submit(office["operator1"], item, title="Judul jelas", body="B")
    assert list(second.images.all()) == list(first.images.all())
    assert second.is_intact() and second.sha256 != first.sha256
    actions.review(office["kasi"], item, decision="return", note="Tanpa foto")
    third = actions.submit(office["operator1"], item, title="T", body="B", keep_images=False)
    assert third.images.count() == 0


def test_a_coordinate_that_is_not_a_number_is_refused(
    office: Office, assignment_data: dict[str, Any]
) -> None:
    for bad in ("NaN", "Infinity", "utara"):
        with pytest.raises(Invalid) as caught:
            actions.assign(office["kabid"], Assignment(**{**assignment_data, "latitude": bad}))
        assert "location.lat" in caught.value.errors
    assert Item.objects.count() == 0
