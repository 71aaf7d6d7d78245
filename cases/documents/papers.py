"""The paper of people's mediation, as Chinese PDFs: which documents a case has, which its
case file (卷宗) must hold, and rendering them (``clinic.lib.pdf``, templates in
``templates/documents/``). The forms are the committees' own and are always in Chinese."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils import timezone

from cases.choices import (
    DECLINE_OUTCOMES,
    SETTLED_OUTCOMES,
    AgreementForm,
    AttachmentKind,
    Kind,
    Side,
)
from cases.models import Case, Party
from clinic.choices import Role
from clinic.lib.masking import mask_id_number, mask_phone
from clinic.lib.pdf import page_count, render_pdf


@dataclass(frozen=True)
class DocumentKind:
    key: str
    title: str
    template: str
    full_ids: bool = False  # shows ID numbers in full, to those allowed to see them


KINDS: dict[str, DocumentKind] = {
    kind.key: kind
    for kind in [
        DocumentKind("register", "人民调解受理登记表", "documents/register.html"),
        DocumentKind("notice", "人民调解当事人权利义务告知书", "documents/notice.html"),
        DocumentKind("record", "人民调解笔录", "documents/record.html"),
        DocumentKind("agreement", "人民调解协议书", "documents/agreement.html", full_ids=True),
        DocumentKind("oral", "口头调解协议登记表", "documents/oral.html"),
        DocumentKind("joint_opinion", "会诊意见", "documents/joint_opinion.html"),
        DocumentKind("followup", "人民调解回访记录", "documents/followup.html"),
        DocumentKind(
            "confirmation", "司法确认申请材料", "documents/confirmation.html", full_ids=True
        ),
        DocumentKind("casefile", "人民调解卷宗", "documents/casefile.html", full_ids=True),
    ]
}


def load(case: Case) -> Case:
    """The case with everything its papers print, read in one go (views and the command use it
    to ask which papers the case has)."""
    return (
        Case.objects.select_related("committee", "community", "street", "mediator", "registered_by")
        .prefetch_related(
            "parties__notified_by",
            "records__recorded_by",
            "agreements__items",
            "consultations__invitees__user",
            "consultations__meeting",
            "consultations__convened_by",
            "follow_ups__assignee",
            "follow_ups__done_by",
            "attachments",
        )
        .get(pk=case.pk)
    )


def available(case: Case) -> list[str]:
    """The documents this case has something to print for."""
    kinds = ["register"]
    if case.kind == Kind.ADVICE:
        return kinds
    agreement = case.current_agreement
    if any(p.notified_at for p in case.parties.all()):
        kinds.append("notice")
    if case.records.all():
        kinds.append("record")
    if agreement is not None:
        kinds.append("agreement" if agreement.form == AgreementForm.WRITTEN else "oral")
        if agreement.is_signed and agreement.form == AgreementForm.WRITTEN:
            kinds.append("confirmation")
    if case.consultations.all():
        kinds.append("joint_opinion")
    if any(f.done_at for f in case.follow_ups.all()):
        kinds.append("followup")
    return kinds


def required(case: Case) -> list[tuple[str, str]]:
    """What the case file must hold for this kind of case and outcome (from the county
    case-file templates): ``(key, label)`` pairs; keys are document kinds or scan kinds."""
    needs = [("register", KINDS["register"].title)]
    if case.kind == Kind.ADVICE or case.outcome in DECLINE_OUTCOMES:
        return needs
    needs += [("notice", KINDS["notice"].title), ("record", KINDS["record"].title)]
    if case.consultations.all():
        needs.append(("joint_opinion", KINDS["joint_opinion"].title))
    if case.outcome in SETTLED_OUTCOMES:
        agreement = case.current_agreement
        if agreement is not None and agreement.form == AgreementForm.ORAL:
            needs.append(("oral", KINDS["oral"].title))
        else:
            needs.append(("agreement", KINDS["agreement"].title))
            needs.append((f"scan:{AttachmentKind.SIGNED_AGREEMENT}", "调解协议书签字盖章扫描件"))
        needs.append(("followup", KINDS["followup"].title))
    return needs


def missing(case: Case) -> list[str]:
    """Labels of what the case file still lacks (empty when complete)."""
    case = load(case)
    have = set(available(case))
    scans = {a.kind for a in case.current_attachments}  # a withdrawn scan counts for nothing
    gaps = []
    for key, label in required(case):
        if key.startswith("scan:"):
            if key.removeprefix("scan:") not in scans:
                gaps.append(label)
        elif key not in have:
            gaps.append(label)
    if case.kind == Kind.DISPUTE and case.outcome not in DECLINE_OUTCOMES:
        principals = [p for p in case.parties.all() if p.side != Side.AGENT]
        if any(not p.notified_at for p in principals):
            gaps.append("全部当事人的权利义务告知记录")
    return gaps


def _parties(case: Case, reveal: bool) -> list[Party]:
    parties = [p for p in case.parties.all()]
    for p in parties:
        p.shown_id = p.id_number if reveal else mask_id_number(p.id_number)
        p.shown_phone = p.phone if reveal else mask_phone(p.phone)
    return parties


def context(case: Case, kind: str, *, reveal_ids: bool) -> dict[str, Any]:
    """The template context of a document. ID numbers and phones appear in full only in the
    documents that legally need them, and only when the viewer may see them."""
    case = load(case)
    spec = KINDS[kind]
    reveal = reveal_ids and spec.full_ids
    parties = _parties(case, reveal)
    consultations = list(case.consultations.all())
    for c in consultations:
        for invitee in c.invitees.all():
            invitee.role_label = Role(invitee.role).label if invitee.role in Role.values else ""
    return {
        "case": case,
        "parties": parties,
        "principals": [p for p in parties if p.side != Side.AGENT],
        "full": reveal,
        "records": list(case.records.all()),
        "agreement": case.current_agreement,
        "consultations": consultations,
        "follow_ups": [f for f in case.follow_ups.all() if f.done_at],
        "decline_outcomes": [str(o) for o in DECLINE_OUTCOMES],
    }


def render(case: Case, kind: str, *, reveal_ids: bool = False) -> bytes:
    if kind == "casefile":
        return render_case_file(case, compiled_by="", reveal_ids=reveal_ids)
    return render_pdf(KINDS[kind].template, context(case, kind, reveal_ids=reveal_ids))


def retention(case: Case) -> str:
    return "长期" if case.outcome in SETTLED_OUTCOMES else "十年"


def render_case_file(
    case: Case,
    *,
    compiled_by: str,
    reveal_ids: bool = False,
    progress: Callable[[int], None] | None = None,
) -> bytes:
    """The bound case file: cover, contents with page numbers, every document of the case,
    image scans in place and PDF scans appended."""
    from pypdf import PdfReader, PdfWriter  # noqa: PLC0415  heavy: ~0.2 s, only for a case file

    step = progress or (lambda percent: None)
    base = context(case, "casefile", reveal_ids=reveal_ids)
    case = base["case"]
    entries = []
    for kind in available(case):
        if kind == "confirmation":
            continue
        spec = KINDS[kind]
        anchor = {
            "record": f"doc-record-{base['records'][0].pk}" if base["records"] else "doc-record",
            "joint_opinion": f"doc-joint-{base['consultations'][0].pk}"
            if base["consultations"]
            else "doc-joint",
            "followup": f"doc-followup-{base['follow_ups'][0].pk}"
            if base["follow_ups"]
            else "doc-followup",
        }.get(kind, f"doc-{kind}")
        entries.append(
            {"title": spec.title, "anchor": anchor, "template": f"documents/_{kind}_body.html"}
        )
    attachments = case.current_attachments  # a withdrawn file is left out of the case file
    scans = [a for a in attachments if a.content_type in ("image/jpeg", "image/png")]
    for scan in scans:
        entries.append(
            {
                "title": f"{scan.get_kind_display()}（{scan.original_name}）",
                "anchor": f"doc-scan-{scan.pk}",
            }
        )
    pdfs = [a for a in attachments if a.content_type == "application/pdf"]
    step(10)
    page_data = {
        **base,
        "contents": [e for e in entries if "template" in e]
        + [e for e in entries if "template" not in e],
        "scans": scans,
        "compiled_by": compiled_by,
        "compiled_on": timezone.localdate(),
        "retention": retention(case),
        "appended": [],
    }
    page_data["contents"] = [
        {**e, "template": e.get("template", "documents/_empty.html")} for e in page_data["contents"]
    ]
    # The PDF scans come after the rendered pages: render once to count them, then again with
    # the appended scans' page numbers in the contents.
    first = render_pdf("documents/casefile.html", page_data)
    step(50)
    if pdfs:
        start = page_count(first) + 1
        appended = []
        for attachment in pdfs:
            with attachment.file.open("rb") as handle:
                pages = len(PdfReader(handle).pages)
            appended.append(
                {
                    "title": f"{attachment.get_kind_display()}（{attachment.original_name}）",
                    "page": start,
                }
            )
            start += pages
        page_data["appended"] = appended
        first = render_pdf("documents/casefile.html", page_data)
    step(80)
    if not pdfs:
        step(100)
        return first
    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(first)))
    for attachment in pdfs:
        with attachment.file.open("rb") as handle:
            writer.append(PdfReader(io.BytesIO(handle.read())))
    out = io.BytesIO()
    writer.write(out)
    step(100)
    return out.getvalue()


def compiled_on() -> date:
    return timezone.localdate()
