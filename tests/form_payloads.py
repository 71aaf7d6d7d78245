"""A valid submission for every form route of the access table (``tests/test_access_matrix.py``):
what a person who may use the form would send, built from the objects of the request.

``VALID`` has one entry per route name whose view takes a POST, and ``TRANSITION_VALID`` one
per transition page (``cases:fire_transition``); ``tests/test_form_routes.py`` fails, naming it,
when a form route or a transition has no entry here. Each entry is a function of the request's
``Target`` returning the submissions (``Send``) to make: most routes have one form, some show
several (the consultation page: an answer, an opinion, the meeting time).

The functions run inside the request's rolled-back savepoint, so one may set up what its form
needs (the two-step sign-in device); and they read versions afresh, as a page would show them.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.contrib.auth.tokens import default_token_generator
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from PIL import Image

from cases.models import (
    Case,
    ConsultationInvitee,
    ConsultationSlot,
    CourtFilingCount,
    FilingState,
    Party,
)
from cases.statistics import filing
from cases.statistics.actions import do_approve_report
from clinic import actions as clinic_actions
from clinic.forms import PROFILE_FIELDS
from clinic.management.commands.seed_demo import DEMO_PASSWORD
from clinic.models import Community, Grid, User
from scheduling.models import Booking, Seat

NEW_PASSWORD = "Kunming-Panlong-2027-x"  # a made-up password that passes the rules


@dataclass
class Target:
    """One request: who sends it (``role`` None: nobody signed in) and the objects it is
    about, keyed as ``tests.test_access_matrix._kwargs`` reads them."""

    role: str | None
    objects: dict[str, Any]

    @property
    def user(self) -> User:
        return User.objects.get(username=self.role or "mediator")

    def version(self) -> int:
        """The case's version as its page would show it now."""
        return Case.objects.values_list("version", flat=True).get(pk=self.objects["case"].pk)

    @property
    def community(self) -> Community:
        return Community.objects.get(name="金江路社区")

    def seen(self, key: str) -> dict[str, Any]:
        """The hidden version a form about the object ``key`` carries (a party, an agreement,
        a follow-up, a visit …: ``clinic.lib.versions.RowVersionForm``), as its page would
        show it now."""
        return seen_version(self.objects[key])


def seen_version(record: Any) -> dict[str, Any]:
    """``{"seen_version": …}`` of ``record`` as stored now (nothing for no record): what a
    form about it carries hidden, for the tests that post such a form themselves."""
    if record is None:
        return {}
    stored = type(record)._default_manager.values_list("row_version", flat=True)
    return {"seen_version": stored.get(pk=record.pk)}


@dataclass
class Send:
    """One submission: the form's fields (files as uploads), what it is (``label``), URL
    arguments other than the table's, and a query string for pages that read one."""

    data: dict[str, Any]
    label: str = ""
    kwargs: dict[str, Any] = field(default_factory=dict)
    query: str = ""


Payload = Callable[[Target], list[Send]]


def _when(days: int, hour: int) -> datetime:
    return (timezone.localtime() + timedelta(days=days)).replace(
        hour=hour, minute=0, second=0, microsecond=0
    )


