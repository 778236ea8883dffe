"""``/channels``: the accounts Warta posts to (administrators only). Secrets are write-only."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError
from pydantic import ConfigDict

from api.auth import current_user
from api.outputs import ErrorOut
from api.schemas import RowId
from channels import actions
from channels.models import ChannelAccount
from newsroom.errors import NotAllowed

router = Router(tags=["channels"])

ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}


class ChannelAccountIn(Schema):
    model_config = ConfigDict(str_strip_whitespace=True, extra="forbid")
    kind: str = Field(..., max_length=30, description="facebook, instagram, x or wordpress")
    name: str = Field(..., max_length=100)
    config: dict[str, str] = Field(default_factory=dict, description="page_id, ig_user_id, ...")
    secrets: dict[str, str] = Field(default_factory=dict, description="write-only tokens")
    active: bool = True


class ChannelAccountPatch(Schema):
    model_config = ConfigDict(str_strip_whitespace=True, extra="forbid")
    name: str | None = Field(None, max_length=100)
    config: dict[str, str] | None = None
    secrets: dict[str, str] | None = None
    active: bool | None = None


class ChannelAccountOut(Schema):
    id: int
    kind: str
    name: str
    config: dict[str, Any]
    secrets: dict[str, str] = Field(description="masked: enough to recognise, never to use")
    active: bool
    needs_reconnect: bool
    status: str


class ConnectionTestOut(Schema):
    ok: bool
    message: str


def _out(account: ChannelAccount) -> ChannelAccountOut:
    return ChannelAccountOut(
        id=account.pk,
        kind=account.kind,
        name=account.name,
        config=account.config,
        secrets=account.masked_secrets(),
        active=account.active,
        needs_reconnect=account.needs_reconnect,
        status=account.status_message,
    )


def _admin(request: HttpRequest) -> Any:
    user = current_user(request)
    if not actions.is_channel_admin(user):
        raise NotAllowed(_("Only an administrator may set up channels."))
    return user


def _account(account_id: RowId) -> ChannelAccount:
    account = ChannelAccount.objects.filter(pk=account_id).first()
    if account is None:
        raise HttpError(404, _("There is no channel account with this id."))
    return account


@router.get("", response={200: list[ChannelAccountOut], **ERRORS})
def list_accounts(request: HttpRequest) -> list[ChannelAccountOut]:
    _admin(request)
    return [_out(a) for a in ChannelAccount.objects.all()]


@router.post("", response={201: ChannelAccountOut, **ERRORS})
def add_account(request: HttpRequest, payload: ChannelAccountIn) -> Status[ChannelAccountOut]:
    account = actions.save_account(
        _admin(request),
        kind=payload.kind,
        name=payload.name,
        config=payload.config,
        secrets=payload.secrets,
        active=payload.active,
    )
    return Status(201, _out(account))


@router.patch("/{account_id}", response={200: ChannelAccountOut, **ERRORS})
def change_account(
    request: HttpRequest, account_id: RowId, payload: ChannelAccountPatch
) -> ChannelAccountOut:
    user = _admin(request)
    account = _account(account_id)
    account = actions.save_account(
        user,
        kind=account.kind,
        name=payload.name if payload.name is not None else account.name,
        config=payload.config,
        secrets=payload.secrets,
        active=payload.active,
        account=account,
    )
    return _out(account)


@router.delete("/{account_id}", response={204: None, **ERRORS})
def delete_account(request: HttpRequest, account_id: RowId) -> Status[None]:
    actions.delete_account(_admin(request), _account(account_id))
    return Status(204, None)


@router.post("/{account_id}/test", response={200: ConnectionTestOut, **ERRORS})
def test_account(request: HttpRequest, account_id: RowId) -> ConnectionTestOut:
    ok, message = actions.test_account(_admin(request), _account(account_id))
    return ConnectionTestOut(ok=ok, message=message)
