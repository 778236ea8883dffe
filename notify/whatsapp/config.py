"""The WhatsApp settings in force: the admin's override where set, else the environment."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.conf import settings

from channels import conf
from notify import crypto
from notify.models import WhatsAppConfig

# A version at the end of a configured base ("https://graph.facebook.com/v21.0", as Warta's
# settings once had it): WARTA_GRAPH_API_VERSION alone says which version is called.
_VERSION_SUFFIX = re.compile(r"/v[0-9]+(?:\.[0-9]+)?/*$")


@dataclass(frozen=True)
class Config:
    api_base: str
    phone_number_id: str
    token: str
    app_secret: str
    verify_token: str

    @property
    def can_send(self) -> bool:
        return bool(self.api_base and self.phone_number_id and self.token)

    @property
    def graph_url(self) -> str:
        """The Graph API root: the host, and the version Facebook and Instagram use too."""
        host = _VERSION_SUFFIX.sub("", self.api_base.rstrip("/"))
        return f"{host}/{conf.get('WARTA_GRAPH_API_VERSION')}"

    @property
    def messages_url(self) -> str:
        return f"{self.graph_url}/{self.phone_number_id}/messages"


def current() -> Config:
    row = WhatsAppConfig.objects.filter(pk=1).first()

    def pick(override: str, setting: str) -> str:
        return override or str(getattr(settings, setting, "") or "")

    if row is None:
        row = WhatsAppConfig()
    return Config(
        api_base=pick(row.api_base, "WHATSAPP_API_BASE") or str(conf.get("WARTA_GRAPH_BASE")),
        phone_number_id=pick(row.phone_number_id, "WHATSAPP_PHONE_NUMBER_ID"),
        token=pick(crypto.decrypt(row.token_encrypted), "WHATSAPP_TOKEN"),
        app_secret=pick(crypto.decrypt(row.app_secret_encrypted), "WHATSAPP_APP_SECRET"),
        verify_token=pick(crypto.decrypt(row.verify_token_encrypted), "WHATSAPP_VERIFY_TOKEN"),
    )
