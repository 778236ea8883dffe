"""The server error page: static-safe, with the request id a person can quote to the admin."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponseServerError
from django.template import loader

from ops.requestid import current


def server_error(request: HttpRequest) -> HttpResponseServerError:
    """Like Django's own, plus the request id; no context processors, so no database access."""
    template = loader.get_template("500.html")
    return HttpResponseServerError(template.render({"request_id": current().request_id}))
