"""Graph API answers for a Facebook Page as typed values (``channels.answers``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from channels import answers, graph

if TYPE_CHECKING:
    import httpx

PLATFORM = "Facebook"


@dataclass(frozen=True)
class FeedPost:
    id: str
    message: str
    permalink: str
    created: datetime | None


def post_id(response: httpx.Response) -> str:
    """The post a ``/feed`` or published ``/photos`` call made (a photo answers both ids)."""
    fields = answers.body(response, PLATFORM)
    return fields.optional_text("post_id") or fields.text("id")


def photo_id(response: httpx.Response) -> str:
    return answers.body(response, PLATFORM).text("id")


def permalink(response: httpx.Response) -> str:
    return answers.body(response, PLATFORM).optional_text("permalink_url")


def done(response: httpx.Response) -> None:
    """An edit or delete answered ``{"success": true}``."""
    fields = answers.body(response, PLATFORM)
    if not fields.flag("success"):
        raise fields.missing("success")


def page(response: httpx.Response) -> tuple[str, str]:
    fields = answers.body(response, PLATFORM)
    return fields.text("id"), fields.optional_text("name")


def created_time(value: str) -> datetime | None:
    try:
        return datetime.strptime(value, "%Y-%m-%dT%H:%M:%S%z")
    except ValueError:
        return None


def feed(response: httpx.Response) -> tuple[list[FeedPost], str]:
    """One page of the Page's feed, and the cursor of the next ("" on the last)."""
    fields = answers.body(response, PLATFORM)
    posts = [
        FeedPost(
            id=p.text("id"),
            message=p.optional_text("message"),
            permalink=p.optional_text("permalink_url"),
            created=created_time(p.optional_text("created_time")),
        )
        for p in fields.objects("data")
    ]
    return posts, graph.next_cursor(fields.data)
