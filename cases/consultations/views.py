"""会诊 page: invitees answer and give opinions, the convener fixes the meeting."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from cases import access
from cases.choices import InviteResponse
from cases.consultations.actions import do_answer_invitation, do_fix_meeting, do_record_opinion
from cases.consultations.forms import FixMeetingForm, InvitationForm, OpinionForm
from cases.models import JointConsultation
from cases.pages import Submitted, submit
from clinic.access import AuthenticatedHttpRequest, NotPermitted, NotVisible


def consultation(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """An invitee answers, says when they can come and gives their own opinion; the convener
    fixes the meeting time. Each form posts its own button's name."""
    found = (
        JointConsultation.objects.select_related("case", "convened_by", "meeting")
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise NotVisible("consultation", pk)
    case = access.access_case(request.user, found.case_id)
    invitee = found.invitees.filter(user=request.user).first()
    convener = access.manages(request.user, case)
    if invitee is None and not convener:
        raise NotPermitted("consultation", pk, "open")
    slots = found.slots.all()
    answer_form = InvitationForm(
        request.POST if "answer" in request.POST else None,
        record=invitee,
        slots=slots,
        initial={"answer": invitee.response if invitee else ""},
    )
    opinion_form = OpinionForm(
        request.POST if "opinion" in request.POST else None,
        record=invitee,
        initial={"opinion": invitee.opinion if invitee else ""},
    )
    meeting_form = FixMeetingForm(
        request.POST if "slot" in request.POST else None, record=found, slots=slots
    )
    submitted: Submitted[None] = Submitted()
    if request.method == "POST":
        if found.concluded_at is not None:
            raise NotPermitted("consultation", pk, "concluded")
        if answer_form.is_bound and invitee:
            submitted = submit(
                request,
                answer_form,
                lambda data: do_answer_invitation(
                    invitee,
                    actor=request.user,
                    accepted=data["answer"] == "accepted",
                    slots=data["slots"],
                    claim=answer_form.claim,
                ),
            )
            done = _("Your answer was sent.")
        elif opinion_form.is_bound and invitee:  # the action refuses one who declined
            submitted = submit(
                request,
                opinion_form,
                lambda data: do_record_opinion(
                    invitee, actor=request.user, opinion=data["opinion"], claim=opinion_form.claim
                ),
            )
            done = _("Your opinion was recorded.")
        elif meeting_form.is_bound and convener:
            submitted = submit(
                request,
                meeting_form,
                lambda data: do_fix_meeting(
                    found, actor=request.user, slot=data["slot"], claim=meeting_form.claim
                ),
            )
            done = _("The meeting time is fixed and in everyone's calendar.")
        else:
            submitted = Submitted(status=400)
        if submitted:
            messages.success(request, done)
            return redirect("cases:consultation", pk=pk)
    invitees = found.invitees.select_related("user").prefetch_related("available")
    return render(
        request,
        "cases/consultations/consultation.html",
        {
            "consultation": found,
            "case": case,
            "invitee": invitee,
            "may_give_opinion": invitee is not None and invitee.response != InviteResponse.DECLINED,
            "convener": convener,
            "slots": slots,
            "invitees": invitees,
            "answer_form": answer_form,
            "opinion_form": opinion_form,
            "meeting_form": meeting_form,
        },
        status=submitted.status,
    )
