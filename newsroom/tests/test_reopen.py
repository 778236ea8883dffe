"""A posted item reopened for a correction runs steps 3 to 7 again; the website then shows the
corrected version with a notice."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from accounts.testing import issue_api_token
from newsroom import actions
from newsroom.errors import Conflict, Invalid, NotAllowed
from newsroom.models import AuditEntry, Item
from newsroom.tests.helpers import runs, walk_to

pytestmark = pytest.mark.django_db


@pytest.fixture
def posted(office: dict[str, User], assignment_data: dict[str, Any]) -> Item:
    return walk_to(office, {**assignment_data, "channels": ["website"]}, "done")


def _correct_and_post(office: dict[str, User], item: Item, title: str) -> None:
    kabid, kasi, op = office["kabid"], office["kasi"], office["operator1"]
    actions.submit(op, item, title=title, body="<p>Isi yang sudah dikoreksi.</p>")
    actions.review(kasi, item, decision="approve")
    actions.forward(kasi, item)
    actions.verify(kabid, item, decision="approve")
    actions.handover(kasi, item)
    actions.post(op, item)


def test_a_reopened_item_is_corrected_through_the_sop_and_the_website_shows_the_correction(
    office: dict[str, User], posted: Item, client: Client
) -> None:
    first_pass = runs(posted)
    steps_3_to_7 = first_pass[[action for _s, action, _o in first_pass].index("submit") :]
    run = actions.reopen(office["kasi"], posted, note="Nama kecamatan salah.")

    assert (run.action, run.assignee) == ("submit", office["operator1"])
    assert AuditEntry.objects.filter(action="reopen", item_code=posted.code).count() == 1
    _correct_and_post(office, posted, "Judul yang benar")

    assert runs(posted) == first_pass + steps_3_to_7
    assert steps_3_to_7[-1] == (7, "post", "posted")
    page = client.get(reverse("portal:article", args=[posted.slug]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Judul yang benar" in text and "Isi yang sudah dikoreksi." in text
    assert "dikoreksi pada" in text  # the correction notice, in Indonesian


def test_only_the_heads_may_reopen_a_finished_posted_item_with_a_note(
    office: dict[str, User], posted: Item, assignment_data: dict[str, Any]
) -> None:
    with pytest.raises(NotAllowed):
        actions.reopen(office["operator1"], posted, note="Salah ketik.")
    with pytest.raises(Invalid):
        actions.reopen(office["kabid"], posted, note="  ")
    waiting = walk_to(office, assignment_data, "verify")
    with pytest.raises(Conflict):
        actions.reopen(office["kabid"], waiting, note="Belum diposting.")
    actions.reopen(office["kabid"], posted, note="Foto keliru.")
    with pytest.raises(Conflict):  # already reopened: it is in its procedure again
        actions.reopen(office["kasi"], posted, note="Sekali lagi.")
    assert AuditEntry.objects.filter(action="reopen").count() == 1


def test_the_item_page_offers_the_correction_to_the_heads_and_the_operator_sees_the_note(
    office: dict[str, User], posted: Item, client: Client
) -> None:
    page = reverse("item", args=[posted.code])
    client.force_login(office["operator1"])
    assert "koreksi" not in client.get(page).content.decode()
    assert client.post(reverse("item_reopen", args=[posted.code]), {"note": "x"}).status_code == 403

    client.force_login(office["kasi"])
    assert reverse("item_reopen", args=[posted.code]) in client.get(page).content.decode()
    empty = client.post(reverse("item_reopen", args=[posted.code]), {"note": ""})
    assert empty.status_code == 400
    done = client.post(reverse("item_reopen", args=[posted.code]), {"note": "Tanggal salah."})
    assert done.status_code == 302

    client.force_login(office["operator1"])
    assert "Tanggal salah." in client.get(page).content.decode()


def test_reopen_over_the_api(office: dict[str, User], posted: Item, client: Client) -> None:
    token = issue_api_token(client, "kabid")
    url = f"/api/v1/items/{posted.code}/actions/reopen"
    headers = {"Authorization": f"Bearer {token}"}

    missing = client.post(url, {}, content_type="application/json", headers=headers)
    done = client.post(url, {"note": "Ralat jabatan."}, content_type="application/json",
                       headers=headers)  # fmt: skip
    again = client.post(url, {"note": "Lagi."}, content_type="application/json", headers=headers)

    assert missing.status_code == 400
    assert done.status_code == 200
    assert (done.json()["step"], done.json()["action"]) == (3, "submit")
    assert again.status_code == 409
