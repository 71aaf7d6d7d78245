"""Home visits (巡诊) through the pages, as the real roles: grid worker → coordinator →
professional, each outcome branch; and who may see what."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image

from cases.models import Case, VisitRequest
from cases.visits.actions import do_request_visit
from clinic.models import Grid, Notification
from scheduling import actions as roster
from tests.conftest import client_for
from tests.form_payloads import seen_version
from tests.scheduling.factories import at, seat, session, user


@pytest.fixture(autouse=True)
def _uploads_in_tmp(settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path / "uploads"


def _photo() -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (30, 20), "blue").save(out, format="PNG")
    return SimpleUploadedFile("门口.png", out.getvalue(), content_type="image/png")


def _request(**overrides: object) -> VisitRequest:
    grid = Grid.objects.get(community__name="金江路社区", name="第一网格")
    data = {
        "grid": grid.pk,
        "resident_name": "王奶奶",
        "resident_phone": "13577778888",
        "address": "金江路社区 3 栋",
        "room": "1 单元 201",
        "elderly_alone": "on",
        "problem": "儿子长期不给赡养费，老人行动不便",
        "dispute_type": "marriage_family",
        "risk": "orange",
        "preferred_times": "工作日上午",
        "photos": [_photo()],
    }
    data.update(overrides)
    response = client_for("gridworker").post(reverse("cases:request_visit"), data)
    assert response.status_code == 302, response.content.decode()[:800]
    return VisitRequest.objects.latest("pk")


def _schedule(visit: VisitRequest, hour: int = 10) -> Any:
    start = at(days=2, hour=hour)
    return client_for("coordinator").post(
        reverse("cases:schedule_visit", args=[visit.pk]),
        seen_version(visit)
        | {
            "day": start.date().isoformat(),
            "starts": f"{hour:02d}:00",
            "ends": f"{hour + 1:02d}:00",
            "place": "金江路社区 3 栋",
            "professionals": [f"{user('lawyer').pk}:lawyer", f"{user('police').pk}:police"],
        },
    )


def _at_the_door(visit: VisitRequest) -> Any:
    """The clock half an hour into the scheduled visit: an outcome follows the visit's start."""
    visit.refresh_from_db()
    assert visit.visit_starts_at is not None
    return time_machine.travel(visit.visit_starts_at + timedelta(minutes=30), tick=False)


def test_a_grid_worker_requests_a_visit_with_a_photo_and_gets_a_reference(demo: None) -> None:
    visit = _request()
    assert visit.reference.endswith("巡字第1号") and visit.status == "submitted"
    assert visit.photos.count() == 1 and visit.elderly_alone
    assert Notification.objects.filter(user__username="coordinator").exists()
    page = client_for("gridworker").get(reverse("cases:my_visits")).content.decode()
    assert visit.reference in page and "已提交" in page


def test_a_grid_worker_cannot_request_for_a_grid_that_is_not_theirs(demo: None) -> None:
    other = Grid.objects.get(community__name="金色社区", name="第一网格")
    grid = Grid.objects.get(community__name="金江路社区", name="第一网格")
    response = client_for("gridworker").post(
        reverse("cases:request_visit"),
        {
            "grid": other.pk,
            "resident_name": "x",
            "address": "y",
            "problem": "z",
        },
    )
    assert response.status_code == 400 and not VisitRequest.objects.exists()
    assert grid.pk != other.pk


def test_a_fake_image_is_refused_and_nothing_is_saved(demo: None) -> None:
    grid = Grid.objects.get(community__name="金江路社区", name="第一网格")
    response = client_for("gridworker").post(
        reverse("cases:request_visit"),
        {
            "grid": grid.pk,
            "resident_name": "王奶奶",
            "address": "3 栋",
            "problem": "纠纷",
            "photos": [SimpleUploadedFile("photo.jpg", b"<?php echo 1; ?>")],
        },
    )
    assert response.status_code == 400 and not VisitRequest.objects.exists()


def test_the_triage_board_puts_urgent_and_old_requests_first(demo: None) -> None:
    calm = _request(risk="", resident_name="甲")
    urgent = _request(risk="red", resident_name="乙", resident_phone="13900001111")
    page = client_for("coordinator").get(reverse("cases:visit_board")).content.decode()
    assert page.index(urgent.reference) < page.index(calm.reference)
    assert {"coordinator", "police"} <= set(
        Notification.objects.filter(key=f"visit:{urgent.pk}:requested").values_list(
            "user__username", flat=True
        )
    )


def test_scheduling_refuses_a_professional_who_is_busy(demo: None) -> None:
    visit = _request()
    shift = session(starts_at=at(days=2, hour=9))
    roster.do_book_seat(seat(shift, "police"), person=user("police"), actor=user("police"))
    response = _schedule(visit, hour=10)
    assert response.status_code == 409
    assert "已有安排" in response.content.decode()
    assert VisitRequest.objects.get(pk=visit.pk).status == "submitted"


