"""Every API error is JSON with a sentence in the request's language, never a stack trace.

400 ``{"detail", "errors": {field: message}}`` for bad input (the schema's or the action
layer's), 401 without a valid token, 403/409 from the action layer, 404, 413, 429, and 500.
"""

from __future__ import annotations

import logging
import math
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, Throttled, ValidationError

from newsroom.errors import ActionError, Conflict, Invalid, NotAllowed

logger = logging.getLogger(__name__)

# Where the whole body (rather than one of its fields) is wrong, as in Django's forms.
NON_FIELD = "__all__"


def error(
    api: NinjaAPI, request: HttpRequest, status: int, detail: str, **errors: str
) -> HttpResponse:
    data: dict[str, Any] = {"detail": detail}
    if status == 400:
        data["errors"] = errors
    return api.create_response(request, data, status=status)


def too_big_message() -> str:
    """Why a body was refused, with both limits: photos go as files, not inside JSON."""
    return _(
        "The request is too large: a body (without files) may have at most %(body)s MB. Send "
        "photos as files (multipart/form-data) to /api/v1/items/{code}/actions/submit/multipart: "
        "up to %(photo)s MB each."
    ) % {
        "body": round(settings.DATA_UPLOAD_MAX_MEMORY_SIZE / 1e6, 1),
        "photo": round(settings.UPLOAD_MAX_BYTES / 1e6),
    }


def field_message(problem: dict[str, Any]) -> str:
    """A sentence for one pydantic error, reusing messages Django and Warta already translate."""
    kind, ctx = problem["type"], problem.get("ctx") or {}
    if kind == "iso_date":
        return str(ctx["reason"])  # already a sentence naming the parameter (api.schemas)
    if kind == "missing":
        return _("This field is required.")
    if kind == "string_too_long":
        return _("At most %(limit)d characters.") % {"limit": ctx["max_length"]}
    if kind == "extra_forbidden":
        return _("Unknown field.")
    if kind == "literal_error":
        return _("Choose one of: %(expected)s.") % {"expected": ctx["expected"]}
    if kind.startswith(("int_", "decimal_", "float_")):
        return _("Enter a number.")
    if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        return _("Enter a number within the allowed range.")
    if kind.startswith("datetime_"):
        return _("Enter a valid date/time.")
    if kind.startswith("date_"):
        return _("Enter a valid date.")
    if kind.startswith("bool_"):
        return _("Enter true or false.")
    if kind in ("string_type", "list_type", "dict_type", "model_type", "model_attributes_type"):
        return _("Enter a value of the right type (%(expected)s).") % {
            "expected": {
                "string_type": _("text"),
                "list_type": _("a list"),
                "dict_type": _("an object"),
            }.get(kind, _("an object"))
        }
    return _("Enter a valid value.")


def field_name(loc: tuple[Any, ...], body_params: set[str]) -> str:
    """``("body", "payload", "activity", "name")`` -> ``"activity.name"``."""
    parts = list(loc[1:])  # drop the source: body, query, path
    if loc and loc[0] == "body" and parts and parts[0] in body_params:
        parts = parts[1:]
    return ".".join(str(p) for p in parts) or NON_FIELD


def install(api: NinjaAPI, body_params: set[str]) -> None:
    """Register the handlers; ``body_params`` are the view arguments that hold the body."""

    @api.exception_handler(ValidationError)
    def validation(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        errors: dict[str, str] = {}
        for problem in exc.errors:
            name = field_name(tuple(problem["loc"]), body_params)
            if name == NON_FIELD and problem["type"] in ("missing", "model_attributes_type"):
                errors.setdefault(name, _("Send the fields as a JSON object."))
            else:
                errors.setdefault(name, field_message(problem))
        return error(api, request, 400, _("Some fields need attention."), **errors)

    @api.exception_handler(Invalid)
    def invalid(request: HttpRequest, exc: Invalid) -> HttpResponse:
        return error(api, request, 400, _("Some fields need attention."), **exc.errors)

    @api.exception_handler(NotAllowed)
    def not_allowed(request: HttpRequest, exc: NotAllowed) -> HttpResponse:
        return error(api, request, 403, exc.message)

    @api.exception_handler(Conflict)
    def conflict(request: HttpRequest, exc: Conflict) -> HttpResponse:
        return error(api, request, 409, exc.message)

    @api.exception_handler(ActionError)
    def action_error(request: HttpRequest, exc: ActionError) -> HttpResponse:
        return error(api, request, 400, exc.message)

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        response = error(
            api,
            request,
            401,
            _("Sign in first: send the header “Authorization: Bearer <token>” with a valid token."),
        )
        response["WWW-Authenticate"] = "Bearer"
        return response

    @api.exception_handler(Throttled)
    def throttled(request: HttpRequest, exc: Throttled) -> HttpResponse:
        seconds = math.ceil(exc.wait or 60)
        response = error(
            api,
            request,
            429,
            _("Too many requests; wait %(seconds)d seconds and try again.") % {"seconds": seconds},
        )
        response["Retry-After"] = str(seconds)
        return response

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        if exc.status_code == 400 and str(exc).startswith("Cannot parse request body"):
            message = _("The request body is not valid JSON.")
            return error(api, request, 400, message, **{NON_FIELD: message})
        return error(api, request, exc.status_code, str(exc))

    @api.exception_handler(RequestDataTooBig)
    def too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
        return error(api, request, 413, too_big_message())

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return error(api, request, 404, _("Not found."))

    @api.exception_handler(Exception)
    def server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
        logger.error("API error on %s %s", request.method, request.path, exc_info=exc)
        return error(api, request, 500, _("Something went wrong on our side; it has been logged."))
