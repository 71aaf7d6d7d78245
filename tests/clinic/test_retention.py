"""保管期限: a committee keeps its case files 10 years by default (another number, or for
good, if it chooses), from 1 January of the year after a case was archived (closed, if it
never was). ``purge_expired`` destroys the files of those whose period has ended — uploads
(withdrawn ones too), visit photos, generated papers, the parties' contact details — and no
other; it says so on the timeline and in the audit log; ``--dry-run`` changes nothing."""

from __future__ import annotations

import io
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import TestCase
from django.utils import timezone
from PIL import Image

from cases.choices import EventKind
from cases.documents.actions import do_request_case_file
from cases.follow_ups.actions import do_record_follow_up
from cases.mediation.actions import do_add_attachment, do_withdraw_attachment
from cases.models import Attachment, Case, DocumentJob, FollowUp, Party
from cases.templatetags.case_timeline import event_lines
from clinic.lib.uploads import PNG, CheckedUpload
from clinic.models import AuditEntry, MediationCommittee
from tests.cases.factories import fresh, in_state, settle, user
from tests.conftest import client_for

pytestmark = pytest.mark.usefixtures("demo")


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "uploads"
    return settings.MEDIA_ROOT


def _picture(colour: str) -> CheckedUpload:
    picture = io.BytesIO()
    Image.new("RGB", (40, 30), colour).save(picture, format="PNG")
    return CheckedUpload(picture.getvalue(), PNG)


def closed_case_with_files(*, archived: datetime | None, closed: datetime) -> Case:
    """A settled, followed-up and closed case with two uploads (one withdrawn) and its bound
    case file, closed (and archived) on the days given."""
    case = in_state("sit_in")
    mediator = user("mediator")
    for colour, name in (("red", "欠条.png"), ("blue", "错传.png")):
        do_add_attachment(
            fresh(case),
            actor=mediator,
            kind="evidence",
            upload=_picture(colour),
            original_name=name,
        )
    wrong = Attachment.objects.get(case=case, original_name="错传.png")
    do_withdraw_attachment(wrong, actor=mediator, reason="传错了案件")
    with TestCase.captureOnCommitCallbacks(execute=True):  # the job runs in-process
        do_request_case_file(fresh(case), actor=mediator, reveal_ids=False)
    settle(fresh(case))
    follow_up = FollowUp.objects.get(case=case, done_at__isnull=True)
    do_record_follow_up(
        follow_up,
        actor=mediator,
        method="phone",
        performance="full",
        satisfaction=5,
        findings="已按约赔付",
    )
    Case.objects.filter(pk=case.pk).update(closed_at=closed, archived_at=archived)
    return fresh(case)


def on(day: str) -> datetime:
    return timezone.make_aware(datetime.fromisoformat(day))


def purge(*options: str) -> str:
    """Run ``purge_expired``; what it printed. The files go once the database has committed."""
    out = io.StringIO()
    with TestCase.captureOnCommitCallbacks(execute=True):
        call_command("purge_expired", *options, stdout=out)
    return out.getvalue()


def files_of(case: Case) -> list[str]:
    names = [a.file.name for a in Attachment.objects.filter(case=case)]
    names += [j.file.name for j in DocumentJob.objects.filter(case=case) if j.file]
    return names


def test_the_period_runs_from_the_year_after_archiving_or_closing() -> None:
    archived = closed_case_with_files(archived=on("2015-06-01 10:00"), closed=on("2015-03-01"))
    assert archived.committee.retention_years == 10  # the default
    assert archived.retention_ends == date(2026, 1, 1)
    never_archived = closed_case_with_files(archived=None, closed=on("2015-12-31 23:30"))
    assert never_archived.retention_ends == date(2026, 1, 1)
    MediationCommittee.objects.filter(pk=archived.committee_id).update(retention_years=30)
    assert fresh(archived).retention_ends == date(2046, 1, 1)
    MediationCommittee.objects.filter(pk=archived.committee_id).update(retention_years=None)
    assert fresh(archived).retention_ends is None
    assert in_state("sit_in").retention_ends is None


