"""Every change to a news item goes through these functions: the UI, the API, WhatsApp replies
and management commands call them and none of them changes a model directly.

Each action runs in one transaction: it locks the item, checks that the user is the person the
SOP names for this act and that the item is at that act, finishes the open StepRun, opens the
next one (following the SOP definition the item runs under), bumps the item's revision with a
conditional update and appends to the audit log. Input problems raise ``Invalid`` before
anything is written.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.db import transaction
from django.db.models import F
from django.utils.text import slugify
from django.utils.translation import gettext as _

from accounts.delegation import acts_for, principals_of
from accounts.models import Role, User
from channels import outbox, registry
from channels import validation as channel_validation
from channels.models import Publication
from images import decode, jobs, privacy
from images.privacy import ImageSettings
from lib import clock
from lib.business_time import business_seconds
from lib.canonical import sha256_of
from newsroom import audit
from newsroom.content import ActiveContent, clean_body
from newsroom.errors import Conflict, Invalid, NotAllowed
from newsroom.models import (
    Attachment,
    Category,
    Comment,
    Item,
    ReturnReason,
    StepRun,
    Tag,
    Version,
    image_record,
    new_code,
)
from newsroom.regions import LAMPUNG_REGIONS
from newsroom.uploads import CheckedFile, UploadRejected, check_document, check_image
from sop.definition import Step, Task
from sop.models import SopVersion, office_calendar

TITLE_MAX = 200
TEXT_MAX = 200
NOTE_MAX = 4000
BODY_MAX = 100_000
CAPTION_MAX = 5000
# How far in the past a form may say it was opened (step 1 is timed from that moment).
FORM_OPEN_MAX = timedelta(hours=12)
SCHEDULE_MAX = timedelta(days=30)
# How long posting waits for the worker to finish the photos' renditions (usually done long
# before: they are made when the version is submitted).
RENDITIONS_WAIT_SECONDS = 15.0
TAGS_MAX = 10
TAG_MAX = 60


# --- input ------------------------------------------------------------------------------------


@dataclass
class Assignment:
    """What the Kabid fills in to assign an item (step 1)."""

    title: str
    kasi: str
    activity_name: str
    activity_starts_at: datetime | None
    activity_organizer: str
    location_name: str
    region_code: str
    latitude: Decimal | float | None = None
    longitude: Decimal | float | None = None
    channels: list[str] = field(default_factory=lambda: ["website"])
    deadline: datetime | None = None
    attachments: list[UploadedFile] = field(default_factory=list)
    started_at: datetime | None = None  # when the Kabid opened the form, if known
    category: str = ""  # slug of a Category (the admin's list); "" for none
    tags: list[str] = field(default_factory=list)  # topic names; new ones are created


@dataclass
class ImageUpload:
    file: UploadedFile
    alt_text: str = ""
    settings: ImageSettings = field(default_factory=ImageSettings)


def _required_text(errors: dict[str, str], name: str, value: str, limit: int = TEXT_MAX) -> str:
    value = (value or "").strip()
    if not value:
        errors[name] = _("This field is required.")
    elif len(value) > limit:
        errors[name] = _("At most %(limit)d characters (now %(count)d).") % {
            "limit": limit,
            "count": len(value),
        }
    return value


def _channels(errors: dict[str, str], name: str, channels: list[str]) -> list[str]:
    known = registry.kinds()
    unknown = [c for c in channels if c not in known]
    if unknown:
        errors[name] = _("Unknown channel(s): %(unknown)s. Available: %(known)s.") % {
            "unknown": ", ".join(unknown),
            "known": ", ".join(known),
        }
    elif not channels:
        errors[name] = _("Choose at least one channel.")
    return list(dict.fromkeys(channels))


def _user_with_role(errors: dict[str, str], name: str, username: str, role: Role) -> User | None:
    user = User.objects.filter(username=(username or "").strip(), is_active=True).first()
    if user is None or user.role != role:
        errors[name] = _("There is no active %(role)s with the username “%(username)s”.") % {
            "role": role.label,
            "username": username,
        }
        return None
    return user


def _coordinate(errors: dict[str, str], name: str, value: Any, bound: int) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value))
        if not number.is_finite():
            raise ArithmeticError(value)
        number = number.quantize(Decimal("0.000001"))
    except ArithmeticError:
        errors[name] = _("Enter a number.")
        return None
    if not -bound <= number <= bound:
        errors[name] = _("Must lie between -%(bound)d and %(bound)d.") % {"bound": bound}
        return None
    return number


def _checked_files(
    errors: dict[str, str], name: str, uploads: list[UploadedFile], check: Any
) -> list[CheckedFile]:
    checked = []
    for upload in uploads:
        try:
            checked.append(check(upload))
        except UploadRejected as exc:
            errors[name] = str(exc)
    return checked


def _unique_slug(title: str) -> str:
    base = slugify(title)[:200].strip("-") or "berita"
    return f"{base}-{new_code()[:6]}"


# --- the engine -------------------------------------------------------------------------------


def _sop_task(item: Item, action: str) -> tuple[Step, Task]:
    return item.sop_version.sop.task_for(action)


def _locked(item: Item) -> Item:
    """The item re-read under a row lock (PostgreSQL waits here for a concurrent action).

    Only the item's row (``of=("self",)``): a plain FOR UPDATE would also lock the joined
    SopVersion row, which every item shares, so every action would queue behind every other and
    deadlock with the deferred foreign-key checks of a commit that created an item.
    """
    return (
        Item.objects.select_for_update(of=("self",)).select_related("sop_version").get(pk=item.pk)
    )


def _check_actor(item: Item, user: User, action: str) -> None:
    """The person the SOP names for this act on this item, or their acting official."""
    _step, task = _sop_task(item, action)
    person = item.person_for(task.actor)
    if person is None or not acts_for(user, person):
        raise NotAllowed(
            _("Only %(who)s may do this on this item.")
            % {"who": person.display_name if person else item.sop_version.sop.role(task.actor).name}
        )


def _open_run_for(item: Item, action: str) -> StepRun:
    run = item.open_run()
    if run is None or run.action != action:
        raise Conflict(_not_at_step_message(item, run, action))
    return run


def _not_at_step_message(item: Item, run: StepRun | None, action: str) -> str:
    if run is None:
        return _("This item has finished its procedure; “%(action)s” is no longer possible.") % {
            "action": action_label(action)
        }
    return _(
        "This item is not waiting for “%(action)s”: it is at step %(step)d (“%(current)s”, "
        "%(who)s). Someone may have acted on it a moment ago; reload the page."
    ) % {
        "action": action_label(action),
        "step": run.step,
        "current": action_label(run.action),
        "who": run.assignee.display_name,
    }


def _begin(item: Item, user: User, action: str) -> tuple[Item, StepRun]:
    """Lock the item and return it with its open run, if this user may do this action now."""
    item = _locked(item)
    _check_actor(item, user, action)
    return item, _open_run_for(item, action)


def _finish(
    run: StepRun,
    user: User,
    outcome: str,
    *,
    note: str = "",
    version: Version | None = None,
) -> StepRun:
    run.actor = user
    acting_for_assignee = run.assignee.pk != user.pk and outcome != StepRun.Outcome.REVISED
    run.on_behalf_of = run.assignee if acting_for_assignee else None
    run.finished_at = clock.now()
    run.duration_seconds = max(0, int((run.finished_at - run.started_at).total_seconds()))
    run.business_seconds = business_seconds(run.started_at, run.finished_at, office_calendar())
    run.outcome = outcome
    run.note = note
    if version is not None:
        run.version = version
        run.version_sha256 = version.sha256
    run.save()
    return run


def _open(item: Item, step: Step, task: Task, started_at: datetime) -> StepRun:
    assignee = item.person_for(task.actor)
    if assignee is None:
        raise Conflict(
            _("Nobody fills the role “%(role)s” on this item yet.") % {"role": task.actor}
        )
    return StepRun.objects.create(
        item=item,
        step=step.number,
        action=task.action,
        standard_minutes=step.standard_minutes,
        assignee=assignee,
        started_at=started_at,
    )


def _advance(item: Item, run: StepRun, outcome: str | None = None) -> StepRun | None:
    """Open the run that follows a finished one: the decision's branch or the next task."""
    sop = item.sop_version.sop
    step, task = sop.task_for(run.action)
    if task.is_decision:
        following: tuple[Step, Task] | None = sop.first_task_of(task.outcome(outcome or "").goto)
    else:
        following = sop.after(step, task)
    if following is None:
        return None
    assert run.finished_at is not None
    return _open(item, *following, started_at=run.finished_at)


