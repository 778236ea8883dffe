"""Posts on X (API v2): images through ``/2/media/upload``, then ``POST /2/tweets``.

Auth is an OAuth 2.0 user-context access token (Bearer). Finding our own post after an unknown
outcome: the account's recent posts with our text (links compared without their URL, since X
rewrites them to t.co) that carry the media this publication uploaded, or else were made during
one of its uncertain attempts (``channels.evidence``; a post's id tells the millisecond it was
made). X refuses a text it already has (403 "duplicate content"): unless that post is proven to
be this publication's, the row fails with a sentence. X cannot edit posts: a correction deletes
the old post, then posts the new version.
"""

from __future__ import annotations

import time
from datetime import UTC, timedelta
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from channels import conf, evidence, http, text
from channels.base import ChannelError, Correction, Draft, Posted, Preview
from channels.models import ChannelAccount
from channels.remote import RemoteChannel
from channels.x import answers
from images import social

if TYPE_CHECKING:
    import httpx

    from channels.models import Publication
    from newsroom.models import Version

MAX_IMAGES = 4
MAX_IMAGE_BYTES = 5 * 1024 * 1024
# Pages of recent posts ``find`` reads before concluding a post is not there.
FIND_PAGES = 20


def _comparable(value: str) -> str:
    return " ".join(text.URL_RE.sub("", value).split())


def _link(post_id: str) -> str:
    return f"https://x.com/i/web/status/{post_id}"


