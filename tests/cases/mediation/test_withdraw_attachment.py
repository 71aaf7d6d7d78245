"""Withdrawing a wrong upload: with a reason, by those who may change the case; it leaves the
case's files and its case file (卷宗) but is kept, file and row, until its retention ends; the
timeline records it. Not on an archived case."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from cases.actions import do_assign_professional
from cases.choices import EventKind, State
from cases.documents import papers
from cases.mediation.actions import do_add_attachment
from cases.models import Attachment, Case
from clinic.lib.uploads import check_upload
from tests.cases.factories import fresh, in_state
from tests.conftest import client_for, person


@pytest.fixture(autouse=True)
def _uploads_in_tmp(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path


def _scan(name: str = "wrong.png") -> Any:
    out = io.BytesIO()
    Image.new("RGB", (20, 20), "white").save(out, format="PNG")
    return check_upload(
        SimpleUploadedFile(name, out.getvalue()), max_bytes=10**7, allowed=frozenset({"png"})
    )


def _upload(case: Case, *, kind: str = "evidence", name: str = "邻居家的照片.png") -> Attachment:
    return do_add_attachment(
        fresh(case), actor=person("mediator"), kind=kind, upload=_scan(), original_name=name
    )


def _withdraw(username: str, attachment: Attachment, reason: str = "传错了案件") -> Any:
    return client_for(username).post(
        reverse("cases:withdraw_attachment", args=[attachment.pk]), {"reason": reason}
    )


def test_a_withdrawn_file_leaves_the_case_page_but_is_kept_and_on_the_timeline(
    demo: None,
) -> None:
    case = in_state(State.SIT_IN)
    attachment = _upload(case)
    page = client_for("mediator").get(case.get_absolute_url()).content.decode()
    assert "邻居家的照片.png" in page
    confirm = client_for("mediator").get(reverse("cases:withdraw_attachment", args=[attachment.pk]))
    assert confirm.status_code == 200 and "邻居家的照片.png" in confirm.content.decode()

    response = _withdraw("mediator", attachment)

    assert response.status_code == 302
    kept = Attachment.objects.get(pk=attachment.pk)
    assert kept.withdrawn_at is not None
    assert kept.withdrawn_by == person("mediator") and kept.withdrawal_reason == "传错了案件"
    assert Path(kept.file.path).exists()
    event = fresh(case).events.get(kind=EventKind.WITHDRAWN)
    assert event.actor == person("mediator") and event.payload["reason"] == "传错了案件"
    # the lawyer advising sees the timeline line, not the file
    do_assign_professional(
        fresh(case), actor=person("coordinator"), professional=person("lawyer"), role="lawyer"
    )
    page = client_for("lawyer").get(case.get_absolute_url()).content.decode()
    assert "文件已撤回" in page and "传错了案件" in page
    assert reverse("cases:download_attachment", args=[attachment.pk]) not in page
    assert "暂无文件" in page or "No files." in page


def test_a_withdrawn_scan_no_longer_completes_the_case_file(demo: None) -> None:
    case = in_state(State.CLOSED)
    scan = _upload(case, kind="signed_agreement", name="签字页.png")
    label = "调解协议书签字盖章扫描件"
    assert label not in papers.missing(fresh(case))
    assert _withdraw("coordinator", scan).status_code == 302
    assert label in papers.missing(fresh(case))


def test_only_those_who_manage_the_case_download_a_withdrawn_file_marked_withdrawn(
    demo: None,
) -> None:
    case = in_state(State.SIT_IN)
    attachment = _upload(case)
    do_assign_professional(
        fresh(case), actor=person("coordinator"), professional=person("lawyer"), role="lawyer"
    )
    url = reverse("cases:download_attachment", args=[attachment.pk])
    assert client_for("lawyer").get(url).status_code == 200
    _withdraw("mediator", attachment)
    assert client_for("lawyer").get(url).status_code == 403
    download = client_for("coordinator").get(url)
    assert download.status_code == 200
    assert "%E5%B7%B2%E6%92%A4%E5%9B%9E" in download["Content-Disposition"]  # 已撤回


def test_withdrawing_is_refused_to_an_adviser_twice_and_on_an_archived_case(demo: None) -> None:
    case = in_state(State.SIT_IN)
    attachment = _upload(case)
    do_assign_professional(
        fresh(case), actor=person("coordinator"), professional=person("lawyer"), role="lawyer"
    )
    assert _withdraw("lawyer", attachment).status_code == 403
    assert _withdraw("mediator_jinse", attachment).status_code == 404
    assert _withdraw("mediator", attachment, reason="").status_code == 400
    assert Attachment.objects.get(pk=attachment.pk).withdrawn_at is None
    assert _withdraw("mediator", attachment).status_code == 302
    assert _withdraw("coordinator", attachment).status_code == 403
    assert fresh(case).events.filter(kind=EventKind.WITHDRAWN).count() == 1

    other = _upload(case, name="另一张.png")
    Case.objects.filter(pk=case.pk).update(
        state=State.CLOSED, archived_at=fresh(case).registered_at, volume_no="2026-盘金-009"
    )
    response = _withdraw("mediator", other)
    assert response.status_code == 403 and "2026-盘金-009" in response.content.decode()
    assert Attachment.objects.get(pk=other.pk).withdrawn_at is None


def test_a_withdrawn_power_of_attorney_no_longer_lets_the_agent_act(demo: None) -> None:
    case = in_state(State.REGISTERED)
    applicant = case.parties.get(side="applicant")
    client = client_for("mediator")
    client.post(
        reverse("cases:add_party", args=[case.pk]),
        {"side": "agent", "represents": applicant.pk, "relation": "律师", "name": "孙律师"},
    )
    agent = case.parties.get(side="agent")
    filed = do_add_attachment(
        fresh(case),
        actor=person("mediator"),
        kind="power_of_attorney",
        upload=_scan("委托书.png"),
        original_name="委托书.png",
        party=agent,
    )
    assert "授权委托书尚未存档" not in client.get(case.get_absolute_url()).content.decode()

    assert _withdraw("mediator", filed, "不是本人签字").status_code == 302

    page = client.get(case.get_absolute_url()).content.decode()
    assert "代理人孙律师的授权委托书尚未存档" in page
    accepted = client.post(
        reverse("cases:fire_transition", args=[case.pk, "accept"]),
        {"version": fresh(case).version},
    )
    assert accepted.status_code == 400
    assert fresh(case).state == State.REGISTERED
