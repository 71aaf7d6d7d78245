"""Sending: ``notify`` posts a notice to people (the inbox, and a delivery per channel they get
it through), ``notify_group`` to a community's group robots; ``deliver`` sends one delivery.

Deliveries are written in the acting transaction and sent after it commits (through the
outbox), so an action never waits on a gateway and none is lost when one is down: a delivery
that failed for a reason that may pass is tried again (``BACKOFF``) by ``retry_due``, every
minute, until it is sent or has been tried ``len(BACKOFF) + 1`` times. A template SMS counts
against the daily cap of its number and template (``CLINIC_SMS_DAILY_CAP``); one over the cap
is held back (the inbox still has it)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from clinic import outbox
from clinic.lib.encrypted import lookup_hash
from clinic.lib.masking import mask_phone
from clinic.notify import backends, preferences
from clinic.notify.models import Channel, Delivery, GroupRobot
from clinic.notify.notices import Encoded, get
from clinic.notify.render import Rendered, language_of, render

#: Waits before the 2nd, 3rd … try of a delivery that failed for a passing reason.
BACKOFF = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=15),
    timedelta(hours=1),
    timedelta(hours=3),
    timedelta(hours=6),
)
#: An SMS parameter's longest (gateways refuse longer variables).
SMS_PARAM_MAX = 20
DELIVER = "clinic.notify.tasks.deliver"


def notify(
    template: str,
    params: Mapping[str, Encoded],
    recipients: Iterable[Any],
    *,
    key: str,
    url: str = "",
) -> list[Any]:
    """Post notice ``template`` with ``params`` to each recipient's inbox, once per (person,
    ``key``), inside the caller's transaction, and queue its deliveries through the channels
    each person gets that kind of notice through. Returns the notifications made."""
    from clinic.models import Notification  # noqa: PLC0415  the models import this module's app

    notice = get(template)
    created = []
    # In id order: each notification moves its person's unread count (a row lock until the
    # transaction ends), and two actions notifying the same people must take them in the same
    # order, or each would wait for the other.
    for user in sorted({user.pk: user for user in recipients}.values(), key=lambda u: u.pk):
        first = render(template, params, language=language_of(user), url=url)
        try:
            with transaction.atomic():
                notification = Notification.objects.create(
                    user=user,
                    key=key[:200],
                    template=notice.key,
                    params=dict(params),
                    title=first.title,
                    body=first.body,
                    url=url[:300],
                )
        except IntegrityError:
            continue
        created.append(notification)
        for channel in preferences.channels_for(user, notice.kind):
            if channel == Channel.SMS and not notice.sms:
                continue  # a notice without SMS parameters is never sent by SMS
            _queue(
                Delivery(
                    notification=notification,
                    template=notice.key,
                    channel=channel,
                    **_address(user, channel),
                )
            )
    return created


def notify_group(
    template: str, params: Mapping[str, Encoded], community: Any, *, url: str = ""
) -> list[Delivery]:
    """Send a group notice (a duty notice, a published item) to every robot of the
    community's groups, inside the caller's transaction."""
    notice = get(template)
    if not notice.group or not backends.robots_enabled():
        return []
    return [
        _queue(
            Delivery(
                robot=robot,
                template=notice.key,
                params=dict(params),
                url=url[:300],
                channel=Channel.ROBOT,
                address=str(robot),
            )
        )
        for robot in GroupRobot.objects.filter(community=community, active=True)
    ]


def _address(user: Any, channel: str) -> dict[str, str]:
    if channel == Channel.SMS:
        return {"address": mask_phone(user.phone), "address_key": lookup_hash(user.phone)}
    return {"address": user.email}


def _queue(delivery: Delivery) -> Delivery:
    delivery.save()
    outbox.enqueue(DELIVER, delivery.pk, robust=True)
    return delivery


# --- Sending ---------------------------------------------------------------------------------


def _cap() -> int:
    return int(getattr(settings, "CLINIC_SMS_DAILY_CAP", 50))


def _over_cap(delivery: Delivery) -> bool:
    start = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    sent = Delivery.objects.filter(
        channel=Channel.SMS,
        state=Delivery.State.SENT,
        address_key=delivery.address_key,
        template=delivery.template,
        sent_at__gte=start,
    ).count()
    return sent >= _cap()


def _message(delivery: Delivery) -> backends.Message | str:
    """What the channel sends, or why nothing can be sent."""
    if delivery.robot_id is not None:
        robot = delivery.robot
        assert robot is not None  # noqa: S101  the constraint: a person's or a group's
        group = render(
            delivery.template, delivery.params, language=settings.LANGUAGE_CODE, url=delivery.url
        )
        return backends.Message(
            channel=Channel.ROBOT,
            address=robot.key,
            provider=robot.provider,
            title=group.title,
            body=group.body,
            url=group.url,
        )
    notification = delivery.notification
    assert notification is not None  # noqa: S101
    user = notification.user
    shown: Rendered = render(
        notification.template,
        notification.params,
        language=language_of(user),
        url=notification.url,
        fallback=(notification.title, notification.body),
    )
    if delivery.channel == Channel.EMAIL:
        if not user.email:
            return "no email address"
        return backends.Message(
            channel=Channel.EMAIL,
            address=user.email,
            title=shown.title,
            body=shown.body,
            url=shown.url,
        )
    if delivery.channel == Channel.SMS:
        if not user.phone:
            return "no phone"
        code = backends.sms_template(delivery.template)
        if not code:
            return "no SMS template for this notice"
        notice = get(delivery.template)
        params = _sms_params(notice.sms, notification.params, user, shown)
        return backends.Message(
            channel=Channel.SMS,
            address=user.phone,
            template=code,
            params=params,
            title=shown.title,
        )
    return f"no such channel: {delivery.channel}"


def _sms_params(
    names: tuple[str, ...], params: Mapping[str, Encoded], user: Any, shown: Rendered
) -> dict[str, str]:
    from django.utils import translation  # noqa: PLC0415

    from clinic.notify.render import load_refs, value  # noqa: PLC0415

    records = load_refs(params.values())
    with translation.override(language_of(user)):
        return {name: value(params.get(name), records)[:SMS_PARAM_MAX] for name in names}


def deliver(delivery_id: int) -> bool:
    """Send one delivery if it is due; True when it went out. The row is locked while it is
    sent, so two workers never send it twice."""
    now = timezone.now()
    with transaction.atomic():
        delivery = (
            Delivery.objects.select_for_update(of=("self",))
            .filter(pk=delivery_id, state=Delivery.State.PENDING, next_attempt_at__lte=now)
            .select_related("notification__user", "robot")
            .first()
        )
        if delivery is None:
            return False
        sender = backends.backend(delivery.channel)
        if sender is None:
            return _close(delivery, Delivery.State.SKIPPED, "channel off in this deployment")
        if delivery.channel == Channel.SMS and _over_cap(delivery):
            return _close(delivery, Delivery.State.CAPPED, f"over {_cap()} a day")
        message = _message(delivery)
        if isinstance(message, str):
            return _close(delivery, Delivery.State.SKIPPED, message)
        delivery.attempts += 1
        try:
            sender.send(message)
        except backends.Permanent as error:
            delivery.last_error = str(error)[:300]
            return _close(delivery, Delivery.State.FAILED, "refused")
        except backends.Temporary as error:
            delivery.last_error = str(error)[:300]
            if delivery.attempts > len(BACKOFF):
                return _close(delivery, Delivery.State.FAILED, "gave up")
            delivery.next_attempt_at = now + BACKOFF[delivery.attempts - 1]
            delivery.save(update_fields=["attempts", "last_error", "next_attempt_at"])
            return False
        delivery.state, delivery.sent_at = Delivery.State.SENT, timezone.now()
        delivery.save(update_fields=["attempts", "state", "sent_at", "last_error"])
        if delivery.channel == Channel.EMAIL and delivery.notification_id:
            from clinic.models import Notification  # noqa: PLC0415

            Notification.objects.filter(pk=delivery.notification_id).update(
                emailed_at=delivery.sent_at
            )
    return True


def _close(delivery: Delivery, state: str, reason: str) -> bool:
    delivery.state, delivery.reason = state, reason[:200]
    delivery.save(update_fields=["state", "reason", "attempts", "last_error"])
    return False


def retry_due(limit: int = 200) -> int:
    """Send the deliveries whose next try is due (beat, every minute). Returns how many went
    out."""
    now = timezone.now()
    # a fresh delivery is the outbox's to send: taken here only if it is still waiting later
    due = list(
        Delivery.objects.filter(state=Delivery.State.PENDING, next_attempt_at__lte=now)
        .filter(Q(attempts__gt=0) | Q(created_at__lte=now - timedelta(minutes=2)))
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    return sum(1 for pk in due if deliver(pk))
