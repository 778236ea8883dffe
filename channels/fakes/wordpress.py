"""A WordPress site's REST API with Application Passwords (as WordPress 6.1 answers).

Like a real site it advertises its API root in a ``Link: <…>; rel="https://api.w.org/"``
header: ``/wp-json/`` with pretty permalinks, ``/index.php?rest_route=/`` on "Plain" ones
(``fake.wp_permalinks = "plain"``), where ``/wp-json/...`` is answered like a page: a GET is
redirected (the canonical trailing slash), a POST gets the front page: 200 with HTML, nothing
done. Titles are HTML to WordPress (``shown`` is what a reader sees).
Photos stay listed until deleted with ``force=true`` and are attached to a post by ``post``.
"""

from __future__ import annotations

import html
import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from channels.fakes.server import Answer, FakePlatforms, Request

API = "/wp-json/wp/v2"
TAGS = re.compile(r"<[^>]*>")
ROLES = {
    "editor": {"read", "edit_posts", "publish_posts", "upload_files", "delete_posts",
               "edit_others_posts", "manage_categories", "unfiltered_html"},
    "author": {"read", "edit_posts", "publish_posts", "upload_files", "delete_posts"},
    "contributor": {"read", "edit_posts"},
    "subscriber": {"read"},
}  # fmt: skip


def shown(title: Any) -> str:
    """What a reader sees of an HTML title: tags are markup, entities are their characters."""
    return html.unescape(TAGS.sub("", str(title or "")))


def _error(status: int, code: str, message: str, **data: Any) -> Answer:
    from channels.fakes.server import Answer

    return Answer(status, {"code": code, "message": message, "data": {"status": status, **data}})


def _link(fake: FakePlatforms) -> dict[str, str]:
    root = f"{fake.url}/wp-json/" if fake.wp_permalinks == "pretty" else (
        f"{fake.url}/index.php?rest_route=/")  # fmt: skip
    return {"Link": f'<{root}>; rel="https://api.w.org/"'}


def _front_page(fake: FakePlatforms) -> Answer:
    from channels.fakes.server import web_page

    return web_page("Diskominfo Lampung", _link(fake))


def answer(fake: FakePlatforms, request: Request) -> Answer:
    from channels.fakes.server import Answer

    if request.path.startswith("/wp-json") and fake.wp_permalinks == "plain":
        # No rewrite rules: WordPress treats it as a page. A GET gets the canonical redirect
        # (a trailing slash), anything else its front page: 200 with HTML, nothing done.
        if request.method in ("GET", "HEAD") and not request.path.endswith("/"):
            query = "&".join(f"{k}={v}" for k, v in request.query.items())
            location = f"{fake.url}{request.path}/" + (f"?{query}" if query else "")
            return Answer(301, None, {"Location": location}, b"", "text/html; charset=UTF-8")
        return _front_page(fake)
    route, method = request.route.rstrip("/"), request.method
    if not route.startswith("/wp-json"):
        return _front_page(fake)
    if route == "/wp-json":
        return Answer(200, {"name": "Diskominfo Lampung", "namespaces": ["oembed/1.0", "wp/v2"]})
    if not route.startswith(API):
        return _error(404, "rest_no_route", "No route was found matching the URL")
    role = _role(fake, request)
    if isinstance(role, tuple):
        return _error(*role)
    capabilities = ROLES[role]
    route = route[len(API) :]
    if route == "/users/me" and method == "GET":
        return _me(fake, request, role)
    if route.startswith("/media"):
        return _media(fake, request, route, capabilities)
    if route in ("/categories", "/tags"):
        return _terms(fake, request, route[1:], capabilities)
    if route == "/posts" and method == "POST":
        return _create(fake, request, capabilities)
    if route == "/posts" and method == "GET":
        return _list(fake, request, capabilities)
    if match := re.fullmatch(r"/posts/(\d+)", route):
        return _post(fake, request, int(match[1]), capabilities)
    return _error(404, "rest_no_route", "No route was found matching the URL and request method.")


def _role(fake: FakePlatforms, request: Request) -> str | tuple[int, str, str]:
    """The signed-in user's role, or the error WordPress answers instead."""
    from channels.fakes.server import basic_auth

    credentials = basic_auth(request)
    if credentials is None:
        return 401, "rest_not_logged_in", "You are not currently logged in."
    users = {fake.wp_user: (fake.wp_password, "editor"), **fake.wp_users}
    user, password = credentials
    if user not in users:
        return 401, "invalid_username", "Unknown username. Check again or try your email address."
    if users[user][0] != password:
        return 401, "incorrect_password", (
            "The provided password is an invalid application password.")  # fmt: skip
    return users[user][1]


