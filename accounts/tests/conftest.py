"""Fixtures of the sign-in tests."""

from __future__ import annotations

import pytest

from accounts.testing import MovableClock


@pytest.fixture
def moved(monkeypatch: pytest.MonkeyPatch) -> MovableClock:
    """Warta's clock, held still until the test moves it."""
    return MovableClock(monkeypatch)
