"""The private calendar feed of a person's commitments: its key, renewed on request."""

from __future__ import annotations

from django.db import transaction

from clinic.models import User
from scheduling.models import FeedToken


@transaction.atomic
def do_renew_feed_token(person: User) -> FeedToken:
    """Issue a new private feed key; the old address stops working."""
    FeedToken.objects.filter(person=person).delete()
    return FeedToken.objects.create(person=person)


def feed_token(person: User) -> FeedToken:
    token, _ = FeedToken.objects.get_or_create(person=person)
    return token
