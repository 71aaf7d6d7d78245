"""Placeholder, filled by the change that needs it (issue 22)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("clinic", "0019_court_filing_events")]

    operations: list = []
