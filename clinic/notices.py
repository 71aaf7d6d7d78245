"""The clinic app's notices (``clinic.notify``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from clinic.notify.notices import Kind, Notice, register

register(
    # Until every sender declares its own notice: a message whose words the sender wrote.
    Notice("clinic.message", _("%(title)s"), Kind.CASE, body=_("%(body)s")),
)
