"""Channel-neutral messages built from what happened (the audit event, a late step, a reply).

Texts are written in the office's language (settings.LANGUAGE_CODE) whoever triggered them.
"""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import User
from newsroom.actions import action_label
from newsroom.models import Item, StepRun
from notify.base import Action, Message

DECISIONS = ("review", "verify")
SHA_PREFIX = 12


def item_link(item: Item) -> str:
    return settings.SITE_URL + reverse("item", args=[item.code])


def step_label(run: StepRun) -> str:
    return f"{run.step} · {action_label(run.action)}"


def standard_text(minutes: int) -> str:
    return ngettext("%(n)d minute", "%(n)d minutes", minutes) % {"n": minutes}


def signed_name(actor: User | None, on_behalf_of: User | None) -> str:
    """``X`` or, for an acting official, ``X a.n. Y``."""
    if actor is None:
        return ""
    if on_behalf_of is not None and on_behalf_of.pk != actor.pk:
        return _("%(actor)s on behalf of %(principal)s") % {
            "actor": actor.display_name,
            "principal": on_behalf_of.display_name,
        }
    return actor.display_name


def decision_payload(decision: str, run: StepRun, sha256: str) -> str:
    """What a quick-reply button sends back: the decision pinned to the step and version."""
    return f"{decision}:{run.action}:{run.item.code}:{sha256[:SHA_PREFIX]}"


def _last_finished(item: Item) -> StepRun | None:
    return (
        item.step_runs.filter(finished_at__isnull=False)
        .select_related("actor", "on_behalf_of")
        .order_by("-finished_at", "-pk")
        .first()
    )


def task_message(item: Item, run: StepRun) -> Message:
    """The notice that a step now waits for its actor."""
    with translation.override(settings.LANGUAGE_CODE):
        previous = _last_finished(item)
        sender = signed_name(previous.actor, previous.on_behalf_of) if previous else ""
        sender = sender or item.assigned_by.display_name
        label, standard = step_label(run), standard_text(run.standard_minutes)
        detail = _(
            "%(sender)s handed you “%(title)s” for step %(step)s. Standard time: %(standard)s."
        ) % {"sender": sender, "title": item.title, "step": label, "standard": standard}
        if previous is not None and previous.outcome == StepRun.Outcome.RETURNED:
            detail += " " + _("Returned with the note: %(note)s") % {"note": previous.note}
        actions: tuple[Action, ...] = ()
        template = "warta_tugas"
        latest = item.latest_version()
        if run.action in DECISIONS and latest is not None:
            template = "warta_keputusan"
            actions = (
                Action("approve", _("Approve"), decision_payload("approve", run, latest.sha256)),
                Action("return", _("Return"), decision_payload("return", run, latest.sha256)),
            )
        link = item_link(item)
        return Message(
            kind="task",
            title=_("Step %(step)s: %(title)s") % {"step": label, "title": item.title},
            detail=detail,
            link=link,
            item_code=item.code,
            template=template,
            params=(label, item.title, sender, standard, link),
            actions=actions,
        )


def reminder_message(run: StepRun, level: int) -> Message:
    """A step past its standard time: a reminder to its actor (100) or escalation (200)."""
    item = run.item
    with translation.override(settings.LANGUAGE_CODE):
        label, standard = step_label(run), standard_text(run.standard_minutes)
        link = item_link(item)
        if level >= 200:
            who = run.assignee.display_name
            return Message(
                kind="escalation",
                title=_("Escalation: step %(step)s of “%(title)s”")
                % {
                    "step": label,
                    "title": item.title,
                },
                detail=_(
                    "Step %(step)s of “%(title)s”, held by %(who)s, has taken more than twice "
                    "its standard time (%(standard)s, in office hours)."
                )
                % {"step": label, "title": item.title, "who": who, "standard": standard},
                link=link,
                item_code=item.code,
                template="warta_eskalasi",
                params=(label, item.title, who, standard, link),
            )
        previous = _last_finished(item)
        sender = signed_name(previous.actor, previous.on_behalf_of) if previous else ""
        return Message(
            kind="reminder",
            title=_("Reminder: step %(step)s of “%(title)s”")
            % {"step": label, "title": item.title},
            detail=_(
                "Step %(step)s of “%(title)s” has passed its standard time (%(standard)s, in "
                "office hours)."
            )
            % {"step": label, "title": item.title, "standard": standard},
            link=link,
            item_code=item.code,
            template="warta_pengingat",
            params=(label, item.title, sender or "-", standard, link),
        )


def reply_message(text: str, item_code: str = "") -> Message:
    """A free-text answer to someone's WhatsApp message."""
    return Message(kind="reply", title="WhatsApp", detail=text, item_code=item_code)
