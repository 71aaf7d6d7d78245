"""Every word in the user's language: every page of the access table, rendered in Chinese as
every role that may see it (and the exports, the error pages, the answers to an empty form),
shows no message left untranslated and no English word outside a short allow-list.

Two checks on each answer:

- **untranslated messages**: while a page renders, every message looked up in the Chinese
  catalogue without a translation is recorded (gettext falls back to the English id);
- **English words in visible text**: the text a person reads (HTML without tags, scripts and
  styles, plus the attributes a person sees or hears: placeholder, title, aria-label, alt, a
  button's value; CSV cells; XLSX cells and sheet names; PDF text; calendar entries) holds no
  Latin word but user names, file formats, units and the language switcher's "English".

A failure lists (url, role, word or message id), one a line. The walk cannot tell a wrong
Chinese word from a right one: the tests after it pin the words one English word with two
meanings got mixed up in before (an invitation 已接受, not 受理日期; a start time 开始时间, not
原状态), and the names the audit log and the filed figures' corrections give their keys.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from html.parser import HTMLParser
from typing import Any, cast

import pytest
from django.db.models import Field, Model
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext, pgettext, trans_real
from openpyxl import load_workbook
from pypdf import PdfReader

from cases.choices import InviteResponse, State
from cases.consultations.actions import do_answer_invitation
from cases.models import CaseEvent, ConsultationInvitee, Party, StatisticsFiling
from cases.statistics import figures, filing
from cases.statistics.actions import do_approve_report, do_fill_report, do_request_case_export
from clinic.audit import object_type_label, roles_label
from clinic.models import AuditEntry, User
from scheduling.models import Leave, WeeklyPattern
from tests.cases.factories import in_state
from tests.conftest import client_for
from tests.test_access_matrix import PUBLIC, ROLES, TABLE, _kwargs, world  # noqa: F401

#: Latin words a Chinese page may show: file formats and units a person reads as they are,
#: the language switcher's own name for English, and the names of things (user names are
#: added from the database).
ALLOWED_WORDS = {
    "PDF",
    "CSV",
    "Excel",
    "XLSX",
    "ICS",
    "JPEG",
    "PNG",
    "HEIC",
    "MB",
    # text encodings a court's file is saved in, named as Excel names them
    "UTF",
    "GBK",
    "English",
    # what 企业微信 and 钉钉 themselves call a group robot's address (Webhook 地址)
    "Webhook",
    # a quarter as typed in the period box: 2026-Q3
    "Q1",
    "Q2",
    "Q3",
    "Q4",
}
#: Text that is not words: web addresses and paths, e-mail addresses, file names, identifiers
#: (UUIDs), ISO dates and times.
NOT_WORDS = re.compile(
    r"https?://\S+|(?<![\w/])/[\w/.%?=&:+-]*|[\w.+-]+@[\w-]+(\.[\w-]+)+"
    r"|\b[\w-]+\.(?:png|jpe?g|pdf|csv|xlsx|ics|heic)\b"
    r"|\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b"
    r"|\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?",
    re.IGNORECASE,
)
#: A Latin word, or a key such as ``street_officer``: two characters or more (a lone letter is
#: a resident's initial, a grid's code, the X of an ID number).
LATIN_WORD = re.compile(r"(?<![A-Za-z0-9_'’])[A-Za-z][A-Za-z0-9_'’]*[A-Za-z0-9_]")
#: An ordinary answer: a page, a redirect, nothing, a form with its errors, a conflict.
ANSWERS = frozenset({200, 204, 302, 400, 409})
VISIBLE_ATTRIBUTES = {"placeholder", "title", "aria-label", "alt", "aria-description"}
BUTTON_TYPES = {"submit", "button", "reset"}


class VisibleText(HTMLParser):
    """The text of a page a person reads or hears, one piece a line."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self.hidden += 1
            return
        values = {name: value or "" for name, value in attrs}
        self.parts.extend(values[name] for name in VISIBLE_ATTRIBUTES & values.keys())
        if tag == "input" and values.get("type", "text").lower() in BUTTON_TYPES:
            self.parts.append(values.get("value", ""))

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self.hidden = max(0, self.hidden - 1)

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(data)


