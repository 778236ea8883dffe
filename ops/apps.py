from __future__ import annotations

from typing import Any

from django.apps import AppConfig


class OpsConfig(AppConfig):
    """Running Warta: serving, health, logs with request ids, doctor, backup and restore."""

    name = "ops"

    def ready(self) -> None:
        from huey.contrib.djhuey import HUEY

        from ops.requestid import RequestContext, bind

        @HUEY.pre_execute(name="warta_log_context")
        def log_under_task_id(task: Any) -> None:
            """A job's log lines carry ``task-<id>`` (inline jobs keep their request's id)."""
            if not HUEY.immediate:
                bind(RequestContext(request_id=f"task-{task.id}", method="TASK", path=task.name))
