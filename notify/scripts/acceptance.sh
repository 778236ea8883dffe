#!/usr/bin/env bash
# Walk one item to step 6 against a running `make run` + fake WhatsApp (see docs/whatsapp.md).
set -euo pipefail
PORT=${PORT:-8000}
FAKE=${FAKE:-http://127.0.0.1:8899}
BASE="http://127.0.0.1:${PORT}/api/v1"
PASSWORD=${WARTA_DEMO_PASSWORD:-warta-demo-2026}
export SITE_URL=${SITE_URL:-http://127.0.0.1:${PORT}}

json() { uv run python -c "import json,sys; print(json.load(sys.stdin)$1)"; }
token() {
  curl -sf -X POST "$BASE/auth/token" -H 'Content-Type: application/json' \
    -d "{\"username\":\"$1\",\"password\":\"$PASSWORD\"}" | json "['token']"
}
call() {  # call METHOD PATH TOKEN [BODY]
  curl -sf -X "$1" "$BASE$2" -H "Authorization: Bearer $3" -H 'Content-Type: application/json' \
    -H 'Accept-Language: en' ${4:+-d "$4"}
}

KABID=$(token kabid); KASI=$(token kasi); OPERATOR=$(token operator1)
call PATCH /me "$KABID" '{"whatsapp":"0811-0000-0001"}' >/dev/null
call PATCH /me "$KASI" '{"whatsapp":"+62 811 0000 0002"}' >/dev/null
call PATCH /me "$OPERATOR" '{"whatsapp":"6281100000003"}' >/dev/null

STARTS=$(date -u -d '+2 hours' +%Y-%m-%dT%H:%M:%SZ)
CODE=$(call POST /items "$KABID" "{\"title\":\"Uji WhatsApp $(date +%s)\",\"kasi\":\"kasi\",
  \"activity\":{\"name\":\"Peresmian\",\"starts_at\":\"$STARTS\",\"organizer\":\"Dinas\"},
  \"location\":{\"name\":\"Bandar Lampung\",\"region_code\":\"18.71\"},\"channels\":[\"website\"]}" \
  | json "['code']")
echo "item $CODE assigned"
call POST "/items/$CODE/actions/direct" "$KASI" '{"operator":"operator1","direction":"Sudut: manfaat"}' >/dev/null
call POST "/items/$CODE/actions/submit" "$OPERATOR" '{"title":"Jembatan Baru","body":"Jembatan diresmikan."}' >/dev/null
echo "submitted; the Kasi decides on WhatsApp"
sleep 3  # let the worker send the Kasi's decision template

uv run python manage.py whatsapp_simulate --from 6281100000002 --tap approve --item "$CODE" --fake "$FAKE"
sleep 3
uv run python manage.py whatsapp_simulate --from 6281100000001 --tap approve --item "$CODE" --fake "$FAKE"
sleep 3

call GET "/items/$CODE" "$KASI" | uv run python -c "
import json, sys
item = json.load(sys.stdin)
print('open step:', item['step'], item['action'], 'waiting for', (item['assignee'] or {}).get('username'))"
uv run python manage.py shell -c "
from notify.models import Delivery, Notification
for d in Delivery.objects.filter(item_code='$CODE').order_by('pk'):
    print(f'{d.key:14} {d.notifier:9} {str(d.user or d.address):16} {d.state:9} {d.reason[:60]}')
print('in-app notices:', list(Notification.objects.filter(item_code='$CODE').values_list('user__username', 'title')))
"
