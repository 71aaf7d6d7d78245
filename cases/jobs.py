"""How background jobs run: one runner for the bound case file and the large export.

``run_job(Model, job_id, work)`` claims a pending job once (two workers given the same job do
it once), lets ``work(job, progress)`` do the job while ``progress(percent)`` records how far it
is, and ends it done, or failed with the error's message when ``work`` raises. A job that was
claimed but has said nothing for ``SILENCE_LIMIT`` (its worker died, was killed or hangs) is
failed as timed out by ``expire_if_silent``, which the job's page calls: no page polls forever.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any, TypeVar

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.choices import JobStatus
from cases.models import BackgroundJob

#: A running job that records no progress for this long is failed as timed out.
SILENCE_LIMIT = timedelta(minutes=10)
#: How much of the error's text is kept for the page and the administrator.
ERROR_CHARS = 2000

Job = TypeVar("Job", bound=BackgroundJob)
Progress = Callable[[int], None]


def run_job(model: type[Job], job_id: str, work: Callable[[Job, Progress], dict[str, Any]]) -> None:
    """Run one job of ``model``. ``work`` returns the fields to store with the result (its
    file's name, a row count); an exception it raises fails the job, then propagates so the
    worker logs it."""
    now = timezone.now()
    claimed = model._default_manager.filter(pk=job_id, status=JobStatus.PENDING).update(
        status=JobStatus.RUNNING, progress=5, started_at=now, heard_at=now
    )
    if not claimed:
        return
    job = model._default_manager.get(pk=job_id)
    running = model._default_manager.filter(pk=job_id, status=JobStatus.RUNNING)

    def progress(percent: int) -> None:
        running.update(progress=max(0, min(percent, 99)), heard_at=timezone.now())

    try:
        result = work(job, progress)
    except Exception as error:
        running.update(
            status=JobStatus.FAILED,
            error=(str(error) or type(error).__name__)[:ERROR_CHARS],
            finished_at=timezone.now(),
        )
        raise
    running.update(status=JobStatus.DONE, progress=100, finished_at=timezone.now(), **result)


def expire_if_silent(job: BackgroundJob) -> None:
    """Fail ``job`` as timed out if it has been running without a word for too long."""
    if job.status != JobStatus.RUNNING:
        return
    now = timezone.now()
    message = _("Timed out: no progress for %(minutes)d minutes.") % {
        "minutes": SILENCE_LIMIT.total_seconds() // 60
    }
    cutoff = now - SILENCE_LIMIT
    silent = Q(heard_at__lt=cutoff) | Q(heard_at__isnull=True, created_at__lt=cutoff)
    expired = (
        type(job)
        ._default_manager.filter(silent, pk=job.pk, status=JobStatus.RUNNING)
        .update(status=JobStatus.FAILED, error=message, finished_at=now)
    )
    if expired:
        job.status, job.error, job.finished_at = JobStatus.FAILED, message, now
