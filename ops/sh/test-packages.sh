#!/usr/bin/env bash
# The Debian packages `make test` needs beyond Python's: Chromium for the browser tests, fonts
# for pages and PDFs, Pango and HarfBuzz for WeasyPrint (PDF reports), gettext (msgfmt).
# As root it installs what is missing; otherwise it names the one command to run, and fails.
set -euo pipefail

missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
for package in fonts-dejavu-core fonts-liberation libpango-1.0-0 libpangoft2-1.0-0 \
	libharfbuzz-subset0; do
	dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
command -v msgfmt >/dev/null || missing+=(gettext)

[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
	echo "warta: installing the Debian packages the tests need: ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
	exit 0
fi
echo "warta: the tests need Debian packages that are missing; run: sudo apt-get install -y --no-install-recommends ${missing[*]}" >&2
exit 1
