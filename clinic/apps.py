from __future__ import annotations

from typing import Any

from django.apps import AppConfig, apps
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _sync_groups(sender: AppConfig, **kwargs: Any) -> None:
    """After the last app migrated (so every permission exists), refresh the role groups."""
    if sender is list(apps.get_app_configs())[-1]:
        # app loading: this module loads before the models clinic.actions imports
        from clinic.actions import do_sync_role_groups  # noqa: PLC0415

        do_sync_role_groups()


class ClinicConfig(AppConfig):
    name = "clinic"
    verbose_name = _("People and regions")
    default_auto_field = "django.db.models.BigAutoField"

    #: Model permissions each role's group holds (other apps add theirs the same way).
    role_permissions = {
        "district_admin": [
            "clinic.manage_people",
            "clinic.manage_holidays",
            "clinic.view_auditentry",
            "clinic.view_user",
            "clinic.view_membership",
            # reference data, kept in the Django admin (added and corrected, never deleted)
            *(
                f"clinic.{action}_{model}"
                for model in (
                    "district",
                    "street",
                    "community",
                    "grid",
                    "clinic",
                    "mediationcommittee",
                )
                for action in ("view", "add", "change")
            ),
            "clinic.view_holiday",
        ],
        "coordinator": ["clinic.manage_people", "clinic.view_user", "clinic.view_membership"],
    }

    def ready(self) -> None:
        # app loading: sign-in receivers and system checks register on import, once the
        # models they use are loaded
        from clinic import audit, checks  # noqa: F401, PLC0415

        post_migrate.connect(_sync_groups, dispatch_uid="clinic_role_groups")
        # every app's notices (clinic.notify.notices.register), declared in its notices.py
        from django.utils.module_loading import autodiscover_modules  # noqa: PLC0415

        autodiscover_modules("notices")
