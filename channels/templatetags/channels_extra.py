"""What the item page's channel panel needs: who may retract, and the reasons to pick from."""

from __future__ import annotations

from typing import Any

from django import template

from channels import actions
from channels.models import RetractReason

register = template.Library()


@register.simple_tag
def may_retract(user: Any, item: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and actions.may_retract(user, item))


@register.simple_tag
def retract_reasons() -> list[tuple[str, str]]:
    return [(value, str(label)) for value, label in RetractReason.choices]
