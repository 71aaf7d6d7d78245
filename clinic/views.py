"""Views of the clinic app: sign-in, home pages, people and roles, holidays, inbox, health."""

from __future__ import annotations

import csv
from base64 import b32encode
from collections.abc import Iterator
from datetime import datetime, time, timedelta
from typing import Any

import segno
from django.apps import apps
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from clinic import access, actions, forms, outbox
from clinic.access import AuthenticatedHttpRequest
from clinic.audit import object_type_label, record, roles_label
from clinic.celery import app as celery_app
from clinic.choices import AuditEvent, DayKind, Role
from clinic.forms import (
    PROFILE_FIELDS,
    AuditSearchForm,
    DeactivateForm,
    EndRoleForm,
    GrantRoleForm,
    HolidayForm,
    HolidayYearForm,
    PersonCreateForm,
    PersonForm,
    SignInForm,
    YearForm,
)
from clinic.lib.export import safe_cell
from clinic.lib.versions import Stale, say_stale
from clinic.models import (
    AuditEntry,
    Clinic,
    Holiday,
    HolidayYear,
    Membership,
    Notification,
    User,
)
from clinic.notify.render import render_many

# --- Sign-in --------------------------------------------------------------------------------


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    form_class = SignInForm
    redirect_authenticated_user = True


def locked_out(
    request: HttpRequest, response: HttpResponse | None = None, credentials: Any = None
) -> HttpResponse:
    """django-axes calls this once an account is locked (known or unknown user alike)."""
    form = SignInForm(request, data=request.POST or None)
    form.add_error(
        None,
        _(
            "Too many failed sign-ins. This account is locked for 15 minutes. "
            "Ask your coordinator if you forgot your password."
        ),
    )
    return render(request, "registration/login.html", {"form": form}, status=429)


