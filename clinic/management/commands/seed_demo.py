"""``manage.py seed_demo``: 昆明市盘龙区 with its streets, communities, grids, committees,
clinics and one demo account per role. Idempotent: running it again changes nothing.

Apps that come later add their own demo data in a ``seed_demo_<app label>`` command, which
this command runs after its own.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.apps import apps
from django.contrib.auth.hashers import make_password
from django.core.management import call_command, get_commands
from django.core.management.base import CommandParser
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from clinic import access
from clinic.actions import do_grant_role, do_import_holidays
from clinic.choices import CommitteeKind, CommitteeLevel, Role
from clinic.committees.demo import seed_organisation
from clinic.lib.commands import AuditedCommand
from clinic.models import (
    Clinic,
    Community,
    District,
    Grid,
    MediationCommittee,
    Membership,
    Street,
    User,
)
from clinic.notify import backends

DEMO_PASSWORD = "clinic-demo-2026"  # noqa: S105  the demo accounts' published password

# (code, name, committee prefix, communities: (code suffix, name, prefix, km², households, people))
STREETS = [
    (
        "530103004",
        "联盟街道",
        "盘联街",
        [
            ("001", "金江路社区", "盘金", "0.52", 6900, 23000),
            ("002", "白龙路社区", "盘白龙", "0.86", 5200, 15800),
            ("003", "北辰社区", "盘北辰", "1.10", 7400, 21600),
            ("004", "穿金路社区", "盘穿金", "0.64", 4100, 12300),
        ],
    ),
    (
        "530103003",
        "东华街道",
        "盘东街",
        [
            ("001", "金色社区", "盘金色", "0.70", 5600, 17100),
            ("002", "田园路社区", "盘田园", "0.45", 3900, 11800),
            ("003", "东华社区", "盘东华", "0.58", 4700, 14200),
            ("004", "菊华社区", "盘菊华", "0.91", 6100, 18400),
        ],
    ),
    (
        "530103001",
        "拓东街道",
        "盘拓街",
        [
            ("001", "拓东社区", "盘拓东", "0.38", 3300, 9600),
            ("002", "塘子巷社区", "盘塘子", "0.41", 3600, 10200),
        ],
    ),
    (
        "530103006",
        "青云街道",
        "盘青街",
        [
            ("001", "青云社区", "盘青云", "0.77", 5800, 17500),
            ("002", "白塔社区", "盘白塔", "0.66", 4900, 14700),
        ],
    ),
]

GRIDS = [("第一网格", "1–6 栋"), ("第二网格", "7–12 栋"), ("第三网格", "13–20 栋及沿街商铺")]

# (slug, community, name, address, phone)
CLINICS = [
    (
        "jinjianglu",
        "金江路社区",
        "金江路社区“三官一律”法律诊所",
        "盘龙区金江路社区党群服务中心一楼",
        "0871-65611020",
    ),
    (
        "beichen",
        "北辰社区",
        "北辰社区“三官一律”法律诊所",
        "盘龙区北辰大道北辰社区居委会二楼",
        "0871-65730216",
    ),
    (
        "jinse",
        "金色社区",
        "金色社区“三官一律”法律诊所",
        "盘龙区金色大道金色社区便民服务站",
        "0871-63301457",
    ),
    (
        "tianyuanlu",
        "田园路社区",
        "田园路社区“三官一律”法律诊所",
        "盘龙区田园路社区居委会一楼",
        "0871-63302118",
    ),
]

# (username, name, organisation, specialism, qualification, phone, [(role, region kind, name)])
PEOPLE = [
    (
        "admin",
        "杨建华",
        "盘龙区司法局",
        "",
        "",
        "13708710001",
        [(Role.DISTRICT_ADMIN, "district", "盘龙区")],
    ),
    (
        "coordinator",
        "李秀英",
        "金江路社区居民委员会",
        "",
        "",
        "13708710002",
        [(Role.COORDINATOR, "community", "金江路社区")],
    ),
    (
        "mediator",
        "张丽萍",
        "金江路社区人民调解委员会",
        "婚姻家庭、邻里纠纷",
        "云调证字第0153号",
        "13708710003",
        [(Role.MEDIATOR, "community", "金江路社区")],
    ),
    (
        "judge",
        "王志刚",
        "盘龙区人民法院联盟人民法庭",
        "民事审判",
        "",
        "13708710004",
        [(Role.JUDGE, "street", "联盟街道")],
    ),
    (
        "prosecutor",
        "赵敏",
        "盘龙区人民检察院",
        "未成年人检察",
        "",
        "13708710005",
        [(Role.PROSECUTOR, "street", "联盟街道")],
    ),
    (
        "police",
        "刘强",
        "昆明市公安局盘龙分局联盟派出所",
        "社区警务",
        "",
        "13708710006",
        [(Role.POLICE, "community", "金江路社区")],
    ),
    (
        "lawyer",
        "陈思远",
        "云南滇池律师事务所",
        "劳动争议、合同纠纷",
        "15301201810234567",
        "13708710007",
        [
            (Role.LAWYER, "community", "金江路社区"),
            (Role.LAWYER, "community", "北辰社区"),
            (Role.LAWYER, "community", "白龙路社区"),
        ],
    ),
    (
        "gridworker",
        "周红梅",
        "金江路社区居民委员会",
        "",
        "",
        "13708710008",
        [
            (Role.GRID_WORKER, "grid", "金江路社区 第一网格"),
            (Role.GRID_WORKER, "grid", "金江路社区 第二网格"),
        ],
    ),
    (
        "street",
        "孙建国",
        "联盟街道办事处综治中心",
        "",
        "",
        "13708710009",
        [(Role.STREET_OFFICER, "street", "联盟街道")],
    ),
    (
        "coordinator_jinse",
        "马丽华",
        "金色社区居民委员会",
        "",
        "",
        "13708710010",
        [(Role.COORDINATOR, "community", "金色社区")],
    ),
    (
        "mediator_jinse",
        "何建平",
        "金色社区人民调解委员会",
        "物业纠纷",
        "云调证字第0178号",
        "13708710011",
        [(Role.MEDIATOR, "community", "金色社区")],
    ),
    (
        "mediator_street",
        "段永福",
        "联盟街道人民调解委员会",
        "征地拆迁、劳动争议",
        "云调证字第0102号",
        "13708710012",
        [(Role.MEDIATOR, "street", "联盟街道")],
    ),
    (
        "gridworker_jinse",
        "吴晓燕",
        "金色社区居民委员会",
        "",
        "",
        "13708710013",
        [(Role.GRID_WORKER, "grid", "金色社区 第一网格")],
    ),
    (
        "street_donghua",
        "黄志明",
        "东华街道办事处综治中心",
        "",
        "",
        "13708710014",
        [(Role.STREET_OFFICER, "street", "东华街道")],
    ),
    (
        "judge_donghua",
        "王海燕",
        "盘龙区人民法院东华人民法庭",
        "家事审判",
        "",
        "13708710015",
        [(Role.JUDGE, "street", "东华街道")],
    ),
    (
        "police_jinse",
        "杨波",
        "昆明市公安局盘龙分局东华派出所",
        "社区警务",
        "",
        "13708710016",
        [(Role.POLICE, "community", "金色社区")],
    ),
    (
        "lawyer_jinse",
        "李若溪",
        "云南春城律师事务所",
        "婚姻家庭、物业纠纷",
        "15301201910345678",
        "13708710017",
        [(Role.LAWYER, "community", "金色社区"), (Role.LAWYER, "community", "田园路社区")],
    ),
]


class Command(AuditedCommand):
    help = "Load the 盘龙区 demo data (idempotent) and print the demo accounts."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--base-only",
            action="store_true",
            help="Only regions, clinics, people and holidays; skip the apps' demo data.",
        )

    def handle(self, *args: Any, base_only: bool = False, **options: Any) -> None:
        # Demo notifications stay in the inbox; no email, SMS or group message goes out for
        # them (their delivery log says sent, to nobody outside)
        with override_settings(
            EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend",
            CLINIC_SMS_BACKEND="memory",
            CLINIC_ROBOT_BACKEND="memory",
        ):
            self._seed(base_only=base_only)
        backends.clear()

    @transaction.atomic
    def _seed(self, *, base_only: bool) -> None:
        district, _ = District.objects.update_or_create(
            code="530103", defaults={"name": "盘龙区", "city": "昆明市"}
        )
        for street_code, street_name, street_prefix, communities in STREETS:
            street, _ = Street.objects.update_or_create(
                code=street_code, defaults={"name": street_name, "district": district}
            )
            MediationCommittee.objects.update_or_create(
                case_prefix=street_prefix,
                defaults={
                    "level": CommitteeLevel.STREET,
                    "kind": CommitteeKind.TOWNSHIP,
                    "code": f"{street_code}02",
                    "street": street,
                    "community": None,
                    "name": f"{street_name}人民调解委员会",
                    "seal_name": f"昆明市盘龙区{street_name}人民调解委员会",
                },
            )
            for suffix, name, prefix, area, households, population in communities:
                community, _ = Community.objects.update_or_create(
                    code=f"{street_code}{suffix}",
                    defaults={
                        "street": street,
                        "name": name,
                        "area_km2": Decimal(area),
                        "households": households,
                        "population": population,
                    },
                )
                MediationCommittee.objects.update_or_create(
                    case_prefix=prefix,
                    defaults={
                        "level": CommitteeLevel.COMMUNITY,
                        "kind": CommitteeKind.VILLAGE,
                        "code": f"{community.code}01",
                        "street": street,
                        "community": community,
                        "name": f"{name}人民调解委员会",
                        "seal_name": f"昆明市盘龙区{street_name}{name}人民调解委员会",
                    },
                )
                for number, (grid_name, buildings) in enumerate(GRIDS, start=1):
                    Grid.objects.update_or_create(
                        code=f"{community.code}{number:02d}",
                        defaults={
                            "community": community,
                            "name": grid_name,
                            "description": buildings,
                        },
                    )
        for slug, community_name, name, address, phone in CLINICS:
            community = Community.objects.get(name=community_name)
            Clinic.objects.update_or_create(
                slug=slug,
                defaults={
                    "community": community,
                    "committee": community.committee,
                    "name": name,
                    "address": address,
                    "phone": phone,
                    "opening_notes": "每周三上午 9:00–11:30 坐诊；其余工作日可预约。",
                },
            )
        self._people(district)
        seed_organisation()
        today = timezone.localdate()
        do_import_holidays([today.year - 1, today.year, today.year + 1])

        for config in apps.get_app_configs():
            command = f"seed_demo_{config.label}"
            if command in get_commands() and not base_only:
                call_command(command, stdout=self.stdout)
        self._print_accounts()

    def _people(self, district: District) -> None:
        admin = None
        # One hash for every demo account: the password is published, and hashing it seventeen
        # times (a quarter of a second each) was a third of the seed's time.
        demo_hash = ""
        for username, name, organisation, specialism, qualification, phone, roles in PEOPLE:
            user, created = User.objects.get_or_create(
                username=username,
                defaults={
                    "display_name": name,
                    "organisation": organisation,
                    "specialism": specialism,
                    "qualification_no": qualification,
                    "phone": phone,
                    "email": f"{username}@clinic.example",
                },
            )
            if created:
                demo_hash = demo_hash or make_password(DEMO_PASSWORD)
                # nobody is a superuser: the district admin works through its role's group
                user.password, user.password_changed_at = demo_hash, timezone.now()
                user.save()
            if username == "admin":
                admin = user
            for role, kind, region_name in roles:
                region = _region(district, kind, region_name)
                level = access.level_of(region)
                if Membership.objects.filter(user=user, role=role, level=level, **{level: region}):
                    continue  # demo roles once given are left as the demo user changed them
                do_grant_role(user, role=role, region=region, actor=admin)

    def _print_accounts(self) -> None:
        self.stdout.write(f"\nDemo accounts (password: {DEMO_PASSWORD})\n")
        for username, name, _org, _spec, _q, _phone, roles in PEOPLE:
            described = "、".join(f"{Role(role).label}@{region}" for role, _k, region in roles)
            self.stdout.write(f"  {username:<18} {name:<4} {described}")


def _region(district: District, kind: str, name: str) -> District | Street | Community | Grid:
    if kind == "district":
        return district
    if kind == "street":
        return Street.objects.get(name=name, district=district)
    if kind == "community":
        return Community.objects.select_related("street").get(name=name)
    community_name, grid_name = name.split(" ")
    return Grid.objects.select_related("community__street").get(
        community__name=community_name, name=grid_name
    )
