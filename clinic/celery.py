"""The Celery app. Without ``CELERY_BROKER_URL`` tasks run in-process (eagerly).

Worker: ``celery -A clinic worker``; beat: ``celery -A clinic beat``. Every periodic job is also
a management command, so a cron line can replace beat.
"""

from __future__ import annotations

import os

from celery import Celery, signals

from clinic.lib.logs import redact_task_arguments, scrub_handlers

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clinic.settings")

app = Celery("clinic")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# No personal data in the worker's logs or in what it shows of a task's arguments
# (clinic.lib.logs): Celery sets up its own handlers, so they are given the scrubbing filter.
signals.after_setup_logger.connect(lambda logger, **kwargs: scrub_handlers(logger), weak=False)
signals.after_setup_task_logger.connect(lambda logger, **kwargs: scrub_handlers(logger), weak=False)
signals.before_task_publish.connect(redact_task_arguments, weak=False)
