"""The demo office that ``make run`` creates on an empty database."""

from __future__ import annotations

import os
from dataclasses import dataclass

from accounts.models import Role

DEFAULT_DEMO_PASSWORD = "warta-demo-2026"
# The authenticator-app secret (base32) of the demo Kabid, Kasi and admin: known on purpose, so
# anybody trying the demo can add it to an app or print the code with `manage.py demo_totp`.
# Only seed_demo uses it; real accounts get a random secret on the setup page.
DEMO_TOTP_SECRET = "WARTADEMOLAMPUNGKOMINFOPLIPSEKAR"


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: Role
    first_name: str
    last_name: str
    email: str


DEMO_ACCOUNTS: tuple[DemoAccount, ...] = (
    DemoAccount("kabid", Role.KABID, "Rina", "Marlina", "kabid@warta.test"),
    DemoAccount("kasi", Role.KASI, "Budi", "Santoso", "kasi@warta.test"),
    DemoAccount("operator1", Role.OPERATOR, "Sari", "Wulandari", "operator1@warta.test"),
    DemoAccount("operator2", Role.OPERATOR, "Dodi", "Pratama", "operator2@warta.test"),
    DemoAccount("admin", Role.ADMIN, "Ani", "Lestari", "admin@warta.test"),
)


def demo_password() -> str:
    """The demo accounts' password: ``WARTA_DEMO_PASSWORD``, else the documented default."""
    return os.environ.get("WARTA_DEMO_PASSWORD") or DEFAULT_DEMO_PASSWORD
