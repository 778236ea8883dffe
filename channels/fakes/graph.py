"""The Graph API as a Facebook Page and an Instagram professional account see it."""

from __future__ import annotations

import json
import re
import time
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from channels.fakes.server import Answer, FakePlatforms, Request

VERSION_RE = re.compile(r"^v\d+\.0$")
HASHTAG_RE = re.compile(r"(?<![\w&])#\w+")


def error_body(
    code: int, message: str, *, subcode: int | None = None, kind: str = "GraphMethodException"
) -> dict[str, Any]:
    error: dict[str, Any] = {"message": message, "type": kind, "code": code, "fbtrace_id": "Afake"}
    if subcode is not None:
        error["error_subcode"] = subcode
    return {"error": error}


def page_of(data: list[dict[str, Any]], request: Request) -> dict[str, Any]:
    """One page of a list, with Graph's cursor paging (``after``)."""
    limit = min(int(request.query.get("limit") or 25), 100)
    start = int(request.query.get("after") or 0)
    page: dict[str, Any] = {"data": data[start : start + limit]}
    if start + limit < len(data):
        page["paging"] = {"cursors": {"after": str(start + limit)}, "next": "more"}
    return page


def _error(status: int, code: int, message: str, subcode: int | None = None) -> Answer:
    from channels.fakes.server import Answer

    return Answer(status, error_body(code, message, subcode=subcode))


def answer(fake: FakePlatforms, request: Request) -> Answer:
    from channels.fakes.server import Answer, bearer

    if request.path == "/refresh_access_token":
        return _ig_refresh(fake, request)
    parts = request.path.strip("/").split("/")
    if not parts or not VERSION_RE.match(parts[0]):
        return _error(400, 2500, "Unknown path components")
    token = bearer(request)
    valid = {fake.tokens[request.platform]}
    if request.platform == "instagram":
        # Facebook Login flavour: the linked Page's token works for its Instagram account.
        valid.add(fake.tokens["facebook"])
    if token not in valid:
        return Answer(
            400,
            error_body(
                190,
                "Error validating access token: Session has expired",
                subcode=463,
                kind="OAuthException",
            ),
        )
    node, edge = parts[1] if len(parts) > 1 else "", "/".join(parts[2:])
    if request.platform == "instagram":
        return _instagram(fake, request, node, edge)
    return _facebook(fake, request, node, edge)


# --- Facebook -----------------------------------------------------------------------------------
def _facebook(fake: FakePlatforms, request: Request, node: str, edge: str) -> Answer:
    from channels.fakes.server import Answer

    method = request.method
    if node == "me" and method == "GET":
        return Answer(200, {"id": fake.page_id, "name": "Diskominfo Provinsi Lampung"})
    if node == fake.page_id and edge == "feed" and method == "POST":
        return _fb_feed(fake, request)
    if node == fake.page_id and edge == "photos" and method == "POST":
        return _fb_photo(fake, request)
    if node == fake.page_id and edge in ("feed", "posts", "published_posts") and method == "GET":
        since = int(request.query.get("since") or 0)
        with fake.lock:
            data = [
                {k: p[k] for k in ("id", "message", "permalink_url", "created_time")}
                for p in reversed(fake.posts["facebook"])
                if not p.get("deleted") and p["created"] >= since
            ]
        return Answer(200, page_of(data, request))
    with fake.lock:
        post = next((p for p in fake.posts["facebook"] if p["id"] == node), None)
    if post is not None and method == "GET":
        return Answer(200, {"id": post["id"], "permalink_url": post["permalink_url"]})
    if post is not None and method == "POST" and not post.get("deleted"):
        # Editing a Page post: its message can change; its photos cannot.
        if not request.param("message"):
            return _error(400, 100, "Invalid parameter: message is required")
        with fake.lock:
            post["message"] = request.param("message")
        return Answer(200, {"success": True})
    if post is not None and method == "DELETE" and not post.get("deleted"):
        post["deleted"] = True
        return Answer(200, {"success": True})
    return _error(
        400, 100, f"Unsupported {method} request. Object with ID '{node}' does not exist", 33
    )


