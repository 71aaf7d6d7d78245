from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("cases", "0025_report_history")]

    operations: list = []
