"""``{% load links %}``: ``path|absolute`` is the path as a full address on the site
(``CLINIC_SITE_URL``), for what leaves the site: an email's link, a printed address."""

from __future__ import annotations

from django import template

from clinic.notify.links import absolute as _absolute

register = template.Library()


@register.filter
def absolute(path: str) -> str:
    return _absolute(str(path))
