"""A WordPress site's REST API with Application Passwords."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from channels.fakes.server import Answer, FakePlatforms, Request

API = "/wp-json/wp/v2"


def _error(status: int, code: str, message: str) -> Answer:
    from channels.fakes.server import Answer

    return Answer(status, {"code": code, "message": message, "data": {"status": status}})


def answer(fake: FakePlatforms, request: Request) -> Answer:
    from channels.fakes.server import Answer, basic_auth

    path, method = request.path.rstrip("/"), request.method
    if not path.startswith(API):
        return _error(404, "rest_no_route", "No route was found matching the URL")
    credentials = basic_auth(request)
    if credentials is None:
        return _error(401, "rest_not_logged_in", "You are not currently logged in.")
    if credentials != (fake.wp_user, fake.wp_password):
        return _error(
            401, "incorrect_password", "The provided password is an invalid application password."
        )
    route = path[len(API) :]
    if route == "/users/me" and method == "GET":
        return Answer(200, {"id": 1, "name": "Editor Diskominfo", "slug": fake.wp_user})
    if route == "/media" and method == "POST":
        disposition = request.headers.get("content-disposition", "")
        if "filename=" not in disposition:
            return _error(
                400, "rest_upload_no_content_disposition", "No Content-Disposition supplied."
            )
        if not request.body:
            return _error(400, "rest_upload_no_data", "No data supplied.")
        media_id = int(fake.next_id())
        fake.uploads[f"wp:{media_id}"] = {"size": len(request.body), "alt_text": ""}
        return Answer(
            201, {"id": media_id, "source_url": f"{fake.url}/wp-content/uploads/{media_id}.jpg"}
        )
    if match := re.fullmatch(r"/media/(\d+)", route):
        media = fake.uploads.get(f"wp:{match[1]}")
        if media is None:
            return _error(404, "rest_post_invalid_id", "Invalid post ID.")
        if method == "POST" and isinstance(request.json, dict):
            media["alt_text"] = str(request.json.get("alt_text", ""))
        return Answer(200, {"id": int(match[1]), **media})
    if route == "/posts" and method == "POST":
        return _create(fake, request)
    if route == "/posts" and method == "GET":
        slug = request.query.get("slug", "")
        with fake.lock:
            found = [
                _public(p)
                for p in fake.posts["wordpress"]
                if p["status"] == "publish" and (not slug or p["slug"] == slug)
            ]
        return Answer(200, found)
    if (match := re.fullmatch(r"/posts/(\d+)", route)) and method == "DELETE":
        with fake.lock:
            for post in fake.posts["wordpress"]:
                if post["id"] == int(match[1]) and post.get("deleted"):
                    return _error(410, "rest_already_trashed", "The post has already been deleted.")
                if post["id"] == int(match[1]):
                    post["status"] = "trash"
                    post["deleted"] = True
                    return Answer(200, _public(post))
        return _error(404, "rest_post_invalid_id", "Invalid post ID.")
    return _error(404, "rest_no_route", "No route was found matching the URL and request method.")


def _public(post: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": post["id"],
        "slug": post["slug"],
        "status": post["status"],
        "link": post["link"],
        "title": {"rendered": post["title"]},
        "featured_media": post["featured_media"],
    }


def _create(fake: FakePlatforms, request: Request) -> Answer:
    from channels.fakes.server import Answer

    body = request.json if isinstance(request.json, dict) else None
    if body is None:
        return _error(400, "rest_invalid_json", "Invalid JSON body passed.")
    title, content = body.get("title"), body.get("content")
    if not title and not content:
        return _error(400, "empty_content", "Content, title, and excerpt are empty.")
    status = body.get("status", "draft")
    if status not in ("publish", "draft", "pending", "private", "future"):
        return _error(400, "rest_invalid_param", "Invalid parameter(s): status")
    featured = int(body.get("featured_media") or 0)
    if featured and f"wp:{featured}" not in fake.uploads:
        return _error(400, "rest_invalid_featured_media", "Invalid featured media ID.")
    with fake.lock:
        slug = str(body.get("slug") or re.sub(r"[^a-z0-9]+", "-", str(title).lower()).strip("-"))
        taken = {p["slug"] for p in fake.posts["wordpress"]}
        base, n = slug, 2
        while slug in taken:  # WordPress makes slugs unique by adding -2, -3, ...
            slug, n = f"{base}-{n}", n + 1
        post = {
            "id": int(fake.next_id()),
            "slug": slug,
            "status": status,
            "title": str(title),
            "content": str(content),
            "featured_media": featured,
            "link": f"{fake.url}/{slug}/",
        }
        fake.posts["wordpress"].append(post)
    return Answer(201, _public(post))