class XChannel(RemoteChannel):
    kind = "x"
    label = gettext_lazy("X")
    secret_names = ("access_token", "refresh_token", "client_secret")
    config_names = ("client_id",)
    correction_policy = Correction.REPLACE

    def text(self, draft: Draft) -> str:
        return draft.caption_for(self.kind, draft.title)

    def check(self, draft: Draft) -> list[str]:
        problems = []
        weight = text.x_weighted_length(self.text(draft))
        if weight > text.X_MAX_WEIGHT:
            problems.append(
                _(
                    "The X post counts %(count)d of 280 (links count 23, emoji and most "
                    "non-Latin letters 2). Shorten the X caption."
                )
                % {"count": weight}
            )
        if len(draft.images) > MAX_IMAGES:
            problems.append(_("X takes at most 4 images in one post."))
        # Images are sent as the 1600x900 JPEG rendition (far below MAX_IMAGE_BYTES).
        return problems

    def render(self, version: Version) -> Preview:
        words = self.text(Draft.of(version))
        return Preview(text=words, truncated_at=text.x_cut_at(words))

    # --- calls -------------------------------------------------------------------------------
    def _call(
        self, account: ChannelAccount, method: str, path: str, **kwargs: Any
    ) -> httpx.Response:
        token = account.secret("access_token")
        if not token:
            raise self.reconnect(account)
        response = self._send(account, token, method, path, **kwargs)
        if response.status_code == 401 and account.secret("refresh_token"):
            # OAuth 2.0 access tokens last 2 hours: refresh once, then try again.
            token = self._refresh(account, token)
            response = self._send(account, token, method, path, **kwargs)
        return response

    def _send(
        self, account: ChannelAccount, token: str, method: str, path: str, **kwargs: Any
    ) -> httpx.Response:
        headers = {"Authorization": f"Bearer {token}"}
        return http.request(method, f"{self._base(account)}/{path.lstrip('/')}", headers=headers,
                            **kwargs)  # fmt: skip

    @staticmethod
    def _base(account: ChannelAccount) -> str:
        return str(account.setting("api_base") or conf.get("WARTA_X_BASE")).rstrip("/")

    def _refresh(self, account: ChannelAccount, expired: str) -> str:
        """A new access token (refresh tokens rotate: the new pair is stored at once)."""
        with transaction.atomic():
            locked = ChannelAccount.objects.select_for_update().get(pk=account.pk)
            if (current := locked.secret("access_token")) != expired:
                account.secrets_encrypted = locked.secrets_encrypted
                return current  # another worker refreshed it meanwhile
            client_id = str(locked.setting("client_id"))
            client_secret = locked.secret("client_secret")
            response = http.request(
                "POST",
                f"{self._base(locked)}/2/oauth2/token",
                data={
                    "grant_type": "refresh_token",
                    "refresh_token": locked.secret("refresh_token"),
                    "client_id": client_id,
                },
                auth=(client_id, client_secret) if client_secret else None,
            )
            body = http.json_of(response)
            if not response.is_success or not isinstance(body.get("access_token"), str):
                raise self.reconnect(account, str(body.get("error_description") or ""))
            locked.set_secrets(
                {
                    "access_token": str(body["access_token"]),
                    "refresh_token": str(body.get("refresh_token") or ""),
                }
                if body.get("refresh_token")
                else {"access_token": str(body["access_token"])}
            )
            locked.save(update_fields=["secrets_encrypted"])
        account.secrets_encrypted = locked.secrets_encrypted
        return str(body["access_token"])

    def _ok(self, account: ChannelAccount, response: httpx.Response) -> httpx.Response:
        """The response if it is a 2xx (read it with ``channels.x.answers``)."""
        if response.is_success:
            return response
        raise self._error(account, response)

    def _error(self, account: ChannelAccount, response: httpx.Response) -> ChannelError:
        body = http.json_of(response)
        detail = str(body.get("detail") or body.get("title") or "")[:300]
        status = response.status_code
        if status == 401:
            return self.reconnect(account)
        if status == 429:
            reset = response.headers.get("x-rate-limit-reset", "")
            wait = max(0.0, float(reset) - time.time()) if reset.isdigit() else None
            return ChannelError(
                _("X is limiting posts from “%(name)s” for now; Warta will try again later.")
                % {"name": account.name},
                permanent=False,
                retry_after=wait,
            )
        if status == 402:
            return ChannelError(
                _("The X API credits of “%(name)s” are used up: top them up, then retry.")
                % {"name": account.name},
                permanent=True,
            )
        if status >= 500:
            return ChannelError(
                _("X has a temporary problem; Warta will try again."),
                permanent=False,
                unknown=http.ambiguous(response),
            )
        if "too long" in detail.lower():
            return ChannelError(_("X says the post is too long: shorten it."), permanent=True)
        return ChannelError(
            _("X refused the post (%(status)s): %(detail)s") % {"status": status, "detail": detail},
            permanent=True,
        )

    # --- the contract --------------------------------------------------------------------------
    def publish(self, publication: Publication) -> Posted:
        account = self.account(publication)
        payload: dict[str, Any] = {"text": self.text(Draft.of(publication.version))}
        if media_ids := self._upload_images(publication, account):
            payload["media"] = {"media_ids": media_ids}
        response = self._call(account, "POST", "2/tweets", json=payload)
        if response.status_code == 403 and "duplicate" in response.text.lower():
            if (found := self.find_earlier(publication)) is not None:
                return found
            raise ChannelError(
                _("X refused the same text as an earlier post: change the text."),
                permanent=True,
            )
        post_id = answers.created(self._ok(account, response))
        return Posted(post_id, _link(post_id))

    def _upload_images(self, publication: Publication, account: ChannelAccount) -> list[str]:
        uploaded: dict[str, str] = dict((publication.progress or {}).get("media", {}))
        keys: dict[str, str] = dict((publication.progress or {}).get("media_keys", {}))
        for image in self.images(publication):
            if image.sha256 in uploaded:
                continue
            response = self._call(
                account,
                "POST",
                "2/media/upload",
                data={"media_category": "tweet_image"},
                files={"media": social.upload_file(image, "x")},
            )
            medium = answers.medium(self._ok(account, response))
            uploaded[image.sha256], keys[image.sha256] = medium.id, medium.key
            self.remember(publication, media=uploaded, media_keys=keys)
        return [uploaded[i.sha256] for i in self.images(publication)]

    def _me(self, account: ChannelAccount) -> answers.User:
        return answers.user(self._ok(account, self._call(account, "GET", "2/users/me")))

    def find(self, publication: Publication) -> Posted | None:
        account = self.account(publication)
        user_id = self._me(account).id
        start = evidence.earliest(publication).astimezone(UTC)
        params = {
            "max_results": "100",
            "start_time": start.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "tweet.fields": "created_at,attachments",
            "expansions": "attachments.media_keys",
        }
        wanted = _comparable(self.words(publication.version))
        ours = set(((publication.progress or {}).get("media_keys") or {}).values())
        candidates = []
        for _page in range(FIND_PAGES):
            response = self._call(account, "GET", f"2/users/{user_id}/tweets", params=params)
            posts, token = answers.timeline(self._ok(account, response))
            candidates += [
                evidence.Candidate(
                    p.id, _link(p.id), p.made_at, marked=bool(ours) and ours <= p.media_keys
                )
                for p in posts
                if _comparable(p.text) == wanted
            ]
            if not token:
                break
            params = {**params, "pagination_token": token}
        found = evidence.identify(
            publication,
            candidates,
            same_words=lambda other: _comparable(self.words(other.version)) == wanted,
            precision=timedelta(milliseconds=1),
        )
        return Posted(found.external_id, found.permalink) if found else None

    def retract(self, publication: Publication) -> str:
        account = self.account(publication)
        response = self._call(account, "DELETE", f"2/tweets/{publication.external_id}")
        if not self.already_gone(response):
            answers.deleted(self._ok(account, response))
        return ""

    def test_connection(self, account: ChannelAccount) -> str:
        return _("Connected as @%(username)s.") % {"username": self._me(account).username}
