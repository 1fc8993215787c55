"""gunicorn's settings, read by gunicorn from the working folder (the repository's root):
its own lines in the same format as Django's and Celery's (config/logs.py), one access line
per request with the request's id. Command-line options still override what is set here.

The production layout (systemd units, nginx in front, the release steps) is in docs/deploy.md;
the variables read here are in the README's configuration table."""

import multiprocessing
import os

from config.env import env_int, env_str
from config.logs import LOG_FORMATS, logging_config

_format = env_str("LOG_FORMAT", "json") or "json"
if _format not in LOG_FORMATS:
    raise SystemExit(f"LOG_FORMAT must be one of {', '.join(LOG_FORMATS)}.")

logconfig_dict = logging_config(_format, env_str("LOG_LEVEL", "INFO") or "INFO")
# Through the root handler to standard error, like every other line (with logconfig_dict the
# file named here is not used; setting it states that access lines are wanted). No path, query
# or referrer: calendar feeds, shared reports, invitations and password resets carry their
# secret token in the path. The request id (from Django's response; the line is written after
# Django's context has ended) leads to the request's own lines.
accesslog = "-"
access_log_format = "%(m)s %(s)s %(B)s bytes %(M)s ms request_id=%({x-request-id}o)s"

# --- processes and time limits (docs/deploy.md) -----------------------------------------------
# Loopback by default: nginx on the same machine forwards to it (deploy/nginx/). Behind a
# load balancer on another machine, WEB_BIND=0.0.0.0:8000 (and BEHIND_PROXY=true for Django).
bind = [env_str("WEB_BIND", "127.0.0.1:8000") or "127.0.0.1:8000"]

# Synchronous workers: every page is quick and does its heavy work in Celery (PDFs, imports),
# and nginx buffers slow clients, so a worker is never held by a slow connection. The classic
# two per core plus one; WEB_CONCURRENCY (gunicorn's own name for it) sets another number.
workers = env_int("WEB_CONCURRENCY", 2 * multiprocessing.cpu_count() + 1, minimum=1)
worker_class = "sync"

# A worker silent for this long is killed and replaced. It must stay above
# DATABASE_STATEMENT_TIMEOUT (20 s by default): a stuck statement then ends in an error page
# and a logged traceback, not a killed worker that leaves neither.
timeout = env_int("WEB_TIMEOUT", 30, minimum=5)
# On a restart (SIGHUP or SIGTERM) requests in progress get this long to finish.
graceful_timeout = 30

# Each worker is replaced after about this many requests, giving back the memory a large page
# or report left behind; the jitter keeps the workers from all restarting at the same moment.
max_requests = env_int("WEB_MAX_REQUESTS", 1000, minimum=0)
max_requests_jitter = max_requests // 10

# Workers tell the master they are alive by touching a file; on a RAM disk a slow or full
# disk cannot make a healthy worker look stuck.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108

# Every worker imports the app itself (no preload): a reload (SIGHUP) after an upgrade then
# picks up the new code, and no database connection is shared across a fork.
preload_app = False
proc_name = "tiltakshjulet"
