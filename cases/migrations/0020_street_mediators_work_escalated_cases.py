"""The cases escalated before a street committee's mediators were given them at escalation:
each open one is granted now to the committee's active mediators, as escalation does today."""

from django.db import migrations

OPEN_STATES = ("registered", "sit_in", "patrol", "joint_consultation", "follow_up")


def grant_escalated_cases(apps, schema_editor):
    Case = apps.get_model("cases", "Case")
    Grant = apps.get_model("cases", "CaseUserObjectPermission")
    Membership = apps.get_model("clinic", "Membership")
    Permission = apps.get_model("auth", "Permission")
    perms = list(
        Permission.objects.filter(
            content_type__app_label="cases", codename__in=["view_case", "change_case"]
        )
    )
    if not perms:  # a fresh database: the permissions are made after the migrations
        return
    escalated = Case.objects.filter(committee__level="street", state__in=OPEN_STATES)
    for case in escalated.only("pk", "street_id").order_by("pk"):
        mediators = Membership.objects.filter(
            role="mediator", level="street", street_id=case.street_id, ended_at__isnull=True
        ).values_list("user_id", flat=True)
        for user_id in sorted(set(mediators)):
            for perm in perms:
                Grant.objects.get_or_create(
                    user_id=user_id, permission=perm, content_object_id=case.pk
                )


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0019_powers_of_attorney_to_their_agents"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(grant_escalated_cases, migrations.RunPython.noop)]
