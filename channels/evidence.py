"""Telling this publication's post apart from every other, after an unknown outcome.

Same words from two items are normal in a newsroom ("Pengumuman"), so matching a post's text
proves nothing on its own. The outbox records every delivery attempt as a window of time on the
row (``progress["windows"]``: when it began, when it ended, and whether its outcome was
uncertain). A post is this publication's when

- it carries a mark no other post can have (a marker in the WordPress slug, media ids that
  only this publication uploaded), or
- its words are this publication's, it was made during one of this publication's uncertain
  attempts, no other row has recorded it, and no other publication with the same words had an
  uncertain attempt at that moment (then it cannot be told apart: the look-up says so and the
  row stays unknown for a person to settle).

Windows are measured on Warta's clock and compared with the platform's timestamps, so Warta's
clock must be kept right (NTP). A clock that is off makes Warta miss its own post and report the
platform's duplicate refusal instead; it never makes Warta post twice.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from channels.base import ChannelError
from lib import clock

if TYPE_CHECKING:
    from channels.models import Publication

# A worker that died mid-attempt held its lease this long (channels.outbox.LEASE).
OPEN_WINDOW = timedelta(minutes=5)
# How far back other publications are checked for an attempt at the same moment.
RIVALS_SINCE = timedelta(days=2)


@dataclass(frozen=True)
class Window:
    start: datetime
    end: datetime

    def holds(self, moment: datetime, precision: timedelta) -> bool:
        """Whether ``moment`` (a platform timestamp cut to ``precision``) fell in here."""
        return self.start - precision <= moment <= self.end


@dataclass(frozen=True)
class Candidate:
    """A post on the platform with this publication's words."""

    external_id: str
    permalink: str
    made_at: datetime | None
    # Carries a mark only this publication's attempts can have made (its own media ids).
    marked: bool = False


def _ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def _moment(ms: Any) -> datetime:
    return datetime.fromtimestamp(int(ms) / 1000, tz=UTC)


def open_window(publication: Publication) -> None:
    """Record that an attempt begins now (called once the row is claimed)."""
    windows = list((publication.progress or {}).get("windows", []))
    windows.append({"from": _ms(clock.now()), "to": None, "uncertain": None})
    publication.progress = {**(publication.progress or {}), "windows": windows}


def close_window(publication: Publication, *, uncertain: bool) -> None:
    """Record how the current attempt ended: ``uncertain`` if it may have made the post."""
    windows = list((publication.progress or {}).get("windows", []))
    if windows and windows[-1].get("to") is None:
        windows[-1] = {**windows[-1], "to": _ms(clock.now()), "uncertain": uncertain}
        publication.progress = {**(publication.progress or {}), "windows": windows}


def uncertain_windows(publication: Publication, *, current: bool = False) -> list[Window]:
    """The earlier attempts that may have made the post: their outcome was unknown, or their
    worker died before recording one. The attempt running now (the last window, while the row
    is being sent) is left out unless ``current``: it has sent nothing yet, or was refused."""
    progress = publication.progress or {}
    if "windows" not in progress and publication.attempts:
        # A row from before attempts were recorded: any time since it was written counts.
        return [Window(publication.created_at, clock.now())]
    windows = list(progress.get("windows", []))
    if windows and not current and publication.state == publication.State.SENDING:
        windows = windows[:-1]
    found = []
    for window in windows:
        died = window.get("to") is None
        if not (died or window.get("uncertain")):
            continue
        start = _moment(window["from"])
        end = start + OPEN_WINDOW if died else _moment(window["to"])
        found.append(Window(start, end))
    return found


def earliest(publication: Publication) -> datetime:
    """Where a look-up in the platform's recent posts must start."""
    windows = uncertain_windows(publication, current=True)
    start = min((w.start for w in windows), default=publication.created_at)
    return min(start, publication.created_at) - timedelta(minutes=1)


def identify(
    publication: Publication,
    candidates: list[Candidate],
    *,
    same_words: Callable[[Publication], bool],
    precision: timedelta,
) -> Candidate | None:
    """The candidate proven to be this publication's post; None when none is.

    Raises a (transient) ChannelError when a candidate cannot be told apart from another
    publication's post: the look-up then proves nothing and the row stays unknown.
    """
    candidates = [c for c in candidates if not _recorded_elsewhere(publication, c)]
    marked = [c for c in candidates if c.marked]
    if marked:
        return marked[0]
    windows = uncertain_windows(publication)
    timely = [
        c
        for c in candidates
        if c.made_at is not None and any(w.holds(c.made_at, precision) for w in windows)
    ]
    if not timely:
        return None
    if len(timely) > 1 or _rival(publication, timely[0], same_words, precision):
        raise ChannelError(
            _(
                "A post with these words exists, but another item with the same words was being "
                "posted at the same moment, so Warta cannot tell whose it is. Check the platform "
                "and record the link by hand."
            ),
            permanent=False,
        )
    return timely[0]


def _recorded_elsewhere(publication: Publication, candidate: Candidate) -> bool:
    from channels.models import Publication

    return (
        Publication.objects.filter(
            channel=publication.channel,
            account_id=publication.account_id,
            external_id=candidate.external_id,
        )
        .exclude(pk=publication.pk)
        .exclude(pk__in=[publication.replaces_id] if publication.replaces_id else [])
        .exists()
    )


def _rival(
    publication: Publication,
    candidate: Candidate,
    same_words: Callable[[Publication], bool],
    precision: timedelta,
) -> bool:
    """Whether another publication with the same words might have made this post."""
    from channels.models import Publication

    assert candidate.made_at is not None
    others = (
        Publication.objects.filter(
            channel=publication.channel,
            account_id=publication.account_id,
            created_at__gte=candidate.made_at - RIVALS_SINCE,
            created_at__lte=candidate.made_at + precision,
        )
        # A row that recorded a post has its own (one post per publication).
        .filter(external_id="")
        .exclude(pk=publication.pk)
        .select_related("version")
    )
    for other in others:
        other_windows = uncertain_windows(other, current=True)
        if any(w.holds(candidate.made_at, precision) for w in other_windows) and same_words(other):
            return True
    return False
