"""文书与卷宗 forms: archiving under a volume number."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from clinic.lib import limits


class ArchiveForm(forms.Form):
    volume_no = forms.CharField(
        label=_("Volume number (卷号)"),
        max_length=limits.REFERENCE,
        help_text=_("For example 2026-盘金-017"),
    )