def _commit_revision(item: Item) -> None:
    """Bump the revision only if nobody else did since we read it: exactly one racer wins."""
    updated = Item.objects.filter(pk=item.pk, revision=item.revision).update(
        revision=F("revision") + 1
    )
    if not updated:
        raise Conflict(_("Someone else acted on this item at the same moment; reload the page."))
    item.revision += 1


def _note(note: str, *, required: bool) -> str:
    note = (note or "").strip()
    if required and not note:
        raise Invalid({"note": _("Say what must be fixed: a note is required to return an item.")})
    if len(note) > NOTE_MAX:
        raise Invalid({"note": _("At most %(limit)d characters.") % {"limit": NOTE_MAX}})
    return note


def _decision(decision: str) -> str:
    if decision not in ("approve", "return"):
        raise Invalid({"decision": _("Choose “approve” or “return”.")})
    return decision


DEFAULT_RETURN_REASON = "lainnya"


def _return_reason(decision: str, code: str) -> ReturnReason | None:
    """The reason for a return (the admin's list; 'lainnya' when none is given)."""
    if decision != "return":
        return None
    if not (code or "").strip():
        reason, _created = ReturnReason.objects.get_or_create(
            code=DEFAULT_RETURN_REASON, defaults={"label": "Lainnya", "position": 99}
        )
        return reason
    found = ReturnReason.objects.filter(code=code.strip(), active=True).first()
    if found is None:
        codes = ", ".join(ReturnReason.objects.filter(active=True).values_list("code", flat=True))
        raise Invalid(
            {
                "reason": _("Unknown reason “%(code)s”. Choose one of: %(codes)s.")
                % {"code": code, "codes": codes}
            }
        )
    return found


