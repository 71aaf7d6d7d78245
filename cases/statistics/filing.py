"""A committee's report on its way up: checked before it is filed (填报), frozen when the street
approves it (审核通过), and corrected in the open afterwards.

- ``check_fileable(period)``: only a month, a quarter or a year that has ended is filed.
- ``check_report(report)``: errors block the filing (the balance identity, a printed
  cross-check, more settled than there was to mediate, more agreed than involved); warnings
  (a 100 % rate, ±50 % against the previous period, no disputes at all, more settled than
  accepted) each need a written note.
- ``snapshot_of(report, committee)``: the whole report (``snapshots.report_to_data``) and the
  facts of every case that counts in it; ``corrections(filings)`` compares those facts with
  the cases as they are now, case by case and field by field.
- ``scope_figures(...)``: what the statistics page and its exports show for a scope and
  period: a frozen committee's snapshot; a street's or district's frozen figures when all
  its committees are frozen (their snapshots added up); else the live figures.
- ``due_on(period)``: the day a report is due (``CLINIC_REPORT_DUE_DAY`` of the month after).
"""

from __future__ import annotations

import calendar
import hashlib
import json
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from cases.models import Case, FilingState, ReportFiling
from cases.models.filings import FROZEN_STATES
from cases.statistics import figures, snapshots
from cases.statistics.figures import Period, Report
from clinic.models import Community, MediationCommittee

# --- Periods and deadlines ------------------------------------------------------------------


def is_reporting_period(period: Period) -> bool:
    """A calendar month, quarter or year (not a range of dates picked on the page)."""
    try:
        return figures.parse_period(period.label) == period and ".." not in period.label
    except ValueError:
        return False


def check_fileable(period: Period, today: date | None = None) -> None:
    """A report is filed for a month, quarter or year that has ended."""
    today = today or timezone.localdate()
    if not is_reporting_period(period):
        raise ValidationError(
            _("Reports are filed for a month, a quarter or a year, not for a range of dates.")
        )
    if period.last >= today:
        raise ValidationError(
            _(
                "The period %(period)s has not ended yet: it ends on %(last)s and can be filed "
                "from %(next)s on."
            )
            % {
                "period": period.label,
                "last": period.last.isoformat(),
                "next": (period.last + timedelta(days=1)).isoformat(),
            }
        )


def due_on(period: Period) -> date:
    """The day a period's report is due: ``CLINIC_REPORT_DUE_DAY`` (the 5th unless configured)
    of the month after the period."""
    year, month = period.last.year, period.last.month + 1
    if month > 12:
        year, month = year + 1, 1
    day = min(int(settings.CLINIC_REPORT_DUE_DAY), calendar.monthrange(year, month)[1])
    return date(year, month, max(day, 1))


def last_month(today: date | None = None) -> Period:
    today = today or timezone.localdate()
    first = today.replace(day=1) - timedelta(days=1)
    return figures.month_period(first.year, first.month)


# --- A committee's report -------------------------------------------------------------------


def committee_communities(committee: MediationCommittee) -> list[Community]:
    """The communities a committee serves: its own, or every community of its street."""
    places = Community.objects.select_related("street").order_by("code")
    if committee.community_id is not None:
        return list(places.filter(pk=committee.community_id))
    return list(places.filter(street_id=committee.street_id))


def committee_report(committee: MediationCommittee, period: Period) -> Report:
    """The committee's own report (the reporting unit): the cases it holds."""
    return figures.compute(
        committee_communities(committee), period, committee.name, committees=[committee]
    )


# --- Checks before 填报 -----------------------------------------------------------------------


@dataclass(frozen=True)
class Concern:
    """A warning the filer answers with a note: ``code`` names it (the note's field)."""

    code: str
    text: str


@dataclass
class Checked:
    errors: list[str] = field(default_factory=list)
    concerns: list[Concern] = field(default_factory=list)


