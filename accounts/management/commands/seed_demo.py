"""Create the demo office (a Kabid, a Kasi, two operators, an admin) on an empty database."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from accounts.demo import DEMO_ACCOUNTS, DEMO_TOTP_SECRET, demo_password
from accounts.mfa import enrol_totp, requires_mfa
from accounts.models import Role, User
from newsroom.models import Item
from portal.demo import post_demo_articles


class Command(BaseCommand):
    help = (
        "Create the demo accounts (kabid, kasi, operator1, operator2, admin) with the password "
        "from WARTA_DEMO_PASSWORD; kabid, kasi and admin get the demo authenticator secret "
        "(manage.py demo_totp prints their code). Does nothing on a database that already holds "
        "users or items."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        # Never touch a database somebody already uses: no demo password on a real office.
        if User.objects.exists() or Item.objects.exists():
            self.stdout.write("seed_demo: the database already holds data; skipped.")
            return
        password = demo_password()
        with transaction.atomic():
            for account in DEMO_ACCOUNTS:
                is_admin = account.role == Role.ADMIN
                user = User(
                    username=account.username,
                    role=account.role,
                    first_name=account.first_name,
                    last_name=account.last_name,
                    email=account.email,
                    is_staff=is_admin,
                    is_superuser=is_admin,
                )
                user.set_password(password)
                user.save()
                if requires_mfa(user):
                    enrol_totp(user, DEMO_TOTP_SECRET)
            office = {u.username: u for u in User.objects.all()}
            articles = post_demo_articles(office)
        names = ", ".join(a.username for a in DEMO_ACCOUNTS)
        self.stdout.write(self.style.SUCCESS(f"seed_demo: created the demo office ({names})."))
        self.stdout.write(f"seed_demo: posted {len(articles)} demo articles to the website.")