@require_POST
def keepalive(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Pinged while a form is being filled in, so a long mediation record never expires."""
    return HttpResponse(status=204)


@login_not_required
@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Database, broker and background work, for monitoring; 503 when the database or the
    broker is down, when a task is more than 15 minutes overdue (``clinic.outbox.overdue``)
    or a job is past its time limit (every app declaring ``late_jobs`` on its config: a
    dotted path to a count). ``queued_tasks`` counts tasks still waiting for the broker."""
    status: dict[str, str] = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        status["database"] = "ok"
    except Exception:
        status["database"] = "down"
    if celery_app.conf.task_always_eager:
        status["broker"] = "in-process"
    else:
        try:
            with celery_app.connection_for_write() as conn:
                conn.ensure_connection(max_retries=1, interval_start=0, timeout=2)
            status["broker"] = "ok"
        except Exception:
            status["broker"] = "down"
    healthy = "down" not in status.values()
    body: dict[str, object] = {**status}
    if status["database"] == "ok":
        late = [import_string(path)() for path in _declared("late_jobs")]
        work = {
            # Tasks queued while the broker was away, waiting to be sent (clinic.outbox).
            "queued_tasks": outbox.pending().count(),
            "overdue_tasks": outbox.overdue(),
            "late_jobs": sum(late),
        }
        healthy = healthy and not work["overdue_tasks"] and not work["late_jobs"]
        body.update(work)
    return JsonResponse(
        {"status": "ok" if healthy else "down", **body}, status=200 if healthy else 503
    )


def _declared(hook: str) -> list[str]:
    """The dotted paths the apps declare as ``hook`` on their configs."""
    return [path for c in apps.get_app_configs() if (path := getattr(c, hook, None))]


# --- Home pages -----------------------------------------------------------------------------


def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Send each person to the home page of their most senior role."""
    held = access.roles(request.user)
    if not held:
        return render(request, "clinic/no_role.html")
    return redirect("clinic:home_role", role=held[0])


def home_role(request: AuthenticatedHttpRequest, role: str) -> HttpResponse:
    access.require_role(request.user, [role], "home")
    memberships = [m for m in access.memberships(request.user) if m.role == role]
    communities = access.communities_for(request.user, role)
    context: dict[str, Any] = {
        "role": role,
        "role_label": Role(role).label,
        "memberships": memberships,
        "communities": communities,
        "clinics": Clinic.objects.filter(community__in=communities, is_active=True).select_related(
            "community"
        ),
        "notifications": render_many(
            Notification.objects.unread().filter(user=request.user)[:5], request.user
        ),
    }
    if role in (Role.COORDINATOR, Role.DISTRICT_ADMIN):
        people = access.people_visible_to(request.user)
        context["people_count"] = people.filter(is_active=True).count()
        counts = (
            Membership.objects.active()
            .filter(user__in=people, community__in=access.managed_communities(request.user))
            .values("role")
            .annotate(n=Count("user", distinct=True))
            .order_by("role")
        )
        context["role_counts"] = [(Role(row["role"]).label, row["n"]) for row in counts]
    if role == Role.DISTRICT_ADMIN:
        today = timezone.localdate()
        context["upcoming_holidays"] = Holiday.objects.filter(date__gte=today)[:6]
    return render(request, "clinic/home.html", context)


# --- Inbox ----------------------------------------------------------------------------------


def notifications(request: AuthenticatedHttpRequest) -> HttpResponse:
    if request.method == "POST":
        actions.do_mark_read(request.user)
        return redirect("clinic:notifications")
    page = Paginator(
        Notification.objects.filter(user=request.user).prefetch_related("deliveries"), 20
    ).get_page(request.GET.get("page"))
    # each notice rendered now, in the reader's language, from the records as they are now
    shown = render_many(page.object_list, request.user)
    return render(request, "clinic/notifications.html", {"page": page, "shown": shown})


@require_POST
def open_notification(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    notification = Notification.objects.filter(user=request.user, pk=pk).first()
    if notification is None:
        raise access.NotVisible("notification", pk)
    actions.do_mark_read(request.user, [pk])
    if notification.url and url_has_allowed_host_and_scheme(
        notification.url, allowed_hosts={request.get_host()}
    ):
        return redirect(notification.url)
    return redirect("clinic:notifications")


# --- People and roles -----------------------------------------------------------------------


def _require_manager(request: AuthenticatedHttpRequest) -> None:
    if not access.can_manage_people(request.user):
        raise access.NotPermitted("people", "", "manage")


def people(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_manager(request)
    query = request.GET.get("q", "").strip()
    role = request.GET.get("role", "")
    status = request.GET.get("status", "active")
    qs = access.people_visible_to(request.user)
    if query:
        qs = qs.filter(
            Q(display_name__icontains=query)
            | Q(username__icontains=query)
            | Q(organisation__icontains=query)
        )
    if role in Role.values:
        qs = qs.filter(memberships__role=role, memberships__ended_at__isnull=True)
    if status == "active":
        qs = qs.filter(is_active=True)
    elif status == "inactive":
        qs = qs.filter(is_active=False)
    qs = qs.prefetch_related(
        Prefetch(
            "memberships",
            queryset=Membership.objects.active().select_related("street", "community", "grid"),
            to_attr="active_memberships",
        )
    ).order_by("display_name", "pk")
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "clinic/people.html",
        {
            "page": page,
            "query": query,
            "role": role,
            "status": status,
            "roles": Role.choices,
        },
    )


def _render_person(
    request: AuthenticatedHttpRequest, subject: User, grant_form: GrantRoleForm, status: int = 200
) -> HttpResponse:
    memberships = subject.memberships.select_related(
        "district", "street", "community", "grid", "granted_by", "ended_by"
    ).order_by("ended_at", "role")
    return render(
        request,
        "clinic/person.html",
        {
            "subject": subject,
            "memberships": memberships,
            "may_change": access.may_change_person(request.user, subject),
            "grant_form": grant_form,
            "endable": {
                m.pk
                for m in memberships
                if m.is_active and access.may_grant(request.user, m.role, m.region)
            },
        },
        status=status,
    )


def person(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    _require_manager(request)
    subject = access.access_person(request.user, pk)
    return _render_person(request, subject, GrantRoleForm(actor=request.user))


def _posted(request: AuthenticatedHttpRequest) -> Any:
    """The form's data on POST, even an empty one (a form bound to nothing says what is
    missing); None on GET."""
    return request.POST if request.method == "POST" else None


def _status(request: AuthenticatedHttpRequest) -> int:
    """A form shown again after a POST was refused: 400 (the errors say why)."""
    return 400 if request.method == "POST" else 200


def add_person(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_manager(request)
    form = PersonCreateForm(_posted(request), actor=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        subject = actions.do_create_person(
            username=data["username"],
            password=data["password1"],
            display_name=data["display_name"],
            role=data["role"],
            region=data["region_obj"],
            actor=request.user,
            request=request,
            **{f: data[f] for f in PROFILE_FIELDS if f != "display_name"},
        )
        messages.success(request, _("%(name)s was added.") % {"name": subject})
        return redirect(subject)
    return render(request, "clinic/add_person.html", {"form": form}, status=_status(request))


def edit_person(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A person's profile, with the version the page showed: of two managers saving at once
    the second is answered 409 with what they typed and what the first changed."""
    _require_manager(request)
    subject = access.access_person(request.user, pk, write=True)
    # the form's own copy: a valid form writes what was typed onto its instance
    form = PersonForm(_posted(request), instance=User.objects.get(pk=subject.pk))
    status = _status(request)
    outdated = form.outdated() if request.method == "POST" and not form.is_valid() else None
    if outdated is not None:  # e.g. the phone shown masked was changed meanwhile
        say_stale(form, outdated)
        status = 409
    elif request.method == "POST" and form.is_valid():
        try:
            actions.do_update_person(
                subject,
                actor=request.user,
                changes={f: form.cleaned_data[f] for f in PROFILE_FIELDS},
                claim=form.claim,
                request=request,
            )
        except Stale as stale:
            say_stale(form, stale)
            status = 409
        else:
            messages.success(request, _("Saved."))
            return redirect(subject)
    return render(
        request, "clinic/edit_person.html", {"form": form, "subject": subject}, status=status
    )


