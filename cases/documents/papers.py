"""The paper of people's mediation, as Chinese PDFs: which documents a case has, which its
case file (卷宗) must hold, and rendering them (``clinic.lib.pdf``, templates in
``templates/documents/``). The forms are the committees' own and are always in Chinese."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from cases.choices import (
    DECLINE_OUTCOMES,
    SETTLED_OUTCOMES,
    TERMINATE_OUTCOMES,
    AgreementForm,
    AttachmentKind,
    Kind,
    RecordKind,
    Side,
)
from cases.models import Case, MediationRecord, Party
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
        DocumentKind("application", "人民调解申请书", "documents/application.html"),
        DocumentKind("register", "人民调解受理登记表", "documents/register.html"),
        DocumentKind("notice", "人民调解当事人权利义务告知书", "documents/notice.html"),
        DocumentKind("power_of_attorney", "授权委托书", "documents/power_of_attorney.html"),
        DocumentKind("investigation", "调查记录", "documents/investigation.html"),
        DocumentKind("record", "人民调解笔录", "documents/record.html"),
        DocumentKind("joint_opinion", "会诊意见", "documents/joint_opinion.html"),
        DocumentKind("agreement", "人民调解协议书", "documents/agreement.html", full_ids=True),
        # The committee's own copy identifies the parties in full, like the written agreement.
        DocumentKind("oral", "口头调解协议登记表", "documents/oral.html", full_ids=True),
        DocumentKind("decline_notice", "不予受理告知书", "documents/ending_notice.html"),
        DocumentKind("termination_notice", "终止调解告知书", "documents/ending_notice.html"),
        DocumentKind("followup", "人民调解回访记录", "documents/followup.html"),
        DocumentKind(
            "confirmation", "司法确认申请材料", "documents/confirmation.html", full_ids=True
        ),
        DocumentKind("casefile", "人民调解卷宗", "documents/casefile.html", full_ids=True),
    ]
}

#: The body template of each document, as the case file binds them (in the order of KINDS,
#: which is the order of a 卷宗: application, register, notices, records, agreement, ending).
BODIES = {
    "application": "documents/_application_body.html",
    "register": "documents/_register_body.html",
    "notice": "documents/_notice_body.html",
    "power_of_attorney": "documents/_power_of_attorney_body.html",
    "investigation": "documents/_investigation_body.html",
    "record": "documents/_record_body.html",
    "joint_opinion": "documents/_joint_opinion_body.html",
    "agreement": "documents/_agreement_body.html",
    "oral": "documents/_oral_body.html",
    "decline_notice": "documents/_ending_notice_body.html",
    "termination_notice": "documents/_ending_notice_body.html",
    "followup": "documents/_followup_body.html",
}


def load(case: Case) -> Case:
    """The case with everything its papers print, read in one go (views and the command use it
    to ask which papers the case has)."""
    return (
        Case.objects.select_related(
            "committee", "community", "street__district", "mediator", "registered_by"
        )
        .prefetch_related(
            "parties__notified_by",
            "parties__represents",
            "advice",
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


def _of_kind(case: Case, kind: str) -> list[MediationRecord]:
    return [r for r in case.records.all() if r.kind == kind]


def _confirmable(case: Case) -> bool:
    """Whether the case's current agreement is a signed written one, the only kind a court
    confirms (an oral agreement has no confirmation pack)."""
    agreement = case.current_agreement
    return agreement is not None and agreement.is_signed and agreement.form == AgreementForm.WRITTEN


def refused(case: Case) -> dict[str, str]:
    """The documents the case would have but which may no longer be printed, with the reason
    shown in their place: the judicial-confirmation pack once its 30-day window has closed
    (人民调解法 Art. 33: the court accepts it only within 30 days of the agreement). Only a
    signed written agreement has such a pack: an oral one is never refused, it has none."""
    if not _confirmable(case):
        return {}
    due = case.confirmation_due
    if due is not None and timezone.localdate() > due:
        return {
            "confirmation": _(
                "The 30 days for applying to the court for judicial confirmation ended on "
                "%(day)s: the court no longer accepts the application, so its papers are not "
                "offered."
            )
            % {"day": f"{due:%Y-%m-%d}"}
        }
    return {}


def available(case: Case) -> list[str]:
    """The documents this case has something to print for, in the order of ``KINDS``."""
    if case.kind == Kind.ADVICE:
        return ["register"]
    have = {"application", "register"}
    agreement = case.current_agreement
    if any(p.notified_at for p in case.parties.all()):
        have.add("notice")
    if any(p.side == Side.AGENT for p in case.parties.all()):
        have.add("power_of_attorney")
    if _of_kind(case, RecordKind.INVESTIGATION):
        have.add("investigation")
    if _of_kind(case, RecordKind.MEDIATION):
        have.add("record")
    if agreement is not None:
        have.add("agreement" if agreement.form == AgreementForm.WRITTEN else "oral")
        if _confirmable(case):
            have.add("confirmation")
    if case.consultations.all():
        have.add("joint_opinion")
    if case.outcome in DECLINE_OUTCOMES:
        have.add("decline_notice")
    if case.outcome in TERMINATE_OUTCOMES:
        have.add("termination_notice")
    if any(f.done_at for f in case.follow_ups.all()):
        have.add("followup")
    have -= set(refused(case))
    return [key for key in KINDS if key in have]


#: The scans a case file of a mediated dispute holds besides the printed papers.
SIGNED_RECORD = (f"scan:{AttachmentKind.SIGNED_RECORD}", "调解笔录签字扫描件")
SIGNED_NOTICE = (f"scan:{AttachmentKind.SIGNED_NOTICE}", "权利义务告知书签收扫描件")
ID_PROOF = (f"scan:{AttachmentKind.ID_PROOF}", "当事人身份证明")


def required(case: Case) -> list[tuple[str, str]]:
    """What the case file must hold for this kind of case and outcome (from the county
    case-file templates): ``(key, label)`` pairs; keys are document kinds or scan kinds."""
    needs = [("register", KINDS["register"].title)]
    if case.kind == Kind.ADVICE:
        return needs
    if case.outcome in DECLINE_OUTCOMES:
        return [*needs, ("decline_notice", KINDS["decline_notice"].title)]
    needs += [
        ("notice", KINDS["notice"].title),
        SIGNED_NOTICE,
        ID_PROOF,
        ("record", KINDS["record"].title),
        SIGNED_RECORD,
    ]
    if case.consultations.all():
        needs.append(("joint_opinion", KINDS["joint_opinion"].title))
    if case.outcome in TERMINATE_OUTCOMES:
        needs.append(("termination_notice", KINDS["termination_notice"].title))
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
    """Labels of what the case file still lacks (empty when complete). A proof of identity
    belongs to its party, or, naming none, stands for all of them."""
    case = load(case)
    have = set(available(case))
    current = case.current_attachments  # a withdrawn scan counts for nothing
    scans = {a.kind for a in current}
    principals = [p for p in case.parties.all() if p.is_principal]
    proven = {a.party_id for a in current if a.kind == AttachmentKind.ID_PROOF}
    if principals and None not in proven and any(p.pk not in proven for p in principals):
        scans.discard(AttachmentKind.ID_PROOF)
    gaps = []
    for key, label in required(case):
        if key.startswith("scan:"):
            if key.removeprefix("scan:") not in scans:
                gaps.append(label)
        elif key not in have:
            gaps.append(label)
    told = all(p.notified_at for p in principals)
    if case.kind == Kind.DISPUTE and case.outcome not in DECLINE_OUTCOMES and not told:
        gaps.append("全部当事人的权利义务告知记录")
    return gaps


#: The order the papers list parties in: the parties to the dispute, then who acts for them.
SIDES = [Side.APPLICANT, Side.RESPONDENT, Side.THIRD_PARTY, Side.GUARDIAN, Side.AGENT]


def _parties(case: Case, reveal: bool) -> list[Party]:
    parties = sorted(case.parties.all(), key=lambda p: (SIDES.index(Side(p.side)), p.pk))
    for p in parties:
        p.shown_id = p.id_number if reveal else mask_id_number(p.id_number)
        p.shown_phone = p.phone if reveal else mask_phone(p.phone)
        # a unit's legal representative or person in charge
        p.shown_responsible_phone = (
            p.responsible_phone if reveal else mask_phone(p.responsible_phone)
        )
    return parties


QA = re.compile(r"(?=[问答][：:])")
SPEAKERS = {"问": "q", "答": "a"}


def paragraphs(text: str) -> list[tuple[str, str]]:
    """A record's statements as paragraphs: one per line, and a question (问：) and its
    answer (答：) each a paragraph of its own, marked ``q`` and ``a``."""
    out = []
    for line in text.splitlines():
        for part in QA.split(line):
            part = part.strip()
            if part:
                marked = part[1:2] in ("：", ":")
                out.append((SPEAKERS.get(part[0], "") if marked else "", part))
    return out


def court_name(case: Case) -> str:
    """The court a confirmation is applied to, by its full name: the one the agreement names
    when it is another court, else the basic court of the case's district (昆明市盘龙区人民法院)."""
    district = case.street.district
    full = f"{district.city}{district.name}人民法院"
    agreement = case.current_agreement
    chosen = agreement.confirmation_court.strip() if agreement is not None else ""
    if chosen and not full.endswith(chosen):
        return chosen
    return full


