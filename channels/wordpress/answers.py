"""WordPress REST answers as typed values (``channels.answers``: an odd answer is an error)."""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import TYPE_CHECKING

from channels import answers
from channels.answers import Fields
from channels.base import ChannelError

if TYPE_CHECKING:
    import httpx

PLATFORM = "WordPress"


@dataclass(frozen=True)
class Post:
    id: int
    link: str
    status: str
    slug: str
    featured_media: int


@dataclass(frozen=True)
class Media:
    id: int
    post: int


@dataclass(frozen=True)
class User:
    name: str
    slug: str
    capabilities: frozenset[str]


@dataclass(frozen=True)
class Term:
    id: int
    name: str  # as typed (WordPress answers it HTML-escaped)


def _post(fields: Fields) -> Post:
    return Post(
        id=fields.integer("id"),
        link=fields.text("link"),
        status=fields.text("status"),
        slug=fields.optional_text("slug"),
        featured_media=fields.optional_integer("featured_media"),
    )


def post(response: httpx.Response) -> Post:
    return _post(answers.body(response, PLATFORM))


def posts(response: httpx.Response) -> list[Post]:
    return [_post(f) for f in answers.items(response, PLATFORM)]


def media(response: httpx.Response) -> Media:
    fields = answers.body(response, PLATFORM)
    return Media(id=fields.integer("id"), post=fields.optional_integer("post"))


def media_list(response: httpx.Response) -> list[Media]:
    return [
        Media(id=f.integer("id"), post=f.optional_integer("post"))
        for f in answers.items(response, PLATFORM)
    ]


def user(response: httpx.Response) -> User:
    fields = answers.body(response, PLATFORM)
    granted = fields.optional_obj("capabilities").data
    return User(
        name=fields.optional_text("name"),
        slug=fields.optional_text("slug"),
        capabilities=frozenset(k for k, v in granted.items() if v is True),
    )


def _term(fields: Fields) -> Term:
    return Term(id=fields.integer("id"), name=html.unescape(fields.text("name")))


def term(response: httpx.Response) -> Term:
    return _term(answers.body(response, PLATFORM))


def terms(response: httpx.Response) -> list[Term]:
    return [_term(f) for f in answers.items(response, PLATFORM)]


def has_api(response: httpx.Response) -> bool:
    """Whether this is the REST API's index (``/?rest_route=/``): it lists ``wp/v2``."""
    try:
        index = answers.body(response, PLATFORM)
    except ChannelError:
        return False
    return "wp/v2" in index.strings("namespaces")


def body_of(response: httpx.Response) -> Fields:
    """Any JSON object (the answer to deleting a photo: ``{"deleted": true, ...}``)."""
    return answers.body(response, PLATFORM)
