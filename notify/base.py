"""The contract every notifier keeps (in-app, email, WhatsApp...): one verb, one typed error."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from django.utils.functional import Promise

if TYPE_CHECKING:
    from accounts.models import User
    from notify.models import Delivery


class NotifyError(Exception):
    """A failed delivery, with a sentence a person can act on.

    ``permanent`` errors are not retried (fix the cause first); transient ones are. ``code`` is
    the platform's error code when there is one.
    """

    def __init__(self, message: str, *, permanent: bool, code: int | None = None) -> None:
        super().__init__(message)
        self.message, self.permanent, self.code = message, permanent, code


@dataclass(frozen=True)
class Action:
    """A decision the recipient can take from the message (a quick-reply button)."""

    decision: str  # "approve" | "return"
    label: str
    payload: str


@dataclass(frozen=True)
class Message:
    """One channel-neutral message; each notifier renders it in its own way.

    ``template`` and ``params`` name the WhatsApp template and its variables (in order); the
    other notifiers use title, detail and link.
    """

    kind: str  # "task" | "reminder" | "escalation" | "reply" | "alert"
    title: str
    detail: str
    link: str = ""
    item_code: str = ""
    template: str = ""
    params: tuple[str, ...] = ()
    actions: tuple[Action, ...] = field(default_factory=tuple)

    def as_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Message:
        return cls(
            kind=data["kind"],
            title=data["title"],
            detail=data["detail"],
            link=data.get("link", ""),
            item_code=data.get("item_code", ""),
            template=data.get("template", ""),
            params=tuple(data.get("params", ())),
            actions=tuple(Action(**a) for a in data.get("actions", ())),
        )


@dataclass(frozen=True)
class Sent:
    """What a notifier reports back: the platform's id and the state reached."""

    external_id: str = ""
    state: str = "sent"


class Notifier(ABC):
    kind: ClassVar[str]
    label: ClassVar[str | Promise]
    # Where a delivery goes instead when this notifier fails for good.
    fallback: ClassVar[tuple[str, ...]] = ()
    # False for a notifier a person cannot turn off (the in-app bell).
    optional: ClassVar[bool] = True

    def is_configured(self) -> bool:
        return True

    @abstractmethod
    def address_for(self, user: User) -> str | None:
        """Where this user receives messages here (None: they cannot, so skip them)."""

    @abstractmethod
    def send(self, delivery: Delivery) -> Sent:
        """Deliver one message; raise the notifier's error type when that fails."""
