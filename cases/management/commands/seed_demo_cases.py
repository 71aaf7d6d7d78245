"""``manage.py seed_demo_cases`` (run by ``seed_demo``): thirteen months of cases in 盘龙区
that read like real ones, in every state, kind, type, source, level and outcome.

Every case is driven through the same actions a mediator uses, on a moved clock
(time-machine), so numbers, deadlines, timelines and follow-ups are consistent. Idempotent:
nothing happens when any case exists already.
"""

from __future__ import annotations

import importlib
import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.apps import apps as django_apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import CommandError
from django.db import transaction
from django.utils import timezone

from cases.actions import do_assign_mediator
from cases.consultations.actions import (
    do_answer_invitation,
    do_conclude_consultation,
    do_convene_consultation,
    do_fix_meeting,
)
from cases.follow_ups.actions import do_record_follow_up
from cases.intake.actions import (
    do_accept_case,
    do_decline_case,
    do_dispatch_case,
    do_log_advice,
    do_record_refusal,
    do_register_dispute,
)
from cases.management.demo_data import (
    ADVICE,
    APPLICANTS,
    COMMON_ANSWERS,
    PLANS,
    RESPONDENTS,
    STORIES,
    STORY_SUBTYPES,
    UNIT_RESPONDENTS,
)
from cases.mediation.actions import (
    do_add_advice,
    do_add_performance_item,
    do_add_record,
    do_correct_agreement,
    do_escalate_case,
    do_refer_out,
    do_reopen_case,
    do_save_agreement,
    do_settle_case,
    do_sign_agreement,
    do_terminate_case,
    do_update_confirmation,
)
from cases.models import (
    Agreement,
    Case,
    CommonAnswer,
    ConsultationSlot,
    CourtFilingCount,
    DisputeSubtype,
    FollowUp,
    JointConsultation,
    Sweep,
)
from cases.statistics.court import check_court_file, do_import_court_filings
from cases.subsidies.demo import seed_subsidies
from cases.sweeps.actions import do_add_finding, do_record_sweep
from cases.visits.actions import (
    do_cancel_visit,
    do_record_visit_outcome,
    do_request_visit,
    do_schedule_visit,
)
from clinic.lib.commands import AuditedCommand
from clinic.lib.ids import with_check_character
from clinic.lib.workdays import WorkCalendar
from clinic.models import Community, Holiday, MediationCommittee, User
from scheduling.actions import busy_periods

MEDIATOR = {"金江路社区": "mediator", "金色社区": "mediator_jinse"}
#: The demo's 排查: (community, recorded by, days ago, kind, grid or "" for the whole
#: community, what was swept, households visited, [(dispute found, persons, what was done if
#: prevented)]).
SWEEPS = [
    (
        "金江路社区",
        "gridworker",
        2,
        "scheduled",
        "第一网格",
        "1–6 栋",
        48,
        [
            ("3 栋楼上漏水，两户争执", 2, "当场联系物业维修，双方和解"),
            ("6 栋子女拖欠老人赡养费", 3, ""),
        ],
    ),
    (
        "金江路社区",
        "gridworker",
        9,
        "scheduled",
        "第二网格",
        "7–12 栋",
        52,
        [
            ("装修噪音扰民", 4, "约定施工时间，张贴告示"),
        ],
    ),
    (
        "金江路社区",
        "coordinator",
        16,
        "special",
        "",
        "欠薪专项：辖区工地与商铺",
        35,
        [
            ("工地拖欠农民工工资", 12, ""),
        ],
    ),
    ("金江路社区", "gridworker", 33, "scheduled", "第一网格", "1–6 栋", 45, []),
    (
        "金色社区",
        "gridworker_jinse",
        5,
        "scheduled",
        "第一网格",
        "金色大道沿街商铺",
        30,
        [
            ("商铺占道经营引发口角", 2, "劝导商户退回店内经营"),
        ],
    ),
]
# Home visits and consultation meetings are booked at the first of these hours at which
# everyone taking part is free (clinic shifts, other visits and meetings are in their calendars).
VISIT_HOURS = (15, 10, 16, 9, 14, 11)
VISIT_LENGTH = timedelta(hours=1)
MEETING_HOURS = (15, 10, 9, 16, 14)
MEETING_LENGTH = timedelta(hours=1, minutes=30)
SETTLING = {"金江路社区", "金色社区"}


