"""常见问答 pages: a committee's common answers kept by its mediators and coordinators, and the
picker on the advice form that fills the answer box from one of them."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cases import access
from cases.answers.actions import (
    do_add_common_answer,
    do_edit_common_answer,
    do_retire_common_answer,
)
from cases.answers.forms import CommonAnswerForm
from cases.models import CommonAnswer
from cases.pages import form_page, submit
from clinic.access import AuthenticatedHttpRequest, NotPermitted
from clinic.models import MediationCommittee


def _kept_by(request: AuthenticatedHttpRequest) -> QuerySet[MediationCommittee]:
    committees = access.answer_committees(request.user)
    if not committees.exists():
        raise NotPermitted("common_answer", "", "keep")
    return committees


def common_answers(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The common answers of the committees one keeps, most used first, and a form to add."""
    committees = _kept_by(request)
    form = CommonAnswerForm(request.POST or None, committees=committees)
    submitted = submit(
        request,
        form,
        lambda data: do_add_common_answer(data["committee"], actor=request.user, data=data),
    )
    if submitted:
        messages.success(request, _("The common answer was added."))
        return redirect("cases:common_answers")
    answers = (
        CommonAnswer.objects.filter(committee__in=committees)
        .select_related("committee", "updated_by")
        .order_by("-active", "committee", "-times_used", "question")
    )
    return render(
        request,
        "cases/answers/common_answers.html",
        {"answers": answers, "form": form, "several": len(committees) > 1},
        status=submitted.status,
    )


def edit_common_answer(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    answer = access.access_common_answer(request.user, pk)
    form = CommonAnswerForm(
        request.POST or None,
        editing=True,
        initial={key: getattr(answer, key) for key in ("dispute_type", "question", "answer")}
        | {"active": answer.active},
    )
    submitted = submit(
        request, form, lambda data: do_edit_common_answer(answer, actor=request.user, data=data)
    )
    if submitted:
        messages.success(request, _("The common answer was saved."))
        return redirect("cases:common_answers")
    return form_page(
        request,
        None,
        form,
        title=_("Edit a common answer of %(committee)s") % {"committee": answer.committee},
        submit=_("Save"),
        status=submitted.status,
    )


@require_POST
def retire_common_answer(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    answer = access.access_common_answer(request.user, pk)
    do_retire_common_answer(answer, actor=request.user)
    messages.success(
        request, _("“%(question)s” is no longer offered.") % {"question": answer.question}
    )
    return redirect("cases:common_answers")
