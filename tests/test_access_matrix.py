"""Every URL pattern × every role × (own object, another community's object, no object).

"Own" objects belong to 金江路社区 (the coordinator's community), "other" ones to 金色社区.
A role allowed an action gets an ordinary answer (a page, a redirect, or a form error for the
empty submission); everybody else gets exactly 403 or 404, never a 2xx. Outsiders get 404 where
existence itself is sensitive. A URL pattern missing from the table fails the test. The same
table is written, readable, to docs/ACCESS.md (``manage.py access_table`` would regenerate it;
a test keeps the file current).
"""

from __future__ import annotations

import io
import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import time, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from PIL import Image
from pypdf import PdfReader

from cases.actions import do_assign_professional
from cases.choices import State
from cases.consultations.actions import do_convene_consultation
from cases.documents import papers
from cases.documents.actions import do_request_case_file
from cases.mediation.actions import do_add_attachment, do_save_agreement
from cases.models import CommonAnswer, DisputeSubtype, FollowUp, Party, VisitRequest
from cases.statistics import figures, filing
from cases.statistics.actions import do_fill_report, do_request_case_export
from cases.sweeps.actions import do_add_finding, do_record_sweep
from cases.visits.actions import do_request_visit, do_schedule_visit
from clinic.actions import do_notify
from clinic.lib.ids import is_valid_resident_id
from clinic.models import (
    Clinic,
    CommitteeMember,
    Community,
    District,
    Grid,
    GroupRobot,
    Holiday,
    Membership,
    User,
)
from scheduling import actions as roster
from tests.cases.factories import in_state, signed_agreement
from tests.conftest import client_for
from tests.scheduling.factories import at, seat, session

ROLES = [
    "admin",
    "coordinator",
    "mediator",
    "judge",
    "prosecutor",
    "police",
    "lawyer",
    "gridworker",
    "street",
]
ALL = frozenset(ROLES)
PROS = frozenset({"judge", "prosecutor", "police", "lawyer"})
MANAGERS = frozenset({"admin", "coordinator", "mediator"})
NOBODY: frozenset[str] = frozenset()
ALLOWED_CODES = {200, 204, 302, 400, 409}
DOCS = Path(__file__).resolve().parents[1] / "docs" / "ACCESS.md"


@dataclass(frozen=True)
class Rule:
    """Who may use a URL. ``gate`` is checked before the object is looked up (a role outside
    it gets 403 whatever the object); ``own`` may act on their community's object; ``own_403``
    see it but may not act; ``other`` may act on another community's object."""

    kind: str
    method: str = "GET"
    own: frozenset[str] = NOBODY
    own_403: frozenset[str] = NOBODY
    other: frozenset[str] = NOBODY
    gate: frozenset[str] | None = None
    note: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def R(kind: str, method: str = "GET", **kw: Any) -> Rule:
    fields: dict[str, Any] = {
        k: frozenset(v) if isinstance(v, set | frozenset) else v for k, v in kw.items()
    }
    return Rule(kind, method, **fields)


def page(roles: set[str] | frozenset[str], method: str = "GET", **kw: Any) -> Rule:
    """A page without an object that only these roles may use: everyone else is refused
    before anything is looked up."""
    return R("none", method, own=roles, other=roles, gate=roles, **kw)


