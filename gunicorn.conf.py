"""gunicorn's settings, read by gunicorn from the working folder (the repository's root):
its own lines in the same format as Django's and Celery's (config/logs.py), one access line
per request with the request's id. Command-line options still override what is set here."""

from config.env import env_str
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
