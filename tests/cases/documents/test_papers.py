"""The papers a county review passes, read back from the PDFs: page counts, no page holding
only the seal and date, full IDs on the file copies and masks on the copies for outsiders,
the case file numbered across its appended scans, and the confirmation pack refused after
its window."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from cases.actions import do_assign_professional
from cases.choices import State
from cases.documents import papers
from cases.documents.actions import do_send_confirmation_reminders
from cases.intake.actions import do_add_party, do_decline_case
from cases.mediation.actions import do_add_advice, do_add_record, do_terminate_case
from cases.models import Agreement, Case, CaseEvent, Party
from clinic.lib.pdf import html_to_pdf
from clinic.models import AuditEntry, Notification
from clinic.notify.digest import send_digests
from clinic.notify.render import render_notification
from tests.cases.documents.test_documents import complete_case
from tests.cases.factories import (
    fresh,
    in_state,
    party,
    registered_dispute,
    signed_agreement,
    user,
)
from tests.conftest import client_for

COMPANY = "昆明市盘龙区金辰街道某某物业服务有限公司第一分公司"
SEAL_AND_DATE = re.compile(
    r"人民调解委员会（印章）|\d{4}年\d{1,2}月\d{1,2}日|年月日|第\d+页共\d+页"
)


@pytest.fixture(autouse=True)
def _uploads_in_tmp(settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path / "uploads"


def _pages(pdf: bytes) -> list[str]:
    return ["".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(pdf)).pages]


def _text(pdf: bytes) -> str:
    """The document's text, after checking that no page holds only the seal and date."""
    pages = _pages(pdf)
    assert not [n for n, text in enumerate(pages, 1) if not SEAL_AND_DATE.sub("", text)]
    return "".join(pages)


def _applicant_id(case: Case) -> str:
    return case.parties.get(side="applicant").id_number


def test_every_paper_keeps_its_seal_and_date_with_its_text_and_its_page_count(
    demo: None,
) -> None:
    case = complete_case()
    respondent = case.parties.get(side="respondent")
    Party.objects.filter(pk=respondent.pk).update(name=COMPANY)  # a long name wraps
    expected = {
        "application": 1,
        "register": 1,
        "notice": 2,
        "record": 2,
        "joint_opinion": 1,
        "agreement": 2,
        "followup": 1,
        "confirmation": 6,
    }
    counts = {}
    for kind in expected:
        pages = _pages(papers.render(case, kind, reveal_ids=True))
        counts[kind] = len(pages)
        for number, text in enumerate(pages, 1):
            assert SEAL_AND_DATE.sub("", text), (kind, number, text)
        assert COMPANY in "".join(pages), kind
    assert counts == expected


def test_the_record_has_identity_rows_questions_and_answers_and_each_party_signs(
    demo: None,
) -> None:
    case = complete_case()
    do_add_record(
        fresh(case),
        actor=user("mediator"),
        data={
            "held_at": timezone.now(),
            "place": "金江路社区法律诊所调解室",
            "attendees": "赵建国、钱丽",
            "statements": "问：漏水何时发现？答：上月中旬。\n问：是否同意赔偿？答：同意。",
            "result": "双方同意赔偿",
        },
    )
    text = "".join(_pages(papers.render(case, "record")))
    assert "金江路社区法律诊所调解室" in text and "参加人员" in text and "身份证件号码" in text
    assert "申请人赵建国（签名、按指印）" in text and "被申请人钱丽（签名、按指印）" in text
    assert text.count("当事人签名（按指印）") == len(_pages(papers.render(case, "record")))
    lines = [line for _, line in papers.paragraphs("问：何时？答：上月。\n问：赔吗？答：赔。")]
    assert lines == ["问：何时？", "答：上月。", "问：赔吗？", "答：赔。"]


