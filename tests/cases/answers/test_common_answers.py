"""A committee's common answers: kept by its mediators and coordinators (each change stamped
with who and when), offered on the advice form, filled into the answer box and counted."""

from __future__ import annotations

import io
import re

from django.core.management import call_command
from django.urls import reverse

from cases.models import Case, CommonAnswer
from clinic.models import Community, MediationCommittee
from tests.cases.factories import registered_dispute, user
from tests.conftest import client_for

WAGES = "可以先向用人单位书面催告，仍不支付的，可向劳动保障监察大队投诉或申请劳动仲裁。"


def _committee(community: str = "金江路社区") -> MediationCommittee:
    return MediationCommittee.objects.get(community__name=community)


def _answer(community: str = "金江路社区", **fields: str) -> CommonAnswer:
    data = {"question": "拖欠工资怎么办？", "answer": WAGES, "dispute_type": "labour"} | fields
    return CommonAnswer.objects.create(committee=_committee(community), **data)


def _advice(**fields: str) -> dict[str, str]:
    return {
        "community": str(Community.objects.get(name="金江路社区").pk),
        "dispute_type": "labour",
        "source": "walk_in",
        "question": "公司两个月没发工资",
        "answer": WAGES,
        "name": "刘师傅",
    } | fields


def test_a_mediator_adds_a_common_answer_stamped_with_their_name(demo: None) -> None:
    client = client_for("mediator")
    response = client.post(
        reverse("cases:common_answers"),
        {
            "committee": _committee().pk,
            "dispute_type": "neighbour",
            "question": "楼上漏水怎么办？",
            "answer": "先与楼上住户协商维修，协商不成可申请人民调解。",
        },
    )
    assert response.status_code == 302
    added = CommonAnswer.objects.get()
    assert (added.committee, added.updated_by, added.active) == (
        _committee(),
        user("mediator"),
        True,
    )
    page = client.get(reverse("cases:common_answers")).content.decode()
    assert "楼上漏水怎么办？" in page and "邻里" in page


def test_an_empty_common_answer_is_refused_and_nothing_added(demo: None) -> None:
    response = client_for("mediator").post(
        reverse("cases:common_answers"), {"committee": _committee().pk, "question": "问"}
    )
    assert response.status_code == 400
    assert not CommonAnswer.objects.exists()


def test_the_coordinator_edits_and_retires_one(demo: None) -> None:
    answer = _answer()
    client = client_for("coordinator")
    edited = client.post(
        reverse("cases:edit_common_answer", args=[answer.pk]),
        {
            "dispute_type": "labour",
            "question": "拖欠工资怎么办？",
            "answer": WAGES + "仲裁不收费。",
            "active": "on",
        },
    )
    assert edited.status_code == 302
    answer.refresh_from_db()
    assert answer.answer.endswith("仲裁不收费。") and answer.updated_by == user("coordinator")
    client.post(reverse("cases:retire_common_answer", args=[answer.pk]))
    answer.refresh_from_db()
    assert not answer.active
    form = client_for("mediator").get(reverse("cases:log_advice")).content.decode()
    assert "拖欠工资怎么办？" not in form  # a retired answer is not offered


def test_another_committee_and_other_roles_keep_none_of_them(demo: None) -> None:
    answer = _answer()
    edit = reverse("cases:edit_common_answer", args=[answer.pk])
    assert client_for("mediator_jinse").get(edit).status_code == 404
    assert (
        client_for("mediator_jinse")
        .post(reverse("cases:retire_common_answer", args=[answer.pk]))
        .status_code
        == 404
    )
    assert (
        "拖欠工资"
        not in client_for("mediator_jinse").get(reverse("cases:common_answers")).content.decode()
    )
    assert client_for("judge").get(reverse("cases:common_answers")).status_code == 403
    assert client_for("gridworker").get(edit).status_code == 404
    assert CommonAnswer.objects.get().active


def test_a_picked_answer_fills_the_answer_box_without_javascript(demo: None) -> None:
    answer = _answer()
    page = client_for("mediator").get(reverse("cases:log_advice") + f"?answer={answer.pk}")
    html = page.content.decode()
    box = re.search(r'<textarea name="answer"[^>]*>(.*?)</textarea>', html, re.S)
    assert box is not None and WAGES in box[1]
    assert re.search(r'<option value="labour" selected>', html)
    assert f'name="common_answer" id="common-answer-id" value="{answer.pk}"' in html


def test_another_committees_answer_is_not_filled_in(demo: None) -> None:
    theirs = _answer("金色社区", answer="金色社区的答复")
    html = (
        client_for("mediator")
        .get(reverse("cases:log_advice") + f"?answer={theirs.pk}")
        .content.decode()
    )
    assert "金色社区的答复" not in html


def test_the_picker_is_filtered_by_subject(demo: None) -> None:
    _answer()
    _answer(
        question="邻居占用楼道怎么办？", answer="可请物业和社区协调。", dispute_type="neighbour"
    )
    _answer(question="调解要收费吗？", answer="人民调解不收费。", dispute_type="")
    html = client_for("mediator").get(reverse("cases:log_advice") + "?type=neighbour")
    text = html.content.decode()
    assert "邻居占用楼道怎么办？" in text and "调解要收费吗？" in text
    assert "拖欠工资怎么办？" not in text


def test_saving_the_advice_counts_the_answer_used_and_keeps_the_edit(demo: None) -> None:
    answer = _answer()
    response = client_for("mediator").post(
        reverse("cases:log_advice"),
        _advice(answer=WAGES + "请保留工资条。", common_answer=str(answer.pk)),
    )
    assert response.status_code == 302
    answer.refresh_from_db()
    assert answer.times_used == 1
    assert Case.objects.get().answer.endswith("请保留工资条。")


def test_a_refused_advice_counts_nothing(demo: None) -> None:
    answer = _answer()
    response = client_for("mediator").post(
        reverse("cases:log_advice"), _advice(question="", common_answer=str(answer.pk))
    )
    assert response.status_code == 400
    answer.refresh_from_db()
    assert answer.times_used == 0


def test_the_demo_seeds_common_answers_once(demo: None) -> None:
    registered_dispute()  # with cases there already, the command adds only what is missing
    call_command("seed_demo_cases", stdout=io.StringIO())
    seeded = CommonAnswer.objects.filter(committee=_committee())
    assert seeded.count() >= 5 and all(a.updated_by == user("mediator") for a in seeded)
    before = sorted(CommonAnswer.objects.values_list("pk", "times_used", "answer"))
    call_command("seed_demo_cases", stdout=io.StringIO())
    assert sorted(CommonAnswer.objects.values_list("pk", "times_used", "answer")) == before