def visible_text(response: Any) -> str:
    """What a person reads of an answer, whatever its kind."""
    body = b"".join(response.streaming_content) if response.streaming else response.content
    kind = response.get("Content-Type", "")
    if kind.startswith("text/html"):
        parser = VisibleText()
        parser.feed(body.decode())
        return "\n".join(parser.parts)
    if kind.startswith("text/csv"):
        rows = csv.reader(io.StringIO(body.decode("utf-8-sig")))
        return "\n".join(cell for row in rows for cell in row)
    if kind.startswith("application/vnd.openxmlformats"):
        book = load_workbook(io.BytesIO(body), read_only=True)
        cells = [sheet.title for sheet in book.worksheets]
        for sheet in book.worksheets:
            for row in sheet.iter_rows(values_only=True):
                cells.extend(str(v) for v in row if isinstance(v, str))
        return "\n".join(cells)
    if kind.startswith("application/pdf"):
        return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)
    if kind.startswith("text/calendar"):
        unfolded = body.decode().replace("\r\n ", "").replace("\n ", "")
        shown = ("SUMMARY", "DESCRIPTION", "LOCATION")
        return "\n".join(
            line.partition(":")[2] for line in unfolded.splitlines() if line.startswith(shown)
        )
    return ""  # JSON for machines (healthz), empty answers


def latin_words(text: str, allowed: set[str]) -> dict[str, str]:
    """Each Latin word outside ``allowed``, with the line it stands in."""
    found: dict[str, str] = {}
    for line in NOT_WORDS.sub(" ", text).splitlines():
        for word in LATIN_WORD.findall(line):
            if word not in allowed:
                found.setdefault(word, " ".join(line.split())[:80])
    return found


@dataclass
class Untranslated:
    """Message ids looked up in the Chinese catalogue and not found there, by the answer
    being rendered (``where``); lookups outside an answer are not counted."""

    where: str = ""
    found: dict[str, set[str]] = field(default_factory=dict)

    def note(self, msgid: str) -> None:
        if self.where and re.search("[A-Za-z]", msgid.rpartition("\x04")[2]):
            self.found.setdefault(self.where, set()).add(msgid.replace("\x04", " | "))


@pytest.fixture
def untranslated(monkeypatch: pytest.MonkeyPatch) -> Untranslated:
    seen = Untranslated()
    gettext = trans_real.DjangoTranslation.gettext
    ngettext = trans_real.DjangoTranslation.ngettext

    def chinese(translation: trans_real.DjangoTranslation) -> bool:
        return translation.language() == "zh-hans"

    def checked_gettext(self: trans_real.DjangoTranslation, message: str) -> str:
        catalog = self._catalog  # type: ignore[attr-defined]
        if chinese(self) and message not in catalog and (message, 0) not in catalog:
            seen.note(message)
        return gettext(self, message)

    def checked_ngettext(
        self: trans_real.DjangoTranslation, singular: str, plural: str, n: int
    ) -> str:
        if chinese(self) and (singular, 0) not in self._catalog:  # type: ignore[attr-defined]
            seen.note(singular)
        return ngettext(self, singular, plural, n)

    monkeypatch.setattr(trans_real.DjangoTranslation, "gettext", checked_gettext)
    monkeypatch.setattr(trans_real.DjangoTranslation, "ngettext", checked_ngettext)
    return seen


@dataclass(frozen=True)
class Visit:
    """One answer to read: a URL of the table, as a role (None: not signed in), and the
    statuses it may have (an ordinary answer unless it shows a refusal)."""

    name: str
    url: str
    role: str | None
    method: str = "GET"
    status: frozenset[int] = ANSWERS


#: Roles that try the table's POST actions first when a page allows several.
PREFERRED = ["mediator", "coordinator", "admin", "lawyer", "judge", "police", "street"]
#: Not rendered: signing out and switching the language change the client, not a page.
SKIPPED = {"logout", "set_language"}
#: Changes that would take away what the others show: tried last.
DESTRUCTIVE = {"cases:remove_professional", "scheduling:take_swap", "clinic:delete_holiday"}
#: Printed papers (PDF, slow to make and the same words for everyone): read as one role.
PAPERS = {"cases:document", "cases:download_document_job"}


def _pages(objects: dict[str, Any]) -> Iterator[Visit]:
    """Every page of the table as every role allowed to see it, then the public ones signed
    out."""
    for name, rule in sorted(TABLE.items()):
        if rule.method != "GET" or name in SKIPPED:
            continue
        for role in sorted(rule.own)[: 1 if name in PAPERS else None]:
            yield Visit(name, reverse(name, kwargs=_kwargs(rule, name, objects, role)), role)
        if name in PUBLIC:
            yield Visit(name, reverse(name, kwargs=_kwargs(rule, name, objects, "")), None)


