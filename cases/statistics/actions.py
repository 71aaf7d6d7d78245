"""统计: committee reports on their way up (填报 → 审核 → 上报, each step audited and told to
the next person), and the large case-level export in the background."""

from __future__ import annotations

import tempfile
from datetime import date, timedelta
from typing import Any
from urllib.parse import urlencode

from django.core.files import File
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cases.changes import ActionRefused
from cases.jobs import Progress, run_job
from cases.models import ExportJob, FilingState, ReportFiling
from cases.models.filings import FILING_STEPS
from cases.statistics import exports, figures
from cases.statistics import filing as filing_rules
from clinic import audit, outbox
from clinic.choices import AuditEvent, Level, Role
from clinic.lib.versions import Claim, Stale, bump
from clinic.models import Community, MediationCommittee, Membership, User
from clinic.notify.digest import remind
from clinic.notify.dispatch import notify
from clinic.notify.notices import Encoded, day, ref

# --- Committee reports: 填报 → 审核 (通过 / 退回) → 上报 ------------------------------------------


def report_url(committee_id: int, label: str) -> str:
    """The committee's page of the period (its figures and its filing)."""
    query = urlencode({"scope": f"committee:{committee_id}", "period": label})
    return f"{reverse('cases:statistics_page')}?{query}"


def _members(roles: tuple[str, ...], **where: Any) -> list[User]:
    held = Membership.objects.active().filter(role__in=roles, **where)
    return list(User.objects.filter(pk__in=held.values("user_id"), is_active=True))


def report_fillers(committee: MediationCommittee) -> list[User]:
    """Who files the committee's report: its community's coordinators and mediators, or the
    street's (at street level) for the street committee."""
    roles = (Role.COORDINATOR, Role.MEDIATOR)
    if committee.community_id is not None:
        return _members(roles, level=Level.COMMUNITY, community_id=committee.community_id)
    return _members(roles, level=Level.STREET, street_id=committee.street_id)


def report_reviewers(committee: MediationCommittee) -> list[User]:
    return _members((Role.STREET_OFFICER,), street_id=committee.street_id)


def report_reporters(committee: MediationCommittee) -> list[User]:
    return _members((Role.DISTRICT_ADMIN,), district_id=committee.street.district_id)


def _names(filing: ReportFiling) -> dict[str, Encoded]:
    return {"committee": ref(filing.committee), "period": filing.label}


def _audit(event: str, filing: ReportFiling, actor: User, **detail: Any) -> None:
    audit.record(
        event,
        user=actor,
        obj=filing,
        detail={
            "committee": filing.committee.name,
            "period": filing.label,
            "state": filing.state,
            **detail,
        },
    )


def _step(filing: ReportFiling, step: str, claim: Claim | None) -> None:
    """Take the filing for ``step`` (the version the person saw, else ``Stale``) and check the
    step may be taken from where it stands."""
    (claim or bump)(filing)
    sources, _target = FILING_STEPS[step]
    if filing.state not in sources:
        raise ActionRefused(
            [
                _("This report is %(state)s: that step is not possible now.")
                % {"state": filing.get_state_display()}
            ]
        )


@transaction.atomic
def do_fill_report(
    committee: MediationCommittee,
    report: figures.Report,
    *,
    actor: User,
    notes: list[dict[str, str]],
    claim: Claim | None = None,
) -> ReportFiling:
    """填报: the committee files its report of the period, as checked, with a note for each
    warning (``filing.check_report``). A returned report is filed again in its place (``claim``
    carries the version the filer saw). The street officers are told."""
    period = report.period
    snapshot = filing_rules.snapshot_of(report, committee)
    existing = (
        ReportFiling.objects.select_for_update()
        .filter(committee=committee, first=period.first, last=period.last)
        .first()
    )
    if existing is None:
        try:
            with transaction.atomic():
                filing = ReportFiling.objects.create(
                    committee=committee,
                    first=period.first,
                    last=period.last,
                    label=period.label,
                    snapshot=snapshot,
                    notes=notes,
                    filed_by=actor,
                )
        except IntegrityError:
            raise Stale(str(_("Someone else filed this report meanwhile."))) from None
        refiled = False
    else:
        filing = existing
        filing.committee = committee
        _step(filing, "fill", claim)
        filing.state = FilingState.FILED
        filing.snapshot, filing.notes = snapshot, notes
        filing.filed_by, filing.filed_at = actor, timezone.now()
        filing.save(update_fields=["state", "snapshot", "notes", "filed_by", "filed_at"])
        refiled = True
    _audit(
        AuditEvent.REPORT_FILED,
        filing,
        actor,
        warnings=[note["code"] for note in notes],
        refiled=refiled,
    )
    notify(
        "statistics.report_filed",
        {**_names(filing), "person": ref(actor)},
        report_reviewers(committee),
        key=f"report:{filing.pk}:filed:{filing.row_version}",
        url=report_url(committee.pk, filing.label),
    )
    return filing


