"""What every case page does alike: the form page, and one policy for a submission that fails.

``submit(request, form, action)`` validates the form, runs ``action(cleaned_data)`` and turns
every way it can fail into one answer, the same on every page:

=======================================  ======  ==========================================
what went wrong                          status  what the person sees
=======================================  ======  ==========================================
the form is invalid                      400     the form as typed, with its errors
a guard is not met (``ActionRefused``)   400     the form as typed, with the reasons
not permitted (``PermissionDenied``)     403     the 403 page
a stale version (``StaleCase``)          409     the form as typed: "someone else changed it"
a calendar clash (``Clash``)             409     the form as typed, with the clash
                                                 ("王志刚 … 已有安排")
=======================================  ======  ==========================================

A database collision (deadlock, lock timeout) is answered 409 by ``clinic.middleware``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy

from cases.actions import ActionRefused, StaleCase
from scheduling.actions import Clash

STALE = gettext_lazy("This case was updated by someone else, please reload it.")

T = TypeVar("T")


@dataclass
class Submitted(Generic[T]):
    """How a submission went: ``done`` (true when the action ran), what the action returned,
    and the status to show the form again with."""

    status: int = 200
    done: bool = False
    result: T | None = None

    def __bool__(self) -> bool:
        return self.done


def submit(
    request: HttpRequest,
    form: forms.Form,
    action: Callable[[dict[str, Any]], T],
    *,
    stale: str = "",
) -> Submitted[T]:
    """On POST, validate ``form`` and run ``action(form.cleaned_data)`` under the one policy
    above; on GET, nothing (status 200). ``stale`` words the 409 for this page."""
    if request.method != "POST":
        return Submitted()
    if not form.is_valid():
        return Submitted(status=400)
    try:
        result = action(form.cleaned_data)
    except StaleCase as error:
        form.add_error(None, stale or error.message or STALE)
        return Submitted(status=409)
    except Clash as clash:
        form.add_error(None, clash.message)
        return Submitted(status=409)
    except ActionRefused as refused:
        for reason in refused.reasons:
            form.add_error(None, reason)
        return Submitted(status=400)
    return Submitted(done=True, result=result)


def form_page(
    request: HttpRequest,
    case: Any,
    form: forms.Form,
    *,
    title: str,
    submit: str,
    intro: str = "",
    status: int = 200,
    multipart: bool = False,
    danger: bool = False,
) -> HttpResponse:
    """The plain page of one form about a case (``case`` None for pages about no case)."""
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
        },
        status=status,
    )