def _current_version(item: Item) -> Version:
    version = item.latest_version()
    if version is None:
        raise Conflict(_("This item has no version yet."))
    return version


def _require_intact(version: Version, pinned_sha256: str = "") -> None:
    """Refuse content whose stored bytes no longer match the hash that was approved."""
    computed = version.computed_sha256()
    if computed != version.sha256 or (pinned_sha256 and computed != pinned_sha256):
        raise Conflict(
            _(
                "Version %(number)d has changed since it was approved (its content no longer "
                "matches its fingerprint). Nothing was posted; submit a new version."
            )
            % {"number": version.number}
        )


def action_label(action: str) -> str:
    labels = {
        "assign": _("Assignment"),
        "direct": _("Direction"),
        "submit": _("Production"),
        "review": _("Correction"),
        "forward": _("Submit for verification"),
        "verify": _("Verification"),
        "handover": _("Hand over to operator"),
        "post": _("Posting"),
    }
    return str(labels.get(action, action))


# --- the actions ------------------------------------------------------------------------------


def may_assign(user: User) -> bool:
    """A Kabid, or the acting official of one, may assign news items."""
    try:
        _assigning_kabid(user)
    except NotAllowed:
        return False
    return True


def _assigning_kabid(user: User) -> User:
    """The Kabid on whose authority ``user`` assigns: themself, or the one they stand in for."""
    if user.role == Role.KABID:
        return user
    for principal in principals_of(user):
        if principal.role == Role.KABID:
            return principal
    raise NotAllowed(_("Only a Kabid PLIP (or their acting official) may assign news items."))


def _category(errors: dict[str, str], name: str, slug: str) -> Category | None:
    """The portal rubric chosen by its slug ("" for none)."""
    slug = (slug or "").strip()
    if not slug:
        return None
    found = Category.objects.filter(slug=slug).first()
    if found is None:
        errors[name] = _("“%(slug)s” is not a category; choose one from the list.") % {"slug": slug}
    return found


def _tag_names(errors: dict[str, str], name: str, names: list[str]) -> list[str]:
    """Cleaned, de-duplicated topic names (at most TAGS_MAX, each at most TAG_MAX long)."""
    clean = list(dict.fromkeys(n.strip() for n in names or [] if n and n.strip()))
    if len(clean) > TAGS_MAX or any(len(n) > TAG_MAX or not slugify(n) for n in clean):
        errors[name] = _(
            "At most %(count)d topics, each of letters or digits and at most %(limit)d characters."
        ) % {"count": TAGS_MAX, "limit": TAG_MAX}
    return clean


def _tags(names: list[str]) -> list[Tag]:
    """The topics by name, created when new (matched by slug, so case does not matter)."""
    return [Tag.objects.get_or_create(slug=slugify(n)[:70], defaults={"name": n})[0] for n in names]


