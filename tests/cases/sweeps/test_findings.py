"""The disputes a sweep found, added on the sweep's own page: each with how many people it
involves, marked 预防 with what was done, linked to the home-visit request or the case it
became; a home visit asked for from a finding starts from it and links back."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import override

from cases.choices import State
from cases.models import Sweep, SweepFinding, VisitRequest
from cases.sweeps import access as sweep_access
from cases.sweeps.actions import (
    LINKED_MEANWHILE,
    do_add_finding,
    do_link_finding,
    do_record_sweep,
)
from cases.visits.actions import do_request_visit
from clinic.choices import Role
from clinic.models import Community, Grid, Membership, User
from tests.cases.factories import in_state
from tests.conftest import client_for, person
from tests.form_payloads import seen_version


def _sweep(community: str = "金江路社区", by: str = "gridworker") -> Sweep:
    grid = Grid.objects.filter(community__name=community).order_by("code").first()
    return do_record_sweep(
        actor=person(by),
        community=Community.objects.get(name=community),
        grid=grid,
        day=timezone.localdate(),
        kind="scheduled",
        scope="3–8 栋",
        households=40,
    )


def _add(sweep: Sweep, role: str = "gridworker", **overrides: Any) -> Any:
    data = {"description": "两户因楼道堆物争吵", "persons": "2"}
    data.update(overrides)
    return client_for(role).post(reverse("cases:add_finding", args=[sweep.pk]), data)


def test_two_disputes_found_one_prevented_show_on_the_sweeps_page(demo: None) -> None:
    sweep = _sweep()
    assert _add(sweep).status_code == 302
    prevented = _add(
        sweep, description="楼上漏水", persons="3", prevented="on", prevention_note="当场调解"
    )
    assert prevented.status_code == 302
    assert prevented["Location"].endswith("#findings")
    found = list(sweep.findings.values_list("description", "persons", "prevented"))
    assert found == [("两户因楼道堆物争吵", 2, False), ("楼上漏水", 3, True)]
    page = client_for("gridworker").get(sweep.get_absolute_url()).content.decode()
    assert "楼上漏水" in page and "当场调解" in page
    # the one not prevented may become a home visit; the prevented one may not
    first = sweep.findings.get(prevented=False)
    assert f"?finding={first.pk}" in page
    assert page.count("?finding=") == 1


def test_prevented_needs_what_was_done_and_nothing_is_added_without_it(demo: None) -> None:
    sweep = _sweep()
    response = _add(sweep, prevented="on", prevention_note=" ")
    assert response.status_code == 400
    assert "prevention_note" in response.context["form"].errors
    assert _add(sweep, persons="0").status_code == 400
    assert not SweepFinding.objects.exists()


def test_the_street_reads_a_sweep_and_cannot_add_to_it_another_community_cannot_see_it(
    demo: None,
) -> None:
    sweep = _sweep()
    street = client_for("street").get(sweep.get_absolute_url())
    assert street.status_code == 200 and "id_description" not in street.content.decode()
    assert _add(sweep, "street").status_code == 403
    assert _add(sweep, "coordinator_jinse").status_code == 404
    assert client_for("gridworker_jinse").get(sweep.get_absolute_url()).status_code == 404
    assert not SweepFinding.objects.exists()


def test_a_home_visit_asked_from_a_finding_starts_from_it_and_links_back(demo: None) -> None:
    sweep = _sweep()
    finding = do_add_finding(sweep, actor=person("gridworker"), description="赡养纠纷", persons=3)
    url = reverse("cases:request_visit") + f"?finding={finding.pk}"
    client = client_for("gridworker")
    form = client.get(url).context["form"]
    assert form.initial == {"problem": "赡养纠纷", "grid": sweep.grid_id}
    response = client.post(
        url,
        {
            "grid": sweep.grid_id,
            "resident_name": "马秀珍",
            "address": "金江路社区 3 栋",
            "problem": "赡养纠纷",
        },
    )
    visit = VisitRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{sweep.get_absolute_url()}#findings"
    finding.refresh_from_db()
    assert finding.visit == visit
    page = client.get(sweep.get_absolute_url()).content.decode()
    assert visit.reference in page and "?finding=" not in page
    # asked once: the same finding cannot open a second request
    assert client.get(url).status_code == 403


def test_a_finding_is_linked_to_an_existing_visit_or_case_by_its_number(demo: None) -> None:
    sweep = _sweep()
    one = do_add_finding(sweep, actor=person("gridworker"), description="噪音", persons=2)
    two = do_add_finding(sweep, actor=person("gridworker"), description="欠薪", persons=5)
    visit = do_request_visit(
        actor=person("gridworker"),
        grid=sweep.grid,
        resident_name="王奶奶",
        address="金江路社区 3 栋",
        problem="噪音",
    )
    case = in_state(State.SIT_IN, by="mediator", community="金江路社区", mediator="mediator")
    client = client_for("gridworker")
    link = reverse("cases:link_finding", args=[one.pk])
    assert client.post(link, {"reference": visit.reference}).status_code == 302
    wide = case.number.replace("(", "（").replace(")", "）")  # typed with full-width brackets
    assert (
        client.post(reverse("cases:link_finding", args=[two.pk]), {"reference": wide}).status_code
        == 302
    )
    one.refresh_from_db()
    two.refresh_from_db()
    assert (one.visit, two.case) == (visit, case)
    # a grid worker sees a case's number, not the case
    page = client.get(sweep.get_absolute_url()).content.decode()
    assert case.number in page and case.get_absolute_url() not in page
    assert (
        client_for("coordinator")
        .get(sweep.get_absolute_url())
        .content.decode()
        .count(case.get_absolute_url())
        == 1
    )


def test_a_number_of_another_community_or_no_number_links_nothing(demo: None) -> None:
    sweep = _sweep()
    finding = do_add_finding(sweep, actor=person("gridworker"), description="噪音", persons=2)
    elsewhere = in_state(
        State.SIT_IN, by="mediator_jinse", community="金色社区", mediator="mediator_jinse"
    )
    link = reverse("cases:link_finding", args=[finding.pk])
    client = client_for("gridworker")
    assert client.post(link, {"reference": elsewhere.number}).status_code == 400
    assert client.post(link, {"reference": "随便写的"}).status_code == 400
    finding.refresh_from_db()
    assert (finding.visit, finding.case) == (None, None)


def test_marking_a_finding_prevented_later_is_kept_in_its_history(demo: None) -> None:
    sweep = _sweep()
    finding = do_add_finding(sweep, actor=person("gridworker"), description="噪音", persons=2)
    url = reverse("cases:edit_finding", args=[finding.pk])
    data = seen_version(finding) | {
        "description": "噪音",
        "persons": "2",
        "prevented": "on",
        "prevention_note": "次日回访已和解",
    }
    assert client_for("coordinator").post(url, data).status_code == 302
    finding.refresh_from_db()
    assert finding.prevented and finding.prevention_note == "次日回访已和解"
    assert [h.prevented for h in finding.history.order_by("history_id")] == [False, True]
    # the same page sent again, on the version it saw, is told someone changed it
    stale = client_for("gridworker").post(url, data | {"prevention_note": "另一说法"})
    assert stale.status_code == 409
    finding.refresh_from_db()
    assert finding.prevention_note == "次日回访已和解"


@pytest.mark.parametrize("role", ["street", "admin"])
def test_the_street_and_the_district_do_not_change_the_ledger(demo: None, role: str) -> None:
    sweep = _sweep()
    finding = do_add_finding(sweep, actor=person("gridworker"), description="噪音", persons=2)
    client = client_for(role)
    assert client.get(reverse("cases:edit_sweep", args=[sweep.pk])).status_code == 403
    assert client.get(reverse("cases:edit_finding", args=[finding.pk])).status_code == 403
    assert client.get(reverse("cases:link_finding", args=[finding.pk])).status_code == 403


def test_the_case_a_linked_home_visit_became_shows_on_the_finding(demo: None) -> None:
    sweep = _sweep()
    finding = do_add_finding(sweep, actor=person("gridworker"), description="噪音", persons=2)
    visit = do_request_visit(
        actor=person("gridworker"),
        grid=sweep.grid,
        resident_name="王奶奶",
        address="金江路社区 3 栋",
        problem="噪音",
    )
    do_link_finding(finding, actor=person("gridworker"), visit=visit)
    case = in_state(State.SIT_IN, by="mediator", community="金江路社区", mediator="mediator")
    VisitRequest.objects.filter(pk=visit.pk).update(case=case)  # as the visit's outcome does
    page = client_for("coordinator").get(sweep.get_absolute_url()).content.decode()
    assert visit.reference in page and case.number in page
    assert case.get_absolute_url() in page


def _linked_meanwhile() -> str:
    with override("zh-hans"):
        return str(LINKED_MEANWHILE)


def test_a_finding_linked_meanwhile_is_not_linked_over(demo: None) -> None:
    sweep = _sweep()
    finding = do_add_finding(sweep, actor=person("gridworker"), description="噪音", persons=2)
    first, second = (
        do_request_visit(
            actor=person("gridworker"),
            grid=sweep.grid,
            resident_name=name,
            address="金江路社区 3 栋",
            problem="噪音",
        )
        for name in ("王奶奶", "李大爷")
    )
    client = client_for("gridworker")
    link = reverse("cases:link_finding", args=[finding.pk])
    assert client.post(link, {"reference": first.reference}).status_code == 302
    again = client_for("coordinator").post(link, {"reference": second.reference})
    assert again.status_code == 409
    assert again.context["form"].non_field_errors() == [_linked_meanwhile()]
    finding.refresh_from_db()
    assert finding.visit == first


def test_two_home_visits_asked_from_one_finding_at_once_make_one_request(
    demo: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    sweep = _sweep()
    finding = do_add_finding(sweep, actor=person("gridworker"), description="赡养纠纷", persons=3)
    url = reverse("cases:request_visit") + f"?finding={finding.pk}"
    client = client_for("gridworker")
    data = {"grid": sweep.grid_id, "address": "金江路社区 3 栋", "problem": "赡养纠纷"}
    # the second page was opened before the first was sent: its finding was not linked yet
    as_read = SweepFinding.objects.get(pk=finding.pk)
    assert client.post(url, data | {"resident_name": "马秀珍"}).status_code == 302
    monkeypatch.setattr(sweep_access, "finding_for_visit", lambda user, pk: as_read)
    late = client.post(url, data | {"resident_name": "马建国", "address": "金江路社区 9 栋"})
    assert late.status_code == 409
    assert late.context["form"].non_field_errors() == [_linked_meanwhile()]
    first = VisitRequest.objects.get()  # the second request was not kept
    finding.refresh_from_db()
    assert finding.visit == first


def test_a_home_visit_another_worker_requested_is_not_linked_nor_shown(demo: None) -> None:
    sweep = _sweep()
    finding = do_add_finding(sweep, actor=person("gridworker"), description="噪音", persons=2)
    third = Grid.objects.get(community__name="金江路社区", name="第三网格")
    other = User.objects.create_user(username="gridworker3", password="x", display_name="赵平")
    Membership.objects.create(
        user=other,
        role=Role.GRID_WORKER,
        level="grid",
        district=third.community.street.district,
        street=third.community.street,
        community=third.community,
        grid=third,
    )
    theirs = do_request_visit(
        actor=other, grid=third, resident_name="王奶奶", address="13 栋", problem="噪音"
    )
    link = reverse("cases:link_finding", args=[finding.pk])
    refused = client_for("gridworker").post(link, {"reference": theirs.reference})
    assert refused.status_code == 400
    finding.refresh_from_db()
    assert finding.visit is None
    # the community's coordinator sees every request of the community and links it
    assert client_for("coordinator").post(link, {"reference": theirs.reference}).status_code == 302
