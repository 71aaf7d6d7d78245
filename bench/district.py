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
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.apps import apps
from django.contrib.auth.hashers import make_password
from django.db import connection

from clinic.lib.encrypted import encrypt, lookup_hash
from clinic.lib.ids import with_check_character
from clinic.lib.names import name_key
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
    "court_entrusted",
]
#: How many distinct people (identity numbers and phones) the parties are drawn from.
PEOPLE = 50_000
#: The day the generated district stands at: follow-ups due later are pending.
AS_OF = date(FIRST_YEAR + YEARS - 1, 12, 1)


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
    description = f"cases={cases} seed={seed} sessions=proportional statistics=2"
    if _marker() == description:
        return _summary()
    started = time.monotonic()
    _wipe()
    rng = random.Random(seed)  # noqa: S311  reproducible data, not secrets
    ids = _regions(rng)
    log(f"regions and {PROFESSIONALS} professionals")
    _professionals(rng, ids)
    with _indexes_afterwards(LOADED):
        log(f"{cases} cases …")
        _cases(rng, ids, cases)
        log("sessions and bookings …")
        _sessions(rng, ids, cases)
        _court_filings(rng, ids)
        log("indexes …")
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO bench_marker VALUES (%s)", [description])
        # As autovacuum leaves a live database: statistics and visibility map both set (COPY
        # sets neither, and index-only scans need the second).
        cursor.execute("VACUUM (ANALYZE)")
    log(f"generated in {time.monotonic() - started:.0f} s")
    return _summary()


#: The tables loaded in bulk, whose plain indexes are built after the load.
LOADED = (
    "cases_case",
    "cases_party",
    "cases_caseevent",
    "cases_agreement",
    "cases_followup",
    "cases_casereopening",
    "scheduling_clinicsession",
    "scheduling_seat",
    "scheduling_commitment",
    "scheduling_booking",
)