def _opinions(case: Case) -> list[Any]:
    """The joint consultations, each with its meeting's time and place and every invitee's
    opinion: given in the consultation, or as advice on the case while it was open (the case
    page shows both)."""
    consultations = list(case.consultations.all())
    advice = list(case.advice.all())
    for c in consultations:
        meeting = c.meeting
        c.held_at = meeting.starts_at if meeting else c.concluded_at
        c.held_place = meeting.place if meeting else ""
        for invitee in c.invitees.all():
            invitee.role_label = Role(invitee.role).label if invitee.role in Role.values else ""
            given = [
                a.text
                for a in advice
                if a.author_id == invitee.user_id
                and a.given_at >= c.convened_at
                and (c.concluded_at is None or a.given_at <= c.concluded_at)
            ]
            invitee.shown_opinion = invitee.opinion or "\n".join(given)
    return consultations


@dataclass(frozen=True)
class Mandate:
    """An agent (代理人) and the party they act for, with the other side (授权委托书)."""

    agent: Party
    principal: Party | None
    opponents: list[Party]

    @property
    def pk(self) -> int:
        return self.agent.pk


def _mandates(parties: list[Party]) -> list[Mandate]:
    by_pk = {p.pk: p for p in parties}
    mandates = []
    for agent in (p for p in parties if p.side == Side.AGENT):
        principal = by_pk.get(agent.represents_id) if agent.represents_id else None
        opponents = [
            p
            for p in parties
            if p.is_principal and principal is not None and p.side != principal.side
        ]
        mandates.append(Mandate(agent, principal, opponents))
    return mandates