SEEN_CASE = MANAGERS | {"lawyer"}
COMMITTEE_PAGES = frozenset({"admin", "coordinator", "mediator"})
TABLE: dict[str, Rule] = {
    # public
    "login": R("none", own=ALL, other=ALL, gate=None, note="public"),
    "logout": R("none", "POST", own=ALL, other=ALL, note="public"),
    "healthz": R("none", own=ALL, other=ALL, note="public"),
    "set_language": R("none", "POST", own=ALL, other=ALL, note="public"),
    "scheduling:duty_board": R("clinic_slug", own=ALL, other=ALL, note="public"),
    "scheduling:feed": R(
        "feed_token", own=ALL, other=ALL, note="public; the key is the credential"
    ),
    # everyone signed in
    "clinic:home": R("none", own=ALL, other=ALL),
    "clinic:home_role": R(
        "role",
        own={"coordinator"},
        own_403=ALL - {"coordinator"},
        note="one's own roles only (here: the coordinator's)",
    ),
    "clinic:keepalive": R("none", "POST", own=ALL, other=ALL),
    "clinic:notifications": R("none", own=ALL, other=ALL),
    "clinic:open_notification": R("notification", "POST", own={"mediator"}, other=NOBODY),
    "clinic:notice_settings": R("none", own=ALL, other=ALL),
    "password_change": R("none", own=ALL, other=ALL),
    "password_reset": R("none", own=ALL, other=ALL, note="public"),
    "password_reset_done": R("none", own=ALL, other=ALL, note="public"),
    "password_reset_confirm": R(
        "none",
        own=ALL,
        other=ALL,
        extra={"uidb64": "MQ", "token": "no-such-token"},
        note="public; the emailed token is the credential",
    ),
    "password_reset_complete": R("none", own=ALL, other=ALL, note="public"),
    "two_factor_setup": R("none", note="404 unless CLINIC_TWO_FACTOR is on; then everyone"),
    "two_factor_verify": R("none", note="404 unless CLINIC_TWO_FACTOR is on; then everyone"),
    "password_change_done": R("none", own=ALL, other=ALL),
    # people and roles
    "clinic:people": page({"admin", "coordinator"}),
    "clinic:add_person": page({"admin", "coordinator"}),
    "clinic:person": R("person", own={"admin", "coordinator"}, gate={"admin", "coordinator"}),
    "clinic:edit_person": R("person", own={"admin", "coordinator"}, gate={"admin", "coordinator"}),
    "clinic:grant_role": R(
        "person", "POST", own={"admin", "coordinator"}, gate={"admin", "coordinator"}
    ),
    "clinic:deactivate_person": R(
        "person", own={"admin", "coordinator"}, gate={"admin", "coordinator"}
    ),
    "clinic:reactivate_person": R(
        "person", "POST", own={"admin", "coordinator"}, gate={"admin", "coordinator"}
    ),
    "clinic:end_role": R("membership", own={"admin", "coordinator"}, gate={"admin", "coordinator"}),
    "clinic:audit_log": page({"admin"}),
    "clinic:audit_export": page({"admin"}),
    "clinic:holidays": page({"admin"}),
    "clinic:save_holiday": page({"admin"}, "POST"),
    "clinic:import_holidays": page({"admin"}, "POST"),
    "clinic:confirm_holiday_year": page({"admin"}, "POST"),
    "clinic:delete_holiday": R("holiday", "POST", own={"admin"}, other={"admin"}, gate={"admin"}),
    # committees as organisations: the admin all, a coordinator sees their community's and
    # street's and keeps their community's, a mediator their own (seen, seal uses recorded)
    "clinic:committees": page(COMMITTEE_PAGES),
    "clinic:add_committee": page({"admin"}),
    "clinic:committee": R("committee", own=COMMITTEE_PAGES, gate=COMMITTEE_PAGES),
    "clinic:number_register": R("committee", own=COMMITTEE_PAGES, gate=COMMITTEE_PAGES),
    "clinic:seal_uses": R("committee", own=COMMITTEE_PAGES, gate=COMMITTEE_PAGES),
    "clinic:add_seal_use": R("committee", own=COMMITTEE_PAGES, gate=COMMITTEE_PAGES),
    "clinic:add_member": R(
        "committee", own={"admin", "coordinator"}, own_403={"mediator"}, gate=COMMITTEE_PAGES
    ),
    "clinic:edit_member": R(
        "committee_member",
        own={"admin", "coordinator"},
        own_403={"mediator"},
        gate=COMMITTEE_PAGES,
    ),
    "clinic:add_training": R(
        "committee_member",
        own={"admin", "coordinator"},
        own_403={"mediator"},
        gate=COMMITTEE_PAGES,
    ),
    # a community's group robots: its coordinator, the district admin
    "clinic:robots": R("community", own={"admin", "coordinator"}, gate={"admin", "coordinator"}),
    "clinic:add_robot": R(
        "community", "POST", own={"admin", "coordinator"}, gate={"admin", "coordinator"}
    ),
    "clinic:test_robots": R(
        "community", "POST", own={"admin", "coordinator"}, gate={"admin", "coordinator"}
    ),
    "clinic:switch_robot": R(
        "group_robot", "POST", own={"admin", "coordinator"}, gate={"admin", "coordinator"}
    ),
    # cases
    "cases:case_list": page(ALL - {"gridworker"}),
    "cases:register_dispute": page({"admin", "coordinator", "mediator"}),
    "cases:log_advice": page({"admin", "coordinator", "mediator"}),
    "cases:case_detail": R("case", own=SEEN_CASE),
    "cases:edit_case": R("case", own=MANAGERS, own_403={"lawyer"}),
    "cases:escalate_case": R("case", own={"admin", "coordinator"}, own_403={"mediator", "lawyer"}),
    "cases:refer_out": R("case", own={"admin", "coordinator"}, own_403={"mediator", "lawyer"}),
    "cases:extend_deadline": R("case", own=MANAGERS, own_403={"lawyer"}),
    "cases:assign_case": R("case", own={"admin", "coordinator"}, own_403={"mediator", "lawyer"}),
    "cases:remove_professional": R(
        "case_professional", "POST", own={"admin", "coordinator"}, own_403={"mediator", "lawyer"}
    ),
    "cases:recuse_mediator": R(
        "case", own={"admin", "coordinator"}, own_403={"mediator", "lawyer"}
    ),
    "cases:step_aside": R(
        "case",
        own={"mediator"},
        own_403={"admin", "coordinator", "lawyer"},
        note="the case's own mediator only",
    ),
    "cases:add_party": R("case", own=MANAGERS, own_403={"lawyer"}),
    "cases:add_record": R("case", own=MANAGERS, own_403={"lawyer"}),
    "cases:new_agreement": R("case", own=MANAGERS, own_403={"lawyer"}),
    "cases:add_advice": R("case", own={"lawyer"}, own_403=MANAGERS),
    "cases:upload_attachment": R("case", own=MANAGERS, own_403={"lawyer"}),
    "cases:fire_transition": R(
        "case_step",
        own=MANAGERS,
        own_403={"lawyer"},
        note="each transition × role in tests/cases/test_transitions.py",
    ),
    "cases:document": R("case_document", own=SEEN_CASE),
    "cases:request_case_file": R("case", "POST", own=SEEN_CASE),
    "cases:archive_case": R("case", own=MANAGERS, own_403={"lawyer"}),
    "cases:document_job": R(
        "document_job", own={"mediator"}, other=NOBODY, note="only the person who asked for it"
    ),
    "cases:download_document_job": R("document_job", own={"mediator"}, other=NOBODY),
    "cases:edit_party": R("party", own=MANAGERS, own_403={"lawyer"}),
    "cases:party_consent": R("party", own=MANAGERS, own_403={"lawyer"}),
    "cases:party_refusal": R("party", own=MANAGERS, own_403={"lawyer"}),
    "cases:reveal_party": R("party", "POST", own=MANAGERS, own_403={"lawyer"}),
    "cases:party_authority": R(
        "party", own=MANAGERS, own_403={"lawyer"}, note="an agent's power of attorney"
    ),
    "cases:find_resident": page(ALL - {"gridworker"}, note="lists only cases the person may open"),
    "cases:edit_agreement": R("agreement", own=MANAGERS, own_403={"lawyer"}),
    "cases:sign_agreement": R("agreement", own=MANAGERS, own_403={"lawyer"}),
    "cases:correct_agreement": R("signed_agreement", own=MANAGERS),
    "cases:add_performance_item": R("agreement", own=MANAGERS, own_403={"lawyer"}),
    "cases:update_confirmation": R("signed_agreement", own=MANAGERS),
    "cases:download_attachment": R("attachment", own=SEEN_CASE),
    "cases:withdraw_attachment": R("attachment", own=MANAGERS, own_403={"lawyer"}),
    "cases:record_follow_up": R(
        "follow_up",
        own=MANAGERS | {"gridworker"},
        note="the grid worker it is assigned to sees only this",
    ),
    "cases:schedule_follow_up": R("follow_up", own={"gridworker"}, own_403=MANAGERS),
    "cases:reveal_follow_up": R(
        "follow_up", "POST", own=MANAGERS | {"gridworker"}, note="each party's reveal audited"
    ),
    "cases:common_answers": page({"admin", "coordinator", "mediator"}),
    # the district's list of dispute subtypes (reference data of the whole district)
    "cases:dispute_subtypes": page({"admin"}),
    "cases:edit_dispute_subtype": R("subtype", own={"admin"}, other={"admin"}, gate={"admin"}),
    "cases:deactivate_dispute_subtype": R(
        "subtype", "POST", own={"admin"}, other={"admin"}, gate={"admin"}
    ),
    "cases:edit_common_answer": R("common_answer", own=MANAGERS),
    "cases:retire_common_answer": R("common_answer", "POST", own=MANAGERS),
    "cases:reassign_person": R("person", own={"admin", "coordinator"}, gate=None),
    "cases:consultation": R("consultation", own=MANAGERS | {"judge", "police"}),
    "cases:statistics_page": page(
        {"admin", "coordinator", "mediator", "street"}, note="mediators: their committee's"
    ),
    "cases:statistics_export": page(
        {"admin", "coordinator", "mediator", "street"}, extra={"fmt": "csv"}
    ),
    "cases:report_filings": page({"admin", "coordinator", "mediator", "street"}),
    "cases:fill_report": R(
        "committee",
        "POST",
        own={"coordinator", "mediator"},
        own_403={"admin", "street"},
        note="填报: the committee's coordinator and mediators",
    ),
    "cases:approve_filing": R(
        "filing",
        "POST",
        own={"street"},
        own_403={"admin", "coordinator", "mediator"},
        note="审核: the street officer",
    ),
    "cases:return_filing": R(
        "filing", "POST", own={"street"}, own_403={"admin", "coordinator", "mediator"}
    ),
    "cases:report_filing": R(
        "filing",
        "POST",
        own={"admin"},
        own_403={"coordinator", "mediator", "street"},
        note="上报: the district admin",
    ),
    "cases:request_case_export": page({"admin", "coordinator", "mediator", "street"}, "POST"),
    "cases:export_job": R("export_job", own={"coordinator"}, other=NOBODY),
    "cases:download_export_job": R("export_job", own={"coordinator"}, other=NOBODY),
    "cases:court_filings": page({"admin", "street"}, note="the court's figures (万人成讼率)"),
    "cases:save_court_filings": page({"admin", "street"}, "POST"),
    "cases:import_court_filings": page({"admin", "street"}, "POST"),
    "cases:court_filings_template": page({"admin", "street"}),
    # 以案定补: the district's rule, the 卷宗 review, the mediators' monthly statements
    "cases:subsidy_rules": page({"admin"}, note="the district admin keeps the rule"),
    "cases:file_reviews": page({"admin", "street"}),
    "cases:review_file": R(
        "case", own={"admin", "street"}, gate={"admin", "street"}, note="any case of the street"
    ),
    "cases:subsidy_statements": page({"admin", "street", "mediator"}),
    "cases:subsidy_statement": R(
        "subsidy_statement",
        own={"admin", "street", "mediator"},
        gate={"admin", "street", "mediator"},
        note="a mediator: their own",
    ),
    "cases:subsidy_statement_pdf": R(
        "subsidy_statement",
        own={"admin", "street", "mediator"},
        gate={"admin", "street", "mediator"},
    ),
    "cases:subsidy_statement_xlsx": R(
        "subsidy_statement",
        own={"admin", "street", "mediator"},
        gate={"admin", "street", "mediator"},
    ),
    "cases:approve_subsidy_statement": R(
        "subsidy_statement",
        "POST",
        own={"admin", "street"},
        own_403={"mediator"},
        gate={"admin", "street", "mediator"},
        note="审批: the street officer or the district admin",
    ),
    "cases:visit_board": page({"admin", "coordinator"}),
    "cases:request_visit": page({"gridworker"}),
    "cases:my_visits": page({"gridworker"}),
    "cases:visit_detail": R("visit", own={"admin", "coordinator", "gridworker", "lawyer"}),
    "cases:schedule_visit": R(
        "visit", own={"admin", "coordinator"}, own_403={"gridworker", "lawyer"}
    ),
    "cases:cancel_visit": R(
        "visit", own={"admin", "coordinator", "gridworker"}, own_403={"lawyer"}
    ),
    "cases:visit_outcome": R(
        "visit", own={"lawyer"}, own_403={"admin", "coordinator", "gridworker"}
    ),
    "cases:visit_photo": R("photo", own={"admin", "coordinator", "gridworker", "lawyer"}),
    # the 排查 ledger: grid workers and coordinators record, the street and district read
    "cases:sweep_ledger": page({"admin", "coordinator", "gridworker", "street"}),
    "cases:record_sweep": page({"coordinator", "gridworker"}),
    "cases:sweep_detail": R("sweep", own={"admin", "coordinator", "gridworker", "street"}),
    "cases:edit_sweep": R("sweep", own={"coordinator", "gridworker"}, own_403={"admin", "street"}),
    "cases:add_finding": R(
        "sweep", "POST", own={"coordinator", "gridworker"}, own_403={"admin", "street"}
    ),
    "cases:edit_finding": R(
        "finding", own={"coordinator", "gridworker"}, own_403={"admin", "street"}
    ),
    "cases:link_finding": R(
        "finding", own={"coordinator", "gridworker"}, own_403={"admin", "street"}
    ),
    # the roster
    "scheduling:roster_home": page(ALL - {"gridworker"}),
    "scheduling:my_roster": page(PROS | {"mediator"}),
    "scheduling:add_leave": page(PROS | {"mediator"}, "POST"),
    "scheduling:cancel_leave": R("leave", "POST", own={"judge"}, other=NOBODY),
    "scheduling:feed_settings": page(PROS | {"mediator"}),
    "scheduling:suggest_roster": page({"admin", "coordinator", "street"}),
    "scheduling:hours_report": page({"admin", "coordinator", "street"}),
    "scheduling:session_detail": R(
        "session",
        own={
            "admin",
            "coordinator",
            "street",
            "mediator",
            "judge",
            "prosecutor",
            "police",
            "lawyer",
        },
        other={"admin"},
    ),
    "scheduling:cancel_session": R(
        "session",
        own={"admin", "coordinator", "street"},
        own_403={"mediator", "judge", "prosecutor", "police", "lawyer"},
    ),
    "scheduling:book_seat": R(
        "seat",
        "POST",
        own={
            "admin",
            "coordinator",
            "street",
            "mediator",
            "judge",
            "prosecutor",
            "police",
            "lawyer",
        },
        note="anyone serving the clinic may try; the action checks role",
    ),
    "scheduling:cancel_booking": R(
        "booking",
        own={"admin", "coordinator", "street", "judge"},
        own_403={"mediator", "prosecutor", "police", "lawyer"},
    ),
    "scheduling:undo_check_out": R(
        "booking",
        "POST",
        own={"admin", "coordinator", "street", "judge"},
        own_403={"mediator", "prosecutor", "police", "lawyer"},
        note="the holder or a roster manager, within ten minutes of checking out",
    ),
    "scheduling:assign_seat": R(
        "seat",
        own={"admin", "coordinator", "street"},
        own_403={"mediator", "judge", "prosecutor", "police", "lawyer"},
    ),
    "scheduling:duty_statements": page(
        ALL - {"gridworker"}, note="professionals are taken to their own statement"
    ),
    "scheduling:duty_statement": R(
        "roster_person",
        own={"admin", "coordinator", "street", "police"},
        note="one's own, or those on the roster of the clinics one manages",
    ),
    "scheduling:confirm_duty_statement": R(
        "roster_person",
        "POST",
        own={"admin", "coordinator", "street"},
        own_403={"police"},
    ),
    "scheduling:offer_swap": R(
        "booking",
        "POST",
        own={"judge"},
        own_403={"admin", "coordinator", "street", "mediator", "prosecutor", "police", "lawyer"},
    ),
    "scheduling:take_swap": R(
        "offered_booking",
        "POST",
        own={
            "admin",
            "coordinator",
            "street",
            "mediator",
            "judge",
            "prosecutor",
            "police",
            "lawyer",
        },
    ),
    "scheduling:check_in": R(
        "booking",
        "POST",
        own={"judge"},
        own_403={"admin", "coordinator", "street", "mediator", "prosecutor", "police", "lawyer"},
    ),
    "scheduling:mark_attendance": R(
        "booking",
        "POST",
        own={"admin", "coordinator", "street"},
        own_403={"judge", "mediator", "prosecutor", "police", "lawyer"},
    ),
    "scheduling:toggle_pattern": R(
        "pattern",
        "POST",
        own={"admin", "coordinator", "street"},
        own_403={"mediator", "judge", "prosecutor", "police", "lawyer"},
    ),
    "scheduling:clinic_settings": R(
        "clinic_slug",
        own={"admin", "coordinator", "street"},
        own_403={"mediator", "judge", "prosecutor", "police", "lawyer"},
    ),
    "scheduling:add_session": R(
        "clinic_slug",
        own={"admin", "coordinator", "street"},
        own_403={"mediator", "judge", "prosecutor", "police", "lawyer"},
    ),
    "scheduling:month_calendar": R(
        "clinic_month",
        own={
            "admin",
            "coordinator",
            "street",
            "mediator",
            "judge",
            "prosecutor",
            "police",
            "lawyer",
        },
    ),
    "scheduling:generate_sessions": R(
        "clinic_month",
        "POST",
        own={"admin", "coordinator", "street"},
        own_403={"mediator", "judge", "prosecutor", "police", "lawyer"},
    ),
    "scheduling:publish_month": R(
        "clinic_month",
        "POST",
        own={"admin", "coordinator", "street"},
        own_403={"mediator", "judge", "prosecutor", "police", "lawyer"},
    ),
}
#: Objects that belong to a person rather than a community (nobody else's to act on).
PERSONAL = {"document_job", "export_job", "notification", "leave", "feed_token"}
PUBLIC = {
    "login",
    "logout",
    "healthz",
    "set_language",
    "scheduling:duty_board",
    "scheduling:feed",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
}


