"""The cases app's notices (``cases/notices.py``) as their readers see them: a notice shows the
case as it is when read, in the reader's own language whoever sent it."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from cases.choices import State
from cases.consultations.actions import do_answer_invitation
from cases.intake.actions import do_accept_case
from cases.models import Case, ConsultationInvitee
from clinic.models import Notification, User
from clinic.notify.render import render_notification
from tests.cases.factories import convened, fresh, in_state, registered_dispute, user
from tests.cases.intake.payloads import register_form
from tests.conftest import client_for


def reads_in(username: str, language: str) -> None:
    User.objects.filter(username=username).update(language=language)


def test_a_notice_sent_before_the_case_was_numbered_shows_its_number_once_it_has_one(
    demo: None,
) -> None:
    case = registered_dispute(risk="red")
    alert = Notification.objects.get(user=user("coordinator"), template="cases.risk_red")
    assert "尚未编号" in render_notification(alert).title
    do_accept_case(fresh(case), actor=user("mediator"), version=None)
    number = fresh(case).number
    assert number
    assert render_notification(alert).title == f"红色风险：{number}"
    inbox = client_for("coordinator").get(reverse("clinic:notifications")).content.decode()
    assert f"红色风险：{number}" in inbox and "尚未编号" not in inbox


def test_a_red_risk_reaches_each_reader_in_their_own_language_whoever_sent_it(
    demo: None, django_capture_on_commit_callbacks: Any
) -> None:
    reads_in("coordinator", "en")
    sender = client_for("mediator")
    sender.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with django_capture_on_commit_callbacks(execute=True):
        sender.post(reverse("cases:register_dispute"), register_form(risk="red"))
    case = Case.objects.get()
    english = client_for("coordinator").get(reverse("clinic:notifications")).content.decode()
    chinese = client_for("police").get(reverse("clinic:notifications")).content.decode()
    assert f"Red risk: Case {case.pk} (not yet numbered)" in english
    assert f"红色风险：案件 {case.pk}（尚未编号）" in chinese
    subjects = {message.to[0]: message.subject for message in mail.outbox}
    assert subjects["coordinator@clinic.example"].startswith("Red risk: ")
    assert subjects["police@clinic.example"].startswith("红色风险：")


def test_a_daily_reminder_reads_in_each_persons_language(demo: None) -> None:
    reads_in("coordinator", "en")
    overdue = in_state(State.SIT_IN)
    Case.objects.filter(pk=overdue.pk).update(
        mediation_due=timezone.localdate() - timedelta(days=1)
    )
    call_command("send_digests", stdout=io.StringIO())
    shown = {
        n.user.username: render_notification(n)
        for n in Notification.objects.filter(key__startswith="digest:")
    }
    assert shown["coordinator"].title.startswith("Daily reminder: ")
    [line] = [line for line in shown["coordinator"].body.splitlines() if overdue.number in line]
    assert line.startswith("New: Overdue since ") and line.endswith("(overdue 1 day)")
    assert shown["mediator"].title.startswith("每日提醒：")
    [line] = [line for line in shown["mediator"].body.splitlines() if overdue.number in line]
    assert line.startswith("【新】自 ") and line.endswith(
        "起已逾期：" + overdue.number + "（已逾期 1 天）"
    )


def test_the_convener_is_told_the_answer_given_even_after_a_change_of_mind(demo: None) -> None:
    consultation = convened(in_state(State.SIT_IN))
    invitee = ConsultationInvitee.objects.get(consultation=consultation, user=user("judge"))
    do_answer_invitation(invitee, actor=user("judge"), accepted=True)
    do_answer_invitation(fresh_invitee(invitee), actor=user("judge"), accepted=False)
    told = Notification.objects.filter(template="cases.consultation_answered").order_by("pk")
    titles = [render_notification(n).title for n in told]
    assert len(titles) == 2
    assert "已接受" in titles[0] and "已谢绝" in titles[1], titles


def fresh_invitee(invitee: ConsultationInvitee) -> ConsultationInvitee:
    return ConsultationInvitee.objects.select_related("consultation", "user").get(pk=invitee.pk)
