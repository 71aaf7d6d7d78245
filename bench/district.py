"""A realistic district in PostgreSQL for the benchmarks: 12 streets × 10 communities, a clinic
and a mediation committee each, 2,000 professionals, ten years of cases (``BENCH_CASES``,
default 1,000,000) with parties, timeline events and agreements, and clinic sessions with
their seats, bookings and commitments (ten years of them at 1,000,000 cases, proportionally
fewer months below). Written with COPY; reproducible from a
seed; generated once per (size, seed) and reused."""

from __future__ import annotations

import random
import time
from collections.abc import Iterable, Iterator
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.apps import apps
from django.contrib.auth.hashers import make_password
from django.db import connection

from clinic.lib.encrypted import encrypt, lookup_hash
from clinic.lib.ids import with_check_character
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

SHANGHAI = ZoneInfo("Asia/Shanghai")
STREETS, COMMUNITIES_PER_STREET, PROFESSIONALS = 12, 10, 2000
FIRST_YEAR, YEARS = 2017, 10
TYPES = [
    "marriage_family",
    "neighbour",
    "housing_land",
    "contract",
    "business",
    "damages",
    "forest_land",
    "expropriation",
    "environment",
    "labour",
    "consumer",
    "medical",
    "traffic",
    "property_management",
    "other",
]
SOURCES = [
    "walk_in",
    "grid_referral",
    "own_initiative",
    "police",
    "court",
    "petitions",
    "government",
    "online",
]


def _copy(table: str, columns: list[str], rows: Iterable[tuple]) -> int:
    count = 0
    statement = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
    with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row(row)
            count += 1
    return count


def _marker() -> str | None:
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE IF NOT EXISTS bench_marker (description text NOT NULL)")
        cursor.execute("SELECT description FROM bench_marker LIMIT 1")
        row = cursor.fetchone()
    return row[0] if row else None


def ensure(cases: int, seed: int = 2026, log: Any = print) -> dict[str, Any]:
    """Generate the district unless this database already holds the same one."""
    description = f"cases={cases} seed={seed} sessions=proportional"
    if _marker() == description:
        return _summary()
    started = time.monotonic()
    _wipe()
    rng = random.Random(seed)  # noqa: S311  reproducible data, not secrets
    ids = _regions(rng)
    log(f"regions and {PROFESSIONALS} professionals")
    _professionals(rng, ids)
    log(f"{cases} cases …")
    _cases(rng, ids, cases)
    log("sessions and bookings …")
    _sessions(rng, ids, cases)
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO bench_marker VALUES (%s)", [description])
        # As autovacuum leaves a live database: statistics and visibility map both set (COPY
        # sets neither, and index-only scans need the second).
        cursor.execute("VACUUM (ANALYZE)")
    log(f"generated in {time.monotonic() - started:.0f} s")
    return _summary()


def _summary() -> dict[str, Any]:
    with connection.cursor() as cursor:
        counts = {}
        for table in ("cases_case", "cases_party", "cases_caseevent", "scheduling_booking"):
            cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608  our table names
            counts[table] = cursor.fetchone()[0]
    return counts


def _wipe() -> None:
    tables = [m._meta.db_table for m in apps.get_models(include_auto_created=True)]
    keep = {
        "django_migrations",
        "django_content_type",
        "auth_permission",
        "auth_group",
        "auth_group_permissions",
    }
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE "
            + ", ".join(t for t in tables if t not in keep)
            + " RESTART IDENTITY CASCADE"
        )
        cursor.execute("DELETE FROM bench_marker")