def assign(user: User, data: Assignment) -> Item:
    """Step 1: the Kabid (or their Plt/Plh) creates the item and assigns it to a Kasi."""
    kabid = _assigning_kabid(user)
    errors: dict[str, str] = {}
    title = _required_text(errors, "title", data.title, TITLE_MAX)
    kasi = _user_with_role(errors, "kasi", data.kasi, Role.KASI)
    activity_name = _required_text(errors, "activity.name", data.activity_name)
    organizer = _required_text(errors, "activity.organizer", data.activity_organizer)
    place = _required_text(errors, "location.name", data.location_name)
    if data.activity_starts_at is None:
        errors["activity.starts_at"] = _("This field is required.")
    if data.region_code not in LAMPUNG_REGIONS:
        errors["location.region_code"] = _(
            "“%(code)s” is not a regency/city code of Lampung (18.01–18.13, 18.71, 18.72)."
        ) % {"code": data.region_code}
    latitude = _coordinate(errors, "location.lat", data.latitude, 90)
    longitude = _coordinate(errors, "location.lon", data.longitude, 180)
    channels = _channels(errors, "channels", data.channels)
    files = _checked_files(errors, "attachments", data.attachments, check_document)
    category = _category(errors, "category", data.category)
    tag_names = _tag_names(errors, "tags", data.tags)
    if errors:
        raise Invalid(errors)
    assert kasi is not None and data.activity_starts_at is not None

    now = clock.now()
    started_at = now
    if data.started_at is not None and now - FORM_OPEN_MAX <= data.started_at <= now:
        started_at = data.started_at
    with transaction.atomic():
        item = Item.objects.create(
            slug=_unique_slug(title),
            title=title,
            activity_name=activity_name,
            activity_starts_at=data.activity_starts_at,
            activity_organizer=organizer,
            location_name=place,
            region_code=data.region_code,
            latitude=latitude,
            longitude=longitude,
            channels=channels,
            deadline=data.deadline,
            sop_version=SopVersion.objects.current(),
            assigned_by=kabid,
            kasi=kasi,
            category=category,
        )
        if tag_names:
            item.tags.set(_tags(tag_names))
        for checked in files:
            _store_attachment(item, user, checked, Attachment.Kind.DOCUMENT)
        step, task = _sop_task(item, "assign")
        run = _open(item, step, task, started_at=started_at)
        _finish(run, user, StepRun.Outcome.DONE)
        _advance(item, run)
        audit.append(user, "assign", item.code, title=title, kasi=data.kasi, channels=channels)
    return item


def _store_attachment(
    item: Item,
    user: User,
    checked: CheckedFile,
    kind: str,
    alt_text: str = "",
    settings: ImageSettings | None = None,
) -> Attachment:
    attachment = Attachment(
        item=item,
        kind=kind,
        original_name=checked.name[:255],
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        alt_text=alt_text,
        uploaded_by=user,
        width=checked.width,
        height=checked.height,
    )
    if kind == Attachment.Kind.IMAGE:
        privacy.apply(attachment, settings or ImageSettings())
    attachment.file.save(checked.name, checked.upload, save=False)
    attachment.save()
    return attachment


def _store_image(item: Item, user: User, checked: CheckedFile, upload: ImageUpload) -> Attachment:
    """The image to put in the version: the upload itself, or (with areas marked to blur) a
    blurred copy with its own sha256, the unblurred original kept private beside it."""
    alt_text = upload.alt_text.strip()
    original = _store_attachment(
        item, user, checked, Attachment.Kind.IMAGE, alt_text, upload.settings
    )
    if not upload.settings.blur_boxes:
        return original
    with decode.local_source(original.file) as source:
        data, content_type, width, height = privacy.blurred(source, upload.settings.blur_boxes)
    name = f"{checked.name.rsplit('.', 1)[0]}-blur.jpg"
    copy = CheckedFile(
        SimpleUploadedFile(name, data, content_type),
        name,
        content_type,
        len(data),
        hashlib.sha256(data).hexdigest(),
        width,
        height,
    )
    blurred = _store_attachment(item, user, copy, Attachment.Kind.IMAGE, alt_text, upload.settings)
    blurred.blurred_from = original
    blurred.save(update_fields=["blurred_from"])
    return blurred


def _image_errors(
    errors: dict[str, str],
    uploads: list[ImageUpload],
    kept: list[Attachment],
    kept_with: list[tuple[str, ImageSettings]],
) -> None:
    """Alt text for every image, and settings that can be applied. Keys: ``images.<n>`` for
    the n-th upload, ``images.kept.<id>`` for a kept image."""
    entries = [(f"images.{n}", u.alt_text, u.settings) for n, u in enumerate(uploads, start=1)]
    entries += [
        (f"images.kept.{a.pk}", alt, settings)
        for a, (alt, settings) in zip(kept, kept_with, strict=True)
    ]
    for number, (key, alt_text, settings) in enumerate(entries, start=1):
        messages = [] if alt_text.strip() else [
            _("Describe image %(number)d for people who cannot see it (alt text).")
            % {"number": number}
        ]  # fmt: skip
        messages += privacy.problems(settings)
        if messages:
            errors[key] = " ".join(messages)