def test_the_whole_path_to_a_dispute_in_patrol(demo: None) -> None:
    visit = _request()
    assert _schedule(visit, hour=14).status_code == 302
    visit.refresh_from_db()
    assert visit.status == "scheduled"
    assert Notification.objects.filter(user__username="gridworker", key__contains="scheduled")
    assert Notification.objects.filter(user__username="lawyer", key__contains="assigned")
    with _at_the_door(visit):
        response = client_for("lawyer").post(
            reverse("cases:visit_outcome", args=[visit.pk]),
            seen_version(visit)
            | {
                "outcome": "dispute",
                "note": "双方同意由社区调解",
                "respondent_name": "王大军",
                "respondent_phone": "13611112222",
                "applicant_consented": "on",
                "respondent_consented": "on",
            },
        )
    assert response.status_code == 302
    visit.refresh_from_db()
    case = visit.case
    assert case is not None
    assert visit.status == "visited" and case.state == "patrol" and case.number
    assert case.source == "grid_referral" and case.dispute_type == "marriage_family"
    assert sorted(case.parties.values_list("name", flat=True)) == ["王大军", "王奶奶"]
    assert Notification.objects.filter(user__username="gridworker", key__endswith=":done")
    # the grid worker sees the status, never the case
    assert client_for("gridworker").get(case.get_absolute_url()).status_code == 404
    assert "已上门" in client_for("gridworker").get(visit.get_absolute_url()).content.decode()


def test_the_path_to_advice_closed_on_the_spot(demo: None) -> None:
    visit = _request()
    _schedule(visit)
    with _at_the_door(visit):
        response = client_for("police").post(
            reverse("cases:visit_outcome", args=[visit.pk]),
            seen_version(visit)
            | {"outcome": "advice", "note": "当场解答", "answer": "可向法院起诉要求支付赡养费"},
        )
    assert response.status_code == 302
    case = VisitRequest.objects.get(pk=visit.pk).case
    assert case is not None
    assert (case.kind, case.state, case.number) == ("advice", "closed", "")


def test_the_path_to_an_oral_agreement(demo: None) -> None:
    visit = _request()
    _schedule(visit)
    with _at_the_door(visit):
        response = client_for("lawyer").post(
            reverse("cases:visit_outcome", args=[visit.pk]),
            seen_version(visit)
            | {
                "outcome": "oral",
                "note": "当场达成口头协议",
                "respondent_name": "王大军",
                "applicant_consented": "on",
                "respondent_consented": "on",
                "agreement_terms": "王大军每月 5 日前支付赡养费 800 元",
            },
        )
    assert response.status_code == 302
    case_id = VisitRequest.objects.get(pk=visit.pk).case_id
    assert case_id is not None
    case = Case.objects.get(pk=case_id)
    agreement = case.current_agreement
    assert agreement is not None
    assert case.state == "patrol" and agreement.form == "oral" and agreement.is_signed
    # the community's mediator settles it
    assert case.permits("settle", user("mediator"))


def test_nobody_else_sees_a_request_or_its_photos(demo: None) -> None:
    visit = _request()
    photo = visit.photos.get()
    for username in ["gridworker_jinse", "coordinator_jinse", "judge", "street", "lawyer"]:
        client = client_for(username)
        assert client.get(visit.get_absolute_url()).status_code == 404
        assert client.get(reverse("cases:visit_photo", args=[photo.pk])).status_code == 404
    assert (
        client_for("gridworker").get(reverse("cases:visit_photo", args=[photo.pk])).status_code
        == 200
    )
    assert (
        client_for("coordinator").get(reverse("cases:visit_photo", args=[photo.pk])).status_code
        == 200
    )


def test_a_grid_worker_cannot_triage_or_record_outcomes(demo: None) -> None:
    visit = _request()
    client = client_for("gridworker")
    assert client.get(reverse("cases:visit_board")).status_code == 403
    assert client.get(reverse("cases:schedule_visit", args=[visit.pk])).status_code == 403
    assert client.get(reverse("cases:visit_outcome", args=[visit.pk])).status_code == 403


def test_the_triage_board_pages_and_its_queries_do_not_grow_with_requests(
    demo: None, django_assert_max_num_queries: Any
) -> None:

    grid = Grid.objects.get(community__name="金江路社区", name="第一网格")

    def add(n: int) -> None:
        for i in range(n):
            do_request_visit(
                actor=user("gridworker"),
                grid=grid,
                resident_name=f"居民{i}",
                resident_phone="13577778888",
                address="金江路社区 3 栋",
                problem="邻里噪音纠纷",
                dispute_type="neighbour",
                risk="yellow",
            )

    client = client_for("coordinator")
    add(3)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("cases:visit_board"))
    add(40)
    with django_assert_max_num_queries(len(few)):
        page = client.get(reverse("cases:visit_board")).content.decode()
    assert page.count('class="case-item') == 30
    assert "第 1 页，共 2 页" in page
