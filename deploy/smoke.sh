#!/usr/bin/env bash
# Follow docs/deploy.md on this machine, without root-only systemd: the same commands the units
# run, started in the background from a temporary folder. PostgreSQL database warta_deploy,
# RedisHuey (Redis db 9), nginx with TLS in front when nginx is installed (a self-signed
# certificate), 2 gunicorn workers, 2 `run_huey` workers and the fake platforms
# (python -m channels.fakes). Then one item walks all 7 steps over the API with tokens (the
# draft with its photo goes through the web form, since the API takes no images), is posted to
# the website, Facebook, Instagram, X and WordPress, and the five links are printed. Finally a
# backup is restored into a second database (warta_deploy_restore) and verified.
#
#   bash deploy/smoke.sh            # needs PostgreSQL and Redis on 127.0.0.1, curl, jq
#
# Environment: PGURL (default postgres://postgres@127.0.0.1:5432), REDIS_DB (default 9),
# KEEP=1 leaves the processes running (their pids and logs are printed).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
APP="$PWD"

PGURL="${PGURL:-postgres://postgres@127.0.0.1:5432}"
REDIS_DB="${REDIS_DB:-9}"
DB=warta_deploy
WORK="$(mktemp -d /tmp/warta-deploy.XXXXXX)"
VAR="$WORK/var"
ENV_FILE="$WORK/warta.env"
PASSWORD="smoke-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
pids=()

