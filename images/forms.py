"""Form fields for one image's settings (focal point, privacy, areas to blur), added to the
submit form per new upload and per image kept from the previous version."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from images.privacy import ImageSettings, parse_boxes, parse_fraction
from newsroom.models import Attachment, LegalBasis

SETTING_NAMES = ("focal", "blur", "people", "basis", "minors", "consent_by", "consent_on", "note")


def add_fields(form: forms.Form, prefix: str, image: Attachment | None = None) -> None:
    """``<prefix>focal`` ("x,y"), ``<prefix>blur`` (boxes), the privacy record: hidden inputs
    filled by static/images/image-tools.js, the rest plain fields that work without it."""
    fields = form.fields
    initial = ImageSettings.of(image) if image else ImageSettings()
    fields[f"{prefix}focal"] = forms.CharField(
        required=False,
        initial=f"{initial.focal_x:.4f},{initial.focal_y:.4f}",
        widget=forms.HiddenInput(attrs={"data-image-focal": ""}),
    )
    fields[f"{prefix}blur"] = forms.CharField(
        required=False, widget=forms.HiddenInput(attrs={"data-image-blur": ""})
    )
    fields[f"{prefix}people"] = forms.BooleanField(
        label=_("Identifiable people are shown"),
        required=False,
        initial=initial.identifiable_people,
    )
    fields[f"{prefix}basis"] = forms.ChoiceField(
        label=_("Legal basis (UU 27/2022)"),
        required=False,
        choices=[("", "—"), *LegalBasis.choices],
        initial=initial.legal_basis,
    )
    fields[f"{prefix}minors"] = forms.BooleanField(
        label=_("Children (under 18) are shown"), required=False, initial=initial.minors
    )
    fields[f"{prefix}consent_by"] = forms.CharField(
        label=_("Parent's consent given by"),
        required=False,
        max_length=200,
        initial=initial.parent_consent_by,
    )
    fields[f"{prefix}consent_on"] = forms.DateField(
        label=_("Date of the parent's consent"),
        required=False,
        initial=initial.parent_consent_on,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    fields[f"{prefix}note"] = forms.CharField(
        label=_("Note on the consent"), required=False, max_length=500,
        initial=initial.parent_consent_note,
    )  # fmt: skip
    for name in SETTING_NAMES:
        widget = fields[f"{prefix}{name}"].widget
        if isinstance(widget, forms.CheckboxInput):
            widget.attrs["class"] = "form-check-input"
        elif isinstance(widget, forms.Select):
            widget.attrs["class"] = "form-select"
        elif not isinstance(widget, forms.HiddenInput):
            widget.attrs["class"] = "form-control"


def settings_from(data: dict[str, Any], prefix: str) -> ImageSettings:
    """The settings from cleaned data (a blur list that cannot be read is no blur)."""
    focal = str(data.get(f"{prefix}focal") or "").split(",")
    boxes = parse_boxes(str(data.get(f"{prefix}blur") or "")) or ()
    return ImageSettings(
        focal_x=parse_fraction(focal[0] if focal else ""),
        focal_y=parse_fraction(focal[1] if len(focal) > 1 else ""),
        identifiable_people=bool(data.get(f"{prefix}people")),
        # A basis is recorded only for identifiable people (as Attachment stores it).
        legal_basis=str(data.get(f"{prefix}basis") or "") if data.get(f"{prefix}people") else "",
        minors=bool(data.get(f"{prefix}minors")),
        parent_consent_by=str(data.get(f"{prefix}consent_by") or ""),
        parent_consent_on=data.get(f"{prefix}consent_on"),
        parent_consent_note=str(data.get(f"{prefix}note") or ""),
        blur_boxes=boxes,
    )


def bound(form: forms.Form, prefix: str) -> dict[str, forms.BoundField]:
    """The bound setting fields by short name, for the template."""
    return {name: form[f"{prefix}{name}"] for name in SETTING_NAMES}