def context(case: Case, kind: str, *, reveal_ids: bool) -> dict[str, Any]:
    """The template context of a document. ID numbers and phones appear in full only in the
    documents that legally need them, and only when the viewer may see them."""
    case = load(case)
    spec = KINDS[kind]
    reveal = reveal_ids and spec.full_ids
    parties = _parties(case, reveal)
    principals = [p for p in parties if p.is_principal]
    records = list(case.records.all())
    for r in records:
        r.paragraphs = paragraphs(r.statements)
        r.title = "调查记录" if r.kind == RecordKind.INVESTIGATION else "人民调解笔录"
    notified = [p.notified_at for p in principals if p.notified_at]
    ending = KINDS["decline_notice" if case.outcome in DECLINE_OUTCOMES else "termination_notice"]
    return {
        "case": case,
        "parties": parties,
        "principals": principals,
        "applicants": [p for p in principals if p.side == Side.APPLICANT],
        "respondents": [p for p in principals if p.side == Side.RESPONDENT],
        "others": [p for p in parties if p.side not in (Side.APPLICANT, Side.RESPONDENT)],
        "agents": _mandates(parties),
        "full": reveal,
        "records": [r for r in records if r.kind == RecordKind.MEDIATION],
        "investigations": [r for r in records if r.kind == RecordKind.INVESTIGATION],
        "notified_on": max(notified) if notified else None,
        "agreement": case.current_agreement,
        "court": court_name(case),
        "consultations": _opinions(case),
        "follow_ups": [f for f in case.follow_ups.all() if f.done_at],
        "decline_outcomes": [str(o) for o in DECLINE_OUTCOMES],
        "ending": ending,
    }


def render(case: Case, kind: str, *, reveal_ids: bool = False) -> bytes:
    if kind == "casefile":
        return render_case_file(case, compiled_by="", reveal_ids=reveal_ids)
    return render_pdf(KINDS[kind].template, context(case, kind, reveal_ids=reveal_ids))


def retention(case: Case) -> str:
    return "长期" if case.outcome in SETTLED_OUTCOMES else "十年"


def _anchor(kind: str, base: dict[str, Any]) -> str:
    """The id of the first page of a document in the case file (its contents link there)."""
    firsts = {
        "record": ("doc-record", base["records"]),
        "investigation": ("doc-record", base["investigations"]),
        "joint_opinion": ("doc-joint", base["consultations"]),
        "followup": ("doc-followup", base["follow_ups"]),
        "power_of_attorney": ("doc-power_of_attorney", base["agents"]),
    }
    if kind in firsts:
        prefix, objects = firsts[kind]
        return f"{prefix}-{objects[0].pk}" if objects else prefix
    return f"doc-{kind}"


FOOTER = """<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><style>
@page {{ size: A4; margin: 25mm 22mm 22mm 25mm;
  @bottom-center {{ content: "第 " counter(page) " 页 共 " counter(pages) " 页";
    font-family: {font}; font-size: 9pt; color: #555; vertical-align: bottom;
    padding-bottom: 6mm; }} }}
div {{ height: 1px; }} div + div {{ break-before: page; }}
</style></head><body>{pages}</body></html>"""


