"""The Celery app. Without ``CELERY_BROKER_URL`` tasks run in-process (eagerly).

Worker: ``celery -A clinic worker``; beat: ``celery -A clinic beat``. Every periodic job is also
a management command, so a cron line can replace beat.
"""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clinic.settings")

app = Celery("clinic")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