def direct(user: User, item: Item, *, operator: str, direction: str) -> StepRun:
    """Step 2: the Kasi picks an operator and writes the direction."""
    errors: dict[str, str] = {}
    chosen = _user_with_role(errors, "operator", operator, Role.OPERATOR)
    direction = _required_text(errors, "direction", direction, NOTE_MAX)
    if errors:
        raise Invalid(errors)
    with transaction.atomic():
        item, run = _begin(item, user, "direct")
        item.operator = chosen
        item.direction = direction
        item.save(update_fields=["operator", "direction"])
        _finish(run, user, StepRun.Outcome.DONE, note=direction)
        _advance(item, run)
        _commit_revision(item)
        audit.append(user, "direct", item.code, operator=operator, direction=direction)
    return run


def submit(
    user: User,
    item: Item,
    *,
    title: str,
    body: str,
    captions: dict[str, str] | None = None,
    images: list[ImageUpload] | None = None,
    keep_images: bool = True,
    kept_settings: dict[int, tuple[str, ImageSettings]] | None = None,
) -> Version:
    """Step 3: the operator submits a new Version for the Kasi's correction.

    Also allowed after verification (at hand-over or posting): the new version then goes back
    to the Kasi's correction and must be verified again. With ``keep_images`` the previous
    version's images stay in the new version, after them the new uploads; ``kept_settings``
    gives new alt text and settings for some of them (by attachment id).
    """
    kept_settings = kept_settings or {}
    errors: dict[str, str] = {}
    title = _required_text(errors, "title", title, TITLE_MAX)
    clean = ""
    if not (body or "").strip():
        errors["body"] = _("This field is required.")
    elif len(body) > BODY_MAX:
        errors["body"] = _("At most %(limit)d characters.") % {"limit": BODY_MAX}
    else:
        try:
            clean = clean_body(body)
        except ActiveContent as exc:
            errors["body"] = _(
                "The body contains code that is not allowed in news (%(found)s). "
                "Remove it and send again."
            ) % {"found": exc}
    captions = _captions(errors, captions or {})
    uploads = images or []
    checked = _checked_files(errors, "images", [i.file for i in uploads], check_image)
    previous = item.latest_version()
    kept: list[Any] = list(previous.images.order_by("pk")) if previous and keep_images else []
    kept_with = [
        (kept_settings[a.pk] if a.pk in kept_settings else (a.alt_text, ImageSettings.of(a)))
        for a in kept
    ]
    _image_errors(errors, uploads, kept, kept_with)
    if not errors:
        # Each target channel's rules (X length, Instagram image...) now, not at posting time.
        draft = {"title": title, "body": clean, "captions": captions, "images": kept + uploads}
        for kind, sentences in channel_validation.problems(draft, item.channels).items():
            errors[f"captions.{kind}"] = " ".join(sentences)
    if errors:
        raise Invalid(errors)

    with transaction.atomic():
        item = _locked(item)
        _check_actor(item, user, "submit")
        run = item.open_run()
        if run is None or run.action not in ("submit", "handover", "post"):
            raise Conflict(_not_at_step_message(item, run, "submit"))
        if run.action == "post" and run.version_id is not None:
            raise Conflict(_("Posting has started; a new version can no longer replace it."))
        latest = item.latest_version()
        number = (latest.number if latest else 0) + 1
        version = Version(
            item=item, number=number, title=title, body=clean, captions=captions, author=user
        )
        kept = list(latest.images.order_by("pk")) if latest and keep_images else []
        stored = [_kept_image(item, user, a, kept_settings.get(a.pk)) for a in kept] + [
            _store_image(item, user, c, u) for c, u in zip(checked, uploads, strict=True)
        ]
        version.sha256 = sha256_of(
            version.canonical(
                [image_record(a) for a in sorted(stored, key=lambda a: (a.sha256, a.pk))]
            )
        )
        version.save()
        version.images.set(stored)
        jobs.queue_on_commit(stored)  # the worker makes the renditions (never a web request)
        if run.action == "submit":
            _finish(run, user, StepRun.Outcome.DONE, version=version)
            _advance(item, run)
        else:
            # A change after verification: back to the Kasi's correction (step 3).
            _finish(run, user, StepRun.Outcome.REVISED, version=version)
            review_step, review_task = _sop_task(item, "review")
            assert run.finished_at is not None
            _open(item, review_step, review_task, started_at=run.finished_at)
        _commit_revision(item)
        audit.append(user, "submit", item.code, version=number, sha256=version.sha256)
    return version


