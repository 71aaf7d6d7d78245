"""保管期限: destroying a case file (卷宗) once its committee's retention period has ended.

A closed case's file is kept ``MediationCommittee.retention_years`` from 1 January of the year
after it was archived (closed, if it never was: ``Case.retention_ends``); a committee may keep
its files permanently. When the period has ended, ``purge_case``

- deletes the case's uploads (withdrawn ones too, which were kept until now), the photos of
  its home visits and its generated papers (the bound case file), rows and files;
- removes what the case kept to reach people: the parties' ID numbers, phones and addresses
  (also in their edit history) and the visited resident's phone and address. Names stay: the
  timeline, which is append-only, names the parties, and the register lists the case;
- marks the case ``purged_at`` and writes "case file destroyed" on its timeline and in the
  audit log.

The case row, its timeline, agreement terms and outcome stay: the register and the statistics
count them. The files leave the disk once the database has committed, so a failure never
leaves rows pointing at files that are gone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import DateTimeField, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone

from cases import timeline
from cases.models import Attachment, Case, DocumentJob, Party, VisitPhoto, VisitRequest
from clinic.audit import record
from clinic.choices import AuditEvent
from clinic.models import MediationCommittee

#: What a party's or a visited resident's row keeps to reach them, emptied at the end.
PARTY_CONTACT = {
    "id_number": "",
    "id_number_hash": "",
    "phone": "",
    "phone_hash": "",
    "address": "",
    "room": "",
}
RESIDENT_CONTACT = {"resident_phone": "", "address": "", "room": ""}


def _cutoff(years: int, today: date) -> datetime:
    """Files begun before this moment have been kept ``years`` full years by ``today``."""
    return timezone.make_aware(datetime.combine(date(today.year - years, 1, 1), time.min))


def expired(today: date | None = None) -> QuerySet[Case]:
    """The closed cases whose file's retention period has ended and which still hold it."""
    today = today or timezone.localdate()
    periods = (
        MediationCommittee.objects.exclude(retention_years=None)
        .values_list("retention_years", flat=True)
        .distinct()
    )
    ended = Q(pk__in=[])
    for years in periods:
        if years is None:  # excluded above; says so to the type checker
            continue
        ended |= Q(committee__retention_years=years, began__lt=_cutoff(years, today))
    return (
        Case.objects.filter(closed_at__isnull=False, purged_at__isnull=True)
        .annotate(began=Coalesce("archived_at", "closed_at", output_field=DateTimeField()))
        .filter(ended)
        .select_related("committee")
        .order_by("began", "pk")
    )


def _delete_files(names: list[str]) -> None:
    for name in names:
        default_storage.delete(name)


@dataclass(frozen=True)
class Purged:
    """What was removed of one case: the files' names on disk, how many parties' details."""

    case: Case
    files: list[str]
    parties: int


def purge_case(case: Case, *, os_user: str, today: date | None = None) -> Purged | None:
    """Destroy ``case``'s file (see the module's docstring); None when it is not due (any
    more), which another run may have seen to meanwhile."""
    today = today or timezone.localdate()
    with transaction.atomic():
        locked = expired(today).select_for_update(of=("self",)).filter(pk=case.pk).first()
        if locked is None:
            return None
        attachments = Attachment.objects.filter(case=locked)
        photos = VisitPhoto.objects.filter(request__case=locked)
        papers = DocumentJob.objects.filter(case=locked)
        files = [
            name
            for query in (attachments, photos, papers)
            for name in query.values_list("file", flat=True)
            if name
        ]
        attachments.delete()
        photos.delete()
        papers.delete()
        parties = Party.objects.filter(case=locked).update(**PARTY_CONTACT)
        Party.history.filter(case_id=locked.pk).update(**PARTY_CONTACT)
        VisitRequest.objects.filter(case=locked).update(**RESIDENT_CONTACT)
        now = timezone.now()
        Case.objects.filter(pk=locked.pk).update(purged_at=now)
        years = locked.committee.retention_years or 0
        began = timezone.localdate(locked.archived_at or locked.closed_at)
        timeline.case_file_purged(
            locked, years=years, began=began, files=len(files), parties=parties
        )
        record(
            AuditEvent.COMMAND,
            username=os_user,
            obj=locked,
            object_type="case",
            detail={
                "command": "purge_expired",
                "os_user": os_user,
                "retention_years": years,
                "began": began.isoformat(),
                "files": len(files),
                "parties": parties,
            },
        )
        transaction.on_commit(lambda: _delete_files(files))
    return Purged(locked, files, parties)