def _regions(rng: random.Random) -> dict[str, Any]:
    district = District.objects.create(name="基准区", city="昆明市", code="539999")
    admin = User.objects.create(username="bench-admin", display_name="基准管理员")
    communities, committees, clinics = [], {}, []
    for s in range(STREETS):
        street = Street.objects.create(
            district=district, name=f"第{s + 1}街道", code=f"5399{s:05d}"
        )
        MediationCommittee.objects.create(
            level="street",
            street=street,
            name=f"{street.name}人民调解委员会",
            seal_name=f"{street.name}人民调解委员会",
            case_prefix=f"基{s:02d}街",
        )
        for c in range(COMMUNITIES_PER_STREET):
            community = Community.objects.create(
                street=street,
                name=f"{street.name}第{c + 1}社区",
                code=f"5399{s:02d}{c:03d}0",
                households=rng.randrange(2000, 9000),
            )
            Grid.objects.create(community=community, name="第一网格", code=f"G{community.code}")
            committee = MediationCommittee.objects.create(
                level="community",
                street=street,
                community=community,
                name=f"{community.name}人民调解委员会",
                seal_name=f"{community.name}人民调解委员会",
                case_prefix=f"基{s:02d}{c:02d}",
            )
            committees[community.pk] = committee
            clinics.append(
                Clinic.objects.create(
                    community=community,
                    committee=committee,
                    name=f"{community.name}法律诊所",
                    slug=f"bench-{s}-{c}",
                    address=f"{community.name}党群服务中心",
                )
            )
            communities.append(community)
    return {
        "district": district,
        "admin": admin,
        "communities": communities,
        "committees": committees,
        "clinics": clinics,
    }


def _professionals(rng: random.Random, ids: dict[str, Any]) -> None:
    unusable = make_password(None)
    roles = ["judge", "prosecutor", "police", "lawyer", "mediator"]
    users = User.objects.bulk_create(
        User(
            username=f"pro{n:04d}",
            display_name=f"专业人员{n}",
            password=unusable,
            organisation="盘龙区人民法院",
        )
        for n in range(PROFESSIONALS)
    )
    memberships = []
    for n, user in enumerate(users):
        community = ids["communities"][n % len(ids["communities"])]
        memberships.append(
            Membership(
                user=user,
                role=roles[n % len(roles)],
                level="community",
                district=ids["district"],
                street=community.street,
                community=community,
            )
        )
    Membership.objects.bulk_create(memberships)
    ids["professionals"] = users


def _moment(rng: random.Random, day: date) -> datetime:
    return datetime(
        day.year, day.month, day.day, rng.randrange(8, 18), rng.randrange(60), tzinfo=SHANGHAI
    )


