"""Every change to channel accounts and to a publication's outcome by a person.

Same rules as ``newsroom.actions``: permission checked here, one transaction, an audit entry;
the admin, the API and the item page all call these functions.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.delegation import acts_for
from accounts.models import Role, User
from channels import http, outbox, registry, retraction
from channels.base import ChannelError
from channels.models import ChannelAccount, Publication, RetractReason
from channels.remote import RemoteChannel
from lib import clock
from newsroom import audit
from newsroom.errors import Conflict, Invalid, NotAllowed
from newsroom.models import Item

NAME_MAX = 100
VALUE_MAX = 500
NOTE_MAX = 4000
# Config every remote kind accepts besides its own: base URLs of the API and of the sign-in
# page, for a proxy or a fake platform.
COMMON_CONFIG = ("api_base", "auth_base")


def is_channel_admin(user: User) -> bool:
    return bool(user.is_active and (user.is_superuser or user.role == Role.ADMIN))


def _require_admin(user: User) -> None:
    if not is_channel_admin(user):
        raise NotAllowed(_("Only an administrator may set up channels."))


def remote_kinds() -> list[str]:
    return [k for k in registry.kinds() if not registry.connector(k).local]


def _connector(kind: str) -> RemoteChannel:
    connector = registry.connector(kind)
    assert isinstance(connector, RemoteChannel)
    return connector


def _clean(
    errors: dict[str, str], field: str, values: dict[str, Any] | None, allowed: tuple[str, ...]
) -> dict[str, str]:
    clean: dict[str, str] = {}
    for key, value in (values or {}).items():
        if key not in allowed:
            errors[field] = _("Unknown setting “%(key)s”; allowed: %(allowed)s.") % {
                "key": key,
                "allowed": ", ".join(allowed),
            }
        elif not isinstance(value, str) or len(value) > VALUE_MAX:
            errors[field] = _("Each setting is text of at most %(limit)d characters.") % {
                "limit": VALUE_MAX
            }
        else:
            clean[key] = value.strip()
    return clean


def _check_urls(errors: dict[str, str], config: dict[str, str]) -> None:
    for key in ("api_base", "auth_base", "site_url"):
        if config.get(key):
            try:
                URLValidator(schemes=["http", "https"])(config[key])
            except ValidationError:
                errors["config"] = _("“%(key)s” must be a web address (http or https).") % {
                    "key": key
                }
                continue
            # Refused when saved, not only when used (every connection checks again).
            if refusal := http.refusal_of_saved_url(config[key]):
                errors["config"] = refusal


def check_account(
    kind: str,
    name: str,
    config: dict[str, Any] | None,
    secrets: dict[str, Any] | None,
) -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    """(field errors, clean config, clean secrets) for an account's fields."""
    errors: dict[str, str] = {}
    if kind not in remote_kinds():
        errors["kind"] = _("Choose one of: %(expected)s.") % {"expected": ", ".join(remote_kinds())}
        return errors, {}, {}
    connector = _connector(kind)
    name = (name or "").strip()
    if not name or len(name) > NAME_MAX:
        errors["name"] = _("A name of 1 to %(limit)d characters is required.") % {"limit": NAME_MAX}
    clean_config = _clean(errors, "config", config, connector.config_names + COMMON_CONFIG)
    clean_secrets = _clean(errors, "secrets", secrets, connector.secret_names)
    _check_urls(errors, clean_config)
    return errors, clean_config, clean_secrets


