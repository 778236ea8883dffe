"""Facebook Page posts through the Graph API.

Text only: ``POST /{page}/feed``. One image: ``POST /{page}/photos`` (uploaded, so the image
need not be public). Several: each photo unpublished, then one ``/feed`` post attaching them.
Finding our own post after an unknown outcome: the page's recent feed, matched on the message.
Error 506 (duplicate post) is answered the same way: if our post is there it was posted by an
earlier attempt; otherwise the duplicate is someone else's and the row fails with a sentence.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from channels import conf, graph, http
from channels.base import ChannelError, Draft, Posted
from channels.remote import RemoteChannel
from images import social

if TYPE_CHECKING:
    import httpx

    from channels.models import ChannelAccount, Publication

LABEL = "Facebook"
MAX_PHOTO_BYTES = 4 * 1024 * 1024


class FacebookChannel(RemoteChannel):
    kind = "facebook"
    label = gettext_lazy("Facebook Page")
    # client_id / client_secret: the Facebook app's, to connect through Facebook Login.
    secret_names = ("page_access_token", "client_secret")
    config_names = ("page_id", "client_id")

    def text(self, draft: Draft) -> str:
        return draft.caption_for(self.kind, f"{draft.title}\n\n{draft.plain_body()}".strip())

    def check(self, draft: Draft) -> list[str]:
        problems = []
        if len(self.text(draft)) > 63206:
            problems.append(_("Facebook posts are at most 63,206 characters."))
        if len(draft.images) > 30:
            problems.append(_("Facebook takes at most 30 photos in one post."))
        # Photos are sent as the 1200x630 JPEG rendition (far below MAX_PHOTO_BYTES): an
        # upload of any size and shape is fine.
        return problems

    # --- calls -------------------------------------------------------------------------------
    def _call(
        self, account: ChannelAccount, method: str, path: str, **kwargs: Any
    ) -> httpx.Response:
        token = account.secret("page_access_token")
        if not token:
            raise self.reconnect(account)
        url = f"{graph.base_url(account, str(conf.get('WARTA_GRAPH_BASE')))}/{path.lstrip('/')}"
        headers = {"Authorization": f"Bearer {token}"}
        return http.request(method, url, headers=headers, **kwargs)

    def _ok(self, account: ChannelAccount, response: httpx.Response) -> dict[str, Any]:
        if response.is_success:
            return http.json_of(response)
        raise graph.error(response, channel=LABEL, account=account)

    def _page(self, account: ChannelAccount) -> str:
        page = str(account.setting("page_id"))
        if not page:
            raise ChannelError(
                _("The Facebook account “%(name)s” has no page id: set it under Channels.")
                % {"name": account.name},
                permanent=True,
            )
        return page

    # --- the contract --------------------------------------------------------------------------
    def publish(self, publication: Publication) -> Posted:
        account = self.account(publication)
        page = self._page(account)
        message = self.text(Draft.of(publication.version))
        images = self.images(publication)
        if len(images) == 1:
            response = self._call(
                account,
                "POST",
                f"{page}/photos",
                data={"caption": message, "published": "true"},
                files={"source": social.upload_file(images[0], "facebook")},
            )
        else:
            data: dict[str, str] = {"message": message}
            for i, media_id in enumerate(self._unpublished_photos(publication, account, page)):
                data[f"attached_media[{i}]"] = f'{{"media_fbid":"{media_id}"}}'
            response = self._call(account, "POST", f"{page}/feed", data=data)
        if not response.is_success and graph.is_duplicate(response):
            found = self.find(publication)
            if found is not None:
                return found
            raise ChannelError(
                _(
                    "Facebook refused the post as a duplicate of one already on the page: change "
                    "the text, or record the existing post's link by hand."
                ),
                permanent=True,
            )
        body = self._ok(account, response)
        post_id = str(body.get("post_id") or body.get("id") or "")
        return Posted(external_id=post_id, permalink=self._permalink(account, post_id))

    def _unpublished_photos(
        self, publication: Publication, account: ChannelAccount, page: str
    ) -> list[str]:
        """Upload each image unpublished (once: ids are remembered for the next attempt)."""
        uploaded: dict[str, str] = dict((publication.progress or {}).get("photos", {}))
        for image in self.images(publication):
            if image.sha256 in uploaded:
                continue
            response = self._call(
                account,
                "POST",
                f"{page}/photos",
                data={"published": "false"},
                files={"source": social.upload_file(image, "facebook")},
            )
            uploaded[image.sha256] = str(self._ok(account, response)["id"])
            self.remember(publication, photos=uploaded)
        return [uploaded[i.sha256] for i in self.images(publication)]

    def _permalink(self, account: ChannelAccount, post_id: str) -> str:
        fallback = self._fallback(post_id)
        try:
            response = self._call(account, "GET", post_id, params={"fields": "permalink_url"})
        except ChannelError:
            return fallback  # posted already: a missing link must not make it a failure
        return str(http.json_of(response).get("permalink_url") or fallback)

    def find(self, publication: Publication) -> Posted | None:
        account = self.account(publication)
        message = self.text(Draft.of(publication.version))
        since = int((publication.created_at - timedelta(minutes=5)).timestamp())
        params = {"fields": "id,message,permalink_url", "since": str(since), "limit": "100"}
        for _page in range(graph.FIND_PAGES):
            response = self._call(account, "GET", f"{self._page(account)}/feed", params=params)
            body = self._ok(account, response)
            for post in body.get("data") or []:
                if post.get("message") == message:
                    post_id = str(post["id"])
                    link = str(post.get("permalink_url") or self._fallback(post_id))
                    return Posted(post_id, link)
            if not (after := graph.next_cursor(body)):
                return None
            params = {**params, "after": after}
        return None

    @staticmethod
    def _fallback(post_id: str) -> str:
        return f"https://www.facebook.com/{post_id}"

    def retract(self, publication: Publication) -> None:
        account = self.account(publication)
        response = self._call(account, "DELETE", publication.external_id)
        if not (self.already_gone(response) or graph.does_not_exist(response)):
            self._ok(account, response)

    def test_connection(self, account: ChannelAccount) -> str:
        body = self._ok(account, self._call(account, "GET", "me", params={"fields": "id,name"}))
        return _("Connected as the page “%(name)s” (%(id)s).") % {
            "name": body.get("name", ""),
            "id": body.get("id", ""),
        }
