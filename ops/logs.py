"""JSON log lines for a log collector (``WARTA_LOG_FORMAT=json``): one object per line."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import Any

# Set by ops.requestid.RequestContextFilter (request fields) or passed as ``extra`` (the rest).
FIELDS = ("request_id", "method", "path", "status", "duration_ms", "user_id")


class JsonFormatter(logging.Formatter):
    """time, level, logger, message, the request fields that are known, and the exception."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for name in FIELDS:
            value = getattr(record, name, None)
            if value not in (None, "", "-"):
                line[name] = value
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)
