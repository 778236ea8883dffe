"""The staff UI through the Django test client: sign-in, my tasks, every act through its form,
the errors a person sees, the language switch and the Content-Security-Policy."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core import signing
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from accounts.models import Delegation, User
from accounts.testing import answer_second_step
from channels.models import Publication
from lib import clock
from newsroom import actions, forms
from newsroom.actions import Assignment
from newsroom.content import clean_body
from newsroom.models import Attachment, Comment, Item, StepRun, Version
from newsroom.templatetags.warta import Timer
from newsroom.tests.helpers import walk_to

pytestmark = pytest.mark.django_db

Office = dict[str, User]


@pytest.fixture(autouse=True)
def _plain_static_and_tmp_media(settings: Any, tmp_path: Path) -> None:
    # Templates call {% static %}: without collectstatic there is no manifest to read.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.MEDIA_ROOT = tmp_path / "media"


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def form_data(data: dict[str, Any]) -> dict[str, Any]:
    """The assignment fixture as a browser would post it."""
    return {
        **data,
        "activity_starts_at": data["activity_starts_at"].strftime("%Y-%m-%dT%H:%M"),
    }


def open_action(item: Item) -> str | None:
    run = item.open_run()
    return run.action if run else None


def text(response: Any) -> str:
    return response.content.decode()


# --- signing in -------------------------------------------------------------------------------


def test_it_sends_anonymous_visitors_to_the_login_page(client: Client) -> None:
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_it_signs_in_and_lands_on_my_tasks(client: Client, office: Office) -> None:
    response = client.post(reverse("login"), {"username": "kasi", "password": "rahasia-123"})
    assert response.status_code == 302
    # A Kasi's second step: the code of the authenticator app (accounts/testing.py).
    assert response["Location"].startswith(reverse("mfa_authenticate"))
    response = answer_second_step(client)
    assert response is not None
    assert response["Location"] == reverse("tasks")
    assert "Tugas saya" in text(client.get("/"))


def test_it_refuses_a_wrong_password(client: Client, office: Office) -> None:
    response = client.post(reverse("login"), {"username": "kasi", "password": "salah"})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert "benar" in text(response)  # Django's Indonesian: "...nama pengguna dan sandi yang benar"


def test_it_locks_out_after_too_many_failures(
    client: Client, office: Office, settings: Any
) -> None:
    settings.LOGIN_ATTEMPTS_LIMIT = 3
    for _attempt in range(3):
        client.post(reverse("login"), {"username": "kasi", "password": "salah"})
    response = client.post(reverse("login"), {"username": "kasi", "password": "rahasia-123"})
    assert response.status_code == 429
    assert "Terlalu banyak percobaan masuk yang gagal" in text(response)
    assert "_auth_user_id" not in client.session


def test_it_signs_out_with_a_post_only(office: Office) -> None:
    client = client_for(office["kasi"])
    assert client.get(reverse("logout")).status_code == 405
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


# --- my tasks ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("minutes_ago", "css"),
    [(1, "timer-ok"), (4.5, "timer-warn"), (4.9, "timer-warn"), (6, "timer-late")],
)
def test_my_tasks_colour_the_time_against_the_standard(
    office: Office, assignment_data: dict[str, Any], minutes_ago: float, css: str
) -> None:
    item = walk_to(office, assignment_data, "direct")  # step 2: 5 minutes standard, the Kasi's
    StepRun.objects.filter(item=item, action="direct").update(
        started_at=clock.now() - timedelta(minutes=minutes_ago)
    )
    page = text(client_for(office["kasi"]).get(reverse("tasks")))
    assert item.title in page
    assert "Langkah 2: Arahan" in page
    assert f'class="timer {css}"' in page
    assert reverse("item", args=[item.code]) in page


@pytest.mark.parametrize(
    ("elapsed", "css"),
    [
        (0, "timer-ok"),
        (7.99, "timer-ok"),
        (8, "timer-warn"),
        (10, "timer-warn"),
        (10.01, "timer-late"),
    ],
)
def test_the_timer_turns_amber_at_80_and_red_past_100_percent(elapsed: float, css: str) -> None:
    timer = Timer(timedelta(minutes=elapsed), timedelta(minutes=10), running=True)
    assert timer.css == css


def test_my_tasks_show_only_what_waits_for_me(
    office: Office, assignment_data: dict[str, Any]
) -> None:
    item = walk_to(office, assignment_data, "direct")
    assert item.title not in text(client_for(office["operator1"]).get(reverse("tasks")))
    assert item.title not in text(client_for(office["kabid"]).get(reverse("tasks")))


def test_htmx_refreshes_only_the_step_timers(
    office: Office, assignment_data: dict[str, Any]
) -> None:
    item = walk_to(office, assignment_data, "direct")
    StepRun.objects.filter(item=item, action="direct").update(
        started_at=clock.now() - timedelta(minutes=6)
    )
    url = reverse("item", args=[item.code])
    client = client_for(office["kasi"])
    assert 'id="step-timer" hx-get="' + url in text(client.get(url))
    fragment = client.get(url, headers={"HX-Request": "true"})
    assert "HX-Request" in fragment["Vary"]
    html = text(fragment)
    assert html.count('class="timer timer-late"') == 1
    assert 'id="bar-timer" hx-swap-oob="true"' in html
    assert "<html" not in html
    other = text(client_for(office["kabid"]).get(url, headers={"HX-Request": "true"}))
    assert "timer-late" in other and "bar-timer" not in other  # no bar without an action


def test_only_a_kabid_sees_the_new_assignment_button(office: Office) -> None:
    assert reverse("assign") in text(client_for(office["kabid"]).get(reverse("tasks")))
    assert reverse("assign") not in text(client_for(office["kasi"]).get(reverse("tasks")))


# --- every act through its form ---------------------------------------------------------------


def test_each_act_through_its_form_walks_the_whole_sop(
    office: Office, assignment_data: dict[str, Any], png_bytes: bytes
) -> None:
    kabid, kasi, operator = (client_for(office[n]) for n in ("kabid", "kasi", "operator1"))

    response = kabid.post(reverse("assign"), form_data(assignment_data))
    assert response.status_code == 302
    item = Item.objects.get()
    assert response["Location"] == reverse("item", args=[item.code])
    assert open_action(item) == "direct"

    def act(client: Client, action: str, data: dict[str, Any]) -> None:
        response = client.post(reverse("item_action", args=[item.code, action]), data)
        assert response.status_code == 302, text(response)

    act(kasi, "direct", {"operator": "operator1", "direction": "Sudut: manfaat bagi warga."})
    assert open_action(item) == "submit"
    image = SimpleUploadedFile("jembatan.png", png_bytes, content_type="image/png")
    act(
        operator,
        "submit",
        {
            "title": "Jembatan Way Sekampung Diresmikan",
            "body": "Paragraf pertama.\n\nParagraf kedua.",
            "caption_website": "Jembatan baru.",
            "image_1": image,
            "alt_1": "Gubernur menggunting pita",
        },
    )
    version = Version.objects.get()
    assert version.images.get().alt_text == "Gubernur menggunting pita"
    assert version.captions == {"website": "Jembatan baru."}
    assert open_action(item) == "review"
    act(kasi, "review", {"decision": "approve_forward", "note": ""})
    assert open_action(item) == "verify"
    act(kabid, "verify", {"decision": "approve", "note": ""})
    assert open_action(item) == "handover"
    act(kasi, "handover", {"note": "Tayangkan pukul 10."})
    assert open_action(item) == "post"
    act(operator, "post", {"channels": ["website"]})
    assert open_action(item) is None
    assert Publication.objects.get().state == Publication.State.POSTED

    page = text(operator.get(reverse("item", args=[item.code])))
    assert "Selesai" in page
    assert reverse("portal:article", args=[item.slug]) in page
    public = Client().get(reverse("portal:article", args=[item.slug]))
    assert "Jembatan Way Sekampung Diresmikan" in text(public)


def test_the_kasi_may_approve_and_forward_in_two_taps(
    office: Office, assignment_data: dict[str, Any]
) -> None:
    item = walk_to(office, assignment_data, "review")
    kasi = client_for(office["kasi"])
    kasi.post(reverse("item_action", args=[item.code, "review"]), {"decision": "approve"})
    assert open_action(item) == "forward"
    kasi.post(reverse("item_action", args=[item.code, "forward"]), {"note": ""})
    assert open_action(item) == "verify"


def test_a_return_needs_a_note_and_goes_back_to_the_operator(
    office: Office, assignment_data: dict[str, Any]
) -> None:
    item = walk_to(office, assignment_data, "verify")
    kabid = client_for(office["kabid"])
    url = reverse("item_action", args=[item.code, "verify"])

    response = kabid.post(url, {"decision": "return", "note": ""})
    assert response.status_code == 400
    assert "catatan wajib diisi" in text(response)
    assert open_action(item) == "verify"

    response = kabid.post(url, {"decision": "return", "note": "Foto buram.", "reason": "nope"})
    assert response.status_code == 400
    assert "Alasan “nope” tidak dikenal" in text(response)
    assert open_action(item) == "verify"

    response = kabid.post(
        url, {"decision": "return", "note": "Perbaiki nama pejabat.", "reason": "akurasi-data"}
    )
    assert response.status_code == 302
    assert open_action(item) == "submit"
    assert item.step_runs.get(action="verify").return_reason.code == "akurasi-data"
    page = text(kabid.get(reverse("item", args=[item.code])))
    assert "Perbaiki nama pejabat." in page
    assert "Alasan: Akurasi data" in page


def test_the_operator_may_revise_after_verification(
    office: Office, assignment_data: dict[str, Any]
) -> None:
    item = walk_to(office, assignment_data, "handover")
    operator = client_for(office["operator1"])
    page = text(operator.get(reverse("item", args=[item.code])))
    assert 'id="form-submit"' in page
    assert 'id="form-handover"' not in page
    response = operator.post(
        reverse("item_action", args=[item.code, "submit"]),
        {"title": "Judul baru", "body": "Isi yang diperbaiki."},
    )
    assert response.status_code == 302
    assert open_action(item) == "review"
    assert item.versions.count() == 2


def test_the_operator_sees_why_a_draft_came_back_and_edits_it_as_text(
    office: Office, assignment_data: dict[str, Any]
) -> None:
    item = walk_to(office, assignment_data, "review")
    actions.review(
        office["kasi"], item, decision="return", note="Tambahkan kutipan.", reason="foto"
    )
    page = text(client_for(office["operator1"]).get(reverse("item", args=[item.code])))
    assert "Dikembalikan oleh Budi Kasi:" in page
    assert "Tambahkan kutipan." in page
    assert "Isi berita.</textarea>" in page  # the stored <p>Isi berita.</p>, as plain text


@pytest.mark.parametrize(
    "body",
    [
        "Satu.\n\nDua &amp; tiga\nbaris",
        "<p>Tebal <strong>sekali</strong></p>",
        "Tanda &lt;b&gt; dikutip",
        "&lt;script&gt; dalam teks",
    ],
)
def test_an_edited_body_is_stored_exactly_as_before(body: str) -> None:
    stored = clean_body(body)
    assert clean_body(forms.editable_body(stored)) == stored


def test_the_timeline_names_who_acted_on_whose_behalf(
    office: Office, assignment_data: dict[str, Any]
) -> None:
    item = walk_to(office, assignment_data, "submit")
    # A delegate (Plt/Plh) acting for the Kasi; delegation itself is not built yet.
    StepRun.objects.filter(item=item, action="direct").update(
        actor=office["admin"], on_behalf_of=office["kasi"]
    )
    page = text(client_for(office["kabid"]).get(reverse("item", args=[item.code])))
    assert "oleh Ani Admin a.n. Budi Kasi" in page
    assert "oleh Rina Kabid" in page  # step 1, acted by its own assignee


def test_an_acting_official_holds_the_heads_tasks_and_acts_for_them(
    office: Office, assignment_data: dict[str, Any]
) -> None:
    item = walk_to(office, assignment_data, "review")
    plh = User.objects.create_user("plh", password="rahasia-123", role="kasi", first_name="Eko")
    Delegation.objects.create(
        principal=office["kasi"],
        delegate=plh,
        starts_at=clock.now() - timedelta(hours=1),
        ends_at=clock.now() + timedelta(days=1),
        created_by=office["admin"],
    )
    client = client_for(plh)
    tasks = text(client.get(reverse("tasks")))
    assert item.title in tasks
    assert "Sebagai Plt/Plh a.n. Budi Kasi" in tasks
    assert 'id="form-review"' in text(client.get(reverse("item", args=[item.code])))
    response = client.post(
        reverse("item_action", args=[item.code, "review"]), {"decision": "approve_forward"}
    )
    assert response.status_code == 302
    page = text(client.get(reverse("item", args=[item.code])))
    assert "oleh Eko a.n. Budi Kasi" in page


def test_an_acting_official_of_the_kabid_may_assign(office: Office) -> None:
    plt = User.objects.create_user("plt", password="rahasia-123", role="kasi")
    Delegation.objects.create(
        principal=office["kabid"],
        delegate=plt,
        kind=Delegation.Kind.PLT,
        starts_at=clock.now() - timedelta(hours=1),
        ends_at=clock.now() + timedelta(days=1),
        created_by=office["admin"],
    )
    client = client_for(plt)
    assert client.get(reverse("assign")).status_code == 200
    assert reverse("assign") in text(client.get(reverse("tasks")))


def test_a_file_that_is_not_an_image_is_refused_with_the_reason(
    office: Office, assignment_data: dict[str, Any]
) -> None:
    item = walk_to(office, assignment_data, "submit")
    fake = SimpleUploadedFile("foto.png", b"not an image", content_type="image/png")
    response = client_for(office["operator1"]).post(
        reverse("item_action", args=[item.code, "submit"]),
        {"title": "Judul", "body": "Isi.", "image_1": fake, "alt_1": "Foto"},
    )
    assert response.status_code == 400
    assert "“foto.png” bukan gambar JPEG, PNG, atau WebP" in text(response)
    assert not Version.objects.exists()
    assert not Attachment.objects.exists()


def test_while_posting_is_under_way_nobody_can_act_and_the_channels_show(
    office: Office, assignment_data: dict[str, Any]
) -> None:
    item = walk_to(office, {**assignment_data, "channels": ["website", "x"]}, "post")
    operator = client_for(office["operator1"])
    response = operator.post(
        reverse("item_action", args=[item.code, "post"]), {"channels": ["website", "x"]}
    )
    assert response.status_code == 302
    # The website is posted at once; X waits for the worker (jobs run after commit).
    assert open_action(item) == "post"
    page = text(operator.get(reverse("item", args=[item.code])))
    assert 'id="form-post"' not in page and 'id="form-submit"' not in page
    assert "dalam antrean" in page and "terposting" in page
    assert "Posting sedang berjalan" in text(operator.get(reverse("tasks")))


def test_the_operator_retries_a_failed_post_or_records_its_link(
    office: Office, assignment_data: dict[str, Any]
) -> None:
    item = walk_to(office, {**assignment_data, "channels": ["website", "x"]}, "post")
    operator = client_for(office["operator1"])
    operator.post(reverse("item_action", args=[item.code, "post"]), {"channels": ["website", "x"]})
    x_post = Publication.objects.get(channel="x")
    Publication.objects.filter(pk=x_post.pk).update(
        state=Publication.State.FAILED, last_error="Token kedaluwarsa."
    )
    item_url = reverse("item", args=[item.code])
    retry = reverse("publication_retry", args=[item.code, x_post.pk])
    link = reverse("publication_link", args=[item.code, x_post.pk])
    page = text(operator.get(item_url))
    assert retry in page and link in page and "Token kedaluwarsa." in page
    kasi_page = text(client_for(office["kasi"]).get(item_url))
    assert retry not in kasi_page and link not in kasi_page

    assert client_for(office["kasi"]).post(retry).status_code == 403
    assert operator.post(retry).status_code == 302
    x_post.refresh_from_db()
    assert x_post.state == Publication.State.UNKNOWN  # reconciled before anything is sent again

    response = operator.post(link, {"url": "bukan alamat"})
    assert response.status_code == 400
    assert "Masukkan alamat web unggahan" in text(response)
    response = operator.post(link, {"url": "https://x.com/diskominfo/status/1"})
    assert response.status_code == 302
    x_post.refresh_from_db()
    assert x_post.state == Publication.State.POSTED
    assert open_action(item) is None  # every channel has its link: posting is done
    assert operator.post(retry).status_code == 409


def test_a_wrong_decision_is_a_400_not_a_500(
    office: Office, assignment_data: dict[str, Any]
) -> None:
    item = walk_to(office, assignment_data, "review")
    response = client_for(office["kasi"]).post(
        reverse("item_action", args=[item.code, "review"]), {"decision": "maybe"}
    )
    assert response.status_code == 400
    assert open_action(item) == "review"


def test_active_content_in_the_body_is_refused_with_the_reason(
    office: Office, assignment_data: dict[str, Any]
) -> None:
    item = walk_to(office, assignment_data, "submit")
    response = client_for(office["operator1"]).post(
        reverse("item_action", args=[item.code, "submit"]),
        {"title": "Judul", "body": "<p>Halo</p><script>alert(1)</script>"},
    )
    assert response.status_code == 400
    assert "&lt;script&gt;" in text(response)
    assert not Version.objects.exists()


# --- who may do what --------------------------------------------------------------------------


def test_a_user_sees_only_their_own_actions(
    office: Office, assignment_data: dict[str, Any]
) -> None:
    item = walk_to(office, assignment_data, "review")
    url = reverse("item", args=[item.code])
    kasi_page = text(client_for(office["kasi"]).get(url))
    assert 'id="form-review"' in kasi_page
    assert 'value="approve_forward"' in kasi_page
    for name in ("kabid", "operator1", "operator2"):
        page = text(client_for(office[name]).get(url))
        assert "/item/" + item.code + "/review/" not in page
        assert 'class="action-bar"' not in page


def test_acting_on_someone_elses_step_is_a_403_with_the_reason(
    office: Office, assignment_data: dict[str, Any]
) -> None:
    item = walk_to(office, assignment_data, "review")
    response = client_for(office["operator1"]).post(
        reverse("item_action", args=[item.code, "review"]), {"decision": "approve"}
    )
    assert response.status_code == 403
    assert "Hanya Budi Kasi yang boleh" in text(response)
    assert open_action(item) == "review"


def test_acting_on_a_step_that_has_passed_is_a_409_on_the_item_page(
    office: Office, assignment_data: dict[str, Any]
) -> None:
    item = walk_to(office, assignment_data, "submit")
    response = client_for(office["kasi"]).post(
        reverse("item_action", args=[item.code, "direct"]),
        {"operator": "operator2", "direction": "Lagi"},
    )
    assert response.status_code == 409
    page = text(response)
    assert "tidak sedang menunggu" in page
    assert item.title in page
    item.refresh_from_db()
    assert item.operator == office["operator1"]


def test_an_unknown_act_is_a_404_and_a_get_is_a_405(
    office: Office, assignment_data: dict[str, Any]
) -> None:
    item = walk_to(office, assignment_data, "direct")
    kasi = client_for(office["kasi"])
    assert kasi.post(reverse("item_action", args=[item.code, "publish"])).status_code == 404
    assert kasi.get(reverse("item_action", args=[item.code, "direct"])).status_code == 405
    assert kasi.get(reverse("item", args=["ffffffffffff"])).status_code == 404


def test_only_a_kabid_opens_the_assignment_form(office: Office) -> None:
    assert client_for(office["kabid"]).get(reverse("assign")).status_code == 200
    response = client_for(office["kasi"]).get(reverse("assign"))
    assert response.status_code == 403
    assert "Hanya Kabid PLIP" in text(response)


def test_comments_are_for_the_people_on_the_item(
    office: Office, assignment_data: dict[str, Any]
) -> None:
    item = walk_to(office, assignment_data, "submit")
    url = reverse("item_comment", args=[item.code])
    response = client_for(office["operator1"]).post(url, {"body": "Foto menyusul."})
    assert response.status_code == 302
    assert "Foto menyusul." in text(
        client_for(office["kasi"]).get(reverse("item", args=[item.code]))
    )
    response = client_for(office["operator2"]).post(url, {"body": "Saya juga."})
    assert response.status_code == 403
    assert Comment.objects.count() == 1


# --- the assignment form ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"title": "J" * 201}, "Paling banyak 200 karakter (sekarang 201)."),
        ({"region_code": "99.99"}, "“99.99” bukan kode kabupaten/kota di Lampung"),
        ({"kasi": "operator1"}, "Tidak ada Kasi PIP aktif dengan nama pengguna “operator1”."),
        ({"latitude": "abc"}, "Masukkan angka."),
        ({"latitude": "NaN"}, "Masukkan angka."),
        ({"longitude": "181"}, "Harus di antara -180 dan 180."),
        ({"activity_starts_at": "besok pagi"}, "Masukkan tanggal/waktu yang valid."),
        ({"channels": ["fax"]}, "Kanal tidak dikenal: fax."),
    ],
)
def test_bad_input_in_the_assignment_form_is_a_400_and_writes_nothing(
    office: Office, assignment_data: dict[str, Any], change: dict[str, str], message: str
) -> None:
    response = client_for(office["kabid"]).post(
        reverse("assign"), {**form_data(assignment_data), **change}
    )
    assert response.status_code == 400
    assert message in text(response)
    assert not Item.objects.exists()
    assert not StepRun.objects.exists()


def test_a_text_file_named_jpg_is_refused_as_an_attachment(
    office: Office, assignment_data: dict[str, Any]
) -> None:
    fake = SimpleUploadedFile("undangan.jpg", b"just some text\n", content_type="image/jpeg")
    response = client_for(office["kabid"]).post(
        reverse("assign"), {**form_data(assignment_data), "attachments": [fake]}
    )
    assert response.status_code == 400
    assert "“undangan.jpg” bukan PDF atau gambar" in text(response)
    assert not Item.objects.exists()
    assert not Attachment.objects.exists()


def test_the_assignment_keeps_real_attachments(
    office: Office, assignment_data: dict[str, Any], png_bytes: bytes
) -> None:
    files = [
        SimpleUploadedFile("foto.png", png_bytes, content_type="image/png"),
        SimpleUploadedFile("undangan.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf"),
    ]
    response = client_for(office["kabid"]).post(
        reverse("assign"), {**form_data(assignment_data), "attachments": files}
    )
    assert response.status_code == 302
    assert sorted(Attachment.objects.values_list("original_name", flat=True)) == [
        "foto.png",
        "undangan.pdf",
    ]


def test_step_one_is_timed_from_when_the_form_was_opened(
    office: Office, assignment_data: dict[str, Any]
) -> None:
    kabid = office["kabid"]
    opened = clock.now() - timedelta(minutes=3)
    stamp = signing.dumps({"u": kabid.pk, "at": opened.isoformat()}, salt=forms.OPENED_SALT)
    client_for(kabid).post(reverse("assign"), {**form_data(assignment_data), "opened": stamp})
    run = StepRun.objects.get(action="assign")
    assert run.started_at == opened
    assert run.duration is not None and run.duration >= timedelta(minutes=3)


def test_a_forged_or_borrowed_form_stamp_is_ignored(
    office: Office, assignment_data: dict[str, Any]
) -> None:
    opened = clock.now() - timedelta(minutes=3)
    someone_else = signing.dumps(
        {"u": office["kasi"].pk, "at": opened.isoformat()}, salt=forms.OPENED_SALT
    )
    for stamp in (someone_else, "forged:stamp"):
        client_for(office["kabid"]).post(
            reverse("assign"), {**form_data(assignment_data), "opened": stamp}
        )
    for run in StepRun.objects.filter(action="assign"):
        assert run.duration is not None and run.duration < timedelta(minutes=1)


def test_the_assignment_form_carries_a_signed_opening_time(office: Office) -> None:
    page = text(client_for(office["kabid"]).get(reverse("assign")))
    stamp = re.search(r'name="opened" value="([^"]+)"', page)
    assert stamp is not None
    assert forms.opened_at(stamp.group(1), office["kabid"]) is not None
    assert forms.opened_at(stamp.group(1), office["kasi"]) is None
    assert "Kabupaten Pesisir Barat" in page
    assert 'value="website"' in page


# --- the item list ----------------------------------------------------------------------------


def test_the_item_list_filters_by_step_region_and_person(
    office: Office, assignment_data: dict[str, Any]
) -> None:
    walk_to(office, assignment_data, "direct")
    other = actions.assign(
        office["kabid"],
        Assignment(**{**assignment_data, "title": "Festival Krakatau", "region_code": "18.71"}),
    )
    client = client_for(office["operator2"])
    url = reverse("items")
    everything = text(client.get(url))
    assert "Festival Krakatau" in everything and assignment_data["title"] in everything
    by_region = text(client.get(url, {"region": "18.71"}))
    assert "Festival Krakatau" in by_region and assignment_data["title"] not in by_region
    actions.direct(office["kasi"], other, operator="operator2", direction="Foto.")
    by_step = text(client.get(url, {"step": "3"}))
    assert "Festival Krakatau" in by_step and assignment_data["title"] not in by_step
    by_person = text(client.get(url, {"person": "operator2"}))
    assert "Festival Krakatau" in by_person and assignment_data["title"] not in by_person
    today = clock.today().isoformat()
    assert "Festival Krakatau" in text(client.get(url, {"date_from": today, "date_to": today}))


def test_a_bad_filter_is_a_400_with_the_message(office: Office) -> None:
    response = client_for(office["kasi"]).get(
        reverse("items"), {"date_from": "2026-02-01", "date_to": "2026-01-01"}
    )
    assert response.status_code == 400
    assert "sebelum awalnya" in text(response)
    assert client_for(office["kasi"]).get(reverse("items"), {"step": "x"}).status_code == 400


def test_the_item_list_takes_dates_written_yyyy_mm_dd_only(office: Office) -> None:
    client = client_for(office["kasi"])
    for value in ("0", "31/12/2026", "20261231", "0001-01-01"):
        response = client.get(reverse("items"), {"date_to": value})
        assert response.status_code == 400, value
        assert "harus berupa tanggal" in text(response), value
    assert client.get(reverse("items"), {"date_to": "2026-12-31"}).status_code == 200


# --- language, security headers and markup ----------------------------------------------------


def test_indonesian_by_default_and_english_on_request(office: Office) -> None:
    client = client_for(office["kasi"])
    assert "Tugas saya" in text(client.get(reverse("tasks")))
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    page = text(client.get(reverse("tasks")))
    assert "My tasks" in page
    assert '<html lang="en">' in page


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
STYLE_ATTRIBUTE = re.compile(r"\sstyle\s*=", re.IGNORECASE)


def test_pages_keep_to_the_content_security_policy(
    office: Office, assignment_data: dict[str, Any]
) -> None:
    item = walk_to(office, assignment_data, "review")
    kasi = client_for(office["kasi"])
    pages = [
        Client().get(reverse("login")),
        kasi.get(reverse("tasks")),
        kasi.get(reverse("items")),
        kasi.get(reverse("item", args=[item.code])),
        client_for(office["kabid"]).get(reverse("assign")),
        kasi.post(reverse("item_action", args=[item.code, "review"]), {"decision": "return"}),
        client_for(office["operator1"]).post(
            reverse("item_action", args=[item.code, "review"]), {"decision": "approve"}
        ),
        Client().get("/berita/no-such-article/"),
    ]
    assert [r.status_code for r in pages] == [200, 200, 200, 200, 200, 400, 403, 404]
    for response in pages:
        csp = response["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "style-src 'self'" in csp
        html = text(response)
        assert not INLINE_SCRIPT.search(html), response.request["PATH_INFO"]
        assert not STYLE_ATTRIBUTE.search(html), response.request["PATH_INFO"]
        assert "<style" not in html