def _cases(rng: random.Random, ids: dict[str, Any], total: int) -> None:
    admin_id = ids["admin"].pk
    first = date(FIRST_YEAR, 1, 1)
    span = (date(FIRST_YEAR + YEARS, 1, 1) - first).days - 60
    sequences: dict[tuple[int, int], int] = {}
    case_columns = [
        "id",
        "kind",
        "state",
        "version",
        "committee_id",
        "clinic_id",
        "community_id",
        "street_id",
        "number",
        "number_year",
        "number_seq",
        "source",
        "dispute_type",
        "summary",
        "answer",
        "amount_involved",
        "amount_agreed",
        "persons_involved",
        "prevented_criminal",
        "prevented_criminal_persons",
        "prevented_petition",
        "prevented_petition_persons",
        "risk",
        "level",
        "escalated_at",
        "escalation_reason",
        "registered_at",
        "registered_by_id",
        "accepted_at",
        "mediation_due",
        "mediation_due_provisional",
        "confirmation_due_provisional",
        "mode_before_consultation",
        "both_parties_ask_again",
        "settled_at",
        "closed_at",
        "outcome",
        "outcome_note",
        "referred_to",
        "referral_reference",
        "volume_no",
    ]
    events: list[tuple] = []
    parties: list[tuple] = []
    agreements: list[tuple] = []
    clinics = {c.community_id: c.pk for c in ids["clinics"]}

    def rows() -> Iterator[tuple]:
        for pk in range(1, total + 1):
            community = ids["communities"][rng.randrange(len(ids["communities"]))]
            committee = ids["committees"][community.pk]
            registered = _moment(rng, first + timedelta(days=rng.randrange(span)))
            advice = rng.random() < 0.25
            kind = "advice" if advice else "dispute"
            accepted = settled = closed = escalated = None
            number, year, seq, outcome, level, state = "", None, None, "", "community", "registered"
            due = None
            roll = rng.random()
            if advice:
                closed, outcome, state = registered, "answered", "closed"
            elif roll < 0.04:
                closed, outcome, state = registered + timedelta(days=1), "declined_scope", "closed"
            else:
                accepted = registered + timedelta(days=rng.randrange(0, 3))
                year = accepted.year
                key = (committee.pk, year)
                sequences[key] = seq = sequences.get(key, 0) + 1
                number = f"({year}){committee.case_prefix}人调字第{seq}号"
                due = (accepted + timedelta(days=30)).date()
                state = rng.choice(["sit_in", "patrol"])
                if rng.random() < 0.12:
                    level, escalated = "street", accepted + timedelta(days=3)
                if roll < 0.82:
                    settled = accepted + timedelta(days=rng.randrange(2, 40))
                    outcome = rng.choice(["settled_written", "settled_oral"])
                    closed = settled + timedelta(days=30)
                    state = "closed"
                elif roll < 0.90:
                    closed, outcome, state = (
                        accepted + timedelta(days=rng.randrange(5, 40)),
                        "failed",
                        "closed",
                    )
                elif roll < 0.93:
                    closed, outcome, state = accepted + timedelta(days=5), "withdrawn", "closed"
                elif roll < 0.96:
                    closed, outcome, level, state = (
                        accepted + timedelta(days=10),
                        "referred_out",
                        "referred_out",
                        "closed",
                    )
            amount = rng.choice([None, rng.randrange(500, 200000)])
            events.append((pk, registered, "registered", "", "", "registered"))
            if accepted:
                events.append((pk, accepted, "transition", "accept", "registered", "sit_in"))
            if closed:
                events.append((pk, closed, "transition", "terminate", "sit_in", "closed"))
            for side in ("applicant", "respondent") if not advice else ("applicant",):
                birth = f"{rng.randrange(1940, 2005)}0{rng.randrange(1, 10)}1{rng.randrange(0, 9)}"
                number_id = with_check_character(f"530103{birth}{pk % 1000:03d}")
                phone = f"13{rng.randrange(10**8, 10**9)}"
                parties.append(
                    (
                        pk,
                        side,
                        f"当事人{pk}{side[0]}",
                        encrypt(number_id),
                        lookup_hash(number_id),
                        encrypt(phone),
                        lookup_hash(phone),
                        f"{community.name} {rng.randrange(1, 30)} 栋",
                    )
                )
            if settled:
                agreements.append(
                    (
                        pk,
                        "written" if outcome == "settled_written" else "oral",
                        settled.date(),
                        admin_id,
                        settled,
                    )
                )
            yield (
                pk,
                kind,
                state,
                1,
                committee.pk,
                clinics[community.pk],
                community.pk,
                community.street_id,
                number,
                year,
                seq,
                rng.choice(SOURCES),
                rng.choice(TYPES),
                "邻里纠纷",
                "已解答" if advice else "",
                amount,
                (amount * 9 // 10) if (amount and settled) else None,
                rng.randrange(1, 6),
                rng.random() < 0.03,
                2,
                rng.random() < 0.01,
                10,
                rng.choice(["", "", "", "blue", "yellow", "orange", "red"]),
                level,
                escalated,
                "",
                registered,
                admin_id,
                accepted,
                due,
                False,
                False,
                "",
                False,
                settled,
                closed,
                outcome,
                "",
                "",
                "",
                "",
            )

    batch: list[tuple] = []
    for row in rows():
        batch.append(row)
        if len(batch) == 20000:
            _copy("cases_case", case_columns, batch)
            _flush(events, parties, agreements)
            batch.clear()
    _copy("cases_case", case_columns, batch)
    _flush(events, parties, agreements)
    with connection.cursor() as cursor:
        for table in ("cases_case", "cases_party", "cases_caseevent", "cases_agreement"):
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608  our tables
                f"(SELECT COALESCE(max(id), 1) FROM {table}))"
            )
        for (committee_id, year), last in sequences.items():
            cursor.execute(
                "INSERT INTO cases_casenumbersequence (committee_id, year, kind, last) "
                "VALUES (%s, %s, 'case', %s)",
                [committee_id, year, last],
            )


