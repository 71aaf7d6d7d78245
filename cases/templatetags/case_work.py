"""The cases part of each role's home page ("my work"): the reads are
``cases.selectors.my_work``; this tag only hands them to the template."""

from __future__ import annotations

from typing import Any

from django import template

from cases.selectors import my_work as work_of
from clinic.access import AuthenticatedHttpRequest

register = template.Library()


@register.inclusion_tag("cases/_my_work.html", takes_context=True)
def my_work(context: dict[str, Any], role: str) -> dict[str, Any]:
    request: AuthenticatedHttpRequest = context["request"]  # the home pages are behind login
    return work_of(request.user, role)
