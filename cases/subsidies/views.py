"""以案定补's pages: the district's rule, the file reviews, the monthly statements (page, PDF,
XLSX) and their approval."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from urllib.parse import quote, urlencode

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from cases import access as case_access
from cases.models import FileVerdict, SubsidyOutcome, SubsidyRule
from cases.pages import submit
from cases.subsidies import access, exports
from cases.subsidies import statement as statements
from cases.subsidies.actions import (
    do_approve_statement,
    do_review_file,
    do_save_subsidy_rule,
    statement_url,
)
from cases.subsidies.forms import (
    ApproveForm,
    MonthField,
    ReviewForm,
    RuleForm,
    parse_month,
    rule_initial,
)
from clinic.access import AuthenticatedHttpRequest, NotPermitted, NotVisible
from clinic.audit import record as audit
from clinic.choices import AuditEvent
from clinic.models import Community, District


def _month(text: str | None, default: date) -> date:
    """The month of a page's address (``YYYY-MM``), else ``default``; 404 for one that is no
    month (no such page)."""
    if not text:
        return default
    try:
        return parse_month(text)
    except forms.ValidationError:
        raise NotVisible("month", text) from None


def _asked_month(request: AuthenticatedHttpRequest) -> tuple[date | None, int]:
    """The month a page's filter asks for (``?month=YYYY-MM``; None for none) and the page's
    status: a month typed wrongly is said on the page (400), which shows its usual month."""
    text = (request.GET.get("month") or "").strip()
    if not text:
        return None, 200
    try:
        return parse_month(text), 200
    except forms.ValidationError as error:
        messages.error(
            request,
            _("%(problem)s The page shows the usual month instead.")
            % {"problem": " ".join(error.messages)},
        )
        return None, 400


def _last_month() -> date:
    return (timezone.localdate().replace(day=1) - timedelta(days=1)).replace(day=1)


# --- The rule -----------------------------------------------------------------------------------


def _district(districts: list[District], asked: str | None) -> District:
    if not asked:
        return districts[0]
    found = next((d for d in districts if str(d.pk) == asked), None)
    if found is None:
        raise NotVisible("district", asked)
    return found


def subsidy_rules(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The district's rules by month, and the form of one month's rule: the rule starting that
    month to change, or a new one (filled in from the rule in force then)."""
    districts = access.rule_districts(request.user)
    district = _district(districts, request.GET.get("district") or request.POST.get("district"))
    next_month = statements.next_month(timezone.localdate())
    asked, status = _asked_month(request)
    month = asked or next_month
    rule = SubsidyRule.objects.filter(district=district, valid_from=month).first()
    shown = rule or statements.rule_for(district.pk, month)
    initial: dict[str, Any] = {"valid_from": f"{month:%Y-%m}", "seen_version": 0}
    if shown is not None:
        initial |= rule_initial(shown.rates) | {
            "file_bonus": shown.file_bonus,
            "monthly_cap": shown.monthly_cap,
            "basis": shown.basis,
        }
    form = RuleForm(
        request.POST if request.method == "POST" else None, initial=initial, record=rule
    )
    submitted = submit(
        request,
        form,
        lambda data: do_save_subsidy_rule(
            district,
            actor=request.user,
            valid_from=data["valid_from"],
            rates=form.rates(),
            file_bonus=data["file_bonus"],
            monthly_cap=data["monthly_cap"],
            basis=data["basis"],
            claim=form.claim,
            request=request,
        ),
    )
    if submitted:
        saved = submitted.result
        messages.success(
            request,
            _("The rule from %(month)s is saved.") % {"month": f"{saved.valid_from:%Y-%m}"},
        )
        query = urlencode({"district": district.pk, "month": f"{saved.valid_from:%Y-%m}"})
        return redirect(f"{reverse('cases:subsidy_rules')}?{query}")
    rules = list(
        SubsidyRule.objects.filter(district=district)
        .select_related("changed_by")
        .order_by("-valid_from")
    )
    return render(
        request,
        "cases/subsidies/subsidy_rules.html",
        {
            "districts": districts,
            "district": district,
            "month": month,
            "rule": rule,
            "in_force": shown if rule is None else None,
            "form": form,
            "rules": rules,
            "outcomes": [label for _value, label in SubsidyOutcome.choices],
        },
        status=submitted.status if submitted.status != 200 else status,
    )