step() { printf '\n== %s\n' "$*"; }
fail() { echo "SMOKE FAILED: $*" >&2; exit 1; }
free_port() { "$APP/.venv/bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
cleanup() {
	if [ "${KEEP:-0}" = 1 ]; then
		echo "KEEP=1: still running: ${pids[*]} (logs in $WORK)"
		return
	fi
	for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
	for pid in "${pids[@]}"; do
		for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
		kill -KILL "$pid" 2>/dev/null || true
	done
}
trap cleanup EXIT

# --- 1. the application directory and its environment (docs/deploy.md "The app") ------------
step "app and environment in $WORK"
[ -x .venv/bin/python ] || python3 -m uv sync --frozen
mkdir -p "$VAR"
PY="$APP/.venv/bin/python"
PORT="$(free_port)"
FAKE_PORT="$(free_port)"
HTTPS_PORT="$(free_port)"
HTTP_PORT="$(free_port)"
if command -v nginx >/dev/null; then USE_NGINX=1; else USE_NGINX=0; fi
if [ "$USE_NGINX" = 1 ]; then
	BASE="https://127.0.0.1:$HTTPS_PORT"
else
	BASE="http://127.0.0.1:$PORT"
fi
SECRET_KEY="$("$PY" -c 'import secrets; print(secrets.token_urlsafe(50))')"
SECRETS_KEYS="$("$PY" -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())')"
# The example file as shipped, then this machine's values (later lines win, in systemd too).
cp deploy/warta.env.example "$ENV_FILE"
cat >>"$ENV_FILE" <<EOF

# --- deploy/smoke.sh: this machine ---
SECRET_KEY=$SECRET_KEY
WARTA_SECRETS_KEYS=$SECRETS_KEYS
SITE_URL=$BASE
ALLOWED_HOSTS=127.0.0.1
CSRF_TRUSTED_ORIGINS=$BASE
DATABASE_URL=$PGURL/$DB
REDIS_URL=redis://127.0.0.1:6379/$REDIS_DB
WARTA_JOBS=redis
WARTA_VAR_DIR=$VAR
GUNICORN_BIND=127.0.0.1:$PORT
# No mail server here; the fake platforms listen on 127.0.0.1.
WARTA_EMAIL_BACKEND=django.core.mail.backends.console.EmailBackend
WARTA_ALLOW_PRIVATE_URLS=1
WARTA_INSTAGRAM_POLL_SECONDS=0.5
WARTA_DEMO_PASSWORD=$PASSWORD
# A trial certificate: browsers must not remember HSTS for 127.0.0.1.
WARTA_HSTS_SECONDS=0
WARTA_HSTS_PRELOAD=0
EOF
if [ "$USE_NGINX" = 0 ]; then
	# No proxy in front: curl talks to gunicorn itself, and no X-Forwarded-For is believed.
	printf 'WARTA_BEHIND_TLS_PROXY=0\nWARTA_TRUSTED_PROXIES=\nWARTA_SSL_REDIRECT=0\nWARTA_SECURE_COOKIES=0\n' >>"$ENV_FILE"
fi
chmod 600 "$ENV_FILE"
set -a
# shellcheck disable=SC1090
. "$ENV_FILE"
set +a
unset HUEY_IMMEDIATE DEBUG

# --- 2. PostgreSQL and Redis (docs/deploy.md "PostgreSQL and Redis") --------------------------
step "PostgreSQL database $DB, Redis db $REDIS_DB"
psql "$PGURL/postgres" -qAtc "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null
psql "$PGURL/postgres" -qAtc "DROP DATABASE IF EXISTS ${DB}_restore WITH (FORCE)" >/dev/null
psql "$PGURL/postgres" -qAtc "CREATE DATABASE $DB" >/dev/null
redis-cli -n "$REDIS_DB" FLUSHDB >/dev/null
echo "PostgreSQL: $(psql "$PGURL/$DB" -Atc 'show server_version'); Redis: $(redis-cli -n "$REDIS_DB" ping)"

# --- 3. first start (docs/deploy.md "First start") --------------------------------------------
step "first start: migrate, load_sop, createcachetable, collectstatic, accounts"
"$PY" manage.py migrate --no-input -v0
"$PY" manage.py load_sop
"$PY" manage.py createcachetable
"$PY" manage.py collectstatic --no-input -v0
# This trial needs the office's people: the demo office (kabid, kasi, operator1, ...).
"$PY" manage.py seed_demo | tail -1
DJANGO_SUPERUSER_PASSWORD="$PASSWORD" "$PY" manage.py createsuperuser --no-input \
	--username opsadmin --email ops@example.go.id
chmod 600 "$VAR"/secret_key 2>/dev/null || true

# --- 4. the services, as the units start them -------------------------------------------------
step "fake platforms, 2 gunicorn workers, 2 Huey workers${USE_NGINX:+, nginx}"
"$PY" -m channels.fakes --port "$FAKE_PORT" >"$WORK/fakes.log" 2>&1 &
pids+=($!)
.venv/bin/gunicorn -c deploy/gunicorn.conf.py >"$WORK/web.log" 2>&1 &
pids+=($!)
web_pid=$!
"$PY" manage.py run_huey --workers=4 --worker-type=thread --max-delay=1 >"$WORK/worker1.log" 2>&1 &
pids+=($!)
"$PY" manage.py run_huey --workers=4 --worker-type=thread --max-delay=1 --no-periodic \
	>"$WORK/worker2.log" 2>&1 &
pids+=($!)

CURL=(curl -sS --max-time 30)
if [ "$USE_NGINX" = 1 ]; then
	mkdir -p "$WORK/nginx/cache" "$WORK/nginx/tmp" "$WORK/tls"
	openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=127.0.0.1" \
		-addext "subjectAltName=IP:127.0.0.1" -keyout "$WORK/tls/privkey.pem" \
		-out "$WORK/tls/fullchain.pem" 2>/dev/null
	# The shipped site file with this machine's ports and paths.
	sed -e "s|listen 80;|listen 127.0.0.1:$HTTP_PORT;|" \
		-e "s|listen 443 ssl http2;|listen 127.0.0.1:$HTTPS_PORT ssl http2;|" \
		-e '/listen \[::\]/d' \
		-e "s|/etc/letsencrypt/live/warta.example.go.id|$WORK/tls|" \
		-e "s|warta.example.go.id|127.0.0.1|g" \
		-e "s|/var/cache/nginx/warta|$WORK/nginx/cache|" \
		-e "s|/var/log/nginx|$WORK/nginx|" \
		-e "s|/var/lib/warta/static/|$VAR/static/|" \
		-e "s|/var/www/html|$WORK|" \
		-e "s|127.0.0.1:8000|127.0.0.1:$PORT|" \
		deploy/nginx-warta.conf >"$WORK/nginx/site.conf"
	cat >"$WORK/nginx/nginx.conf" <<EOF
user root;
worker_processes 1;
daemon off;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/error.log;
events { worker_connections 256; }
http {
    include /etc/nginx/mime.types;
    client_body_temp_path $WORK/nginx/tmp/body;
    proxy_temp_path $WORK/nginx/tmp/proxy;
    fastcgi_temp_path $WORK/nginx/tmp/fastcgi;
    uwsgi_temp_path $WORK/nginx/tmp/uwsgi;
    scgi_temp_path $WORK/nginx/tmp/scgi;
    gzip on;
    include $WORK/nginx/site.conf;
}
EOF
	nginx -t -c "$WORK/nginx/nginx.conf" 2>&1 | tail -1
	nginx -c "$WORK/nginx/nginx.conf" >"$WORK/nginx/stdout.log" 2>&1 &
	pids+=($!)
	CURL+=(--cacert "$WORK/tls/fullchain.pem")
fi

for _ in $(seq 60); do
	code="$("${CURL[@]}" -o /dev/null -w '%{http_code}' "$BASE/healthz" 2>/dev/null || true)"
	[ "$code" = 200 ] && break
	kill -0 "$web_pid" 2>/dev/null || { tail -30 "$WORK/web.log"; fail "gunicorn exited"; }
	sleep 1
done
[ "$code" = 200 ] || { tail -30 "$WORK/web.log"; fail "/healthz answered $code"; }
echo "GET $BASE/healthz: $("${CURL[@]}" "$BASE/healthz")"
gunicorn_workers="$(pgrep -P "$web_pid" | wc -l)"
huey_workers="$(pgrep -f "manage.py run_huey --workers=4" -u "$(id -u)" | wc -l)"
echo "processes: gunicorn master $web_pid with $gunicorn_workers workers; $huey_workers Huey workers"
[ "$gunicorn_workers" = 2 ] || fail "expected 2 gunicorn workers"
if [ "$USE_NGINX" = 1 ]; then
	redirect="$(curl -sS -o /dev/null -w '%{http_code} %{redirect_url}' "http://127.0.0.1:$HTTP_PORT/masuk/")"
	echo "http:// answers $redirect"
	"${CURL[@]}" -D - -o /dev/null "$BASE/masuk/" | grep -i -E '^(strict-transport|x-request-id|set-cookie)' \
		| sed 's/=[^;]*;/=…;/'
fi

# --- 5. the walk: tokens, channel accounts, seven steps ---------------------------------------
step "channel accounts (admin, over the API) pointing at the fake platforms"
W="$BASE/api/v1"
FAKE="http://127.0.0.1:$FAKE_PORT"
token() { # token USERNAME [CODE]: Kabid, Kasi and admins also give their authenticator code
	"${CURL[@]}" -f -X POST "$W/auth/token" -H 'Content-Type: application/json' \
		-d "{\"username\": \"$1\", \"password\": \"$PASSWORD\", \"code\": \"${2:-}\"}" | jq -r .token
}
# The demo office's second step: seed_demo enrolled kabid, kasi and admin with the demo secret.
code() { "$PY" manage.py demo_totp "$1" 2>/dev/null; }
KABID=$(token kabid "$(code kabid)")
KASI=$(token kasi "$(code kasi)")
OPERATOR=$(token operator1)
ADMIN=$(token admin "$(code admin)")
[ -n "$KABID" ] && [ -n "$KASI" ] && [ -n "$ADMIN" ] || fail "no API token for kabid, kasi or admin"
add_account() { # kind config-json secrets-json
	"${CURL[@]}" -f -X POST "$W/channels" -H "Authorization: Bearer $ADMIN" \
		-H 'Content-Type: application/json' \
		-d "{\"kind\": \"$1\", \"name\": \"Diskominfo $1\", \"config\": $2, \"secrets\": $3}" \
		| jq -r '"  \(.kind): account \(.id) \(.name)"'
}
add_account facebook "{\"page_id\": \"1001\", \"api_base\": \"$FAKE\"}" '{"page_access_token": "fb-page-token"}'
add_account instagram "{\"ig_user_id\": \"17841400000\", \"api_base\": \"$FAKE\"}" '{"access_token": "ig-token"}'
add_account x "{\"api_base\": \"$FAKE\"}" '{"access_token": "x-token"}'
add_account wordpress "{\"site_url\": \"$FAKE\", \"username\": \"editor\"}" '{"application_password": "abcd efgh ijkl mnop"}'

step "manage.py doctor"
"$PY" manage.py doctor --worker-timeout 15 || fail "doctor found a problem"

step "the seven steps"
CODE=$("${CURL[@]}" -f -X POST "$W/items" -H "Authorization: Bearer $KABID" \
	-H 'Content-Type: application/json' -d '{
    "title": "Gubernur Resmikan Jembatan Way Sekampung",
    "kasi": "kasi",
    "activity": {"name": "Peresmian Jembatan", "starts_at": "2026-12-01T09:00:00+07:00",
                 "organizer": "Dinas PUPR"},
    "location": {"name": "Desa Way Sekampung", "region_code": "18.03"},
    "channels": ["website", "facebook", "instagram", "x", "wordpress"]
  }' | jq -r .code)
echo "1 assign   -> item $CODE"
act() { # step TOKEN ACTION JSON
	"${CURL[@]}" -f -X POST "$W/items/$CODE/actions/$3" -H "Authorization: Bearer $2" \
		-H 'Content-Type: application/json' -d "$4" | jq -r "\"$1 $3 -> \(.state // \"\") step \(.step // \"-\")\""
}
act 2 "$KASI" direct '{"operator": "operator1", "direction": "Sudut: manfaat bagi petani; 5W+1H."}'

# Step 3 with a photo (Instagram needs one): the operator's web form, as on a phone.
JAR="$WORK/operator.cookies"
"$PY" -c 'from PIL import Image; Image.new("RGB", (1600, 1200), (30, 110, 60)).save("'"$WORK"'/foto.jpg", quality=85)'
csrf() { grep -o 'name="csrfmiddlewaretoken" value="[^"]*"' | head -1 | sed 's/.*value="//; s/"$//'; }
token_login="$("${CURL[@]}" -c "$JAR" -b "$JAR" "$BASE/masuk/" | csrf)"
"${CURL[@]}" -c "$JAR" -b "$JAR" -o /dev/null -e "$BASE/masuk/" -X POST "$BASE/masuk/" \
	--data-urlencode "csrfmiddlewaretoken=$token_login" --data-urlencode "username=operator1" \
	--data-urlencode "password=$PASSWORD"
token_submit="$("${CURL[@]}" -c "$JAR" -b "$JAR" "$BASE/item/$CODE/" | csrf)"
[ -n "$token_submit" ] || fail "the operator could not open the submit form (sign-in failed?)"
status="$("${CURL[@]}" -c "$JAR" -b "$JAR" -o "$WORK/submit.html" -w '%{http_code}' \
	-e "$BASE/item/$CODE/" -X POST "$BASE/item/$CODE/submit/" \
	--form-string "csrfmiddlewaretoken=$token_submit" \
	--form-string "title=Gubernur Resmikan Jembatan Way Sekampung" \
	--form-string "body=<p>Gubernur Lampung meresmikan jembatan Way Sekampung yang menghubungkan dua desa.</p>" \
	--form-string "caption_instagram=Jembatan Way Sekampung resmi dibuka. #Lampung" \
	-F "image_1=@$WORK/foto.jpg;type=image/jpeg" \
	--form-string "alt_1=Gubernur menggunting pita di jembatan")"
