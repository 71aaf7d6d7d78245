"""How background jobs run: one runner for the bound case file and the large export.

``run_job(Model, job_id, work)`` claims a pending job once (two workers given the same job do
it once: a task sent twice does the work once), lets ``work(job, progress)`` do the job while
``progress(percent)`` records how far it is, and ends it done, or failed with the error's
message when ``work`` raises.

A job times out: not finished ``Model.timeout`` after it was asked for (its task lost with a
broker restarted without persistence, its worker stuck; the task's own time limit stops the
work there too), or claimed but silent for ``SILENCE_LIMIT`` (its worker died). It is failed
with the reason, and its page says to try again: by ``expire_jobs`` (the
``cases.tasks.expire_jobs`` sweep) and by ``expire_if_silent``, which the job's page calls, so
no page polls forever. ``late_jobs`` counts the jobs past their time not yet failed, for
``/healthz``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, TypeVar

from celery.exceptions import SoftTimeLimitExceeded
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.choices import JobStatus
from cases.models import BackgroundJob, DocumentJob, ExportJob

#: A running job that records no progress for this long is failed as timed out.
SILENCE_LIMIT = timedelta(minutes=10)
#: How much of the error's text is kept for the page and the administrator.
ERROR_CHARS = 2000
#: Every kind of job (the sweep and /healthz look at each).
JOB_MODELS: tuple[type[BackgroundJob], ...] = (DocumentJob, ExportJob)
WAITING = (JobStatus.PENDING, JobStatus.RUNNING)

Job = TypeVar("Job", bound=BackgroundJob)
Progress = Callable[[int], None]


def run_job(model: type[Job], job_id: str, work: Callable[[Job, Progress], dict[str, Any]]) -> None:
    """Run one job of ``model``. ``work`` returns the fields to store with the result (its
    file's name, a row count); an exception it raises fails the job, then propagates so the
    worker logs it. A job already claimed, finished or past its time is left alone (a task
    run twice, or sent again late, does nothing more)."""
    now = timezone.now()
    claimed = model._default_manager.filter(
        pk=job_id, status=JobStatus.PENDING, created_at__gt=now - model.timeout
    ).update(status=JobStatus.RUNNING, progress=5, started_at=now, heard_at=now)
    if not claimed:
        _expire(model, Q(pk=job_id), now)
        return
    job = model._default_manager.get(pk=job_id)
    running = model._default_manager.filter(pk=job_id, status=JobStatus.RUNNING)

    def progress(percent: int) -> None:
        running.update(progress=max(0, min(percent, 99)), heard_at=timezone.now())

    try:
        result = work(job, progress)
    except SoftTimeLimitExceeded:
        running.update(
            status=JobStatus.FAILED, error=_late_message(model), finished_at=timezone.now()
        )
        raise
    except Exception as error:
        running.update(
            status=JobStatus.FAILED,
            error=(str(error) or type(error).__name__)[:ERROR_CHARS],
            finished_at=timezone.now(),
        )
        raise
    running.update(status=JobStatus.DONE, progress=100, finished_at=timezone.now(), **result)


def _late_message(model: type[BackgroundJob]) -> str:
    return _("Timed out: not finished within %(minutes)d minutes.") % {
        "minutes": model.timeout.total_seconds() // 60
    }


def _silent_message() -> str:
    return _("Timed out: no progress for %(minutes)d minutes.") % {
        "minutes": SILENCE_LIMIT.total_seconds() // 60
    }


def _late(model: type[BackgroundJob], now: datetime) -> Q:
    return Q(status__in=WAITING, created_at__lte=now - model.timeout)


def _silent(now: datetime) -> Q:
    cutoff = now - SILENCE_LIMIT
    return Q(status=JobStatus.RUNNING) & (
        Q(heard_at__lt=cutoff) | Q(heard_at__isnull=True, created_at__lt=cutoff)
    )


def _expire(model: type[BackgroundJob], which: Q, now: datetime) -> int:
    """Fail the jobs of ``which`` that are past their time or silent, each with its reason."""
    manager = model._default_manager
    late = manager.filter(which, _late(model, now)).update(
        status=JobStatus.FAILED, error=_late_message(model), finished_at=now
    )
    silent = manager.filter(which, _silent(now)).update(
        status=JobStatus.FAILED, error=_silent_message(), finished_at=now
    )
    return late + silent


def expire_if_silent(job: BackgroundJob) -> None:
    """Fail ``job`` as timed out if it is past its time, or has been running without a word
    for too long (the job's page calls this)."""
    if job.status not in WAITING:
        return
    now = timezone.now()
    if _expire(type(job), Q(pk=job.pk), now):
        fresh = type(job)._default_manager.get(pk=job.pk)
        job.status, job.error, job.finished_at = fresh.status, fresh.error, fresh.finished_at


def expire_jobs() -> int:
    """Fail every job past its time or silent (the sweep); how many were failed."""
    now = timezone.now()
    return sum(_expire(model, Q(), now) for model in JOB_MODELS)


def late_jobs() -> int:
    """How many jobs are still waiting past their time (``/healthz``: 503 when any)."""
    now = timezone.now()
    return sum(model._default_manager.filter(_late(model, now)).count() for model in JOB_MODELS)
