from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import override
from guardian.shortcuts import assign_perm

from cases import access
from cases.access import may_register, register_communities
from cases.choices import Risk, State
from cases.models import Case, FollowUp
from cases.selectors import LIST_ROLES, list_communities
from clinic.access import communities_for
from clinic.models import User
from tests.cases.factories import in_state, party, registered_dispute
from tests.conftest import client_for


def _list_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_list_runs_the_same_queries_for_10_and_200_cases(demo: None) -> None:
    client = client_for("coordinator")
    url = reverse("cases:case_list")
    for _ in range(10):
        registered_dispute()
    client.get(url)  # the viewer's memberships and case grants are cached from now on
    with_10 = _list_queries(client, url)
    for _ in range(190):
        registered_dispute()
    with_200 = _list_queries(client, url)
    # session, user (with the unread count), the page's cases with their count (and their
    # parties' names on PostgreSQL, one more query elsewhere), session save (+ begin and
    # commit, or a savepoint on SQLite)
    assert with_10 == with_200


def test_the_list_page_runs_exactly_its_named_queries(demo: None) -> None:
    client = client_for("coordinator")
    url = reverse("cases:case_list")
    for _ in range(3):
        registered_dispute()
    client.get(url)  # the viewer's memberships and case grants are cached from now on
    names_apart = connection.vendor != "postgresql"
    expected = [
        "session",
        "user, with the unread count kept on its row",
        "the page's cases, each with the list's count (their parties' names on PostgreSQL)",
        *(["the page's parties' names"] if names_apart else []),
        "session save: savepoint",
        "session save: update",
        "session save: release",
    ]
    assert _list_queries(client, url) == len(expected)


def test_the_register_buttons_and_community_filter_match_what_each_person_may_use(
    demo: None,
) -> None:
    """The list works out both from the viewer's memberships; they must agree with the
    register form's communities and the regions each role covers, for every demo person."""

    for user in User.objects.all():
        assert may_register(user) == register_communities(user).exists(), user.username
        expected = list(communities_for(user, *LIST_ROLES).order_by("code"))
        assert list_communities(user) == expected, user.username


def test_a_coordinator_lists_only_their_communitys_cases(demo: None) -> None:
    registered_dispute(summary="金江路的案件")
    registered_dispute(
        by="mediator_jinse", community="金色社区", mediator="mediator_jinse", summary="金色的案件"
    )
    page = client_for("coordinator").get(reverse("cases:case_list")).content.decode()
    jinse = client_for("coordinator_jinse").get(reverse("cases:case_list")).content.decode()
    assert "赵建国" in page and "赵建国" in jinse  # one case each
    assert page.count('class="case-item') == 1 and jinse.count('class="case-item') == 1


@pytest.mark.parametrize("listed_grants", [100, 0], ids=["grants-listed", "grants-read-ahead"])
def test_own_and_granted_cases_are_listed_newest_first_once_each_across_pages(
    demo: None, monkeypatch: pytest.MonkeyPatch, listed_grants: int
) -> None:
    """A coordinator who also holds grants (on another community's case and on one of their
    own) sees every case once, newest first, the pages and the count agreeing: whether the
    grants are few (their ids written into the page's query) or many (read ahead apart)."""

    monkeypatch.setattr(access, "LISTED_GRANTS", listed_grants)

    coordinator = User.objects.get(username="coordinator")
    now = timezone.now()
    own = [registered_dispute() for _ in range(30)]
    other = [
        registered_dispute(by="mediator_jinse", community="金色社区", mediator="mediator_jinse")
        for _ in range(3)
    ]
    for n, case in enumerate([*own, *other]):  # interleave the two communities in time
        at = now - timedelta(hours=2 * n + (1 if case in other else 0))
        Case.objects.filter(pk=case.pk).update(registered_at=at)
    assign_perm("view_case", coordinator, other[1])
    assign_perm("view_case", coordinator, own[3])  # already seen through the community
    visible = set(Case.objects.visible_to(coordinator).values_list("pk", flat=True))
    assert other[1].pk in visible and other[0].pk not in visible
    expected = list(
        Case.objects.filter(pk__in=visible)
        .order_by("-registered_at", "-pk")
        .values_list("pk", flat=True)
    )
    client = client_for("coordinator")
    listed = []
    for number in (1, 2):
        page = client.get(reverse("cases:case_list") + f"?size=25&page={number}").content.decode()
        listed += [int(pk) for pk in re.findall(r'href="/cases/(\d+)/" class="case-link"', page)]
    assert listed == expected
    assert len(expected) == 31 and "第 2 页，共 2 页" in page
    past = client.get(reverse("cases:case_list") + "?size=25&page=9").content.decode()
    assert "第 2 页，共 2 页" in past and past.count('class="case-item') == 6
    lawyer = User.objects.get(username="lawyer")  # grants only, no region of their own
    assign_perm("view_case", lawyer, other[0])
    assign_perm("view_case", lawyer, own[5])
    page = client_for("lawyer").get(reverse("cases:case_list")).content.decode()
    listed = [int(pk) for pk in re.findall(r'href="/cases/(\d+)/" class="case-link"', page)]
    assert listed == [own[5].pk, other[0].pk]


