"""The court's monthly figures (万人成讼率): a month's page to type them in, one community a row,
the court's file imported, the template to fill, and what has been entered. For the district
admin (the whole district) and the street officer (their street)."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any, cast
from urllib.parse import quote, urlencode

from django import forms
from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from cases import access
from cases.models import CourtFilingCount
from cases.statistics import court
from cases.statistics.litigation import first_of_month
from clinic.access import AuthenticatedHttpRequest, NotPermitted, NotVisible
from clinic.lib.inputs import MonthInput
from clinic.lib.versions import Stale, say_stale
from clinic.models import Community

ALL = "all"


def _court_communities(request: AuthenticatedHttpRequest) -> list[Community]:
    """The communities the person enters figures for; 403 for anyone who enters none."""
    if not access.may_enter_court_filings(request.user):
        raise NotPermitted("courtfilingcount", "", "open")
    return list(access.court_communities(request.user))


def _scopes(communities: list[Community]) -> list[tuple[str, str]]:
    """``(key, label)``: every community at once, then street by street."""
    streets: dict[int, str] = {}
    for c in communities:
        streets.setdefault(c.street_id, c.street.name)
    districts = sorted({c.street.district.name for c in communities})
    scopes = [(ALL, _("%(district)s, every community") % {"district": "、".join(districts)})]
    if len(streets) > 1:
        scopes += [(f"street:{pk}", name) for pk, name in streets.items()]
    return scopes


def _in_scope(communities: list[Community], scope: str) -> list[Community]:
    if scope.startswith("street:"):
        return [c for c in communities if f"street:{c.street_id}" == scope]
    return communities


def last_month() -> date:
    """The month whose figures come in now: the court counts a month once it is over."""
    return first_of_month(first_of_month(timezone.localdate()) - timedelta(days=1))


class MonthForm(forms.Form):
    """Which month, and which communities (a district admin: all, or one street)."""

    scope = forms.ChoiceField(label=gettext_lazy("Communities"), required=False)
    month = forms.CharField(label=gettext_lazy("Month"), max_length=7, widget=MonthInput)

    def __init__(self, *args: Any, scopes: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["scope"]).choices = scopes
        if len(scopes) < 2:
            self.fields["scope"].widget = forms.HiddenInput()

    def clean_scope(self) -> str:
        return self.cleaned_data.get("scope") or ALL

    def clean_month(self) -> date:
        text = self.cleaned_data["month"].strip()
        match = re.fullmatch(r"(\d{4})-(\d{1,2})", text)
        if match is None or not 1 <= int(match[2]) <= 12 or int(match[1]) < 2000:
            raise forms.ValidationError(_("Give the month as 2026-09."))
        month = date(int(match[1]), int(match[2]), 1)
        if month > first_of_month(timezone.localdate()):
            raise forms.ValidationError(_("This month has not come yet."))
        return month


class FiguresForm(forms.Form):
    """A month's figures, one box a community (``f_<id>``), each with the version of the
    stored figure the page showed (``v_<id>``, 0 for none)."""

    def __init__(
        self,
        *args: Any,
        communities: list[Community],
        stored: dict[int, CourtFilingCount],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.communities = communities
        self.stored = stored
        self.conflict: list[Any] = []
        for c in communities:
            record = stored.get(c.pk)
            self.fields[f"f_{c.pk}"] = forms.IntegerField(
                label=c.name,
                required=False,
                min_value=0,
                max_value=court.MAX_FIGURE,
                initial=record.civil_first_instance if record else None,
                widget=forms.NumberInput(
                    attrs={"inputmode": "numeric", "aria-describedby": f"about_{c.pk}"}
                ),
            )
            self.fields[f"v_{c.pk}"] = forms.IntegerField(
                required=False,
                min_value=0,
                initial=record.row_version if record else 0,
                widget=forms.HiddenInput,
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for c in self.communities:
            name = f"f_{c.pk}"
            emptied = data.get(name) is None and (data.get(f"v_{c.pk}") or 0) > 0
            if emptied and name not in self.errors:
                self.add_error(
                    name,
                    _(
                        "A figure entered is not emptied: type the corrected one (0 when the "
                        "court received none)."
                    ),
                )
        return data

    def typed(self) -> list[court.Typed]:
        return [
            court.Typed(
                c, self.cleaned_data.get(f"f_{c.pk}"), self.cleaned_data.get(f"v_{c.pk}") or 0
            )
            for c in self.communities
        ]

    def rows(self) -> list[dict[str, Any]]:
        """One row of the page a community: its box, its version, what is stored, the rate."""
        rows = []
        for c in self.communities:
            record = self.stored.get(c.pk)
            rate = None
            if record is not None and c.population:
                rate = round(10000 * record.civil_first_instance / c.population, 2)
            rows.append(
                {
                    "community": c,
                    "field": self[f"f_{c.pk}"],
                    "version": self[f"v_{c.pk}"],
                    "record": record,
                    "rate": rate,
                }
            )
        return rows


class CourtFileForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("The court's file (CSV or XLSX)"),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".csv,.xlsx,text/csv,"
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        ),
    )
    scope = forms.CharField(required=False, widget=forms.HiddenInput)


def _stored(communities: list[Community], month: date) -> dict[int, CourtFilingCount]:
    return {
        r.community_id: r
        for r in CourtFilingCount.objects.select_related("entered_by").filter(
            month=month, community__in=communities
        )
    }


def _entered(communities: list[Community], year: int) -> QuerySet[CourtFilingCount]:
    return CourtFilingCount.objects.select_related("community", "entered_by").filter(
        community__in=communities, month__year=year
    )


def _page(
    request: AuthenticatedHttpRequest,
    communities: list[Community],
    choice: MonthForm,
    *,
    figures: FiguresForm | None = None,
    upload: CourtFileForm | None = None,
    refused: court.CourtFileRefused | None = None,
    status: int = 200,
) -> HttpResponse:
    context: dict[str, Any] = {
        "choice": choice,
        "upload": upload
        or CourtFileForm(initial={"scope": choice.data.get("scope", "")}, auto_id="upload_%s"),
        "refused": refused,
        "max_mb": court.MAX_BYTES // (1024 * 1024),
        "may_edit_population": request.user.is_staff
        and request.user.has_perm("clinic.change_community"),
    }
    if choice.is_valid():
        month, scope = choice.cleaned_data["month"], choice.cleaned_data["scope"]
        shown = _in_scope(communities, scope)
        if figures is None:
            figures = FiguresForm(communities=shown, stored=_stored(shown, month))
        entered = list(_entered(shown, month.year))
        context.update(
            {
                "month": month,
                "scope": scope,
                "figures": figures,
                "entered": entered,
                "template_query": urlencode({"month": f"{month:%Y-%m}", "scope": scope}),
                "no_population": [c for c in shown if not c.population],
            }
        )
    return render(request, "cases/statistics/court/court_filings.html", context, status=status)


def _choice(data: Any, communities: list[Community], *, default: bool = False) -> MonthForm:
    """The month and scope asked for (``default``: last month and every community when the
    query names none); 404 for a scope that is not the person's."""
    scopes = _scopes(communities)
    if default:
        data = {"month": f"{last_month():%Y-%m}", "scope": ALL, **data.dict()}
    scope = data.get("scope") or ALL
    if scope not in dict(scopes):
        raise NotVisible("courtfilingcount", scope)
    return MonthForm(data, scopes=scopes)