def _kept_image(
    item: Item, user: User, attachment: Attachment, change: tuple[str, ImageSettings] | None
) -> Attachment:
    """A previous version's image in the new version, with the operator's changes if any (a
    new row, or a blurred copy; the earlier version keeps what was verified)."""
    if change is None:
        return attachment
    alt_text, settings = change
    if not settings.blur_boxes:
        return privacy.with_settings(attachment, alt_text.strip(), settings)
    with attachment.file.open("rb") as fh:
        upload = SimpleUploadedFile(attachment.original_name, fh.read(), attachment.content_type)
    checked = CheckedFile(
        upload,
        attachment.original_name,
        attachment.content_type,
        attachment.size,
        attachment.sha256,
        attachment.width,
        attachment.height,
    )
    return _store_image(item, user, checked, ImageUpload(upload, alt_text, settings))


def _captions(errors: dict[str, str], captions: dict[str, str]) -> dict[str, str]:
    known = registry.kinds()
    clean: dict[str, str] = {}
    for kind, text in captions.items():
        if kind not in known:
            errors["captions"] = _("Unknown channel “%(kind)s”.") % {"kind": kind}
        elif not isinstance(text, str) or len(text) > CAPTION_MAX:
            errors["captions"] = _("A caption is text of at most %(limit)d characters.") % {
                "limit": CAPTION_MAX
            }
        elif text.strip():
            clean[kind] = re.sub(r"\r\n?", "\n", text.strip())
    return clean


def review(
    user: User,
    item: Item,
    *,
    decision: str,
    note: str = "",
    forward: bool = False,
    reason: str = "",
) -> StepRun:
    """Step 3, the Kasi's correction: approve (optionally forwarding at once) or return."""
    decision = _decision(decision)
    note = _note(note, required=decision == "return")
    return_reason = _return_reason(decision, reason)
    with transaction.atomic():
        item, run = _begin(item, user, "review")
        version = _current_version(item)
        _require_intact(version)
        run.return_reason = return_reason
        _finish(run, user, decision, note=note, version=version)
        following = _advance(item, run, decision)
        audit.append(user, "review", item.code, decision=decision, note=note, sha256=version.sha256)
        if decision == "approve" and forward and following is not None:
            _forward(item, following, user, "")
        _commit_revision(item)
    return run


def _forward(item: Item, run: StepRun, user: User, note: str) -> None:
    version = _current_version(item)
    _require_intact(version, _approved_sha256(item, "review"))
    _finish(run, user, StepRun.Outcome.DONE, note=note, version=version)
    _advance(item, run)
    audit.append(user, "forward", item.code, sha256=version.sha256)


def _approved_sha256(item: Item, action: str) -> str:
    """The hash the latest approval by ``action`` pinned ('' if none)."""
    run = (
        item.step_runs.filter(action=action, outcome=StepRun.Outcome.APPROVED)
        .order_by("-finished_at", "-pk")
        .first()
    )
    return run.version_sha256 if run else ""


def forward(user: User, item: Item, *, note: str = "") -> StepRun:
    """Step 4: the Kasi sends the corrected version to the Kabid for verification."""
    note = _note(note, required=False)
    with transaction.atomic():
        item, run = _begin(item, user, "forward")
        _forward(item, run, user, note)
        _commit_revision(item)
    return run


def _require_privacy_resolved(version: Version) -> None:
    """UU 27/2022: no verification while an image lacks a legal basis or a minor's protection
    (a Conflict: one plain sentence in the UI, the API and WhatsApp alike)."""
    found = [p for a in version.images.order_by("pk") for p in a.privacy_problems()]
    if found:
        raise Conflict(
            " ".join(
                [
                    _("This version cannot be verified yet."),
                    *found,
                    _("Return it to the operator to complete the image details."),
                ]
            )
        )


