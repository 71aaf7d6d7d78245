"""No lost update on people and their roles: the profile, deactivation and the end of a role
carry the version their page showed. Of two managers changing one person at once the first
wins; the second is answered 409 with what they typed and what the first changed (a phone
masked), and nothing of the first's change is lost. Invalid input is answered 400 with the
form and why."""

from __future__ import annotations

import re

from django.test import Client
from django.urls import reverse

from clinic.forms import PROFILE_FIELDS
from clinic.models import AuditEntry, Membership, User
from tests.conftest import client_for, person


def _hidden(page: str) -> dict[str, str]:
    """The version the page's form carries, as a browser sends it."""
    return dict(re.findall(r'<input type="hidden" name="(seen_\w+)" value="([^"]*)"', page))


def _profile_as_shown(client: Client, target: User) -> dict[str, str]:
    """The edit page's form as the browser shows it: each field's value and the version."""
    response = client.get(reverse("clinic:edit_person", args=[target.pk]))
    form = response.context["form"]
    shown = {name: form[name].value() or "" for name in PROFILE_FIELDS}
    return shown | _hidden(response.content.decode())


def test_two_managers_edit_one_person_the_second_sees_the_firsts_change_masked(
    demo: None,
) -> None:
    target = person("mediator")
    specialism = target.specialism
    url = reverse("clinic:edit_person", args=[target.pk])
    first, second = client_for("coordinator"), client_for("admin")
    first_form = _profile_as_shown(first, target)
    second_form = _profile_as_shown(second, target)
    assert "*" in second_form["phone"]  # the phone is shown masked

    assert first.post(url, first_form | {"phone": "13711112222"}).status_code == 302
    lost = second.post(url, second_form | {"specialism": "婚姻家庭纠纷"})

    assert lost.status_code == 409
    page = lost.content.decode()
    assert "婚姻家庭纠纷" in page  # what they typed is kept
    assert "电话" in page and "137****2222" in page  # the phone changed, masked
    assert "13711112222" not in page
    target.refresh_from_db()
    assert (target.phone, target.specialism) == ("13711112222", specialism)
    # sent again after reading it: their change is saved, the first's phone stays
    again_form = lost.context["form"]
    again = second.post(
        url, {name: again_form[name].value() or "" for name in PROFILE_FIELDS} | _hidden(page)
    )
    assert again.status_code == 302
    target.refresh_from_db()
    assert (target.phone, target.specialism) == ("13711112222", "婚姻家庭纠纷")


def test_a_masked_phone_sent_back_unchanged_keeps_the_stored_one(demo: None) -> None:
    target = person("mediator")
    before = target.phone
    client = client_for("coordinator")
    shown = _profile_as_shown(client, target)
    response = client.post(
        reverse("clinic:edit_person", args=[target.pk]), shown | {"organisation": "调委会"}
    )
    assert response.status_code == 302
    target.refresh_from_db()
    assert (target.phone, target.organisation) == (before, "调委会")


def test_two_managers_end_one_role_the_second_sees_it_ended(demo: None) -> None:
    membership = Membership.objects.get(user__username="police")
    url = reverse("clinic:end_role", args=[membership.pk])
    first, second = client_for("coordinator"), client_for("admin")
    first_sees = _hidden(first.get(url).content.decode())
    second_sees = _hidden(second.get(url).content.decode())

    assert first.post(url, first_sees | {"reason": "调离"}).status_code == 302
    lost = second.post(url, second_sees | {"reason": "退休"})

    assert lost.status_code == 409
    page = lost.content.decode()
    assert "退休" in page and "终止原因" in page and "调离" in page
    membership.refresh_from_db()
    assert membership.end_reason == "调离"
    assert AuditEntry.objects.filter(event="role_ended").count() == 1


