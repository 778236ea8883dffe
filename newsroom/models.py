"""One news item is one run of the SOP: versions, timed steps, comments and the audit log."""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lib.canonical import chain_hash, sha256_of
from newsroom.regions import REGION_CHOICES
from sop.models import SopVersion


def new_code() -> str:
    """An opaque, URL-safe identifier for items (no sequential ids in URLs)."""
    return secrets.token_hex(6)


class ItemQuerySet(models.QuerySet["Item"]):
    def with_current(self) -> ItemQuerySet:
        """Annotate each item with its open StepRun: step, action, assignee and since when."""
        open_run = StepRun.objects.filter(item=OuterRef("pk"), finished_at__isnull=True)
        return self.annotate(
            current_step=Subquery(open_run.values("step")[:1]),
            current_action=Subquery(open_run.values("action")[:1]),
            current_assignee_id=Subquery(open_run.values("assignee")[:1]),
            current_since=Subquery(open_run.values("started_at")[:1]),
        )

    def involving(self, user: Any) -> ItemQuerySet:
        return self.filter(Q(assigned_by=user) | Q(kasi=user) | Q(operator=user))


class Category(models.Model):
    """A rubric of the public portal (e.g. Pemerintahan, Ekonomi), managed in the admin."""

    name = models.CharField(_("name"), max_length=80, unique=True)
    slug = models.SlugField(max_length=90, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self) -> str:
        return self.name


class Tag(models.Model):
    """A free keyword of an item, listed on the portal."""

    name = models.CharField(_("name"), max_length=60, unique=True)
    slug = models.SlugField(max_length=70, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("tag")

    def __str__(self) -> str:
        return self.name


class Item(models.Model):
    code = models.CharField(max_length=12, unique=True, default=new_code, editable=False)
    slug = models.SlugField(max_length=220, unique=True)
    title = models.CharField(_("title / topic"), max_length=200)
    activity_name = models.CharField(_("activity"), max_length=200)
    activity_starts_at = models.DateTimeField(_("activity starts at"))
    activity_organizer = models.CharField(_("organiser"), max_length=200)
    location_name = models.CharField(_("place"), max_length=200)
    region_code = models.CharField(_("regency/city"), max_length=5, choices=REGION_CHOICES)
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    channels = models.JSONField(_("target channels"), default=list)
    deadline = models.DateTimeField(_("deadline"), null=True, blank=True)
    # When step 7 is to post it, chosen at hand-over (None: as soon as the operator posts).
    scheduled_at = models.DateTimeField(_("publish at"), null=True, blank=True)
    direction = models.TextField(_("direction"), blank=True)
    category = models.ForeignKey(
        Category,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="items",
        verbose_name=_("category"),
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="items", verbose_name=_("tags"))
    sop_version = models.ForeignKey(SopVersion, on_delete=models.PROTECT, related_name="items")
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="items_assigned"
    )
    kasi = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="items_as_kasi"
    )
    operator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="items_as_operator",
        null=True,
        blank=True,
    )
    # Bumped by every action with a conditional update: of two simultaneous actions on one
    # item exactly one can commit, on every database.
    revision = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ItemQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("news item")

    def __str__(self) -> str:
        return self.title

    def person_for(self, role: str) -> Any:
        """The user who plays an SOP role on this item (None before the role is filled)."""
        return {"kabid": self.assigned_by, "kasi": self.kasi, "operator": self.operator}[role]

    @property
    def region_name(self) -> str:
        return self.get_region_code_display()

    def open_run(self) -> StepRun | None:
        return self.step_runs.filter(finished_at__isnull=True).first()

    def latest_version(self) -> Version | None:
        return self.versions.order_by("-number").first()


class LegalBasis(models.TextChoices):
    """Legal bases for processing personal data, UU 27/2022 article 20."""

    CONSENT = "consent", _("explicit consent of the people shown")
    PUBLIC_TASK = "public_task", _("public-interest task or official duty")
    LEGAL_OBLIGATION = "legal_obligation", _("legal obligation")
    VITAL_INTEREST = "vital_interest", _("vital interests of the people shown")
    CONTRACT = "contract", _("contract with the people shown")
    LEGITIMATE_INTEREST = "legitimate_interest", _("legitimate interest")


