"""Each year's holiday schedule is official or provisional. The years already in the calendar
are official when the ``holidays`` package installed now carries their published schedule."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def mark_years(apps, schema_editor):
    from holidays.countries.china import ChinaStaticHolidays

    published = getattr(ChinaStaticHolidays, "special_public_holidays", {})
    Holiday = apps.get_model("clinic", "Holiday")
    HolidayYear = apps.get_model("clinic", "HolidayYear")
    for year in sorted({day.year for day in Holiday.objects.values_list("date", flat=True)}):
        HolidayYear.objects.get_or_create(year=year, defaults={"official": year in published})


class Migration(migrations.Migration):

    dependencies = [
        ('clinic', '0007_user_stamp_and_unread'),
    ]

    operations = [
        migrations.CreateModel(
            name='HolidayYear',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('year', models.PositiveSmallIntegerField(unique=True, verbose_name='year')),
                ('official', models.BooleanField(default=False, verbose_name='official schedule')),
                ('confirmed_at', models.DateTimeField(blank=True, null=True, verbose_name='confirmed')),
                ('confirmed_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='confirmed by')),
            ],
            options={
                'verbose_name': 'holiday schedule of a year',
                'verbose_name_plural': 'holiday schedules',
                'ordering': ['year'],
            },
        ),
        migrations.RunPython(mark_years, migrations.RunPython.noop),
    ]