[ "$status" = 302 ] || { grep -o 'invalid-feedback[^<]*<[^<]*' "$WORK/submit.html" | head; fail "submit answered $status"; }
echo "3 submit   -> version 1 with one photo (web form, HTTP $status)"
act 3 "$KASI" review '{"decision": "approve", "note": ""}'
act 4 "$KASI" forward '{}'
act 5 "$KABID" verify '{"decision": "approve", "note": "Layak tayang."}'
act 6 "$KASI" handover '{}'
act 7 "$OPERATOR" post '{}'

step "publications (posted by the Huey workers)"
for _ in $(seq 90); do
	states="$("${CURL[@]}" -f "$W/items/$CODE" -H "Authorization: Bearer $KABID" | jq -r '[.publications[].state] | join(",")')"
	[ -n "$states" ] && ! echo "$states" | grep -q -v -E '^(posted,?)+$' && break
	sleep 1
done
"${CURL[@]}" -f "$W/items/$CODE" -H "Authorization: Bearer $KABID" \
	| jq -r '"state: \(.state)", (.publications[] | "  \(.channel): \(.state)  \(.permalink) \(.last_error)")'
echo "$states" | grep -q -v -E '^(posted,?)+$' && fail "not every publication was posted: $states"
website_link="$("${CURL[@]}" -f "$W/items/$CODE" -H "Authorization: Bearer $KABID" | jq -r '.publications[] | select(.channel == "website") | .permalink')"
echo "website page: $("${CURL[@]}" -o /dev/null -w '%{http_code}' "$website_link") for $website_link"
if [ "$USE_NGINX" = 1 ]; then
	for attempt in first second; do
		"${CURL[@]}" -o /dev/null -D - "$website_link" | tr -d '\r' \
			| grep -i -E '^(cache-control|x-cache-status):' | paste -sd ' ' \
			| sed "s/^/  $attempt anonymous read through nginx: /"
	done
