"""The shape of a WhatsApp webhook body, checked whole before any of it is applied.

Only the fields Warta reads are typed; the platform's other fields pass untouched. A signed body
of another shape (``entry`` as a string, a null entry, a message whose ``button`` is a number,
nesting deeper than pydantic's parser allows) is refused with a 400 and changes nothing.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, ValidationError


class Part(BaseModel):
    model_config = ConfigDict(extra="allow", frozen=True)


class Button(Part):
    payload: str = ""


class ButtonReply(Part):
    id: str = ""


class Interactive(Part):
    button_reply: ButtonReply | None = None


class Text(Part):
    body: str = ""


class Message(Part):
    id: str = ""
    sender: str = Field("", alias="from")
    type: str = ""
    button: Button | None = None
    interactive: Interactive | None = None
    text: Text | None = None


class StatusError(Part):
    code: int | None = None
    title: str = ""
    message: str = ""


class Status(Part):
    id: str = ""
    status: str = ""
    errors: list[StatusError] | None = None


class Value(Part):
    statuses: list[Status] | None = None
    messages: list[Message] | None = None


class Change(Part):
    value: Value | None = None


class Entry(Part):
    changes: list[Change] | None = None


class WebhookBody(Part):
    entry: list[Entry] | None = None


class Malformed(Exception):
    """The body is not JSON, or not shaped like a WhatsApp webhook body."""


def parse(raw: bytes) -> WebhookBody:
    """The typed body; Malformed for anything else (never a partial result)."""
    try:
        return WebhookBody.model_validate_json(raw)
    except ValidationError as exc:
        raise Malformed(str(exc.errors()[0]["type"])) from None
