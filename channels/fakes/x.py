"""X API v2: posts, media upload, the signed-in user and their timeline."""

from __future__ import annotations

import itertools
import time
from typing import TYPE_CHECKING, Any

from channels.text import x_weighted_length

if TYPE_CHECKING:
    from channels.fakes.server import Answer, FakePlatforms, Request


# Post ids are snowflakes, as X's are: milliseconds since X's epoch, then a sequence number.
SNOWFLAKE_EPOCH_MS = 1288834974657
_sequence = itertools.count()


def snowflake() -> str:
    """A post id that tells when it was made (to the millisecond), like X's."""
    now_ms = int(time.time() * 1000)
    return str(((now_ms - SNOWFLAKE_EPOCH_MS) << 22) | (next(_sequence) & 0x3FFFFF))


def _problem(status: int, title: str, detail: str, **extra: Any) -> Answer:
    from channels.fakes.server import Answer

    return Answer(
        status, {"title": title, "detail": detail, "type": "about:blank", "status": status, **extra}
    )


def answer(fake: FakePlatforms, request: Request) -> Answer:
    from channels.fakes.server import Answer, bearer

    path, method = request.path.rstrip("/"), request.method
    if path == "/2/oauth2/token" and method == "POST":
        return _token(fake, request)
    if bearer(request) != fake.tokens["x"]:
        return _problem(401, "Unauthorized", "Unauthorized")
    if path == "/2/users/me" and method == "GET":
        return Answer(
            200,
            {
                "data": {
                    "id": fake.x_user_id,
                    "name": "Diskominfo Lampung",
                    "username": "diskominfo_lpg",
                }
            },
        )
    if path == "/2/media/upload" and method == "POST":
        if "media" not in request.files:
            return _problem(400, "Invalid Request", "One or more parameters are invalid: media")
        if len(request.files["media"]) > 5 * 1024 * 1024:
            return _problem(400, "Invalid Request", "File size exceeds 5 MB")
        media_id = snowflake()
        fake.uploads[f"x:{media_id}"] = {"size": len(request.files["media"])}
        return Answer(
            200,
            {"data": {"id": media_id, "media_key": f"3_{media_id}", "expires_after_secs": 86400}},
        )
    if path == "/2/tweets" and method == "POST":
        return _post(fake, request)
    if path == f"/2/users/{fake.x_user_id}/tweets" and method == "GET":
        limit = int(request.query.get("max_results") or 10)
        if not 5 <= limit <= 100:
            return _problem(400, "Invalid Request", "max_results must be between 5 and 100")
        with fake.lock:
            data = [
                {"id": p["id"], "text": p["text"], "created_at": p["created_at"]}
                | ({"attachments": {"media_keys": [f"3_{m}" for m in p["media"]]}}
                   if p["media"] else {})
                for p in reversed(fake.posts["x"])
                if not p.get("deleted")
            ]  # fmt: skip
        start = int(request.query.get("pagination_token") or 0)
        page = data[start : start + limit]
        meta: dict[str, Any] = {"result_count": len(page)}
        if start + limit < len(data):
            meta["next_token"] = str(start + limit)
        return Answer(200, {"data": page, "meta": meta})
    if path.startswith("/2/tweets/") and method == "DELETE":
        post_id = path.rsplit("/", 1)[1]
        with fake.lock:
            for post in fake.posts["x"]:
                if post["id"] == post_id and not post.get("deleted"):
                    post["deleted"] = True
                    return Answer(200, {"data": {"deleted": True}})
        return _problem(404, "Not Found Error", "Could not find tweet")
    return _problem(404, "Not Found Error", f"No route {method} {path}")


def _post(fake: FakePlatforms, request: Request) -> Answer:
    from channels.fakes.server import Answer

    now = time.time()
    with fake.lock:
        fake.x_calls = [t for t in fake.x_calls if t > now - fake.x_window]
        reset = int((fake.x_calls[0] if fake.x_calls else now) + fake.x_window)
        headers = {
            "x-rate-limit-limit": str(fake.x_limit),
            "x-rate-limit-remaining": str(max(0, fake.x_limit - len(fake.x_calls) - 1)),
            "x-rate-limit-reset": str(reset),
        }
        if len(fake.x_calls) >= fake.x_limit:
            limited = _problem(429, "Too Many Requests", "Too Many Requests")
            limited.headers = headers
            return limited
        fake.x_calls.append(now)
    body = request.json if isinstance(request.json, dict) else None
    if body is None:
        return _problem(400, "Invalid Request", "The request body is not JSON")
    text = body.get("text")
    media_ids = (body.get("media") or {}).get("media_ids") or []
    if not isinstance(text, str) or (not text and not media_ids):
        return _problem(400, "Invalid Request", "One or more parameters are invalid: text")
    if x_weighted_length(text) > 280:
        return _problem(400, "Invalid Request", "Your Tweet text is too long.")
    if len(media_ids) > 4 or any(f"x:{m}" not in fake.uploads for m in media_ids):
        return _problem(400, "Invalid Request", "Your media IDs are invalid.")
    with fake.lock:
        if text and fake.count("x", text):
            return _problem(
                403, "Forbidden", "You are not allowed to create a Tweet with duplicate content."
            )
        post_id = snowflake()
        fake.posts["x"].append(
            {
                "id": post_id,
                "text": text,
                "media": media_ids,
                "created_at": time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime()),
            }
        )
    answer = Answer(201, {"data": {"id": post_id, "text": text}})
    answer.headers = headers
    return answer


def _token(fake: FakePlatforms, request: Request) -> Answer:
    """OAuth 2.0 refresh: a new access token and a new refresh token (the old one dies)."""
    from channels.fakes.server import Answer

    if request.form.get("grant_type") != "refresh_token" or not request.form.get("client_id"):
        return Answer(400, {"error": "invalid_request", "error_description": "Missing params"})
    with fake.lock:
        if request.form.get("refresh_token") != fake.x_refresh_token:
            return Answer(
                400, {"error": "invalid_request", "error_description": "Invalid refresh token"}
            )
        fake.tokens["x"] = f"x-token-{fake.next_id()}"
        fake.x_refresh_token = f"x-refresh-{fake.next_id()}"
        return Answer(
            200,
            {"token_type": "bearer", "expires_in": 7200, "access_token": fake.tokens["x"],
             "refresh_token": fake.x_refresh_token, "scope": "tweet.write users.read"},
        )  # fmt: skip
