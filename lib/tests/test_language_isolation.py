"""A test that asks for English pages does not leave English on for the tests after it.

pytest runs a module's tests in order (both use the database, so pytest-django keeps them in one
group, next to each other): the first one makes a request in English, the second checks that the
next test starts in the office's language again (conftest.py)."""

from __future__ import annotations

from django.test import Client
from django.utils import translation


def test_a_request_in_english_switches_the_thread_to_english(db: None) -> None:
    Client().get("/masuk/", HTTP_ACCEPT_LANGUAGE="en")

    assert translation.get_language() == "en"


def test_the_next_test_starts_in_indonesian_again(db: None) -> None:
    assert translation.get_language() == "id"
