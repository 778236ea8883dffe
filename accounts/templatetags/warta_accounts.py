"""Template helpers for the sign-in and two-step pages (allauth's forms in Bootstrap dress)."""

from __future__ import annotations

from django import template
from django.forms import BoundField
from django.utils.safestring import SafeString

from accounts import actions, mfa
from accounts.models import ApiToken, User

register = template.Library()

WIDGET_CLASSES = {"checkbox": "form-check-input", "select": "form-select"}


@register.simple_tag
def bootstrap_widget(field: BoundField) -> SafeString:
    """The field's input with Bootstrap's class (and the error state), no inline style."""
    css = WIDGET_CLASSES.get(field.widget_type, "form-control")
    if field.errors:
        css += " is-invalid"
    return field.as_widget(attrs={"class": css})


@register.simple_tag
def must_enrol(user: User) -> bool:
    """True while the signed-in person still has to set up their second step."""
    return bool(user.is_authenticated and mfa.must_enrol(user))


@register.simple_tag
def api_tokens(user: User) -> list[ApiToken]:
    """The signed-in person's valid API tokens, the newest first (the profile page)."""
    return list(actions.tokens_of(user))