def test_a_page_past_the_end_shows_the_last_and_a_bad_page_number_the_first(demo: None) -> None:
    """The page the list reads with its count is the one asked for; when that one is not a
    page, the paginator's choice (Django's: out of range → the last, not a number → the first)
    is shown, with the same count."""
    for _ in range(30):
        registered_dispute()
    client = client_for("coordinator")

    def shown(query: str) -> tuple[int, str]:
        page = client.get(reverse("cases:case_list") + query).content.decode()
        pager = re.search(r"第 \d+ 页，共 \d+ 页", page)
        assert pager is not None
        return page.count('class="case-item'), pager.group()

    assert shown("?page=2") == (5, "第 2 页，共 2 页")
    assert shown("?page=9") == (5, "第 2 页，共 2 页")
    for beyond in ("99999999999999", "0", "-1"):
        assert shown(f"?page={beyond}") == (5, "第 2 页，共 2 页")
    for bad in ("abc", "²", ""):
        assert shown(f"?page={bad}") == (25, "第 1 页，共 2 页")


def test_a_row_shows_its_risk_and_parties_with_their_names_escaped(demo: None) -> None:

    case = registered_dispute(
        risk=Risk.RED,
        parties=[
            party(side="applicant", name="<b>赵</b>建国"),
            party(side="respondent", name="钱丽"),
            party(side="agent", name="孙律师"),
        ],
    )
    page = client_for("coordinator").get(reverse("cases:case_list")).content.decode()
    row = page[page.index(f'href="{case.get_absolute_url()}"') - 40 :]
    row = row[: row.index("</li>")]
    with override("zh-hans"):
        label = str(Risk.RED.label)
    assert 'class="case-item edge-red"' in row
    assert f'<span class="risk risk-red" title="{label}">{label}</span>' in row
    assert "&lt;b&gt;赵&lt;/b&gt;建国 · 钱丽</p>" in row and "<b>" not in row
    assert "孙律师" not in row  # agents are not parties to list


def test_the_list_speaks_the_viewers_language_in_rows_and_filters(demo: None) -> None:
    """State, type and risk labels are translated once per language: a Chinese page and an
    English one, one after the other, each get their own."""
    registered_dispute(dispute_type="neighbour")
    chinese = client_for("coordinator")
    english = client_for("mediator")
    english.post(reverse("set_language"), {"language": "en", "next": "/"})
    for _ in range(2):
        zh = chinese.get(reverse("cases:case_list")).content.decode()
        en = english.get(reverse("cases:case_list")).content.decode()
        assert ">已登记</span>" in zh and '"muted small">邻里 · ' in zh
        assert ">邻里</option>" in zh and ">红色：立即处置</option>" in zh
        assert ">Registered</span>" in en and '"muted small">Neighbours · ' in en
        assert ">Neighbours</option>" in en and ">Red: at once</option>" in en