def _more(objects: dict[str, Any]) -> Iterator[Visit]:
    """What the table's bare URLs do not reach: the exports, a page with its query, the
    refusals, the other cases' timelines."""
    month = (timezone.localdate() + timedelta(days=3)).strftime("%Y-%m")
    year = str(timezone.localdate().year)
    clinic = objects["clinic"]
    managers = ("admin", "coordinator", "street")
    for role in managers:
        hours = reverse("scheduling:hours_report")
        yield Visit("scheduling:hours_report", f"{hours}?month={month}", role)
        yield Visit("scheduling:hours_report", f"{hours}?month={month}&format=csv", role)
        suggest = reverse("scheduling:suggest_roster")
        url = f"{suggest}?scope=clinic:{clinic.pk}&month={month}"
        yield Visit("scheduling:suggest_roster", url, role)
        query = f"?period={year}"  # each role's broadest scope: district, street, community
        yield Visit("cases:statistics_page", reverse("cases:statistics_page") + query, role)
        for fmt in ("csv", "xlsx", "pdf") if role == "street" else ("csv", "xlsx"):
            url = reverse("cases:statistics_export", args=[fmt]) + query
            yield Visit("cases:statistics_export", url, role)
    committee = objects["clinic"].community.committee
    frozen = f"?scope=committee:{committee.pk}&period={year}"  # corrected since it was filed
    for role in ("mediator", "street"):
        yield Visit("cases:statistics_page", reverse("cases:statistics_page") + frozen, role)
    yield Visit("clinic:audit_export", reverse("clinic:audit_export"), "admin")
    for job in ("export_job", "xlsx_job"):
        url = reverse("cases:download_export_job", args=[objects[job].pk])
        yield Visit("cases:download_export_job", url, "coordinator")
    for case in ("signed_case", "follow_case", "consult_case", "closed_case"):
        url = reverse("cases:case_detail", args=[objects[case].pk])
        yield Visit("cases:case_detail", url, "mediator")
    edit = reverse("cases:edit_case", args=[objects["case"].pk])
    yield Visit("cases:edit_case", edit, "lawyer", status=frozenset({403}))
    missing = reverse("cases:case_detail", args=[999999])
    yield Visit("cases:case_detail", missing, "mediator", status=frozenset({404}))


def _posts(objects: dict[str, Any]) -> Iterator[Visit]:
    """Every POST action of the table sent empty, as the roles allowed it: the form's errors
    or the message shown after the redirect."""
    ordered = sorted(TABLE.items(), key=lambda item: (item[0] in DESTRUCTIVE, item[0]))
    for name, rule in ordered:
        if rule.method != "POST" or name in SKIPPED:
            continue
        for role in [r for r in PREFERRED if r in rule.own][:1]:
            url = reverse(name, kwargs=_kwargs(rule, name, objects, role))
            yield Visit(name, url, role, "POST")


def _more_world(objects: dict[str, Any]) -> None:
    """The states the table's objects do not show: an invitation accepted, a closed case, a
    filing corrected since, a spreadsheet export."""
    consultation = objects["consultation"]
    objects["consult_case"] = consultation.case
    objects["signed_case"] = objects["signed"].case
    objects["follow_case"] = objects["follow_up"].case
    invitee = ConsultationInvitee.objects.filter(consultation=consultation).order_by("pk")[0]
    do_answer_invitation(invitee, actor=invitee.user, accepted=True)
    objects["closed_case"] = in_state(
        State.CLOSED, by="mediator", community="金江路社区", mediator="mediator"
    )
    committee = objects["clinic"].community.committee
    period = figures.parse_period(str(timezone.localdate().year))
    report = filing.committee_report(committee, period)
    notes = [
        {"code": c.code, "text": c.text, "note": "核实无误"}
        for c in filing.check_report(report).concerns
    ]
    filed = do_fill_report(
        committee, report, actor=User.objects.get(username="mediator"), notes=notes
    )
    do_approve_report(filed, actor=User.objects.get(username="street"))  # frozen
    in_state(State.SIT_IN, by="mediator", community="金江路社区", mediator="mediator")
    objects["xlsx_job"] = do_request_case_export(
        actor=User.objects.get(username="coordinator"),
        scope=f"community:{objects['clinic'].community_id}",
        period=period,
        format="xlsx",
    )


