"""An external WordPress site (REST API, Application Passwords over HTTP Basic).

The post's slug ends with the Publication's marker, so the post can be found again by slug after
an unknown outcome. The site's address is typed by a person: the HTTP choke point refuses
internal addresses.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from channels import http
from channels.base import ChannelError, Draft, Posted, Preview
from channels.remote import RemoteChannel
from images import social

if TYPE_CHECKING:
    import httpx

    from channels.models import ChannelAccount, Publication
    from newsroom.models import Version

API = "wp-json/wp/v2"
AUTH_CODES = {"rest_not_logged_in", "incorrect_password", "invalid_username", "rest_forbidden"}


class WordPressChannel(RemoteChannel):
    kind = "wordpress"
    label = gettext_lazy("WordPress site")
    secret_names = ("application_password",)
    config_names = ("site_url", "username")

    def text(self, draft: Draft) -> str:
        return f"{draft.title}\n\n{draft.plain_body()}"

    def render(self, version: Version) -> Preview:
        return Preview(text=self.text(Draft.of(version)))

    @staticmethod
    def slug(publication: Publication) -> str:
        return f"{publication.item.slug[:80]}-{publication.marker}"

    # --- calls -------------------------------------------------------------------------------
    def _call(
        self, account: ChannelAccount, method: str, path: str, **kwargs: Any
    ) -> httpx.Response:
        site = str(account.setting("site_url")).rstrip("/")
        if not site:
            raise ChannelError(
                _("The WordPress account “%(name)s” has no site address: set it under Channels.")
                % {"name": account.name},
                permanent=True,
            )
        username, password = (
            str(account.setting("username")),
            account.secret("application_password"),
        )
        if not (username and password):
            raise self.reconnect(account)
        return http.request(method, f"{site}/{API}/{path}", auth=(username, password), **kwargs)

    def _ok(self, account: ChannelAccount, response: httpx.Response) -> Any:
        if response.is_success:
            try:
                return response.json()
            except ValueError:
                return {}
        raise self._error(account, response)

    def _error(self, account: ChannelAccount, response: httpx.Response) -> ChannelError:
        body = http.json_of(response)
        code, detail = str(body.get("code", "")), str(body.get("message", ""))[:300]
        if response.is_redirect:
            # Redirects are not followed (the new address could be internal): say where to.
            return ChannelError(
                _("The WordPress site moved to %(location)s: update the site address.")
                % {"location": response.headers.get("location", "?")},
                permanent=True,
            )
        if response.status_code == 401 or code in AUTH_CODES:
            return self.reconnect(account, detail)
        if response.status_code == 403:
            return ChannelError(
                _(
                    "The WordPress user of “%(name)s” may not publish posts: give them the Author "
                    "or Editor role."
                )
                % {"name": account.name},
                permanent=True,
            )
        if response.status_code >= 500 or response.status_code == 429:
            return ChannelError(
                _("The WordPress site has a temporary problem; Warta will try again."),
                permanent=False,
                unknown=http.ambiguous(response),
            )
        if response.status_code == 404:
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
        version = publication.version
        payload: dict[str, Any] = {
            "title": version.title,
            "content": version.body,
            "status": "publish",
            "slug": self.slug(publication),
        }
        if featured := self._featured_media(publication, account):
            payload["featured_media"] = featured
        body = self._ok(account, self._call(account, "POST", "posts", json=payload))
        return Posted(str(body.get("id", "")), str(body.get("link", "")))

    def _featured_media(self, publication: Publication, account: ChannelAccount) -> int | None:
        images = self.images(publication)
        if not images:
            return None
        if media := (publication.progress or {}).get("featured_media"):
            return int(media)
        image = images[0]
        # The widest web JPEG rendition (upright, no metadata), never the original upload.
        name, data, content_type = social.web_file(image)
        response = self._call(
            account,
            "POST",
            "media",
            content=data,
            headers={
                "Content-Type": content_type,
                "Content-Disposition": f'attachment; filename="{name}"',
            },
        )
        media_id = int(self._ok(account, response)["id"])
        self.remember(publication, featured_media=media_id)
        if image.alt_text:
            alt = {"alt_text": image.alt_text}
            self._ok(account, self._call(account, "POST", f"media/{media_id}", json=alt))
        return media_id

    def find(self, publication: Publication) -> Posted | None:
        account = self.account(publication)
        response = self._call(account, "GET", "posts", params={"slug": self.slug(publication)})
        posts = self._ok(account, response)
        if isinstance(posts, list) and posts:
            return Posted(str(posts[0].get("id", "")), str(posts[0].get("link", "")))
        return None

    def retract(self, publication: Publication) -> None:
        account = self.account(publication)
        response = self._call(account, "DELETE", f"posts/{publication.external_id}")
        # Only the post's own "not found"/"already trashed": a 404 "no route" means a wrong
        # site address, not a deleted post.
        gone_codes = ("rest_post_invalid_id", "rest_already_trashed")
        if not (self.already_gone(response) and http.json_of(response).get("code") in gone_codes):
            self._ok(account, response)

    def test_connection(self, account: ChannelAccount) -> str:
        body = self._ok(account, self._call(account, "GET", "users/me"))
        return _("Connected to the WordPress site as %(name)s.") % {"name": body.get("name", "")}
