"""A consultation's forms sent from pages shown before someone else's change: the opinion
from a second tab, the meeting time fixed by a second convener. The second gets 409 and what
the first saved; nothing is overwritten unseen."""

from __future__ import annotations

from django.urls import reverse

from cases.choices import State
from cases.models import ConsultationInvitee, JointConsultation
from tests.cases.factories import convened, in_state
from tests.clinic.lib.shown import hidden_fields
from tests.conftest import client_for


def _with(page: str, field: str) -> dict[str, str]:
    """The hidden fields of the form of ``page`` that holds ``field``."""
    for form in page.split("<form")[1:]:
        if f'name="{field}"' in form.split("</form>", 1)[0]:
            return hidden_fields(form.split("</form>", 1)[0], "seen_version", "seen_values")
    raise AssertionError(f"no form with {field}")


def test_an_opinion_from_a_second_tab_does_not_overwrite_the_first(demo: None) -> None:
    consultation = convened(in_state(State.SIT_IN))
    url = reverse("cases:consultation", args=[consultation.pk])
    judge = client_for("judge")
    tab1, tab2 = (_with(judge.get(url).content.decode(), "opinion") for _tab in (1, 2))
    assert judge.post(url, tab1 | {"opinion": "按实际损失赔偿"}).status_code == 302
    lost = judge.post(url, tab2 | {"opinion": "建议再调解一次"})
    assert lost.status_code == 409
    page = lost.content.decode()
    assert "按实际损失赔偿" in page.split('class="conflict"', 1)[1].split("</dl>", 1)[0]
    assert "建议再调解一次" in page
    assert ConsultationInvitee.objects.get(user__username="judge").opinion == "按实际损失赔偿"


def test_a_meeting_time_fixed_meanwhile_is_shown_not_moved(demo: None) -> None:
    consultation = convened(in_state(State.SIT_IN))
    first, second = consultation.slots.order_by("starts_at")
    url = reverse("cases:consultation", args=[consultation.pk])
    for who in ("judge", "police"):
        page = client_for(who).get(url).content.decode()
        answer = _with(page, "answer") | {"answer": "accepted", "slots": [first.pk, second.pk]}
        assert client_for(who).post(url, answer).status_code == 302
    mediator, coordinator = client_for("mediator"), client_for("coordinator")
    shown = [_with(c.get(url).content.decode(), "slot") for c in (mediator, coordinator)]
    assert mediator.post(url, shown[0] | {"slot": first.pk}).status_code == 302
    lost = coordinator.post(url, shown[1] | {"slot": second.pk})
    assert lost.status_code == 409
    assert JointConsultation.objects.get(pk=consultation.pk).meeting_id == first.pk