def _fb_post(fake: FakePlatforms, message: str, media: list[str]) -> dict[str, Any]:
    number = fake.next_id()
    post = {
        "id": f"{fake.page_id}_{number}",
        "message": message,
        "media": media,
        "permalink_url": f"https://www.facebook.com/{fake.page_id}/posts/{number}",
        "created_time": time.strftime("%Y-%m-%dT%H:%M:%S+0000", time.gmtime()),
        "created": int(time.time()),
    }
    fake.posts["facebook"].append(post)
    return post


def _fb_feed(fake: FakePlatforms, request: Request) -> Answer:
    from channels.fakes.server import Answer

    message = request.param("message")
    media: list[str] = []
    for key in sorted(k for k in request.form if k.startswith("attached_media[")):
        try:
            media_id = str(json.loads(request.form[key])["media_fbid"])
        except (ValueError, KeyError, TypeError):
            return _error(400, 100, f"Invalid parameter {key}")
        if fake.objects.get(media_id, {}).get("kind") != "unpublished_photo":
            return _error(400, 100, f"Invalid media_fbid {media_id}")
        media.append(media_id)
    if not (message or request.param("link") or media):
        return _error(400, 100, "Invalid parameter: message, link or attached_media is required")
    with fake.lock:
        if message and fake.count("facebook", message):
            return _error(400, 506, "Duplicate status message")
        post = _fb_post(fake, message, media)
    return Answer(200, {"id": post["id"]})


def _fb_photo(fake: FakePlatforms, request: Request) -> Answer:
    from channels.fakes.server import Answer

    source = request.files.get("source")
    url = request.param("url")
    if not source and not url:
        return _error(400, 324, "Requires upload file")
    if source and len(source) > 4 * 1024 * 1024:
        return _error(400, 100, "Photo too large")
    photo = fake.next_id()
    if request.param("published") == "false":
        fake.objects[photo] = {"kind": "unpublished_photo"}
        return Answer(200, {"id": photo})
    with fake.lock:
        post = _fb_post(fake, request.param("caption"), [photo])
    return Answer(200, {"id": photo, "post_id": post["id"]})


# --- Instagram ----------------------------------------------------------------------------------
def _instagram(fake: FakePlatforms, request: Request, node: str, edge: str) -> Answer:
    from channels.fakes.server import Answer

    method = request.method
    if node == fake.ig_user_id:
        if edge == "" and method == "GET":
            return Answer(200, {"id": fake.ig_user_id, "username": "diskominfo.lampung"})
        if edge == "media" and method == "POST":
            return _ig_container(fake, request)
        if edge == "media_publish" and method == "POST":
            return _ig_publish(fake, request)
        if edge == "media" and method == "GET":
            with fake.lock:
                data = [
                    {k: m[k] for k in ("id", "caption", "permalink", "timestamp")}
                    for m in reversed(fake.posts["instagram"])
                ]
            return Answer(200, page_of(data, request))
        if edge == "content_publishing_limit" and method == "GET":
            used = _quota_used(fake)
            return Answer(
                200,
                {
                    "data": [
                        {
                            "quota_usage": used,
                            "config": {
                                "quota_total": fake.instagram_quota,
                                "quota_duration": 86400,
                            },
                        }
                    ]
                },
            )
    obj = fake.objects.get(node)
    if obj is not None and method == "GET" and obj["kind"] == "container":
        with fake.lock:
            if obj["status_code"] == "IN_PROGRESS":
                obj["polls"] -= 1
                if obj["polls"] <= 0:
                    obj["status_code"] = "FINISHED"
        return Answer(200, {"id": node, "status_code": obj["status_code"], "status": "Finished"})
    if obj is not None and method == "GET" and obj["kind"] == "media":
        return Answer(200, {"id": node, "permalink": obj["permalink"]})
    return _error(400, 100, f"Unsupported {method} request. Object with ID '{node}' does not exist")