@contextmanager
def _indexes_afterwards(tables: Iterable[str]) -> Iterator[None]:
    """Drop the tables' indexes that back no constraint, and build them again after the
    block, as a bulk load does: COPY into cases with its twenty indexes and parties with their
    twelve took most of the generation's time, and building an index once is faster."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i"
            " WHERE i.indrelid = ANY(%s::regclass[]) AND NOT EXISTS"
            " (SELECT FROM pg_constraint c WHERE c.conindid = i.indexrelid)",
            [list(tables)],
        )
        indexes = cursor.fetchall()
        for name, _definition in indexes:
            cursor.execute(f"DROP INDEX {name}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            for _name, definition in indexes:
                cursor.execute(definition)


def _summary() -> dict[str, Any]:
    with connection.cursor() as cursor:
        counts = {}
        for table in (
            "cases_case",
            "cases_party",
            "cases_caseevent",
            "cases_agreement",
            "cases_followup",
            "cases_casereopening",
            "scheduling_booking",
        ):
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
    communities, committees, street_committees, clinics = [], {}, {}, []
    for s in range(STREETS):
        street = Street.objects.create(
            district=district, name=f"第{s + 1}街道", code=f"5399{s:05d}"
        )
        street_committees[street.pk] = MediationCommittee.objects.create(
            level="street",
            kind="township",
            code=f"{street.code}02",
            street=street,
            name=f"{street.name}人民调解委员会",
            seal_name=f"{street.name}人民调解委员会",
            case_prefix=f"基{s:02d}街",
        )
        for c in range(COMMUNITIES_PER_STREET):
            households = rng.randrange(2000, 9000)
            community = Community.objects.create(
                street=street,
                name=f"{street.name}第{c + 1}社区",
                code=f"5399{s:02d}{c:03d}0",
                households=households,
                population=households * rng.randrange(250, 320) // 100,
            )
            Grid.objects.create(community=community, name="第一网格", code=f"G{community.code}")
            committee = MediationCommittee.objects.create(
                level="community",
                kind="village",
                code=f"{community.code}01",
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
        "street_committees": street_committees,
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
    """The cases with their parties, timeline events, agreements (judicial confirmations and a
    few corrections), follow-ups and reopenings, as the application leaves them."""
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
        # 防止引起自杀, 群体性械斗, 群体性事件: none (the hand SQL counts only the two above)
        "prevented_suicide",
        "prevented_suicide_persons",
        "prevented_fight",
        "prevented_fight_persons",
        "prevented_incident",
        "prevented_incident_persons",
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
    out = _Rows(admin_id)
    # Identity numbers and phones, encrypted as the application stores them: drawn from a
    # pool (encrypting each party's afresh took most of the generation's time).
    people = []
    for n in range(PEOPLE):
        birth = f"{rng.randrange(1940, 2005)}0{rng.randrange(1, 10)}1{rng.randrange(0, 9)}"
        number_id = with_check_character(f"530103{birth}{n % 1000:03d}")
        phone = f"13{rng.randrange(10**8, 10**9)}"
        people.append(
            (encrypt(number_id), lookup_hash(number_id), encrypt(phone), lookup_hash(phone))
        )
    clinics = {c.community_id: c.pk for c in ids["clinics"]}
    agreement_ids = iter(range(1, 10 * total + 1))

    def agreement(pk: int, form: str, settled: datetime) -> tuple[int, date | None]:
        """The agreement of a settlement (written ones sometimes confirmed by the court, a few
        corrected into a second version): its current version's id, and the day the court
        refused to confirm it, if it did."""
        signed = settled.date()
        confirmation, applied, decided = "", None, None
        if form == "written" and rng.random() < 0.15:
            applied = signed + timedelta(days=rng.randrange(1, 20))
            decided = applied + timedelta(days=rng.randrange(5, 30))
            draw = rng.random()
            confirmation = "confirmed" if draw < 0.85 else "refused" if draw < 0.93 else "applied"
            if confirmation == "applied" or decided > AS_OF:
                confirmation, decided = "applied", None
            if applied > AS_OF:
                confirmation, applied = "", None
        current, supersedes = next(agreement_ids), None
        versions = 1 if rng.random() >= 0.01 else 2  # a correction: only the last counts
        for version in range(1, versions + 1):
            if version > 1:
                supersedes, current = current, next(agreement_ids)
            out.agreements.append(
                (
                    current,
                    pk,
                    form,
                    version,
                    supersedes,
                    signed,
                    confirmation,
                    applied,
                    decided,
                    admin_id,
                    settled + timedelta(days=version - 1),
                )
            )
        return current, decided if confirmation == "refused" else None

    def follow_ups(pk: int, agreement_id: int, settled: datetime, reopened: datetime | None) -> Any:
        """Return visits after a settlement, one or (instalments) a few scheduled, more while
        the agreement is not performed; a visit after the first that found it performed finds
        it again (the agreement counts once). Before a reopening no visit finds it performed
        (the case would have closed), and what is pending then is cancelled. Returns when the
        agreement was first found performed (the case closes then), or None."""
        performed_at = None
        scheduled = 1 if rng.random() < 0.8 else rng.randrange(2, 4)
        of_agreement = None if rng.random() < 0.03 else agreement_id  # recorded without it
        day, n, extra = settled.date() + timedelta(days=15), 0, 0
        while True:
            n += 1
            if day > AS_OF:
                out.follow_ups.append((pk, of_agreement, day, "", "", None, None, None))
                break
            done = _moment(rng, day + timedelta(days=rng.randrange(-3, 6)))
            if reopened is not None and done >= reopened:
                out.follow_ups.append((pk, of_agreement, day, "", "", None, None, reopened))
                break
            draw = rng.random()
            if reopened is None and draw < 0.7:
                performance = "full"
            else:
                performance = "partial" if draw < 0.9 else "none"
            out.follow_ups.append(
                (
                    pk,
                    of_agreement,
                    day,
                    rng.choice(["visit", "phone"]),
                    performance,
                    rng.randrange(3, 6),
                    done,
                    None,
                )
            )
            if performance == "full" and performed_at is None:
                performed_at = done
            if n >= scheduled:
                if performed_at is not None or extra >= 2:
                    break
                extra += 1
            day += timedelta(days=30)
        return performed_at

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
            amount = rng.choice([None, rng.randrange(500, 200000)])
            agreed = None
            roll = rng.random()
            out.events.append((pk, registered, "registered", "", "", "registered"))
            if advice:
                closed, outcome, state = registered, "answered", "closed"
                out.events.append((pk, closed, "transition", "answer_question", state, "closed"))
            elif roll < 0.04:
                closed, outcome, state = registered + timedelta(days=1), "declined_scope", "closed"
                out.events.append((pk, closed, "transition", "decline", "registered", "closed"))
            else:
                accepted = registered + timedelta(days=rng.randrange(0, 3))
                year = accepted.year
                key = (committee.pk, year)
                sequences[key] = seq = sequences.get(key, 0) + 1
                number = f"({year}){committee.case_prefix}人调字第{seq}号"
                due = (accepted + timedelta(days=30)).date()
                state = rng.choice(["sit_in", "patrol"])
                transition = "accept" if state == "sit_in" else "dispatch"
                out.events.append((pk, accepted, "transition", transition, "registered", state))
                if rng.random() < 0.12:  # handed to the street's committee
                    level, escalated = "street", accepted + timedelta(days=3)
                    committee = ids["street_committees"][community.street_id]
                if roll < 0.82:
                    settled = accepted + timedelta(days=rng.randrange(2, 40))
                    outcome = rng.choice(["settled_written", "settled_oral"])
                    agreed = amount * 9 // 10 if amount else None
                    out.events.append((pk, settled, "transition", "settle", state, "follow_up"))
                    current, refused = agreement(pk, outcome[8:], settled)
                    reopened = None
                    if refused is not None and rng.random() < 0.6:
                        reopened = _moment(rng, refused + timedelta(days=rng.randrange(1, 10)))
                    elif rng.random() < 0.015:  # both parties ask
                        reopened = settled + timedelta(days=rng.randrange(5, 25), hours=1)
                    if reopened is not None and reopened.date() > AS_OF:
                        reopened = None
                    performed = follow_ups(pk, current, settled, reopened)
                    state = "follow_up"
                    if reopened is not None:
                        out.reopenings.append(
                            (
                                pk,
                                reopened,
                                admin_id,
                                "法院不予确认" if refused else "双方申请",
                                accepted,
                                outcome,
                                level,
                                settled,
                                None,
                                agreed,
                                due,
                                current,
                            )
                        )
                        out.events.append(
                            (pk, reopened, "transition", "reopen", "follow_up", "sit_in")
                        )
                        due, state, settled, outcome = (
                            (reopened + timedelta(days=30)).date(),
                            "sit_in",
                            None,
                            "",
                        )
                        second = rng.random()
                        if second < 0.7:
                            settled = reopened + timedelta(days=rng.randrange(3, 30))
                            outcome = rng.choice(["settled_written", "settled_oral"])
                            out.events.append(
                                (pk, settled, "transition", "settle", state, "follow_up")
                            )
                            current, _refused = agreement(pk, outcome[8:], settled)
                            performed = follow_ups(pk, current, settled, None)
                            state = "follow_up"
                        elif second < 0.9:
                            closed, outcome, agreed = (
                                reopened + timedelta(days=rng.randrange(5, 40)),
                                "failed",
                                None,
                            )
                            out.events.append(
                                (pk, closed, "transition", "terminate", state, "closed")
                            )
                            state, performed = "closed", None
                        else:
                            agreed, performed = None, None
                    if performed is not None:
                        closed, state = performed, "closed"
                        out.events.append(
                            (pk, closed, "transition", "complete_follow_up", "follow_up", "closed")
                        )
                elif roll < 0.96:
                    if roll < 0.90:
                        days = rng.randrange(5, 40)
                        outcome = "party_refuses" if rng.random() < 0.25 else "failed"
                    elif roll < 0.93:
                        days = 5
                        outcome = (
                            "withdrawn"
                            if rng.random() < 0.67
                            else rng.choice(["declined_refused", "declined_duplicate"])
                        )
                    else:
                        days, outcome, level = 10, "referred_out", "referred_out"
                    closed, state = accepted + timedelta(days=days), "closed"
                    out.events.append((pk, closed, "transition", "terminate", "sit_in", "closed"))
            principals = ["applicant"] if advice else ["applicant", "respondent"]
            if not advice and rng.random() < 0.1:  # three or more parties
                principals += ["third_party"] * (1 if rng.random() < 0.8 else 2)
            if not advice and rng.random() < 0.05:
                principals.append("agent")  # not a party of its own in 当事人数
            for index, side in enumerate(principals):
                name = f"当事人{pk}{side[0]}{index}"
                out.parties.append(
                    (
                        pk,
                        side,
                        name,
                        name_key(name),
                        "律师" if side == "agent" else "",
                        *people[rng.randrange(len(people))],
                        f"{community.name} {rng.randrange(1, 30)} 栋",
                    )
                )
            criminal = rng.random() < 0.03
            petition = rng.random() < 0.01
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
                agreed if settled else None,
                len(principals),
                criminal,
                rng.randrange(1, 5) if criminal else 0,
                petition,
                rng.randrange(5, 40) if petition else 0,
                *(False, 0) * 3,
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
            out.flush()
            batch.clear()
    _copy("cases_case", case_columns, batch)
    out.flush()
    with connection.cursor() as cursor:
        for table in (
            "cases_case",
            "cases_party",
            "cases_caseevent",
            "cases_agreement",
            "cases_followup",
            "cases_casereopening",
        ):
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


class _Rows:
    """The rows that belong to a batch of cases, written after the cases themselves."""

    def __init__(self, admin_id: int) -> None:
        self.admin_id = admin_id
        self.events: list[tuple] = []
        self.parties: list[tuple] = []
        self.agreements: list[tuple] = []
        self.follow_ups: list[tuple] = []
        self.reopenings: list[tuple] = []

    def flush(self) -> None:
        _copy(
            "cases_caseevent",
            ["case_id", "at", "kind", "transition", "from_state", "to_state", "note", "payload"],
            ((c, at, kind, t, f, to, "", "{}") for c, at, kind, t, f, to in self.events),
        )
        _copy(
            "cases_party",
            [
                "case_id",
                "side",
                "name",
                "name_key",
                "relation",
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
                "lacks_capacity",
                "notice_method",
                "refusal_note",
                "row_version",
            ],
            (
                (
                    c,
                    side,
                    name,
                    key,
                    relation,
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
                    False,
                    "",
                    "",
                    1,
                )
                for c, side, name, key, relation, idn, idh, ph, phh, addr in self.parties
            ),
        )
        _copy(
            "cases_agreement",
            [
                "id",
                "case_id",
                "form",
                "version",
                "supersedes_id",
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
                "confirmation_applied_on",
                "confirmation_decided_on",
                "created_by_id",
                "created_at",
                "row_version",
            ],
            (
                (
                    pk,
                    c,
                    form,
                    version,
                    supersedes,
                    "金额笔误" if supersedes else "",
                    "事实",
                    "",
                    "协议内容",
                    "",
                    3,
                    signed,
                    confirmation,
                    "基准区人民法院" if applied else "",
                    "",
                    applied,
                    decided,
                    by,
                    at,
                    1,
                )
                for (
                    pk,
                    c,
                    form,
                    version,
                    supersedes,
                    signed,
                    confirmation,
                    applied,
                    decided,
                    by,
                    at,
                ) in self.agreements
            ),
        )
        _copy(
            "cases_followup",
            [
                "case_id",
                "agreement_id",
                "due_on",
                "assignee_id",
                "method",
                "performance",
                "satisfaction",
                "findings",
                "new_risk",
                "urged",
                "done_at",
                "done_by_id",
                "cancelled_at",
                "row_version",
            ],
            (
                (
                    c,
                    a,
                    due,
                    self.admin_id,
                    method,
                    performance,
                    satisfaction,
                    "",
                    "",
                    performance in {"partial", "none"},
                    done,
                    self.admin_id if done else None,
                    cancelled,
                    1,
                )
                for c, a, due, method, performance, satisfaction, done, cancelled in self.follow_ups
            ),
        )
        _copy(
            "cases_casereopening",
            [
                "case_id",
                "at",
                "by_id",
                "reason",
                "accepted_at",
                "outcome",
                "level",
                "settled_at",
                "closed_at",
                "amount_agreed",
                "mediation_due",
                "agreement_id",
            ],
            self.reopenings,
        )
        for rows in (
            self.events,
            self.parties,
            self.agreements,
            self.follow_ups,
            self.reopenings,
        ):
            rows.clear()


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
                    (
                        session_id,
                        clinic.pk,
                        start,
                        end,
                        clinic.address,
                        "regular",
                        "published",
                        "",
                        1,
                    )
                )
                for index, role in enumerate(roles):
                    seat_id += 1
                    seats.append((seat_id, session_id, role, 1, 1))
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
        [
            "id",
            "clinic_id",
            "starts_at",
            "ends_at",
            "place",
            "kind",
            "status",
            "note",
            "row_version",
        ],
        sessions,
    )
    _copy("scheduling_seat", ["id", "session_id", "role", "index", "row_version"], seats)
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


def _court_filings(rng: random.Random, ids: dict[str, Any]) -> None:
    """The court's civil first-instance filings of every community for every month of the ten
    years (70 to 130 a year per 10,000 residents), as imported from its monthly file."""
    rows = []
    for community in ids["communities"]:
        yearly = community.population * rng.randrange(70, 131) / 10000
        for month in range(YEARS * 12):
            first = date(FIRST_YEAR + month // 12, month % 12 + 1, 1)
            filed = max(0, round(yearly / 12 * rng.uniform(0.6, 1.4)))
            entered = datetime(first.year, first.month, 1, 10, tzinfo=SHANGHAI)
            entered += timedelta(days=35)
            rows.append(
                (
                    community.pk,
                    first,
                    filed,
                    "imported",
                    "法院收案.xlsx",
                    ids["admin"].pk,
                    entered,
                    1,
                )
            )
    _copy(
        "cases_courtfilingcount",
        [
            "community_id",
            "month",
            "civil_first_instance",
            "source",
            "file_name",
            "entered_by_id",
            "entered_at",
            "row_version",
        ],
        rows,
    )
