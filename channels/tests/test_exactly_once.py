"""The four ways a real platform broke "never posted twice, never shown posted when it is not",
reproduced on every remote channel they apply to (issue 11):

1. the post was made but its answer lost, and the next look-up failed (the platform was down);
2. other items with the same words (X and Facebook refuse duplicates);
3. a 2xx that is not the platform's answer (a web page, an empty object);
4. a correction, which must replace the version that is online.

Each ends with exactly one live post per publication on the fake platform, and no row
``posted`` without that post's id and link.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from accounts.models import ApiToken, User
from channels import actions, outbox
from channels.fakes import FakePlatforms
from channels.models import Publication
from channels.tests.helpers import correct, deliver_until_settled, post, ready_item
from channels.x.connector import XChannel
from newsroom import actions as newsroom_actions

pytestmark = pytest.mark.django_db

Office = dict[str, User]
REMOTE = ["wordpress", "facebook", "instagram", "x"]
# The request that makes the post (WordPress: publishing the draft; Instagram: the container).
MAKES_POST = {
    "wordpress": "/posts/",
    "facebook": "/feed",
    "instagram": "/media_publish",
    "x": "/2/tweets",
}
SHOWN = {"facebook": "message", "instagram": "caption", "x": "text", "wordpress": "title"}


def _ready(office: Office, data: dict[str, Any], kind: str, **kwargs: Any) -> Any:
    images = 1 if kind == "instagram" else 0  # Instagram posts need a photo
    return ready_item(office, data, [kind], images=images, **kwargs)


def _only_live_post(fake: FakePlatforms, kind: str, row: Publication) -> dict[str, Any]:
    live = fake.live(kind)
    assert len(live) == 1, live
    assert (row.state, row.external_id) == ("posted", str(live[0]["id"]))
    assert row.permalink.startswith(("http://", "https://"))
    return live[0]


@pytest.mark.parametrize("kind", REMOTE)
def test_a_failed_look_up_keeps_the_outcome_unknown_and_nothing_is_posted_twice(
    kind: str, office: Office, assignment_data: dict[str, Any], fake: FakePlatforms,
    accounts: Any, django_capture_on_commit_callbacks: Any,
) -> None:  # fmt: skip
    fake.inject("drop", kind, path_contains=MAKES_POST[kind])  # made, then the answer is lost
    item = _ready(office, assignment_data, kind, title="Jembatan 120 m")
    [row] = post(office, item, django_capture_on_commit_callbacks)
    assert row.state == "unknown" and row.external_id == ""
    fake.settle()
    fake.go_down()  # and it stays down for the next attempt
    sent = len(fake.received)
    row = outbox.deliver(row.pk, now=row.next_attempt_at)
    assert row is not None and row.state == "unknown", row.last_error
    assert "could not check whether the post exists" in row.last_error
    assert len(fake.received) == sent  # nothing reached it, nothing was sent afterwards
    fake.come_back()
    row = deliver_until_settled(row)
    _only_live_post(fake, kind, row)
    # What Warta recorded is what is online: retracting it leaves nothing public.
    with django_capture_on_commit_callbacks(execute=True):
        actions.retract_item(office["kabid"], item, "personal_data")
    row.refresh_from_db()
    if kind == "instagram":  # its API cannot delete: a person does, with the link
        assert row.manual_takedown and row.online and len(fake.live(kind)) == 1
    else:
        assert fake.live(kind) == [] and row.state == "retracted"


@pytest.mark.parametrize(("kind", "refusals_lost"), [("x", False), ("x", True),
                                                     ("facebook", False)])  # fmt: skip
def test_items_with_the_same_words_end_with_one_post_that_only_its_own_item_claims(
    kind: str, refusals_lost: bool, office: Office, assignment_data: dict[str, Any],
    fake: FakePlatforms, accounts: Any, django_capture_on_commit_callbacks: Any,
) -> None:  # fmt: skip
    # The first item's post is made but its answer lost; with ``refusals_lost`` the other
    # items' duplicate refusals are lost too (Facebook's timestamps are whole seconds: two
    # uncertain attempts in one second cannot be told apart there, and stay for a person).
    fake.inject("drop", kind, path_contains=MAKES_POST[kind], times=3 if refusals_lost else 1)
    items = [
        ready_item(office, assignment_data, [kind], title=f"Uji {n}", captions={kind: "uji"})
        for n in range(3)
    ]
    first_attempts = [post(office, item, django_capture_on_commit_callbacks)[0] for item in items]
    # The later items are settled first, while the first item's outcome is still unknown.
    rows = [deliver_until_settled(row) for row in reversed(first_attempts)][::-1]
    live = fake.live(kind)
    assert [p[SHOWN[kind]] for p in live] == ["uji"]
    assert [r.state for r in rows] == ["posted", "failed", "failed"]
    assert rows[0].external_id == str(live[0]["id"])
    for row in rows[1:]:
        assert row.external_id == ""
        assert "duplicate" in row.last_error or "same text" in row.last_error


def test_x_says_in_indonesian_that_it_refused_the_same_text(
    office: Office, assignment_data: dict[str, Any], fake: FakePlatforms, accounts: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:  # fmt: skip
    first = ready_item(office, assignment_data, ["x"], title="Satu", captions={"x": "Pengumuman"})
    second = ready_item(office, assignment_data, ["x"], title="Dua", captions={"x": "Pengumuman"})
    with translation.override("id"):
        post(office, first, django_capture_on_commit_callbacks)
        [row] = post(office, second, django_capture_on_commit_callbacks)
    assert row.state == "failed"
    assert "X menolak teks yang sama dengan unggahan sebelumnya: ubah teksnya" in row.last_error
    assert len(fake.live("x")) == 1


@pytest.mark.parametrize("answer", ["html", "empty"])
@pytest.mark.parametrize("kind", REMOTE)
def test_a_2xx_that_is_not_the_platforms_answer_is_never_posted(
    kind: str, answer: str, office: Office, assignment_data: dict[str, Any],
    fake: FakePlatforms, accounts: Any, django_capture_on_commit_callbacks: Any,
) -> None:  # fmt: skip
    fake.inject(answer, kind, path_contains=MAKES_POST[kind])
    item = _ready(office, assignment_data, kind, title="Pasar Murah")
    [row] = post(office, item, django_capture_on_commit_callbacks)
    assert (row.state, row.external_id, row.permalink) == ("unknown", "", "")
    what = "a web page" if answer == "html" else "an answer without"
    assert what in row.last_error and "does not count it as done" in row.last_error
    assert fake.live(kind) == []
    row = deliver_until_settled(row)
    _only_live_post(fake, kind, row)


def test_wordpress_on_plain_permalinks_is_found_at_its_advertised_api_root(
    office: Office, assignment_data: dict[str, Any], fake: FakePlatforms, accounts: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:  # fmt: skip
    account = accounts["wordpress"]
    account.config = {**account.config, "api_root": f"{fake.url}/wp-json/"}  # found earlier
    account.save()
    fake.wp_permalinks = "plain"  # then the site switched to "Plain" permalinks
    item = ready_item(office, assignment_data, ["wordpress"], title="Harga Cabai", images=1)
    posted_to_old_root = httpx.post(f"{fake.url}/wp-json/wp/v2/posts", json={"title": "x"})
    assert posted_to_old_root.status_code == 200  # the front page, as a real site answers
    assert posted_to_old_root.headers["content-type"].startswith("text/html")
    [row] = post(office, item, django_capture_on_commit_callbacks)
    # The first call (a look-up of the draft) is redirected like a page: nothing is recorded
    # as posted, no row is left "sending", and the API is looked for again.
    assert (row.state, row.external_id) == ("retry", "")
    assert "redirect" in row.last_error
    row = deliver_until_settled(row)
    live = _only_live_post(fake, "wordpress", row)
    assert row.permalink == f"{fake.url}/?p={live['id']}"
    account.refresh_from_db()
    assert account.config["api_root"] == f"{fake.url}/index.php?rest_route=/"
    [photo] = [m for m in fake.uploads.values() if m.get("post") == live["id"]]
    assert live["featured_media"] and not photo.get("deleted")


def test_a_connector_that_raises_leaves_the_row_unknown_not_sending(
    office: Office, assignment_data: dict[str, Any], fake: FakePlatforms, accounts: Any,
    django_capture_on_commit_callbacks: Any, monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    item = ready_item(office, assignment_data, ["x"], title="Rapat")
    real_publish = XChannel.publish

    def publish_then_break(self: XChannel, publication: Publication) -> Any:
        real_publish(self, publication)  # the post is made...
        raise KeyError("id")  # ...and a bug stops the worker before it is recorded

    monkeypatch.setattr(XChannel, "publish", publish_then_break)
    with django_capture_on_commit_callbacks(execute=False):
        [row] = newsroom_actions.post(office["operator1"], item)
    with pytest.raises(KeyError):  # raised again, for the worker's log
        outbox.deliver(row.pk)
    row.refresh_from_db()
    assert (row.state, row.lease_until) == ("unknown", None)
    assert "internal error" in row.last_error
    monkeypatch.setattr(XChannel, "publish", real_publish)
    row = deliver_until_settled(row)
    _only_live_post(fake, "x", row)


@pytest.mark.parametrize("kind", REMOTE)
def test_a_correction_replaces_the_version_online_and_shows_which_is_live(
    kind: str, office: Office, assignment_data: dict[str, Any], fake: FakePlatforms,
    accounts: Any, django_capture_on_commit_callbacks: Any,
) -> None:  # fmt: skip
    item = _ready(office, assignment_data, kind, title="Jembatan 120 m")
    [old] = post(office, item, django_capture_on_commit_callbacks)
    first = _only_live_post(fake, kind, old)
    [new] = correct(office, item, django_capture_on_commit_callbacks, title="Jembatan 125 m")
    old.refresh_from_db()
    assert new.state == "posted" and new.replaces_id == old.pk
    assert new.online and new.version.number == 2
    live = fake.live(kind)
    if kind == "instagram":
        # Its API cannot delete: the new post is up, the old one is a task for a person.
        assert len(live) == 2 and str(live[-1]["id"]) == new.external_id
        assert old.online and old.manual_takedown and old.retract_reason == "correction"
        assert "delete it by hand" in old.last_error and old.permalink
        return
    [online] = live
    assert str(online["id"]) == new.external_id and not old.online
    words = online[SHOWN[kind]]
    assert "125 m" in words and "120 m" not in words
    if kind in ("wordpress", "facebook"):  # updated in place: same post, same link
        assert (new.external_id, new.permalink) == (old.external_id, old.permalink)
        assert online["id"] == first["id"] and old.state == "posted"
    else:  # deleted, then posted anew
        assert old.state == "retracted" and new.external_id != old.external_id


def test_the_item_page_and_the_api_show_which_version_is_online_per_channel(
    office: Office, assignment_data: dict[str, Any], fake: FakePlatforms, accounts: Any,
    client: Client, django_capture_on_commit_callbacks: Any,
) -> None:  # fmt: skip
    kinds = ["website", "wordpress", "instagram", "x"]
    item = ready_item(office, assignment_data, kinds, title="Jembatan 120 m", images=1)
    old = {p.channel: p for p in post(office, item, django_capture_on_commit_callbacks)}
    new = {p.channel: p for p in correct(office, item, django_capture_on_commit_callbacks,
                                         title="Jembatan 125 m")}  # fmt: skip
    assert {k: p.state for k, p in new.items()} == dict.fromkeys(kinds, "posted")
    token = ApiToken.objects.issue(office["kabid"])
    detail = client.get(
        f"/api/v1/items/{item.code}",
        headers={"Authorization": f"Bearer {token}", "Accept-Language": "en"},
    ).json()
    online = {(o["channel"], o["version"]): o for o in detail["online"]}
    assert sorted(online) == [
        ("instagram", 1), ("instagram", 2), ("website", 2), ("wordpress", 2), ("x", 2),
    ]  # fmt: skip
    assert online[("instagram", 1)]["takedown"] == "manual"
    assert not online[("instagram", 1)]["current"] and online[("instagram", 2)]["current"]
    assert online[("x", 2)]["permalink"] == new["x"].permalink
    rows = {(p["channel"], p["version"]): p for p in detail["publications"]}
    assert rows[("wordpress", 1)]["online"] is False and rows[("wordpress", 1)]["superseded_at"]
    assert rows[("x", 1)]["state"] == "retracted" and rows[("x", 1)]["online"] is False
    client.force_login(office["operator1"])
    page = client.get(reverse("item", args=[item.code]), headers={"Accept-Language": "en"})
    html = page.content.decode()
    online_list = html[html.index('id="online"') : html.index("</div>", html.index('id="online"'))]
    assert "version 2" in online_list and old["instagram"].permalink in online_list
    assert "still online: take it down by hand" in online_list
    assert old["x"].permalink not in online_list  # deleted at X: not shown as online


def test_a_correction_with_other_photos_replaces_the_photos_too(
    office: Office, assignment_data: dict[str, Any], fake: FakePlatforms, accounts: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:  # fmt: skip
    item = ready_item(office, assignment_data, ["wordpress", "facebook"], title="Pasar", images=1)
    old = {p.channel: p for p in post(office, item, django_capture_on_commit_callbacks)}
    [old_photo] = [k for k, m in fake.uploads.items() if k.startswith("wp:")]
    corrected = correct(
        office, item, django_capture_on_commit_callbacks, title="Pasar Murah", images=1,
        keep_images=False,
    )  # fmt: skip
    new = {p.channel: p for p in corrected}
    # WordPress: the same post, the new photo attached to it, the old photo deleted.
    [wp] = fake.live("wordpress")
    assert str(wp["id"]) == new["wordpress"].external_id == old["wordpress"].external_id
    assert fake.uploads[old_photo].get("deleted")
    [new_photo] = [
        m for k, m in fake.uploads.items() if k.startswith("wp:") and not m.get("deleted")
    ]
    assert new_photo["post"] == wp["id"] and new_photo["alt_text"] == "Foto koreksi 0"
    assert wp["featured_media"] != int(old_photo[3:])
    # Facebook cannot change a post's photos: the old post is deleted, the new one posted.
    [fb] = fake.live("facebook")
    assert fb["id"] == new["facebook"].external_id != old["facebook"].external_id
    assert fb["message"].startswith("Pasar Murah")


def test_a_bad_answer_is_told_in_indonesian_on_the_item_page_and_over_the_api(
    office: Office, assignment_data: dict[str, Any], fake: FakePlatforms, accounts: Any,
    client: Client, django_capture_on_commit_callbacks: Any,
) -> None:  # fmt: skip
    fake.inject("html", "facebook", path_contains="/feed")
    item = ready_item(office, assignment_data, ["facebook"], title="Pasar Murah")
    with translation.override("id"):  # the worker speaks the office's language
        [row] = post(office, item, django_capture_on_commit_callbacks)
    sentence = "Facebook menjawab dengan halaman web (HTTP 200), bukan jawaban API-nya"
    assert sentence in row.last_error and row.state == "unknown"
    client.force_login(office["operator1"])
    page = client.get(reverse("item", args=[item.code]), headers={"Accept-Language": "id"})
    assert sentence in page.content.decode()
    token = ApiToken.objects.issue(office["operator1"])
    detail = client.get(f"/api/v1/items/{item.code}", headers={"Authorization": f"Bearer {token}"})
    [publication] = detail.json()["publications"]
    assert sentence in publication["last_error"] and publication["online"] is False
    assert deliver_until_settled(row).state == "posted" and len(fake.live("facebook")) == 1
