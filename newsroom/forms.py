"""Forms of the staff UI: they parse what a browser sends; the action layer decides what is valid.

Fields that the action layer checks (lengths, known usernames, regions, channels, file types) are
not validated twice here: the forms only turn text into dates and files, so that every rule and
its message lives in ``newsroom/actions.py``. Limits still reach the browser as ``maxlength``.
"""

from __future__ import annotations

import html
import re
from datetime import datetime
from typing import Any

from django import forms
from django.core import signing
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from accounts.choices import staff_choices
from accounts.models import Role, User
from channels import registry
from images import forms as image_forms
from images.privacy import ImageSettings
from lib import clock
from lib.dates import IsoDateField
from newsroom import actions
from newsroom.content import ActiveContent, clean_body
from newsroom.errors import Invalid
from newsroom.models import Category, Item, ReturnReason
from newsroom.regions import REGION_CHOICES

OPENED_SALT = "warta.assign.opened"
IMAGE_SLOTS = 3
IMAGE_ACCEPT = "image/jpeg,image/png,image/webp,image/heic,image/heif"
DOCUMENT_ACCEPT = "application/pdf,image/jpeg,image/png,image/webp"


# --- widgets and fields -----------------------------------------------------------------------


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%dT%H:%M")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files from one ``<input type=file multiple>``; always a list."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        single_clean = super().clean
        files = data if isinstance(data, list | tuple) else [data] if data else []
        return [single_clean(f, initial) for f in files]


class PassThroughMultipleChoiceField(forms.MultipleChoiceField):
    """Checkboxes whose values the action layer checks (so its message is the one shown)."""

    def valid_value(self, value: str) -> bool:
        return True


