"""Operators cannot bypass the rules: the audit log's new events (a management command run, an
emergency administrator's sign-in, reference data changed in the Django admin), and nobody who
holds a role is a Django superuser any more (the district admin works through the role group's
permissions; a superuser is made only by ``manage.py emergency_superuser``, as the people
manager's ``create_superuser``, which ``createsuperuser`` calls, refuses)."""

from typing import Any

from django.db import migrations, models


def clear_superusers_with_roles(apps: Any, schema_editor: Any) -> None:
    User = apps.get_model("clinic", "User")
    User.objects.filter(is_superuser=True, memberships__isnull=False).update(is_superuser=False)


class Migration(migrations.Migration):
    dependencies = [
        ("clinic", "0016_retention_periods"),
    ]

    operations = [
        migrations.AlterField(
            model_name="auditentry",
            name="event",
            field=models.CharField(
                choices=[
                    ("login", "Signed in"),
                    ("login_failed", "Failed sign-in"),
                    ("lockout", "Locked out"),
                    ("logout", "Signed out"),
                    ("denied", "Access denied"),
                    ("view", "Viewed"),
                    ("reveal", "Revealed personal data"),
                    ("download", "Downloaded"),
                    ("export", "Exported"),
                    ("person_changed", "Person changed"),
                    ("role_granted", "Role granted"),
                    ("role_ended", "Role ended"),
                    ("holiday_changed", "Holiday calendar changed"),
                    ("visit_scheduled", "Home visit scheduled"),
                    ("visit_cancelled", "Home visit cancelled"),
                    ("lookup", "Looked up a resident"),
                    ("check_out_undone", "Check-out undone"),
                    ("command", "Ran a management command"),
                    ("emergency_login", "Emergency administrator signed in"),
                    ("reference_changed", "Reference data changed"),
                ],
                max_length=20,
                verbose_name="event",
            ),
        ),
        # clinic.models.PeopleManager (no create_superuser) is not for migrations
        migrations.AlterModelManagers(name="user", managers=[]),
        migrations.RunPython(clear_superusers_with_roles, migrations.RunPython.noop),
    ]
