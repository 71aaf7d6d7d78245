"""The clinic app's notices (``clinic.notify``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from clinic.notify.notices import Kind, Notice, register

register(
    # Until every sender declares its own notice: a message whose words the sender wrote.
    Notice("clinic.message", _("%(title)s"), Kind.CASE, body=_("%(body)s")),
)
register(
    # The group robots page's test (clinic.notify.views): ``community`` is ref(community),
    # ``person`` who sent it.
    Notice(
        "clinic.robot_test",
        _("Test message to the groups of %(community)s"),
        Kind.REPORT,
        body=_("%(person)s sent this test from the clinic system: this group's robot works."),
        group=True,
    ),
)
register(
    # The daily reminder (clinic.notify.digest): ``n`` items outstanding, ``new`` of them new;
    # ``items`` their lines, each naming its thing with its own notice's title.
    Notice(
        "clinic.digest",
        _("Daily reminder: %(n)s item, %(new)s new"),
        Kind.REMINDER,
        plural=_("Daily reminder: %(n)s items, %(new)s new"),
        count="n",
        body=_("%(items)s"),
        sms=("n", "new"),
    ),
)
