"""The audit log's events for 以案定补: a district's subsidy rule changed, a case file reviewed
(卷宗评查), a mediator's monthly statement approved."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("clinic", "0020_committee_organisation"),
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
                    ("subsidy_rule_changed", "Subsidy rule changed"),
                    ("file_reviewed", "Case file reviewed"),
                    ("subsidy_approved", "Subsidy statement approved"),
                ],
                max_length=20,
                verbose_name="event",
            ),
        ),
    ]
