"""Placeholder, filled by the change that needs it (issue 22)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("cases", "0032_subsidies")]

    operations: list = []
