"""The group robots page: a community's coordinator (or the district admin) keeps the
community's group robots (企业微信, 钉钉): lists them (a key shows only its last four
characters), adds one, switches one off or on, and sends a test message to the groups.

Who may (``access``) and the changes (``actions``) are the package's own modules."""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.db.models import OuterRef, QuerySet, Subquery
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from clinic.access import (
    AuthenticatedHttpRequest,
)
from clinic.models import Community, Delivery, GroupRobot
from clinic.notify import backends
from clinic.notify.access import access_robot, access_robots
from clinic.notify.actions import do_add_robot, do_switch_robot
from clinic.notify.dispatch import notify_group
from clinic.notify.forms import RobotForm
from clinic.notify.notices import ref

# --- Pages -------------------------------------------------------------------------------------


def _listed(community: Community) -> list[GroupRobot]:
    """The community's robots with who added them and their last message (one query)."""
    last = Delivery.objects.filter(robot=OuterRef("pk")).order_by("-created_at", "-pk")
    robots: QuerySet[GroupRobot] = (
        GroupRobot.objects.filter(community=community)
        .select_related("added_by")
        .annotate(
            last_state=Subquery(last.values("state")[:1]),
            last_at=Subquery(last.values("created_at")[:1]),
            last_error=Subquery(last.values("last_error")[:1]),
        )
        .order_by("-active", "name", "pk")
    )
    listed = list(robots)
    states = dict(Delivery.State.choices)
    for robot in listed:
        robot.masked = f"****{robot.key[-4:]}"  # type: ignore[attr-defined]
        robot.last_label = states.get(robot.last_state, "")  # type: ignore[attr-defined]
    return listed


def _page(
    request: AuthenticatedHttpRequest, community: Community, form: RobotForm, status: int = 200
) -> HttpResponse:
    return render(
        request,
        "clinic/notify/robots.html",
        {
            "community": community,
            "robots": _listed(community),
            "form": form,
            "enabled": backends.robots_enabled(),
        },
        status=status,
    )


def robots(request: AuthenticatedHttpRequest, community_pk: int) -> HttpResponse:
    community = access_robots(request.user, community_pk)
    return _page(request, community, RobotForm())


@require_POST
def add_robot(request: AuthenticatedHttpRequest, community_pk: int) -> HttpResponse:
    community = access_robots(request.user, community_pk)
    taken = [robot.key for robot in GroupRobot.objects.filter(community=community)]
    form = RobotForm(request.POST, taken=taken)
    if not form.is_valid():
        return _page(request, community, form, status=400)
    robot = do_add_robot(community, actor=request.user, data=form.cleaned_data, request=request)
    messages.success(
        request,
        _("The robot of %(group)s was added. Send a test message to check it.")
        % {"group": robot.name},
    )
    return redirect("clinic:robots", community_pk=community.pk)


@require_POST
def switch_robot(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    robot = access_robot(request.user, pk)
    wanted = request.POST.get("active")
    if wanted not in ("on", "off"):
        return HttpResponse(_("Say whether the robot is to be on or off."), status=400)
    do_switch_robot(robot, active=wanted == "on", actor=request.user, request=request)
    if robot.active:
        messages.success(request, _("%(group)s gets notices again.") % {"group": robot.name})
    else:
        messages.success(request, _("%(group)s gets no more notices.") % {"group": robot.name})
    return redirect("clinic:robots", community_pk=robot.community_id)


@require_POST
def test_robots(request: AuthenticatedHttpRequest, community_pk: int) -> HttpResponse:
    """A test message to every group of the community whose robot is on."""
    community = access_robots(request.user, community_pk)
    with transaction.atomic():
        sent = notify_group(
            "clinic.robot_test",
            {"community": ref(community), "person": str(request.user)},
            community,
        )
    if not backends.robots_enabled():
        messages.error(request, _("Group robots are switched off in this deployment."))
    elif not sent:
        messages.error(request, _("No robot is on: add one or switch one on first."))
    else:
        messages.success(
            request,
            ngettext(
                "A test message is on its way to %(n)d group: look in it, and see below "
                "whether it went out.",
                "A test message is on its way to %(n)d groups: look in each, and see below "
                "whether it went out.",
                len(sent),
            )
            % {"n": len(sent)},
        )
    return redirect("clinic:robots", community_pk=community.pk)