def verify(user: User, item: Item, *, decision: str, note: str = "", reason: str = "") -> StepRun:
    """Step 5: the Kabid approves (pinning the version's hash) or returns to the operator."""
    decision = _decision(decision)
    note = _note(note, required=decision == "return")
    return_reason = _return_reason(decision, reason)
    with transaction.atomic():
        item, run = _begin(item, user, "verify")
        version = _current_version(item)
        _require_intact(version, _approved_sha256(item, "review"))
        if decision == "approve":
            _require_privacy_resolved(version)
            jobs.queue_on_commit(version.images.all())
        run.return_reason = return_reason
        _finish(run, user, decision, note=note, version=version)
        _advance(item, run, decision)
        _commit_revision(item)
        audit.append(user, "verify", item.code, decision=decision, note=note, sha256=version.sha256)
    return run


def _publish_time(errors: dict[str, str], field: str, at: datetime | None) -> datetime | None:
    """A time to post at: in the future and at most ``SCHEDULE_MAX`` ahead (None: at once)."""
    if at is None:
        return None
    now = clock.now()
    if at <= now:
        errors[field] = _("Choose a time in the future.")
    elif at > now + SCHEDULE_MAX:
        errors[field] = _("At most %(days)d days ahead.") % {"days": SCHEDULE_MAX.days}
    return at


def handover(user: User, item: Item, *, note: str = "", at: datetime | None = None) -> StepRun:
    """Step 6: the Kasi hands the verified version to the operator for posting.

    ``at``: when it is to be posted (the operator's step 7 schedules it for then).
    """
    note = _note(note, required=False)
    errors: dict[str, str] = {}
    at = _publish_time(errors, "at", at)
    if errors:
        raise Invalid(errors)
    with transaction.atomic():
        item, run = _begin(item, user, "handover")
        version = verified_version(item)
        _finish(run, user, StepRun.Outcome.DONE, note=note, version=version)
        _advance(item, run)
        item.scheduled_at = at
        item.save(update_fields=["scheduled_at"])
        _commit_revision(item)
        audit.append(
            user, "handover", item.code, sha256=version.sha256,
            scheduled_at=at.isoformat() if at else None,
        )  # fmt: skip
    return run


def verified_version(item: Item) -> Version:
    """The version the Kabid verified, if it is still the current one and unchanged."""
    run = (
        item.step_runs.filter(action="verify", outcome=StepRun.Outcome.APPROVED)
        .select_related("version")
        .order_by("-finished_at", "-pk")
        .first()
    )
    current = item.latest_version()
    if run is None or run.version is None or current is None or run.version.pk != current.pk:
        raise Conflict(_("There is no verified version of this item to post."))
    _require_intact(run.version, run.version_sha256)
    return run.version


def post(
    user: User, item: Item, *, channels: list[str] | None = None, at: datetime | None = None
) -> list[Publication]:
    """Step 7: post exactly the verified version to the chosen channels (default: the item's).

    The step finishes when every channel has a permalink; local channels (the website) are
    published at once, the others by the outbox worker. With ``at`` (else the time chosen at
    hand-over, if still ahead) every channel waits until then.
    """
    errors: dict[str, str] = {}
    chosen = _channels(errors, "channels", channels if channels is not None else item.channels)
    # A correction goes to every channel an older version is on, so none stays up silently.
    chosen = outbox.with_online_channels(item, chosen)
    if at is not None:
        at = _publish_time(errors, "at", at)
    elif item.scheduled_at is not None and item.scheduled_at > clock.now():
        at = item.scheduled_at
    if errors:
        raise Invalid(errors)
    _await_renditions(item, user)
    with transaction.atomic():
        item, run = _begin(item, user, "post")
        version = verified_version(item)
        _require_renditions(version)
        refused = {
            f"channels.{kind}": " ".join(str(s) for s in found)
            for kind in chosen
            if (found := registry.connector(kind).validate(version))
        }
        if refused:
            raise Invalid(refused)
        publications = outbox.create_publications(version, chosen, at=at)
        run.actor = user
        run.version, run.version_sha256 = version, version.sha256
        run.save(update_fields=["actor", "version", "version_sha256"])
        audit.append(
            user, "post", item.code, sha256=version.sha256, channels=chosen,
            scheduled_at=at.isoformat() if at else None,
        )  # fmt: skip
        finish_post_when_published(item)
        _commit_revision(item)
    return publications


def _await_renditions(item: Item, user: User) -> None:
    """Before posting (outside the transaction): the photos of the verified version have all
    their renditions, so the portal never shows an article whose pictures are still being
    made. Whatever is missing is queued and awaited for a moment; ``_require_renditions``
    then refuses if the worker has not finished."""
    _check_actor(Item.objects.select_related("sop_version").get(pk=item.pk), user, "post")
    try:
        version = verified_version(item)
    except Conflict:
        return  # the transaction refuses with the reason
    jobs.wait_until_ready(version.images.all(), RENDITIONS_WAIT_SECONDS)


