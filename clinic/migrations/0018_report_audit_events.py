"""The audit log's events for committee reports (填报 → 审核 → 上报): filed, approved,
returned, reported upward. (After the court figures' events: 0019 came first.)"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("clinic", "0019_court_filing_events"),
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
                    ("report_filed", "Committee report filed"),
                    ("report_approved", "Committee report approved"),
                    ("report_returned", "Committee report returned"),
                    ("report_reported", "Committee report reported upward"),
                ],
                max_length=20,
                verbose_name="event",
            ),
        ),
    ]
