"""The case list's rows, written in Python the way the admin writes its change list's cells:
fifty rows through the template engine (eighteen nodes each) were a tenth of the page's time,
and fifty through ``format_html`` still a twentieth. ``cases.selectors.list_rows`` works out
every value; here each one is escaped (``html.escape``, which is what Django's ``escape``
calls) and put in its place in fixed markup."""

from __future__ import annotations

from html import escape
from typing import Any

from django import template
from django.utils.safestring import SafeString, mark_safe

from cases.models import Case
from cases.selectors import register_mark, street_side

register = template.Library()

ROW = (
    '<li class="case-item{edge}">\n'
    '  <a href="{url}" class="case-link"><span class="case-no">{number}</span>'
    '<span class="tags"><span class="state state-{state}">{state_label}</span>{risk}{register}'
    "</span></a>\n"
    '  <p class="case-parties">{parties}</p>\n'
    '  <p class="muted small">{meta}{due}</p>\n'
    "</li>\n"
)
RISK = ' <span class="risk risk-{0}" title="{1}">{1}</span>'
DUE = " · {}"
OVERDUE = ' · <strong class="overdue">{}</strong>'
REGISTER = ' <span class="tag warn">{}</span>'


@register.simple_tag
def case_rows(rows: list[dict[str, Any]]) -> SafeString:
    """Each row as an item of the list (``<ul class="case-list">``); every value escaped."""
    items = []
    for row in rows:
        risk = escape(row["risk"])
        due = escape(row["due"])
        items.append(
            ROW.format(
                edge=f" edge-{risk}" if risk else "",
                url=escape(row["url"]),
                number=escape(row["number"]),
                state=escape(row["state"]),
                state_label=escape(row["state_label"]),
                risk=RISK.format(risk, escape(row["risk_label"])) if risk else "",
                parties=escape(row["parties"]),
                meta=escape(row["meta"]),
                due=(OVERDUE if row["overdue"] else DUE).format(due) if due else "",
                register=REGISTER.format(escape(row["register"])) if row.get("register") else "",
            )
        )
    return mark_safe("".join(items))  # noqa: S308  fixed markup and escaped values only


@register.simple_tag(takes_context=True)
def case_register_mark(context: dict[str, Any], case: Case) -> str:
    """The case page's mark of an escalated case, as the viewer's register shows it (上报街道
    for the community's people, 接收上报 for the street's)."""
    return register_mark(
        case.street_id, case.escalated_at is not None, street_side(context["request"].user)
    )