def _local(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def _day(days: int) -> str:
    return (timezone.localdate() + timedelta(days=days)).isoformat()


def _png(name: str = "scan.png") -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (20, 20), "white").save(out, format="PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


def _one(**data: Any) -> Payload:
    """A form whose valid answer does not depend on the objects."""
    return lambda t: [Send(dict(data))]


def _versioned(**data: Any) -> Callable[[Target], dict[str, Any]]:
    return lambda t: {"version": t.version(), **data}


def _seen(key: str, **data: Any) -> Payload:
    """A form that carries the version of the request's object ``key`` (a booking's form, its
    seat's)."""

    def payload(t: Target) -> list[Send]:
        record = t.objects[key]
        if isinstance(record, Booking):
            record = Seat(pk=record.seat_id)
        return [Send(seen_version(record) | data)]

    return payload


def _party(side: str, prefix: str = "", *, with_consent: bool = True) -> dict[str, Any]:
    p = f"{prefix}-" if prefix else ""
    data = {
        f"{p}side": side,
        f"{p}name": "孙桂兰" if side == "applicant" else "周建军",
        f"{p}gender": "female" if side == "applicant" else "male",
        f"{p}id_type": "",
        f"{p}id_number": "",
        f"{p}phone": "13987654321",
        f"{p}address": "金江路社区 7 栋",
        f"{p}room": "1 单元 302",
    }
    if with_consent:
        data |= {f"{p}consented": "on", f"{p}notice_method": "written"}
    return data


def _case_fields() -> dict[str, Any]:
    return {
        "source": "walk_in",
        "dispute_type": "neighbour",
        "summary": "楼上空调外机噪音扰民，多次协商未果",
        "risk": "",
        "amount_involved": "1200.50",
        "persons_involved": "2",
    }


def _agreement_fields() -> dict[str, Any]:
    return {
        "form": "written",
        "facts": "楼上空调外机安装位置不当，夜间噪音影响楼下住户休息",
        "responsibilities": "楼上住户承担移机费用",
        "terms": "楼上住户于 15 日内将空调外机移至阳台外侧，费用自理",
        "performance_manner": "移机后双方共同到场查看",
        "performance_deadline": _day(15),
        "copies": "3",
    }


def _person_fields(person: User) -> dict[str, Any]:
    data = {f: getattr(person, f) or "" for f in PROFILE_FIELDS}
    return data | {"organisation": "金江路社区人民调解委员会"}


# --- the sign-in, the account and the language ------------------------------------------------


def _password_reset_confirm(t: Target) -> list[Send]:
    user = t.user
    return [
        Send(
            {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
            kwargs={
                "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
                "token": default_token_generator.make_token(user),
            },
        )
    ]


def _code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def _two_factor_setup(t: Target) -> list[Send]:
    return [Send({"code": _code(clinic_actions.pending_totp_device(t.user))})]


def _two_factor_verify(t: Target) -> list[Send]:
    device = TOTPDevice.objects.create(user=t.user, name="app", confirmed=True)
    return [Send({"code": _code(device)})]


# --- people, roles and holidays -------------------------------------------------------------


def _add_person(t: Target) -> list[Send]:
    return [
        Send(
            {
                "username": "li.wenjing",
                "display_name": "李文静",
                "phone": "13812345678",
                "email": "li.wenjing@example.org",
                "organisation": "金江路社区人民调解委员会",
                "specialism": "",
                "qualification_no": "",
                "role": "mediator",
                "region": f"community:{t.community.pk}",
                "password1": NEW_PASSWORD,
                "password2": NEW_PASSWORD,
            }
        )
    ]


def _edit_person(t: Target) -> list[Send]:
    person = User.objects.get(pk=t.objects["person"].pk)
    data = _person_fields(person)
    data["seen_version"] = person.row_version
    return [Send(data)]


# --- cases ------------------------------------------------------------------------------------


def _register_dispute(t: Target) -> list[Send]:
    data = {"community": t.community.pk, "clinic": "", "grid": "", "register_anyway": "on"}
    data |= _case_fields()
    data |= _party("applicant", "applicant") | _party("respondent", "respondent")
    data["respondent-phone"] = "13987650000"
    return [Send(data)]


def _log_advice(t: Target) -> list[Send]:
    return [
        Send(
            {
                "community": t.community.pk,
                "dispute_type": "labour",
                "source": "walk_in",
                "question": "单位拖欠三个月工资怎么办？",
                "answer": "可先向劳动监察大队投诉，或申请劳动仲裁。",
                "name": "吴海燕",
                "phone": "13700001111",
            }
        )
    ]


def _edit_case(t: Target) -> list[Send]:
    data = {"version": t.version(), "grid": ""} | _case_fields()
    # 预防效果 and the difficulty grade, as a mediator records them
    data |= {"prevented_fight": "on", "prevented_fight_persons": "6", "difficulty": "ordinary"}
    return [Send(data)]


def _extend_deadline(t: Target) -> list[Send]:
    due = Case.objects.values_list("mediation_due", flat=True).get(pk=t.objects["case"].pk)
    new_due = max(due or timezone.localdate(), timezone.localdate()) + timedelta(days=10)
    return [
        Send(
            {
                "version": t.version(),
                "new_due": new_due.isoformat(),
                "reason": "双方需补充证据",
                "consent": "双方当面同意延期",
            }
        )
    ]


def _assign_case(t: Target) -> list[Send]:
    judge = User.objects.get(username="judge")
    return [
        Send({"mediator": User.objects.get(username="mediator2").pk}, label="mediator"),
        Send({"professional": f"{judge.pk}:judge"}, label="professional"),
    ]


def _recuse_mediator(t: Target) -> list[Send]:
    return [
        Send(
            {
                "version": t.version(),
                "party": t.objects["party"].pk,
                "reason": "调解员与对方当事人系亲戚",
                "hand_to": User.objects.get(username="mediator2").pk,
            }
        )
    ]


def _add_record(t: Target) -> list[Send]:
    return [
        Send(
            {
                "held_at": _local(timezone.now()),
                "place": "诊所调解室",
                "attendees": "孙桂兰、周建军、张丽萍",
                "statements": "申请人称夜间噪音影响休息；被申请人同意移机。",
                "result": "双方达成初步意向",
            }
        )
    ]


def _upload_attachment(t: Target) -> list[Send]:
    return [Send({"kind": "evidence", "file": _png(), "description": "现场照片"})]


def _edit_party(t: Target) -> list[Send]:
    party = t.objects["party"]
    party.refresh_from_db()
    data = t.seen("party") | {
        "side": party.side,
        "name": party.name,
        "gender": party.gender,
        "id_type": party.id_type,
        "id_number": party.id_number,
        "phone": party.phone,
        "address": party.address,
        "room": "3 单元 101",
    }
    return [Send(data)]


def _party_authority(t: Target) -> list[Send]:
    """An agent's power of attorney: the request's party becomes an agent of another (inside
    the request's rolled-back savepoint)."""
    agent = t.objects["party"]
    principal = Party.objects.filter(case_id=agent.case_id).exclude(pk=agent.pk).first()
    Party.objects.filter(pk=agent.pk).update(side="agent", represents=principal)
    return [Send({"file": _png(), "description": "授权委托书"})]


def _correct_agreement(t: Target) -> list[Send]:
    return [Send(_agreement_fields() | {"reason": "履行期限写错"})]


def _update_confirmation(t: Target) -> list[Send]:
    return [
        Send(
            t.seen("signed")
            | {
                "confirmation": "applied",
                "confirmation_court": "盘龙区人民法院",
                "confirmation_reference": "",
                "confirmation_applied_on": timezone.localdate().isoformat(),
                "confirmation_decided_on": "",
            }
        )
    ]


def _consultation(t: Target) -> list[Send]:
    slots = list(
        ConsultationSlot.objects.filter(consultation=t.objects["consultation"]).values_list(
            "pk", flat=True
        )
    )
    invitee = ConsultationInvitee.objects.filter(
        consultation=t.objects["consultation"], user__username=t.role or ""
    ).first()
    return [
        Send(seen_version(invitee) | {"answer": "accepted", "slots": slots}, label="answer"),
        Send(seen_version(invitee) | {"opinion": "建议按实际损失赔偿"}, label="opinion"),
        Send(
            t.seen("consultation") | {"slot": slots[0] if slots else ""},
            label="meeting",
        ),
    ]


def _statistics_query(t: Target) -> str:
    last_month = timezone.localdate().replace(day=1) - timedelta(days=1)
    return f"period={last_month:%Y-%m}"


def _fill_report(t: Target) -> list[Send]:
    """填报 of last month: the figures as the committee's page shows them, a note for every
    warning the checks may raise."""
    period = filing.last_month()
    report = filing.committee_report(t.objects["committee"], period)
    notes = {f"note_{code}": "已核实" for code in filing.CONCERN_CODES}
    data = {"seen_figures": filing.figures_digest(report), **notes}
    return [Send(data, query=f"period={period.label}")]


def _report_filing(t: Target) -> list[Send]:
    """上报 of the report once the street approved it."""
    found = t.objects["filing"]
    found.refresh_from_db()
    if found.state == FilingState.FILED:
        do_approve_report(found, actor=User.objects.get(username="street"))
    return [Send(seen_version(found))]


def _subsidy_rules(t: Target) -> list[Send]:
    """Next month's rule of the district (the demo rule), as its page shows the version."""
    from cases.models import SubsidyRule  # noqa: PLC0415
    from cases.subsidies.statement import next_month  # noqa: PLC0415

    month = next_month(timezone.localdate())
    stored = SubsidyRule.objects.filter(valid_from=month).first()
    written = {"simple": 50, "ordinary": 100, "complex": 200, "major": 400}
    rates = {
        f"rate_{grade}_{outcome}": amount
        for grade, base in written.items()
        for outcome, amount in (
            ("written", base),
            ("oral", base // 2),
            ("failed", 30),
            ("terminated", 0),
        )
    }
    return [
        Send(
            {
                "valid_from": f"{month:%Y-%m}",
                "file_bonus": "20",
                "monthly_cap": "2000",
                "basis": "",
                "seen_version": stored.row_version if stored else 0,
                **rates,
            }
        )
    ]


def _review_file(t: Target) -> list[Send]:
    """合格, the latest review as the page shows it."""
    latest = t.objects["case"].file_reviews.order_by("-reviewed_at", "-pk").first()
    return [Send({"verdict": "passed", "seen_review": latest.pk if latest else ""})]


def _approve_subsidy_statement(t: Target) -> list[Send]:
    """审批 of the mediator's statement of this month, as its page shows it, once its cases
    are graded and their files reviewed (approval waits for them)."""
    from cases.subsidies import statement as statements  # noqa: PLC0415
    from cases.subsidies.actions import do_review_file  # noqa: PLC0415

    case = t.objects["case"]
    reviewer = User.objects.get(username="street")
    month = statements.concluded_cases().filter(street=case.street, mediator=case.mediator)
    Case.objects.filter(pk__in=month.values("pk"), difficulty="").update(difficulty="simple")
    for waiting in Case.objects.filter(pk__in=month.filter(review_verdict=None).values("pk")):
        do_review_file(
            waiting, actor=reviewer, verdict="passed", defects=[], note="", seen_review=None
        )
    found = statements.statement(case.street, case.mediator, timezone.localdate())
    return [Send({"seen": found.digest()})]


def _court_month() -> date:
    return (timezone.localdate().replace(day=1) - timedelta(days=1)).replace(day=1)


def _save_court_filings(t: Target) -> list[Send]:
    """The community's figure for last month typed in (the version its page shows)."""
    month = _court_month()
    stored = CourtFilingCount.objects.filter(community=t.community, month=month).first()
    return [
        Send(
            {
                "month": f"{month:%Y-%m}",
                f"f_{t.community.pk}": "12",
                f"v_{t.community.pk}": stored.row_version if stored else 0,
            }
        )
    ]


def _import_court_filings(t: Target) -> list[Send]:
    """The court's file with the community's figure for last month."""
    rows = f"社区,月份,民事一审收案\r\n{t.community.name},{_court_month():%Y-%m},12\r\n"
    return [Send({"file": SimpleUploadedFile("court.csv", rows.encode("utf-8-sig"))})]


#: A sweep as a grid worker records it.
SWEEP = {"kind": "scheduled", "scope": "3–8 栋", "households": "42", "participants": "周红梅"}


def _record_sweep(t: Target) -> list[Send]:
    grid = Grid.objects.filter(community=t.community).order_by("code").first()
    return [Send({"place": f"grid:{grid.pk}" if grid else "", "day": _day(0), **SWEEP})]


def _request_visit(t: Target) -> list[Send]:
    grid = Grid.objects.filter(community=t.community).order_by("code").first()
    return [
        Send(
            {
                "grid": grid.pk if grid else "",
                "resident_name": "马秀珍",
                "resident_phone": "13698765432",
                "address": "金江路社区 3 栋",
                "room": "2 单元 201",
                "elderly_alone": "on",
                "problem": "独居老人与子女赡养纠纷",
                "dispute_type": "marriage_family",
                "risk": "yellow",
                "preferred_times": "工作日上午",
                "photos": _png("door.png"),
            }
        )
    ]


def _schedule_visit(t: Target) -> list[Send]:
    lawyer = User.objects.get(username="lawyer")
    return [
        Send(
            t.seen("visit")
            | {
                "day": _day(9),
                "starts": "10:00",
                "ends": "11:00",
                "place": "金江路社区 1 栋",
                "professionals": [f"{lawyer.pk}:lawyer"],
            }
        )
    ]


# --- the roster -------------------------------------------------------------------------------


def _add_leave(t: Target) -> list[Send]:
    return [
        Send(
            {
                "starts_at": _local(_when(60, 9)),
                "ends_at": _local(_when(61, 18)),
                "reason": "年休假",
            }
        )
    ]


def _assign_seat(t: Target) -> list[Send]:
    from scheduling.actions.bookings import free_people_for  # noqa: PLC0415

    seat = t.objects["seat"]
    free = free_people_for(seat)
    return [Send({"person": free[0].pk if free else ""} | seen_version(seat))]


def _suggest_roster(t: Target) -> list[Send]:
    clinic = t.objects["clinic"]
    seat = t.objects["seat"]
    month = timezone.localtime(seat.session.starts_at)
    return [
        Send(
            {
                "month": f"{month:%Y-%m}",
                "scope": f"clinic:{clinic.pk}",
                f"seat-{seat.pk}": User.objects.get(username="prosecutor").pk,
            }
        )
    ]


def _clinic_settings(t: Target) -> list[Send]:
    return [
        Send(
            {
                "save_settings": "1",
                "judge_seats": "1",
                "prosecutor_seats": "1",
                "police_seats": "1",
                "lawyer_seats": "2",
                "minimum_hours": "4",
                "max_shifts": "8",
            },
            label="settings",
        ),
        Send(
            {
                "add_pattern": "1",
                "weekday": "4",
                "starts": "14:00",
                "ends": "17:00",
                "place": "诊所调解室",
                "kind": "regular",
            },
            label="pattern",
        ),
    ]


def _add_session(t: Target) -> list[Send]:
    return [
        Send(
            {
                "starts_at": _local(_when(12, 9)),
                "ends_at": _local(_when(12, 12)),
                "place": "金江路社区党群服务中心",
                "kind": "popup",
                "note": "义诊",
                "publish": "on",
            }
        )
    ]


VALID: dict[str, Payload] = {
    # the sign-in, the account and the language
    "login": _one(username="mediator", password=DEMO_PASSWORD),
    "logout": _one(),
    "set_language": _one(language="en", next="/"),
    "password_change": _one(
        old_password=DEMO_PASSWORD, new_password1=NEW_PASSWORD, new_password2=NEW_PASSWORD
    ),
    "password_reset": _one(email="zhang.liping@example.org"),
    "password_reset_confirm": _password_reset_confirm,
    "two_factor_setup": _two_factor_setup,
    "two_factor_verify": _two_factor_verify,
    "clinic:keepalive": _one(),
    "clinic:notifications": _one(),
    "clinic:open_notification": _one(),
    "clinic:notice_settings": _one(language="zh-hans", case_email="on", visit_sms="on"),
    # people, roles and holidays
    "clinic:add_person": _add_person,
    "clinic:edit_person": _edit_person,
    "clinic:grant_role": lambda t: [
        Send({"role": "lawyer", "region": f"community:{t.community.pk}"})
    ],
    "clinic:deactivate_person": _seen("person", reason="调离本社区"),
    "clinic:reactivate_person": _one(),
    "clinic:end_role": _seen("membership", reason="网格调整"),
    # committees as organisations
    "clinic:add_committee": lambda t: [
        Send(
            {
                "name": "盘龙区医疗纠纷人民调解委员会",
                "seal_name": "昆明市盘龙区医疗纠纷人民调解委员会",
                "code": "5301030099",
                "kind": "professional",
                "field": "medical",
                "street": t.community.street_id,
            }
        )
    ],
    "clinic:add_member": _one(
        name="赵云芳", position="mediator", employment="part_time", started_on=_day(-30)
    ),
    "clinic:edit_member": lambda t: [
        Send(
            seen_version(t.objects["committee_member"])
            | {
                "name": "王德明",
                "position": "deputy",
                "employment": "full_time",
                "certificate_no": "云调证字第0161号",
                "started_on": _day(-400),
            }
        )
    ],
    "clinic:add_training": _one(held_on=_day(-2), hours="3.5", topic="民法典培训"),
    "clinic:add_seal_use": _one(
        used_on=_day(0),
        document="letter",
        copies=1,
        purpose="出具调解情况说明",
        applicant="张丽萍",
        approved_by="李秀英",
    ),
    "clinic:save_holiday": lambda t: [
        Send({"date": _day(40), "kind": "holiday", "name": "地方节日", "works_as": ""})
    ],
    "clinic:import_holidays": lambda t: [Send({"year": timezone.localdate().year + 1})],
    "clinic:confirm_holiday_year": lambda t: [
        Send({"year": timezone.localdate().year, "official": "on"})
    ],
    "clinic:delete_holiday": _one(),
    # a community's group robots
    "clinic:add_robot": _one(
        name="网格群",
        provider="wecom",
        key="https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=0b5e7c1a-93d2-4f6e-8a1b-2c3d4e5fab12",
    ),
    "clinic:switch_robot": _one(active="off"),
    "clinic:test_robots": _one(),
    # cases
    "cases:register_dispute": _register_dispute,
    "cases:log_advice": _log_advice,
    "cases:edit_case": _edit_case,
    "cases:escalate_case": lambda t: [Send(_versioned(reason="涉及多个社区的相邻关系")(t))],
    "cases:refer_out": lambda t: [
        Send(_versioned(referred_to="盘龙区人民法院", reference="", note="涉及产权确认")(t))
    ],
    "cases:extend_deadline": _extend_deadline,
    "cases:assign_case": _assign_case,
    "cases:remove_professional": _one(),
    "cases:recuse_mediator": _recuse_mediator,
    "cases:step_aside": lambda t: [Send(_versioned(reason="与被申请人系同学")(t))],
    "cases:add_party": lambda t: [Send(_party("third_party", with_consent=True))],
    "cases:add_record": _add_record,
    "cases:new_agreement": lambda t: [Send(_agreement_fields())],
    "cases:add_advice": lambda t: [Send({"role": "lawyer", "text": "可依据民法典相邻关系处理"})],
    "cases:upload_attachment": _upload_attachment,
    "cases:withdraw_attachment": _one(reason="上传到了错误的案件"),
    "cases:fire_transition": lambda t: [
        Send(payload(t), label=name, kwargs={"name": name})
        for name, payload in TRANSITION_VALID.items()
    ],
    "cases:request_case_file": _one(),
    "cases:archive_case": _one(volume_no="2026-盘金-017"),
    "cases:edit_party": _edit_party,
    "cases:party_consent": _one(consented="on", notice_method="oral", note="当面告知"),
    "cases:party_refusal": _one(note="不愿再调解"),
    "cases:reveal_party": _one(),
    "cases:reveal_follow_up": _one(),
    "cases:common_answers": lambda t: [
        Send(
            {
                "committee": t.community.committee.pk,
                "dispute_type": "labour",
                "question": "单位不签劳动合同怎么办？",
                "answer": "满一个月未签书面合同的，可主张二倍工资，并可申请劳动仲裁。",
            }
        )
    ],
    "cases:edit_common_answer": _one(
        dispute_type="", question="调解收费吗？", answer="人民调解不收费。", active="on"
    ),
    "cases:retire_common_answer": _one(),
    "cases:dispute_subtypes": _one(
        name="家庭暴力", code="domestic-violence", dispute_type="marriage_family", order=90
    ),
    "cases:edit_dispute_subtype": lambda t: [
        Send(
            t.seen("subtype")
            | {
                "name": t.objects["subtype"].name + "纠纷",
                "code": t.objects["subtype"].code,
                "dispute_type": t.objects["subtype"].dispute_type,
                "order": 5,
                "active": "on",
            }
        )
    ],
    "cases:deactivate_dispute_subtype": _one(),
    "cases:party_authority": _party_authority,
    "cases:edit_agreement": lambda t: [Send(t.seen("agreement") | _agreement_fields())],
    "cases:sign_agreement": lambda t: [
        Send(t.seen("agreement") | {"signed_on": timezone.localdate().isoformat()})
    ],
    "cases:correct_agreement": _correct_agreement,
    "cases:add_performance_item": lambda t: [
        Send({"description": "第一期赔偿款", "amount": "400.00", "due_on": _day(20)})
    ],
    "cases:update_confirmation": _update_confirmation,
    "cases:record_follow_up": lambda t: [
        Send(
            t.seen("follow_up")
            | {
                "method": "phone",
                "performance": "full",
                "satisfaction": "5",
                "findings": "已按约移机",
                "new_risk": "",
            }
        )
    ],
    "cases:schedule_follow_up": lambda t: [
        Send(
            t.seen("follow_up")
            | {"starts_at": _local(_when(8, 10)), "hours": "1", "place": "当事人家中"}
        )
    ],
    "cases:consultation": _consultation,
    "cases:fill_report": _fill_report,
    "cases:approve_filing": lambda t: [Send(t.seen("filing"))],
    "cases:return_filing": lambda t: [Send(t.seen("filing") | {"reason": "结案日期有误，请核实"})],
    "cases:report_filing": _report_filing,
    "cases:request_case_export": lambda t: [Send({"format": "csv"}, query=_statistics_query(t))],
    "cases:save_court_filings": _save_court_filings,
    "cases:import_court_filings": _import_court_filings,
    "cases:subsidy_rules": _subsidy_rules,
    "cases:review_file": _review_file,
    "cases:approve_subsidy_statement": _approve_subsidy_statement,
    "cases:request_visit": _request_visit,
    "cases:schedule_visit": _schedule_visit,
    "cases:cancel_visit": lambda t: [Send(t.seen("visit") | {"note": "居民已自行和解"})],
    "cases:visit_outcome": lambda t: [
        Send(
            t.seen("visit")
            | {"outcome": "advice", "note": "上门了解情况", "answer": "告知赡养义务及起诉途径"}
        )
    ],
    "cases:reassign_person": lambda t: [Send({"to": User.objects.get(username="mediator").pk})],
    # the 排查 ledger
    "cases:record_sweep": _record_sweep,
    "cases:edit_sweep": lambda t: [Send(t.seen("sweep") | SWEEP | {"day": _day(-1)})],
    "cases:add_finding": _one(
        description="两户因楼道堆物争吵", persons="2", prevented="on", prevention_note="当场劝解"
    ),
    "cases:edit_finding": lambda t: [
        Send(t.seen("finding") | {"description": "楼上漏水", "persons": "3"})
    ],
    "cases:link_finding": lambda t: [Send({"reference": t.objects["visit"].reference})],
    # the roster
    "scheduling:add_leave": _add_leave,
    "scheduling:cancel_leave": _seen("leave"),
    "scheduling:feed_settings": _one(),
    "scheduling:suggest_roster": _suggest_roster,
    "scheduling:cancel_session": _seen("session", reason="场地维修"),
    "scheduling:book_seat": _one(),
    "scheduling:assign_seat": _assign_seat,
    "scheduling:undo_check_out": _seen("booking"),
    # a statement is confirmed once its month is over: last month's
    "scheduling:confirm_duty_statement": lambda t: [
        Send(
            {"period": (timezone.localdate().replace(day=1) - timedelta(days=1)).strftime("%Y-%m")}
        )
    ],
    "scheduling:cancel_booking": _seen("booking", reason="临时开庭"),
    "scheduling:offer_swap": _one(),
    "scheduling:take_swap": _one(),
    "scheduling:check_in": _seen("booking"),
    "scheduling:mark_attendance": _seen("booking", attendance="present"),
    "scheduling:toggle_pattern": _one(),
    "scheduling:clinic_settings": _clinic_settings,
    "scheduling:add_session": _add_session,
    "scheduling:generate_sessions": _one(),
    "scheduling:publish_month": _one(),
}


def _convene(t: Target) -> dict[str, Any]:
    judge, police = User.objects.get(username="judge"), User.objects.get(username="police")
    return {
        "version": t.version(),
        "question": "噪音赔偿标准如何确定？",
        "invitees": [f"{judge.pk}:judge", f"{police.pk}:police"],
        "place": "诊所调解室",
        "slot1": _local(_when(6, 15)),
        "slot2": _local(_when(7, 15)),
        "slot3": "",
        "hours": "1.5",
    }


#: A valid form of each transition page (``cases.transitions.TRANSITIONS``).
TRANSITION_VALID: dict[str, Callable[[Target], dict[str, Any]]] = {
    "accept": _versioned(),
    "dispatch": _versioned(),
    "answer_question": _versioned(answer="可向法院起诉"),
    "decline": _versioned(outcome="declined_scope", note="属于行政争议，已引导至区政府"),
    "switch_mode": _versioned(note="当事人行动不便，改为上门调解"),
    "convene": _convene,
    "conclude": _versioned(joint_opinion="按实际损失赔偿", attended="王志刚、刘强", settle_now=""),
    "settle": _versioned(amount_agreed="800.00", follow_up_assignee=""),
    "reopen": _versioned(reason="双方均申请再次调解", both_parties_ask="on"),
    "terminate": _versioned(outcome="failed", note="双方分歧过大，已告知诉讼途径"),
}