def test_filters_and_search_find_the_right_cases(demo: None) -> None:
    sit_in = in_state(State.SIT_IN, dispute_type="labour")
    registered_dispute(
        parties=[party(side="applicant", name="孙悟空"), party(side="respondent", name="猪八戒")]
    )
    client = client_for("mediator")
    by_state = client.get(reverse("cases:case_list") + "?state=sit_in").content.decode()
    assert sit_in.number in by_state and "孙悟空" not in by_state
    by_name = client.get(reverse("cases:case_list") + "?q=悟空").content.decode()
    assert "孙悟空" in by_name and sit_in.number not in by_name
    by_number = client.get(reverse("cases:case_list") + f"?q={sit_in.number}").content.decode()
    assert sit_in.number in by_number and "孙悟空" not in by_number
    by_type = client.get(reverse("cases:case_list") + "?type=labour").content.decode()
    assert sit_in.number in by_type and "孙悟空" not in by_type


def test_my_cases_are_those_i_mediate_advise_on_or_must_follow_up_once_each(demo: None) -> None:
    """A coordinator sees the whole community; "my cases" narrows it to the cases they
    mediate, advise on (a grant) or have a follow-up still to do, each listed once."""

    coordinator = User.objects.get(username="coordinator")
    mediated, advised, plain = registered_dispute(), registered_dispute(), registered_dispute()
    Case.objects.filter(pk=mediated.pk).update(mediator=coordinator)
    assign_perm("advise_case", coordinator, advised)
    following = in_state(State.FOLLOW_UP)
    first = FollowUp.objects.get(case=following)
    FollowUp.objects.filter(pk=first.pk).update(assignee=coordinator)
    FollowUp.objects.create(case=following, due_on=first.due_on, assignee=coordinator)
    done = in_state(State.CLOSED)
    FollowUp.objects.filter(case=done).update(assignee=coordinator)
    client = client_for("coordinator")
    everything = client.get(reverse("cases:case_list")).content.decode()
    mine = client.get(reverse("cases:case_list") + "?mine=1").content.decode()
    links = re.findall(r'href="/cases/(\d+)/" class="case-link"', mine)
    assert sorted(int(pk) for pk in links) == sorted([mediated.pk, advised.pk, following.pk])
    assert f'href="/cases/{plain.pk}/"' in everything and f'href="/cases/{done.pk}/"' in everything


def test_a_case_past_its_mediation_due_date_is_marked_and_filtered_as_overdue(demo: None) -> None:
    """Still in mediation and past due: marked "…起超期" and found by the overdue filter. A
    case in follow-up with the same date is only shown its date: mediation is over."""

    late, settled = in_state(State.SIT_IN), in_state(State.FOLLOW_UP)
    due = timezone.localdate() - timedelta(days=3)
    Case.objects.filter(pk__in=[late.pk, settled.pk]).update(
        mediation_due=due, mediation_due_provisional=False
    )
    client = client_for("coordinator")
    page = client.get(reverse("cases:case_list")).content.decode()
    items = dict(re.findall(r'href="/cases/(\d+)/" class="case-link">(.*?)</li>', page, re.S))
    assert f'<strong class="overdue">{due:%m-%d} 起超期</strong>' in items[str(late.pk)]
    assert "超期" not in items[str(settled.pk)] and f"{due:%m-%d}" in items[str(settled.pk)]
    overdue = client.get(reverse("cases:case_list") + "?overdue=1").content.decode()
    assert re.findall(r'href="/cases/(\d+)/" class="case-link"', overdue) == [str(late.pk)]


def test_grid_workers_have_no_case_list(demo: None) -> None:
    assert client_for("gridworker").get(reverse("cases:case_list")).status_code == 403


@pytest.mark.parametrize("username", ["judge", "street", "coordinator_jinse"])
def test_an_unrelated_official_sees_an_empty_list(demo: None, username: str) -> None:
    registered_dispute()
    page = client_for(username).get(reverse("cases:case_list")).content.decode()
    assert "赵建国" not in page


def test_the_list_shows_25_50_or_100_cases_a_page(demo: None) -> None:

    for _ in range(55):
        registered_dispute()
    client = client_for("mediator")
    default = client.get(reverse("cases:case_list")).content.decode()
    wider = client.get(reverse("cases:case_list") + "?size=50").content.decode()
    odd = client.get(reverse("cases:case_list") + "?size=7").content.decode()
    assert default.count('class="case-item') == 25 == odd.count('class="case-item')
    assert wider.count('class="case-item') == 50
    assert "每页 50 条" in wider
