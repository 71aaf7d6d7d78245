"""``{% csrf_token %}`` with the form's submission id: a template builtin (settings.TEMPLATES)
that stands in for Django's own tag, so every form that posts carries both hidden fields
without a line of its own (``clinic.submissions`` says what the id is for;
``tests/clinic/test_submission_ids.py`` checks every form of every page has one)."""

from __future__ import annotations

import uuid

from django import template
from django.template.base import Parser, Token
from django.template.context import Context
from django.template.defaulttags import CsrfTokenNode
from django.utils.html import format_html
from django.utils.safestring import SafeString

from clinic.submissions import FIELD

register = template.Library()


class FormTokensNode(CsrfTokenNode):
    """Django's CSRF field, then a fresh random submission id (only where the CSRF field is
    drawn: a page rendered without a request has neither)."""

    def render(self, context: Context) -> SafeString | str:
        csrf = super().render(context)
        if not csrf:
            return csrf
        return format_html(
            '{}<input type="hidden" name="{}" value="{}">', csrf, FIELD, uuid.uuid4()
        )


@register.tag
def csrf_token(parser: Parser, token: Token) -> FormTokensNode:
    return FormTokensNode()
