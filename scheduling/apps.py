from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SchedulingConfig(AppConfig):
    name = "scheduling"
    verbose_name = _("Roster and appointments")
    default_auto_field = "django.db.models.BigAutoField"

    #: When someone's role ends, their future seats in that region reopen.
    on_role_ended = "scheduling.actions.bookings.do_release_future_bookings"
