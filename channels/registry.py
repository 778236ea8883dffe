"""Channel kinds and their connectors. Adding a channel is one package and one line here."""

from __future__ import annotations

from importlib import import_module

from channels.base import Channel

CHANNELS: dict[str, str] = {
    "website": "channels.website.connector.WebsiteChannel",
    "facebook": "channels.facebook.connector.FacebookChannel",
    "instagram": "channels.instagram.connector.InstagramChannel",
    "x": "channels.x.connector.XChannel",
    "wordpress": "channels.wordpress.connector.WordPressChannel",
}


def kinds() -> list[str]:
    return list(CHANNELS)


def connector(kind: str) -> Channel:
    module_name, _dot, class_name = CHANNELS[kind].rpartition(".")
    cls: type[Channel] = getattr(import_module(module_name), class_name)
    return cls()


def label(kind: str) -> str:
    return str(connector(kind).label)
