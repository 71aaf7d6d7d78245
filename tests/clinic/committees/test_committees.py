"""The committee pages (调委会): the district admin sees every committee and adds the ones that
hold no cases; a coordinator sees their community's and street's committees and keeps their
community's; a
mediator sees their own and records its seal uses; everyone else is refused."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import Case
from clinic.models import AuditEntry, CommitteeMember, MediationCommittee, SealUse, TrainingRecord
from tests.cases.factories import in_state
from tests.conftest import client_for


def _committee(community: str = "金江路社区") -> MediationCommittee:
    return MediationCommittee.objects.get(community__name=community)


def _street() -> MediationCommittee:
    return MediationCommittee.objects.get(street__name="联盟街道", level="street")


def _trade() -> MediationCommittee:
    return MediationCommittee.objects.get(name="盘龙区物业纠纷人民调解委员会")


def _names(page: Any) -> set[str]:
    return {c.name for c in page.context["committees"]}


def test_each_role_sees_the_committees_of_its_scope(demo: None) -> None:
    url = reverse("clinic:committees")
    everything = set(MediationCommittee.objects.values_list("name", flat=True))
    assert _names(client_for("admin").get(url)) == everything
    assert _names(client_for("coordinator").get(url)) == {
        "金江路社区人民调解委员会",
        "联盟街道人民调解委员会",
    }
    assert _names(client_for("mediator").get(url)) == {"金江路社区人民调解委员会"}
    for role in ("judge", "gridworker", "street", "lawyer"):
        assert client_for(role).get(url).status_code == 403


def test_the_committee_page_shows_members_counts_and_hours(demo: None) -> None:
    page = client_for("coordinator").get(reverse("clinic:committee", args=[_committee().pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "张丽萍" in text and "云调证字第0153号" in text
    assert "3 人：专职 1 人，兼职 2 人" in text
    assert page.context["hours"] == 38  # 8 + 24 + 6 demo hours this year


def test_a_member_who_takes_office_next_month_is_not_counted_yet(demo: None) -> None:
    CommitteeMember.objects.create(
        committee=_committee(),
        name="周新来",
        position="member",
        employment="full_time",
        started_on=timezone.localdate() + timedelta(days=30),
    )
    page = client_for("coordinator").get(reverse("clinic:committee", args=[_committee().pk]))
    assert "3 人：专职 1 人，兼职 2 人" in page.content.decode()  # as on the committees list


def test_a_coordinator_never_opens_another_communitys_or_a_trade_committee(demo: None) -> None:
    client = client_for("coordinator")
    for other in (_committee("金色社区"), _trade()):
        assert client.get(reverse("clinic:committee", args=[other.pk])).status_code == 404
    assert (
        client_for("admin").get(reverse("clinic:committee", args=[_trade().pk])).status_code == 200
    )


def test_a_coordinator_adds_a_member_audited_a_mediator_may_not(demo: None) -> None:
    url = reverse("clinic:add_member", args=[_committee().pk])
    data = {
        "name": "赵云芳",
        "position": "mediator",
        "employment": "part_time",
        "certificate_no": "云调证字第0200号",
        "started_on": timezone.localdate().isoformat(),
    }
    assert client_for("mediator").post(url, data).status_code == 403
    assert client_for("coordinator").post(url, data).status_code == 302
    member = CommitteeMember.objects.get(name="赵云芳")
    assert member.committee == _committee()
    entry = AuditEntry.objects.filter(event="reference_changed").latest("pk")
    assert entry.detail["change"] == "member_added"


def test_the_street_committee_is_kept_by_the_district_admin_not_a_coordinator(
    demo: None,
) -> None:
    street = _street()
    url = reverse("clinic:add_member", args=[street.pk])
    data = {
        "name": "赵云芳",
        "position": "member",
        "employment": "part_time",
        "started_on": timezone.localdate().isoformat(),
    }
    coordinator = client_for("coordinator")
    page = coordinator.get(reverse("clinic:committee", args=[street.pk]))
    assert page.status_code == 200 and not page.context["may_manage"]
    assert url not in page.content.decode()
    assert coordinator.post(url, data).status_code == 403
    member = street.members.first()
    assert member is not None
    training = reverse("clinic:add_training", args=[member.pk])
    assert coordinator.post(training, {}).status_code == 403
    assert not CommitteeMember.objects.filter(name="赵云芳").exists()
    assert client_for("admin").post(url, data).status_code == 302
    assert CommitteeMember.objects.get(name="赵云芳").committee == street


def test_a_member_without_a_name_or_ending_before_starting_is_refused(demo: None) -> None:
    url = reverse("clinic:add_member", args=[_committee().pk])
    page = client_for("coordinator").post(
        url,
        {
            "position": "member",
            "employment": "part_time",
            "started_on": "2026-05-01",
            "ended_on": "2026-04-01",
        },
    )
    assert page.status_code == 400
    text = page.content.decode()
    assert "请选择用户或填写姓名" in text and "结束日期早于开始日期" in text
    assert (
        not CommitteeMember.objects.filter(committee=_committee(), position="member")
        .exclude(name="王德明")
        .exists()
    )


def test_a_member_linked_to_a_user_takes_their_name_once(demo: None) -> None:
    url = reverse("clinic:add_member", args=[_street().pk])  # the district admin keeps it
    mediator = CommitteeMember.objects.get(name="张丽萍").user
    assert mediator is not None
    data = {
        "user": mediator.pk,
        "position": "member",
        "employment": "part_time",
        "started_on": timezone.localdate().isoformat(),
    }
    client = client_for("admin")
    assert client.post(url, data).status_code == 302
    assert CommitteeMember.objects.filter(committee=_street(), name="张丽萍").count() == 1
    again = client.post(url, data)
    assert again.status_code == 400
    assert "已在本调委会任职" in again.content.decode()


def _offered(client: Any, url: str) -> set[str]:
    return {u.username for u in client.get(url).context["form"].fields["user"].queryset}


def test_the_member_pick_list_offers_only_the_committees_own_people(demo: None) -> None:
    own = reverse("clinic:add_member", args=[_committee().pk])
    offered = _offered(client_for("coordinator"), own)
    assert "mediator" in offered and "coordinator" in offered
    assert "mediator_street" not in offered  # serves the street, not this community
    assert "mediator_jinse" not in offered  # another street's community
    assert "mediator_jinse" not in _offered(client_for("admin"), own)
    street = _offered(client_for("admin"), reverse("clinic:add_member", args=[_street().pk]))
    assert {"mediator", "mediator_street"} <= street
    assert "mediator_jinse" not in street


def _shown(client: Any, url: str) -> dict[str, Any]:
    page = client.get(url)
    form = page.context["form"]
    data: dict[str, Any] = {name: form[name].value() or "" for name in form.fields}
    for name in ("started_on", "ended_on"):
        value = data[name]
        data[name] = value.isoformat() if hasattr(value, "isoformat") else value
    return data


def test_two_people_editing_one_member_the_second_gets_409(demo: None) -> None:
    member = CommitteeMember.objects.get(name="王德明")
    url = reverse("clinic:edit_member", args=[member.pk])
    first, second = client_for("coordinator"), client_for("admin")
    first_form, second_form = _shown(first, url), _shown(second, url)
    assert first.post(url, first_form | {"position": "deputy"}).status_code == 302
    lost = second.post(url, second_form | {"certificate_no": "云调证字第0999号"})
    assert lost.status_code == 409
    assert "云调证字第0999号" in lost.content.decode()  # what they typed is kept
    member.refresh_from_db()
    assert (member.position, member.certificate_no) == ("deputy", "云调证字第0161号")


def test_a_training_adds_to_the_members_hours(demo: None) -> None:
    member = CommitteeMember.objects.get(name="王德明")
    url = reverse("clinic:add_training", args=[member.pk])
    day = timezone.localdate().isoformat()
    assert client_for("mediator").post(url, {}).status_code == 403
    future = client_for("coordinator").post(
        url, {"held_on": "2999-01-01", "hours": "2", "topic": "t"}
    )
    assert future.status_code == 400
    done = client_for("coordinator").post(
        url, {"held_on": day, "hours": "3.5", "topic": "调解技巧"}
    )
    assert done.status_code == 302
    assert TrainingRecord.objects.filter(member=member).count() == 2
    page = client_for("coordinator").get(reverse("clinic:committee", args=[_committee().pk]))
    shown = next(m for m in page.context["members"] if m.pk == member.pk)
    assert shown.year_hours == pytest.approx(9.5)


def test_the_district_admin_adds_a_trade_committee_others_may_not(demo: None) -> None:
    url = reverse("clinic:add_committee")
    data = {
        "name": "盘龙区医疗纠纷人民调解委员会",
        "seal_name": "昆明市盘龙区医疗纠纷人民调解委员会",
        "code": "530103009904",
        "kind": "professional",
        "street": _street().street_id,
    }
    assert client_for("coordinator").post(url, data | {"field": "medical"}).status_code == 403
    missing = client_for("admin").post(url, data)
    assert missing.status_code == 400
    assert "请选择该调委会服务的领域" in missing.content.decode()
    assert client_for("admin").post(url, data | {"field": "medical"}).status_code == 302
    added = MediationCommittee.objects.get(code="530103009904")
    assert (added.kind, added.field, added.level, added.community, added.holds_cases) == (
        "professional",
        "medical",
        "",
        None,
        False,
    )
    # a case-holding type is not offered
    assert client_for("admin").post(url, data | {"kind": "village"}).status_code == 400


def test_a_mediator_records_a_seal_use_naming_a_case_of_the_committee(demo: None) -> None:
    case = in_state("sit_in")
    url = reverse("clinic:add_seal_use", args=[_committee().pk])
    data = {
        "used_on": timezone.localdate().isoformat(),
        "document": "agreement",
        "copies": 3,
        "purpose": "调解协议书盖章",
        "applicant": "张丽萍",
        "approved_by": "李秀英",
    }
    client = client_for("mediator")
    wrong = client.post(url, data | {"case_number": "(2026)盘金人调字第999号"})
    assert wrong.status_code == 400
    assert "本调委会未编发此案号" in wrong.content.decode()
    assert client.post(url, data | {"case_number": case.number}).status_code == 302
    use = SealUse.objects.get(committee=_committee(), case_number=case.number)
    assert (use.copies, use.recorded_by.username) == (3, "mediator")  # type: ignore[union-attr]
    listed = client.get(reverse("clinic:seal_uses", args=[_committee().pk])).content.decode()
    assert case.number in listed and "调解协议书盖章" in listed


def test_the_street_committee_stamps_a_case_escalated_to_it_by_its_first_number(
    demo: None,
) -> None:
    case = in_state("sit_in")  # numbered by the community's committee
    Case.objects.filter(pk=case.pk).update(committee=_street(), level="street")
    url = reverse("clinic:add_seal_use", args=[_street().pk])
    data = {
        "used_on": timezone.localdate().isoformat(),
        "document": "agreement",
        "copies": 2,
        "purpose": "调解协议书盖章",
        "applicant": "段永福",
        "approved_by": "段永福",
        "case_number": case.number,
    }

    assert client_for("mediator_street").post(url, data).status_code == 302
    assert SealUse.objects.filter(committee=_street(), case_number=case.number).exists()


def test_list_pages_keep_their_query_count(demo: None, django_assert_max_num_queries: Any) -> None:
    client = client_for("admin")
    client.get(reverse("clinic:committees"))  # roles read once (cached)
    # session, user, memberships cache; committees list; the organisation table's four
    with django_assert_max_num_queries(12):
        page = client.get(reverse("clinic:committees"))
    assert re.search("盘龙区物业纠纷人民调解委员会", page.content.decode())