def _patterns() -> list[str]:
    names = []

    def walk(patterns: list, namespace: str | None) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                if str(p.pattern).startswith("admin"):
                    continue  # the Django admin: staff only, read-only audit (test_audit.py)
                walk(p.url_patterns, p.namespace or namespace)
            elif isinstance(p, URLPattern):
                names.append(f"{namespace}:{p.name}" if namespace else str(p.name))

    walk(get_resolver().url_patterns, None)
    return names


def test_every_url_pattern_is_in_the_table() -> None:
    missing = sorted(set(_patterns()) - set(TABLE))
    assert not missing, f"add these to the access table: {missing}"
    assert not sorted(set(TABLE) - set(_patterns()))


def _scan() -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (20, 20), "white").save(out, format="PNG")
    return SimpleUploadedFile("scan.png", out.getvalue())


def _build(
    community: str,
    mediator: str,
    coordinator: str,
    gridworker: str,
    slug: str,
    professional: str,
    professional_role: str,
    police: str,
) -> dict[str, Any]:
    """The objects of one community, made through the actions."""
    place = Community.objects.get(name=community)
    grid = Grid.objects.filter(community=place).order_by("code").first()
    actor = User.objects.get(username=mediator)
    case = in_state(State.SIT_IN, by=mediator, community=community, mediator=mediator, grid=grid)
    do_assign_professional(
        case,
        actor=User.objects.get(username=coordinator),
        professional=User.objects.get(username=professional),
        role=professional_role,
    )
    agreement = do_save_agreement(
        case,
        actor=actor,
        data={
            "form": "written",
            "facts": "f",
            "responsibilities": "r",
            "terms": "t",
            "performance_manner": "m",
            "copies": 3,
        },
    )
    signed_case = in_state(State.SIT_IN, by=mediator, community=community, mediator=mediator)
    signed = signed_agreement(signed_case, by=mediator)
    follow_case = in_state(State.FOLLOW_UP, by=mediator, community=community, mediator=mediator)
    follow_up = FollowUp.objects.get(case=follow_case)
    FollowUp.objects.filter(pk=follow_up.pk).update(assignee=User.objects.get(username=gridworker))
    consult_case = in_state(State.SIT_IN, by=mediator, community=community, mediator=mediator)
    consultation = do_convene_consultation(
        consult_case,
        actor=actor,
        version=None,
        question="q",
        invitees=[
            (
                User.objects.get(
                    username=professional
                    if professional_role == "judge"
                    else "judge"
                    if community == "金江路社区"
                    else "judge_donghua"
                ),
                "judge",
            ),
            (User.objects.get(username=police), "police"),
        ],
    )
    attachment = do_add_attachment(
        case,
        actor=actor,
        kind="evidence",
        upload=__import__("clinic.lib.uploads", fromlist=["x"]).check_upload(
            _scan(), max_bytes=10**7, allowed=frozenset({"png"})
        ),
        original_name="scan.png",
    )
    visit = do_request_visit(
        actor=User.objects.get(username=gridworker),
        grid=grid,
        resident_name="居民",
        resident_phone="13900000000",
        address="1 栋",
        problem="p",
        photos=[
            __import__("clinic.lib.uploads", fromlist=["x"]).check_upload(
                _scan(), max_bytes=10**7, allowed=frozenset({"png"})
            )
        ],
    )
    sweep = do_record_sweep(
        actor=User.objects.get(username=gridworker),
        community=place,
        grid=grid,
        day=timezone.localdate(),
        kind="scheduled",
        scope="1–6 栋",
        households=30,
    )
    finding = do_add_finding(
        sweep, actor=User.objects.get(username=gridworker), description="楼上漏水", persons=2
    )
    start = at(days=5, hour=14)
    do_schedule_visit(
        visit,
        actor=User.objects.get(username=coordinator),
        professionals=[(User.objects.get(username=professional), professional_role)],
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        place="1 栋",
    )
    clinic = Clinic.objects.get(slug=slug)
    shift = session(slug=slug, starts_at=at(days=3, hour=9))
    booking_person = "judge" if community == "金江路社区" else "judge_donghua"
    booking = roster.do_book_seat(
        seat(shift, "judge"),
        person=User.objects.get(username=booking_person),
        actor=User.objects.get(username=booking_person),
    )
    offered_shift = session(slug=slug, starts_at=at(days=4, hour=9))
    offered = roster.do_book_seat(seat(offered_shift, "lawyer"), person=actor, actor=actor)
    roster.do_offer_swap(offered)
    pattern = roster.do_save_pattern(
        clinic, data={"weekday": 2, "starts": time(9), "ends": time(11), "kind": "regular"}
    )
    # a committee report filed for the month before last, waiting for the street's review
    before_last = timezone.localdate().replace(day=1) - timedelta(days=32)
    period = figures.month_period(before_last.year, before_last.month)
    report = filing.committee_report(place.committee, period)
    notes = [
        {"code": c.code, "text": c.text, "note": "核实无误"}
        for c in filing.check_report(report).concerns
    ]
    filed = do_fill_report(place.committee, report, actor=actor, notes=notes)
    return {
        "community": place,
        "group_robot": GroupRobot.objects.create(
            community=place,
            name="法律顾问群",
            provider="wecom",
            key=str(uuid.uuid4()),
            added_by=User.objects.get(username=coordinator),
        ),
        "committee": place.committee,
        "committee_member": CommitteeMember.objects.create(
            committee=place.committee, name="王德明", position="member", employment="part_time"
        ),
        "filing": filed,
        "case": case,
        "agreement": agreement,
        "signed": signed,
        "follow_up": follow_up,
        "consultation": consultation,
        "attachment": attachment,
        "visit": visit,
        "sweep": sweep,
        "finding": finding,
        "clinic": clinic,
        "session": shift,
        "seat": seat(shift, "prosecutor"),
        "booking": booking,
        "offered": offered,
        "pattern": pattern,
        "party": case.parties.first(),
        "person": User.objects.get(username=mediator),
        "membership": Membership.objects.filter(user__username=gridworker).first(),
        "professional": User.objects.get(username=professional),
        "common_answer": CommonAnswer.objects.create(
            committee=place.committee, question="问", answer="答"
        ),
    }


