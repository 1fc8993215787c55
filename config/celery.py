"""The Celery application. Broker and task defaults come from Django settings (CELERY_*)."""

import os

from celery import Celery

from config.logs import connect_celery_signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("tiltakshjulet")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# Worker and beat log through Django's LOGGING; task lines carry the queuing request's id.
connect_celery_signals()
