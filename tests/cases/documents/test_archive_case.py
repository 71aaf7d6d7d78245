"""Archiving: a volume number (卷号) is unique in its committee and issued once; a case is
archived once; the form offers the committee's next free number."""

from __future__ import annotations

from datetime import timedelta
from importlib import import_module
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from cases.choices import EventKind
from cases.documents.actions import do_archive_case
from cases.models import Case, CaseEvent
from tests.cases.documents.test_documents import complete_case
from tests.cases.factories import fresh
from tests.conftest import client_for, person


@pytest.fixture(autouse=True)
def _uploads_in_tmp(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path


def _archive(case: Case, volume_no: str, username: str = "mediator") -> Any:
    return client_for(username).post(
        reverse("cases:archive_case", args=[case.pk]), {"volume_no": volume_no}
    )


def test_a_volume_number_the_committee_issued_is_refused_for_a_second_case(demo: None) -> None:
    first, second = complete_case(), complete_case()
    assert _archive(first, "2026-盘金-017").status_code == 302

    response = _archive(second, "2026-盘金-017")

    assert response.status_code == 400
    page = response.content.decode()
    assert "2026-盘金-017" in page and str(fresh(first).number) in page
    assert fresh(second).archived_at is None and fresh(second).volume_no == ""
    assert not fresh(second).events.filter(kind=EventKind.ARCHIVED).exists()


def test_the_database_refuses_two_cases_of_a_committee_under_one_volume_number(
    demo: None,
) -> None:
    first, second = complete_case(), complete_case()
    do_archive_case(fresh(first), actor=person("mediator"), volume_no="2026-盘金-003")
    with pytest.raises(IntegrityError), transaction.atomic():
        Case.objects.filter(pk=second.pk).update(volume_no="2026-盘金-003")


def test_an_archived_case_is_not_archived_again_and_keeps_its_number(demo: None) -> None:
    case = complete_case()
    assert _archive(case, "2026-盘金-021").status_code == 302
    archived_at = fresh(case).archived_at

    again = _archive(case, "2026-盘金-022", username="coordinator")

    assert again.status_code == 403
    assert "2026-盘金-021" in again.content.decode()
    assert fresh(case).volume_no == "2026-盘金-021"
    assert fresh(case).archived_at == archived_at
    assert fresh(case).events.filter(kind=EventKind.ARCHIVED).count() == 1


def test_the_form_offers_the_committees_next_free_number(demo: None) -> None:
    year = timezone.localdate().year
    prefix = fresh(complete_case()).committee.case_prefix
    first, second = complete_case(), complete_case()
    page = client_for("mediator").get(reverse("cases:archive_case", args=[first.pk]))
    assert f'value="{year}-{prefix}-001"' in page.content.decode()
    assert _archive(first, f"{year}-{prefix}-007").status_code == 302
    page = client_for("mediator").get(reverse("cases:archive_case", args=[second.pk]))
    assert f'value="{year}-{prefix}-008"' in page.content.decode()


def test_the_migration_keeps_the_first_case_of_a_shared_number_and_suffixes_the_others(
    demo: None,
) -> None:
    """Rows written before the constraint: the case archived first keeps the number, each
    later one gets the first free suffix, and its timeline says so."""
    migration = import_module("cases.migrations.0022_archive_and_withdrawals")
    cases = [complete_case() for _ in range(3)]
    holder = complete_case()  # already has the first suffix
    now = timezone.now()
    with connection.cursor() as cursor:  # as before the constraint (rolled back with the test)
        cursor.execute("DROP INDEX one_volume_per_committee")
    for offset, case in enumerate(cases):
        Case.objects.filter(pk=case.pk).update(
            volume_no="2026-盘金-005", archived_at=now + timedelta(minutes=offset)
        )
    Case.objects.filter(pk=holder.pk).update(volume_no="2026-盘金-005-2", archived_at=now)

    migration.separate_shared_volume_numbers(apps, None)

    assert [fresh(case).volume_no for case in cases] == [
        "2026-盘金-005",
        "2026-盘金-005-3",
        "2026-盘金-005-4",
    ]
    assert fresh(holder).volume_no == "2026-盘金-005-2"
    changed = CaseEvent.objects.filter(case__in=cases, kind=EventKind.EDITED).order_by("case_id")
    assert [(e.case_id, e.payload["changes"][0]["to"], e.actor) for e in changed] == [
        (cases[1].pk, "2026-盘金-005-3", None),
        (cases[2].pk, "2026-盘金-005-4", None),
    ]