class StyledForm(forms.Form):
    """Adds Bootstrap classes to the widgets and maps the action layer's error keys to fields."""

    # The action layer's error key -> this form's field name, where they differ.
    error_fields: dict[str, str] = {}

    def __init__(self, *args: Any, item: Item | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.item = item  # the item the act is on (None for the assignment that creates it)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxSelectMultiple | forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()

    def add_action_errors(self, error: Invalid) -> None:
        """Show the action layer's messages at the fields they concern (nothing was written)."""
        for key, message in error.errors.items():
            name = self.error_fields.get(key, key)
            self.add_error(name if name in self.fields else None, message)


def _text(limit: int, label: str | Any, *, required: bool = True, **attrs: Any) -> forms.CharField:
    widget_attrs = {"maxlength": limit, **attrs}
    if required:
        widget_attrs["required"] = True
    return forms.CharField(
        label=label, required=False, strip=False, widget=forms.TextInput(attrs=widget_attrs)
    )


def _textarea(limit: int, label: str | Any, *, required: bool = False, rows: int = 4) -> Any:
    attrs: dict[str, Any] = {"maxlength": limit, "rows": rows}
    if required:
        attrs["required"] = True
    return forms.CharField(
        label=label, required=False, strip=False, widget=forms.Textarea(attrs=attrs)
    )


def _people(role: Role) -> list[tuple[str, str]]:
    users = User.objects.filter(role=role, is_active=True).order_by("first_name", "username")
    return [("", "—"), *((u.username, u.display_name) for u in users)]


def channel_choices() -> list[tuple[str, str]]:
    return [(kind, registry.label(kind)) for kind in registry.kinds()]


# --- step 1: assign ---------------------------------------------------------------------------


def opened_stamp(user: User) -> str:
    """A signed note of when this user opened the assignment form (step 1 is timed from it)."""
    return signing.dumps({"u": user.pk, "at": clock.now().isoformat()}, salt=OPENED_SALT)


def opened_at(stamp: str, user: User) -> datetime | None:
    """When the form was opened, if the stamp is genuine, recent and this user's."""
    try:
        data = signing.loads(stamp, salt=OPENED_SALT, max_age=actions.FORM_OPEN_MAX)
    except signing.BadSignature:  # includes SignatureExpired
        return None
    if not isinstance(data, dict) or data.get("u") != user.pk:
        return None
    try:
        return datetime.fromisoformat(str(data.get("at")))
    except ValueError:
        return None


class AssignForm(StyledForm):
    error_fields = {
        "activity.name": "activity_name",
        "activity.starts_at": "activity_starts_at",
        "activity.organizer": "activity_organizer",
        "location.name": "location_name",
        "location.region_code": "region_code",
        "location.lat": "latitude",
        "location.lon": "longitude",
    }

    title = _text(actions.TITLE_MAX, _("Title / topic"))
    kasi = forms.CharField(label=_("Kasi PIP"), required=False, widget=forms.Select)
    activity_name = _text(actions.TEXT_MAX, _("Name of the activity"))
    activity_starts_at = forms.DateTimeField(
        label=_("Activity starts at"),
        required=False,
        widget=DateTimeLocalInput(attrs={"required": True}),
    )
    activity_organizer = _text(actions.TEXT_MAX, _("Organiser"))
    location_name = _text(actions.TEXT_MAX, _("Place"))
    region_code = forms.CharField(
        label=_("Regency/city"),
        required=False,
        widget=forms.Select(choices=[("", "—"), *REGION_CHOICES], attrs={"required": True}),
    )
    # DecimalField turns away "NaN" and "Infinity"; the action layer checks the range.
    latitude = forms.DecimalField(
        label=_("Latitude (optional)"),
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "placeholder": "-5.4500"}),
    )
    longitude = forms.DecimalField(
        label=_("Longitude (optional)"),
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "placeholder": "105.2667"}),
    )
    channels = PassThroughMultipleChoiceField(
        label=_("Channels"), required=False, widget=forms.CheckboxSelectMultiple
    )
    deadline = forms.DateTimeField(
        label=_("Deadline (optional)"), required=False, widget=DateTimeLocalInput
    )
    # The portal's rubric and topics; the action layer checks both.
    category = forms.CharField(label=_("Category (optional)"), required=False, widget=forms.Select)
    tags = forms.CharField(
        label=_("Topics (optional)"),
        required=False,
        help_text=_("Separate topics with commas, e.g. pertanian, bantuan sosial."),
        widget=forms.TextInput(attrs={"maxlength": 700}),
    )
    attachments = MultipleFileField(
        label=_("Attachments (optional)"),
        required=False,
        help_text=_("PDF or images (JPEG, PNG, WebP): invitation, rundown, photos."),
        widget=MultipleFileInput(attrs={"accept": DOCUMENT_ACCEPT}),
    )
    opened = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kasi = self.fields["kasi"].widget
        assert isinstance(kasi, forms.Select)
        people = _people(Role.KASI)
        kasi.choices = people
        kasi.attrs["required"] = True
        if len(people) == 2:  # the office's only Kasi: chosen already
            self.initial.setdefault("kasi", people[1][0])
        channels = self.fields["channels"]
        assert isinstance(channels, forms.MultipleChoiceField)
        channels.choices = channel_choices()
        category = self.fields["category"].widget
        assert isinstance(category, forms.Select)
        category.choices = [("", "—"), *Category.objects.values_list("slug", "name")]

    def assignment(self, user: User) -> actions.Assignment:
        data = self.cleaned_data
        return actions.Assignment(
            title=data["title"],
            kasi=data["kasi"],
            activity_name=data["activity_name"],
            activity_starts_at=data["activity_starts_at"],
            activity_organizer=data["activity_organizer"],
            location_name=data["location_name"],
            region_code=data["region_code"],
            latitude=data["latitude"],
            longitude=data["longitude"],
            channels=list(data["channels"]),
            deadline=data["deadline"],
            attachments=data["attachments"],
            started_at=opened_at(data["opened"], user),
            category=data["category"],
            tags=data["tags"].split(","),
        )


# --- steps 2 to 7 -----------------------------------------------------------------------------