fi
"$PY" manage.py verify_audit

# --- 6. backup and restore (docs/deploy.md "Backup and restore") ------------------------------
step "backup, then restore into ${DB}_restore with an empty media folder"
"$PY" manage.py backup "$WORK/backup.tar.gz"
psql "$PGURL/postgres" -qAtc "CREATE DATABASE ${DB}_restore" >/dev/null
DATABASE_URL="$PGURL/${DB}_restore" WARTA_VAR_DIR="$WORK/var-restore" \
	"$PY" manage.py restore "$WORK/backup.tar.gz"
DATABASE_URL="$PGURL/${DB}_restore" WARTA_VAR_DIR="$WORK/var-restore" "$PY" manage.py verify_audit
psql "$PGURL/postgres" -qAtc "DROP DATABASE ${DB}_restore WITH (FORCE)" >/dev/null

step "log lines of one request (JSON, with its request id)"
rid="smoke-$(date +%s)-check"
"${CURL[@]}" -o /dev/null -H "X-Request-ID: $rid" "$BASE/masuk/"
sleep 0.5
grep -h "$rid" "$WORK/web.log" | head -2

step "the five links"
"${CURL[@]}" -f "$W/items/$CODE" -H "Authorization: Bearer $KABID" \
	| jq -r '.publications[] | "\(.channel): \(.permalink)"'
echo
echo "SMOKE OK (logs in $WORK)"