def _me(fake: FakePlatforms, request: Request, role: str) -> Answer:
    from channels.fakes.server import Answer, basic_auth

    user = (basic_auth(request) or ("", ""))[0]
    me: dict[str, Any] = {"id": 1, "name": "Editor Diskominfo" if role == "editor" else user,
                          "slug": user}  # fmt: skip
    if request.query.get("context") == "edit":
        me["roles"] = [role]
        me["capabilities"] = {c: True for c in sorted(ROLES[role])} | {role: True}
    return Answer(200, me)


def _public(post: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": post["id"],
        "slug": post["slug"],
        "status": post["status"],
        "link": post["link"],
        "title": {"rendered": post["title"]},
        "content": {"rendered": post["content"]},
        "featured_media": post["featured_media"],
        "categories": post["categories"],
        "tags": post["tags"],
    }


def _find(fake: FakePlatforms, post_id: int) -> dict[str, Any] | None:
    return next((p for p in fake.posts["wordpress"] if p["id"] == post_id), None)


def _list(fake: FakePlatforms, request: Request, capabilities: set[str]) -> Answer:
    from channels.fakes.server import Answer

    slug, status = request.query.get("slug", ""), request.query.get("status", "publish")
    if status != "publish" and "edit_posts" not in capabilities:
        return _error(400, "rest_invalid_param", "Invalid parameter(s): status")
    with fake.lock:
        found = [
            _public(p)
            for p in fake.posts["wordpress"]
            if (p["status"] == status or (status == "any" and p["status"] != "trash"))
            and (not slug or p["slug"] == slug)
        ]
    return Answer(200, found)


def _fields(fake: FakePlatforms, body: dict[str, Any], post: dict[str, Any]) -> Answer | None:
    """Copy the writable fields of a post; an error answer for an invalid one."""
    if "status" in body:
        if body["status"] not in ("publish", "draft", "pending", "private", "future"):
            return _error(400, "rest_invalid_param", "Invalid parameter(s): status")
        post["status"] = body["status"]
    featured = int(body.get("featured_media") or 0)
    if featured and not _medium(fake, featured):
        return _error(400, "rest_invalid_featured_media", "Invalid featured media ID.")
    if "featured_media" in body:
        post["featured_media"] = featured
    for name in ("title", "content"):
        if name in body:
            post[name] = str(body[name])
    for taxonomy in ("categories", "tags"):
        if taxonomy in body:
            known = {t["id"] for t in fake.wp_terms[taxonomy]}
            if not set(body[taxonomy]) <= known:
                return _error(400, "rest_invalid_param", f"Invalid parameter(s): {taxonomy}")
            post[taxonomy] = list(body[taxonomy])
    return None


