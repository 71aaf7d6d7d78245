"""The case's timeline says what changed, as a person reads it on the case page: which party,
which field, old → new, personal data masked; the actions that wrote no event write one; a
job's event is the system's; and every ``do_*`` takes its ``actor`` by keyword."""

from __future__ import annotations

import importlib
import inspect
import io
from datetime import timedelta
from pathlib import Path

from django.core.management import call_command
from django.urls import reverse

from cases.choices import State
from cases.intake.actions import do_update_party
from cases.mediation.actions import do_save_agreement
from cases.models import Case, CaseEvent, ConsultationInvitee, FollowUp, Party
from cases.visits.actions import do_request_visit, do_schedule_visit
from clinic.actions import do_grant_role
from clinic.models import AuditEntry, Community, Grid, User
from tests.cases.consultations.test_consultation import _send
from tests.cases.factories import convened, in_state, party, registered_dispute, today, user
from tests.conftest import client_for
from tests.form_payloads import seen_version
from tests.scheduling.factories import at


def _page(case: Case, username: str = "mediator") -> str:
    response = client_for(username).get(case.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def _timeline(page: str) -> str:
    return page[page.index('<ol class="timeline">') :]


def test_a_changed_phone_shows_the_party_the_field_and_both_numbers_masked(demo: None) -> None:
    case = registered_dispute(
        parties=[
            party(side="applicant", name="赵建国"),
            party(side="respondent", name="钱丽", phone="13812345678"),
        ]
    )
    qian = Party.objects.get(case=case, name="钱丽")
    do_update_party(qian, actor=user("mediator"), changes={"phone": "13912341234"})
    timeline = _timeline(_page(case))
    assert "当事人 钱丽：电话 138****5678 → 139****1234" in timeline
    assert "13812345678" not in timeline and "13912341234" not in timeline
    stored = CaseEvent.objects.get(case=case, kind="party").payload
    assert "13812345678" not in str(stored) and "13912341234" not in str(stored)


def test_a_changed_id_number_and_address_never_show_in_clear(demo: None) -> None:
    case = registered_dispute()
    zhao = Party.objects.get(case=case, name="赵建国")
    old_id = zhao.id_number
    do_update_party(
        zhao,
        actor=user("mediator"),
        changes={"id_number": "53010319800202002X", "address": "金色社区 8 栋"},
    )
    timeline = _timeline(_page(case))
    assert "当事人 赵建国：证件号码 530103********" in timeline
    assert "530103********002X" in timeline
    assert old_id not in timeline and "53010319800202002X" not in timeline
    assert "金色社区 8 栋" not in timeline and "（已更改）" in timeline


def test_editing_an_agreement_draft_shows_the_field_and_old_and_new(demo: None) -> None:
    case = in_state(State.SIT_IN)
    mediator = user("mediator")
    draft = do_save_agreement(
        case,
        actor=mediator,
        data={
            "form": "written",
            "facts": "楼上漏水",
            "terms": "赔偿 800 元",
            "performance_deadline": today() + timedelta(days=10),
        },
    )
    do_save_agreement(
        case,
        actor=mediator,
        agreement=draft,
        data={"terms": "赔偿 900 元", "performance_deadline": today() + timedelta(days=20)},
    )
    timeline = _timeline(_page(case))
    assert "协议：协议内容 赔偿 800 元 → 赔偿 900 元" in timeline
    before, after = today() + timedelta(days=10), today() + timedelta(days=20)
    assert f"协议：履行期限 {before:%Y-%m-%d} → {after:%Y-%m-%d}" in timeline


def test_answering_an_invitation_and_fixing_the_meeting_each_add_a_line(demo: None) -> None:
    case = in_state(State.SIT_IN)
    consultation = convened(case)
    first = consultation.slots.order_by("starts_at")[0]
    _send("judge", consultation, {"answer": "accepted", "slots": [first.pk]})
    _send("police", consultation, {"answer": "declined"})
    assert _send("mediator", consultation, {"slot": first.pk}).status_code == 302
    judge, police = user("judge"), user("police")
    timeline = _timeline(_page(case))
    assert f"{judge}（法官）接受会诊邀请" in timeline
    assert f"{police}（社区民警）谢绝会诊邀请" in timeline
    assert f"会诊会议 {first.starts_at.astimezone():%Y-%m-%d %H:%M}" in timeline
    assert f"参加：{judge}" in timeline
    _send("judge", consultation, {"opinion": "建议参照当地人均消费支出确定赡养费"})
    assert f"{judge}（法官）的意见" in _timeline(_page(case))
    invitee = ConsultationInvitee.objects.get(user=judge)
    assert CaseEvent.objects.filter(case=case, payload__what="opinion_recorded").get().actor == (
        invitee.user
    )


def test_planning_a_follow_up_visit_adds_a_line_and_replans_in_place(demo: None) -> None:
    case = in_state(State.FOLLOW_UP)
    follow_up = FollowUp.objects.get(case=case, done_at__isnull=True)
    url = reverse("cases:schedule_follow_up", args=[follow_up.pk])
    mediator = client_for("mediator")
    for day in (5, 6):
        response = mediator.post(
            url,
            seen_version(follow_up)
            | {
                "starts_at": at(days=day, hour=19).strftime("%Y-%m-%dT%H:%M"),
                "hours": "1",
                "place": "申请人家中",
            },
        )
        assert response.status_code == 302, response.content.decode()[:600]
    timeline = _timeline(_page(case))
    assert f"上门回访 {at(days=5, hour=19):%Y-%m-%d %H:%M}" in timeline
    assert f"上门回访 {at(days=6, hour=19):%Y-%m-%d %H:%M}" in timeline
    assert "申请人家中" not in timeline
    commitments = user("mediator").commitments.filter(kind="follow_up")
    assert commitments.filter(active=True).count() == 1


def test_reassigning_open_work_adds_one_line_on_each_case_moved(demo: None) -> None:
    open_case = in_state(State.SIT_IN)
    follow_up_case = in_state(State.FOLLOW_UP)
    successor = User.objects.create(username="new.mediator", display_name="新调解员")
    do_grant_role(
        successor, role="mediator", region=Community.objects.get(name="金江路社区"), actor=None
    )
    mediator = user("mediator")
    response = client_for("coordinator").post(
        reverse("cases:reassign_person", args=[mediator.pk]), {"to": successor.pk}
    )
    assert response.status_code == 302
    line = f"{mediator}的待办工作移交给{successor}"
    assert _timeline(_page(open_case, "new.mediator")).count(line) == 1
    follow_up_line = _timeline(_page(follow_up_case, "new.mediator"))
    assert follow_up_line.count(line) == 1 and "1 项待办回访" in follow_up_line
    assert CaseEvent.objects.filter(case=open_case, kind="reassigned").count() == 1


def test_a_reminder_jobs_event_shows_the_system_and_who_was_reminded(demo: None) -> None:
    case = in_state(State.SIT_IN)
    due = today() + timedelta(days=2)
    Case.objects.filter(pk=case.pk).update(mediation_due=due)
    call_command("send_digests", stdout=io.StringIO())
    call_command("send_digests", stdout=io.StringIO())
    timeline = _timeline(_page(case))
    assert timeline.count(f"调解期限 {due:%Y-%m-%d}，已提醒") == 1
    assert '<span class="muted">系统</span>' in timeline
    assert str(user("mediator")) in timeline


def test_scheduling_a_visit_without_a_case_is_audited_instead(demo: None) -> None:
    grid = Grid.objects.filter(community__name="金江路社区").first()
    request = do_request_visit(
        actor=user("gridworker"),
        grid=grid,
        resident_name="孙阿姨",
        resident_phone="13700009999",
        address="金江路社区 3 栋",
        problem="邻里噪音纠纷",
    )
    do_schedule_visit(
        request,
        actor=user("coordinator"),
        professionals=[(user("lawyer"), "lawyer")],
        starts_at=at(days=4, hour=19),
        ends_at=at(days=4, hour=20),
        place="金江路社区 3 栋",
    )
    entry = AuditEntry.objects.get(event="visit_scheduled")
    assert entry.object_repr == request.reference and entry.user == user("coordinator")
    assert "13700009999" not in str(entry.detail)


def test_events_written_before_the_new_payloads_still_show(demo: None) -> None:
    case = registered_dispute()
    old = [
        ("party", {"changed": "钱丽", "fields": ["phone"]}),
        ("edited", {"changes": {"risk": ["", "red"]}}),
        ("edited", {"archived": "2026-卷-7"}),
        ("agreement", {"edited": 12}),
        ("consent", {"party": "钱丽", "consented": True, "notice": "written"}),
        ("recused", {"party": "钱丽", "mediator": "张三"}),
        ("extended", {"from": "2026-12-01", "to": "2026-12-31", "consent": "双方同意"}),
        ("follow_up", []),
    ]
    for kind, payload in old:
        CaseEvent.objects.create(case=case, kind=kind, payload=payload)
    timeline = _timeline(_page(case))
    assert "当事人 钱丽：电话已更改" in timeline
    assert "风险等级 无 → 红色：立即处置" in timeline
    assert "调解期限：2026-12-01 → 2026-12-31" in timeline


def test_every_do_function_of_cases_takes_actor_by_keyword() -> None:
    root = Path(__file__).resolve().parents[2] / "cases"
    names = sorted(
        ".".join(path.relative_to(root.parent).with_suffix("").parts)
        for path in root.rglob("actions.py")
    )
    assert {"cases.actions", "cases.intake.actions", "cases.sweeps.actions"} <= set(names)
    assert len(names) == 12
    found = []
    for name in names:
        module = importlib.import_module(name)
        for function_name, function in inspect.getmembers(module, inspect.isfunction):
            if not function_name.startswith("do_") or function.__module__ != name:
                continue
            found.append(function_name)
            parameter = inspect.signature(function).parameters.get("actor")
            assert parameter is not None, f"{name}.{function_name} takes no actor"
            assert parameter.kind is inspect.Parameter.KEYWORD_ONLY, f"{name}.{function_name}"
    assert "do_answer_invitation" in found and "do_send_case_reminders" in found
