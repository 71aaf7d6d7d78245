"""Editing the case: 预防效果 (the five 防止… flags, each with its persons) and the difficulty
grade (案件难度级别, each grade shown with its definition), both shown on the case page; a flag
without persons or persons without a flag is refused with a clear message and nothing changes;
two people saving at once: the second is told the case changed (409)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from cases.choices import PREVENTED_HARMS, State
from cases.models import Case
from tests.cases.factories import fresh, in_state
from tests.conftest import client_for


def edit_form(case: Case, **changes: Any) -> dict[str, Any]:
    """The edit form as the page sends it: the case as it stands, with ``changes``."""
    data: dict[str, Any] = {
        "source": case.source,
        "dispute_type": case.dispute_type,
        "summary": case.summary,
        "risk": case.risk,
        "amount_involved": case.amount_involved or "",
        "persons_involved": case.persons_involved,
        "difficulty": case.difficulty,
        "grid": case.grid_id or "",
        "version": case.version,
    }
    for harm in PREVENTED_HARMS:
        if getattr(case, f"prevented_{harm}"):
            data[f"prevented_{harm}"] = "on"
        data[f"prevented_{harm}_persons"] = getattr(case, f"prevented_{harm}_persons") or ""
    data.update(changes)
    return {name: value for name, value in data.items() if value is not None}


def url(case: Case) -> str:
    return reverse("cases:edit_case", args=[case.pk])


def test_a_mediator_records_what_the_mediation_prevented_and_the_case_page_shows_it(
    demo: None,
) -> None:
    case = in_state(State.SIT_IN)
    response = client_for("mediator").post(
        url(case),
        edit_form(
            case,
            prevented_suicide="on",
            prevented_suicide_persons="1",
            prevented_fight="on",
            prevented_fight_persons="8",
            prevented_incident="on",
            prevented_incident_persons="25",
        ),
    )
    assert response.status_code == 302
    after = fresh(case)
    assert (after.prevented_suicide, after.prevented_suicide_persons) == (True, 1)
    assert (after.prevented_fight, after.prevented_fight_persons) == (True, 8)
    assert (after.prevented_incident, after.prevented_incident_persons) == (True, 25)
    assert not after.prevented_criminal and after.prevented_criminal_persons == 0
    page = client_for("mediator").get(case.get_absolute_url()).content.decode()
    assert "预防效果" in page
    assert "防止引起自杀 1 人" in page
    assert "防止群体性械斗 8 人" in page
    assert "防止群体性事件 25 人" in page
    assert after.events.filter(kind="edited").count() == 1


@pytest.mark.parametrize(
    ("sent", "message"),
    [
        ({"prevented_fight": "on", "prevented_fight_persons": ""}, "涉及多少人？至少一人。"),
        ({"prevented_fight": "on", "prevented_fight_persons": "0"}, "涉及多少人？至少一人。"),
        ({"prevented_suicide_persons": "3"}, "请勾选所防止的情形，或将其人数留空。"),
    ],
)
def test_a_flag_without_persons_or_persons_without_a_flag_is_refused(
    demo: None, sent: dict[str, str], message: str
) -> None:
    case = in_state(State.SIT_IN)
    response = client_for("mediator").post(url(case), edit_form(case, summary="改过的", **sent))
    assert response.status_code == 400
    assert message in response.content.decode()
    after = fresh(case)
    assert after.summary == case.summary  # nothing changed
    assert not after.prevented_fight and not after.prevented_suicide


def test_the_database_refuses_a_flag_and_its_persons_that_disagree(demo: None) -> None:
    case = in_state(State.SIT_IN)
    for flag, persons in ((True, 0), (False, 2)):
        with pytest.raises(IntegrityError), transaction.atomic():
            Case.objects.filter(pk=case.pk).update(
                prevented_incident=flag, prevented_incident_persons=persons
            )


def test_the_edit_page_groups_prevention_and_shows_each_grade_with_its_definition(
    demo: None,
) -> None:
    case = in_state(State.SIT_IN)
    page = client_for("mediator").get(url(case)).content.decode()
    prevention = page.split('id="prevention"', 1)[1].split("</fieldset>", 1)[0]
    for label in (
        "防止民转刑",
        "防止引起自杀",
        "防止群体性上访",
        "防止群体性械斗",
        "防止群体性事件",
    ):
        assert label in prevention
    grades = page.split('id="difficulty"', 1)[1].split("</fieldset>", 1)[0]
    for label, definition in (
        ("简易", "一次调解即达成协议"),
        ("重大疑难", "涉及十人以上"),
    ):
        assert label in grades and definition in grades


def test_the_coordinator_grades_the_case_and_the_page_shows_the_grade(demo: None) -> None:
    case = in_state(State.SIT_IN)
    response = client_for("coordinator").post(url(case), edit_form(case, difficulty="complex"))
    assert response.status_code == 302
    assert fresh(case).difficulty == "complex"
    page = client_for("mediator").get(case.get_absolute_url()).content.decode()
    assert "难度级别" in page and "复杂" in page and "需其他部门或专业人员参与" in page


def test_an_unknown_grade_is_refused(demo: None) -> None:
    case = in_state(State.SIT_IN)
    response = client_for("mediator").post(url(case), edit_form(case, difficulty="easy"))
    assert response.status_code == 400
    assert fresh(case).difficulty == ""


def test_two_people_saving_at_once_the_second_is_told_the_case_changed(demo: None) -> None:
    case = in_state(State.SIT_IN)
    first = edit_form(case, prevented_fight="on", prevented_fight_persons="5")
    second = edit_form(case, difficulty="simple")
    assert client_for("mediator").post(url(case), first).status_code == 302
    late = client_for("coordinator").post(url(case), second)
    assert late.status_code == 409
    after = fresh(case)
    assert after.prevented_fight_persons == 5 and after.difficulty == ""


def test_the_case_list_filters_by_grade_and_finds_the_ungraded(demo: None) -> None:
    graded = in_state(State.SIT_IN)
    Case.objects.filter(pk=graded.pk).update(difficulty="major")
    ungraded = in_state(State.SIT_IN)
    client = client_for("coordinator")
    major = client.get(reverse("cases:case_list"), {"difficulty": "major"}).content.decode()
    assert graded.number in major and ungraded.number not in major
    none = client.get(reverse("cases:case_list"), {"difficulty": "none"}).content.decode()
    assert ungraded.number in none and graded.number not in none
    assert "重大疑难" in major and "尚未定级" in major  # the filter's choices


def test_a_concluded_case_can_still_be_graded_for_the_subsidy_until_it_is_archived(
    demo: None,
) -> None:
    case = in_state(State.CLOSED)
    mediator = client_for("mediator")
    page = mediator.get(case.get_absolute_url()).content.decode()
    assert url(case) in page and "定级" in page
    response = mediator.post(url(case), edit_form(case, difficulty="complex"))
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.difficulty == "complex"
    Case.objects.filter(pk=case.pk).update(archived_at=case.closed_at)
    assert url(case) not in mediator.get(case.get_absolute_url()).content.decode()
    assert mediator.post(url(case), edit_form(case, difficulty="major")).status_code == 403