@require_POST
def grant_role(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    _require_manager(request)
    subject = access.access_person(request.user, pk)
    form = GrantRoleForm(request.POST, actor=request.user)
    if form.is_valid():
        actions.do_grant_role(
            subject,
            role=form.cleaned_data["role"],
            region=form.cleaned_data["region_obj"],
            actor=request.user,
            request=request,
        )
        messages.success(request, _("The role was granted."))
        return redirect(subject)
    return _render_person(request, subject, form, status=400)


def end_role(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    _require_manager(request)
    membership = access.access_membership(request.user, pk)
    form = EndRoleForm(_posted(request), membership=membership)
    status = _status(request)
    if request.method == "POST" and form.is_valid():
        try:
            ended = actions.do_end_role(
                membership,
                actor=request.user,
                reason=form.cleaned_data["reason"],
                claim=form.claim,
                request=request,
            )
        except Stale as stale:
            say_stale(form, stale)
            status = 409
        else:
            if ended:
                messages.success(request, _("The role was ended."))
            else:
                messages.warning(request, _("This role had already been ended by someone else."))
            return redirect(membership.user)
    return render(
        request, "clinic/end_role.html", {"form": form, "membership": membership}, status=status
    )


def open_work(person: User) -> list[tuple[str, str]]:
    """What a person still has assigned, from every app that declares ``open_work`` on its
    app config (a dotted path to a function of the person)."""
    items: list[tuple[str, str]] = []
    for config in apps.get_app_configs():
        path = getattr(config, "open_work", None)
        if path:
            items += import_string(path)(person)
    return items


def deactivate_person(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    _require_manager(request)
    subject = access.access_person(request.user, pk, write=True)
    if subject == request.user:
        raise access.NotPermitted("person", pk, "deactivate oneself")
    work = open_work(subject)
    form = DeactivateForm(_posted(request), person=subject)
    status = _status(request)
    if request.method == "POST" and form.is_valid():
        if work:
            form.add_error(None, _("Reassign this person's open work first."))
        else:
            try:
                actions.do_deactivate_person(
                    subject,
                    actor=request.user,
                    reason=form.cleaned_data["reason"],
                    claim=form.claim,
                    request=request,
                )
            except Stale as stale:
                say_stale(form, stale)
                status = 409
            else:
                messages.success(request, _("%(name)s can no longer sign in.") % {"name": subject})
                return redirect(subject)
    return render(
        request,
        "clinic/deactivate_person.html",
        {"form": form, "subject": subject, "work": work},
        status=status,
    )


@require_POST
def reactivate_person(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    _require_manager(request)
    subject = access.access_person(request.user, pk, write=True)
    actions.do_reactivate_person(subject, actor=request.user, request=request)
    messages.success(
        request, _("%(name)s can sign in again. Grant them a role.") % {"name": subject}
    )
    return redirect(subject)


# --- Holiday calendar -----------------------------------------------------------------------


def _require_holiday_manager(request: AuthenticatedHttpRequest) -> None:
    if not access.can_manage_holidays(request.user):
        raise access.NotPermitted("holidays", "", "manage")


def _render_holidays(
    request: AuthenticatedHttpRequest, year: int, form: HolidayForm, status: int = 200
) -> HttpResponse:
    official = set(HolidayYear.objects.filter(official=True).values_list("year", flat=True))
    return render(
        request,
        "clinic/holidays.html",
        {
            "year": year,
            "days": Holiday.objects.filter(date__year=year),
            "form": form,
            "years": [(y, y in official) for y in (year - 1, year, year + 1)],
            "schedule": HolidayYear.objects.filter(year=year)
            .select_related("confirmed_by")
            .first(),
            "official": year in official,
            "workday": DayKind.WORKDAY,
        },
        status=status,
    )


def holidays(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_holiday_manager(request)
    year_form = YearForm(request.GET or None)
    year = year_form.cleaned_data["year"] if year_form.is_valid() else timezone.localdate().year
    return _render_holidays(request, year, HolidayForm())


@require_POST
def save_holiday(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_holiday_manager(request)
    form = HolidayForm(request.POST)
    if not form.is_valid():
        return _render_holidays(request, timezone.localdate().year, form, status=400)
    holiday, moved = actions.do_save_holiday(
        day=form.cleaned_data["date"],
        kind=form.cleaned_data["kind"],
        name=form.cleaned_data["name"],
        works_as=form.cleaned_data["works_as"],
        actor=request.user,
        request=request,
    )
    messages.success(request, _("Saved %(day)s.") % {"day": holiday})
    _say_moved(request, moved)
    return redirect(f"{reverse('clinic:holidays')}?year={holiday.date.year}")


@require_POST
def delete_holiday(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    holiday = access.access_holiday(request.user, pk)
    year = holiday.date.year
    moved = actions.do_delete_holiday(holiday, actor=request.user, request=request)
    messages.success(request, _("Removed."))
    _say_moved(request, moved)
    return redirect(f"{reverse('clinic:holidays')}?year={year}")


@require_POST
def confirm_holiday_year(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_holiday_manager(request)
    form = HolidayYearForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a year between 2000 and 2100."))
        return redirect("clinic:holidays")
    year, official = form.cleaned_data["year"], form.cleaned_data["official"]
    moved = actions.do_confirm_holiday_year(
        year, official=official, actor=request.user, request=request
    )
    if official:
        messages.success(
            request, _("%(year)d is marked as the official schedule.") % {"year": year}
        )
    else:
        messages.success(request, _("%(year)d is marked as provisional.") % {"year": year})
    _say_moved(request, moved)
    return redirect(f"{reverse('clinic:holidays')}?year={year}")


def _say_moved(request: AuthenticatedHttpRequest, moved: int) -> None:
    if moved:
        messages.info(
            request,
            ngettext(
                "%(count)d open deadline moved with the calendar; it is on its case's timeline.",
                "%(count)d open deadlines moved with the calendar; each is on its case's timeline.",
                moved,
            )
            % {"count": moved},
        )


@require_POST
def import_holidays(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_holiday_manager(request)
    form = YearForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a year between 2000 and 2100."))
        return redirect("clinic:holidays")
    year = form.cleaned_data["year"]
    added = actions.do_import_holidays([year], actor=request.user)
    messages.success(
        request, _("%(count)d days added from the published schedule.") % {"count": added}
    )
    return redirect(f"{reverse('clinic:holidays')}?year={year}")


# --- The audit log, for district admins and inspectors --------------------------------------


def _audit_entries(
    request: AuthenticatedHttpRequest,
) -> tuple[AuditSearchForm, QuerySet[AuditEntry]]:
    if not access.has_role(request.user, Role.DISTRICT_ADMIN):
        raise access.NotPermitted("audit", "", "read")
    form = AuditSearchForm(request.GET or None)
    entries = AuditEntry.objects.all()
    if form.is_valid():
        data = form.cleaned_data
        if data["who"]:
            entries = entries.filter(username__icontains=data["who"])
        if data["event"]:
            entries = entries.filter(event=data["event"])
        if data["result"]:
            entries = entries.filter(result=data["result"])
        if data["object"]:
            entries = entries.filter(
                Q(object_id=data["object"]) | Q(object_repr__icontains=data["object"])
            )
        if data["first"]:
            entries = entries.filter(
                at__gte=timezone.make_aware(datetime.combine(data["first"], time.min))
            )
        if data["last"]:
            end = datetime.combine(data["last"] + timedelta(days=1), time.min)
            entries = entries.filter(at__lt=timezone.make_aware(end))
    return form, entries


def audit_log(request: AuthenticatedHttpRequest) -> HttpResponse:
    form, entries = _audit_entries(request)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    for entry in page.object_list:
        entry.object_type_label = object_type_label(entry.object_type)
        entry.roles_label = roles_label(entry.roles)
    return render(
        request,
        "clinic/audit_log.html",
        {"form": form, "page": page, "query": request.GET.urlencode()},
    )


def audit_export(request: AuthenticatedHttpRequest) -> StreamingHttpResponse:
    _form, entries = _audit_entries(request)
    record(
        AuditEvent.EXPORT,
        request=request,
        object_type="audit",
        detail={"query": request.GET.urlencode()},
    )

    class Echo:
        def write(self, value: str) -> str:
            return value

    writer = csv.writer(Echo())

    def rows() -> Iterator[str]:
        yield "\ufeff" + writer.writerow(
            [
                _("Time"),
                _("User"),
                _("Roles"),
                _("Event"),
                _("Result"),
                _("Object type"),
                _("Object id"),
                _("Object"),
                _("Client address"),
                _("Path"),
            ]
        )
        for entry in entries.order_by("at", "pk").iterator(chunk_size=2000):
            yield writer.writerow(
                [
                    timezone.localtime(entry.at).strftime("%Y-%m-%d %H:%M:%S"),
                    safe_cell(entry.username),
                    roles_label(entry.roles),
                    entry.get_event_display(),
                    entry.get_result_display(),
                    object_type_label(entry.object_type),
                    safe_cell(entry.object_id),
                    safe_cell(entry.object_repr),
                    entry.ip or "",
                    safe_cell(entry.path),
                ]
            )

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="audit-log.csv"'
    return response


# --- Two-factor sign-in (CLINIC_TWO_FACTOR) ----------------------------------------------------


WRONG_CODE = gettext_lazy("That code is not right. Check the time on your phone and try again.")


def _next(request: AuthenticatedHttpRequest) -> str:
    target = request.GET.get("next") or request.POST.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return reverse("clinic:home")


@never_cache
def two_factor_setup(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Set up a one-time-code app: scan the QR code, type the code it shows."""
    if not settings.TWO_FACTOR:
        raise access.NotVisible("two_factor", "")
    device = actions.pending_totp_device(request.user)
    form = forms.OneTimeCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if actions.do_confirm_totp_device(request, device, form.cleaned_data["code"]):
            messages.success(request, _("Two-step sign-in is on for your account."))
            return redirect(_next(request))
        form.add_error(
            "code", _("That code is not right. Check the time on your phone and try again.")
        )
    qr = segno.make(device.config_url, error="m")
    return render(
        request,
        "registration/two_factor_setup.html",
        {
            "form": form,
            "qr": qr.svg_data_uri(scale=5, dark="#1f2d3d"),
            "secret": b32encode(device.bin_key).decode(),
            "next": _next(request),
        },
        status=400 if form.errors else 200,
    )


@never_cache
def two_factor_verify(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The second step of signing in: the code from the person's app."""
    if not settings.TWO_FACTOR:
        raise access.NotVisible("two_factor", "")
    form = forms.OneTimeCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if actions.do_verify_second_factor(request, form.cleaned_data["code"]):
            return redirect(_next(request))
        form.add_error(
            "code", _("That code is not right. Check the time on your phone and try again.")
        )
    return render(
        request,
        "registration/two_factor_verify.html",
        {"form": form, "next": _next(request)},
        status=400 if form.errors else 200,
    )


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """The 403 page. A refusal that says why in the person's words (a ``reason`` on the
    exception: an archived case names its volume number) shows it instead of the general
    text."""
    reason = getattr(exception, "reason", "")
    return render(request, "403.html", {"reason": reason}, status=403)
