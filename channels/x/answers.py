"""X API v2 answers as typed values (``channels.answers``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from channels import answers

if TYPE_CHECKING:
    import httpx

PLATFORM = "X"
# Post ids are snowflakes: the milliseconds since this moment, shifted left by 22 bits.
SNOWFLAKE_EPOCH = datetime(2010, 11, 4, 1, 42, 54, 657000, tzinfo=UTC)


@dataclass(frozen=True)
class Post:
    id: str
    text: str
    made_at: datetime | None
    media_keys: frozenset[str]


@dataclass(frozen=True)
class Medium:
    id: str
    key: str


@dataclass(frozen=True)
class User:
    id: str
    username: str


def made_at(post_id: str, created_at: str = "") -> datetime | None:
    """When a post was made: from its snowflake id (to the millisecond), else ``created_at``."""
    if post_id.isdigit() and int(post_id) >> 22:
        return SNOWFLAKE_EPOCH + timedelta(milliseconds=int(post_id) >> 22)
    try:
        return datetime.strptime(created_at, "%Y-%m-%dT%H:%M:%S.%f%z")
    except ValueError:
        return None


def created(response: httpx.Response) -> str:
    """The id of the post ``POST /2/tweets`` made."""
    return answers.body(response, PLATFORM).obj("data").text("id")


def medium(response: httpx.Response) -> Medium:
    data = answers.body(response, PLATFORM).obj("data")
    media_id = data.text("id")
    return Medium(media_id, data.optional_text("media_key") or f"3_{media_id}")


def user(response: httpx.Response) -> User:
    data = answers.body(response, PLATFORM).obj("data")
    return User(data.text("id"), data.optional_text("username"))


def deleted(response: httpx.Response) -> None:
    data = answers.body(response, PLATFORM).obj("data")
    if not data.flag("deleted"):
        raise data.missing("deleted")


def timeline(response: httpx.Response) -> tuple[list[Post], str]:
    """One page of a user's posts, and the token of the next page ("" on the last)."""
    fields = answers.body(response, PLATFORM)
    posts = []
    for post in fields.objects("data"):
        post_id = post.text("id")
        posts.append(
            Post(
                id=post_id,
                text=post.optional_text("text"),
                made_at=made_at(post_id, post.optional_text("created_at")),
                media_keys=frozenset(post.optional_obj("attachments").strings("media_keys")),
            )
        )
    return posts, fields.optional_obj("meta").optional_text("next_token")