def test_a_person_edited_since_the_deactivation_page_was_shown_is_not_deactivated_unseen(
    demo: None,
) -> None:
    target = person("gridworker")
    url = reverse("clinic:deactivate_person", args=[target.pk])
    coordinator, admin = client_for("coordinator"), client_for("admin")
    sees = _hidden(coordinator.get(url).content.decode())
    edit = reverse("clinic:edit_person", args=[target.pk])
    assert (
        admin.post(edit, _profile_as_shown(admin, target) | {"phone": "13655556666"}).status_code
        == 302
    )

    lost = coordinator.post(url, sees | {"reason": "离职"})

    assert lost.status_code == 409
    page = lost.content.decode()
    assert "离职" in page and "136****6666" in page and "13655556666" not in page
    assert User.objects.get(pk=target.pk).is_active
    again = coordinator.post(url, _hidden(page) | {"reason": "离职"})
    assert again.status_code == 302
    assert not User.objects.get(pk=target.pk).is_active


# --- invalid input: 400, the form, and why --------------------------------------------------


def test_a_profile_with_a_wrong_phone_is_answered_400(demo: None) -> None:
    target = person("mediator")
    client = client_for("coordinator")
    shown = _profile_as_shown(client, target)
    response = client.post(
        reverse("clinic:edit_person", args=[target.pk]), shown | {"phone": "12345"}
    )
    assert response.status_code == 400
    assert User.objects.get(pk=target.pk).phone == target.phone


def test_a_form_without_the_version_is_answered_400_as_out_of_date(demo: None) -> None:
    target = person("mediator")
    client = client_for("coordinator")
    shown = _profile_as_shown(client, target)
    del shown["seen_version"]
    response = client.post(
        reverse("clinic:edit_person", args=[target.pk]), shown | {"organisation": "调委会"}
    )
    assert response.status_code == 400 and "此页面已过期" in response.content.decode()
    assert User.objects.get(pk=target.pk).organisation != "调委会"


def test_ending_a_role_without_a_reason_is_answered_400(demo: None) -> None:
    membership = Membership.objects.get(user__username="police")
    url = reverse("clinic:end_role", args=[membership.pk])
    client = client_for("coordinator")
    response = client.post(url, _hidden(client.get(url).content.decode()))
    assert response.status_code == 400 and "这个字段是必填项" in response.content.decode()
    assert Membership.objects.get(pk=membership.pk).ended_at is None


def test_an_empty_deactivation_is_answered_400_not_a_server_error(demo: None) -> None:
    target = person("gridworker")
    response = client_for("coordinator").post(reverse("clinic:deactivate_person", args=[target.pk]))
    assert response.status_code == 400 and "这个字段是必填项" in response.content.decode()
    assert User.objects.get(pk=target.pk).is_active


def test_an_empty_deactivation_of_someone_with_open_work_is_answered_400(demo: None) -> None:
    from cases.choices import State  # noqa: PLC0415
    from tests.cases.factories import in_state  # noqa: PLC0415

    in_state(State.SIT_IN)  # the mediator's open case
    target = person("mediator")
    response = client_for("coordinator").post(reverse("clinic:deactivate_person", args=[target.pk]))
    assert response.status_code == 400
    assert User.objects.get(pk=target.pk).is_active


def test_reassigning_to_nobody_is_answered_400(demo: None) -> None:
    from cases.choices import State  # noqa: PLC0415
    from tests.cases.factories import in_state  # noqa: PLC0415

    in_state(State.SIT_IN)  # the mediator's open case
    target = person("mediator")
    response = client_for("coordinator").post(reverse("cases:reassign_person", args=[target.pk]))
    assert response.status_code == 400 and "这个字段是必填项" in response.content.decode()


def test_adding_a_person_without_a_name_is_answered_400(demo: None) -> None:
    before = User.objects.count()
    response = client_for("coordinator").post(reverse("clinic:add_person"), {})
    assert response.status_code == 400 and "这个字段是必填项" in response.content.decode()
    assert User.objects.count() == before