def _create(fake: FakePlatforms, request: Request, capabilities: set[str]) -> Answer:
    from channels.fakes.server import Answer

    body = request.json if isinstance(request.json, dict) else None
    if body is None:
        return _error(400, "rest_invalid_json", "Invalid JSON body passed.")
    if "edit_posts" not in capabilities:
        return _error(403, "rest_cannot_create", "Sorry, you are not allowed to create posts.")
    if body.get("status") == "publish" and "publish_posts" not in capabilities:
        return _error(403, "rest_cannot_publish", "Sorry, you are not allowed to publish posts.")
    if not body.get("title") and not body.get("content"):
        return _error(400, "empty_content", "Content, title, and excerpt are empty.")
    with fake.lock:
        title = shown(body.get("title"))
        slug = str(body.get("slug") or re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-"))
        taken = {p["slug"] for p in fake.posts["wordpress"]}
        base, n = slug, 2
        while slug in taken:  # WordPress makes slugs unique by adding -2, -3, ...
            slug, n = f"{base}-{n}", n + 1
        post_id = int(fake.next_id())
        post: dict[str, Any] = {
            "id": post_id, "slug": slug, "status": "draft", "title": "", "content": "",
            "featured_media": 0, "categories": [], "tags": [],
            "link": f"{fake.url}/{slug}/" if fake.wp_permalinks == "pretty"
            else f"{fake.url}/?p={post_id}",
        }  # fmt: skip
        if (refused := _fields(fake, body, post)) is not None:
            return refused
        fake.posts["wordpress"].append(post)
    return Answer(201, _public(post))


def _post(fake: FakePlatforms, request: Request, post_id: int, capabilities: set[str]) -> Answer:
    from channels.fakes.server import Answer

    with fake.lock:
        post = _find(fake, post_id)
        if post is None:
            return _error(404, "rest_post_invalid_id", "Invalid post ID.")
        if request.method == "GET":
            return Answer(200, _public(post))
        if request.method == "DELETE":
            if "delete_posts" not in capabilities:
                return _error(403, "rest_cannot_delete", "Sorry, you are not allowed to delete.")
            if post["status"] == "trash":
                return _error(410, "rest_already_trashed", "The post has already been deleted.")
            post["status"], post["deleted"] = "trash", True
            return Answer(200, _public(post))
        body = request.json if isinstance(request.json, dict) else None
        if body is None:
            return _error(400, "rest_invalid_json", "Invalid JSON body passed.")
        if body.get("status") == "publish" and "publish_posts" not in capabilities:
            return _error(403, "rest_cannot_publish", "Sorry, you are not allowed to publish.")
        if (refused := _fields(fake, body, post)) is not None:
            return refused
        if post["status"] == "publish" and fake.wp_permalinks == "pretty":
            post["link"] = f"{fake.url}/{post['slug']}/"
        return Answer(200, _public(post))


def _medium(fake: FakePlatforms, media_id: int) -> dict[str, Any] | None:
    medium = fake.uploads.get(f"wp:{media_id}")
    return None if medium is None or medium.get("deleted") else medium


def _media(fake: FakePlatforms, request: Request, route: str, capabilities: set[str]) -> Answer:
    from channels.fakes.server import Answer

    method = request.method
    if route == "/media" and method == "POST":
        return _upload(fake, request, capabilities)
    if route == "/media" and method == "GET":
        parent = request.query.get("parent")
        with fake.lock:
            found = [
                {"id": int(key[3:]), **m}
                for key, m in fake.uploads.items()
                if key.startswith("wp:") and not m.get("deleted")
                and (parent is None or str(m["post"]) == parent)
            ]  # fmt: skip
        return Answer(200, found)
    match = re.fullmatch(r"/media/(\d+)", route)
    medium = _medium(fake, int(match[1])) if match else None
    if match is None or medium is None:
        return _error(404, "rest_post_invalid_id", "Invalid post ID.")
    if method == "DELETE":
        if request.query.get("force") != "true":
            return _error(501, "rest_trash_not_supported", "Media do not support trashing.")
        medium["deleted"] = True
        return Answer(200, {"deleted": True, "previous": {"id": int(match[1]), **medium}})
    if method == "POST" and isinstance(request.json, dict):
        for name in ("alt_text", "caption", "title", "post"):
            if name in request.json:
                medium[name] = request.json[name]
    return Answer(200, {"id": int(match[1]), **medium})


def _upload(fake: FakePlatforms, request: Request, capabilities: set[str]) -> Answer:
    from channels.fakes.server import Answer

    if "upload_files" not in capabilities:
        return _error(403, "rest_cannot_create", "Sorry, you are not allowed to upload media.")
    disposition = request.headers.get("content-disposition", "")
    if "filename=" not in disposition:
        return _error(400, "rest_upload_no_content_disposition", "No Content-Disposition supplied.")
    if not request.body:
        return _error(400, "rest_upload_no_data", "No data supplied.")
    parent = int(request.query.get("post") or 0)
    if parent and _find(fake, parent) is None:
        return _error(400, "rest_invalid_param", "Invalid parameter(s): post")
    media_id = int(fake.next_id())
    filename = disposition.split("filename=", 1)[1].strip('"')
    medium = {
        "size": len(request.body), "post": parent, "filename": filename,
        "title": request.query.get("title", filename.rsplit(".", 1)[0]),
        "caption": request.query.get("caption", ""), "alt_text": request.query.get("alt_text", ""),
        "source_url": f"{fake.url}/wp-content/uploads/{filename}",
    }  # fmt: skip
    fake.uploads[f"wp:{media_id}"] = medium
    return Answer(201, {"id": media_id, **medium})


def _terms(fake: FakePlatforms, request: Request, taxonomy: str, capabilities: set[str]) -> Answer:
    from channels.fakes.server import Answer

    terms = fake.wp_terms[taxonomy]
    if request.method == "GET":
        search = request.query.get("search", "").casefold()
        return Answer(
            200,
            [{**t, "name": html.escape(t["name"])} for t in terms
             if search in t["name"].casefold()],
        )  # fmt: skip
    name = str((request.json or {}).get("name") or "") if isinstance(request.json, dict) else ""
    if not name:
        return _error(400, "rest_missing_callback_param", "Missing parameter(s): name")
    if "manage_categories" not in capabilities:
        return _error(403, "rest_cannot_create", "Sorry, you are not allowed to create terms.")
    with fake.lock:
        existing = next((t for t in terms if t["name"].casefold() == name.casefold()), None)
        if existing is not None:
            return _error(400, "term_exists", "A term with the name provided already exists.",
                          term_id=existing["id"])  # fmt: skip
        term = {"id": int(fake.next_id()), "name": name,
                "slug": re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")}  # fmt: skip
        terms.append(term)
    return Answer(201, term)
