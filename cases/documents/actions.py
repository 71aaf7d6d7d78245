"""文书与卷宗: the bound case file rendered in the background, and archiving a closed case
under a volume number (卷号) its committee issues once."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases import timeline
from cases.access import refuse_if_archived
from cases.changes import ActionRefused, claim, save_case
from cases.choices import AgreementForm, Confirmation, State
from cases.documents import papers
from cases.jobs import Progress, run_job
from cases.models import Case, DocumentJob
from cases.people import coordinators
from clinic import outbox
from clinic.models import ReminderItem, User
from clinic.notify.digest import remind
from clinic.notify.notices import day, ref

#: From how many days before the judicial-confirmation window closes it is in the daily reminder.
CONFIRMATION_REMINDER_DAYS = 7


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


def next_volume_no(case: Case, today: date | None = None) -> str:
    """The next free volume number (卷号) of the case's committee this year, in the form the
    county's archives use (``2026-盘金-017``): offered on the archive form, not reserved."""
    year = (today or timezone.localdate()).year
    prefix = f"{year}-{case.committee.case_prefix}-"
    used = Case.objects.filter(committee=case.committee, volume_no__startswith=prefix)
    serials = [
        int(rest)
        for rest in (v.removeprefix(prefix) for v in used.values_list("volume_no", flat=True))
        if rest.isdigit()
    ]
    return f"{prefix}{max(serials, default=0) + 1:03d}"


def _volume_taken(case: Case, volume_no: str) -> ValidationError:
    holder = (
        Case.objects.filter(committee=case.committee, volume_no=volume_no)
        .exclude(pk=case.pk)
        .first()
    )
    return ValidationError(
        {
            "volume_no": _(
                "Volume number %(volume)s is already used by %(case)s in this committee: "
                "each volume number is issued once."
            )
            % {"volume": volume_no, "case": holder if holder is not None else "—"}
        }
    )


@transaction.atomic
def do_archive_case(case: Case, *, actor: User, volume_no: str) -> None:
    """Archive a closed case under a volume number (卷号) of its committee: refused while
    documents are missing from its case file, for a number the committee has already issued
    (a constraint backs it) and for a case already archived (its number is never changed).
    Archiving is a field, not a state; from then on the case is read-only."""

    if case.state != State.CLOSED:
        raise ActionRefused([_("Only a closed case is archived.")])
    refuse_if_archived(case)
    gaps = papers.missing(case)
    if gaps:
        raise ActionRefused(
            [_("The case file is incomplete: %(missing)s") % {"missing": "、".join(gaps)}]
        )
    if (
        Case.objects.filter(committee=case.committee, volume_no=volume_no)
        .exclude(pk=case.pk)
        .exists()
    ):
        raise _volume_taken(case, volume_no)
    claim(case, None)
    case.archived_at = timezone.now()
    case.volume_no = volume_no
    try:
        with transaction.atomic():
            save_case(case, actor, ["archived_at", "volume_no"])
    except IntegrityError:
        # another case of the committee took the number at the same moment
        raise _volume_taken(case, volume_no) from None
    timeline.archived(case, actor=actor, volume_no=volume_no)


def do_send_confirmation_reminders(today: date | None = None, *, actor: User | None) -> int:
    """Remind the mediator and the coordinators of each case whose 30-day window for judicial
    confirmation closes within ``CONFIRMATION_REMINDER_DAYS`` while its signed written
    agreement is not yet before a court, so that the parties can still apply together: the
    case is an item of their daily digest (``clinic.notify.digest.remind``) every day until it
    is before a court or the window closes. Once per case and closing day, the case's timeline
    says who was reminded, and they are counted in what this returns: a later run, the same
    day or the next, counts no one. ``actor`` is ``None`` when the daily digest runs it
    (``collect_confirmation_reminders``)."""
    today = today or timezone.localdate()
    cases = (
        Case.objects.filter(
            confirmation_due__range=(today, today + timedelta(days=CONFIRMATION_REMINDER_DAYS)),
            agreements__form=AgreementForm.WRITTEN,
            agreements__signed_on__isnull=False,
            agreements__superseded_by__isnull=True,
            agreements__confirmation=Confirmation.NONE,
            purged_at__isnull=True,
        )
        .select_related("mediator", "community", "committee")
        .distinct()
        .order_by("pk")
    )
    sent = 0
    for case in cases:
        due = case.confirmation_due
        if due is None:  # the filter found a date: this tells the type checker
            continue
        subject = f"case:{case.pk}:confirmation_due:{due.isoformat()}"
        with transaction.atomic():
            reminded = remind(
                [case.mediator, *coordinators(case)],
                subject=subject,
                template="cases.confirmation_due",
                params={"due": day(due), "case": ref(case)},
                url=case.get_absolute_url(),
                due=due,
                today=today,
            )
            # the people to whom the case is new: reminded of it for the first time
            new = set(
                ReminderItem.objects.filter(
                    subject=subject, user__in=reminded, first_seen=today
                ).values_list("user_id", flat=True)
            )
            first = [user for user in reminded if user.pk in new]
            if first:
                timeline.reminder_sent(
                    case,
                    actor=actor,
                    about="confirmation_due",
                    due=due,
                    overdue=False,
                    recipients=first,
                )
            sent += len(first)
    return sent


def collect_confirmation_reminders(today: date) -> int:
    """The daily digest's collector (``cases/notices.py``) of the closing confirmation windows."""
    return do_send_confirmation_reminders(today, actor=None)