def _as_written(visit: Visit) -> set[str]:
    """The audit log shows each entry's user name and object id as they were written."""
    if not visit.name.startswith("clinic:audit"):
        return set()
    written = AuditEntry.objects.values_list("username", "object_id")
    return {word for pair in written for value in pair for word in LATIN_WORD.findall(value)}


def test_every_page_speaks_the_users_language(
    world: dict[str, Any],  # noqa: F811
    untranslated: Untranslated,
    django_capture_on_commit_callbacks: Any,
) -> None:
    objects = world["own"]
    with django_capture_on_commit_callbacks(execute=True):
        _more_world(objects)
    clients: dict[str | None, Client] = {role: client_for(role) for role in ROLES}
    clients[None] = Client()
    # The demo's user names are role keys and English words ("judge", "street"): renamed to
    # codes, a user name cannot hide a role key left untranslated.
    for pk in User.objects.values_list("pk", flat=True):
        User.objects.filter(pk=pk).update(username=f"u{pk}")
    allowed = ALLOWED_WORDS | set(User.objects.values_list("username", flat=True))
    visits = [*_pages(objects), *_more(objects), *_posts(objects)]
    # Every GET page of the table as each role allowed it, the exports, the refusals and the
    # empty POSTs (about 330 today): if this drops, pages went missing from the walk.
    assert len(visits) >= 300, len(visits)
    found: list[str] = []
    for visit in visits:
        where = f"{visit.method} {visit.url} as {visit.role or 'anonymous'}"
        client = clients[visit.role]
        untranslated.where = where
        if visit.method == "POST":
            response = client.post(visit.url, {}, follow=True)
        else:
            response = client.get(visit.url)
        text = visible_text(response)
        untranslated.where = ""
        if response.status_code not in visit.status:
            found.append(f"{where}: status {response.status_code}, not {sorted(visit.status)}")
        for word, line in sorted(latin_words(text, allowed | _as_written(visit)).items()):
            found.append(f"{where}: English {word!r} in {line!r}")
    found += [
        f"{where}: untranslated {msgid!r}"
        for where, msgids in untranslated.found.items()
        for msgid in sorted(msgids)
    ]
    assert not found, f"{len(found)} words not in Chinese:\n" + "\n".join(sorted(found))


def _label(model: type[Model], name: str) -> str:
    return str(cast(Field, model._meta.get_field(name)).verbose_name)


def test_one_english_word_with_two_meanings_gets_two_chinese_words() -> None:
    with translation.override("zh-hans"):
        # an invitation accepted is not the day a case was accepted (受理日期)
        assert InviteResponse.ACCEPTED.label == "已接受"
        assert gettext("Accepted") == "受理日期"
        # a start time is not the state a case left (原状态)
        assert _label(CaseEvent, "from_state") == "原状态"
        assert _label(Leave, "starts_at") == _label(WeeklyPattern, "starts") == "开始时间"
        assert _label(StatisticsFiling, "first") == "起始日期"
        # the statistics' failed and declined cases are not a failed sign-in or a declined
        # invitation
        assert pgettext("number of cases", "Failed") == "调解不成"
        assert pgettext("number of cases", "Declined") == "不予受理"


def test_an_encrypted_field_keeps_its_label_on_forms() -> None:
    with translation.override("zh-hans"):
        assert Party._meta.get_field("id_number").formfield().label == "证件号码"
        assert Party._meta.get_field("phone").formfield().label == "电话"


def test_the_audit_log_names_object_types_and_roles_in_words() -> None:
    with translation.override("zh-hans"):
        assert object_type_label("visit") == "上门巡诊申请"  # a model, by another name
        assert object_type_label("attachment") == "附件"  # a model, by its own name
        assert object_type_label("statistics") == "统计"  # not a model
        assert roles_label("coordinator,mediator") == "社区综治专干、人民调解员"


def test_every_filed_figure_has_a_name_for_its_correction() -> None:
    row = figures.Row(name="金江路社区")
    period = figures.parse_period("2026")
    report = figures.Report(period, "联盟街道", [row], figures.Row(name="合计"), [], [], [], [])
    assert set(figures.as_snapshot(report)["total"]) <= set(figures.SNAPSHOT_LABELS)