def _require_renditions(version: Version) -> None:
    """Refuse to post (nothing changes) while a photo of the version lacks its renditions."""
    if jobs.pending(version.images.all()):
        raise Conflict(
            _(
                "The photos of this version are still being prepared for the website and social "
                "media. Try posting again in a minute."
            )
        )


def finish_post_when_published(item: Item) -> StepRun | None:
    """Close the posting step once every publication of the posted version has a permalink.

    Must run in the transaction that recorded a publication as posted. Workers posting the same
    item's channels at the same moment take turns on the open run's row lock, so the last one
    sees every other row posted and closes the step (without the lock each could still see the
    other's row as sending, and nobody would close it).
    """
    run = item.step_runs.select_for_update().filter(action="post", finished_at__isnull=True).first()
    if run is None or run.version is None:
        return None
    publications = list(Publication.objects.filter(version=run.version))
    if not publications or any(p.state != Publication.State.POSTED for p in publications):
        return None
    links = "\n".join(p.permalink for p in publications)
    actor = run.actor or run.assignee
    _finish(run, actor, StepRun.Outcome.POSTED, note=links, version=run.version)
    audit.append(actor, "posted", item.code, links=[p.permalink for p in publications])
    return run


def end_post_by_retraction(user: User, item: Item, reason: str) -> StepRun | None:
    """Retracting an item while step 7 is open ends that step with the outcome "retracted".

    Step 7's goal (every chosen channel posted) can no longer be reached, and a run left open
    would keep the item on the operator's task list with its timer running. The run is finished
    by the person who retracted, on their own authority (not on behalf of the operator); it keeps
    the version being posted. Called by ``channels.actions.retract_item`` inside its
    transaction, with ``item`` locked; returns the closed run (None if step 7 was not open).
    """
    run = item.step_runs.select_for_update().filter(action="post", finished_at__isnull=True).first()
    if run is None:
        return None
    _finish(run, user, StepRun.Outcome.RETRACTED, note=reason, version=run.version)
    run.on_behalf_of = None
    run.save(update_fields=["on_behalf_of"])
    if item.scheduled_at is not None:
        item.scheduled_at = None  # nothing is to be posted at that time any more
        item.save(update_fields=["scheduled_at"])
    _commit_revision(item)
    return run


def may_reopen(user: User, item: Item) -> bool:
    """The item's Kabid or Kasi (or their acting official) may reopen it for a correction."""
    heads = [p for p in (item.assigned_by, item.kasi) if p is not None]
    return user.is_active and any(acts_for(user, head) for head in heads)


def reopen(user: User, item: Item, *, note: str) -> StepRun:
    """A correction after posting: the item goes back to its operator's draft (step 3).

    The SOP ends at posting; a published item that needs correcting runs steps 3 to 7 again, so
    the corrected version is reviewed, verified and handed over like the first, and only that
    exact version can be posted. When it is posted, the website shows it with a correction
    notice. The note (what must be corrected) is required and goes to the operator.
    """
    note = _note(note, required=True)
    with transaction.atomic():
        item = _locked(item)
        if not may_reopen(user, item):
            raise NotAllowed(_("Only the item's Kabid or Kasi may reopen it for a correction."))
        if item.open_run() is not None:
            raise Conflict(
                _("This item is still in its procedure: correct it at the step it is at.")
            )
        if not Publication.objects.filter(item=item, state=Publication.State.POSTED).exists():
            raise Conflict(_("Only a posted item can be reopened for a correction."))
        step, task = _sop_task(item, "submit")
        run = _open(item, step, task, started_at=clock.now())
        run.note = note
        run.save(update_fields=["note"])
        item.scheduled_at = None
        item.save(update_fields=["scheduled_at"])
        audit.append(user, "reopen", item.code, note=note)
        _commit_revision(item)
    return run


def comment(user: User, item: Item, *, body: str) -> Comment:
    """Anyone working on the item may comment on it."""
    people = [p for p in (item.assigned_by, item.kasi, item.operator) if p is not None]
    if not any(acts_for(user, person) for person in people):
        raise NotAllowed(_("Only the people working on this item may comment on it."))
    errors: dict[str, str] = {}
    body = _required_text(errors, "body", body, NOTE_MAX)
    if errors:
        raise Invalid(errors)
    with transaction.atomic():
        created = Comment.objects.create(item=item, author=user, body=body)
        audit.append(user, "comment", item.code, comment=created.pk)
    return created
