"""The demo's committees as organisations (``seed_demo``): codes are set by the seed itself;
here members with their positions and trainings, a seal use, one trade committee
(盘龙区物业纠纷人民调解委员会) and one personal mediation studio. Re-runnable, on any date."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from clinic.choices import CommitteeField, CommitteeKind, CommitteePosition, Employment
from clinic.models import (
    CommitteeMember,
    MediationCommittee,
    SealUse,
    Street,
    TrainingRecord,
    User,
)

#: (committee by community name or None for the street's, username or None, name, position,
#: employment, certificate number, training hours this year)
MEMBERS = [
    ("金江路社区", "coordinator", "李秀英", "director", "part_time", "", "8"),
    ("金江路社区", "mediator", "张丽萍", "mediator", "full_time", "云调证字第0153号", "24"),
    ("金江路社区", None, "王德明", "member", "part_time", "云调证字第0161号", "6"),
    ("金色社区", "mediator_jinse", "何建平", "mediator", "full_time", "云调证字第0178号", "16"),
    (None, None, "罗永红", "director", "full_time", "云调证字第0102号", "32"),
]


def seed_organisation() -> None:
    today = timezone.localdate()
    street = Street.objects.get(name="联盟街道")
    studio, _ = MediationCommittee.objects.update_or_create(
        code=f"{street.code}06",
        defaults={
            "kind": CommitteeKind.STUDIO,
            "street": street,
            "name": "罗永红人民调解工作室",
            "seal_name": "昆明市盘龙区联盟街道罗永红人民调解工作室",
            "studio_mediator": "罗永红",
        },
    )
    trade, _ = MediationCommittee.objects.update_or_create(
        code=f"{street.code}04",
        defaults={
            "kind": CommitteeKind.PROFESSIONAL,
            "field": CommitteeField.PROPERTY,
            "street": street,
            "name": "盘龙区物业纠纷人民调解委员会",
            "seal_name": "昆明市盘龙区物业纠纷人民调解委员会",
        },
    )
    for committee, name, position, employment in (
        (trade, "杨春燕", CommitteePosition.DIRECTOR.value, Employment.FULL_TIME.value),
        (trade, "段志勇", CommitteePosition.MEDIATOR.value, Employment.PART_TIME.value),
        (studio, "罗永红", CommitteePosition.MEDIATOR.value, Employment.FULL_TIME.value),
    ):
        CommitteeMember.objects.get_or_create(
            committee=committee,
            name=name,
            defaults={
                "position": position,
                "employment": employment,
                "started_on": today.replace(year=today.year - 2, day=1),
            },
        )
    for place, username, name, role, kind, certificate, hours in MEMBERS:
        committee = (
            MediationCommittee.objects.get(community__name=place)
            if place
            else MediationCommittee.objects.get(street=street, level="street")
        )
        member, created = CommitteeMember.objects.get_or_create(
            committee=committee,
            name=name,
            defaults={
                "user": User.objects.filter(username=username).first() if username else None,
                "position": role,
                "employment": kind,
                "certificate_no": certificate,
                "started_on": today.replace(year=today.year - 3, day=1),
            },
        )
        if created:
            TrainingRecord.objects.create(
                member=member,
                held_on=today.replace(month=1, day=15) if today.month > 1 else today,
                hours=Decimal(hours),
                topic="人民调解业务培训（民法典婚姻家庭编）",
            )
    jinjiang = MediationCommittee.objects.get(community__name="金江路社区")
    if not SealUse.objects.filter(committee=jinjiang).exists():
        SealUse.objects.create(
            committee=jinjiang,
            used_on=today - timedelta(days=3),
            document="letter",
            copies=2,
            purpose="向街道报送季度调解工作情况",
            applicant="张丽萍",
            approved_by="李秀英",
            recorded_by=User.objects.filter(username="coordinator").first(),
        )