@pytest.fixture
def world(
    demo: None, settings: Any, tmp_path: Path, django_capture_on_commit_callbacks: Any
) -> dict[str, Any]:
    settings.MEDIA_ROOT = tmp_path
    own = _build(
        "金江路社区",
        "mediator",
        "coordinator",
        "gridworker",
        "jinjianglu",
        "lawyer",
        "lawyer",
        "police",
    )
    other = _build(
        "金色社区",
        "mediator_jinse",
        "coordinator_jinse",
        "gridworker_jinse",
        "jinse",
        "lawyer_jinse",
        "lawyer",
        "police_jinse",
    )
    with django_capture_on_commit_callbacks(execute=True):
        own["document_job"] = do_request_case_file(
            own["case"], actor=User.objects.get(username="mediator"), reveal_ids=False
        )
        other["document_job"] = do_request_case_file(
            other["case"], actor=User.objects.get(username="mediator_jinse"), reveal_ids=False
        )
        jinjiang = Community.objects.get(name="金江路社区")
        period = figures.parse_period("2026")
        own["export_job"] = do_request_case_export(
            actor=User.objects.get(username="coordinator"),
            scope=f"community:{jinjiang.pk}",
            period=period,
        )
        other["export_job"] = do_request_case_export(
            actor=User.objects.get(username="coordinator_jinse"),
            scope=f"community:{Community.objects.get(name='金色社区').pk}",
            period=period,
        )
    own["notification"] = do_notify([User.objects.get(username="mediator")], key="m1", title="t")[0]
    other["notification"] = do_notify(
        [User.objects.get(username="mediator_jinse")], key="m2", title="t"
    )[0]
    own["leave"] = roster.do_record_leave(
        User.objects.get(username="judge"), starts_at=at(days=40), ends_at=at(days=41), reason="r"
    )
    other["leave"] = roster.do_record_leave(
        User.objects.get(username="judge_donghua"),
        starts_at=at(days=40),
        ends_at=at(days=41),
        reason="r",
    )
    own["holiday"], other["holiday"] = Holiday.objects.order_by("pk")[:2]
    own["subtype"], other["subtype"] = DisputeSubtype.objects.order_by("pk")[:2]
    own["feed_token"] = roster.feed_token(User.objects.get(username="judge")).token
    other["feed_token"] = roster.feed_token(User.objects.get(username="judge_donghua")).token
    own["roster_person"] = User.objects.get(username="police")
    other["roster_person"] = User.objects.get(username="police_jinse")
    return {"own": own, "other": other}


