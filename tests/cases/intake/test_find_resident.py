"""Finding a resident's earlier cases and advice: by exact phone or ID number (through the
keyed hashes), by name, or from a party on a case page; only cases the person may open,
personal data masked, each search audited and limited. A professional on a case who advised
one of its parties before is pointed out."""

from __future__ import annotations

import pytest
from django.urls import reverse

from cases.actions import do_assign_professional
from cases.intake import checks
from cases.intake.actions import do_log_advice, party_hashes
from cases.intake.checks import earlier_advice
from cases.mediation.actions import do_add_advice
from cases.models import Case
from clinic.models import AuditEntry, Community
from tests.cases.factories import party, registered_dispute, user
from tests.conftest import client_for

FIND = reverse("cases:find_resident")


def _case(phone: str = "13877770001", name: str = "赵建国", **kw: object) -> Case:
    return registered_dispute(
        parties=[
            party(side="applicant", name=name, phone=phone, id_number="53010319700101005X"),
            party(side="respondent", name="钱丽"),
        ],
        **kw,  # type: ignore[arg-type]
    )


def _search(username: str, q: str) -> str:
    response = client_for(username).get(FIND, {"q": q})
    assert response.status_code == 200
    return response.content.decode()


def test_a_phone_finds_the_residents_cases_with_the_phone_masked(demo: None) -> None:
    case = _case()
    page = _search("mediator", "138 7777 0001")
    assert case.get_absolute_url() in page and "赵建国" in page
    assert "13877770001" not in page and "138****0001" in page


def test_an_id_number_finds_them_however_it_is_typed(demo: None) -> None:
    case = _case()
    page = _search("mediator", "53010319700101005x")
    assert case.get_absolute_url() in page
    assert "53010319700101005X" not in page


def test_a_name_finds_them_by_its_start_spaces_aside(demo: None) -> None:
    case = _case()
    assert case.get_absolute_url() in _search("mediator", "赵建")
    assert case.get_absolute_url() in _search("mediator", "赵 建 国")
    assert case.get_absolute_url() not in _search("mediator", "建国")


def test_only_cases_the_person_may_open_are_listed(demo: None) -> None:
    elsewhere = _case(by="mediator_jinse", community="金色社区", mediator="mediator_jinse")
    page = _search("mediator", "13877770001")
    assert elsewhere.get_absolute_url() not in page and "金色社区" not in page
    assert "找到案件：0 件" in page
    assert elsewhere.get_absolute_url() in _search("admin", "13877770001")


def test_a_professional_finds_only_the_cases_they_advise_on(demo: None) -> None:
    mine = _case()
    other = _case()
    do_assign_professional(
        mine, actor=user("coordinator"), professional=user("lawyer"), role="lawyer"
    )
    page = _search("lawyer", "13877770001")
    assert mine.get_absolute_url() in page and other.get_absolute_url() not in page


def test_the_advice_a_resident_was_given_is_found_by_their_phone(demo: None) -> None:
    advice = do_log_advice(
        actor=user("mediator"),
        community=Community.objects.get(name="金江路社区"),
        question="公司拖欠工资怎么办？",
        answer="可申请劳动仲裁",
        asker={"name": "刘师傅", "phone": "13877770002"},
        dispute_type="labour",
        source="walk_in",
    )
    page = _search("mediator", "13877770002")
    assert advice.get_absolute_url() in page
    assert "法律咨询" in page and "解答人：张丽萍" in page


def test_grid_workers_cannot_look_residents_up(demo: None) -> None:
    _case()
    assert client_for("gridworker").get(FIND, {"q": "13877770001"}).status_code == 403


def test_each_search_is_audited_without_what_was_typed(demo: None) -> None:
    _case()
    _search("coordinator", "13877770001")
    entry = AuditEntry.objects.get(detail__search="phone")
    assert entry.user is not None and entry.user.username == "coordinator"
    assert entry.detail["found"] == 1 and "13877770001" not in str(entry.detail)
    # …but whom they looked up is answered from the phone's keyed hash
    assert entry.detail["term"] == party_hashes("", "13877770001")[1]


def test_too_many_searches_in_a_minute_are_refused(
    demo: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(checks, "PROBES_PER_MINUTE", 1)
    client = client_for("mediator")
    assert client.get(FIND, {"q": "张三"}).status_code == 200
    refused = client.get(FIND, {"q": "李四"})
    assert refused.status_code == 429 and "查询过于频繁" in refused.content.decode()


def test_an_empty_search_says_what_to_type(demo: None) -> None:
    response = client_for("mediator").get(FIND, {"q": " · "})
    assert response.status_code == 400
    assert "请输入电话、身份证号或姓名" in response.content.decode()
    assert not AuditEntry.objects.filter(detail__has_key="search").exists()


def test_a_party_on_a_case_page_links_to_their_other_cases(demo: None) -> None:
    earlier = _case()
    now = _case()
    applicant = now.parties.get(side="applicant")
    client = client_for("mediator")
    link = f"{FIND}?party={applicant.pk}"
    assert link in client.get(now.get_absolute_url()).content.decode()
    page = client.get(link).content.decode()
    assert "赵建国的其他案件" in page
    assert earlier.get_absolute_url() in page
    assert f'href="{now.get_absolute_url()}"' in page  # the way back, not a result
    assert "找到案件：1 件" in page


def test_the_other_cases_of_a_party_on_a_case_one_may_not_open_are_not_shown(
    demo: None,
) -> None:
    elsewhere = _case(by="mediator_jinse", community="金色社区", mediator="mediator_jinse")
    applicant = elsewhere.parties.get(side="applicant")
    response = client_for("mediator").get(FIND, {"party": applicant.pk})
    assert response.status_code == 404


def test_a_professional_who_advised_a_party_before_is_pointed_out(demo: None) -> None:
    before = _case()
    do_assign_professional(
        before, actor=user("coordinator"), professional=user("lawyer"), role="lawyer"
    )
    do_add_advice(before, actor=user("lawyer"), role="lawyer", text="建议先行协商")
    now = _case(phone="13877770001", name="赵建国")
    applicant = now.parties.get(side="applicant")
    assert [a.adviser.username for a in earlier_advice(applicant)] == ["lawyer"]
    assert earlier_advice(now.parties.get(side="respondent")) == []
    page = client_for("coordinator").get(now.get_absolute_url()).content.decode()
    assert "请核实其是否应当回避" not in page  # the lawyer is not on this case
    do_assign_professional(
        now, actor=user("coordinator"), professional=user("lawyer"), role="lawyer"
    )
    page = client_for("coordinator").get(now.get_absolute_url()).content.decode()
    assert "本案的陈思远曾于" in page and "为赵建国（申请人）提供意见" in page
    assert "请核实其是否应当回避" in page


def test_advice_on_a_case_the_viewer_cannot_open_is_not_described(demo: None) -> None:
    """The lawyer serves 北辰社区 too and advised the resident there; 金江路's coordinator is
    told only that it may be so, not when or where."""
    before = _case(by="admin", community="北辰社区", mediator=None)
    do_assign_professional(before, actor=user("admin"), professional=user("lawyer"), role="lawyer")
    do_add_advice(before, actor=user("lawyer"), role="lawyer", text="建议先行协商")
    now = _case(phone="13877770001", name="赵建国")
    do_assign_professional(
        now, actor=user("coordinator"), professional=user("lawyer"), role="lawyer"
    )
    page = client_for("coordinator").get(now.get_absolute_url()).content.decode()
    assert "请向综治专干核实" in page and "陈思远" in page
    assert "本案的陈思远曾于" not in page