def save_account(
    user: User,
    *,
    kind: str,
    name: str,
    config: dict[str, Any] | None = None,
    secrets: dict[str, Any] | None = None,
    active: bool | None = None,
    account: ChannelAccount | None = None,
) -> ChannelAccount:
    """Create (``account`` None or unsaved) or change a channel account.

    ``config`` replaces the settings when given; ``secrets`` are merged (an empty value removes
    one) and never written to the audit log.
    """
    _require_admin(user)
    errors, clean_config, clean_secrets = check_account(kind, name, config, secrets)
    name = (name or "").strip()
    if account is not None and account.pk is not None:
        stored_kind = ChannelAccount.objects.filter(pk=account.pk).values_list("kind", flat=True)
        if stored_kind.first() != kind:
            errors["kind"] = _("The channel of an account cannot change; add a new account.")
    if errors:
        raise Invalid(errors)
    with transaction.atomic():
        if account is None:
            account = ChannelAccount()
        account.kind, account.name = kind, name
        if config is not None:
            account.config = clean_config
        if active is not None:
            account.active = active
        if clean_secrets:
            account.set_secrets(clean_secrets)
            # New credentials: whatever was wrong with the old ones no longer applies.
            account.needs_reconnect, account.status_message = False, ""
        created = account.pk is None
        account.save()
        audit.append(
            user,
            "channel_account_added" if created else "channel_account_changed",
            account=account.pk,
            kind=kind,
            name=name,
            config=clean_config,
            secrets_changed=sorted(clean_secrets),  # names only, never values
        )
    return account


def connect_account(
    user: User, account: ChannelAccount, *, config: dict[str, str], secrets: dict[str, str]
) -> ChannelAccount:
    """Store what the platform's sign-in gave (tokens, page or user id) on the account.

    The other settings stay; new tokens clear "needs reconnecting" (as ``save_account`` does).
    """
    _require_admin(user)
    with transaction.atomic():
        saved = save_account(
            user,
            kind=account.kind,
            name=account.name,
            config={**(account.config or {}), **{k: v for k, v in config.items() if v}},
            secrets=secrets,
            account=account,
        )
        audit.append(user, "channel_account_connected", account=saved.pk, kind=saved.kind)
    return saved


def delete_account(user: User, account: ChannelAccount) -> None:
    _require_admin(user)
    if account.publications.exists():
        raise Conflict(_("This account has posts on record; deactivate it instead of deleting it."))
    with transaction.atomic():
        audit.append(user, "channel_account_deleted", account=account.pk, name=account.name)
        account.delete()


def test_account(user: User, account: ChannelAccount) -> tuple[bool, str]:
    """Call a harmless endpoint of the platform; (worked, a sentence for the person)."""
    _require_admin(user)
    try:
        message = _connector(account.kind).test_connection(account)
    except ChannelError as exc:
        ChannelAccount.objects.filter(pk=account.pk).update(
            needs_reconnect=exc.reconnect, status_message=exc.message
        )
        return False, exc.message
    ChannelAccount.objects.filter(pk=account.pk).update(
        needs_reconnect=False, status_message=message
    )
    return True, message


def _require_operator(user: User, publication: Publication) -> None:
    operator = publication.item.operator
    if operator is None or not acts_for(user, operator):
        raise NotAllowed(_("Only the item's operator may do this."))


def retry_publication(user: User, publication: Publication) -> Publication:
    """ "Coba lagi": send a failed (or waiting) publication now.

    It first looks for the post on the platform, in case an earlier attempt did post it.
    """
    _require_operator(user, publication)
    with transaction.atomic():
        row = Publication.objects.select_for_update().get(pk=publication.pk)
        if row.state not in (Publication.State.FAILED, Publication.State.RETRY,
                             Publication.State.UNKNOWN):  # fmt: skip
            raise Conflict(_("Only a failed or waiting post can be retried."))
        row.state = Publication.State.UNKNOWN  # reconcile first: never post twice
        row.next_attempt_at = clock.now()
        row.attempts = 0
        row.save(update_fields=["state", "next_attempt_at", "attempts"])
        audit.append(user, "retry_publication", row.item.code, channel=row.channel)
        transaction.on_commit(partial(outbox.enqueue, row.pk))
    return row


def record_manual_link(user: User, publication: Publication, url: str) -> Publication:
    """ "Catat tautan manual": the post was made by hand; record its link as the outcome."""
    _require_operator(user, publication)
    url = (url or "").strip()
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError as exc:
        raise Invalid({"url": _("Enter the post's web address (http or https).")}) from exc
    if len(url) > 500:
        raise Invalid({"url": _("At most %(limit)d characters.") % {"limit": 500}})
    with transaction.atomic():
        row = Publication.objects.select_for_update().select_related("item").get(pk=publication.pk)
        if row.state in (Publication.State.POSTED, Publication.State.SENDING):
            raise Conflict(_("This post is already posted or being sent."))
        if row.state == Publication.State.RETRACTED or row.retract_requested_at is not None:
            raise Conflict(_("This item was retracted; its posts cannot get a link any more."))
        row.state, row.permalink, row.external_id = Publication.State.POSTED, url, ""
        row.posted_at, row.lease_until, row.next_attempt_at = clock.now(), None, None
        row.last_error = ""
        row.save()
        audit.append(user, "record_link", row.item.code, channel=row.channel, url=url)
        from newsroom.actions import finish_post_when_published

        finish_post_when_published(row.item)
    return row


