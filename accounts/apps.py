from __future__ import annotations

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"

    def ready(self) -> None:
        from django.core import checks

        from accounts import signals  # noqa: F401  (connects the receivers)
        from accounts.checks import trusted_proxies

        checks.register(trusted_proxies)
