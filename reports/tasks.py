"""Background jobs: exports run in the worker and record their progress on the Export row."""

from __future__ import annotations

import logging

from django.core.files.base import ContentFile
from django.utils import translation
from huey.contrib.djhuey import db_task

from lib import clock
from reports import exporters
from reports.models import Export

logger = logging.getLogger(__name__)


def _progress(export_id: int) -> exporters.Progress:
    def record(percent: int) -> None:
        Export.objects.filter(pk=export_id, state=Export.State.RUNNING).update(
            progress=max(0, min(percent, 99))
        )

    return record


@db_task()
def write_export(export_id: int) -> None:
    """Claim a queued export (once, whatever the number of workers), write it, store the file."""
    claimed = Export.objects.filter(pk=export_id, state=Export.State.QUEUED).update(
        state=Export.State.RUNNING, progress=1
    )
    if not claimed:
        return
    export = Export.objects.get(pk=export_id)
    try:
        with translation.override(export.params.get("language", "id")):
            written = exporters.write(export, _progress(export_id))
    except (OSError, ValueError, KeyError) as exc:
        logger.exception("export %s failed", export.code)
        Export.objects.filter(pk=export_id).update(
            state=Export.State.FAILED, error=str(exc), finished_at=clock.now()
        )
        return
    export.file.save(written.name, ContentFile(written.content), save=False)
    export.state = Export.State.DONE
    export.progress = 100
    export.finished_at = clock.now()
    export.save(update_fields=["file", "state", "progress", "finished_at"])