def may_retract(user: User, item: Item) -> bool:
    """The item's Kabid or Kasi (or someone acting for them) may take its posts down."""
    heads = [p for p in (item.assigned_by, item.kasi) if p is not None]
    return user.is_active and any(acts_for(user, head) for head in heads)


# Rows not on any platform yet: retracting them cancels them, nothing is called.
UNSENT = (Publication.State.QUEUED, Publication.State.RETRY, Publication.State.FAILED)


def retract_item(user: User, item: Item, reason: str, *, note: str = "") -> list[Publication]:
    """Take the item down on every channel; scheduled or unsent posts are cancelled.

    ``reason`` is a ``RetractReason`` (shown on the website's notice); ``note`` stays in the
    audit log only, since a takedown request may itself name a person. The website is taken
    down in this transaction; each remote post by its own job once it commits.
    """
    if not may_retract(user, item):
        raise NotAllowed(_("Only the item's Kabid or Kasi may retract it."))
    errors: dict[str, str] = {}
    if reason not in RetractReason.values:
        errors["reason"] = _("Choose one of: %(expected)s.") % {
            "expected": ", ".join(RetractReason.values)
        }
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        errors["note"] = _("At most %(limit)d characters.") % {"limit": NOTE_MAX}
    if errors:
        raise Invalid(errors)
    from newsroom.actions import end_post_by_retraction

    with transaction.atomic():
        # The item first: a "post" racing with this retraction waits, or is refused after it.
        item = Item.objects.select_for_update().get(pk=item.pk)
        rows = list(
            Publication.objects.select_for_update()
            .filter(item=item, retract_requested_at__isnull=True)
            .exclude(state=Publication.State.RETRACTED)
        )
        if any(r.state in (Publication.State.SENDING, Publication.State.UNKNOWN) for r in rows):
            raise Conflict(
                _("A post of this item is being sent right now; retract it in a few minutes.")
            )
        # Step 7 still open (posting scheduled or under way, or not started): it ends here.
        closed = end_post_by_retraction(user, item, reason)
        if not rows and closed is None:
            raise Conflict(_("This item has no posts to retract."))
        now = clock.now()
        for row in rows:
            row.retract_reason, row.retract_requested_at = reason, now
            row.save(update_fields=["retract_reason", "retract_requested_at"])
            if row.state in UNSENT or registry.connector(row.channel).local or not row.online:
                # The website only stops showing it; unsent rows never reached a platform; a
                # row whose post a newer version took over in place has nothing of its own.
                retraction.record_retracted(row)
            else:
                transaction.on_commit(partial(_enqueue_retraction, row.pk))
        audit.append(
            user,
            "retract",
            item.code,
            reason=reason,
            note=note,
            channels=sorted(r.channel for r in rows),
            step_closed=closed is not None,
        )
    return rows


def _enqueue_retraction(publication_id: int) -> None:
    from channels.tasks import retract_publication

    retract_publication(publication_id)


def confirm_manual_takedown(user: User, publication: Publication) -> Publication:
    """The post was deleted by hand (Instagram): record it as retracted."""
    if not may_retract(user, publication.item):
        raise NotAllowed(_("Only the item's Kabid or Kasi may retract it."))
    with transaction.atomic():
        row = Publication.objects.select_for_update().select_related("item").get(pk=publication.pk)
        if not row.manual_takedown or row.state != Publication.State.POSTED:
            raise Conflict(_("This post is not waiting to be taken down by hand."))
        retraction.record_retracted(row)
        audit.append(user, "retract_confirmed", row.item.code, channel=row.channel)
    return row
