from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("Cases")
    default_auto_field = "django.db.models.BigAutoField"

    #: Model permissions of each role's group; per-case grants are django-guardian's.
    role_permissions = {
        "mediator": ["cases.add_case", "cases.change_case", "cases.view_case"],
        "coordinator": ["cases.add_case", "cases.change_case", "cases.view_case"],
        "street_officer": ["cases.view_case"],
        "district_admin": ["cases.view_case", "cases.view_caseevent"],
        "judge": ["cases.advise_case"],
        "prosecutor": ["cases.advise_case"],
        "police": ["cases.advise_case"],
        "lawyer": ["cases.advise_case"],
    }
    #: Shown before someone leaves (clinic's deactivation page): their open work.
    open_work = "cases.access.open_work_for"
    #: A professional's advice, consultations and home visits for the roster's duty statement.
    duty_figures = "cases.duty.duty_figures"
    #: Called when the working-day calendar of some years changes (clinic's holiday actions).
    on_calendar_changed = "cases.actions.do_recompute_deadlines"
    #: Called when someone is given a role (clinic's do_grant_role): a street committee's new
    #: mediator may work the cases escalated to it.
    on_role_granted = "cases.actions.do_grant_committee_cases"
    #: How many background jobs are past their time limit (clinic's /healthz: 503 when any).
    late_jobs = "cases.jobs.late_jobs"
    #: A committee's register of issued case numbers for a year (clinic's committee pages),
    #: and whether it issued a number (a seal use names its case by it).
    number_register = "cases.number_register.number_register"
    case_number_issued = "cases.number_register.case_number_issued"
