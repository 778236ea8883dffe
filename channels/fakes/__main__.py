"""Serve the fake platforms for a manual trial: ``uv run python -m channels.fakes --port 8900``."""

from __future__ import annotations

import argparse
import time

from channels.fakes.server import FakePlatforms


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8900)
    parser.add_argument("--delay", type=float, default=0.0, help="seconds before each answer")
    parser.add_argument("--chaos", type=float, default=0.0, help="share of POSTs to fault")
    args = parser.parse_args()
    fake = FakePlatforms(delay=args.delay).start(port=args.port, host=args.host)
    if args.chaos:
        fake.chaos(args.chaos)
    url = fake.url
    print(f"Fake Facebook, Instagram, X and WordPress at {url}  (Ctrl-C stops)")
    print("Set WARTA_ALLOW_PRIVATE_URLS=1 for Warta (web and worker), then add these accounts:")
    print(f"  facebook : page_id={fake.page_id} api_base={url} "
          f"page_access_token={fake.tokens['facebook']}")  # fmt: skip
    print(f"  instagram: ig_user_id={fake.ig_user_id} api_base={url} "
          f"access_token={fake.tokens['instagram']}")  # fmt: skip
    print(f"  x        : api_base={url} access_token={fake.tokens['x']}")
    print(f"  wordpress: site_url={url} username={fake.wp_user} "
          f"application_password='{fake.wp_password}'")  # fmt: skip
    print("Or connect Facebook, Instagram and X by signing in (the fake allows at once): enter")
    print(f"  client_id={fake.client_id} client_secret={fake.client_secret} api_base={url} "
          f"auth_base={url}, save, then press “Connect with …”.")  # fmt: skip
    try:
        while True:
            time.sleep(5)
            counts = ", ".join(f"{p}={len(posts)}" for p, posts in fake.posts.items())
            print(f"posts so far: {counts}", flush=True)
    except KeyboardInterrupt:
        fake.stop()


if __name__ == "__main__":
    main()