def _kwargs(rule: Rule, name: str, objects: dict[str, Any] | None, role: str) -> dict[str, Any]:
    """URL arguments for a target; ``objects`` None means an object that does not exist."""
    missing = objects is None
    objects = {} if objects is None else objects
    kind = rule.kind
    if kind == "none":
        return dict(rule.extra)
    if kind == "role":
        return {"role": "coordinator"}
    if kind == "clinic_slug":
        return {"slug": "no-such-clinic" if missing else objects["clinic"].slug}
    if kind == "clinic_month":
        return {
            "slug": "no-such-clinic" if missing else objects["clinic"].slug,
            "year": 2026,
            "month": 12,
        }
    if kind == "feed_token":
        return {"token": "no-such-token" if missing else objects["feed_token"]}
    if kind in ("document_job", "export_job"):
        return {"job_id": uuid.uuid4() if missing else objects[kind].pk}
    if kind == "case_step":
        return {"pk": 999999 if missing else objects["case"].pk, "name": "switch_mode"}
    if kind == "case_document":
        return {"pk": 999999 if missing else objects["case"].pk, "kind": "register"}
    if kind == "case_professional":
        return {
            "pk": 999999 if missing else objects["case"].pk,
            "user_pk": 999999 if missing else objects["professional"].pk,
        }
    if kind == "committee":
        return {"committee_pk": 999999 if missing else objects["committee"].pk}
    if kind == "community":
        return {"community_pk": 999999 if missing else objects["community"].pk}
    if kind == "subsidy_statement":  # the case's mediator in its street, this month
        return {
            "street_pk": 999999 if missing else objects["case"].street_id,
            "mediator_pk": 999999 if missing else objects["case"].mediator_id,
            "month": f"{timezone.localdate():%Y-%m}",
        }
    if kind == "person" and name == "cases:reassign_person":
        return {"user_pk": 999999 if missing else objects["person"].pk}
    source = {
        "case": "case",
        "party": "party",
        "agreement": "agreement",
        "signed_agreement": "signed",
        "attachment": "attachment",
        "follow_up": "follow_up",
        "consultation": "consultation",
        "visit": "visit",
        "photo": "visit",
        "sweep": "sweep",
        "finding": "finding",
        "session": "session",
        "seat": "seat",
        "booking": "booking",
        "offered_booking": "offered",
        "pattern": "pattern",
        "person": "person",
        "membership": "membership",
        "notification": "notification",
        "leave": "leave",
        "holiday": "holiday",
        "subtype": "subtype",
        "common_answer": "common_answer",
        "roster_person": "roster_person",
        "filing": "filing",
        "committee_member": "committee_member",
        "group_robot": "group_robot",
    }[kind]
    if missing:
        return {"pk": 999999}
    obj = objects[source]
    if kind == "photo":
        return {"pk": obj.photos.first().pk}
    return {"pk": obj.pk}


