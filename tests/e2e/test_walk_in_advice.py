"""A walk-in question logged from a common answer on a phone, timed as a person types it: a
second a tap, 1.2 seconds a Chinese character, under a minute all told."""

from __future__ import annotations

from typing import Any

import pytest

from cases.models import Case, CommonAnswer
from clinic.models import MediationCommittee, User

pytestmark = pytest.mark.django_db(transaction=True)

SECONDS_A_TAP = 1.0
SECONDS_A_CHARACTER = 1.2
WAGES = (
    "先保留工资条、考勤记录等证据，书面要求单位支付；仍不支付的，可向区劳动保障监察大队投诉，"
    "或申请劳动仲裁，仲裁不收费。"
)


class Hands:
    """What a person does on the phone, counted: taps and characters typed."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.taps = 0
        self.characters = 0

    def tap(self, selector: str) -> None:
        self.page.locator(selector).first.tap()
        self.taps += 1

    def type(self, selector: str, text: str) -> None:
        self.tap(selector)
        self.page.keyboard.type(text)
        self.characters += len(text)

    @property
    def seconds(self) -> float:
        return self.taps * SECONDS_A_TAP + self.characters * SECONDS_A_CHARACTER


def test_a_walk_in_question_is_logged_from_a_common_answer_in_under_a_minute(
    journey: Any,
) -> None:
    committee = MediationCommittee.objects.get(community__name="金江路社区")
    mediator_user = User.objects.get(username="mediator")
    wages = CommonAnswer.objects.create(
        committee=committee,
        dispute_type="labour",
        question="单位拖欠工资怎么办？",
        answer=WAGES,
        times_used=4,
        updated_by=mediator_user,
    )
    CommonAnswer.objects.create(
        committee=committee,
        dispute_type="neighbour",
        question="楼上漏水对方不管怎么办？",
        answer="先拍照留证，请物业查明原因，协商不成可申请人民调解。",
        updated_by=mediator_user,
    )
    mediator = journey("mediator", phone=True)
    mediator.go("/cases/advice/")
    page = mediator.page
    assert page.viewport_size["width"] == 375
    hands = Hands(page)

    hands.tap("#common-answers summary")
    hands.tap(f"#common-answers a.pick[data-answer-id='{wages.pk}']")
    assert page.input_value("[name=answer]") == WAGES  # filled at once, no page load
    assert page.input_value("[name=dispute_type]") == "labour"
    hands.type("[name=name]", "陈师傅")
    hands.type("[name=question]", "饭店欠薪三个月怎么办")
    mediator.shot("advice-from-a-common-answer")
    with page.expect_navigation():
        hands.tap("main form[method=post] button.primary")

    assert hands.seconds < 60, f"{hands.taps} taps, {hands.characters} characters"
    case = Case.objects.get(kind="advice")
    assert page.url.endswith(case.get_absolute_url())
    text = page.content()
    assert "饭店欠薪三个月怎么办" in text and "劳动保障监察大队" in text
    assert case.answer == WAGES and case.dispute_type == "labour"
    wages.refresh_from_db()
    assert wages.times_used == 5
    mediator.shot("advice-recorded")
    mediator.go("/cases/")
    assert page.locator(f"a[href='{case.get_absolute_url()}']").count() == 1
