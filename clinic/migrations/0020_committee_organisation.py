"""Placeholder, filled by the change that needs it (issue 22)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("clinic", "0018_report_audit_events")]

    operations: list = []