def _expected(rule: Rule, role: str | None, target: str) -> set[int]:
    if role is None:  # anonymous
        if rule.note.startswith("public"):
            return {200, 302, 400, 404} if target == "none" else {200, 302, 400}
        return {302}
    if rule.note.startswith("public"):
        return {200, 302, 400, 404} if target == "none" else ALLOWED_CODES
    if rule.gate is not None and role not in rule.gate:
        return {403}
    if target == "none":
        return ALLOWED_CODES if rule.kind in ("none", "role") and role in rule.own else {404}
    if target == "own" or (role == "admin" and rule.kind not in PERSONAL):
        if role in rule.own:
            return ALLOWED_CODES
        return {403} if role in rule.own_403 else {404}
    if role in rule.other:
        return ALLOWED_CODES
    return {403} if rule.kind in ("none", "role") else {404}


def _request(client: Client, rule: Rule, url: str) -> int:
    if rule.method == "POST":
        return client.post(url, {}).status_code
    return client.get(url).status_code


def test_every_role_gets_exactly_what_the_table_says(world: dict[str, Any]) -> None:
    surprises = []
    clients: dict[str | None, Client] = {role: client_for(role) for role in ROLES}
    clients[None] = Client()
    # destructive requests last, so they cannot change what the others see
    last = {"cases:remove_professional", "scheduling:take_swap", "clinic:delete_holiday"}
    ordered = sorted(TABLE.items(), key=lambda item: (item[0] in last, item[0]))
    for name, rule in ordered:
        for target in ("own", "other", "none"):
            if rule.kind in ("none", "role") and target != "own":
                continue
            for role, client in clients.items():
                objects = None if target == "none" else world[target]
                kwargs = _kwargs(rule, name, objects, role or "")
                url = reverse(name, kwargs=kwargs)
                if name == "cases:remove_professional" and objects is not None:
                    do_assign_professional(  # put back what the last one removed
                        objects["case"],
                        actor=objects["person"],
                        professional=objects["professional"],
                        role="lawyer",
                    )
                if name == "logout" and role is not None:
                    client = client_for(role)  # signing out must not sign out the others
                status = _request(client, rule, url)
                expected = _expected(rule, role, target)
                if status not in expected:
                    surprises.append(
                        f"{name} {target} {role}: {status} (expected {sorted(expected)})"
                    )
    assert not surprises, "\n".join(surprises)