# --- File reviews -------------------------------------------------------------------------------

REVIEW_FILTERS = {
    "awaiting": gettext_lazy("Awaiting review"),
    "failed": gettext_lazy("Failed, to review again"),
    "passed": gettext_lazy("Passed"),
    "all": gettext_lazy("All"),
}


def file_reviews(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The concluded disputes of the reviewer's street or district and their files' standing:
    awaiting review first (filter by standing, month concluded, community)."""
    if not access.may_review(request.user):
        raise NotPermitted("filereview", "", "list")
    standing = request.GET.get("standing") or "awaiting"
    if standing not in REVIEW_FILTERS:
        raise NotVisible("filereview", standing)
    month, status = _asked_month(request)
    cases = statements.concluded_cases().filter(access.review_scope(request.user))
    communities = list(
        Community.objects.filter(
            pk__in=cases.order_by().values("community_id").distinct()
        ).order_by("code")
    )
    community = request.GET.get("community") or ""
    if community:
        if community not in {str(c.pk) for c in communities}:
            raise NotVisible("community", community)
        cases = cases.filter(community_id=community)
    if standing == "awaiting":
        cases = cases.filter(review_verdict=None)
    elif standing in (FileVerdict.FAILED, FileVerdict.PASSED):
        cases = cases.filter(review_verdict=standing)
    if month is not None:
        cases = cases.filter(
            concluded__gte=statements.month_start(month),
            concluded__lt=statements.month_start(statements.next_month(month)),
        )
    cases = cases.select_related("community", "mediator").order_by("concluded", "pk")
    page = Paginator(cases, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "cases/subsidies/file_reviews.html",
        {
            "page": page,
            "standing": standing,
            "filters": list(REVIEW_FILTERS.items()),
            "communities": communities,
            "community": community,
            "month": f"{month:%Y-%m}" if month else "",
        },
        status=status,
    )


def review_file(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """One file's review: the case in brief, the reviews so far, the form (合格 / 不合格)."""
    case = access.access_review_case(request.user, pk)
    reviews = list(case.file_reviews.select_related("reviewer").order_by("-reviewed_at", "-pk"))
    latest = reviews[0].pk if reviews else ""
    form = ReviewForm(
        request.POST if request.method == "POST" else None, initial={"seen_review": latest}
    )
    submitted = submit(
        request,
        form,
        lambda data: do_review_file(
            case,
            actor=request.user,
            verdict=data["verdict"],
            defects=data["defects"],
            note=data["note"],
            seen_review=data["seen_review"],
            request=request,
        ),
    )
    if submitted:
        messages.success(
            request,
            _("File of %(case)s: %(verdict)s.")
            % {"case": case, "verdict": submitted.result.get_verdict_display()},
        )
        return redirect("cases:file_reviews")
    if submitted.status == 409:
        # the page again with the other reviewer's review, armed with it
        reviews = list(case.file_reviews.select_related("reviewer").order_by("-reviewed_at", "-pk"))
        data = request.POST.copy()
        data["seen_review"] = str(reviews[0].pk) if reviews else ""
        form.data = data
    concluded = statements.concluded_cases().filter(pk=case.pk).values("concluded").first()
    return render(
        request,
        "cases/subsidies/review_file.html",
        {
            "case": case,
            "concluded": concluded["concluded"] if concluded else None,
            "reviews": reviews,
            "form": form,
            "may_see_case": case_access.may_see(request.user, case),
        },
        status=submitted.status,
    )


# --- Statements ---------------------------------------------------------------------------------


class StatementMonthForm(forms.Form):
    month = MonthField(label=gettext_lazy("Month"))


def subsidy_statements(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A month's statements: every mediator's of the approver's streets, or the mediator's
    own."""
    if not access.may_see_statements(request.user):
        raise NotPermitted("subsidystatement", "", "list")
    asked, status = _asked_month(request)
    month = asked or _last_month()
    streets = access.approver_streets(request.user)
    found = statements.statements(streets, month) if streets else []
    own_streets = [s for s in access.mediator_streets(request.user) if s not in streets]
    mine = statements.statements(own_streets, month, request.user) if own_streets else []
    if not streets:
        found = []
    approvable = {s.pk for s in streets}
    return render(
        request,
        "cases/subsidies/subsidy_statements.html",
        {
            "month": month,
            "choice": StatementMonthForm(initial={"month": f"{month:%Y-%m}"}),
            "statements": found,
            "mine": mine,
            "approver": bool(streets),
            "approvable": approvable,
            "previous": f"{(month - timedelta(days=1)).replace(day=1):%Y-%m}",
            "following": f"{statements.next_month(month):%Y-%m}",
            "total": sum((s.total for s in found), statements.ZERO),
        },
        status=status,
    )


def _statement(
    request: AuthenticatedHttpRequest, street_pk: int, mediator_pk: int, month: str
) -> statements.Statement:
    street, mediator = access.access_statement(request.user, street_pk, mediator_pk)
    return statements.statement(street, mediator, _month(month, _last_month()))


def _statement_page(
    request: AuthenticatedHttpRequest,
    found: statements.Statement,
    *,
    form: ApproveForm | None = None,
    status: int = 200,
) -> HttpResponse:
    may_approve = found.frozen is None and access.may_approve(request.user, found.street)
    if form is None and may_approve:
        form = ApproveForm(initial={"seen": found.digest()})
    return render(
        request,
        "cases/subsidies/subsidy_statement.html",
        {
            "statement": found,
            "form": form if may_approve else None,
            "rule_text": exports._rule(found),
        },
        status=status,
    )


def subsidy_statement(
    request: AuthenticatedHttpRequest, street_pk: int, mediator_pk: int, month: str
) -> HttpResponse:
    """One mediator's statement: the cases, what each earns and why, the total; approved, the
    corrections since."""
    return _statement_page(request, _statement(request, street_pk, mediator_pk, month))


def _download(
    request: AuthenticatedHttpRequest, found: statements.Statement, fmt: str, body: bytes
) -> HttpResponse:
    audit(
        AuditEvent.EXPORT,
        request=request,
        object_type="subsidystatement",
        object_id=found.key,
        detail={"format": fmt, "total": str(found.total), "approved": found.frozen is not None},
    )
    types = {
        "pdf": "application/pdf",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    }
    response = HttpResponse(body, content_type=types[fmt])
    response["Content-Disposition"] = (
        f"attachment; filename*=UTF-8''{quote(exports.filename(found, fmt))}"
    )
    response["Cache-Control"] = "private, no-store"
    return response


def subsidy_statement_pdf(
    request: AuthenticatedHttpRequest, street_pk: int, mediator_pk: int, month: str
) -> HttpResponse:
    found = _statement(request, street_pk, mediator_pk, month)
    return _download(request, found, "pdf", exports.statement_pdf(found))


def subsidy_statement_xlsx(
    request: AuthenticatedHttpRequest, street_pk: int, mediator_pk: int, month: str
) -> HttpResponse:
    found = _statement(request, street_pk, mediator_pk, month)
    return _download(request, found, "xlsx", exports.statement_xlsx(found))


@require_POST
def approve_subsidy_statement(
    request: AuthenticatedHttpRequest, street_pk: int, mediator_pk: int, month: str
) -> HttpResponse:
    """审批: the statement as shown is frozen."""
    found = _statement(request, street_pk, mediator_pk, month)
    if not access.may_approve(request.user, found.street):
        raise NotPermitted("subsidystatement", found.key, "approve")
    form = ApproveForm(request.POST)
    submitted = submit(
        request,
        form,
        lambda data: do_approve_statement(
            found.street,
            found.mediator,
            found.month,
            actor=request.user,
            seen=data["seen"],
            request=request,
        ),
    )
    if not submitted:
        current = _statement(request, street_pk, mediator_pk, month)
        if submitted.status == 409 and current.frozen is None:
            data = request.POST.copy()
            data["seen"] = current.digest()
            form.data = data
        return _statement_page(request, current, form=form, status=submitted.status)
    messages.success(
        request,
        _("Approved: %(total)s yuan. The statement is frozen as approved.")
        % {"total": submitted.result.total},
    )
    return redirect(statement_url(found.street, found.mediator, found.month))