class DirectForm(StyledForm):
    operator = forms.CharField(label=_("Operator"), required=False, widget=forms.Select)
    direction = _textarea(
        actions.NOTE_MAX, _("Direction (angle, key messages, 5W+1H, hashtags)"), required=True
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        operator = self.fields["operator"].widget
        assert isinstance(operator, forms.Select)
        operator.choices = _people(Role.OPERATOR)
        operator.attrs["required"] = True


_SIMPLE_PARAGRAPH = re.compile(r"<p>((?:(?!</?p>)[^<]|<br>)*)</p>")


def editable_body(body: str) -> str:
    """A stored body as the operator edits it: plain paragraphs when it is only paragraphs and
    line breaks (``clean_body`` turns them back into the same HTML), else the HTML itself."""
    paragraphs = _SIMPLE_PARAGRAPH.findall(body)
    if not paragraphs or "".join(f"<p>{p}</p>" for p in paragraphs) != body:
        return body
    text = "\n\n".join(html.unescape(p.replace("<br>", "\n")) for p in paragraphs)
    try:
        # Text that reads as markup once unescaped (a quoted "<b>") stays HTML.
        return text if clean_body(text) == body else body
    except ActiveContent:
        return body


class SubmitForm(StyledForm):
    """A new version: title, body, a caption per target channel and a few images with alt
    text."""

    error_fields = {"images": "image_1"}

    def add_action_errors(self, error: Invalid) -> None:
        """Per-image messages go to the alt text field of the slot (or kept image) concerned."""
        slots = [n for n in range(1, IMAGE_SLOTS + 1) if self.cleaned_data.get(f"image_{n}")]
        fields = {f"images.{i}": f"alt_{slot}" for i, slot in enumerate(slots, start=1)}
        fields.update({f"images.kept.{image.pk}": f"kept{image.pk}_alt" for image in self.kept})
        super().add_action_errors(
            Invalid({fields.get(key, key): message for key, message in error.errors.items()})
        )

    title = _text(actions.TITLE_MAX, _("Title"))
    body = _textarea(actions.BODY_MAX, _("News text"), required=True, rows=12)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        targets = self.item.channels if self.item else registry.kinds()
        for kind, label in channel_choices():
            if kind not in targets:
                continue
            self.fields[f"caption_{kind}"] = forms.CharField(
                label=_("Caption for %(channel)s (optional)") % {"channel": label},
                required=False,
                widget=forms.Textarea(
                    attrs={"maxlength": actions.CAPTION_MAX, "rows": 3, "class": "form-control"}
                ),
            )
        for n in range(1, IMAGE_SLOTS + 1):
            self.fields[f"image_{n}"] = forms.FileField(
                label=_("Image %(number)d (optional)") % {"number": n},
                required=False,
                widget=forms.FileInput(attrs={"accept": IMAGE_ACCEPT, "class": "form-control"}),
            )
            self.fields[f"alt_{n}"] = forms.CharField(
                label=_("Description of image %(number)d (alt text)") % {"number": n},
                required=False,
                max_length=300,
                widget=forms.TextInput(attrs={"class": "form-control"}),
            )
            image_forms.add_fields(self, f"img{n}_")
        # Images kept from the current version: their alt text and settings can be changed.
        current = self.item.latest_version() if self.item else None
        self.kept = list(current.images.order_by("pk")) if current else []
        for n, image in enumerate(self.kept, start=1):
            self.fields[f"kept{image.pk}_alt"] = forms.CharField(
                label=_("Description of kept image %(number)d (alt text)") % {"number": n},
                required=False,
                max_length=300,
                initial=image.alt_text,
                widget=forms.TextInput(attrs={"class": "form-control"}),
            )
            image_forms.add_fields(self, f"kept{image.pk}_", image)

    def caption_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name.startswith("caption_")]

    def image_fields(self) -> list[tuple[forms.BoundField, forms.BoundField, dict[str, Any]]]:
        return [
            (self[f"image_{n}"], self[f"alt_{n}"], image_forms.bound(self, f"img{n}_"))
            for n in range(1, IMAGE_SLOTS + 1)
        ]

    def kept_fields(self) -> list[tuple[Any, forms.BoundField, dict[str, Any]]]:
        return [
            (image, self[f"kept{image.pk}_alt"], image_forms.bound(self, f"kept{image.pk}_"))
            for image in self.kept
        ]

    def kept_settings(self) -> dict[int, tuple[str, ImageSettings]]:
        data = self.cleaned_data
        return {
            image.pk: (
                str(data.get(f"kept{image.pk}_alt") or ""),
                image_forms.settings_from(data, f"kept{image.pk}_"),
            )
            for image in self.kept
        }

    def captions(self) -> dict[str, str]:
        return {
            name.removeprefix("caption_"): value
            for name, value in self.cleaned_data.items()
            if name.startswith("caption_")
        }

    def images(self) -> list[actions.ImageUpload]:
        return [
            actions.ImageUpload(
                self.cleaned_data[f"image_{n}"],
                self.cleaned_data[f"alt_{n}"],
                image_forms.settings_from(self.cleaned_data, f"img{n}_"),
            )
            for n in range(1, IMAGE_SLOTS + 1)
            if self.cleaned_data.get(f"image_{n}")
        ]


