"""The audit log's events for the court's figures (万人成讼率): a file imported, figures typed
in."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("clinic", "0017_operators"),
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
                    ("court_imported", "Court figures imported"),
                    ("court_entered", "Court figures entered"),
                ],
                max_length=20,
                verbose_name="event",
            ),
        ),
    ]
