from __future__ import annotations

from django.apps import AppConfig


class OpsConfig(AppConfig):
    """Running Warta: the one command that serves the web app and the job worker together."""

    name = "ops"