class NoteForm(StyledForm):
    """Forward and hand-over: an optional note."""

    note = _textarea(actions.NOTE_MAX, _("Note (optional)"), rows=2)


def _publish_at(help_text: Any) -> forms.DateTimeField:
    """When to post, in the office's time zone (Asia/Jakarta); empty: at once. The action
    refuses past times and times more than 30 days ahead."""
    return forms.DateTimeField(
        label=_("Post at (WIB, optional)"),
        required=False,
        widget=DateTimeLocalInput(),
        help_text=help_text,
    )


class HandoverForm(NoteForm):
    """Step 6: an optional note and, optionally, when the post is to go out."""

    at = _publish_at(_("Leave empty to let the operator post at once."))


class DecisionForm(StyledForm):
    """Correction and verification: the pressed button is the decision; a return needs a note
    and may name a reason from the office's list."""

    note = _textarea(actions.NOTE_MAX, _("Note (required to return)"), rows=3)
    reason = forms.CharField(label=_("Reason for returning"), required=False, widget=forms.Select)
    decision = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        reason = self.fields["reason"].widget
        assert isinstance(reason, forms.Select)
        reasons = ReturnReason.objects.filter(active=True)
        reason.choices = [("", "—"), *((r.code, r.label) for r in reasons)]


class PostForm(StyledForm):
    channels = PassThroughMultipleChoiceField(
        label=_("Post to"), required=False, widget=forms.CheckboxSelectMultiple
    )
    at = _publish_at(
        _(
            "With a time every channel waits until then. Empty: now, or at the time set at "
            "hand-over if there is one."
        )
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        channels = self.fields["channels"]
        assert isinstance(channels, forms.MultipleChoiceField)
        channels.choices = channel_choices()


class ManualLinkForm(StyledForm):
    """The web address of a post the operator made by hand on the platform."""

    url = forms.CharField(
        label=_("Address of the post"),
        required=False,
        widget=forms.URLInput(attrs={"maxlength": 500, "required": True, "inputmode": "url"}),
    )


class CommentForm(StyledForm):
    body = _textarea(actions.NOTE_MAX, _("Write a comment"), required=True, rows=2)


class ReopenForm(StyledForm):
    note = _textarea(actions.NOTE_MAX, _("What must be corrected"), required=True, rows=2)


# --- the item list ----------------------------------------------------------------------------


class ItemFilterForm(StyledForm):
    step = forms.ChoiceField(label=_("Step"), required=False)
    region = forms.ChoiceField(
        label=_("Regency/city"), required=False, choices=[("", _("All")), *REGION_CHOICES]
    )
    date_from = IsoDateField(label=_("Assigned from"), required=False, widget=DateInput)
    date_to = IsoDateField(label=_("Assigned until"), required=False, widget=DateInput)
    person = forms.ChoiceField(label=_("Person"), required=False)

    def __init__(self, *args: Any, steps: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        step = self.fields["step"]
        assert isinstance(step, forms.ChoiceField)
        step.choices = [("", _("All")), *steps, ("done", _("Finished"))]
        person = self.fields["person"]
        assert isinstance(person, forms.ChoiceField)
        person.choices = staff_choices()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end of the period is before its start."))
        return data