def _number_pages(pdf: bytes) -> bytes:
    """Every page of the bound file numbered 第 N 页 共 M 页 at its foot, M the real count:
    the rendered papers, the scans appended as PDF pages and the note sheet alike. The
    numbers are drawn over each page, centred on pages that are not A4."""
    from pypdf import PdfReader, PdfWriter, Transformation  # noqa: PLC0415  heavy

    from clinic.lib.pdf import FONT_FAMILY, html_to_pdf  # noqa: PLC0415

    reader = PdfReader(io.BytesIO(pdf))
    total = len(reader.pages)
    footers = PdfReader(
        io.BytesIO(html_to_pdf(FOOTER.format(font=FONT_FAMILY, pages="<div></div>" * total)))
    )
    writer = PdfWriter()
    writer.append(reader)
    for page, footer in zip(writer.pages, footers.pages, strict=True):
        page.transfer_rotation_to_content()
        shift = (float(page.mediabox.width) - float(footer.mediabox.width)) / 2
        page.merge_transformed_page(
            footer, Transformation().translate(float(page.mediabox.left) + shift, 0)
        )
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def render_case_file(
    case: Case,
    *,
    compiled_by: str,
    reveal_ids: bool = False,
    progress: Callable[[int], None] | None = None,
) -> bytes:
    """The bound case file: cover, contents with page numbers, every document of the case
    (in full: the file is the record of what was signed), image scans in place, PDF scans
    appended, and the note sheet (卷内备考表) last; every page numbered across all of them."""
    from pypdf import PdfReader, PdfWriter  # noqa: PLC0415  heavy: ~0.2 s, only for a case file

    step = progress or (lambda percent: None)
    base = context(case, "casefile", reveal_ids=reveal_ids)
    case = base["case"]
    entries = [
        {"title": KINDS[kind].title, "anchor": _anchor(kind, base), "template": BODIES[kind]}
        for kind in available(case)
        if kind in BODIES
    ]
    attachments = case.current_attachments  # a withdrawn file is left out of the case file
    scans = [a for a in attachments if a.content_type in ("image/jpeg", "image/png")]
    entries += [
        {
            "title": f"{scan.get_kind_display()}（{scan.original_name}）",
            "anchor": f"doc-scan-{scan.pk}",
        }
        for scan in scans
    ]
    pdfs = []
    for attachment in attachments:
        if attachment.content_type == "application/pdf":
            with attachment.file.open("rb") as handle:
                content = handle.read()
            pdfs.append((attachment, content, len(PdfReader(io.BytesIO(content)).pages)))
    withdrawn = case.attachments.exclude(withdrawn_at=None).count()
    step(10)
    page_data = {
        **base,
        "contents": entries,
        "scans": scans,
        "compiled_by": compiled_by,
        "compiled_on": timezone.localdate(),
        "retention": retention(case),
        "appended": [],
        "numbered_later": True,
    }
    # The PDF scans and the note sheet come after the rendered pages: render to count them,
    # then again with their page numbers in the contents (the same count, as a rule).
    main = render_pdf("documents/casefile.html", page_data)
    for _attempt in range(3):
        start = page_count(main) + 1
        appended = []
        for attachment, _content, pages in pdfs:
            title = f"{attachment.get_kind_display()}（{attachment.original_name}）"
            appended.append({"title": title, "page": start})
            start += pages
        appended.append({"title": "卷内备考表", "page": start})
        if appended == page_data["appended"]:
            break
        page_data["appended"] = appended
        main = render_pdf("documents/casefile.html", page_data)
    step(60)
    main_pages = page_count(main)
    scan_pages = sum(pages for _a, _c, pages in pdfs)
    note_data = {
        **page_data,
        "main_pages": main_pages,
        "scan_pages": scan_pages,
        "withdrawn": withdrawn,
        "total": main_pages + scan_pages + 1,
    }
    note = render_pdf("documents/casefile_note.html", note_data)
    if (note_pages := page_count(note)) > 1:  # a long note (many withdrawn files) runs over
        note_data["total"] = main_pages + scan_pages + note_pages
        note = render_pdf("documents/casefile_note.html", note_data)
    step(80)
    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(main)))
    for _attachment, content, _pages in pdfs:
        writer.append(PdfReader(io.BytesIO(content)))
    writer.append(PdfReader(io.BytesIO(note)))
    out = io.BytesIO()
    writer.write(out)
    bound = _number_pages(out.getvalue())
    step(100)
    return bound


def compiled_on() -> date:
    return timezone.localdate()