def _flush(events: list[tuple], parties: list[tuple], agreements: list[tuple]) -> None:
    _copy(
        "cases_caseevent",
        ["case_id", "at", "kind", "transition", "from_state", "to_state", "note", "payload"],
        ((c, at, kind, t, f, to, "", "{}") for c, at, kind, t, f, to in events),
    )
    _copy(
        "cases_party",
        [
            "case_id",
            "side",
            "name",
            "gender",
            "id_type",
            "id_number",
            "id_number_hash",
            "phone",
            "phone_hash",
            "address",
            "room",
            "elderly_alone",
            "disabled",
            "minor",
            "needs_interpreter",
            "notice_method",
            "refusal_note",
        ],
        (
            (
                c,
                side,
                name,
                "",
                "resident_id",
                idn,
                idh,
                ph,
                phh,
                addr,
                "",
                False,
                False,
                False,
                False,
                "",
                "",
            )
            for c, side, name, idn, idh, ph, phh, addr in parties
        ),
    )
    _copy(
        "cases_agreement",
        [
            "case_id",
            "form",
            "version",
            "correction_reason",
            "facts",
            "responsibilities",
            "terms",
            "performance_manner",
            "copies",
            "signed_on",
            "confirmation",
            "confirmation_court",
            "confirmation_reference",
            "created_by_id",
            "created_at",
        ],
        (
            (c, form, 1, "", "事实", "", "协议内容", "", 3, signed, "", "", "", by, at)
            for c, form, signed, by, at in agreements
        ),
    )
    events.clear()
    parties.clear()
    agreements.clear()


def _sessions(rng: random.Random, ids: dict[str, Any], cases: int) -> None:
    """Eight sessions a month at every clinic, four seats each, most booked: for ten years
    with 1,000,000 cases, for the last months in proportion with fewer (at least one)."""
    months = max(1, min(YEARS * 12, round(YEARS * 12 * cases / 1_000_000)))
    professionals = ids["professionals"]
    by_community: dict[int, list[Any]] = {}
    for n, user in enumerate(professionals):
        community = ids["communities"][n % len(ids["communities"])]
        by_community.setdefault(community.pk, []).append(user)
    sessions, seats, commitments, bookings = [], [], [], []
    session_id = seat_id = commitment_id = 0
    roles = ["judge", "prosecutor", "police", "lawyer"]
    for clinic in ids["clinics"]:
        people = by_community.get(clinic.community_id, [])
        for month in range(YEARS * 12 - months, YEARS * 12):
            year, m = FIRST_YEAR + month // 12, month % 12 + 1
            for k in range(8):
                day = date(year, m, 1 + k * 3)
                start = datetime(day.year, day.month, day.day, 9, tzinfo=SHANGHAI)
                end = start + timedelta(hours=2, minutes=30)
                session_id += 1
                sessions.append(
                    (session_id, clinic.pk, start, end, clinic.address, "regular", "published", "")
                )
                for index, role in enumerate(roles):
                    seat_id += 1
                    seats.append((seat_id, session_id, role, 1))
                    if people and rng.random() < 0.85:
                        person = people[(k + index) % len(people)]
                        commitment_id += 1
                        commitments.append(
                            (commitment_id, person.pk, start, end, "shift", "坐诊", "", True, start)
                        )
                        bookings.append(
                            (
                                seat_id,
                                person.pk,
                                role,
                                "active",
                                commitment_id,
                                start,
                                ids["admin"].pk,
                                "",
                                "",
                            )
                        )
    _copy(
        "scheduling_clinicsession",
        ["id", "clinic_id", "starts_at", "ends_at", "place", "kind", "status", "note"],
        sessions,
    )
    _copy("scheduling_seat", ["id", "session_id", "role", "index"], seats)
    # A professional covers one seat per session time; overlapping ones would violate the
    # constraint, so drop a second booking of the same person at the same moment.
    seen, keep_c, keep_b = set(), [], []
    for commitment, booking in zip(commitments, bookings, strict=True):
        key = (commitment[1], commitment[2])
        if key in seen:
            continue
        seen.add(key)
        keep_c.append(commitment)
        keep_b.append(booking)
    _copy(
        "scheduling_commitment",
        [
            "id",
            "person_id",
            "starts_at",
            "ends_at",
            "kind",
            "title",
            "place",
            "active",
            "created_at",
        ],
        keep_c,
    )
    _copy(
        "scheduling_booking",
        [
            "seat_id",
            "person_id",
            "role",
            "status",
            "commitment_id",
            "booked_at",
            "booked_by_id",
            "cancel_reason",
            "attendance",
        ],
        keep_b,
    )
    with connection.cursor() as cursor:
        for table in (
            "scheduling_clinicsession",
            "scheduling_seat",
            "scheduling_commitment",
            "scheduling_booking",
        ):
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608  our tables
                f"(SELECT COALESCE(max(id), 1) FROM {table}))"
            )
