"""An external WordPress site (REST API, Application Passwords over HTTP Basic).

The REST API's root is found the way WordPress advertises it: the ``Link: <…>;
rel="https://api.w.org/"`` header of its pages (``/wp-json/`` with pretty permalinks,
``/index.php?rest_route=/`` on "Plain" ones), else ``/?rest_route=/``. It is stored with the
account and looked for again when the site answers with a web page or "no route".

A post is written as a draft first, with the slug ending in the Publication's marker (the mark
``find`` looks for), categories and tags matched or created by name and the title escaped
(WordPress reads a title as HTML). Its photos are uploaded attached to it, with a title, a
caption and alt text; then it is published. Every id is remembered on the row at once, so an
attempt that stops half-way is resumed by the next one, never started over. A correction updates
the post in place (same link); a retraction trashes the post and deletes its photos, and says so.
The site's address is typed by a person: the HTTP choke point refuses internal addresses.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import parse_qsl

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from channels import http
from channels.base import ChannelError, Correction, Draft, Posted, Preview
from channels.models import ChannelAccount
from channels.remote import RemoteChannel
from channels.wordpress import answers
from images import social

if TYPE_CHECKING:
    import httpx

    from channels.models import Publication
    from newsroom.models import Attachment, Version

T = TypeVar("T")

API_REL = "https://api.w.org/"
PASSWORD_CODES = {"rest_not_logged_in", "incorrect_password", "invalid_username"}
# What the WordPress user must be allowed to do (``users/me?context=edit`` capabilities).
REQUIRED_CAPABILITIES = ("publish_posts", "upload_files")
# Answers to a DELETE that mean the post or photo is not there (any more).
GONE_CODES = ("rest_post_invalid_id", "rest_already_trashed")


def _as_html(text: str) -> str:
    """Plain text for a field WordPress reads as HTML (a title, a caption): escaped."""
    return html.escape(text, quote=False)


def api_url(root: str, route: str) -> tuple[str, dict[str, str]]:
    """The URL and query of ``route`` (e.g. ``wp/v2/posts``) under a REST root, which is either
    a path (``…/wp-json/``) or a query (``…/?rest_route=/`` on "Plain" permalinks)."""
    base, _sep, query = root.partition("?")
    params = dict(parse_qsl(query, keep_blank_values=True))
    if "rest_route" in params:
        params["rest_route"] = f"{params['rest_route'].rstrip('/')}/{route}"
        return base, params
    return f"{root.rstrip('/')}/{route}", params


class WordPressChannel(RemoteChannel):
    kind = "wordpress"
    label = gettext_lazy("WordPress site")
    secret_names = ("application_password",)
    # api_root: found by Warta (stored here); set by hand only for an unusual site.
    config_names = ("site_url", "username", "api_root")
    correction_policy = Correction.UPDATE

    def text(self, draft: Draft) -> str:
        return f"{draft.title}\n\n{draft.plain_body()}"

    def render(self, version: Version) -> Preview:
        return Preview(text=self.text(Draft.of(version)))

    @staticmethod
    def slug(publication: Publication) -> str:
        return f"{publication.item.slug[:80]}-{publication.marker}"

    # --- the site and its API root -----------------------------------------------------------
    @staticmethod
    def _site(account: ChannelAccount) -> str:
        site = str(account.setting("site_url")).rstrip("/")
        if not site:
            raise ChannelError(
                _("The WordPress account “%(name)s” has no site address: set it under Channels.")
                % {"name": account.name},
                permanent=True,
            )
        return site

    def api_root(self, account: ChannelAccount) -> str:
        """The REST root stored with the account, or found now (and stored)."""
        stored = str(account.setting("api_root"))
        if stored and stored.startswith(f"{self._site(account)}/"):
            return stored
        return self.discover(account)

    def discover(self, account: ChannelAccount) -> str:
        """Find the REST root as the site advertises it, store it with the account."""
        site = self._site(account)
        response = http.request("HEAD", f"{site}/")
        if response.is_redirect:
            raise self._moved(response)
        root = str(response.links.get(API_REL, {}).get("url") or "")
        if not root:
            probe = http.request("GET", f"{site}/", params={"rest_route": "/"})
            if probe.is_success and answers.has_api(probe):
                root = f"{site}/?rest_route=/"
        if not root:
            raise ChannelError(
                _(
                    "No WordPress REST API at the address of “%(name)s”: check the site address "
                    "and that the REST API is enabled."
                )
                % {"name": account.name},
                permanent=True,
            )
        self._store_root(account, root)
        return root

    @staticmethod
    def _store_root(account: ChannelAccount, root: str) -> None:
        config = {k: v for k, v in (account.config or {}).items() if k != "api_root"}
        if root:
            config["api_root"] = root
        ChannelAccount.objects.filter(pk=account.pk).update(config=config)
        account.config = config

    # --- calls -------------------------------------------------------------------------------
    def _call(
        self,
        account: ChannelAccount,
        method: str,
        route: str,
        *,
        params: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> httpx.Response:
        username = str(account.setting("username"))
        password = account.secret("application_password")
        if not (username and password):
            raise self._new_password(account)
        url, query = api_url(self.api_root(account), route)
        return http.request(
            method, url, params={**query, **(params or {})}, auth=(username, password), **kwargs
        )

    def _read(
        self, account: ChannelAccount, response: httpx.Response, parse: Callable[[Any], T]
    ) -> T:
        """The typed answer of a 2xx; an error with a sentence for anything else."""
        if not response.is_success:
            raise self._error(account, response)
        try:
            return parse(response)
        except ChannelError:
            # A web page where the API should answer: the root moved (permalinks changed).
            self._store_root(account, "")
            raise

    def _request(
        self,
        account: ChannelAccount,
        method: str,
        route: str,
        parse: Callable[[Any], T],
        **kwargs: Any,
    ) -> T:
        return self._read(account, self._call(account, method, route, **kwargs), parse)

    def _new_password(self, account: ChannelAccount, detail: str = "") -> ChannelError:
        message = _(
            "WordPress refused the application password of “%(name)s”: enter a new application "
            "password under Channels (in WordPress: Users → Profile → Application Passwords)."
        ) % {"name": account.name}
        if detail:
            message = f"{message} ({detail})"
        return ChannelError(message, permanent=True, reconnect=True)

    def _moved(self, response: httpx.Response) -> ChannelError:
        # Redirects are not followed (the new address could be internal): say where to.
        return ChannelError(
            _("The WordPress site moved to %(location)s: update the site address.")
            % {"location": response.headers.get("location", "?")},
            permanent=True,
        )

    def _error(self, account: ChannelAccount, response: httpx.Response) -> ChannelError:
        body = http.json_of(response)
        code, detail = str(body.get("code", "")), str(body.get("message", ""))[:300]
        status = response.status_code
        if response.is_redirect:
            # The stored API root is stale (the site's permalinks changed: WordPress redirects
            # /wp-json/... like a page). The site's own address is checked when the root is
            # looked for again: a site that moved says so there.
            self._store_root(account, "")
            return ChannelError(
                _(
                    "The WordPress site answered with a redirect to %(location)s instead of its "
                    "API; Warta looks for the API again and retries."
                )
                % {"location": response.headers.get("location", "?")},
                permanent=False,
            )
        if status == 401 or code in PASSWORD_CODES:
            return self._new_password(account, detail)
        if status == 403:
            return ChannelError(
                _(
                    "The WordPress user of “%(name)s” may not do this (%(detail)s): give them the "
                    "Author or Editor role."
                )
                % {"name": account.name, "detail": detail or code},
                permanent=True,
            )
        if status >= 500 or status == 429:
            return ChannelError(
                _("The WordPress site has a temporary problem; Warta will try again."),
                permanent=False,
                unknown=http.ambiguous(response),
            )
        if status == 404 and code not in GONE_CODES:
            self._store_root(account, "")  # look for the API again next time
            return ChannelError(
                _(
                    "No WordPress REST API at the address of “%(name)s”: check the site address "
                    "and that the REST API is enabled."
                )
                % {"name": account.name},
                permanent=True,
            )
        return ChannelError(
            _("The WordPress site refused the post: %(detail)s") % {"detail": detail or code},
            permanent=True,
        )

    # --- the contract --------------------------------------------------------------------------
    def publish(self, publication: Publication) -> Posted:
        account = self.account(publication)
        post_id = self._draft(publication, account)
        photos = self._upload_images(publication, account, post_id)
        return self._publish_post(publication, account, post_id, photos)

    def _publish_post(
        self, publication: Publication, account: ChannelAccount, post_id: int, photos: list[int]
    ) -> Posted:
        """Write the version into the post and publish it; the post as WordPress shows it."""
        post = self._request(
            account,
            "POST",
            f"wp/v2/posts/{post_id}",
            answers.post,
            json={**self._content(publication, account, photos), "status": "publish"},
        )
        return self._posted(account, post)

    def _content(
        self, publication: Publication, account: ChannelAccount, media: list[int]
    ) -> dict[str, Any]:
        version = publication.version
        return {
            "title": _as_html(version.title),
            "content": version.body,
            "featured_media": media[0] if media else 0,
            **self._terms(publication, account),
        }

    def _posted(self, account: ChannelAccount, post: answers.Post) -> Posted:
        if post.status != "publish":
            raise ChannelError(
                _(
                    "The WordPress site kept the post as “%(status)s” instead of publishing it: "
                    "give the user of “%(name)s” the Author or Editor role."
                )
                % {"status": post.status, "name": account.name},
                permanent=True,
            )
        return Posted(str(post.id), post.link)

    def _draft(self, publication: Publication, account: ChannelAccount) -> int:
        """The post of this publication: remembered, found by its slug, or written now as a
        draft (so nothing is public before its photos are attached)."""
        if remembered := (publication.progress or {}).get("post"):
            return int(remembered)
        found = self._request(
            account,
            "GET",
            "wp/v2/posts",
            answers.posts,
            params={"slug": self.slug(publication), "status": "any", "context": "edit"},
        )
        if found:
            post_id = found[0].id
        else:
            draft = {  # the terms and the photo come with publishing
                "title": _as_html(publication.version.title),
                "content": publication.version.body,
                "slug": self.slug(publication),
                "status": "draft",
            }
            post_id = self._request(account, "POST", "wp/v2/posts", answers.post, json=draft).id
        self.remember(publication, post=post_id)
        return post_id

    def _upload_images(
        self, publication: Publication, account: ChannelAccount, post_id: int
    ) -> list[int]:
        """Each photo uploaded once, attached to the post, with title, caption and alt text."""
        images = self.images(publication)
        uploaded: dict[str, int] = dict((publication.progress or {}).get("media", {}))
        for number, image in enumerate(images, start=1):
            if image.sha256 in uploaded:
                continue
            name, data, content_type = social.web_file(image)
            extension = name.rsplit(".", 1)[-1] if "." in name else "jpg"
            filename = f"{publication.item.slug[:60]}-{number}.{extension}"
            medium = self._request(
                account,
                "POST",
                "wp/v2/media",
                answers.media,
                content=data,
                params={"post": post_id, **self._photo_text(publication, image, number)},
                headers={
                    "Content-Type": content_type,
                    "Content-Disposition": f'attachment; filename="{filename}"',
                },
            )
            uploaded[image.sha256] = medium.id
            self.remember(publication, media=uploaded)
        return [uploaded[i.sha256] for i in images]

    @staticmethod
    def _photo_text(publication: Publication, image: Attachment, number: int) -> dict[str, str]:
        title = publication.version.title
        if len(publication.version.images.all()) > 1:
            title = f"{title} ({number})"
        return {
            "title": _as_html(title),
            "caption": _as_html(image.alt_text),
            "alt_text": image.alt_text,
        }

    def _terms(self, publication: Publication, account: ChannelAccount) -> dict[str, list[int]]:
        """The item's category and tags as the site's term ids (matched by name, else made)."""
        item = publication.item
        terms: dict[str, list[int]] = {}
        if item.category is not None:
            found = self._term_id(account, "categories", item.category.name)
            terms["categories"] = [found] if found else []
        tags = [t for name in item.tags.values_list("name", flat=True)
                if (t := self._term_id(account, "tags", name))]  # fmt: skip
        if tags:
            terms["tags"] = tags
        return terms

    def _term_id(self, account: ChannelAccount, taxonomy: str, name: str) -> int | None:
        found = self._request(
            account,
            "GET",
            f"wp/v2/{taxonomy}",
            answers.terms,
            params={"search": name, "per_page": "100"},
        )
        for term in found:
            if term.name.casefold() == name.casefold():
                return term.id
        response = self._call(account, "POST", f"wp/v2/{taxonomy}", json={"name": name})
        body = http.json_of(response)
        if body.get("code") == "term_exists":  # made meanwhile: WordPress names its id
            return int((body.get("data") or {}).get("term_id") or 0) or None
        if response.status_code == 403:
            return None  # the user may not add terms (an Author): posted without this one
        return self._read(account, response, answers.term).id

    def find(self, publication: Publication) -> Posted | None:
        account = self.account(publication)
        found = self._request(
            account,
            "GET",
            "wp/v2/posts",
            answers.posts,
            params={"slug": self.slug(publication), "status": "publish"},
        )
        published = [p for p in found if p.status == "publish"]
        return Posted(str(published[0].id), published[0].link) if published else None

    def update(self, publication: Publication, live: Publication) -> Posted:
        """Put the corrected version into the live post: same post, same link. Photos the
        versions share are kept (their text brought up to date); new ones are attached; the
        old version's other photos are deleted."""
        account = self.account(publication)
        post_id = int(live.external_id)
        wanted = {i.sha256: i for i in self.images(publication)}
        inherited: dict[str, int] = dict((live.progress or {}).get("media", {}))
        progress = publication.progress or {}
        if "media" not in progress:
            kept = {sha: medium for sha, medium in inherited.items() if sha in wanted}
            for number, (sha, medium) in enumerate(kept.items(), start=1):
                text = self._photo_text(publication, wanted[sha], number)
                self._request(account, "POST", f"wp/v2/media/{medium}", answers.media, json=text)
            self.remember(publication, post=post_id, media=kept)
        photos = self._upload_images(publication, account, post_id)
        posted = self._publish_post(publication, account, post_id, photos)
        for sha, old in inherited.items():
            if sha not in wanted:
                self._delete_media(account, old)
        return posted

    def retract(self, publication: Publication) -> str:
        """Trash the post, then delete its photos (WordPress keeps them public otherwise)."""
        account = self.account(publication)
        post_id = publication.external_id
        photos = set((publication.progress or {}).get("media", {}).values())
        # Listed before the post goes: a trashed post's attachments are no longer listed.
        photos |= {
            m.id
            for m in self._request(
                account,
                "GET",
                "wp/v2/media",
                answers.media_list,
                params={"parent": post_id, "per_page": "100", "context": "edit"},
            )
        }
        response = self._call(account, "DELETE", f"wp/v2/posts/{post_id}")
        if not self._gone(response):
            self._read(account, response, answers.post)
        for photo in sorted(int(p) for p in photos):
            self._delete_media(account, photo)
        if not photos:
            return _("The post is in the WordPress trash.")
        return ngettext(
            "The post is in the WordPress trash and its %(count)d photo was deleted.",
            "The post is in the WordPress trash and its %(count)d photos were deleted.",
            len(photos),
        ) % {"count": len(photos)}

    def _delete_media(self, account: ChannelAccount, media_id: int) -> None:
        # Photos cannot be trashed over the API: deleting is the only way to take them down.
        response = self._call(
            account, "DELETE", f"wp/v2/media/{media_id}", params={"force": "true"}
        )
        if not self._gone(response):
            self._read(account, response, answers.body_of)

    def _gone(self, response: httpx.Response) -> bool:
        """Only the post's own "not found"/"already trashed": a 404 "no route" means a wrong
        site address, not a deleted post."""
        return self.already_gone(response) and http.json_of(response).get("code") in GONE_CODES

    def test_connection(self, account: ChannelAccount) -> str:
        root = self.discover(account)
        user = self._request(
            account, "GET", "wp/v2/users/me", answers.user, params={"context": "edit"}
        )
        missing = [c for c in REQUIRED_CAPABILITIES if c not in user.capabilities]
        if missing:
            raise ChannelError(
                _(
                    "The WordPress user “%(user)s” lacks the right %(rights)s, so Warta could not "
                    "post: give them the Author or Editor role."
                )
                % {"user": user.name or user.slug, "rights": ", ".join(missing)},
                permanent=True,
            )
        return _("Connected to the WordPress site as %(name)s (REST API at %(root)s).") % {
            "name": user.name,
            "root": root,
        }
