"""Failed sign-in throttling: slows a guesser down without locking the owner out.

One scheme for every place a secret is guessed: the password on the sign-in page and at
``POST /api/v1/auth/token``, the authenticator or recovery code at the second step (web and API)
and the password asked again before changing the second step. Three counters of failures:

- per username *and* address (``LOGIN_ATTEMPTS_LIMIT`` free failures): the guesser at one
  address. Past the allowance, each attempt waits ``LOGIN_DELAY`` seconds after the last
  failure, doubled with each further failure, up to ``LOGIN_DELAY_MAX``;
- per address, all usernames (``LOGIN_ADDRESS_LIMIT``, looser): one address trying many
  usernames. The same growing delays apply to that address;
- per username, all addresses (``LOGIN_USERNAME_LIMIT``): guessing spread over many addresses.
  The delays apply to every address the user has not signed in from.

The last two never apply to an address the user has fully signed in from in the last
``LOGIN_KNOWN_ADDRESS_DAYS`` days (their "usual" address): an attack on a Kabid's name from
elsewhere, or by a stranger behind the office's NAT, leaves the Kabid and their colleagues at
their desks alone. Counts are forgotten ``LOGIN_ATTEMPTS_WINDOW`` seconds after the last
failure. A full sign-in (password, then the code for those who have one) clears the failures of
its username and address, never the per-address or per-username counts (an attacker's own
account must not wash them away).

Counts live in the default cache (the database by default, Redis in production), so every web
process sees the same numbers. Each decision is logged on ``warta.security``.
"""

from __future__ import annotations

import hashlib
import logging
import math
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.addresses import address_key
from lib import clock

logger = logging.getLogger("warta.security")

PAIR, ADDRESS, USERNAME = "pair", "address", "username"


@dataclass(frozen=True)
class Verdict:
    """Whether an attempt may be checked now; if not, how long to wait and which count said so."""

    allowed: bool
    retry_after: int = 0
    counter: str = ""

    def message(self) -> str:
        """The sentence shown to the person who must wait (in the active language)."""
        return _(
            "Too many failed sign-in attempts. Wait %(wait)s, then try again; ask your "
            "administrator if you have forgotten your password."
        ) % {"wait": wait_text(self.retry_after)}


def wait_text(seconds: int) -> str:
    """``45 seconds`` / ``3 minutes``, rounded up."""
    if seconds < 60:
        return ngettext("%(n)d second", "%(n)d seconds", seconds) % {"n": seconds}
    minutes = math.ceil(seconds / 60)
    return ngettext("%(n)d minute", "%(n)d minutes", minutes) % {"n": minutes}


def _username(username: str) -> str:
    return username.strip().lower()[:150]


def _user_key(username: str) -> str:
    """The username in a cache key: hashed, since it is whatever the form or the API call
    carried (spaces, control characters, any length)."""
    return hashlib.sha256(_username(username).encode()).hexdigest()[:32]


def _counter_keys(username: str, address: str) -> dict[str, str]:
    user, addr = _user_key(username), address_key(address)
    return {
        PAIR: f"signin-fail:pair:{addr}:{user}",
        ADDRESS: f"signin-fail:addr:{addr}",
        USERNAME: f"signin-fail:user:{user}",
    }


def _known_key(username: str, address: str) -> str:
    return f"signin-ok:{address_key(address)}:{_user_key(username)}"


def _free(counter: str) -> int:
    return {
        PAIR: settings.LOGIN_ATTEMPTS_LIMIT,
        ADDRESS: settings.LOGIN_ADDRESS_LIMIT,
        USERNAME: settings.LOGIN_USERNAME_LIMIT,
    }[counter]


def delay_after(failures: int, free: int) -> int:
    """Seconds to wait after the last failure once ``failures`` have been counted: none within
    the free allowance, then LOGIN_DELAY doubling with each failure, at most LOGIN_DELAY_MAX."""
    if failures < free:
        return 0
    doublings = min(failures - free, 32)
    return int(min(settings.LOGIN_DELAY * 2**doublings, settings.LOGIN_DELAY_MAX))


def is_known_address(username: str, address: str) -> bool:
    """The user has fully signed in from this address (or its /64) recently."""
    return bool(cache.get(_known_key(username, address)))


def check(username: str, address: str) -> Verdict:
    """May a password or code for ``username`` from ``address`` be checked now?"""
    keys = _counter_keys(username, address)
    known = _known_key(username, address)
    stored: dict[str, Any] = cache.get_many(
        [known, *keys.values(), *(key + ":at" for key in keys.values())]
    )
    counters = [PAIR] if stored.get(known) else [PAIR, ADDRESS, USERNAME]
    now = clock.now().timestamp()
    verdict = Verdict(allowed=True)
    for counter in counters:
        failures = int(stored.get(keys[counter]) or 0)
        last = float(stored.get(keys[counter] + ":at") or 0)
        wait = math.ceil(last + delay_after(failures, _free(counter)) - now)
        if wait > verdict.retry_after:
            verdict = Verdict(allowed=False, retry_after=wait, counter=counter)
    if not verdict.allowed:
        logger.warning(
            "sign-in refused for %r from %s: %s limit, retry after %d s",
            _username(username),
            address,
            verdict.counter,
            verdict.retry_after,
        )
    return verdict


def _count(key: str) -> int:
    window = settings.LOGIN_ATTEMPTS_WINDOW
    cache.add(key, 0, window)
    try:
        failures = int(cache.incr(key))
    except ValueError:  # expired between add and incr
        cache.set(key, 1, window)
        failures = 1
    cache.touch(key, window)
    cache.set(key + ":at", clock.now().timestamp(), window)
    return failures


def record_failure(username: str, address: str) -> None:
    """Count a wrong password or code for ``username`` from ``address``."""
    counts = {counter: _count(key) for counter, key in _counter_keys(username, address).items()}
    logger.info(
        "sign-in failed for %r from %s (%d from this address for this user, %d from this "
        "address, %d for this user)",
        _username(username),
        address,
        counts[PAIR],
        counts[ADDRESS],
        counts[USERNAME],
    )


def record_sign_in(username: str, address: str) -> None:
    """A full sign-in: forget this pair's failures and remember the address as usual."""
    pair = _counter_keys(username, address)[PAIR]
    cache.delete_many([pair, pair + ":at"])
    cache.set(_known_key(username, address), 1, settings.LOGIN_KNOWN_ADDRESS_DAYS * 86400)