def test_the_joint_opinion_prints_each_professionals_advice_and_the_meeting(
    demo: None,
) -> None:
    case = in_state(State.JOINT_CONSULTATION)
    do_add_advice(fresh(case), actor=user("judge"), role="judge", text="建议按实际损失赔偿")
    text = "".join(_pages(papers.render(case, "joint_opinion")))
    assert "建议按实际损失赔偿" in text and "会诊时间" in text and "会诊地点" in text


def test_file_copies_carry_full_ids_and_copies_for_outsiders_carry_masks(
    demo: None, django_capture_on_commit_callbacks
) -> None:
    oral = in_state(State.SIT_IN)
    signed_agreement(fresh(oral), form="oral")
    number = _applicant_id(oral)
    url = reverse("cases:document", args=[oral.pk, "oral"])
    text = _text(client_for("mediator").get(url).content)
    assert number in text and "人民调解员" in text and "当事人确认" in text
    reveal = AuditEntry.objects.get(event="reveal", object_id=str(oral.pk))
    assert reveal.detail["document"] == "oral"
    case = complete_case()
    do_assign_professional(
        case, actor=user("coordinator"), professional=user("lawyer"), role="lawyer"
    )
    pack = client_for("lawyer").get(reverse("cases:document", args=[case.pk, "confirmation"]))
    text = "".join(_pages(pack.content))
    assert "人民调解协议书（副本）" in text and _applicant_id(case) not in text
    assert _applicant_id(case)[-4:] in text


def test_the_confirmation_pack_is_complete_and_names_the_court_in_full(demo: None) -> None:
    case = complete_case()
    text = "".join(_pages(papers.render(case, "confirmation", reveal_ids=True)))
    for part in ("司法确认申请书", "人民调解协议书（副本）", "主持调解证明", "送达地址确认书"):
        assert part in text, part
    assert "昆明市盘龙区人民法院" in text and "申请人1" in text and "申请人2" in text
    assert "本协议自各方当事人签名" in text and "人民调解委员会（印章）" in text


def test_the_confirmation_pack_is_refused_after_its_window_with_the_reason(demo: None) -> None:
    case = complete_case()
    closed = timezone.localdate() - timedelta(days=1)
    Case.objects.filter(pk=case.pk).update(confirmation_due=closed)
    client = client_for("mediator")
    response = client.get(reverse("cases:document", args=[case.pk, "confirmation"]))
    assert response.status_code == 410
    assert f"{closed:%Y-%m-%d}" in response.content.decode()
    page = client.get(case.get_absolute_url()).content.decode()
    assert reverse("cases:document", args=[case.pk, "confirmation"]) not in page
    assert "司法确认申请材料" in page
    oral = complete_case()  # an oral agreement never had a confirmation pack to refuse
    Agreement.objects.filter(case=oral).update(form="oral")
    Case.objects.filter(pk=oral.pk).update(confirmation_due=closed)
    response = client.get(reverse("cases:document", args=[oral.pk, "confirmation"]))
    assert response.status_code == 404
    assert "司法确认申请材料" not in client.get(oral.get_absolute_url()).content.decode()


def test_a_closing_window_stays_in_the_daily_reminder_until_it_is_before_a_court(
    demo: None,
) -> None:
    case = in_state(State.FOLLOW_UP)
    today = timezone.localdate()
    Case.objects.filter(pk=case.pk).update(confirmation_due=today + timedelta(days=10))
    assert do_send_confirmation_reminders(today, actor=None) == 0  # not yet
    closes = today + timedelta(days=3)
    Case.objects.filter(pk=case.pk).update(confirmation_due=closes)
    assert do_send_confirmation_reminders(today, actor=None) == 2  # mediator and coordinator
    assert do_send_confirmation_reminders(today, actor=None) == 0
    send_digests(today)
    assert do_send_confirmation_reminders(today + timedelta(days=1), actor=None) == 0
    send_digests(today + timedelta(days=1))  # still open: listed again, no longer new
    Agreement.objects.filter(case=case).update(confirmation="applied")
    send_digests(today + timedelta(days=2))  # before the court: resolved

    window = f"司法确认申请期限至 {chinese(closes)}：{case.number}"
    first, second, *later = (
        [line for line in render_notification(n).body.splitlines() if case.number in line]
        for n in Notification.objects.filter(
            user=user("mediator"), key__startswith="digest:"
        ).order_by("pk")
    )
    assert first == [f"【新】{window}（{chinese(closes)} 到期）"]
    assert second == [f"{window}（{chinese(closes)} 到期）"]
    assert later in ([], [[]])  # nothing left to remind of (or only something else)
    # the case's timeline says once who was reminded
    assert CaseEvent.objects.filter(case=case, kind="reminder").count() == 1
    other = in_state(State.FOLLOW_UP)  # already before the court: nothing to remind of
    Case.objects.filter(pk=other.pk).update(confirmation_due=today + timedelta(days=3))
    Agreement.objects.filter(case=other).update(confirmation="applied")
    assert do_send_confirmation_reminders(today, actor=None) == 0


