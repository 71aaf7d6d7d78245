"""The common-answer picker on the advice form: which answers are offered, which one fills
the answer box, and counting its use once the advice is saved."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest

from cases import access
from cases.answers.actions import do_count_common_answer_use
from cases.choices import DisputeType
from cases.models import CommonAnswer
from clinic.models import Community, User


@dataclass
class AnswerPicker:
    """The common answers offered on the advice form (of the committees of the communities one
    may log advice in), filtered by subject (``?type=``); ``?answer=<id>`` fills the answer
    box without JavaScript. ``used(actor)`` counts the picked one once the advice is saved."""

    answers: list[CommonAnswer]
    subject: str = ""
    picked: CommonAnswer | None = None
    initial: dict[str, Any] = field(default_factory=dict)
    chosen_id: str = ""
    keeps: bool = False  # may manage the committee's common answers

    def used(self, actor: User) -> None:
        for answer in self.answers:
            if str(answer.pk) == self.chosen_id:
                do_count_common_answer_use(answer, actor=actor)

    @property
    def subjects(self) -> list[tuple[str, str]]:
        return [(str(value), str(label)) for value, label in DisputeType.choices]


def answer_picker(request: HttpRequest, communities: QuerySet[Community]) -> AnswerPicker:
    answers = list(
        CommonAnswer.objects.filter(active=True, committee__community__in=communities).order_by(
            "-times_used", "question"
        )
    )
    subject = request.GET.get("type", "")
    if subject not in DisputeType.values:
        subject = ""
    picker = AnswerPicker(
        answers=answers,
        subject=subject,
        keeps=access.answer_committees(request.user).exists(),
    )
    if subject:
        picker.answers = [a for a in answers if a.dispute_type in ("", subject)]
        picker.initial["dispute_type"] = subject
    wanted = request.GET.get("answer", "")
    picker.picked = next((a for a in answers if str(a.pk) == wanted), None)
    if picker.picked is not None:
        picker.initial["answer"] = picker.picked.answer
        if picker.picked.dispute_type:
            picker.initial["dispute_type"] = picker.picked.dispute_type
        picker.chosen_id = str(picker.picked.pk)
    if request.method == "POST":  # what was sent counts, not the link the page came from
        picker.chosen_id = str(request.POST.get("common_answer", ""))
    return picker
