"""A form sent twice makes one record: every form carries a random ``submission_id``, and the
first answer to it is what every later sending of the same form gets.

Every template's ``{% csrf_token %}`` renders the hidden field too (``clinic.templatetags.
forms``, a template builtin), so every form that posts carries one without a line of its
own. ``SubmissionMiddleware`` (in ``clinic.middleware``) then, for a signed-in person's POST:

1. ``claim``: inserts ``Submission(user, token)``; the unique constraint lets one request
   hold it. A second sending of the same form waits for the first to be answered (a double
   tap arrives while the first is still running) and gets its answer.
2. the view runs as usual;
3. ``finish``: a redirect (the project's answer to a form that did its work) is remembered;
   any other answer (a form with errors, a refusal, a clash, a server error) releases the
   claim, so the form can be sent again.

A remembered sending is answered with the same redirect and "此表单已提交过"; after a day
it is forgotten (each person's older ones are deleted as they send their next form). The
pages before sign-in is done (sign-in, sign-out, language, two-step, password) are left out.
"""

from __future__ import annotations

import time
import uuid
from datetime import timedelta

from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models import QuerySet
from django.utils import timezone

from clinic.models import Submission, User

FIELD = "submission_id"
#: How long a sending's answer is remembered.
REMEMBERED = timedelta(days=1)
#: A claim this old with no answer was left by a process that died: the next sending runs.
ABANDONED = timedelta(minutes=2)
#: How long a second sending waits for the first's answer before it says "still sending".
WAIT_SECONDS = 20.0
POLL_SECONDS = 0.1
#: The cookie that tells the page after a successful sending which one it was (drafts.js
#: forgets that form's local draft); it holds only the random id.
SENT_COOKIE = "sent_form"


class StillSending(Exception):
    """The same form is being answered in another request and took longer than the wait."""


def token_of(value: str | None) -> uuid.UUID | None:
    """The submission id a request carries, or None for a missing or malformed one."""
    if not value:
        return None
    try:
        return uuid.UUID(value)
    except ValueError:
        return None


def claim(user: User, token: uuid.UUID) -> Submission | None:
    """Claim ``token`` for this request: None when it is the first sending (the caller now
    holds the claim and must ``finish`` it), or the first sending's answered row. Waits while
    another request holds the claim; raises ``StillSending`` after ``WAIT_SECONDS``."""
    now = timezone.now()
    Submission.objects.filter(user=user, created_at__lt=now - REMEMBERED).delete()
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        try:
            with transaction.atomic():
                Submission.objects.create(user=user, token=token)
            return None
        except IntegrityError:
            pass
        first = Submission.objects.filter(user=user, token=token).first()
        if first is None:
            continue  # the first sending failed and let go meanwhile: this one runs
        if first.answered_at is not None:
            return first
        if first.created_at < timezone.now() - ABANDONED:
            # Taken over only if still unanswered and still this old (conditional delete).
            Submission.objects.filter(
                pk=first.pk, answered_at__isnull=True, created_at=first.created_at
            ).delete()
            continue
        if time.monotonic() > deadline:
            raise StillSending
        time.sleep(POLL_SECONDS)


def finish(user: User, token: uuid.UUID, *, location: str | None) -> None:
    """Remember the redirect the first sending answered with, or (``location`` None: it did
    not succeed) let the claim go so the form can be sent again."""
    claimed = Submission.objects.filter(user=user, token=token, answered_at__isnull=True)
    try:
        _finish(claimed, location)
    except DatabaseError:
        # The request's connection broke (the answer is then a server error): on a new
        # connection, once; if that fails too, the claim is taken over after ABANDONED.
        if connection.in_atomic_block:
            return
        connection.close()
        try:
            _finish(claimed, location)
        except DatabaseError:
            return


def _finish(claimed: QuerySet[Submission], location: str | None) -> None:
    if location is None:
        claimed.delete()
    else:
        claimed.update(answered_at=timezone.now(), location=location)