#: A figure that moved this much against the previous period asks for a note (±50 %).
SWING = 0.5
#: Every warning ``check_report`` may raise (each is a note's field on the filing form).
CONCERN_CODES = (
    "full_rate",
    "settled_over_accepted",
    "no_cases",
    "swing_accepted",
    "swing_settled",
)


def _cross_checks(report: Report) -> list[Any]:
    """The formulas printed under the official table (``cases.statistics.layout``)."""
    try:
        from cases.statistics.layout import cross_checks  # noqa: PLC0415  (the layout's own module)
    except ImportError:  # pragma: no cover  (the official layout is not there yet)
        return []
    found: list[Any] = []
    for unit in report.units:  # each committee's form
        found.extend(cross_checks(unit))
    found.extend(cross_checks(report))  # the scope's form and the 矛盾不上交 sheet
    unique: dict[str, Any] = {}  # a committee's own report prints the same form twice
    for check in found:
        unique.setdefault(check.text, check)
    return list(unique.values())


def check_report(report: Report) -> Checked:
    """The errors that keep ``report`` from being filed, and the warnings it must explain."""
    row = report.total
    checked = Checked()
    left = row.carried_in + row.accepted
    right = row.settled + row.failed + row.referred + row.ended + row.still_open
    if left != right:
        checked.errors.append(
            _(
                "The balance does not hold: carried over %(carried)s + accepted %(accepted)s = "
                "%(left)s, but settled %(settled)s + failed %(failed)s + referred out "
                "%(referred)s + withdrawn or ended %(ended)s + still open %(open)s = %(right)s."
            )
            % {
                "carried": row.carried_in,
                "accepted": row.accepted,
                "left": left,
                "settled": row.settled,
                "failed": row.failed,
                "referred": row.referred,
                "ended": row.ended,
                "open": row.still_open,
                "right": right,
            }
        )
    for check in _cross_checks(report):
        if not check.holds:
            checked.errors.append(
                _("A check printed under the table fails: %(check)s") % {"check": check.text}
            )
    if row.settled > left:
        checked.errors.append(
            _(
                "More disputes settled (%(settled)s) than there were to mediate: accepted "
                "%(accepted)s + carried over %(carried)s."
            )
            % {"settled": row.settled, "accepted": row.accepted, "carried": row.carried_in}
        )
    if Decimal(row.amount_agreed) > Decimal(row.amount_involved):
        checked.errors.append(
            _(
                "The amount agreed (%(agreed)s yuan) is more than the amount involved "
                "(%(involved)s yuan)."
            )
            % {"agreed": row.amount_agreed, "involved": row.amount_involved}
        )
    if row.accepted and row.settled == row.accepted:
        checked.concerns.append(
            Concern(
                "full_rate",
                _(
                    "The success rate is 100 %%: every one of the %(accepted)s disputes accepted "
                    "was settled."
                )
                % {"accepted": row.accepted},
            )
        )
    if row.settled > row.accepted:
        checked.concerns.append(
            Concern(
                "settled_over_accepted",
                _(
                    "More disputes settled (%(settled)s) than accepted (%(accepted)s) in the "
                    "period: say which older disputes settled in it."
                )
                % {"settled": row.settled, "accepted": row.accepted},
            )
        )
    if not (row.accepted or row.carried_in or row.still_open or row.concluded or row.ended):
        checked.concerns.append(
            Concern(
                "no_cases",
                _("No disputes at all in this period: none accepted, carried over or open."),
            )
        )
    previous = report.previous
    if previous is not None:
        for code, label, now, before in (
            (
                "swing_accepted",
                pgettext("number of cases", "Accepted"),
                row.accepted,
                previous.accepted,
            ),
            ("swing_settled", _("Settled"), row.settled, previous.settled),
        ):
            if before and abs(now - before) >= SWING * before:
                checked.concerns.append(
                    Concern(
                        code,
                        _(
                            "%(figure)s changed by %(change)+d %% against the previous period "
                            "(%(before)s → %(now)s)."
                        )
                        % {
                            "figure": label,
                            "change": round(100 * (now - before) / before),
                            "before": before,
                            "now": now,
                        },
                    )
                )
    return checked