# The extension a stored file gets from its detected type (never from the client's file name).
STORED_EXTENSIONS = {
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/webp": "webp",
    "image/heif": "heic",
    "application/pdf": "pdf",
}


def stored_name(instance: Attachment, filename: str) -> str:
    """Where an upload is stored: a random name with the extension of the type read from its
    content. The name the client sent is kept only as data (``original_name``)."""
    extension = STORED_EXTENSIONS.get(instance.content_type, "bin")
    return f"items/{timezone.localtime():%Y/%m}/{secrets.token_hex(16)}.{extension}"


class Attachment(models.Model):
    """A file brought to an item: a document at assignment, or an image of a version.

    An image row that belongs to a submitted Version is never changed: a new focal point or
    privacy record on such an image makes a new row (``images.privacy.editable_copy``)."""

    class Kind(models.TextChoices):
        DOCUMENT = "document", _("document")
        IMAGE = "image", _("image")

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="attachments")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    file = models.FileField(upload_to=stored_name)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    alt_text = models.CharField(max_length=300, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    created_at = models.DateTimeField(auto_now_add=True)
    # Images only. Size as displayed (EXIF orientation applied), read when uploaded.
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    # Where crops are centred, as fractions of the width and height (0..1; centre by default).
    focal_x = models.FloatField(default=0.5)
    focal_y = models.FloatField(default=0.5)
    # Names the renditions: derived from the content hash and the focal point (images.renditions).
    rendition_key = models.CharField(max_length=32, blank=True, db_index=True)
    # images.renditions.signature() once the worker has stored every rendition ("" before).
    renditions_made = models.CharField(max_length=48, blank=True)
    # Privacy (UU 27/2022): identifiable people need a legal basis; minors need a parent's
    # consent or blurred faces. An unresolved flag stops verification.
    identifiable_people = models.BooleanField(_("identifiable people"), default=False)
    legal_basis = models.CharField(
        _("legal basis"), max_length=30, choices=LegalBasis.choices, blank=True
    )
    minors = models.BooleanField(_("minors"), default=False)
    parent_consent_by = models.CharField(_("parent's consent given by"), max_length=200, blank=True)
    parent_consent_on = models.DateField(_("consent date"), null=True, blank=True)
    parent_consent_note = models.CharField(_("consent note"), max_length=500, blank=True)
    # A blurred copy points to the private original it was made from (never posted).
    blurred_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="blurred_copies"
    )

    def __str__(self) -> str:
        return self.original_name

    @property
    def faces_blurred(self) -> bool:
        return self.blurred_from_id is not None

    def privacy_problems(self) -> list[str]:
        """Sentences naming what is missing before this image may be verified (empty: fine)."""
        problems = []
        name = self.alt_text or self.original_name
        if self.identifiable_people and not self.legal_basis:
            problems.append(
                str(_("Image “%(name)s” shows identifiable people: choose the legal basis."))
                % {"name": name}
            )
        consent = bool(self.parent_consent_by and self.parent_consent_on)
        if self.minors and not consent and not self.faces_blurred:
            problems.append(
                str(
                    _(
                        "Image “%(name)s” shows minors: record a parent's consent (who and when) "
                        "or blur their faces."
                    )
                )
                % {"name": name}
            )
        return problems

    def privacy_record(self) -> dict[str, Any]:
        """What the verifier approves about this image besides its bytes (part of the hash)."""
        return {
            "focal": [round(self.focal_x, 4), round(self.focal_y, 4)],
            "identifiable_people": self.identifiable_people,
            "legal_basis": self.legal_basis,
            "minors": self.minors,
            "parent_consent": [
                self.parent_consent_by,
                self.parent_consent_on.isoformat() if self.parent_consent_on else "",
                self.parent_consent_note,
            ],
        }


DEFAULT_IMAGE_RECORD = {
    "focal": [0.5, 0.5],
    "identifiable_people": False,
    "legal_basis": "",
    "minors": False,
    "parent_consent": ["", "", ""],
}


def image_record(attachment: Attachment) -> dict[str, Any]:
    """An image as part of a version's content (see ``Version.image_hashes``)."""
    record: dict[str, Any] = {"sha256": attachment.sha256, "alt": attachment.alt_text}
    extra = attachment.privacy_record()
    if extra != DEFAULT_IMAGE_RECORD:
        record["posting"] = extra
    return record


class ImmutableError(Exception):
    """A Version is a snapshot: it is never changed after it is written."""


