from __future__ import annotations

from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "notify"
    label = "notify"
    verbose_name = "Notifications"

    def ready(self) -> None:
        from django.core import checks

        from newsroom.audit import action_recorded
        from notify import dispatch
        from notify.checks import whatsapp_settings

        checks.register(whatsapp_settings)

        action_recorded.connect(dispatch.on_action_recorded, dispatch_uid="notify.dispatch")
