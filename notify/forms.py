from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from notify import registry
from notify.models import NotifyProfile
from notify.phone import normalise_whatsapp


def clean_whatsapp_for(value: str, user: Any) -> str:
    """The normalised number, if valid and nobody else's (ValidationError otherwise)."""
    number = normalise_whatsapp(value)
    if number and NotifyProfile.objects.filter(whatsapp=number).exclude(user=user).exists():
        raise ValidationError(_("This WhatsApp number belongs to another user."), code="taken")
    return number


class ProfileForm(forms.Form):
    whatsapp = forms.CharField(
        label=_("WhatsApp number"),
        required=False,
        max_length=30,
        help_text=_("For example 0812-3456-7890 or +62 812 3456 7890. Leave empty for none."),
        widget=forms.TextInput(
            attrs={"inputmode": "tel", "autocomplete": "tel", "class": "form-control"}
        ),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        for kind in registry.optional_kinds():
            self.fields[f"prefer_{kind}"] = forms.BooleanField(
                label=registry.label(kind),
                required=False,
                widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
            )

    def preference_fields(self) -> list[forms.BoundField]:
        return [self[f"prefer_{kind}"] for kind in registry.optional_kinds()]

    def clean_whatsapp(self) -> str:
        return clean_whatsapp_for(self.cleaned_data.get("whatsapp", ""), self.user)

    def preferences(self) -> dict[str, bool]:
        return {
            kind: bool(self.cleaned_data.get(f"prefer_{kind}"))
            for kind in registry.optional_kinds()
        }
