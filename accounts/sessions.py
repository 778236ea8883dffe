"""How long a signed-in browser session lasts: an idle timeout and an absolute lifetime, shorter
for the people whose session can verify news or change accounts (Kabid, Kasi, administrators and
staff: the roles that must use the second step, accounts/mfa.py) than for operators.

The session records when its owner signed in and when they were last active; only a request the
person made counts as activity, not the page's own polling (htmx: the bell, the step timer, the
task list), or an open tab would keep a session alive forever. Enforced by
``SessionLifetimeMiddleware`` (accounts/middleware.py).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase

from accounts.mfa import requires_mfa
from accounts.models import User
from lib import clock

logger = logging.getLogger("warta.security")

SIGNED_IN_AT = "warta_signed_in_at"
ACTIVE_AT = "warta_active_at"
# Activity is written to the session at most this often: not one write per click.
ACTIVITY_PRECISION = 60


@dataclass(frozen=True)
class Lifetime:
    idle: timedelta
    absolute: timedelta


def lifetime_for(user: User) -> Lifetime:
    """The idle timeout and the absolute lifetime of the user's sessions."""
    if requires_mfa(user):
        return Lifetime(
            idle=timedelta(minutes=settings.HEADS_SESSION_IDLE_MINUTES),
            absolute=timedelta(hours=settings.HEADS_SESSION_MAX_HOURS),
        )
    return Lifetime(
        idle=timedelta(minutes=settings.SESSION_IDLE_MINUTES),
        absolute=timedelta(hours=settings.SESSION_MAX_HOURS),
    )


def start(session: SessionBase) -> None:
    """Stamp a session that has just been signed in."""
    now = clock.now().timestamp()
    session[SIGNED_IN_AT] = now
    session[ACTIVE_AT] = now


def why_ended(session: SessionBase, user: User) -> str:
    """``"idle"``, ``"absolute"`` or ``"unstamped"`` (signed in before these limits existed)
    for a session that must end now; ``""`` for one that lives on."""
    signed_in_at, active_at = session.get(SIGNED_IN_AT), session.get(ACTIVE_AT)
    if signed_in_at is None or active_at is None:
        return "unstamped"
    lifetime, now = lifetime_for(user), clock.now().timestamp()
    if now - signed_in_at >= lifetime.absolute.total_seconds():
        return "absolute"
    if now - active_at >= lifetime.idle.total_seconds():
        return "idle"
    return ""


def note_activity(session: SessionBase, user: User) -> None:
    """The person did something: the idle timeout starts again (and the cookie and the stored
    session expire at the new deadline, never after the absolute one)."""
    now = clock.now().timestamp()
    if now - session[ACTIVE_AT] < ACTIVITY_PRECISION:
        return
    session[ACTIVE_AT] = now
    lifetime = lifetime_for(user)
    absolute_end = session[SIGNED_IN_AT] + lifetime.absolute.total_seconds()
    session.set_expiry(max(1, int(min(lifetime.idle.total_seconds(), absolute_end - now))))
