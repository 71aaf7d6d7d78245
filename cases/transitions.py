"""The case's transitions as pages: each one's form, action, button label and explanation.

The transition *rules* (source, target, guards, permission) are declared on ``Case``; this table
only says how each is offered on a page (``cases.views.fire_transition``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from django import forms
from django.utils.translation import gettext_lazy

from cases.consultations.actions import do_conclude_consultation, do_convene_consultation
from cases.consultations.forms import ConcludeForm, ConveneForm
from cases.forms import NoteForm, VersionedForm
from cases.intake.actions import do_accept_case, do_answer_advice, do_decline_case, do_dispatch_case
from cases.intake.forms import AnswerForm, DeclineForm
from cases.mediation.actions import (
    do_reopen_case,
    do_settle_case,
    do_switch_mode,
    do_terminate_case,
)
from cases.mediation.forms import ReopenForm, SettleForm, TerminateForm

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

#: name → (form, action, button label, explanation). The form's fields are the action's
#: keyword arguments.
TRANSITIONS: dict[
    str, tuple[type[forms.Form], Callable[..., object], StrOrPromise, StrOrPromise]
] = {
    "accept": (
        VersionedForm,
        do_accept_case,
        gettext_lazy("Accept for sit-in mediation"),
        gettext_lazy("The dispute gets its case number and the one-month mediation period starts."),
    ),
    "dispatch": (
        VersionedForm,
        do_dispatch_case,
        gettext_lazy("Accept and mediate on patrol"),
        gettext_lazy("The dispute gets its case number; mediators go to the parties."),
    ),
    "answer_question": (
        AnswerForm,
        do_answer_advice,
        gettext_lazy("Answer and close"),
        "",
    ),
    "decline": (
        DeclineForm,
        do_decline_case,
        gettext_lazy("Decline (不予受理)"),
        gettext_lazy("Record why, and where the parties were guided."),
    ),
    "switch_mode": (
        NoteForm,
        do_switch_mode,
        gettext_lazy("Switch between sit-in and patrol"),
        "",
    ),
    "convene": (
        ConveneForm,
        do_convene_consultation,
        gettext_lazy("Convene a joint consultation"),
        gettext_lazy("Invite professionals of at least two different roles."),
    ),
    "conclude": (
        ConcludeForm,
        do_conclude_consultation,
        gettext_lazy("Conclude the joint consultation"),
        gettext_lazy("Record the joint opinion; the case returns to its earlier mode."),
    ),
    "settle": (
        SettleForm,
        do_settle_case,
        gettext_lazy("Settle"),
        gettext_lazy("The effective agreement settles the dispute; follow-ups are scheduled."),
    ),
    "reopen": (
        ReopenForm,
        do_reopen_case,
        gettext_lazy("Mediate again"),
        gettext_lazy(
            "Only when the court refused judicial confirmation or both parties ask. Unperformed "
            "agreements are urged at the follow-up instead."
        ),
    ),
    "terminate": (
        TerminateForm,
        do_terminate_case,
        gettext_lazy("End mediation"),
        gettext_lazy("Failed, withdrawn, or a party refuses: record why and the advice given."),
    ),
}