@transaction.atomic
def do_approve_report(filing: ReportFiling, *, actor: User, claim: Claim | None = None) -> None:
    """审核通过: the street approves the report as filed; from now on its figures are frozen.
    The district admins (who report it upward) and the filer are told."""
    _step(filing, "approve", claim)
    filing.state = FilingState.APPROVED
    filing.reviewed_by, filing.reviewed_at = actor, timezone.now()
    filing.save(update_fields=["state", "reviewed_by", "reviewed_at"])
    _audit(AuditEvent.REPORT_APPROVED, filing, actor)
    url = report_url(filing.committee_id, filing.label)
    notify(
        "statistics.report_approved",
        _names(filing),
        report_reporters(filing.committee),
        key=f"report:{filing.pk}:approved",
        url=url,
    )
    notify(
        "statistics.report_approved_filer",
        _names(filing),
        [filing.filed_by],
        key=f"report:{filing.pk}:approved:filer",
        url=url,
    )


@transaction.atomic
def do_return_report(
    filing: ReportFiling, *, actor: User, reason: str, claim: Claim | None = None
) -> None:
    """退回: the street sends the report back with a reason; the committee files it again."""
    _step(filing, "return", claim)
    filing.state = FilingState.RETURNED
    filing.return_reason = reason
    filing.reviewed_by, filing.reviewed_at = actor, timezone.now()
    filing.save(update_fields=["state", "return_reason", "reviewed_by", "reviewed_at"])
    _audit(AuditEvent.REPORT_RETURNED, filing, actor, reason=reason)
    notify(
        "statistics.report_returned",
        {**_names(filing), "reason": reason},
        [filing.filed_by, *report_fillers(filing.committee)],
        key=f"report:{filing.pk}:returned:{filing.row_version}",
        url=report_url(filing.committee_id, filing.label),
    )


@transaction.atomic
def do_report_upward(filing: ReportFiling, *, actor: User, claim: Claim | None = None) -> None:
    """上报: the district reports the approved report upward. The filer and the reviewer are
    told."""
    _step(filing, "report", claim)
    filing.state = FilingState.REPORTED
    filing.reported_by, filing.reported_at = actor, timezone.now()
    filing.save(update_fields=["state", "reported_by", "reported_at"])
    _audit(AuditEvent.REPORT_REPORTED, filing, actor)
    told = [filing.filed_by, *([filing.reviewed_by] if filing.reviewed_by else [])]
    notify(
        "statistics.report_reported",
        _names(filing),
        told,
        key=f"report:{filing.pk}:reported",
        url=report_url(filing.committee_id, filing.label),
    )


#: Fillers are reminded from this many days before the due day …
REMIND_BEFORE = 3
#: … to this many days after it, in their daily digest.
REMIND_AFTER = 10