def test_purge_destroys_only_the_expired_files_and_says_so(media: Path) -> None:
    expired = closed_case_with_files(archived=on("2014-06-01 10:00"), closed=on("2014-05-20"))
    kept = closed_case_with_files(archived=on("2024-06-01 10:00"), closed=on("2024-05-20"))
    expired_files, kept_files = files_of(expired), files_of(kept)
    assert len(expired_files) == 3 and all((media / name).exists() for name in expired_files)
    party = expired.parties.order_by("pk").first()
    assert party is not None and party.id_number and party.phone

    printed = purge()

    assert expired.number in printed and kept.number not in printed
    # The expired case's uploads (the withdrawn one too) and its bound file are gone, rows and
    # files; the other case keeps everything.
    assert not Attachment.objects.filter(case=expired).exists()
    assert not DocumentJob.objects.filter(case=expired).exists()
    assert not any((media / name).exists() for name in expired_files)
    assert len(files_of(kept)) == 3 and all((media / name).exists() for name in kept_files)
    # The parties' contact details are gone, in their history too; names stay.
    for gone in Party.objects.filter(case=expired):
        assert (gone.id_number, gone.phone, gone.address, gone.room) == ("", "", "", "")
        assert gone.name
    history = Party.history.filter(case_id=expired.pk)
    assert history.exists()
    assert set(history.values_list("id_number", "phone", "address")) == {("", "", "")}
    assert Party.objects.filter(case=kept).exclude(id_number="").exists()
    # The case, its number and outcome stay; the timeline and the audit log say what went.
    expired = fresh(expired)
    assert expired.purged_at is not None and expired.outcome
    event = expired.events.get(kind=EventKind.PURGED)
    assert event.actor is None
    assert event.payload["files"] == 3 and event.payload["parties"] == 2
    assert "3" in " ".join(event_lines(event))
    entry = AuditEntry.objects.get(object_type="case", object_id=str(expired.pk))
    assert entry.detail["command"] == "purge_expired" and entry.detail["files"] == 3
    assert AuditEntry.objects.filter(object_id="purge_expired", result="ok").exists()
    assert fresh(kept).purged_at is None

    # Run again: nothing more is due.
    assert "0 case files destroyed" in purge()
    assert expired.events.filter(kind=EventKind.PURGED).count() == 1


def test_the_case_page_says_how_long_the_file_is_kept_and_when_it_was_destroyed() -> None:
    case = closed_case_with_files(archived=on("2014-06-01 10:00"), closed=on("2014-05-20"))
    page = client_for("mediator").get(case.get_absolute_url()).content.decode()
    assert "2025-01-01" in page
    purge()
    page = client_for("mediator").get(case.get_absolute_url()).content.decode()
    assert "2025-01-01" not in page
    assert timezone.localdate().isoformat() in page


def test_a_committee_that_keeps_its_files_permanently_loses_none() -> None:
    case = closed_case_with_files(archived=on("1990-06-01 10:00"), closed=on("1990-05-20"))
    MediationCommittee.objects.filter(pk=case.committee_id).update(retention_years=None)
    purge()
    assert fresh(case).purged_at is None and len(files_of(case)) == 3


def test_a_dry_run_lists_what_would_go_and_changes_nothing(media: Path) -> None:
    case = closed_case_with_files(archived=None, closed=on("2012-05-20"))
    before = sorted(p.as_posix() for p in media.rglob("*"))
    events, audit = case.events.count(), AuditEntry.objects.exclude(event="command").count()

    printed = purge("--dry-run")

    assert case.number in printed and "nothing was changed" in printed
    assert sorted(p.as_posix() for p in media.rglob("*")) == before
    assert len(files_of(case)) == 3 and fresh(case).purged_at is None
    assert case.events.count() == events
    assert AuditEntry.objects.exclude(event="command").count() == audit
    assert Party.objects.filter(case=case).exclude(id_number="").exists()
