"""文书与卷宗: the bound case file rendered in the background, and archiving a closed case."""

from __future__ import annotations

from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases import timeline
from cases.changes import ActionRefused, claim, save_case
from cases.choices import State
from cases.documents import papers
from cases.jobs import Progress, run_job
from cases.models import Case, DocumentJob
from clinic import outbox
from clinic.models import User


@transaction.atomic
def do_request_case_file(case: Case, *, actor: User, reveal_ids: bool) -> DocumentJob:
    """Queue the bound case file; a worker renders it (in-process without a broker)."""

    job = DocumentJob.objects.create(case=case, requested_by=actor, reveal_ids=reveal_ids)
    outbox.enqueue("cases.tasks.render_case_file", str(job.pk))
    return job


def do_render_case_file(job_id: str, *, actor: User | None) -> None:
    """Render a queued case file, recording progress as it goes. ``actor`` is ``None`` when a
    worker renders it (the job names who asked)."""

    def work(job: DocumentJob, progress: Progress) -> dict[str, Any]:
        job = DocumentJob.objects.select_related("case", "requested_by").get(pk=job.pk)
        pdf = papers.render_case_file(
            job.case,
            compiled_by=str(job.requested_by),
            reveal_ids=job.reveal_ids,
            progress=progress,
        )
        job.file.save(f"{job.pk}.pdf", ContentFile(pdf), save=False)
        return {"file": job.file.name}

    run_job(DocumentJob, job_id, work)


@transaction.atomic
def do_archive_case(case: Case, *, actor: User, volume_no: str) -> None:
    """Archive a closed case under a volume number (卷号): refused while documents are
    missing from its case file. Archiving is a field, not a state."""

    if case.state != State.CLOSED:
        raise ActionRefused([_("Only a closed case is archived.")])
    gaps = papers.missing(case)
    if gaps:
        raise ActionRefused(
            [_("The case file is incomplete: %(missing)s") % {"missing": "、".join(gaps)}]
        )
    claim(case, None)
    case.archived_at = timezone.now()
    case.volume_no = volume_no
    save_case(case, actor, ["archived_at", "volume_no"])
    timeline.archived(case, actor=actor, volume_no=volume_no)
