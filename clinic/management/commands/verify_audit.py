"""``manage.py verify_audit``: walk the audit log's hash chain (``clinic.lib.audit_chain``) and
report the first broken link: an entry changed since it was written, or an entry deleted or
inserted before it. It exits non-zero then. When the chain is whole it prints its length and its
end (the last entry and its seal): write that down elsewhere, and a later run that ends before
it shows that the newest entries were taken away.

After a retention purge the chain starts at the first remaining entry, which must follow the
last purge's ``AuditAnchor``. Like every operator's command, its run is written to the log
(after the check, so the check's figures do not count it)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError

from clinic.lib import audit_chain
from clinic.lib.commands import AuditedCommand
from clinic.models import AuditAnchor, AuditEntry


def first_broken_link() -> tuple[str | None, int, AuditEntry | None]:
    """What is wrong with the chain (or None), how many entries were checked, and the last
    entry checked."""
    anchor = AuditAnchor.objects.order_by("-pk").first()
    expected, after = "", 0
    if anchor is not None:
        if anchor.seal != audit_chain.seal_anchor(anchor.through_id, anchor.hash):
            return f"the anchor of the purge of {anchor.at:%Y-%m-%d} has been changed", 0, None
        expected, after = anchor.hash, anchor.through_id
    checked, last = 0, None
    for entry in AuditEntry.objects.order_by("pk").iterator(chunk_size=2000):
        if entry.pk <= after:
            return f"entry {entry.pk} is older than the last purge: it was inserted", checked, last
        if entry.prev_hash != expected:
            where = f"after entry {last.pk}" if last else "at the start of the log"
            problem = (
                f"the link {where} is broken: an entry was deleted or inserted before {entry.pk}"
            )
            return problem, checked, last
        values = {name: getattr(entry, name) for name in audit_chain.FIELDS}
        if audit_chain.seal(entry.prev_hash, values) != entry.hash:
            problem = (
                f"entry {entry.pk} is not as it was sealed: changed since it was written, "
                "or written past the application"
            )
            return problem, checked, last
        expected, last = entry.hash, entry
        checked += 1
    return None, checked, last


class Command(AuditedCommand):
    help = "Check the audit log's hash chain; report the first broken link (exit status 1)."

    def handle(self, *args: Any, **options: Any) -> None:
        problem, checked, last = first_broken_link()
        if problem is not None:
            raise CommandError(f"The audit log has been tampered with: {problem}.")
        if last is None:
            self.stdout.write("The audit log is empty; nothing to verify.")
            return
        self.stdout.write(
            f"{checked} audit entries verified; the chain is whole. It ends at entry {last.pk} "
            f"({last.at:%Y-%m-%d %H:%M:%S}), sealed {last.hash}."
        )