def chinese(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def test_the_missing_standard_forms(demo: None) -> None:
    case = complete_case()
    applicant = case.parties.get(side="applicant")
    do_add_party(
        fresh(case),
        actor=user("mediator"),
        data={**party(side="agent", name="周律师"), "represents": applicant, "relation": "律师"},
    )
    do_add_record(
        fresh(case),
        actor=user("mediator"),
        data={
            "kind": "investigation",
            "held_at": timezone.now(),
            "place": "金江路社区 12 栋",
            "attendees": "李大爷（邻居）",
            "statements": "问：漏水何时开始？答：上月。",
            "result": "漏水属实",
        },
    )
    kinds = papers.available(papers.load(case))
    assert {"application", "investigation", "power_of_attorney"} <= set(kinds)
    text = _text(papers.render(case, "power_of_attorney"))
    assert "授权委托书" in text and "周律师" in text and "赵建国" in text
    text = _text(papers.render(case, "investigation"))
    assert "调查记录" in text and "被调查人" in text and "漏水属实" in text
    text = _text(papers.render(case, "application"))
    assert "人民调解申请书" in text and "楼上卫生间漏水" in text
    declined = registered_dispute()
    do_decline_case(
        fresh(declined),
        actor=user("mediator"),
        version=None,
        outcome="declined_scope",
        note="劳动争议",
    )
    text = _text(papers.render(declined, "decline_notice"))
    assert "不予受理告知书" in text and "劳动争议" in text
    ended = in_state(State.SIT_IN)
    do_terminate_case(
        fresh(ended), actor=user("mediator"), version=None, outcome="failed", note="分歧较大"
    )
    assert "termination_notice" in papers.available(papers.load(ended))
    text = _text(papers.render(ended, "termination_notice"))
    assert "终止调解告知书" in text and "分歧较大" in text


def test_the_case_file_asks_for_the_signed_record_notice_and_proof_of_identity(
    demo: None,
) -> None:
    case = in_state(State.CLOSED)
    gaps = papers.missing(case)
    for label in ("调解笔录签字扫描件", "权利义务告知书签收扫描件", "当事人身份证明"):
        assert label in gaps
    assert not papers.missing(complete_case())


def test_the_case_file_is_unmasked_numbered_across_appended_scans_and_has_its_note_sheet(
    demo: None,
) -> None:
    case = complete_case()
    scan = html_to_pdf("<p>第一页</p><p style='break-before: page'>第二页</p>")
    client_for("mediator").post(
        reverse("cases:upload_attachment", args=[case.pk]),
        {"kind": "evidence", "file": SimpleUploadedFile("现场.pdf", scan, "application/pdf")},
    )
    pages = _pages(papers.render_case_file(case, compiled_by="张丽萍", reveal_ids=True))
    total = len(pages)
    for number, text in enumerate(pages, 1):
        assert f"第{number}页共{total}页" in text, (number, text[-40:])
    assert "卷内备考表" in pages[-1] and f"本卷共{total}页" in pages[-1]
    assert "立卷人" in pages[-1] and "检查人" in pages[-1]
    assert _applicant_id(case) in "".join(pages)