class Version(models.Model):
    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    body = models.TextField(help_text="Sanitised HTML.")
    captions = models.JSONField(default=dict, help_text="Per-channel caption text.")
    images = models.ManyToManyField(Attachment, blank=True, related_name="versions")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    created_at = models.DateTimeField(auto_now_add=True)
    sha256 = models.CharField(max_length=64)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["item", "number"], name="version_number_per_item")
        ]
        ordering = ["item", "number"]

    def __str__(self) -> str:
        return f"{self.item} v{self.number}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ImmutableError(f"Version {self.pk} is immutable")
        super().save(*args, **kwargs)

    def canonical(self, image_hashes: list[dict[str, Any]]) -> dict[str, Any]:
        return {
            "title": self.title,
            "body": self.body,
            "captions": self.captions,
            "images": image_hashes,
        }

    def image_hashes(self) -> list[dict[str, Any]]:
        """Per image: its bytes, alt text and, when set, what decides how it is posted (focal
        point, privacy record), so a verified version's renditions cannot change unnoticed.
        Images with the defaults hash as before, so older versions stay intact."""
        return [image_record(a) for a in self.images.order_by("sha256", "pk")]

    def computed_sha256(self) -> str:
        """The hash of the content as stored now (compare with ``sha256`` to detect tampering)."""
        return sha256_of(self.canonical(self.image_hashes()))

    def is_intact(self) -> bool:
        return self.computed_sha256() == self.sha256


class StepRun(models.Model):
    """One timed act of the SOP: opened when the item reaches its actor, finished when they act."""

    class Outcome(models.TextChoices):
        DONE = "done", _("done")
        APPROVED = "approve", _("approved")
        RETURNED = "return", _("returned")
        REVISED = "revised", _("superseded by a new version")
        POSTED = "posted", _("posted")
        # Step 7 ended by retracting the item before every channel was posted.
        RETRACTED = "retracted", _("retracted")

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="step_runs")
    step = models.PositiveSmallIntegerField()
    action = models.CharField(max_length=20)
    standard_minutes = models.PositiveIntegerField()
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    on_behalf_of = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, blank=True)
    note = models.TextField(blank=True)
    return_reason = models.ForeignKey(
        "ReturnReason", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    version = models.ForeignKey(Version, on_delete=models.PROTECT, null=True, blank=True)
    version_sha256 = models.CharField(max_length=64, blank=True)
    # Written when the run finishes, so reports aggregate in the database on every engine.
    duration_seconds = models.PositiveIntegerField(null=True, blank=True)
    business_seconds = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["started_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["item"],
                condition=Q(finished_at__isnull=True),
                name="one_open_step_run_per_item",
            )
        ]
        indexes = [models.Index(fields=["assignee", "finished_at"])]

    def __str__(self) -> str:
        return f"{self.item} step {self.step} {self.action}"

    @property
    def duration(self) -> timedelta | None:
        return self.finished_at - self.started_at if self.finished_at else None

    @property
    def standard(self) -> timedelta:
        return timedelta(minutes=self.standard_minutes)


class ReturnReason(models.Model):
    """Why a draft was returned (step 3 or 5); the admin edits the list."""

    code = models.SlugField(max_length=40, unique=True)
    label = models.CharField(_("label"), max_length=100)
    active = models.BooleanField(default=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("return reason")

    def __str__(self) -> str:
        return self.label


class Comment(models.Model):
    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    body = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.author}: {self.body[:40]}"


class AuditHead(models.Model):
    """The single row that serialises appends to the audit chain (locked for each append)."""

    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="0" * 64)

    def __str__(self) -> str:
        return f"audit head #{self.seq}"


class AuditEntry(models.Model):
    """Append-only record of every action; each entry's hash covers the previous entry's hash."""

    seq = models.PositiveBigIntegerField(unique=True)
    at = models.DateTimeField()
    actor_username = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=40)
    item_code = models.CharField(max_length=12, blank=True, db_index=True)
    data = models.JSONField(default=dict)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["seq"]
        verbose_name_plural = "audit entries"

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.item_code}"

    def record(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "at": self.at.isoformat(),
            "actor": self.actor_username,
            "action": self.action,
            "item": self.item_code,
            "data": self.data,
        }

    def computed_hash(self) -> str:
        return chain_hash(self.prev_hash, self.record())