def figures_digest(report: Report) -> str:
    """A short fingerprint of the figures as shown: the filer files what they saw."""
    data = json.dumps(snapshots.report_to_data(report), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(data.encode()).hexdigest()[:32]


# --- The cases behind a report ----------------------------------------------------------------

#: The facts of a case that decide where it counts, as a snapshot keeps them.
FACTS = (
    "number",
    "kind",
    "committee",
    "community",
    "dispute_type",
    "source",
    "level",
    "outcome",
    "accepted_on",
    "settled_on",
    "closed_on",
    "mediation_due",
    "amount_involved",
    "amount_agreed",
    "parties",
    "criminal_persons",
    "petition_persons",
    "suicide_persons",
    "fight_persons",
    "incident_persons",
)


def _in(name: str, period: Period) -> Q:
    return Q(**{f"{name}__gte": period.start, f"{name}__lt": period.end})


def counting(committee_id: int, period: Period) -> Q:
    """The committee's cases that can count in the period: accepted, settled or closed in it,
    or accepted before its end and still open then."""
    return Q(committee_id=committee_id) & (
        _in("accepted_at", period)
        | _in("settled_at", period)
        | _in("closed_at", period)
        | (
            Q(accepted_at__lt=period.end)
            & (Q(closed_at__isnull=True) | Q(closed_at__gte=period.end))
        )
    )


def _day(moment: datetime | None) -> str | None:
    return None if moment is None else timezone.localdate(moment).isoformat()


def case_facts(where: Q) -> dict[int, dict[str, Any]]:
    """``FACTS`` of each case matching ``where``, by id (one query)."""
    found = (
        Case.objects.filter(where)
        .annotate(party_count=Count("parties"))
        .values(
            "pk",
            "number",
            "kind",
            "committee_id",
            "community_id",
            "dispute_type",
            "source",
            "level",
            "outcome",
            "accepted_at",
            "settled_at",
            "closed_at",
            "mediation_due",
            "amount_involved",
            "amount_agreed",
            "party_count",
            "prevented_criminal",
            "prevented_criminal_persons",
            "prevented_petition",
            "prevented_petition_persons",
            "prevented_suicide",
            "prevented_suicide_persons",
            "prevented_fight",
            "prevented_fight_persons",
            "prevented_incident",
            "prevented_incident_persons",
        )
        .order_by("pk")
    )
    facts = {}
    for values in found:
        facts[values["pk"]] = {
            "number": values["number"],
            "kind": values["kind"],
            "committee": values["committee_id"],
            "community": values["community_id"],
            "dispute_type": values["dispute_type"],
            "source": values["source"],
            "level": values["level"],
            "outcome": values["outcome"],
            "accepted_on": _day(values["accepted_at"]),
            "settled_on": _day(values["settled_at"]),
            "closed_on": _day(values["closed_at"]),
            "mediation_due": values["mediation_due"] and values["mediation_due"].isoformat(),
            "amount_involved": _money(values["amount_involved"]),
            "amount_agreed": _money(values["amount_agreed"]),
            "parties": values["party_count"],
            "criminal_persons": values["prevented_criminal_persons"]
            if values["prevented_criminal"]
            else 0,
            "petition_persons": values["prevented_petition_persons"]
            if values["prevented_petition"]
            else 0,
        } | {
            f"{harm}_persons": values[f"prevented_{harm}_persons"]
            for harm in ("suicide", "fight", "incident")
        }
    return facts


def _money(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def snapshot_of(report: Report, committee: MediationCommittee) -> dict[str, Any]:
    """What a filing keeps: the whole report and the facts of the cases that count in it."""
    facts = case_facts(counting(committee.pk, report.period))
    return {
        "format": snapshots.FORMAT,
        "report": snapshots.report_to_data(report),
        "cases": {str(pk): values for pk, values in facts.items()},
        "taken_at": timezone.now().isoformat(),
    }


def frozen_report(filing: ReportFiling) -> Report:
    return snapshots.report_from_data(filing.snapshot["report"])


# --- Corrections ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Correction:
    """A change since filing to a case behind a frozen report: which case, which fact, the
    value as filed and the value now, each as the page says it."""

    case_id: int
    case: str
    field: str
    old: str
    new: str


def _counts_in(facts: dict[str, Any], period: Period) -> bool:
    first, last = period.first.isoformat(), period.last.isoformat()

    def within(day: str | None) -> bool:
        return day is not None and first <= day <= last

    accepted, closed = facts.get("accepted_on"), facts.get("closed_on")
    return (
        within(accepted)
        or within(facts.get("settled_on"))
        or within(closed)
        or (accepted is not None and accepted <= last and (closed is None or closed > last))
    )


def _labels() -> dict[str, str]:
    meta = Case._meta

    def verbose(name: str) -> str:
        return str(meta.get_field(name).verbose_name)  # type: ignore[union-attr]

    return {
        "counted": _("Counts in this report"),
        "number": verbose("number"),
        "kind": verbose("kind"),
        "committee": _("mediation committee"),
        "community": verbose("community"),
        "dispute_type": verbose("dispute_type"),
        "source": verbose("source"),
        "level": verbose("level"),
        "outcome": verbose("outcome"),
        "accepted_on": verbose("accepted_at"),
        "settled_on": verbose("settled_at"),
        "closed_on": verbose("closed_at"),
        "mediation_due": verbose("mediation_due"),
        "amount_involved": verbose("amount_involved"),
        "amount_agreed": verbose("amount_agreed"),
        "parties": _("parties"),
        "criminal_persons": verbose("prevented_criminal_persons"),
        "petition_persons": verbose("prevented_petition_persons"),
        "suicide_persons": verbose("prevented_suicide_persons"),
        "fight_persons": verbose("prevented_fight_persons"),
        "incident_persons": verbose("prevented_incident_persons"),
    }


def _choices(name: str) -> dict[str, str]:
    return {str(k): str(v) for k, v in Case._meta.get_field(name).choices or []}  # type: ignore[union-attr]


def _case_label(pk: int, number: str | None) -> str:
    if number:
        return _("Case %(number)s") % {"number": number}
    return _("Case %(pk)s (not yet numbered)") % {"pk": pk}


def corrections(filings: list[ReportFiling]) -> dict[int, list[Correction]]:
    """For each filing waiting for review or frozen (by id): every case fact that changed since
    it was filed, a case that counts now and was not filed, and a filed case that no longer
    counts (the reviewer sees what moved since the committee filed). One query for the cases,
    one each for the names of committees and communities."""
    states = (FilingState.FILED, *FROZEN_STATES)
    frozen = [f for f in filings if f.state in states and "cases" in f.snapshot]
    if not frozen:
        return {}
    where = Q(pk__in=[int(pk) for f in frozen for pk in f.snapshot["cases"]])
    periods = {}
    for filing in frozen:
        period = Period(filing.first, filing.last, filing.label)
        periods[filing.pk] = period
        where |= counting(filing.committee_id, period)
    now = case_facts(where)
    committees = dict(MediationCommittee.objects.values_list("pk", "name"))
    communities = dict(
        Community.objects.filter(
            pk__in={facts["community"] for facts in now.values()}
            | {
                facts.get("community")
                for filing in frozen
                for facts in filing.snapshot["cases"].values()
            }
        ).values_list("pk", "name")
    )
    labels = _labels()
    choices = {name: _choices(name) for name in ("kind", "dispute_type", "source", "level")}
    choices["outcome"] = _choices("outcome")
    yes, no = _("yes"), _("no")

    def shown(name: str, value: Any) -> str:
        if value in (None, ""):
            return "—"
        if name == "committee":
            return committees.get(value, str(value))
        if name == "community":
            return communities.get(value, str(value))
        if name in choices:
            return choices[name].get(str(value), str(value))
        return str(value)

    found: dict[int, list[Correction]] = {}
    for filing in frozen:
        period = periods[filing.pk]
        filed = {int(pk): facts for pk, facts in filing.snapshot["cases"].items()}
        mine = {
            pk
            for pk, facts in now.items()
            if facts["committee"] == filing.committee_id and _counts_in(facts, period)
        }
        listed: list[Correction] = []
        for pk in sorted(set(filed) | mine):
            before, after = filed.get(pk), now.get(pk)
            case = _case_label(pk, (after or before or {}).get("number"))
            if before is None or after is None or (pk in mine) != (pk in filed):
                listed.append(
                    Correction(
                        pk,
                        case,
                        labels["counted"],
                        yes if pk in filed else no,
                        yes if pk in mine else no,
                    )
                )
            if before is None or after is None:
                continue
            for name in FACTS:
                # a fact a snapshot did not keep yet (added later) is no correction
                if before.get(name) != after.get(name) and name in after and name in before:
                    listed.append(
                        Correction(
                            pk,
                            case,
                            labels[name],
                            shown(name, before.get(name)),
                            shown(name, after[name]),
                        )
                    )
        found[filing.pk] = listed
    return found


# --- What a scope shows -----------------------------------------------------------------------


def scope_committees(key: str) -> list[MediationCommittee]:
    """The committees whose reports make up a scope's figures (a community's: its own
    committee only; the cases it handed to the street's committee are in the street's)."""
    kind, _sep, pk = key.partition(":")
    committees = (
        MediationCommittee.objects.holding_cases()
        .select_related("street", "community")
        .order_by("street__code", "-level", "name")
    )
    where = {
        "district": Q(street__district_id=pk),
        "street": Q(street_id=pk),
        "community": Q(community_id=pk),
        "committee": Q(pk=pk),
    }.get(kind)
    return [] if where is None else list(committees.filter(where))


@dataclass
class ScopeFigures:
    """The figures a scope shows for a period, and where they come from."""

    report: Report
    #: The figures are the frozen ones (one committee's snapshot, or all its committees').
    frozen: bool
    committees: list[MediationCommittee]
    #: The scope's committees' filings of this period, by committee id.
    filings: dict[int, ReportFiling]

    @property
    def frozen_committees(self) -> list[MediationCommittee]:
        return [
            c
            for c in self.committees
            if c.pk in self.filings and self.filings[c.pk].state in FROZEN_STATES
        ]

    @property
    def only_filing(self) -> ReportFiling | None:
        """The filing of a one-committee scope."""
        if len(self.committees) != 1:
            return None
        return self.filings.get(self.committees[0].pk)


def scope_figures(
    key: str, communities: list[Community], period: Period, label: str
) -> ScopeFigures:
    """The scope's figures for the period: frozen where the rules say, else live."""
    kind, _sep, _pk = key.partition(":")
    committees = scope_committees(key)
    filings = {
        f.committee_id: f
        for f in ReportFiling.objects.filter(
            committee__in=committees, first=period.first, last=period.last
        ).select_related("filed_by", "reviewed_by", "reported_by", "committee")
    }
    frozen = [filings[c.pk] for c in committees if c.pk in filings and filings[c.pk].frozen]
    if kind == "committee" and frozen:
        return ScopeFigures(frozen_report(frozen[0]), True, committees, filings)
    if kind in ("street", "district") and committees and len(frozen) == len(committees):
        report = snapshots.combine([frozen_report(f) for f in frozen], label, period)
        return ScopeFigures(report, True, committees, filings)
    if kind == "committee":
        report = committee_report(committees[0], period)
        report.scope_label = label
    else:
        report = figures.compute(communities, period, label)
    return ScopeFigures(report, False, committees, filings)
