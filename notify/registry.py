"""Notifier kinds and their classes. Adding a notifier is one package and one line here."""

from __future__ import annotations

from importlib import import_module

from notify.base import Notifier

NOTIFIERS: dict[str, str] = {
    "inapp": "notify.inapp.notifier.InAppNotifier",
    "email": "notify.email.notifier.EmailNotifier",
    "whatsapp": "notify.whatsapp.notifier.WhatsAppNotifier",
}


def kinds() -> list[str]:
    return list(NOTIFIERS)


def notifier(kind: str) -> Notifier:
    module_name, _dot, class_name = NOTIFIERS[kind].rpartition(".")
    cls: type[Notifier] = getattr(import_module(module_name), class_name)
    return cls()


def label(kind: str) -> str:
    return str(notifier(kind).label)


def optional_kinds() -> list[str]:
    """The notifiers a person may turn off in their profile."""
    return [kind for kind in NOTIFIERS if notifier(kind).optional]
