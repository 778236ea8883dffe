"""Every change to sign-in credentials that Warta makes itself: API tokens issued and revoked.

(Passwords are changed in the admin; a new password revokes the user's tokens in
``User.save``, see accounts/models.py.)
"""

from __future__ import annotations

import logging

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from accounts import throttle
from accounts.models import ApiToken, Role, User
from newsroom.errors import NotAllowed

logger = logging.getLogger("warta.security")


def may_manage_tokens_of_others(user: User) -> bool:
    """Administrators (the admin role or a superuser) may list and revoke anybody's tokens."""
    return user.is_superuser or user.role == Role.ADMIN


def issue_token(user: User, *, address: str, user_agent: str) -> str:
    """A new API token for a user who has just proved who they are; its key, shown once.

    Counts as a full sign-in for the throttle: the address becomes one the user signs in from.
    """
    key = ApiToken.objects.issue(user, address=address, user_agent=user_agent)
    throttle.record_sign_in(user.get_username(), address)
    logger.info("API token issued to %r from %s", user.username, address)
    return key


def tokens_of(user: User) -> QuerySet[ApiToken]:
    """The user's valid tokens, the newest first."""
    return ApiToken.objects.valid().filter(user=user).order_by("-created_at")


def revoke_token(actor: User, token: ApiToken) -> None:
    """Revoke (delete) one token: the owner's own, or anybody's by an administrator."""
    if token.user_id != actor.pk and not may_manage_tokens_of_others(actor):
        raise NotAllowed(_("Only the token's owner or an administrator may revoke it."))
    token.delete()
    logger.info(
        "API token …%s of %r revoked by %r", token.hint, token.user.username, actor.username
    )
