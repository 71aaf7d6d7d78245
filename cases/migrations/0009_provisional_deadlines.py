"""Deadlines carry a flag when they rest on an estimated holiday schedule. Open deadlines that
end in a year whose schedule is not official (``clinic.HolidayYear``) are flagged here; from now
on every calendar change works them out again (``cases.actions.do_recompute_deadlines``)."""

from django.db import migrations, models


def flag_open_deadlines(apps, schema_editor):
    HolidayYear = apps.get_model("clinic", "HolidayYear")
    Case = apps.get_model("cases", "Case")
    official = set(HolidayYear.objects.filter(official=True).values_list("year", flat=True))
    for field in ("mediation_due", "confirmation_due"):
        years = set(
            Case.objects.filter(**{f"{field}__isnull": False})
            .exclude(state="closed")
            .values_list(f"{field}__year", flat=True)
        )
        for year in years - official:
            Case.objects.filter(**{f"{field}__year": year}).exclude(state="closed").update(
                **{f"{field}_provisional": True}
            )


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0008_case_grants_restamp'),
        ('clinic', '0008_holiday_years'),
    ]

    operations = [
        migrations.AddField(
            model_name='case',
            name='confirmation_due_provisional',
            field=models.BooleanField(default=False, help_text='Worked out on an estimated holiday schedule: it may move when the official one is entered.', verbose_name='judicial confirmation window provisional'),
        ),
        migrations.AddField(
            model_name='case',
            name='mediation_due_provisional',
            field=models.BooleanField(default=False, help_text='Worked out on an estimated holiday schedule: it may move when the official one is entered.', verbose_name='mediation due date provisional'),
        ),
        migrations.AddField(
            model_name='historicalcase',
            name='confirmation_due_provisional',
            field=models.BooleanField(default=False, help_text='Worked out on an estimated holiday schedule: it may move when the official one is entered.', verbose_name='judicial confirmation window provisional'),
        ),
        migrations.AddField(
            model_name='historicalcase',
            name='mediation_due_provisional',
            field=models.BooleanField(default=False, help_text='Worked out on an estimated holiday schedule: it may move when the official one is entered.', verbose_name='mediation due date provisional'),
        ),
        migrations.AlterField(
            model_name='caseevent',
            name='kind',
            field=models.CharField(choices=[('registered', 'Registered'), ('transition', 'State changed'), ('edited', 'Edited'), ('party', 'Party changed'), ('consent', 'Consent or notice recorded'), ('assigned', 'Assigned'), ('recused', 'Mediator recused'), ('escalated', 'Escalated to the street'), ('extended', 'Deadline extended'), ('deadline_moved', 'Deadline moved with the holiday schedule'), ('record', 'Mediation record'), ('agreement', 'Agreement'), ('confirmation', 'Judicial confirmation'), ('advice', 'Professional advice'), ('consultation', 'Joint consultation'), ('follow_up', 'Follow-up'), ('attachment', 'Attachment')], max_length=20, verbose_name='event'),
        ),
        migrations.RunPython(flag_open_deadlines, migrations.RunPython.noop),
    ]
