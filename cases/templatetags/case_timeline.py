"""The timeline's words: ``{{ event|event_lines }}`` turns a ``CaseEvent``'s payload (plain data,
see ``cases.timeline``) into its lines in the viewer's language. Formatting only: no queries
(field labels come from the models' ``verbose_name``, choices from their labels).

An event written before payloads said ``what`` happened shows what its old keys allow.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

from django import template
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cases.choices import (
    AgreementForm,
    AttachmentKind,
    EventKind,
    FollowUpMethod,
    InviteResponse,
    Performance,
    Setback,
    Side,
)
from cases.models import Agreement, Case, CaseEvent, Party
from clinic.choices import Role

register = template.Library()

Payload = dict[str, Any]
Lines = Iterator[str]

#: Shown for an empty value.
NOTHING = "—"


@register.filter
def event_lines(event: CaseEvent) -> list[str]:
    """The detail lines of ``event`` (its headline, actor and note are the template's)."""
    payload = event.payload if isinstance(event.payload, dict) else {}
    describe = DESCRIBE.get(payload.get("what", "")) or LEGACY.get(event.kind)
    if describe is None:
        return []
    return [line for line in describe(payload) if line]


# --- Values ------------------------------------------------------------------------------------


def _field(model: type[models.Model], name: str) -> Any:
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def _label(model: type[models.Model], name: str) -> str:
    field = _field(model, name)
    return str(getattr(field, "verbose_name", name))


def _shown(model: type[models.Model], name: str, value: Any) -> str:
    """A stored value in words: a choice by its label, a time in local time, yes or no."""
    field = _field(model, name)
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if field is not None and field.choices:
        return str(dict(field.flatchoices).get(value, value)) or NOTHING
    if value is None or value == "":
        return NOTHING
    if isinstance(field, models.DateTimeField) and isinstance(value, str):
        return _moment(value)
    return str(value)


def _moment(value: Any, form: str = "%Y-%m-%d %H:%M") -> str:
    """An ISO time in local time (``2026-12-05 10:00``); anything else as it is."""
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        return str(value)
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return moment.strftime(form)


def _clock(value: Any) -> str:
    """An ISO time as ``10:00`` in local time."""
    return _moment(value, "%H:%M")


def _names(value: Any) -> str:
    return "、".join(str(name) for name in value) if isinstance(value, list) else str(value or "")


def _choice(choices: type[models.Choices], value: Any) -> str:
    return str(dict(choices.choices).get(value, value or NOTHING))


def _changes(model: type[models.Model], payload: Payload) -> Lines:
    """``field old → new`` for each change (a dict ``{field: [old, new]}`` in old events)."""
    changes = payload.get("changes") or []
    if isinstance(changes, dict):
        changes = [
            {"field": field, "from": values[0], "to": values[1]}
            for field, values in changes.items()
            if isinstance(values, list) and len(values) == 2
        ]
    for change in changes:
        if not isinstance(change, dict):
            continue
        field = change.get("field", "")
        if change.get("hidden"):
            yield _("%(field)s (changed)") % {"field": _label(model, field)}
        else:
            yield _("%(field)s %(old)s → %(new)s") % {
                "field": _label(model, field),
                "old": _shown(model, field, change.get("from")),
                "new": _shown(model, field, change.get("to")),
            }


# --- One describer per kind of event -----------------------------------------------------------


def _registered(payload: Payload) -> Lines:
    if payload.get("came_on"):
        yield _(
            "Entered late: the resident came on %(day)s; entered %(entered)s. Reason: %(reason)s"
        ) % {
            "day": payload["came_on"],
            "entered": _moment(payload.get("entered_at", "")),
            "reason": payload.get("reason", ""),
        }
    if payload.get("parties"):
        yield _("Parties: %(names)s") % {"names": _names(payload["parties"])}
    if payload.get("mediator"):
        yield _("Mediator: %(name)s") % {"name": payload["mediator"]}
    if payload.get("overrode"):
        yield _("Registered despite a possible duplicate: %(cases)s") % {
            "cases": _names(payload["overrode"])
        }


def _transition(payload: Payload) -> Lines:
    if payload.get("number"):
        yield _("Case number %(number)s") % {"number": payload["number"]}
    if payload.get("mediation_due"):
        yield _("Mediation due %(day)s") % {"day": payload["mediation_due"]}
    if payload.get("form"):
        yield _choice(AgreementForm, payload["form"])
    if payload.get("referred_to"):
        yield _("Referred to %(to)s %(reference)s") % {
            "to": payload["referred_to"],
            "reference": payload.get("reference", ""),
        }
    if payload.get("invited"):
        yield _("Invited: %(names)s") % {"names": _names(payload["invited"])}
    if payload.get("both_parties_ask"):
        yield _("Both parties asked for mediation again.")


def _case_edited(payload: Payload) -> Lines:
    yield from _changes(Case, payload)


def _archived(payload: Payload) -> Lines:
    yield _("Filed under volume %(no)s") % {"no": payload.get("volume_no", "")}


def _case_file_purged(payload: Payload) -> Lines:
    yield ngettext(
        "Kept %(years)s year from the year after %(day)s; %(files)s files deleted, the contact "
        "details of %(parties)s parties removed.",
        "Kept %(years)s years from the year after %(day)s; %(files)s files deleted, the contact "
        "details of %(parties)s parties removed.",
        payload.get("years") or 0,
    ) % {
        "years": payload.get("years", ""),
        "day": payload.get("began", ""),
        "files": payload.get("files", 0),
        "parties": payload.get("parties", 0),
    }


def _party_added(payload: Payload) -> Lines:
    yield _("Party %(name)s, %(side)s") % {
        "name": payload.get("party", ""),
        "side": _choice(Side, payload.get("side")),
    }


def _party_changed(payload: Payload) -> Lines:
    for change in _changes(Party, payload):
        yield _("Party %(name)s: %(change)s") % {"name": payload.get("party", ""), "change": change}


def _consent(payload: Payload) -> Lines:
    party = payload.get("party", "")
    if payload.get("refused"):
        yield _("Party %(name)s refuses mediation") % {"name": party}
        return
    if payload.get("consented") and payload.get("guardian"):
        yield _("Party %(name)s consents to mediation through their guardian %(guardian)s") % {
            "name": party,
            "guardian": payload["guardian"],
        }
    elif payload.get("consented"):
        yield _("Party %(name)s consents to mediation") % {"name": party}
    if payload.get("notice"):
        yield _("Party %(name)s was told their rights and duties: %(how)s") % {
            "name": party,
            "how": _shown(Party, "notice_method", payload["notice"]),
        }


def _assigned(payload: Payload) -> Lines:
    if payload.get("previous"):
        yield _("Mediator %(old)s → %(new)s") % {
            "old": payload["previous"],
            "new": payload.get("mediator", ""),
        }
    elif payload.get("mediator"):
        yield _("Mediator: %(name)s") % {"name": payload["mediator"]}


def _professional_assigned(payload: Payload) -> Lines:
    yield _("%(person)s advises as %(role)s") % {
        "person": payload.get("professional", ""),
        "role": _choice(Role, payload.get("role")),
    }


def _professional_unassigned(payload: Payload) -> Lines:
    yield _("%(person)s no longer advises on the case") % {"person": payload.get("professional")}


def _recused(payload: Payload) -> Lines:
    if payload.get("party"):
        yield _("Party %(name)s objects to mediator %(old)s") % {
            "name": payload["party"],
            "old": payload.get("mediator") or NOTHING,
        }
    else:
        yield _("Mediator %(old)s stepped aside") % {"old": payload.get("mediator") or NOTHING}
    if payload.get("new_mediator"):
        yield _("The case goes to %(new)s") % {"new": payload["new_mediator"]}
    elif payload.get("escalated"):
        yield _("No other mediator in the committee: the case goes to the street committee")
    else:
        yield _("The case waits for the coordinator to assign a mediator")


def _work_reassigned(payload: Payload) -> Lines:
    moved = []
    if payload.get("mediator"):
        moved.append(_("the mediation"))
    if payload.get("follow_ups"):
        moved.append(_("%(count)s open follow-ups") % {"count": payload["follow_ups"]})
    if payload.get("adviser"):
        moved.append(_("advising"))
    yield _("Open work of %(old)s handed to %(new)s: %(what)s") % {
        "old": payload.get("from", ""),
        "new": payload.get("to", ""),
        "what": "、".join(moved) or NOTHING,
    }


def _escalated(payload: Payload) -> Lines:
    if payload.get("committee"):
        yield _("To %(committee)s") % {"committee": payload["committee"]}


def _deadline(payload: Payload) -> Lines:
    """A deadline extended by hand or moved with the holiday schedule."""
    if payload.get("field") == "confirmation_due":
        label = _("Judicial confirmation by")
    else:
        label = _("Mediation due")
    line = _("%(field)s: %(old)s → %(new)s") % {
        "field": label,
        "old": payload.get("from") or NOTHING,
        "new": payload.get("to") or NOTHING,
    }
    if payload.get("provisional"):
        line = f"{line} ({_('provisional')})"
    yield line
    if payload.get("consent"):
        yield _("Parties' consent: %(consent)s") % {"consent": payload["consent"]}


def _reminder_sent(payload: Payload) -> Lines:
    values = {"day": payload.get("due", ""), "names": _names(payload.get("to"))}
    if payload.get("about") == "follow_up":
        if payload.get("overdue"):
            yield _("Follow-up overdue since %(day)s; reminded: %(names)s") % values
        else:
            yield _("Follow-up due on %(day)s; reminded: %(names)s") % values
    elif payload.get("about") == "confirmation_due":
        yield (_("Judicial confirmation window closes on %(day)s; reminded: %(names)s") % values)
    elif payload.get("overdue"):
        yield _("Mediation overdue since %(day)s; reminded: %(names)s") % values
    else:
        yield _("Mediation due on %(day)s; reminded: %(names)s") % values


def _record_added(payload: Payload) -> Lines:
    yield _("Mediation record of %(when)s, %(place)s") % {
        "when": _moment(payload.get("held_at", "")),
        "place": payload.get("place", ""),
    }


def _agreement_drafted(payload: Payload) -> Lines:
    yield _("%(form)s drafted, version %(version)s") % {
        "form": _choice(AgreementForm, payload.get("form")),
        "version": payload.get("version", ""),
    }


def _agreement_changes(payload: Payload) -> Lines:
    for change in _changes(Agreement, payload):
        yield _("Agreement: %(change)s") % {"change": change}


def _agreement_signed(payload: Payload) -> Lines:
    yield _("Version %(version)s signed, in effect since %(day)s") % {
        "version": payload.get("version", ""),
        "day": payload.get("on", ""),
    }
    if payload.get("confirmation_due"):
        yield _("Judicial confirmation to be applied for by %(day)s") % {
            "day": payload["confirmation_due"]
        }


def _agreement_corrected(payload: Payload) -> Lines:
    yield _("Version %(version)s corrects the signed version") % {
        "version": payload.get("version", "")
    }
    yield from _agreement_changes(payload)


def _performance_item_added(payload: Payload) -> Lines:
    values = {"day": payload.get("due_on", ""), "what": payload.get("description", "")}
    if payload.get("amount"):
        yield _("Instalment due %(day)s: %(what)s, %(amount)s yuan") % {
            **values,
            "amount": payload["amount"],
        }
    else:
        yield _("Instalment due %(day)s: %(what)s") % values


def _confirmation_updated(payload: Payload) -> Lines:
    yield from _changes(Agreement, payload)


def _advice_given(payload: Payload) -> Lines:
    if payload.get("role"):
        yield _("As %(role)s") % {"role": _choice(Role, payload["role"])}


def _attachment_added(payload: Payload) -> Lines:
    yield _("%(name)s (%(kind)s)") % {
        "name": payload.get("name", ""),
        "kind": _choice(AttachmentKind, payload.get("kind")),
    }


def _attachment_withdrawn(payload: Payload) -> Lines:
    yield from _attachment_added(payload)
    if payload.get("reason"):
        yield _("Reason: %(reason)s") % {"reason": payload["reason"]}
    yield _("Kept until its retention period ends; no longer among the case's files.")


def _invitation_answered(payload: Payload) -> Lines:
    values = {"person": payload.get("person", ""), "role": _choice(Role, payload.get("role"))}
    if payload.get("response") == InviteResponse.ACCEPTED:
        yield _("%(person)s (%(role)s) accepts the invitation") % values
        yield _("Proposed times that suit: %(count)s") % {"count": payload.get("slots", 0)}
    else:
        yield _("%(person)s (%(role)s) declines the invitation") % values


def _meeting_fixed(payload: Payload) -> Lines:
    yield _("Meeting %(start)s to %(end)s, %(place)s") % {
        "start": _moment(payload.get("starts_at", "")),
        "end": _clock(payload.get("ends_at", "")),
        "place": payload.get("place", ""),
    }
    if payload.get("attendees"):
        yield _("Attending: %(names)s") % {"names": _names(payload["attendees"])}


def _opinion_recorded(payload: Payload) -> Lines:
    yield _("Opinion of %(person)s (%(role)s)") % {
        "person": payload.get("person", ""),
        "role": _choice(Role, payload.get("role")),
    }


def _follow_up_recorded(payload: Payload) -> Lines:
    yield _("%(method)s: %(performance)s") % {
        "method": _choice(FollowUpMethod, payload.get("method")),
        "performance": _choice(Performance, payload.get("performance")),
    }
    if payload.get("satisfaction"):
        yield _("Satisfaction %(score)s/5") % {"score": payload["satisfaction"]}
    if payload.get("setbacks"):
        yield _("What went wrong: %(what)s") % {
            "what": "、".join(_choice(Setback, kind) for kind in payload["setbacks"])
        }
        if payload.get("setback_note"):
            yield str(payload["setback_note"])


def _follow_up_visit_planned(payload: Payload) -> Lines:
    yield _("Follow-up visit %(start)s to %(end)s by %(person)s (follow-up due %(day)s)") % {
        "start": _moment(payload.get("starts_at", "")),
        "end": _clock(payload.get("ends_at", "")),
        "person": payload.get("assignee", ""),
        "day": payload.get("due_on", ""),
    }


def _visit_scheduled(payload: Payload) -> Lines:
    yield _("Home visit %(reference)s, %(start)s to %(end)s") % {
        "reference": payload.get("reference", ""),
        "start": _moment(payload.get("starts_at", "")),
        "end": _clock(payload.get("ends_at", "")),
    }
    if payload.get("visitors"):
        yield _("Visiting: %(names)s") % {"names": _names(payload["visitors"])}


def _visit_cancelled(payload: Payload) -> Lines:
    yield _("Home visit %(reference)s cancelled") % {"reference": payload.get("reference", "")}


DESCRIBE: dict[str, Callable[[Payload], Lines]] = {
    "registered": _registered,
    "transition": _transition,
    "case_edited": _case_edited,
    "archived": _archived,
    "case_file_purged": _case_file_purged,
    "party_added": _party_added,
    "party_changed": _party_changed,
    "consent_recorded": _consent,
    "refusal_recorded": _consent,
    "assigned": _assigned,
    "professional_assigned": _professional_assigned,
    "professional_unassigned": _professional_unassigned,
    "recused": _recused,
    "work_reassigned": _work_reassigned,
    "escalated": _escalated,
    "deadline_extended": _deadline,
    "deadline_moved": _deadline,
    "reminder_sent": _reminder_sent,
    "record_added": _record_added,
    "agreement_drafted": _agreement_drafted,
    "agreement_edited": _agreement_changes,
    "agreement_signed": _agreement_signed,
    "agreement_corrected": _agreement_corrected,
    "performance_item_added": _performance_item_added,
    "confirmation_updated": _confirmation_updated,
    "advice_given": _advice_given,
    "attachment_added": _attachment_added,
    "attachment_withdrawn": _attachment_withdrawn,
    "invitation_answered": _invitation_answered,
    "meeting_fixed": _meeting_fixed,
    "opinion_recorded": _opinion_recorded,
    "follow_up_recorded": _follow_up_recorded,
    "follow_up_visit_planned": _follow_up_visit_planned,
    "visit_scheduled": _visit_scheduled,
    "visit_cancelled": _visit_cancelled,
}


def _legacy_edited(payload: Payload) -> Lines:
    if "archived" in payload:
        yield from _archived({"volume_no": payload["archived"]})
    yield from _changes(Case, payload)


def _legacy_party(payload: Payload) -> Lines:
    if payload.get("added"):
        yield from _party_added({"party": payload["added"], "side": payload.get("side")})
    elif payload.get("changed"):
        yield _("Party %(name)s: %(fields)s changed") % {
            "name": payload["changed"],
            "fields": "、".join(_label(Party, f) for f in payload.get("fields", [])),
        }


#: Events written before payloads said ``what`` happened, by kind: the keys that were there.
LEGACY: dict[str, Callable[[Payload], Lines]] = {
    EventKind.TRANSITION: _transition,
    EventKind.EDITED: _legacy_edited,
    EventKind.PARTY: _legacy_party,
    EventKind.CONSENT: _consent,
    EventKind.EXTENDED: _deadline,
    EventKind.DEADLINE_MOVED: _deadline,
}