class Demo:
    def __init__(self, travel: Any) -> None:
        self.travel = travel
        self.rng = random.Random(2026)  # noqa: S311  demo data, the same on every run
        self.serial = 0
        self.now = timezone.localtime()

    def user(self, username: str) -> User:
        return User.objects.get(username=username)

    def at(self, days_ago: int, hour: int = 9) -> Any:
        """The clock moved to ``hour`` (and a few minutes) so many days before today: whole
        days, so the seed gives the same data whatever the hour it runs."""
        day = self.now.date() - timedelta(days=days_ago)
        moment = datetime.combine(day, time(hour, self.rng.randrange(0, 50)))
        return self.travel(timezone.make_aware(moment), tick=False)

    def start_of_today(self) -> Any:
        """The clock at 00:00 today: what the seed writes "now" is the same whatever the hour."""
        start = timezone.make_aware(datetime.combine(self.now.date(), time(0)))
        return self.travel(start, tick=False)

    def free_start(
        self,
        people: list[User],
        day: date,
        hours: tuple[int, ...],
        *,
        length: timedelta = VISIT_LENGTH,
        calendar: WorkCalendar | None = None,
    ) -> datetime:
        """The first of ``hours`` on ``day`` (or, when all are taken, on the days after; only
        on working days when a ``calendar`` is given) at which none of ``people`` has anything
        in their calendar for ``length``."""
        for later in range(14):
            if calendar and not calendar.is_working_day(day + timedelta(days=later)):
                continue
            for hour in hours:
                starts = timezone.make_aware(
                    datetime.combine(day + timedelta(days=later), time(hour))
                )
                taken = busy_periods(people, starts, starts + length)
                if not any(taken.values()):
                    return starts
        raise CommandError(f"Nobody of {people} is free for a fortnight from {day}.")

    def person(self, side: str, name: str, community: str, *, consented: bool = True) -> dict:
        self.serial += 1
        birth = f"{self.rng.randrange(1945, 2000)}{self.rng.randrange(1, 13):02d}"
        birth += f"{self.rng.randrange(1, 29):02d}"
        unit, floor, door = (
            self.rng.randrange(1, 5),
            self.rng.randrange(1, 18),
            self.rng.randrange(1, 4),
        )
        return {
            "side": side,
            "name": name,
            "gender": self.rng.choice(["female", "male"]),
            "id_type": "resident_id",
            "id_number": with_check_character(f"530103{birth}{self.serial:03d}"),
            "phone": f"1{self.rng.choice('358')}{self.rng.randrange(10**8, 10**9)}",
            "address": f"{community} {self.rng.randrange(1, 30)} 栋",
            "room": f"{unit} 单元 {floor}0{door}",
            "elderly_alone": self.rng.random() < 0.1,
            "disabled": self.rng.random() < 0.05,
            "consented": consented,
            "notice_method": "written" if consented else "",
        }


def _fresh(case: Case) -> Case:
    return Case.objects.get(pk=case.pk)


