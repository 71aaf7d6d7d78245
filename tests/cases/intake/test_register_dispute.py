from __future__ import annotations

import re

from django.urls import reverse

from cases.models import Case
from clinic.lib import limits
from clinic.models import Community, Notification
from tests.cases.factories import registered_dispute, resident_id
from tests.cases.intake.payloads import register_form
from tests.conftest import client_for


def test_a_mediator_registers_a_dispute_with_both_parties(demo: None) -> None:
    response = client_for("mediator").post(reverse("cases:register_dispute"), register_form())
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == case.get_absolute_url()
    assert case.state == "registered" and case.number == ""
    assert case.mediator is not None
    assert case.mediator.username == "mediator" and case.street.name == "联盟街道"
    assert sorted(case.parties.values_list("name", flat=True)) == ["吴先生", "周大妈"]
    assert case.events.get().kind == "registered"


def test_a_wrong_id_check_digit_is_refused_in_chinese_and_nothing_is_saved(demo: None) -> None:
    valid = resident_id()
    wrong = valid[:-1] + ("0" if valid[-1] != "0" else "1")
    response = client_for("mediator").post(
        reverse("cases:register_dispute"), register_form(**{"applicant-id_number": wrong})
    )
    assert response.status_code == 400
    assert "这不是有效的居民身份证号码" in response.content.decode()
    assert not Case.objects.exists()


def test_a_party_with_an_open_case_in_the_street_is_flagged_before_registering(
    demo: None,
) -> None:
    first = registered_dispute()
    phone = first.parties.get(side="applicant").phone
    client = client_for("mediator")
    response = client.post(
        reverse("cases:register_dispute"), register_form(**{"applicant-phone": phone})
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "可能重复" in page
    assert Case.objects.count() == 1
    warned = re.search(r'name="warned" value="([^"]+)"', page)
    assert warned is not None
    again = client.post(
        reverse("cases:register_dispute"),
        register_form(
            **{"applicant-phone": phone, "register_anyway": "on", "warned": warned.group(1)}
        ),
    )
    assert again.status_code == 302 and Case.objects.count() == 2


def test_a_red_risk_alerts_the_coordinator_and_the_community_police_at_once(demo: None) -> None:
    client_for("mediator").post(reverse("cases:register_dispute"), register_form(risk="red"))
    notified = set(Notification.objects.values_list("user__username", flat=True))
    assert {"coordinator", "police"} <= notified


def test_advice_is_logged_in_one_form_and_closed(demo: None) -> None:
    response = client_for("mediator").post(
        reverse("cases:log_advice"),
        {
            "community": Community.objects.get(name="金江路社区").pk,
            "dispute_type": "labour",
            "source": "walk_in",
            "question": "公司拖欠两个月工资怎么办？",
            "answer": "可向劳动监察大队投诉或申请劳动仲裁",
            "name": "刘师傅",
        },
    )
    case = Case.objects.get()
    assert response.status_code == 302
    assert (case.kind, case.state, case.number, case.outcome) == (
        "advice",
        "closed",
        "",
        "answered",
    )
    assert case.parties.get().name == "刘师傅"
    page = client_for("mediator").get(reverse("cases:case_list") + "?kind=advice").content.decode()
    assert "法律咨询" in page


def test_grid_workers_and_professionals_cannot_register(demo: None) -> None:
    for username in ["gridworker", "judge", "lawyer"]:
        response = client_for(username).post(reverse("cases:register_dispute"), register_form())
        assert response.status_code == 403
    assert not Case.objects.exists()


def test_an_over_long_summary_is_refused_in_chinese_and_nothing_is_written(demo: None) -> None:
    response = client_for("mediator").post(
        reverse("cases:register_dispute"), register_form(summary="噪" * (limits.SUMMARY + 1))
    )
    assert response.status_code == 400
    assert f"不超过 {limits.SUMMARY} 字符" in response.content.decode()
    assert not Case.objects.exists()
    longest = client_for("mediator").post(
        reverse("cases:register_dispute"), register_form(summary="噪" * limits.SUMMARY)
    )
    assert longest.status_code == 302
    assert len(Case.objects.get().summary) == limits.SUMMARY


def test_a_summary_as_long_as_the_browser_allows_is_kept_with_its_line_breaks(
    demo: None,
) -> None:
    lines = ["噪" * 99] * (limits.SUMMARY // 100)  # 2,000 characters in the box, line breaks too
    response = client_for("mediator").post(
        reverse("cases:register_dispute"), register_form(summary="\r\n".join(lines) + "\r\n")
    )
    assert response.status_code == 302
    assert Case.objects.get().summary == "\n".join(lines)


def test_the_summary_box_says_how_long_it_may_be(demo: None) -> None:
    page = client_for("mediator").get(reverse("cases:register_dispute")).content.decode()
    assert f'maxlength="{limits.SUMMARY}"' in page


def test_an_amount_of_zero_is_refused_and_nothing_is_written(demo: None) -> None:
    response = client_for("mediator").post(
        reverse("cases:register_dispute"), register_form(amount_involved="0")
    )
    assert response.status_code == 400
    assert not Case.objects.exists()


def test_a_partys_phone_is_kept_in_oneregister_form(demo: None) -> None:
    response = client_for("mediator").post(
        reverse("cases:register_dispute"),
        register_form(
            **{"applicant-phone": "+86 138 8812-3456", "respondent-phone": "(0871)65123456"}
        ),
    )
    assert response.status_code == 302
    phones = {party.name: party.phone for party in Case.objects.get().parties.all()}
    assert phones == {"周大妈": "13888123456", "吴先生": "0871-65123456"}


def test_a_partys_phone_without_its_area_code_is_refused(demo: None) -> None:
    response = client_for("mediator").post(
        reverse("cases:register_dispute"), register_form(**{"respondent-phone": "65123456"})
    )
    assert response.status_code == 400
    assert not Case.objects.exists()