def court_filings(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A month's figures, typed in; the import; what has been entered that year."""
    communities = _court_communities(request)
    choice = _choice(request.GET, communities, default=True)
    return _page(request, communities, choice, status=200 if choice.is_valid() else 400)


def _back(month: date, scope: str) -> HttpResponse:
    query = urlencode({"month": f"{month:%Y-%m}", "scope": scope})
    return redirect(f"{reverse('cases:court_filings')}?{query}")


@require_POST
def save_court_filings(request: AuthenticatedHttpRequest) -> HttpResponse:
    communities = _court_communities(request)
    choice = _choice(request.POST, communities)
    if not choice.is_valid():
        return _page(request, communities, choice, status=400)
    month, scope = choice.cleaned_data["month"], choice.cleaned_data["scope"]
    shown = _in_scope(communities, scope)
    form = FiguresForm(request.POST, communities=shown, stored=_stored(shown, month))
    if not form.is_valid():
        return _page(request, communities, choice, figures=form, status=400)
    try:
        saved = court.do_save_court_filings(
            month, form.typed(), actor=request.user, request=request
        )
    except Stale as stale:
        # what they typed stays; the versions are the current ones, so sending it again
        # (having read what changed) replaces the other person's figures knowingly
        stored = _stored(shown, month)
        data = request.POST.copy()
        for c in shown:
            data[f"v_{c.pk}"] = str(stored[c.pk].row_version if c.pk in stored else 0)
        form = FiguresForm(data, communities=shown, stored=stored)
        form.is_valid()
        form.conflict = stale.changes
        say_stale(form, stale)
        return _page(request, communities, choice, figures=form, status=409)
    if saved.created or saved.changed:
        messages.success(
            request,
            _("%(month)s saved: %(created)d figures added, %(changed)d corrected.")
            % {
                "month": f"{month:%Y-%m}",
                "created": len(saved.created),
                "changed": len(saved.changed),
            },
        )
    else:
        messages.info(request, _("Nothing changed."))
    return _back(month, scope)


@require_POST
def import_court_filings(request: AuthenticatedHttpRequest) -> HttpResponse:
    communities = _court_communities(request)
    upload = CourtFileForm(request.POST, request.FILES, auto_id="upload_%s")
    scope = request.POST.get("scope") or ALL
    choice = _choice({"month": f"{last_month():%Y-%m}", "scope": scope}, communities)
    if not upload.is_valid():
        return _page(request, communities, choice, upload=upload, status=400)
    try:
        court_file = court.check_court_file(
            upload.cleaned_data["file"], communities=_in_scope(communities, scope)
        )
        saved = court.do_import_court_filings(court_file, actor=request.user, request=request)
    except court.CourtFileRefused as refused:
        return _page(request, communities, choice, upload=upload, refused=refused, status=400)
    _say_imported(request, court_file, saved)
    months = saved.months
    return _back(months[-1] if months else court_file.figures[-1].month, scope)


def _say_imported(
    request: AuthenticatedHttpRequest, court_file: court.CourtFile, saved: court.Saved
) -> None:
    months = sorted({f.month for f in court_file.figures})
    span = f"{months[0]:%Y-%m}" if len(months) == 1 else f"{months[0]:%Y-%m} – {months[-1]:%Y-%m}"
    messages.success(
        request,
        _(
            "%(file)s imported (%(span)s, %(communities)d communities): %(created)d figures "
            "added, %(changed)d corrected, %(unchanged)d as they were."
        )
        % {
            "file": court_file.name,
            "span": span,
            "communities": len({f.community.pk for f in court_file.figures}),
            "created": len(saved.created),
            "changed": len(saved.changed),
            "unchanged": saved.unchanged,
        },
    )
    if saved.changed:
        shown = "；".join(
            f"{r.community.name} {r.month:%Y-%m}: {old} → {r.civil_first_instance}"
            for r, old in saved.changed[:10]
        )
        more = len(saved.changed) - 10
        messages.info(
            request,
            _("Corrected: %(list)s") % {"list": shown}
            + (
                _(" and %(more)d more (the audit log lists them all).") % {"more": more}
                if more > 0
                else ""
            ),
        )
    if saved.totals_skipped:
        messages.info(request, _("The file's total rows (合计) were passed over."))


def court_filings_template(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A CSV file to fill in for a month: the header and a row per community."""
    communities = _court_communities(request)
    choice = _choice(request.GET, communities, default=True)
    if not choice.is_valid():
        return _page(request, communities, choice, status=400)
    month = choice.cleaned_data["month"]
    shown = _in_scope(communities, choice.cleaned_data["scope"])
    response = HttpResponse(court.template_csv(shown, month), content_type="text/csv")
    name = f"民事一审收案-{month:%Y-%m}.csv"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response
