import re

import pytest
from django.core import mail
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from clinic.actions import do_notify
from clinic.models import Notification, User, recount_unread_notifications
from tests.conftest import client_for, person
from tests.races import REPEATS, THREADS, race


def test_posting_the_same_event_twice_shows_one_notification(
    demo: None, django_capture_on_commit_callbacks
) -> None:
    mediator = person("mediator")
    with django_capture_on_commit_callbacks(execute=True):
        do_notify([mediator], key="case:17:assigned", title="新案件分派给您")
        do_notify([mediator], key="case:17:assigned", title="新案件分派给您")
    assert Notification.objects.filter(user=mediator).count() == 1
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [mediator.email] and mail.outbox[0].subject == "新案件分派给您"


def test_email_goes_only_after_the_acting_transaction_commits(
    demo: None, django_capture_on_commit_callbacks
) -> None:
    mediator = person("mediator")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        do_notify([mediator], key="k1", title="提醒")
    assert len(mail.outbox) == 0 and len(callbacks) == 1


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_action_leaves_no_notification_and_sends_nothing(demo: None) -> None:
    mediator = person("mediator")

    class Boom(Exception):
        pass

    with pytest.raises(Boom), transaction.atomic():
        do_notify([mediator], key="k2", title="不该出现")
        raise Boom
    assert not Notification.objects.filter(key="k2").exists()
    assert len(mail.outbox) == 0


def test_the_unread_count_shows_in_the_navigation_and_opening_marks_read(demo: None) -> None:
    mediator = person("mediator")
    [note] = do_notify([mediator], key="k3", title="复诊将到期", url="/inbox/")
    client = client_for("mediator")
    page = client.get(reverse("clinic:notifications")).content.decode()
    assert 'class="badge"' in page and "复诊将到期" in page
    response = client.post(reverse("clinic:open_notification", args=[note.pk]))
    assert response.status_code == 302 and response["Location"] == "/inbox/"
    note.refresh_from_db()
    assert note.read_at is not None
    assert 'class="badge"' not in client.get(reverse("clinic:notifications")).content.decode()


def _badge(client) -> str | None:
    """The unread count the navigation shows, or None when it shows none."""
    page = client.get(reverse("clinic:notifications")).content.decode()
    found = re.search(r'<span class="badge"[^>]*>(\d+)</span>', page)
    return found.group(1) if found else None


def test_the_badge_counts_unread_notifications_however_they_are_written(demo: None) -> None:
    """The count is kept by the database: bulk inserts, deletes and updates move it too."""
    mediator = person("mediator")
    client = client_for("mediator")
    assert _badge(client) is None
    do_notify([mediator], key="a", title="一")
    Notification.objects.bulk_create(
        [
            Notification(user=mediator, key="b", title="二"),
            Notification(user=mediator, key="c", title="三", read_at=timezone.now()),
            Notification(user=person("lawyer"), key="d", title="四"),
        ]
    )
    assert _badge(client) == "2"
    Notification.objects.filter(key__in=["a", "c"]).delete()  # one unread, one read
    assert _badge(client) == "1"
    Notification.objects.filter(key="b").update(user=person("lawyer"))
    assert _badge(client) is None
    assert _badge(client_for("lawyer")) == "2"
    Notification.objects.filter(user=person("lawyer"), key="d").update(read_at=timezone.now())
    assert _badge(client_for("lawyer")) == "1"
    client_for("lawyer").post(reverse("clinic:notifications"))  # marks all read
    assert _badge(client_for("lawyer")) is None


def test_a_recount_sets_every_badge_from_the_inbox(demo: None) -> None:
    """What a restore runs once its rows are in, whatever the triggers saw while loading."""
    do_notify([person("mediator")], key="e", title="五")
    do_notify([person("mediator"), person("judge")], key="f", title="六")
    User.objects.update(unread_notifications=7)
    recount_unread_notifications()
    assert _badge(client_for("mediator")) == "2"
    assert _badge(client_for("judge")) == "1"
    assert _badge(client_for("lawyer")) is None


def test_saving_a_person_read_before_a_notification_came_keeps_the_count(demo: None) -> None:
    stale = person("mediator")
    do_notify([person("mediator")], key="g", title="七")
    stale.phone = "13708719999"
    stale.save()
    client = client_for("mediator")
    assert _badge(client) == "1"
    client.post(reverse("clinic:notifications"))  # marks all read
    assert _badge(client) is None


@pytest.mark.postgres
def test_marking_a_notification_emailed_leaves_its_persons_row_alone(demo: None) -> None:
    """Only reading, unreading or handing a notification to someone else moves a count: the
    email task marks it sent without writing (and locking) the person's row."""
    [note] = do_notify([person("mediator")], key="h", title="八")

    def version() -> str:
        with connection.cursor() as cursor:
            cursor.execute("SELECT ctid::text FROM clinic_user WHERE id = %s", [note.user_id])
            return cursor.fetchone()[0]

    before = version()
    Notification.objects.filter(pk=note.pk).update(emailed_at=timezone.now())
    assert version() == before
    Notification.objects.filter(pk=note.pk).update(read_at=timezone.now())
    assert version() != before


def test_nobody_opens_someone_elses_notification(demo: None) -> None:
    [note] = do_notify([person("mediator")], key="k4", title="私信")
    response = client_for("judge").post(reverse("clinic:open_notification", args=[note.pk]))
    assert response.status_code == 404
    note.refresh_from_db()
    assert note.read_at is None


def test_a_link_to_another_site_is_not_followed(demo: None) -> None:
    [note] = do_notify([person("mediator")], key="k5", title="x", url="https://evil.example/")
    response = client_for("mediator").post(reverse("clinic:open_notification", args=[note.pk]))
    assert response["Location"] == reverse("clinic:notifications")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_actions_notifying_the_same_people_in_any_order_at_once_all_go_through(
    demo: None,
) -> None:
    """Each notification moves its person's unread count; actions that notify the same
    people, listed in opposite orders, all commit (none is stopped as a deadlock)."""
    people = list(User.objects.order_by("pk"))
    for round_ in range(REPEATS // 5):

        def work(i: int, round_: int = round_) -> None:
            with transaction.atomic():
                do_notify(people if i % 2 else people[::-1], key=f"r{round_}-{i}", title="会诊邀请")

        results = race(work)
        assert [r for r in results if isinstance(r, Exception)] == []
    counts = dict(User.objects.values_list("pk", "unread_notifications"))
    assert set(counts.values()) == {REPEATS // 5 * THREADS}