class Command(AuditedCommand):
    help = "Add thirteen months of demo cases (run by seed_demo)."

    def _starter_subtypes(self) -> None:
        """The starter 细类 as migration 0031 loads them, again when a database was emptied
        after migrating (the browser tests' flush): the demo stories carry them."""
        if DisputeSubtype.objects.exists():
            return
        migration = importlib.import_module("cases.migrations.0031_parties_subtypes")
        migration.load_starter_subtypes(django_apps, None)

    def handle(self, *args: Any, **options: Any) -> None:
        self._starter_subtypes()
        self._common_answers()
        self._court_filings()
        self._sweeps()
        if Case.objects.exists():
            self.stdout.write("Cases exist already: no demo cases added.")
            seed_subsidies()
            return
        try:
            import time_machine  # noqa: PLC0415  optional: only the development extras have it
        except ImportError as error:
            raise CommandError("Demo cases need the development extras (time-machine).") from error
        demo = Demo(time_machine.travel)
        with transaction.atomic():
            for index, plan in enumerate(PLANS):
                self._case(demo, index, *plan)
            for index, (dispute_type, question, answer) in enumerate(ADVICE):
                self._advice(demo, index, dispute_type, question, answer)
            self._visits(demo)
            with demo.start_of_today():
                self._consultation_answers(demo)
        seed_subsidies()
        self.stdout.write(f"{Case.objects.count()} demo cases.")

    def _common_answers(self) -> None:
        """Each demo committee's common answers, once (a second run finds them there)."""
        for place, mediator in MEDIATOR.items():
            committee = MediationCommittee.objects.get(community__name=place)
            for dispute_type, question, answer, used in COMMON_ANSWERS:
                CommonAnswer.objects.get_or_create(
                    committee=committee,
                    question=question,
                    defaults={
                        "dispute_type": dispute_type,
                        "answer": answer,
                        "times_used": used,
                        "updated_by": User.objects.get(username=mediator),
                    },
                )

    def _court_filings(self) -> None:
        """The last twelve months of the court's civil first-instance filings for every
        community (万人成讼率), imported as the court's file would be, once."""
        if CourtFilingCount.objects.exists():
            return
        rng = random.Random(2026)  # noqa: S311  demo data, the same on every run
        months = [timezone.localdate().replace(day=1)]
        while len(months) <= 12:
            months.append((months[-1] - timedelta(days=1)).replace(day=1))
        rows = ["社区,月份,民事一审收案"]
        for community in Community.objects.order_by("code"):
            per_year = rng.uniform(70, 130)  # filings a year per 10,000 residents
            mean = (community.population or 10000) * per_year / 10000 / 12
            for month in sorted(months[1:]):
                rows.append(f"{community.code},{month:%Y-%m},{round(mean * rng.uniform(0.6, 1.4))}")
        upload = SimpleUploadedFile("盘龙区人民法院-民事一审收案.csv", "\r\n".join(rows).encode())
        court_file = check_court_file(
            upload, communities=Community.objects.select_related("street")
        )
        do_import_court_filings(court_file, actor=User.objects.get(username="admin"))

    def _sweeps(self) -> None:
        """A few weeks of 排查 in 金江路社区 and 金色社区, relative to today (any date), once:
        scheduled sweeps of a grid, a special one of the whole community, disputes found, some
        settled on the spot (预防)."""
        if Sweep.objects.exists():
            return
        today = timezone.localdate()
        for community, by, back, kind, grid, scope, households, found in SWEEPS:
            place = Community.objects.get(name=community)
            actor = User.objects.get(username=by)
            sweep = do_record_sweep(
                actor=actor,
                community=place,
                grid=place.grids.get(name=grid) if grid else None,
                day=today - timedelta(days=back),
                kind=kind,
                scope=scope,
                participants=actor.display_name,
                households=households,
            )
            for description, persons, done in found:
                do_add_finding(
                    sweep,
                    actor=actor,
                    description=description,
                    persons=persons,
                    prevented=bool(done),
                    prevention_note=done,
                )

    # --- One case --------------------------------------------------------------------------

    def _case(self, demo: Demo, index: int, path: str, days: int, place: str, risk: str) -> None:
        dispute_type, source, summary, amount, facts, terms = STORIES[index % len(STORIES)]
        community = Community.objects.get(name=place)
        actor_name = MEDIATOR.get(place, "admin")
        actor = demo.user(actor_name)
        applicant = APPLICANTS[index % len(APPLICANTS)]
        respondent = RESPONDENTS[index % len(RESPONDENTS)]
        missing = path == "registered_missing_consent"
        respondent_party = demo.person("respondent", respondent, place, consented=not missing)
        if unit := UNIT_RESPONDENTS.get(summary):  # a company: its name, code and 法定代表人
            respondent = unit["name"]
            respondent_party = {
                "side": "respondent",
                **unit,
                "consented": not missing,
                "notice_method": "" if missing else "written",
            }
        subtype = DisputeSubtype.objects.filter(code=STORY_SUBTYPES.get(summary, "")).first()
        flags: dict[str, Any] = {}
        if index % 7 == 3:
            flags = {"prevented_criminal": True, "prevented_criminal_persons": 2}
        if index % 11 == 2:
            flags |= {"prevented_petition": True, "prevented_petition_persons": 12}
        if index % 13 == 5:
            flags |= {"prevented_fight": True, "prevented_fight_persons": 6}
        if index % 17 == 9:
            flags |= {"prevented_suicide": True, "prevented_suicide_persons": 1}
        with demo.at(days):
            case = do_register_dispute(
                actor=actor,
                community=community,
                parties=[
                    demo.person("applicant", applicant, place),
                    respondent_party,
                ],
                mediator=actor if actor_name != "admin" else None,
                clinic=community.clinics.first(),
                grid=community.grids.first(),
                source=source,
                dispute_type=dispute_type,
                dispute_subtype=subtype,
                summary=summary,
                risk=risk,
                amount_involved=amount,
                persons_involved=2 + (10 if flags.get("prevented_petition") else 0),
                **flags,
            )
        if path.startswith("registered"):
            return
        if path.startswith("declined"):
            reason = {
                "declined_scope": ("declined_scope", "属于行政复议事项，已引导至区政府复议机构"),
                "declined_duplicate": ("declined_duplicate", "与本委员会正在调解的案件系同一纠纷"),
                "declined_refused": (
                    "declined_refused",
                    "被申请人明确表示不同意调解，已告知可诉讼",
                ),
            }[path]
            with demo.at(days - 1):
                do_decline_case(
                    _fresh(case), actor=actor, version=None, outcome=reason[0], note=reason[1]
                )
            return
        patrol = path in {"patrol", "overdue_patrol"} or index % 5 == 0
        with demo.at(days - 1):
            if patrol:
                do_dispatch_case(_fresh(case), actor=actor, version=None)
            else:
                do_accept_case(_fresh(case), actor=actor, version=None)
        if index % 4 == 1:  # the facts looked into first: an investigation record (调查记录)
            with demo.at(days - 2, 10):
                do_add_record(
                    _fresh(case),
                    actor=actor,
                    data={
                        "kind": "investigation",
                        "held_at": timezone.now(),
                        "place": f"{place}纠纷现场",
                        "attendees": "知情邻居一名",
                        "statements": "问：您了解这起纠纷的经过吗？\n答：知道一些，双方争执过几次。"
                        "\n问：情况是否属实？\n答：属实，我愿意作证。",
                        "result": "申请人所述基本属实",
                    },
                )
        with demo.at(days - 2, 15):
            do_add_record(
                _fresh(case),
                actor=actor,
                data={
                    "held_at": timezone.now(),
                    # where it was held (the mode is on the case): a home, or the clinic
                    "place": f"{place}申请人家中" if patrol else "社区法律诊所调解室",
                    "attendees": f"申请人{applicant}、被申请人{respondent}、调解员{actor}",
                    "statements": f"问：请申请人{applicant}陈述纠纷经过。\n答：{summary}。"
                    f"\n问：被申请人{respondent}对此有何意见？"
                    "\n答：对部分事实有异议，表示愿意协商解决。",
                    "result": "双方同意继续协商" if "closed" in path else "双方分歧较大，择日再调",
                },
            )
        if path in {"sit_in", "patrol", "overdue_sit_in", "overdue_patrol"}:
            return
        if path in {"failed", "withdrawn", "party_refuses"}:
            with demo.at(days - 12):
                if path == "party_refuses":
                    party = _fresh(case).parties.get(side="respondent")
                    do_record_refusal(party, actor=actor, note="表示不再参加调解")
                do_terminate_case(
                    _fresh(case),
                    actor=actor,
                    version=None,
                    outcome=path,
                    note={
                        "failed": "双方对赔偿数额分歧过大，调解不成，已告知可向人民法院起诉",
                        "withdrawn": "申请人与对方自行和解，撤回调解申请",
                        "party_refuses": "被申请人拒绝继续调解（人民调解法第二十六条），已引导诉讼",
                    }[path],
                )
            return
        if path == "referred_out":
            with demo.at(days - 10):
                do_refer_out(
                    _fresh(case),
                    actor=demo.user("coordinator" if place == "金江路社区" else "admin"),
                    version=None,
                    referred_to="盘龙区人民法院",
                    reference=f"(2026)云0103民初{1000 + index}号",
                    note="涉案金额大、法律关系复杂，当事人坚持诉讼",
                )
            return
        if path.startswith("escalated"):
            with demo.at(days - 4):
                do_escalate_case(
                    _fresh(case),
                    actor=demo.user("coordinator"),
                    version=None,
                    reason="涉及多户居民和物业公司，需街道调委会统筹",
                )
            street_mediator = demo.user("mediator_street")
            with demo.at(days - 4, 14):
                do_assign_mediator(
                    _fresh(case), actor=demo.user("street"), mediator=street_mediator
                )
            if path == "escalated_open":
                return
            actor = street_mediator
        if path == "joint" or index % 6 == 1:
            professionals = (
                [(demo.user("judge"), "judge"), (demo.user("police"), "police")]
                if place != "金色社区"
                else [(demo.user("judge_donghua"), "judge"), (demo.user("police_jinse"), "police")]
            )
            with demo.at(days - 5):
                do_convene_consultation(
                    _fresh(case),
                    actor=actor,
                    version=None,
                    question="责任如何划分、赔偿标准如何确定？",
                    invitees=professionals,
                )
            for professional, role in professionals:
                with demo.at(days - 6, 10):
                    do_add_advice(
                        _fresh(case),
                        actor=professional,
                        role=role,
                        text="建议按照实际损失确定赔偿数额，并明确履行期限，必要时申请司法确认。",
                    )
            if path == "joint":
                return
            with demo.at(days - 7):
                do_conclude_consultation(
                    _fresh(case),
                    actor=actor,
                    version=None,
                    joint_opinion="各方一致认为宜调解解决，赔偿按实际损失计算。",
                    attended="、".join(str(p) for p, _ in professionals),
                )
        if place not in SETTLING and actor.username != "mediator_street":
            return
        # Settlement.
        oral = path == "closed_oral"
        with demo.at(days - 9):
            agreement = do_save_agreement(
                _fresh(case),
                actor=actor,
                data={
                    "form": "oral" if oral else "written",
                    "facts": facts,
                    "responsibilities": "" if oral else "被申请人承担主要责任",
                    "terms": terms,
                    "performance_manner": "" if oral else "现金或银行转账，履行后双方签字确认",
                    "performance_deadline": (timezone.localdate() + timedelta(days=20)),
                    "copies": 3,
                },
            )
            if path == "closed_instalments":
                for month in (1, 2, 3):
                    do_add_performance_item(
                        agreement,
                        actor=actor,
                        data={
                            "description": f"第{month}期付款",
                            "amount": 3500,
                            "due_on": timezone.localdate() + timedelta(days=30 * month),
                        },
                    )
            do_sign_agreement(agreement, actor=actor, signed_on=timezone.localdate())
        if path == "corrected_closed":
            with demo.at(days - 10):
                agreement = do_correct_agreement(
                    agreement,
                    actor=actor,
                    reason="履行期限笔误，双方确认更正",
                    data={"performance_deadline": timezone.localdate() + timedelta(days=25)},
                )
                do_sign_agreement(agreement, actor=actor, signed_on=timezone.localdate())
        with demo.at(days - 10, 16):
            do_settle_case(
                _fresh(case),
                actor=actor,
                version=None,
                amount_agreed=Decimal(amount * 9 // 10) if amount else None,
                follow_up_assignee=demo.user("gridworker") if path == "follow_up_grid" else None,
            )
        if path in {"follow_up", "follow_up_grid"}:
            return
        follow_ups = FollowUp.objects.filter(case=case, done_at__isnull=True).order_by("due_on")
        if path == "urged":
            first = follow_ups[0]
            with demo.at(max(days - 35, 1)):
                do_record_follow_up(
                    first,
                    actor=actor,
                    method="visit",
                    performance="partial",
                    satisfaction=3,
                    findings="被申请人仅支付一半款项，已当面督促履行",
                    setbacks=["payment_order"],
                    setback_note="申请人已就余款向盘龙区人民法院申请支付令",
                )
            return
        if path == "reopened":
            with demo.at(days - 25):
                do_update_confirmation(
                    Agreement.objects.get(pk=agreement.pk),
                    actor=actor,
                    data={
                        "confirmation": "refused",
                        "confirmation_court": "盘龙区人民法院",
                        "confirmation_reference": f"(2026)云0103民特{200 + index}号",
                        "confirmation_applied_on": timezone.localdate() - timedelta(days=10),
                        "confirmation_decided_on": timezone.localdate(),
                    },
                )
                do_reopen_case(
                    _fresh(case),
                    actor=actor,
                    version=None,
                    reason="法院裁定不予确认，双方同意重新调解",
                    both_parties_ask=False,
                )
            return
        for number, follow_up in enumerate(follow_ups):
            done = min(days - 12 - 30 * (number + 1), days - 13)
            with demo.at(max(done, 1)):
                do_record_follow_up(
                    FollowUp.objects.get(pk=follow_up.pk),
                    actor=actor,
                    method="phone" if number % 2 else "visit",
                    performance="full",
                    satisfaction=5 - (index % 2),
                    findings="已按协议履行完毕，双方关系缓和",
                )

    def _advice(
        self, demo: Demo, index: int, dispute_type: str, question: str, answer: str
    ) -> None:
        place = ["金江路社区", "金色社区"][index % 2]
        actor = demo.user(MEDIATOR[place])
        with demo.at(300 - index * 33, 10):
            do_log_advice(
                actor=actor,
                community=Community.objects.get(name=place),
                question=question,
                answer=answer,
                asker={"name": APPLICANTS[-1 - index], "phone": "", "address": ""},
                dispute_type=dispute_type,
                source="walk_in" if index % 3 else "online",
            )

    # --- Home visits and consultation answers --------------------------------------------

    def _visits(self, demo: Demo) -> None:
        grid_worker = demo.user("gridworker")
        grids = list(Community.objects.get(name="金江路社区").grids.order_by("code")[:2])
        requests = [
            (
                "submitted",
                2,
                "red",
                "刘大爷",
                "独居老人与楼上邻居因漏水争吵，情绪激动，扬言要报复",
                "neighbour",
            ),
            (
                "submitted",
                1,
                "orange",
                "马阿姨",
                "腿脚不便，儿女对赡养费分摊有争议，想请律师上门",
                "marriage_family",
            ),
            ("submitted", 1, "", "周先生", "小区停车位被占，多次协商无果", ""),
            ("scheduled", 3, "yellow", "孙奶奶", "老人被推销保健品，想退款但行动不便", "consumer"),
            ("visited_advice", 20, "", "钱大妈", "想咨询遗嘱怎么写才有效", "other"),
            (
                "visited_dispute",
                15,
                "orange",
                "吴爷爷",
                "与租户因房租和押金发生纠纷，租户拒不搬离",
                "contract",
            ),
            ("visited_oral", 10, "", "郑阿姨", "楼上空调外机滴水到自家阳台", "neighbour"),
            ("cancelled", 25, "", "冯先生", "家中漏水问题已由物业处理", "property_management"),
        ]
        for index, (status, days, risk, name, problem, dispute_type) in enumerate(requests):
            with demo.at(days, 9 + index % 3):
                visit = do_request_visit(
                    actor=grid_worker,
                    grid=grids[index % 2],
                    resident_name=name,
                    resident_phone=f"139{8700_0000 + index:08d}",
                    address=f"金江路社区 {3 + index} 栋",
                    room=f"{1 + index % 3} 单元 {2 + index}01",
                    elderly_alone=index % 3 == 0,
                    disabled=index == 1,
                    problem=problem,
                    dispute_type=dispute_type,
                    risk=risk,
                    preferred_times="工作日上午" if index % 2 else "周末均可",
                )
            if status == "submitted":
                continue
            if status == "cancelled":
                with demo.at(days - 1):
                    do_cancel_visit(visit, actor=grid_worker, reason="问题已解决")
                continue
            visit_day = days - 2 if status != "scheduled" else -2
            visitors = [(demo.user("lawyer"), "lawyer"), (demo.user("mediator"), "mediator")]
            day = (demo.now - timedelta(days=visit_day)).date()
            starts = demo.free_start([user for user, _role in visitors], day, VISIT_HOURS)
            with demo.at(days, 14):  # the afternoon the request came in
                do_schedule_visit(
                    visit,
                    actor=demo.user("coordinator"),
                    professionals=visitors,
                    starts_at=starts,
                    ends_at=starts + VISIT_LENGTH,
                    place=f"{visit.address} {visit.room}",
                )
            if status == "scheduled":
                continue
            outcome = status.removeprefix("visited_")
            with demo.travel(starts + VISIT_LENGTH + timedelta(minutes=20), tick=False):
                do_record_visit_outcome(
                    visit,
                    actor=demo.user("mediator"),
                    outcome=outcome,
                    note="已上门了解情况",
                    answer="自书遗嘱须全文亲笔书写、签名并注明年月日；也可到公证处办理公证遗嘱。",
                    respondent={"name": "租户陈某", "phone": "13700001234"}
                    if outcome == "dispute"
                    else {"name": "楼上住户林某", "phone": ""},
                    consents=(True, True),
                    agreement_terms="林某于三日内调整空调外机排水管，不再滴水",
                )

    def _consultation_answers(self, demo: Demo) -> None:
        """Open consultations: proposed times, one answered, one with its meeting fixed."""
        open_ones = JointConsultation.objects.filter(concluded_at__isnull=True).order_by("pk")
        calendar = Holiday.objects.calendar()
        for number, consultation in enumerate(open_ones):
            invited = consultation.invitees.order_by("pk").select_related("user")
            people = [consultation.convened_by, *(i.user for i in invited)]
            day = calendar.on_or_after(demo.now.date() + timedelta(days=2 + number))
            slots = []
            for _offset in (0, 1):
                starts = demo.free_start(
                    people, day, MEETING_HOURS, length=MEETING_LENGTH, calendar=calendar
                )
                slots.append(
                    ConsultationSlot.objects.create(
                        consultation=consultation,
                        starts_at=starts,
                        ends_at=starts + MEETING_LENGTH,
                        place="社区法律诊所调解室",
                    )
                )
                day = calendar.next_working_day(timezone.localdate(starts))
            invitees = list(consultation.invitees.order_by("pk"))
            first, second = invitees[0], invitees[1]
            do_answer_invitation(first, actor=first.user, accepted=True, slots=slots)
            if number == 0:
                do_answer_invitation(second, actor=second.user, accepted=True, slots=slots[:1])
                do_fix_meeting(consultation, actor=consultation.convened_by, slot=slots[0])
            else:
                do_answer_invitation(second, actor=second.user, accepted=False)
