from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("cases", "0026_report_filings")]

    operations: list = []
