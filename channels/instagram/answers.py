"""Instagram Graph API answers as typed values (``channels.answers``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from channels import answers, graph

if TYPE_CHECKING:
    import httpx

PLATFORM = "Instagram"


@dataclass(frozen=True)
class Medium:
    id: str
    caption: str
    permalink: str
    made_at: datetime | None


def made_at(value: str) -> datetime | None:
    try:
        return datetime.strptime(value, "%Y-%m-%dT%H:%M:%S%z")
    except ValueError:
        return None


def object_id(response: httpx.Response) -> str:
    """The id a create call answered (a container, a carousel child, the published media)."""
    return answers.body(response, PLATFORM).text("id")


def status(response: httpx.Response) -> str:
    """A container's ``status_code`` (FINISHED, IN_PROGRESS, ERROR, EXPIRED, PUBLISHED)."""
    return answers.body(response, PLATFORM).text("status_code")


def permalink(response: httpx.Response) -> str:
    return answers.body(response, PLATFORM).optional_text("permalink")


def username(response: httpx.Response) -> str:
    return answers.body(response, PLATFORM).optional_text("username")


def access_token(response: httpx.Response) -> str:
    return answers.body(response, PLATFORM).text("access_token")


def media(response: httpx.Response) -> tuple[list[Medium], str]:
    """One page of the account's media (newest first) and the next cursor ("" on the last)."""
    fields = answers.body(response, PLATFORM)
    found = [
        Medium(
            id=m.text("id"),
            caption=m.optional_text("caption"),
            permalink=m.optional_text("permalink"),
            made_at=made_at(m.optional_text("timestamp")),
        )
        for m in fields.objects("data")
    ]
    return found, graph.next_cursor(fields.data)