def render_table() -> str:
    """The table for people: who may do what."""
    lines = [
        "# Who may do what",
        "",
        "Generated from `tests/test_access_matrix.py` (a test fails when this file is stale).",
        '"Own" is an object of the person\'s own community or assignment; everybody not listed',
        "gets 403 (they may see it but not do this) or 404 (they may not know it exists).",
        "District admins act across their whole district; everyone else only in their own",
        "community (street officers: in their street, on what was escalated to it).",
        "Not signed in, every page but the public ones sends to the sign-in page.",
        "",
        "| URL | method | allowed (own) | sees but may not (403) "
        "| allowed on another community's | note |",
        "|---|---|---|---|---|---|",
    ]

    def roles(names: Iterable[str]) -> str:
        return ", ".join(sorted(names)) or "—"

    for name, rule in sorted(TABLE.items()):
        sees = rule.own_403 | (ALL - rule.gate if rule.gate else set())
        lines.append(
            f"| `{name}` | {rule.method} | {roles(rule.own)} | {roles(sees)} | "
            f"{roles(rule.other)} | {rule.note} |"
        )
    return "\n".join(lines) + "\n"


def test_the_docs_show_the_current_table() -> None:
    assert DOCS.read_text() == render_table(), (
        "docs/ACCESS.md is stale: DJANGO_SETTINGS_MODULE=clinic.settings python -c "
        "'import django; django.setup(); import tests.test_access_matrix as m; "
        "m.DOCS.write_text(m.render_table())'"
    )


