from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from accounts.demo import DEFAULT_DEMO_PASSWORD
from accounts.models import Role, User

pytestmark = pytest.mark.django_db


def seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def test_it_creates_the_five_demo_accounts_with_their_roles(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("WARTA_DEMO_PASSWORD", "sandi-uji-2026")

    output = seed()

    roles = dict(User.objects.values_list("username", "role"))
    assert roles == {
        "kabid": Role.KABID,
        "kasi": Role.KASI,
        "operator1": Role.OPERATOR,
        "operator2": Role.OPERATOR,
        "admin": Role.ADMIN,
    }
    for user in User.objects.all():
        assert user.check_password("sandi-uji-2026"), user.username
        assert user.first_name and user.last_name, user.username
    assert "created the demo office" in output


def test_it_makes_only_admin_a_superuser() -> None:
    seed()

    assert list(User.objects.filter(is_superuser=True).values_list("username", flat=True)) == [
        "admin"
    ]
    assert list(User.objects.filter(is_staff=True).values_list("username", flat=True)) == ["admin"]


def test_it_uses_the_documented_password_when_none_is_given(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("WARTA_DEMO_PASSWORD", raising=False)

    seed()

    assert User.objects.get(username="kasi").check_password(DEFAULT_DEMO_PASSWORD)


def test_it_leaves_a_database_that_holds_a_user_alone() -> None:
    User.objects.create_user("sekretaris", password="sandi-lama-123", role=Role.KASI)

    output = seed()

    assert list(User.objects.values_list("username", flat=True)) == ["sekretaris"]
    assert "skipped" in output


def test_it_does_not_seed_twice(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WARTA_DEMO_PASSWORD", "sandi-pertama-1")
    seed()
    monkeypatch.setenv("WARTA_DEMO_PASSWORD", "sandi-kedua-22")

    output = seed()

    assert User.objects.count() == 5
    assert User.objects.get(username="kabid").check_password("sandi-pertama-1")
    assert "skipped" in output