@transaction.atomic
def do_send_report_reminders(today: date | None = None, *, actor: User | None = None) -> int:
    """The fillers of every committee whose last month is not filed (or was returned), from a
    few days before the due day to some days after, and the street officers of each report
    waiting for their review: items of their daily digest (``clinic.notify.digest.remind``),
    not a notice a day. A report due is one item from the first day to the last (overdue
    after the due day, with how many days); a report to review one item until it is reviewed.
    Returns how many people were reminded of a report for the first time today: a second run
    the same day reminds no one anew. ``actor`` is ``None`` when the daily digest runs it
    (``collect_report_reminders``)."""
    today = today or timezone.localdate()
    period = filing_rules.last_month(today)
    due = filing_rules.due_on(period)
    reminded = 0
    if due - timedelta(days=REMIND_BEFORE) <= today <= due + timedelta(days=REMIND_AFTER):
        done = ReportFiling.objects.filter(first=period.first, last=period.last).exclude(
            state=FilingState.RETURNED
        )
        template = "statistics.report_overdue" if today > due else "statistics.report_due"
        for committee in (
            MediationCommittee.objects.holding_cases()
            .exclude(pk__in=done.values("committee_id"))
            .select_related("street")
            .order_by("pk")
        ):
            reminded += len(
                remind(
                    report_fillers(committee),
                    subject=f"report:{committee.pk}:{period.label}:due",
                    template=template,
                    params={"committee": ref(committee), "period": period.label, "due": day(due)},
                    url=report_url(committee.pk, period.label),
                    due=due,
                    today=today,
                )
            )
    waiting = ReportFiling.objects.filter(state=FilingState.FILED).select_related(
        "committee__street"
    )
    reviewers: dict[int, list[User]] = {}  # a street's officers review its committees' reports
    for filing in waiting.order_by("pk"):
        street_id = filing.committee.street_id
        if street_id not in reviewers:
            reviewers[street_id] = report_reviewers(filing.committee)
        reminded += len(
            remind(
                reviewers[street_id],
                subject=f"report:{filing.committee_id}:{filing.label}:review",
                template="statistics.report_to_review",
                params=_names(filing),
                url=report_url(filing.committee_id, filing.label),
                today=today,
            )
        )
    return reminded


def collect_report_reminders(today: date) -> int:
    """The daily digest's collector (``cases/notices.py``) of the reports due, overdue and
    waiting for review."""
    return do_send_report_reminders(today, actor=None)


@transaction.atomic
def do_request_case_export(*, actor: User, scope: str, period: Any, format: str = "csv") -> Any:
    job = ExportJob.objects.create(
        requested_by=actor, scope=scope, period=period.key, format=format
    )
    outbox.enqueue("cases.tasks.export_cases", str(job.pk))
    return job


def do_export_cases(job_id: str, *, actor: User | None) -> None:
    """Write the anonymous case-level CSV or XLSX of a job, streaming rows to a file.
    ``actor`` is ``None`` when a worker writes it (the job names who asked)."""

    def work(job: ExportJob, progress: Progress) -> dict[str, Any]:
        first, last = job.period.split("_")
        period = figures.custom_period(date.fromisoformat(first), date.fromisoformat(last))
        kind, _sep, pk = job.scope.partition(":")
        if kind == "committee":  # a committee's own cases
            committee = MediationCommittee.objects.get(pk=pk)
            communities = filing_rules.committee_communities(committee)
            cases = exports.period_cases(communities, period).filter(committee=committee)
        else:
            places = Community.objects.filter(
                **{"district": {"street__district_id": pk}, "street": {"street_id": pk}}.get(
                    kind, {"pk": pk}
                )
            )
            cases = exports.period_cases(list(places), period)
        total = cases.count()
        progress(10)

        def written(rows: int) -> None:
            progress(min(95, 10 + 85 * rows // max(total, 1)))

        if job.format == "xlsx":
            with tempfile.TemporaryFile("w+b") as binary:
                exports.cases_xlsx(cases, binary, written)
                binary.seek(0)
                job.file.save("cases.xlsx", File(binary), save=False)
        else:
            with tempfile.TemporaryFile("w+", encoding="utf-8", newline="") as text:
                for number, chunk in enumerate(exports.cases_csv(cases)):
                    text.write(chunk)
                    if number % 2000 == 1999:
                        written(number + 1)
                text.seek(0)
                job.file.save("cases.csv", File(text), save=False)
        return {"file": job.file.name, "rows": total}

    with translation.override(exports.OFFICIAL_LANGUAGE):  # labels in the official language
        run_job(ExportJob, job_id, work)
