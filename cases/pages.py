"""What every case page does alike: the form page, and one policy for a submission that fails.

``submit(request, form, action)`` validates the form, runs ``action(cleaned_data)`` and turns
every way it can fail into one answer, the same on every page:

=======================================  ======  ==========================================
what went wrong                          status  what the person sees
=======================================  ======  ==========================================
the form is invalid                      400     the form as typed, with its errors
a guard is not met (``ActionRefused``)   400     the form as typed, with the reasons
a date out of order (``dates.check_*``)  400     the form as typed, the reason at its field
not permitted (``PermissionDenied``)     403     the 403 page
a stale version (``Stale``)              409     the form as typed, and what the other
                                                 person changed, field by field
a calendar clash (``Clash``)             409     the form as typed, with the clash
                                                 ("王志刚 … 已有安排")
=======================================  ======  ==========================================

A database collision (deadlock, lock timeout) is answered 409 by ``clinic.middleware``.

``case_detail_page`` draws the case page itself: for its own view, and again when a party's
personal data is revealed on it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING, Any, Generic, TypeVar, cast

from django import forms
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy

from cases import access
from cases.changes import ActionRefused
from cases.choices import (
    ACTIVE_STATES,
    State,
)
from cases.documents import papers
from cases.models import Case, Party
from cases.selectors import available_steps
from clinic.access import AuthenticatedHttpRequest
from clinic.audit import record as audit
from clinic.choices import AuditEvent
from clinic.lib.masking import mask_id_number, mask_phone
from clinic.lib.versions import RowVersionForm, Stale, say_stale
from scheduling.actions import Clash

if TYPE_CHECKING:
    from django_htmx.middleware import HtmxDetails

STALE = gettext_lazy("This case was updated by someone else, please reload it.")

T = TypeVar("T")


class HtmxRequest(AuthenticatedHttpRequest):
    """A signed-in request as django-htmx's middleware leaves it (``request.htmx`` is true for
    a request htmx sent). Only for annotations."""

    htmx: HtmxDetails


@dataclass
class Submitted(Generic[T]):
    """How a submission went: ``done`` (true when the action ran), what the action returned
    (``result``, once it ran), and the status to show the form again with."""

    status: int = 200
    done: bool = False
    returned: T | None = None

    def __bool__(self) -> bool:
        return self.done

    @property
    def result(self) -> T:
        """What the action returned; there is none before it ran."""
        if not self.done:
            raise ValueError("the action did not run")
        # it ran: ``returned`` is its own return value (None only where T allows it)
        return cast(T, self.returned)


def submit(
    request: HttpRequest,
    form: forms.BaseForm,
    action: Callable[[dict[str, Any]], T],
    *,
    stale: str = "",
) -> Submitted[T]:
    """On POST, validate ``form`` and run ``action(form.cleaned_data)`` under the one policy
    above; on GET, nothing (status 200). ``stale`` words the 409 for this page."""
    if request.method != "POST":
        return Submitted()
    if not form.is_valid():
        # a form that fails only because its record changed meanwhile (a choice no longer
        # offered) is told what changed, as a lost save is
        outdated = form.outdated() if isinstance(form, RowVersionForm) else None
        if outdated is not None:
            say_stale(form, outdated)
            return Submitted(status=409)
        return Submitted(status=400)
    try:
        result = action(form.cleaned_data)
    except Stale as error:
        if isinstance(form, RowVersionForm):
            say_stale(form, error)
        else:
            form.add_error(None, stale or error.message or STALE)
        return Submitted(status=409)
    except Clash as clash:
        form.add_error(None, clash.message)
        return Submitted(status=409)
    except ActionRefused as refused:
        for reason in refused.reasons:
            form.add_error(None, reason)
        return Submitted(status=400)
    except ValidationError as invalid:
        _show_errors(form, invalid)
        return Submitted(status=400)
    return Submitted(done=True, returned=result)


def _show_errors(form: forms.BaseForm, invalid: ValidationError) -> None:
    """An action's ``ValidationError`` beside the form's field it names (or above the form)."""
    if not hasattr(invalid, "error_dict"):
        form.add_error(None, invalid)
        return
    for field, errors in invalid.error_dict.items():
        form.add_error(field if field in form.fields else None, errors)


def form_page(
    request: HttpRequest,
    case: Case | None,
    form: forms.BaseForm,
    *,
    title: str,
    submit: str,
    intro: str = "",
    status: int = 200,
    multipart: bool = False,
    danger: bool = False,
    draft: str = "",
) -> HttpResponse:
    """The plain page of one form about a case (``case`` None for pages about no case).
    ``draft`` names the form for the browser's local draft (``static/js/drafts.js``), on the
    forms filled in away from a desk."""
    return render(
        request,
        "cases/form.html",
        {
            "case": case,
            "form": form,
            "title": title,
            "submit": submit,
            "intro": intro,
            "multipart": multipart,
            "danger": danger,
            "draft": draft,
        },
        status=status,
    )


def case_detail_page(
    request: AuthenticatedHttpRequest, case: Case, revealed: Party | None = None, status: int = 200
) -> HttpResponse:
    """The case page; ``revealed``'s ID number, phone and room are shown in full (the caller
    checked and audited the reveal), every other party's masked. Opening it is audited."""
    user = request.user
    ready, blocked = available_steps(case, user)
    manages = access.manages(user, case)
    parties = list(case.parties.all())
    for party in parties:
        show = revealed is not None and party.pk == revealed.pk
        party.shown_id = party.id_number if show else mask_id_number(party.id_number)
        party.shown_phone = party.phone if show else mask_phone(party.phone)
        phone = party.responsible_phone
        party.shown_responsible_phone = phone if show else mask_phone(phone)
        party.shown_address = party.address + (f" {party.room}" if show and party.room else "")
    audit(AuditEvent.VIEW, request=request, obj=case)
    return render(
        request,
        "cases/case_detail.html",
        {
            "case": case,
            "parties": parties,
            "events": list(case.events.all()),
            "ready": ready,
            "blocked": blocked,
            "manages": manages,
            "may_reveal": access.may_see_personal_data(user, case),
            "may_advise": access.may_advise(user, case),
            "may_escalate": access.may_escalate(user, case),
            "may_refer_out": access.may_refer_out(user, case),
            "may_assign": access.may_assign(user, case),
            "agreement": case.current_agreement,
            "consultation": case.open_consultation,
            "documents": [(k, papers.KINDS[k].title) for k in papers.available(case)],
            "refused_documents": [
                (papers.KINDS[k].title, reason) for k, reason in papers.refused(case).items()
            ],
            "missing_documents": papers.missing(case) if case.state == State.CLOSED else [],
            "today": timezone.localdate(),
            "active": case.state in ACTIVE_STATES,
        },
        status=status,
    )


def private_file(file: IO[bytes], *, content_type: str, filename: str = "") -> FileResponse:
    """A stored file served to the one person who may see it: as a download when ``filename``
    is given (else inline), its declared type not sniffed, and kept by no cache on the way."""
    response = FileResponse(
        file, as_attachment=bool(filename), filename=filename, content_type=content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
