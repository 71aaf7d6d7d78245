"""Looking a person up: the duplicate check at registration, the resident search, and the
advice a professional gave a party earlier (for recusal).

A person is matched on their ID number and phone through the keyed hashes (the fields are
encrypted) and on their name's key (``clinic.lib.names.name_key``). What a match shows depends
on the viewer's scope (``cases.access.case_scope``): a case they may open is named and linked;
one they may not is never described beyond "a possible match exists that you cannot open: ask
your coordinator". Every probe counts against a per-person limit (``probe_allowed``); the
views audit each one.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.core.cache import cache
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from cases import access
from cases.choices import Kind, State
from cases.intake.actions import party_hashes
from cases.models import Advice, Case, Party
from cases.models.parties import ACTING_SIDES
from clinic.lib.credit_codes import is_valid_credit_code, normalise_credit_code
from clinic.lib.encrypted import lookup_hash
from clinic.lib.ids import is_valid_resident_id, normalise_id_number
from clinic.lib.names import name_key
from clinic.lib.phones import normalise_phone
from clinic.models import Community, User

#: How many duplicate checks and resident searches one person may make in a minute.
PROBES_PER_MINUTE = 30


def probe_allowed(user: User) -> bool:
    """Count one probe of ``user`` against the limit of this minute; False when over it."""
    key = f"person-probes:{user.pk}:{int(timezone.now().timestamp() // 60)}"
    cache.add(key, 0, timeout=120)
    try:
        return cache.incr(key) <= PROBES_PER_MINUTE
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=120)
        return True


# --- The duplicate check at registration -------------------------------------------------------


@dataclass
class Findings:
    """What a duplicate check found: the cases the viewer may open (with why each matched)
    and how many matches they may not see."""

    shown: list[tuple[Case, list[str]]] = field(default_factory=list)
    hidden: int = 0
    keys: list[int] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.shown or self.hidden)

    def token(self) -> str:
        """The fingerprint of this warning, carried by the form that showed it: a keyed hash,
        so the page holds no id of a case the user may not open."""
        keys = ",".join(str(key) for key in sorted(self.keys))
        return salted_hmac("register-anyway", keys, algorithm="sha256").hexdigest()

    def answered_by(self, token: str) -> bool:
        """Whether ``token`` is the fingerprint of this very warning (nothing new since)."""
        return bool(token) and constant_time_compare(token, self.token())

    def overrode(self) -> list[str]:
        """The warning as the timeline keeps it: the cases shown, and the hidden ones as
        such."""
        named = [str(case) for case, _why in self.shown]
        return named + (["—"] * self.hidden)


def possible_duplicates(
    user: User, community: Community, people: Iterable[dict[str, Any]]
) -> Findings:
    """Open cases of the district with a party of the same ID number, phone or (a unit's)
    credit code, or (within the community's street) of the same name."""
    id_hashes: set[str] = set()
    phone_hashes: set[str] = set()
    codes: set[str] = set()
    keys: set[str] = set()
    for person in people:
        id_hash, phone_hash = party_hashes(person.get("id_number") or "", person.get("phone") or "")
        id_hashes.update([id_hash] if id_hash else [])
        phone_hashes.update([phone_hash] if phone_hash else [])
        code = normalise_credit_code(person.get("credit_code") or "")
        codes.update([code] if code else [])
        keys.update([name_key(person.get("name") or "")] if person.get("name") else [])
    match = Q(id_number_hash__in=id_hashes) | Q(phone_hash__in=phone_hashes)
    match |= Q(credit_code__in=codes)
    match |= Q(name_key__in=keys, case__street_id=community.street_id)
    found = list(
        Party.objects.filter(match)
        .filter(case__street__district_id=community.street.district_id)
        .exclude(case__state=State.CLOSED)
        .exclude(case__kind=Kind.ADVICE)
        .values_list("case_id", "id_number_hash", "phone_hash", "credit_code")[:50]
    )
    reasons: dict[int, set[str]] = {}
    for case_id, id_hash, phone_hash, code in found:
        why = reasons.setdefault(case_id, set())
        if id_hash and id_hash in id_hashes:
            why.add("id")
        if phone_hash and phone_hash in phone_hashes:
            why.add("phone")
        if code and code in codes:
            why.add("credit_code")
        if not why:
            why.add("name")
    visible = {
        case.pk: case
        for case in Case.objects.filter(access.case_scope(user), pk__in=reasons).select_related(
            "community"
        )
    }
    findings = Findings(keys=sorted(reasons))
    for case_id in sorted(reasons, reverse=True):
        if case_id in visible:
            findings.shown.append((visible[case_id], sorted(reasons[case_id])))
        else:
            findings.hidden += 1
    return findings


# --- The resident search ---------------------------------------------------------------------


@dataclass
class Found:
    """One case of a resident's, as the search lists it."""

    case: Case
    parties: list[Party]
    advice: list[Advice]


def search_terms(text: str) -> tuple[str, Q, str]:
    """How ``text`` is searched (``"id"``, ``"phone"`` or ``"name"``), the filter on parties
    that does it (an ID number or a phone exactly, through their hashes; a name by its key,
    exactly or by its start) and what the audit log keeps of it: the keyed hash of what was
    looked for, so "who looked this resident up" can be answered without the text."""
    number = normalise_id_number(text)
    if is_valid_resident_id(number):
        found = party_hashes(number, "")[0]
        return "id", Q(id_number_hash=found), found
    if is_valid_credit_code(text):  # a unit's code is stored plain: it is public
        code = normalise_credit_code(text)
        return "credit_code", Q(credit_code=code), lookup_hash(code)
    phone = normalise_phone(text)
    if phone:
        found = party_hashes("", phone)[1]
        return "phone", Q(phone_hash=found), found
    key = name_key(text)
    return "name", Q(name_key__startswith=key), lookup_hash(key)


def people_fingerprints(people: Iterable[dict[str, Any]]) -> list[str]:
    """What the audit log keeps of the people a duplicate check was run on: each one's ID
    number, phone and name, as keyed hashes."""
    found: set[str] = set()
    for person in people:
        found.update(party_hashes(person.get("id_number") or "", person.get("phone") or ""))
        found.add(lookup_hash(name_key(person.get("name") or "")))
    return sorted(found - {""})


def same_person(party: Party) -> Q:
    """The parties that are ``party`` on other cases: the same ID number, phone or (a unit's)
    credit code, or (when none is known) the same name."""
    match = Q(pk__in=[])
    if party.id_number_hash:
        match |= Q(id_number_hash=party.id_number_hash)
    if party.phone_hash:
        match |= Q(phone_hash=party.phone_hash)
    if party.credit_code:
        match |= Q(credit_code=party.credit_code)
    if not (party.id_number_hash or party.phone_hash or party.credit_code):
        match |= Q(name_key=party.name_key)
    return match


#: How many cases a search lists.
SEARCH_LIMIT = 50


def find_resident(user: User, match: Q, *, exclude_case: int | None = None) -> list[Found]:
    """The cases (disputes and advice) within ``user``'s scope with a party ``match`` finds,
    newest first, each with the matching parties and the professional advice given on it."""
    parties = Party.objects.filter(match).filter(case__in=Case.objects.visible_to(user))
    if exclude_case is not None:
        parties = parties.exclude(case_id=exclude_case)
    case_ids = list(
        parties.order_by("-case__registered_at").values_list("case_id", flat=True).distinct()
    )
    case_ids = list(dict.fromkeys(case_ids))[:SEARCH_LIMIT]
    cases = Case.objects.filter(pk__in=case_ids).select_related("community", "mediator")
    matched: dict[int, list[Party]] = {}
    for party in parties.filter(case_id__in=case_ids).order_by("pk"):
        matched.setdefault(party.case_id, []).append(party)
    advice: dict[int, list[Advice]] = {}
    for item in Advice.objects.filter(case_id__in=case_ids).select_related("author"):
        advice.setdefault(item.case_id, []).append(item)
    found = [Found(case, matched.get(case.pk, []), advice.get(case.pk, [])) for case in cases]
    return sorted(found, key=lambda f: (f.case.registered_at, f.case.pk), reverse=True)


# --- Earlier advice: who advised this person before -----------------------------------------


@dataclass(frozen=True)
class EarlierAdvice:
    """Advice ``adviser`` gave the person on another case (``case_id``) at ``given_at``:
    a professional's advice on a dispute, or the answer to their walk-in question."""

    adviser: User
    role: str
    given_at: datetime
    case_id: int


def earlier_advice_for(parties: Iterable[Party]) -> dict[int, list[EarlierAdvice]]:
    """``earlier_advice`` for several parties at once (three queries), by party id."""
    principals = [p for p in parties if p.side not in ACTING_SIDES]
    by_hash: dict[str, list[int]] = {}
    for party in principals:
        for value in (party.id_number_hash, party.phone_hash):
            if value:
                by_hash.setdefault(value, []).append(party.pk)
    result: dict[int, list[EarlierAdvice]] = {p.pk: [] for p in principals}
    if not by_hash:
        return result
    others = list(
        Party.objects.filter(Q(id_number_hash__in=by_hash) | Q(phone_hash__in=by_hash))
        .exclude(pk__in=[p.pk for p in principals])
        .exclude(side__in=ACTING_SIDES)
        .values_list("case_id", "id_number_hash", "phone_hash")
    )
    people_of_case: dict[int, set[int]] = {}
    own_case = {p.pk: p.case_id for p in principals}
    for case_id, id_hash, phone_hash in others:
        for value in (id_hash, phone_hash):
            for party_pk in by_hash.get(value, []):
                if own_case[party_pk] != case_id:
                    people_of_case.setdefault(case_id, set()).add(party_pk)
    if not people_of_case:
        return result
    given: list[tuple[int, EarlierAdvice]] = [
        (a.case_id, EarlierAdvice(a.author, a.role, a.given_at, a.case_id))
        for a in Advice.objects.filter(case_id__in=people_of_case).select_related("author")
    ]
    answered = Case.objects.filter(
        pk__in=people_of_case, kind=Kind.ADVICE, mediator__isnull=False
    ).select_related("mediator")
    for case in answered:
        if case.mediator is not None and case.answer.strip():
            given.append((case.pk, EarlierAdvice(case.mediator, "", case.registered_at, case.pk)))
    for case_id, item in given:
        for party_pk in people_of_case[case_id]:
            result[party_pk].append(item)
    return result


def earlier_advice(party: Party) -> list[EarlierAdvice]:
    """Who advised this person before, on other cases (matched on ID number or phone): the
    conflict check when a professional is assigned (a lawyer who advised the other side)."""
    return earlier_advice_for([party])[party.pk]


@dataclass(frozen=True)
class AdviceConflict:
    """A professional assigned to ``case`` who earlier advised one of its parties."""

    professional: User
    party: Party
    earlier: EarlierAdvice


def advice_conflicts(case: Case, parties: list[Party]) -> list[AdviceConflict]:
    """The professionals assigned to ``case`` who advised one of ``parties`` on another case
    (the case page warns: they may have to step aside)."""
    assigned = {
        u.pk: u
        for u in User.objects.filter(
            caseuserobjectpermission__content_object=case,
            caseuserobjectpermission__permission__codename="advise_case",
        ).distinct()
    }
    if not assigned:
        return []
    conflicts = []
    by_party = {p.pk: p for p in parties}
    for party_pk, items in earlier_advice_for(parties).items():
        for item in items:
            if item.adviser.pk in assigned:
                conflicts.append(
                    AdviceConflict(assigned[item.adviser.pk], by_party[party_pk], item)
                )
    return conflicts
