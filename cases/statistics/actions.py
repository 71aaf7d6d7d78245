"""统计: filing a period's figures (frozen), and the large case-level export in the background."""

from __future__ import annotations

import tempfile
from datetime import date
from typing import Any

from django.core.files import File
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext as _

from cases.changes import ActionRefused
from cases.jobs import Progress, run_job
from cases.models import ExportJob, StatisticsFiling
from cases.statistics import exports, figures
from clinic import outbox
from clinic.models import Community, User


@transaction.atomic
def do_file_report(street: Any, *, report: Any, actor: User) -> Any:
    """The street files a period's figures: a frozen snapshot."""

    try:
        with transaction.atomic():
            return StatisticsFiling.objects.create(
                street=street,
                first=report.period.first,
                last=report.period.last,
                label=report.period.label,
                snapshot=figures.as_snapshot(report),
                filed_by=actor,
            )
    except IntegrityError:
        raise ActionRefused([_("This period was already filed.")]) from None


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
        communities = Community.objects.filter(
            **{"district": {"street__district_id": pk}, "street": {"street_id": pk}}.get(
                kind, {"pk": pk}
            )
        )
        cases = exports.period_cases(list(communities), period)
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
