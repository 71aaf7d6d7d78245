"""Background jobs: the bound case file and the large export (run by ``cases.jobs``)."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.choices import (
    JobStatus,
)
from cases.models.case import Case


class BackgroundJob(models.Model):
    """Work done in the background for one person (a bound case file, a large export).

    ``cases.jobs.run_job`` claims it once (pending → running), records progress as it goes and
    ends it done, or failed with the error's message. A job not finished ``timeout`` after it
    was asked for (its task lost, its worker stuck), or running silent for longer than
    ``cases.jobs.SILENCE_LIMIT``, is failed as timed out (by the ``cases.tasks.expire_jobs``
    sweep, or when its page is next looked at), so no page polls forever and the person is
    told to try again."""

    #: How long the job may take from being asked for; its task's time limit too.
    timeout = timedelta(minutes=10)

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("requested by")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=JobStatus.choices, default=JobStatus.PENDING
    )
    progress = models.PositiveSmallIntegerField(_("progress"), default=0)
    created_at = models.DateTimeField(_("requested"), default=timezone.now)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    heard_at = models.DateTimeField(_("last progress"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        abstract = True
        ordering = ["-created_at"]

    @property
    def is_waiting(self) -> bool:
        """Still to be finished: the page keeps refreshing itself."""
        return self.status in (JobStatus.PENDING, JobStatus.RUNNING)

    @property
    def deadline(self) -> datetime:
        """When the job times out if it has not finished."""
        return self.created_at + self.timeout


def document_path(instance: DocumentJob, filename: str) -> str:
    return f"documents/{instance.case_id}/{instance.pk}.pdf"


class DocumentJob(BackgroundJob):
    """A bound case file being rendered in the background, with its progress and result."""

    timeout = timedelta(minutes=10)

    case = models.ForeignKey(
        Case, models.CASCADE, related_name="document_jobs", verbose_name=_("case")
    )
    kind = models.CharField(_("document"), max_length=20, default="casefile")
    file = models.FileField(upload_to=document_path, max_length=200, blank=True)
    reveal_ids = models.BooleanField(default=False)

    class Meta(BackgroundJob.Meta):
        verbose_name = _("document job")
        verbose_name_plural = _("document jobs")

    def __str__(self) -> str:
        return f"{self.case} {self.kind} {self.status}"


def export_path(instance: ExportJob, filename: str) -> str:
    return f"exports/{instance.pk}-{filename}"


class ExportJob(BackgroundJob):
    """A large export (every case of a scope and period) written in the background."""

    timeout = timedelta(minutes=30)

    scope = models.CharField(_("scope"), max_length=40)
    period = models.CharField(_("period"), max_length=40)
    format = models.CharField(
        _("format"), max_length=4, choices=[("csv", "CSV"), ("xlsx", "Excel")], default="csv"
    )
    rows = models.PositiveIntegerField(_("rows"), default=0)
    file = models.FileField(upload_to=export_path, max_length=200, blank=True)

    class Meta(BackgroundJob.Meta):
        verbose_name = _("export")
        verbose_name_plural = _("exports")

    def __str__(self) -> str:
        return f"{self.scope} {self.period} {self.status}"

    @property
    def period_days(self) -> tuple[str, str]:
        """The period's first and last day (ISO), as the statistics page asks for them."""
        first, _sep, last = self.period.partition("_")
        return first, last
