"""Renditions are made by the worker's job, ahead of their use, one heavy job at a time per
machine: the lock holds across processes, a job that finds it taken is scheduled again."""

from __future__ import annotations

import io
import subprocess
import sys
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from huey.contrib.djhuey import HUEY

from accounts.models import User
from images import jobs, renditions, tasks, worklock
from images.privacy import ImageSettings
from images.tests.helpers import flat_png, opened, photo
from newsroom import actions
from newsroom.actions import ImageUpload
from newsroom.models import Attachment
from newsroom.tests.helpers import walk_to

pytestmark = pytest.mark.django_db

# Another process (a second worker) takes the machine's image lock and keeps it until told.
HOLDER = """
import fcntl, sys
with open(sys.argv[1], "a+b") as handle:
    fcntl.flock(handle, fcntl.LOCK_EX)
    print("held", flush=True)
    sys.stdin.readline()
"""


def _submitted(
    office: dict[str, User], assignment_data: dict[str, Any], size: tuple[int, int] = (1600, 1200)
) -> Attachment:
    item = walk_to(office, assignment_data, "submit")
    upload = ImageUpload(SimpleUploadedFile("foto.jpg", photo(*size), "image/jpeg"), "F")
    version = actions.submit(office["operator1"], item, title="T", body="B", images=[upload])
    return version.images.get()


def test_submitting_a_version_queues_its_renditions_for_the_worker(
    office: dict[str, User],
    assignment_data: dict[str, Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    item = walk_to(office, assignment_data, "submit")
    upload = ImageUpload(SimpleUploadedFile("foto.jpg", photo(1600, 1200), "image/jpeg"), "F")
    with django_capture_on_commit_callbacks() as after_commit:
        version = actions.submit(office["operator1"], item, title="T", body="B", images=[upload])
    image = version.images.get()
    assert not renditions.ready(image)

    for callback in after_commit:  # committed: the job is queued (and runs: Huey is immediate)
        callback()

    image.refresh_from_db()
    assert renditions.ready(image)
    assert renditions.make_all(image) == []  # every rendition is there already


def test_the_image_lock_holds_across_processes_and_a_busy_job_is_scheduled_again(
    office: dict[str, User], assignment_data: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    image = _submitted(office, assignment_data)
    monkeypatch.setattr(jobs, "JOB_LOCK_WAIT_SECONDS", 0.3)
    worklock.lock_path().parent.mkdir(parents=True, exist_ok=True)
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(worklock.lock_path())],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdin is not None and holder.stdout is not None
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(worklock.Busy), worklock.one_at_a_time(wait=0.3):
            pytest.fail("two processes held the image lock at once")

        tasks.make_renditions([image.pk])

        image.refresh_from_db()
        assert not renditions.ready(image)  # nothing decoded while the other process works
        again = [t for t in HUEY.scheduled() if t.name.endswith("make_renditions")]
        assert [t.args for t in again] == [([image.pk],)]
    finally:
        holder.stdin.write("done\n")
        holder.stdin.close()
        holder.wait(timeout=10)
        for task in HUEY.scheduled():
            if task.name.endswith("make_renditions"):
                HUEY.revoke(task)

    tasks.make_renditions([image.pk])  # the scheduled run, once the lock is free
    image.refresh_from_db()
    assert renditions.ready(image)


def test_verifying_queues_renditions_that_are_missing(
    office: dict[str, User],
    assignment_data: dict[str, Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    image = _submitted(office, assignment_data)  # its job was lost (never committed here)
    item = image.item
    actions.review(office["kasi"], item, decision="approve", forward=True)
    assert not renditions.ready(image)
    with django_capture_on_commit_callbacks(execute=True):
        actions.verify(office["kabid"], item, decision="approve")
    image.refresh_from_db()
    assert renditions.ready(image)


def test_a_staff_preview_says_the_photo_is_being_prepared_until_the_job_ran(
    office: dict[str, User], assignment_data: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    image = _submitted(office, assignment_data)  # its job was lost (never committed here)
    queued: list[list[int]] = []
    monkeypatch.setattr(tasks, "make_renditions", queued.append)
    kasi = Client()
    kasi.force_login(office["kasi"])
    page = kasi.get(reverse("item", args=[image.item.code])).content.decode()
    assert "Foto sedang disiapkan" in page
    assert image.file.url not in page  # never the original, which may be 200 MP
    assert queued == [[image.pk]]  # looking at it queued it again

    monkeypatch.undo()
    tasks.make_renditions(queued[0])

    page = kasi.get(reverse("item", args=[image.item.code])).content.decode()
    assert "Foto sedang disiapkan" not in page
    shown = [r for r in renditions.web_renditions(image) if r.content_type == "image/jpeg"]
    assert f'src="{min(shown, key=lambda r: abs(r.width - 800)).url}"' in page


def test_the_command_queues_the_missing_renditions_of_posted_images(
    office: dict[str, User], assignment_data: dict[str, Any]
) -> None:
    image = _submitted(office, assignment_data)
    item = image.item
    actions.review(office["kasi"], item, decision="approve", forward=True)
    actions.verify(office["kabid"], item, decision="approve")
    actions.handover(office["kasi"], item)
    actions.post(office["operator1"], item)
    Attachment.objects.filter(pk=image.pk).update(renditions_made="")  # as before the upgrade
    draft = _submitted(office, assignment_data, (1200, 900))  # not posted: left alone
    out = io.StringIO()

    call_command("make_renditions", stdout=out)

    assert out.getvalue().strip() == "1 images queued for their renditions"
    image.refresh_from_db()
    draft.refresh_from_db()
    assert renditions.ready(image) and not renditions.ready(draft)


def test_a_blurred_copy_of_a_huge_photo_is_made_at_most_4096_pixels_wide(
    office: dict[str, User], assignment_data: dict[str, Any]
) -> None:
    item = walk_to(office, assignment_data, "submit")
    upload = ImageUpload(
        SimpleUploadedFile("anak.png", flat_png(9000, 3000), "image/png"),
        "Anak",
        ImageSettings(minors=True, blur_boxes=((0.1, 0.1, 0.3, 0.5),)),
    )
    version = actions.submit(office["operator1"], item, title="T", body="B", images=[upload])
    posted = version.images.get()
    assert posted.blurred_from is not None
    assert (posted.blurred_from.width, posted.blurred_from.height) == (9000, 3000)
    assert (posted.width, posted.height) == (4096, 1366)  # 3000 * 4096 / 9000, rounded up
    with posted.file.open("rb") as fh:
        assert opened(fh.read()).size == (4096, 1366)
