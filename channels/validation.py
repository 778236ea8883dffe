"""Channel rules checked when a version is submitted, before anyone reviews it."""

from __future__ import annotations

from typing import Any

from channels import registry
from channels.base import Draft


def problems(fields: dict[str, Any], kinds: list[str]) -> dict[str, list[str]]:
    """Per channel kind, the sentences that would stop this content from being posted there.

    ``fields``: ``title``, ``body`` (sanitised HTML), ``captions`` ({kind: text}) and ``images``
    (each with ``alt_text`` and ``content_type``, as dicts or objects). Kinds without problems
    are left out, so an empty dict means "fine everywhere".
    """
    draft = Draft.from_fields(fields)
    found: dict[str, list[str]] = {}
    for kind in kinds:
        if kind not in registry.CHANNELS:
            continue
        if sentences := registry.connector(kind).check(draft):
            found[kind] = [str(s) for s in sentences]
    return found
