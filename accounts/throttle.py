"""Failed-login throttling shared by the login page and the API token endpoint.

Counts live in the cache (database cache by default, Redis in production), so every process
sees the same numbers.
"""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache


def _keys(username: str, address: str) -> list[str]:
    return [f"login-fail:user:{username.lower()[:150]}", f"login-fail:addr:{address}"]


def is_locked_out(username: str, address: str) -> bool:
    limit = settings.LOGIN_ATTEMPTS_LIMIT
    return any((cache.get(key) or 0) >= limit for key in _keys(username, address))


def record_failure(username: str, address: str) -> None:
    for key in _keys(username, address):
        cache.add(key, 0, settings.LOGIN_ATTEMPTS_WINDOW)
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, settings.LOGIN_ATTEMPTS_WINDOW)


def clear_failures(username: str, address: str) -> None:
    cache.delete(_keys(username, address)[0])
