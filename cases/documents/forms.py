"""文书与卷宗 forms: archiving under a volume number."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from clinic.lib import limits


class ArchiveForm(forms.Form):
    volume_no = forms.CharField(
        label=_("Volume number (卷号)"),
        max_length=limits.REFERENCE,
        help_text=_(
            "The committee's next free number is filled in; each number is issued once and "
            "never changed."
        ),
    )
