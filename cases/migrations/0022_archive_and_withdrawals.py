"""Archiving and withdrawn uploads.

- A volume number (卷号) is unique in its committee (a constraint on the non-empty ones). Cases
  that already share one are made legal first: in each committee the case archived first
  keeps the number, every later one gets a suffix (``2026-盘金-017`` → ``2026-盘金-017-2``,
  ``-3``, …, the first that is free), and its timeline says so (an edit by the system).
- An attachment can be withdrawn (when, by whom, why) instead of deleted.
- The timeline has an event for a withdrawn file.
"""

from typing import Any

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.utils import timezone

VOLUME_CHARS = 100  # clinic.lib.limits.REFERENCE, the field's length


def _free(base: str, taken: set[str]) -> str:
    serial = 2
    while True:
        suffix = f"-{serial}"
        candidate = base[: VOLUME_CHARS - len(suffix)] + suffix
        if candidate not in taken:
            return candidate
        serial += 1


def separate_shared_volume_numbers(apps: Any, schema_editor: Any) -> None:
    Case = apps.get_model("cases", "Case")
    CaseEvent = apps.get_model("cases", "CaseEvent")
    rows = (
        Case.objects.exclude(volume_no="")
        .order_by("committee_id", "archived_at", "pk")
        .values_list("pk", "committee_id", "volume_no")
    )
    taken: dict[int, set[str]] = {}
    seen: set[tuple[int, str]] = set()
    later: list[tuple[int, int, str]] = []
    for pk, committee, volume in rows:
        taken.setdefault(committee, set()).add(volume)
        if (committee, volume) in seen:
            later.append((pk, committee, volume))
        seen.add((committee, volume))
    for pk, committee, volume in later:
        new = _free(volume, taken[committee])
        taken[committee].add(new)
        Case.objects.filter(pk=pk).update(volume_no=new)
        CaseEvent.objects.create(
            case_id=pk,
            at=timezone.now(),
            actor=None,
            kind="edited",
            payload={
                "what": "case_edited",
                "changes": [{"field": "volume_no", "from": volume, "to": new}],
            },
            note="卷号与本委员会先归档的案件重复，迁移时加后缀区分",
        )


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0021_row_versions"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="attachment",
            name="withdrawal_reason",
            field=models.CharField(blank=True, max_length=200, verbose_name="why it was withdrawn"),
        ),
        migrations.AddField(
            model_name="attachment",
            name="withdrawn_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="withdrawn"),
        ),
        migrations.AddField(
            model_name="attachment",
            name="withdrawn_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="withdrawn by",
            ),
        ),
        migrations.AlterField(
            model_name="caseevent",
            name="kind",
            field=models.CharField(
                choices=[
                    ("registered", "Registered"),
                    ("transition", "State changed"),
                    ("edited", "Edited"),
                    ("party", "Party changed"),
                    ("consent", "Consent or notice recorded"),
                    ("assigned", "Assigned"),
                    ("recused", "Mediator recused"),
                    ("escalated", "Escalated to the street"),
                    ("extended", "Deadline extended"),
                    ("deadline_moved", "Deadline moved with the holiday schedule"),
                    ("record", "Mediation record"),
                    ("agreement", "Agreement"),
                    ("confirmation", "Judicial confirmation"),
                    ("advice", "Professional advice"),
                    ("consultation", "Joint consultation"),
                    ("follow_up", "Follow-up"),
                    ("attachment", "Attachment"),
                    ("visit", "Home visit"),
                    ("reassigned", "Open work handed on"),
                    ("reminder", "Reminder sent"),
                    ("archived", "Archived"),
                    ("withdrawn", "File withdrawn"),
                ],
                max_length=20,
                verbose_name="event",
            ),
        ),
        migrations.RunPython(separate_shared_volume_numbers, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="case",
            constraint=models.UniqueConstraint(
                condition=models.Q(("volume_no", ""), _negated=True),
                fields=("committee", "volume_no"),
                name="one_volume_per_committee",
            ),
        ),
    ]
