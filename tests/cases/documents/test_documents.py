"""The documents as Chinese PDFs: the text comes back out, in the Simplified Chinese font."""

from __future__ import annotations

import io
import logging

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image
from pypdf import PdfReader

from cases.actions import do_assign_professional
from cases.choices import State
from cases.consultations.actions import do_conclude_consultation
from cases.documents import papers
from cases.follow_ups.actions import do_record_follow_up
from cases.mediation.actions import do_add_record
from cases.models import Case
from clinic.models import AuditEntry
from tests.cases.factories import fresh, in_state, settle, user
from tests.conftest import client_for

KEY_CLAUSES = {
    "register": ["人民调解受理登记表", "纠纷简要情况"],
    "notice": ["权利义务告知书", "接受调解、拒绝调解或者要求终止调解"],
    "record": ["人民调解笔录", "双方同意"],
    "agreement": [
        "人民调解协议书",
        "赔偿楼下住户人民币800元",
        "三十日内共同向人民法院申请司法确认",
    ],
    "joint_opinion": ["会诊意见", "按实际损失赔偿"],
    "followup": ["回访记录", "已按约赔付"],
    "confirmation": ["司法确认申请书", "请求人民法院依法确认"],
    "casefile": ["人民调解卷宗", "卷内目录", "人民调解协议书"],
}


@pytest.fixture(autouse=True)
def _uploads_in_tmp(settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path / "uploads"


def _scan() -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (60, 80), "white").save(out, format="JPEG")
    return SimpleUploadedFile("协议签字页.jpg", out.getvalue())


def complete_case() -> Case:
    """A settled, performed case with every paper the case file needs."""
    case = in_state(State.JOINT_CONSULTATION)
    mediator = user("mediator")
    do_add_record(
        fresh(case),
        actor=mediator,
        data={
            "held_at": timezone.now(),
            "place": "调解室",
            "attendees": "赵建国、钱丽、张丽萍",
            "statements": "申请人陈述漏水经过，被申请人承认防水层老化。",
            "result": "双方同意按实际损失赔偿",
        },
    )
    do_conclude_consultation(
        fresh(case),
        actor=mediator,
        version=None,
        joint_opinion="按实际损失赔偿",
        attended="王志刚、刘强",
    )
    settle(fresh(case))
    follow_up = fresh(case).follow_ups.get()
    do_record_follow_up(
        follow_up,
        actor=mediator,
        method="phone",
        performance="full",
        satisfaction=5,
        findings="已按约赔付",
    )
    for kind in ("signed_agreement", "signed_record", "signed_notice", "id_proof"):
        client_for("mediator").post(
            reverse("cases:upload_attachment", args=[case.pk]), {"kind": kind, "file": _scan()}
        )
    return fresh(case)


def _text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return "".join("".join(page.extract_text().split()) for page in reader.pages)


def _fonts(pdf: bytes) -> set[str]:
    reader = PdfReader(io.BytesIO(pdf))
    names = set()
    for page in reader.pages:
        for font in (page.get("/Resources") or {}).get("/Font", {}).values():
            names.add(str(font.get_object()["/BaseFont"]))
    return names


@pytest.mark.parametrize("kind", sorted(KEY_CLAUSES))
def test_each_document_carries_the_case_the_parties_and_its_clauses_in_chinese(
    demo: None, kind: str, caplog: pytest.LogCaptureFixture
) -> None:
    case = complete_case()
    with caplog.at_level(logging.WARNING):
        pdf = papers.render(case, kind, reveal_ids=False)
    text = _text(pdf)
    assert case.number in text
    assert "赵建国" in text and "钱丽" in text
    for clause in KEY_CLAUSES[kind]:
        assert clause.replace(" ", "") in text, clause
    fonts = _fonts(pdf)
    assert fonts and all("Noto-Serif-CJK-SC" in f or "Noto-Sans-CJK-SC" in f for f in fonts), fonts
    assert not [r for r in caplog.records if "glyph" in r.getMessage().lower()]


def test_id_numbers_are_full_only_in_the_agreement_and_for_those_allowed(demo: None) -> None:
    case = complete_case()
    number = case.parties.get(side="applicant").id_number
    mediator = client_for("mediator")
    agreement = mediator.get(reverse("cases:document", args=[case.pk, "agreement"])).content
    register = mediator.get(reverse("cases:document", args=[case.pk, "register"])).content
    assert number in _text(agreement)
    assert number not in _text(register) and number[-4:] in _text(register)
    do_assign_professional(
        case, actor=user("coordinator"), professional=user("lawyer"), role="lawyer"
    )
    lawyer = (
        client_for("lawyer").get(reverse("cases:document", args=[case.pk, "agreement"])).content
    )
    assert number not in _text(lawyer)


def test_outsiders_get_404_for_every_document_and_each_download_is_recorded(demo: None) -> None:
    case = complete_case()
    kinds = [
        "register",
        "notice",
        "record",
        "agreement",
        "joint_opinion",
        "followup",
        "confirmation",
    ]
    for username in ["gridworker", "prosecutor", "coordinator_jinse", "street"]:
        for kind in kinds:
            url = reverse("cases:document", args=[case.pk, kind])
            assert client_for(username).get(url).status_code == 404
    client = client_for("coordinator")
    recorded = AuditEntry.objects.filter(event__in=["download", "reveal"])
    before = recorded.count()
    for kind in kinds:
        assert client.get(reverse("cases:document", args=[case.pk, kind])).status_code == 200
    assert recorded.count() == before + len(kinds)


def test_archiving_is_refused_until_the_case_file_is_complete(demo: None) -> None:
    case = in_state(State.CLOSED)  # no mediation record, no signed scan
    client = client_for("mediator")
    response = client.post(
        reverse("cases:archive_case", args=[case.pk]), {"volume_no": "2026-盘金-001"}
    )
    page = response.content.decode()
    assert response.status_code == 400 and "人民调解笔录" in page and "扫描件" in page
    assert fresh(case).archived_at is None
    done = complete_case()
    response = client.post(
        reverse("cases:archive_case", args=[done.pk]), {"volume_no": "2026-盘金-002"}
    )
    assert response.status_code == 302
    assert fresh(done).volume_no == "2026-盘金-002" and fresh(done).archived_at


def test_the_case_file_is_bound_in_the_background_and_downloaded(
    demo: None, django_capture_on_commit_callbacks
) -> None:
    case = complete_case()
    client = client_for("mediator")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("cases:request_case_file", args=[case.pk]))
    assert response.status_code == 302
    job_page = client.get(response["Location"])
    assert "下载卷宗" in job_page.content.decode()
    download = client.get(response["Location"] + "download/")
    assert download.streaming
    text = _text(download.getvalue())
    assert "卷内目录" in text and "协议签字页" in text
    assert client_for("coordinator").get(response["Location"]).status_code == 404  # not theirs
