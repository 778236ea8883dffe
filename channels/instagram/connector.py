"""Instagram posts (content publishing): container → wait until FINISHED → media_publish.

The container id is remembered on the Publication as soon as it exists. Nothing can be
published without a container, and a container is published at most once: a later attempt
asks the container's status first (PUBLISHED means the earlier attempt succeeded; FINISHED
means publish it now; ERROR or EXPIRED means make a new one). Which of the account's media came
from it is told by the caption and the moment (one of this publication's uncertain attempts,
``channels.evidence``). Instagram does not let apps delete posts: a correction posts the new
version and leaves the old post to a person, with its link.
"""

from __future__ import annotations

import time
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from channels import conf, evidence, graph, http, text
from channels.base import ChannelError, Correction, Draft, Posted, Preview
from channels.instagram import answers
from channels.remote import RemoteChannel
from images import social

if TYPE_CHECKING:
    import httpx

    from channels.models import ChannelAccount, Publication
    from newsroom.models import Version

LABEL = "Instagram"
MAX_IMAGES = 10
MAX_BYTES = 8 * 1024 * 1024
# Width : height, from portrait 4:5 to landscape 1.91:1.
MIN_RATIO, MAX_RATIO = 4 / 5, 1.91


class InstagramChannel(RemoteChannel):
    kind = "instagram"
    label = gettext_lazy("Instagram")
    # client_id / client_secret: the app's, to connect through Facebook or Instagram Login.
    secret_names = ("access_token", "client_secret")
    config_names = ("ig_user_id", "flavour", "client_id")
    correction_policy = Correction.MANUAL

    def text(self, draft: Draft) -> str:
        return draft.caption_for(self.kind, f"{draft.title}\n\n{draft.plain_body()}".strip())

    def check(self, draft: Draft) -> list[str]:
        problems = []
        caption = self.text(draft)
        if not draft.images:
            problems.append(_("Instagram needs at least one image."))
        elif len(draft.images) > MAX_IMAGES:
            problems.append(_("Instagram takes at most 10 images in one post."))
        # Any JPEG, PNG, WebP or HEIC of any shape is fine: Instagram gets the compliant
        # rendition (a 1080 px JPEG, 4:5 or 1:1, well below MAX_BYTES; images.social).
        if len(caption) > text.INSTAGRAM_CAPTION_MAX:
            problems.append(
                _(
                    "The Instagram caption has %(count)d characters; at most 2,200 are allowed. "
                    "Write a shorter Instagram caption."
                )
                % {"count": len(caption)}
            )
        if len(text.hashtags(caption)) > text.INSTAGRAM_HASHTAGS_MAX:
            problems.append(_("An Instagram caption may have at most 30 hashtags."))
        if len(text.mentions(caption)) > text.INSTAGRAM_MENTIONS_MAX:
            problems.append(_("An Instagram caption may mention at most 20 accounts."))
        return problems

    def render(self, version: Version) -> Preview:
        caption = self.text(Draft.of(version))
        over = len(caption) > text.INSTAGRAM_CAPTION_MAX
        return Preview(text=caption, truncated_at=text.INSTAGRAM_CAPTION_MAX if over else None)

    # --- calls -------------------------------------------------------------------------------
    def _call(
        self, account: ChannelAccount, method: str, path: str, **kwargs: Any
    ) -> httpx.Response:
        token = account.secret("access_token")
        if not token:
            raise self.reconnect(account)
        default = conf.get(
            "WARTA_INSTAGRAM_BASE"
            if account.setting("flavour") == "instagram"
            else "WARTA_GRAPH_BASE"
        )
        url = f"{graph.base_url(account, str(default))}/{path.lstrip('/')}"
        return http.request(method, url, headers={"Authorization": f"Bearer {token}"}, **kwargs)

    def _ok(self, account: ChannelAccount, response: httpx.Response) -> httpx.Response:
        """The response if it is a 2xx (read it with ``channels.instagram.answers``)."""
        if response.is_success:
            return response
        raise graph.error(response, channel=LABEL, account=account)

    def _user(self, account: ChannelAccount) -> str:
        user = str(account.setting("ig_user_id"))
        if not user:
            raise ChannelError(
                _("The Instagram account “%(name)s” has no user id: set it under Channels.")
                % {"name": account.name},
                permanent=True,
            )
        return user

    def _status(self, account: ChannelAccount, container: str) -> str:
        response = self._call(account, "GET", container, params={"fields": "status_code,status"})
        return answers.status(self._ok(account, response))

    # --- the contract --------------------------------------------------------------------------
    def publish(self, publication: Publication) -> Posted:
        account = self.account(publication)
        user = self._user(account)
        container = str((publication.progress or {}).get("container") or "")
        status = self._status(account, container) if container else ""
        if status == "PUBLISHED":
            found = self.find_earlier(publication)
            if found is not None:
                return found
            raise ChannelError(
                _("Instagram says the post was published but Warta cannot find it yet."),
                permanent=False,
                unknown=True,
            )
        if status not in ("FINISHED", "IN_PROGRESS"):
            container = self._create_container(publication, account, user)
        self._wait_until_finished(account, container)
        response = self._call(
            account, "POST", f"{user}/media_publish", data={"creation_id": container}
        )
        media_id = answers.object_id(self._ok(account, response))
        self.remember(publication, media=media_id)
        return Posted(media_id, self._permalink(account, media_id))

    def _create_container(
        self, publication: Publication, account: ChannelAccount, user: str
    ) -> str:
        caption = self.text(Draft.of(publication.version))
        images = self.images(publication)
        if not images:
            raise ChannelError(_("Instagram needs at least one image."), permanent=True)
        if len(images) == 1:
            data = {
                "image_url": social.instagram_url(images[0]),
                "caption": caption,
                "alt_text": images[0].alt_text,
            }
        else:
            children = []
            for image in images:
                child = {
                    "image_url": social.instagram_url(image),
                    "is_carousel_item": "true",
                    "alt_text": image.alt_text,
                }
                response = self._call(account, "POST", f"{user}/media", data=child)
                children.append(answers.object_id(self._ok(account, response)))
            data = {"media_type": "CAROUSEL", "children": ",".join(children), "caption": caption}
        response = self._call(account, "POST", f"{user}/media", data=data)
        container = answers.object_id(self._ok(account, response))
        self.remember(publication, container=container)
        return container

    def _wait_until_finished(self, account: ChannelAccount, container: str) -> None:
        for attempt in range(int(conf.get("WARTA_INSTAGRAM_POLLS"))):
            status = self._status(account, container)
            if status == "FINISHED":
                return
            if status in ("ERROR", "EXPIRED"):
                raise ChannelError(
                    _("Instagram could not prepare the image (%(status)s); Warta will try again.")
                    % {"status": status},
                    permanent=False,
                )
            if attempt:
                time.sleep(float(conf.get("WARTA_INSTAGRAM_POLL_SECONDS")))
        raise ChannelError(
            _("Instagram is still preparing the image; Warta will try again."),
            permanent=False,
            retry_after=30.0,
        )

    def _permalink(self, account: ChannelAccount, media_id: str) -> str:
        fallback = "https://www.instagram.com/"
        try:
            response = self._call(account, "GET", media_id, params={"fields": "permalink"})
            return answers.permalink(self._ok(account, response)) or fallback
        except ChannelError:
            return fallback

    def find(self, publication: Publication) -> Posted | None:
        progress = publication.progress or {}
        if not progress.get("container"):
            return None  # no container, nothing can have been published
        account = self.account(publication)
        if media := progress.get("media"):
            return Posted(str(media), self._permalink(account, str(media)))
        if self._status(account, str(progress["container"])) != "PUBLISHED":
            return None
        caption = self.words(publication.version)
        since = evidence.earliest(publication)
        params = {"fields": "id,caption,permalink,timestamp", "limit": "100"}
        candidates = []
        for _page in range(graph.FIND_PAGES):
            response = self._call(account, "GET", f"{self._user(account)}/media", params=params)
            media_list, after = answers.media(self._ok(account, response))
            candidates += [
                evidence.Candidate(m.id, m.permalink or "https://www.instagram.com/", m.made_at)
                for m in media_list
                if m.caption == caption
            ]
            if not after or (media_list and _older(media_list[-1], since)):
                break
            params = {**params, "after": after}
        found = evidence.identify(
            publication,
            candidates,
            same_words=lambda other: self.words(other.version) == caption,
            precision=timedelta(seconds=1),
        )
        if found is None:
            # PUBLISHED, yet not found among the media: not a proof that it is not there.
            raise ChannelError(
                _("Instagram says the post was published but Warta cannot find it yet."),
                permanent=False,
            )
        return Posted(found.external_id, found.permalink)

    def retract(self, publication: Publication) -> str:
        raise ChannelError(
            _("Instagram does not let apps delete posts: delete it in the Instagram app."),
            permanent=True,
        )

    def refresh_token(self, account: ChannelAccount) -> bool:
        """Instagram Login tokens last 60 days: exchange for a fresh one (False: not needed)."""
        if account.setting("flavour") != "instagram":
            return False  # Facebook Login: the Page token does not expire this way
        host = str(account.setting("api_base") or conf.get("WARTA_INSTAGRAM_BASE")).rstrip("/")
        response = http.request(
            "GET",
            f"{host}/refresh_access_token",
            params={
                "grant_type": "ig_refresh_token",
                "access_token": account.secret("access_token"),
            },
        )
        try:
            token = answers.access_token(self._ok(account, response))
        except ChannelError as exc:
            raise self.reconnect(account, exc.message) from exc
        account.set_secrets({"access_token": token})
        account.needs_reconnect = False
        account.save(update_fields=["secrets_encrypted", "needs_reconnect"])
        return True

    def test_connection(self, account: ChannelAccount) -> str:
        response = self._call(account, "GET", self._user(account), params={"fields": "username"})
        return _("Connected as @%(username)s.") % {
            "username": answers.username(self._ok(account, response))
        }


def _older(media: answers.Medium, since: datetime) -> bool:
    """Whether this media (newest first in the list) was published before ``since``."""
    return media.made_at is not None and media.made_at < since