def _quota_used(fake: FakePlatforms) -> int:
    day_ago = time.time() - 86400
    return sum(1 for m in fake.posts["instagram"] if m["created"] > day_ago)


def _ig_container(fake: FakePlatforms, request: Request) -> Answer:
    from channels.fakes.server import Answer

    caption = request.param("caption")
    if len(caption) > 2200 or len(HASHTAG_RE.findall(caption)) > 30:
        return _error(400, 36004, "The caption is too long or has too many hashtags", 2207010)
    carousel_item = request.param("is_carousel_item") == "true"
    if request.param("media_type") == "CAROUSEL":
        children = [c for c in request.param("children").split(",") if c]
        if not 2 <= len(children) <= 10:
            return _error(400, 100, "A carousel needs 2 to 10 children")
        for child in children:
            obj = fake.objects.get(child, {})
            if not obj.get("carousel_item"):
                return _error(400, 100, f"Invalid child {child}")
    else:
        image_url = request.param("image_url")
        if not image_url:
            return _error(400, 100, "The parameter image_url is required")
        host = urlsplit(image_url).hostname or ""
        if urlsplit(image_url).scheme not in ("http", "https") or (
            fake.require_public_image_urls
            and (
                host in ("localhost", "testserver") or host.startswith(("127.", "10.", "192.168."))
            )
        ):
            return _error(
                400,
                9004,
                "Media download has failed. The media URI doesn't meet our requirements.",
                2207052,
            )
    container = fake.next_id()
    fake.objects[container] = {
        "kind": "container",
        "ig": True,
        "status_code": "IN_PROGRESS",
        "polls": fake.instagram_polls_until_ready,
        "caption": caption,
        "carousel_item": carousel_item,
    }
    return Answer(200, {"id": container})


def _ig_publish(fake: FakePlatforms, request: Request) -> Answer:
    from channels.fakes.server import Answer

    creation_id = request.param("creation_id")
    with fake.lock:
        obj = fake.objects.get(creation_id)
        if obj is None or obj["kind"] != "container" or obj["carousel_item"]:
            return _error(400, 100, "The parameter creation_id is required and must be valid")
        if obj["status_code"] == "PUBLISHED":
            fake.double_publish_attempts += 1
            return _error(400, 9007, "The media has already been published", 2207006)
        if obj["status_code"] != "FINISHED":
            return _error(400, 9007, "Media ID is not available", 2207027)
        if _quota_used(fake) >= fake.instagram_quota:
            return _error(400, 9, "Application request limit reached", 2207042)
        media = fake.next_id()
        shortcode = f"C{media}x"
        post = {
            "id": media,
            "caption": obj["caption"],
            "permalink": f"https://www.instagram.com/p/{shortcode}/",
            "timestamp": time.strftime("%Y-%m-%dT%H:%M:%S+0000", time.gmtime()),
            "created": time.time(),
            "container": creation_id,
        }
        fake.posts["instagram"].append(post)
        fake.objects[media] = {"kind": "media", "ig": True, "permalink": post["permalink"]}
        obj["status_code"] = "PUBLISHED"
    return Answer(200, {"id": media})


def _ig_refresh(fake: FakePlatforms, request: Request) -> Answer:
    """Instagram Login: a valid long-lived token is exchanged for a new 60-day one."""
    from channels.fakes.server import Answer

    if request.query.get("grant_type") != "ig_refresh_token":
        return _error(400, 100, "grant_type must be ig_refresh_token")
    with fake.lock:
        if request.query.get("access_token") != fake.tokens["instagram"]:
            return Answer(400, error_body(190, "Invalid OAuth access token", kind="OAuthException"))
        fake.tokens["instagram"] = f"ig-token-{fake.next_id()}"
        token = fake.tokens["instagram"]
    return Answer(200, {"access_token": token, "token_type": "bearer", "expires_in": 5184000})