if __name__ == "__main__":
    DOCS.parent.mkdir(exist_ok=True)
    DOCS.write_text(render_table())


#: Where a role legitimately sees a resident's full ID number or phone (each one recorded in
#: the audit log): editing a party, the agreement and confirmation papers, a home visit being
#: arranged or made.
UNMASKED = (
    {("cases:edit_party", role) for role in MANAGERS}
    | {("cases:visit_detail", role) for role in ("admin", "coordinator", "lawyer")}
    | {("cases:visit_outcome", "lawyer")}
)
ID_NUMBER = re.compile(r"(?<!\d)\d{17}[\dX](?!\d)")
PHONE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")


def _text(response: Any) -> str:
    body = response.getvalue()
    if response.get("Content-Type", "").startswith("application/pdf"):
        return "".join(p.extract_text() for p in PdfReader(io.BytesIO(body)).pages)
    return body.decode("utf-8", errors="replace")


def test_no_role_sees_a_full_id_number_or_phone_where_it_should_see_masks(
    world: dict[str, Any],
) -> None:
    secrets: set[str] = set()
    for party in Party.objects.all():
        secrets.update(v for v in (party.id_number, party.phone) if v)
    secrets.update(VisitRequest.objects.values_list("resident_phone", flat=True))
    leaks = []
    for role in ROLES:
        client = client_for(role)
        for name, rule in sorted(TABLE.items()):
            if rule.method != "GET" or (name, role) in UNMASKED or name == "logout":
                continue
            for target in ("own", "other"):
                url = reverse(name, kwargs=_kwargs(rule, name, world[target], role))
                response = client.get(url)
                if response.status_code != 200:
                    continue
                text = _text(response)
                found = {m for m in ID_NUMBER.findall(text) if is_valid_resident_id(m)} | set(
                    PHONE.findall(text)
                )
                if found & secrets:
                    leaks.append(f"{name} {target} {role}: {sorted(found & secrets)}")
    assert not leaks, "\n".join(leaks)


def test_statistics_and_case_exports_carry_no_personal_data(world: dict[str, Any]) -> None:
    secrets = {p.name for p in Party.objects.all()} | {
        v for p in Party.objects.all() for v in (p.id_number, p.phone) if v
    }
    client = client_for("admin")
    query = f"?scope=district:{District.objects.get().pk}&period=2026"
    for fmt in ("csv", "xlsx", "pdf"):
        response = client.get(reverse("cases:statistics_export", args=[fmt]) + query)
        body = _text(response) if fmt != "xlsx" else response.content.decode("latin-1")
        assert not [s for s in secrets if s in body], fmt


def test_every_document_of_a_case_masks_personal_data_for_those_who_do_not_manage_it(
    world: dict[str, Any],
) -> None:
    case = world["own"]["case"]
    party = case.parties.exclude(id_number="").first()
    kinds = [k for k in papers.available(papers.load(case)) if k != "casefile"]
    assert "agreement" in kinds, kinds
    shown: dict[tuple[str, str], bool] = {}
    for role in SEEN_CASE:
        client = client_for(role)
        for kind in kinds:
            response = client.get(reverse("cases:document", args=[case.pk, kind]))
            assert response.status_code == 200, (role, kind)
            shown[(role, kind)] = party.id_number in _text(response)
    # The agreement carries full ID numbers for the case's managers, never for an adviser;
    # papers that do not need them never carry them.
    assert shown[("mediator", "agreement")]
    assert not shown[("lawyer", "agreement")]
    assert not [
        key for key, full in shown.items() if full and key[1] not in ("agreement", "confirmation")
    ]


INLINE = re.compile(
    r"<script(?![^>]*\bsrc=)[^>]*>|<style\b|\sstyle=\"|\son[a-z]+=\"|javascript:", re.IGNORECASE
)


def test_no_page_has_inline_script_or_style_the_policy_would_block(world: dict[str, Any]) -> None:
    """The Content Security Policy allows no inline script or style: every page a role can
    open is free of them (the browser journeys also watch for violations)."""
    found = []
    for role in ROLES:
        client = client_for(role)
        for name, rule in sorted(TABLE.items()):
            if rule.method != "GET" or name == "logout":
                continue
            response = client.get(reverse(name, kwargs=_kwargs(rule, name, world["own"], role)))
            if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
                continue
            body = response.getvalue()
            for match in INLINE.finditer(body.decode()):
                found.append(f"{name} as {role}: {match.group(0)}")
    assert not found, "\n".join(sorted(set(found)))
