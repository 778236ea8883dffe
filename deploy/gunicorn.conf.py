"""gunicorn settings for Warta in production: ``gunicorn -c deploy/gunicorn.conf.py``.

Everything can be tuned from the environment file (deploy/warta.env.example), so a unit file never
needs editing. Threads (gthread): a request that waits on the database or on S3 does not hold a
whole process; two workers of two threads suit a 2-core VM.
"""

from __future__ import annotations

import os

wsgi_app = "warta.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000").split(",")
workers = int(os.environ.get("GUNICORN_WORKERS", "2"))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "2"))

# A request running longer than this is killed (uploads and PDF exports run in jobs, not here).
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
# On SIGTERM (systemctl stop/restart), finish running requests within this many seconds.
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "20"))
keepalive = 5
# Recycle workers now and then, so a slow leak never grows without bound.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = 200

# Only nginx on this machine may set X-Forwarded-*; Django reads X-Forwarded-Proto itself
# (WARTA_BEHIND_TLS_PROXY).
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
# No control socket: its default path is shared by every instance on a host.
control_socket_disable = True

errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
# With JSON logs Warta itself writes one line per request (ops/requestid.py: method, path,
# status, duration, user, request id); gunicorn's access line would only repeat it.
if os.environ.get("WARTA_LOG_FORMAT", "plain") == "json":
    accesslog = None
else:
    accesslog = "-"
    # remote address, request id (as echoed by Warta), request line, status, bytes, duration.
    access_log_format = '%(h)s %({x-request-id}o)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"'
