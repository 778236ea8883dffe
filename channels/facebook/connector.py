"""Facebook Page posts through the Graph API.

Text only: ``POST /{page}/feed``. One image: ``POST /{page}/photos`` (uploaded, so the image
need not be public). Several: each photo unpublished, then one ``/feed`` post attaching them.
Finding our own post after an unknown outcome: the page's recent feed, a post with our message
made during one of our uncertain attempts (``channels.evidence``). Error 506 (duplicate post) is
answered the same way: if our post is there it was posted by an earlier attempt; otherwise the
duplicate is someone else's and the row fails with a sentence. A correction edits the message
in place when the photos are the same, else deletes the post and posts the new version.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from channels import conf, evidence, graph, http
from channels.base import ChannelError, Correction, Draft, Posted
from channels.facebook import answers
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
    # Edited in place when the photos are the same (``correction``), else deleted and posted.
    correction_policy = Correction.UPDATE

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

    def _ok(self, account: ChannelAccount, response: httpx.Response) -> httpx.Response:
        """The response if it is a 2xx (read it with ``channels.facebook.answers``)."""
        if response.is_success:
            return response
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
            if (found := self.find_earlier(publication)) is not None:
                return found
            raise ChannelError(
                _(
                    "Facebook refused the post as a duplicate of one already on the page: change "
                    "the text, or record the existing post's link by hand."
                ),
                permanent=True,
            )
        post_id = answers.post_id(self._ok(account, response))
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
            uploaded[image.sha256] = answers.photo_id(self._ok(account, response))
            self.remember(publication, photos=uploaded)
        return [uploaded[i.sha256] for i in self.images(publication)]

    def _permalink(self, account: ChannelAccount, post_id: str) -> str:
        fallback = self._fallback(post_id)
        try:
            response = self._call(account, "GET", post_id, params={"fields": "permalink_url"})
            return answers.permalink(self._ok(account, response)) or fallback
        except ChannelError:
            return fallback  # posted already: a missing link must not make it a failure

    def find(self, publication: Publication) -> Posted | None:
        account = self.account(publication)
        message = self.words(publication.version)
        since = int(evidence.earliest(publication).timestamp())
        params = {
            "fields": "id,message,permalink_url,created_time",
            "since": str(since),
            "limit": "100",
        }
        candidates = []
        for _page in range(graph.FIND_PAGES):
            response = self._call(account, "GET", f"{self._page(account)}/feed", params=params)
            posts, after = answers.feed(self._ok(account, response))
            candidates += [
                evidence.Candidate(p.id, p.permalink or self._fallback(p.id), p.created)
                for p in posts
                if p.message == message
            ]
            if not after:
                break
            params = {**params, "after": after}
        found = evidence.identify(
            publication,
            candidates,
            same_words=lambda other: self.words(other.version) == message,
            precision=timedelta(seconds=1),
        )
        return Posted(found.external_id, found.permalink) if found else None

    def correction(self, publication: Publication, live: Publication) -> Correction:
        """The message of a page post can be edited; its photos cannot."""
        if super().correction(publication, live) == Correction.MANUAL:
            return Correction.MANUAL
        same = [i.sha256 for i in self.images(publication)] == [i.sha256 for i in self.images(live)]
        return Correction.UPDATE if same else Correction.REPLACE

    def update(self, publication: Publication, live: Publication) -> Posted:
        account = self.account(publication)
        message = self.words(publication.version)
        response = self._call(account, "POST", live.external_id, data={"message": message})
        answers.done(self._ok(account, response))
        return Posted(live.external_id, live.permalink)

    @staticmethod
    def _fallback(post_id: str) -> str:
        return f"https://www.facebook.com/{post_id}"

    def retract(self, publication: Publication) -> str:
        account = self.account(publication)
        response = self._call(account, "DELETE", publication.external_id)
        if not (self.already_gone(response) or graph.does_not_exist(response)):
            answers.done(self._ok(account, response))
        return ""

    def test_connection(self, account: ChannelAccount) -> str:
        response = self._call(account, "GET", "me", params={"fields": "id,name"})
        page_id, name = answers.page(self._ok(account, response))
        return _("Connected as the page “%(name)s” (%(id)s).") % {"name": name, "id": page_id}
